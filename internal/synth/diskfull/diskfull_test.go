package diskfull

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

func writeScenario(t *testing.T, seed uint64) (string, Result) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ev") // the truth goes beside it
	res, err := Write(dir, DefaultParams(seed))
	if err != nil {
		t.Fatal(err)
	}
	return dir, res
}

func TestWriteIsByteIdenticalPerSeed(t *testing.T) {
	dirA, a := writeScenario(t, 11)
	dirB, b := writeScenario(t, 11)
	_, c := writeScenario(t, 12)
	for _, rel := range []string{a.EventLog[len(dirA):], a.GlueRuns[len(dirA):], "/../" + filepath.Base(TruthPath(dirA))} {
		x, err := os.ReadFile(filepath.Join(dirA, rel))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(dirB, rel))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs with seed 11", rel)
		}
	}
	if b.Truth.DiskFullAt != a.Truth.DiskFullAt {
		t.Errorf("same seed, different truth")
	}
	x, _ := os.ReadFile(a.EventLog)
	z, _ := os.ReadFile(c.EventLog)
	if bytes.Equal(x, z) {
		t.Errorf("seeds 11 and 12 wrote the same event log")
	}
}

// rawTask is what the test reads back from a TaskEnd line with plain
// encoding/json, independently of the generator's structs.
type rawTask struct {
	stage, index int
	exec         string
	launch       int64
	finish       int64
	reason       string
	desc         string
	memSpill     int64
	diskSpill    int64
	write        int64
	read         int64
	input        int64
}

type parsedLog struct {
	props     map[string]string
	version   string
	appID     string
	appStart  int64
	appEnd    int64
	tasks     []rawTask
	starts    int
	removed   map[string]int64
	reasons   map[string]string
	stageFail string
	jobResult string
}

func parseLog(t *testing.T, path string) parsedLog {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pl := parsedLog{removed: map[string]int64{}, reasons: map[string]string{}}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	n := 0
	for sc.Scan() {
		n++
		var ev map[string]any
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("line %d is not JSON: %v", n, err)
		}
		name, _ := ev["Event"].(string)
		num := func(m map[string]any, k string) int64 {
			v, ok := m[k].(float64)
			if !ok {
				t.Fatalf("line %d: %s: %q is not a number", n, name, k)
			}
			return int64(v)
		}
		switch name {
		case "":
			t.Fatalf("line %d has no Event", n)
		case "SparkListenerLogStart":
			pl.version = ev["Spark Version"].(string)
		case "SparkListenerEnvironmentUpdate":
			pl.props = map[string]string{}
			for k, v := range ev["Spark Properties"].(map[string]any) {
				pl.props[k] = v.(string)
			}
		case "SparkListenerApplicationStart":
			pl.appID = ev["App ID"].(string)
			pl.appStart = num(ev, "Timestamp")
		case "SparkListenerApplicationEnd":
			pl.appEnd = num(ev, "Timestamp")
		case "SparkListenerTaskStart":
			pl.starts++
		case "SparkListenerTaskEnd":
			info := ev["Task Info"].(map[string]any)
			reason := ev["Task End Reason"].(map[string]any)
			m := ev["Task Metrics"].(map[string]any)
			rd := m["Shuffle Read Metrics"].(map[string]any)
			wr := m["Shuffle Write Metrics"].(map[string]any)
			rt := rawTask{
				stage: int(num(ev, "Stage ID")), index: int(num(info, "Index")), exec: info["Executor ID"].(string),
				launch: num(info, "Launch Time"), finish: num(info, "Finish Time"), reason: reason["Reason"].(string),
				memSpill: num(m, "Memory Bytes Spilled"), diskSpill: num(m, "Disk Bytes Spilled"),
				write: num(wr, "Shuffle Bytes Written"), read: num(rd, "Remote Bytes Read") + num(rd, "Local Bytes Read"),
				input: num(m["Input Metrics"].(map[string]any), "Bytes Read"),
			}
			if d, ok := reason["Description"].(string); ok {
				rt.desc = d
			}
			pl.tasks = append(pl.tasks, rt)
		case "SparkListenerExecutorRemoved":
			id := ev["Executor ID"].(string)
			pl.removed[id] = num(ev, "Timestamp")
			pl.reasons[id] = ev["Removed Reason"].(string)
		case "SparkListenerStageCompleted":
			if r, ok := ev["Stage Info"].(map[string]any)["Failure Reason"].(string); ok {
				pl.stageFail = r
			}
		case "SparkListenerJobEnd":
			pl.jobResult = ev["Job Result"].(map[string]any)["Result"].(string)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return pl
}

// naiveDisk is the documented model evaluated at instant at by brute
// force: shuffle output of successful tasks finished by at and not yet
// removed, plus spill of tasks running at at.
func naiveDisk(pl parsedLog, exec string, at int64) int64 {
	end := pl.appEnd
	if r, ok := pl.removed[exec]; ok {
		end = r
	}
	var d int64
	for _, k := range pl.tasks {
		if k.exec != exec {
			continue
		}
		if k.reason == "Success" && k.finish <= at && at < end {
			d += k.write
		}
		if k.launch <= at && at < k.finish {
			d += k.diskSpill
		}
	}
	return d
}

func TestEventLogReproducesTruth(t *testing.T) {
	dir, res := writeScenario(t, 1)
	tr := res.Truth
	pl := parseLog(t, res.EventLog)

	if pl.version != "3.3.0-amzn-1" || pl.appID != tr.AppID || !strings.HasPrefix(pl.appID, "spark-application-") {
		t.Errorf("log start/app: version %q app %q (truth %q)", pl.version, pl.appID, tr.AppID)
	}
	if !regexp.MustCompile(`^jr_[0-9a-f]{64}$`).MatchString(tr.GlueRunID) {
		t.Errorf("run id %q is not jr_ + 64 hex", tr.GlueRunID)
	}
	wantProps := map[string]string{
		"spark.glue.JOB_NAME": tr.GlueJobName, "spark.glue.JOB_RUN_ID": tr.GlueRunID,
		"spark.sql.shuffle.partitions": "400", "spark.sql.adaptive.enabled": "false",
	}
	for k, v := range wantProps {
		if pl.props[k] != v {
			t.Errorf("Spark Properties %s = %q, want %q", k, pl.props[k], v)
		}
	}
	if _, set := pl.props["spark.io.compression.codec"]; set {
		t.Errorf("spark.io.compression.codec must be left unset (lz4 by default)")
	}
	if pl.starts != len(pl.tasks) {
		t.Errorf("%d TaskStart vs %d TaskEnd", pl.starts, len(pl.tasks))
	}
	if pl.jobResult != "JobFailed" || !strings.Contains(pl.stageFail, "failed 4 times") || !strings.Contains(pl.stageFail, "No space left on device") {
		t.Errorf("job %q, stage failure %q", pl.jobResult, pl.stageFail)
	}

	// Brute-force crossing: for every executor, every instant where its
	// estimate can change.
	type cross struct {
		exec string
		at   int64
		disk int64
	}
	var crossings []cross
	execs := map[string]bool{}
	for _, k := range pl.tasks {
		execs[k.exec] = true
	}
	peaks := map[string]int64{}
	for exec := range execs {
		var instants []int64
		for _, k := range pl.tasks {
			if k.exec == exec {
				instants = append(instants, k.launch, k.finish)
			}
		}
		sort.Slice(instants, func(i, j int) bool { return instants[i] < instants[j] })
		found := false
		for _, at := range instants {
			d := naiveDisk(pl, exec, at)
			peaks[exec] = max(peaks[exec], d)
			if !found && d > tr.UsableDiskBytes {
				found = true
				crossings = append(crossings, cross{exec, at, d})
			}
		}
	}
	sort.Slice(crossings, func(i, j int) bool { return crossings[i].at < crossings[j].at })
	if len(crossings) == 0 {
		t.Fatal("no executor crossed its usable disk in the written log")
	}
	first := crossings[0]
	if first.exec != tr.FailingExecutor || first.at != tr.DiskFullAt.UnixMilli() || first.disk != tr.DiskBytesAtFull {
		t.Errorf("first crossing from the log: executor %s at %d with %d; truth: %s at %d with %d",
			first.exec, first.at, first.disk, tr.FailingExecutor, tr.DiskFullAt.UnixMilli(), tr.DiskBytesAtFull)
	}
	if len(crossings) != len(tr.ExecutorsFilled) {
		t.Errorf("%d executors crossed in the log, truth lists %d", len(crossings), len(tr.ExecutorsFilled))
	}
	for _, p := range tr.Peaks {
		if peaks[p.Executor] != p.PeakBytes {
			t.Errorf("executor %s peak: log %d, truth %d", p.Executor, peaks[p.Executor], p.PeakBytes)
		}
	}
	mins := tr.DiskFullAt.Sub(tr.AppStart).Minutes()
	if mins < 45 || mins > 51 {
		t.Errorf("disk filled %.1f min after the start, want about 48", mins)
	}
	// The failing executor's tasks fail with the JVM's message and it is removed for it.
	if !strings.Contains(pl.reasons[tr.FailingExecutor], "No space left on device") {
		t.Errorf("executor %s removed with %q", tr.FailingExecutor, pl.reasons[tr.FailingExecutor])
	}
	failedOnIt := 0
	for _, k := range pl.tasks {
		if k.exec == tr.FailingExecutor && k.reason == "ExceptionFailure" && k.desc == "No space left on device" && k.finish >= first.at {
			failedOnIt++
		}
	}
	if failedOnIt == 0 {
		t.Errorf("no task failed with No space left on device on executor %s", tr.FailingExecutor)
	}

	// Stage totals, empty partitions and the recommended partition count.
	var s0write, s1spill, s1mem int64
	readBy := map[int]int64{}
	for _, k := range pl.tasks {
		switch k.stage {
		case 0:
			s0write += k.write
		case 1:
			s1spill += k.diskSpill
			s1mem += k.memSpill
			readBy[k.index] = max(readBy[k.index], k.read)
		}
	}
	empty := 0
	for _, r := range readBy {
		if r == 0 {
			empty++
		}
	}
	if s0write != tr.Stages[0].ShuffleBytesWritten || s1spill != tr.Stages[1].DiskBytesSpilled || s1mem != tr.Stages[1].MemoryBytesSpilled {
		t.Errorf("stage totals from the log: write %d spill %d mem %d; truth %+v", s0write, s1spill, s1mem, tr.Stages)
	}
	if empty != tr.EmptyPartitionsObserved || len(readBy) != tr.PartitionsObserved {
		t.Errorf("empty partitions from the log %d of %d; truth %d of %d", empty, len(readBy), tr.EmptyPartitionsObserved, tr.PartitionsObserved)
	}
	const mib200 = 200 * 1024 * 1024
	if want := int((s0write + mib200 - 1) / mib200); tr.RecommendedPartitions != want {
		t.Errorf("recommended partitions %d, want ceil(%d / 200 MiB) = %d", tr.RecommendedPartitions, s0write, want)
	}

	// The Glue run links to the app and tells the same story.
	body, err := os.ReadFile(filepath.Join(dir, GlueRunsDir, "get-job-runs."+tr.GlueJobName+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var runs struct {
		JobRuns []struct {
			Id, JobRunState, ErrorMessage, WorkerType, GlueVersion string
			NumberOfWorkers                                        int
			StartedOn, CompletedOn                                 float64
		}
	}
	if err := json.Unmarshal(body, &runs); err != nil {
		t.Fatal(err)
	}
	if len(runs.JobRuns) != 1 {
		t.Fatalf("%d runs", len(runs.JobRuns))
	}
	r := runs.JobRuns[0]
	if r.Id != tr.GlueRunID || r.JobRunState != "FAILED" || r.WorkerType != "G.2X" || r.NumberOfWorkers != 10 || r.GlueVersion != "4.0" ||
		!strings.Contains(r.ErrorMessage, "No space left on device") {
		t.Errorf("glue run %+v", r)
	}
	started := time.UnixMilli(int64(r.StartedOn * 1000))
	if !started.Before(tr.AppStart) || int64(r.CompletedOn*1000) < pl.appEnd {
		t.Errorf("run %v–%v does not enclose the application %v–%d", started, r.CompletedOn, tr.AppStart, pl.appEnd)
	}
}

func TestScenarioFillsADiskForManySeeds(t *testing.T) {
	for seed := uint64(1); seed <= 12; seed++ {
		res, err := Write(t.TempDir(), DefaultParams(seed))
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if m := res.Truth.MinutesAfterStart; m < 45 || m > 51 {
			t.Errorf("seed %d: disk filled after %.1f min, want about 48", seed, m)
		}
	}
}

func TestWriteBench(t *testing.T) {
	dir := t.TempDir()
	res, err := WriteBench(context.Background(), dir, 4500, 3)
	if err != nil {
		t.Fatal(err)
	}
	pl := parseLog(t, res.Path)
	// 4500 tasks = stages of 2000, 2000 and 500.
	if len(pl.tasks) != 4500 || pl.starts != 4500 {
		t.Errorf("%d task ends, %d starts; want 4500", len(pl.tasks), pl.starts)
	}
	if per := res.Bytes / 4500; per < 2500 || per > 4500 {
		t.Errorf("%d bytes per task; the benchmark wants about 3 KB", per)
	}
}

func BenchmarkWriteBench(b *testing.B) {
	dir := b.TempDir()
	b.ReportAllocs()
	var n int64
	for i := 0; i < b.N; i++ {
		res, err := WriteBench(context.Background(), dir, 10000, 1)
		if err != nil {
			b.Fatal(err)
		}
		n = res.Bytes
	}
	b.SetBytes(n)
}
