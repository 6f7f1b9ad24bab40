package diskfull

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func writeAfterFix(t *testing.T, seed uint64) (string, Result) {
	t.Helper()
	p, err := AfterFixParams(DefaultParams(seed))
	if err != nil {
		t.Fatal(err)
	}
	p.Start = time.Date(2026, 11, 9, 2, 0, 0, 0, time.UTC)
	dir := filepath.Join(t.TempDir(), "ev") // the truth goes beside it
	res, err := Write(dir, p)
	if err != nil {
		t.Fatal(err)
	}
	return dir, res
}

func TestAfterFixIsByteIdenticalPerSeed(t *testing.T) {
	dirA, a := writeAfterFix(t, 11)
	dirB, _ := writeAfterFix(t, 11)
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
	_, before := writeScenario(t, 11)
	if before.Truth.GlueRunID == a.Truth.GlueRunID {
		t.Errorf("the after-fix run reuses the before run's id %s", a.Truth.GlueRunID)
	}
}

// TestAfterFixReproducesTruth reads the after-fix event log and Glue run
// back with plain encoding/json and recomputes what truth.json claims:
// the fixed conf, a succeeding run with no empty partition, no executor
// above its usable disk, the per-executor peaks and Σ spill, the input
// volume of the disk-full run and its shuffle bytes at zstd size.
func TestAfterFixReproducesTruth(t *testing.T) {
	dir, res := writeAfterFix(t, 1)
	tr := res.Truth
	_, before := writeScenario(t, 1)
	bt := before.Truth
	pl := parseLog(t, res.EventLog)
	bl := parseLog(t, before.EventLog)

	wantProps := map[string]string{
		"spark.sql.shuffle.partitions":                  strconv.Itoa(bt.RecommendedPartitions),
		"spark.io.compression.codec":                    "zstd",
		"spark.sql.adaptive.enabled":                    "true",
		"spark.sql.adaptive.coalescePartitions.enabled": "true",
		"spark.glue.JOB_NAME":                           bt.GlueJobName,
		"spark.glue.JOB_RUN_ID":                         tr.GlueRunID,
	}
	for k, v := range wantProps {
		if pl.props[k] != v {
			t.Errorf("Spark Properties %s = %q, want %q", k, pl.props[k], v)
		}
	}
	if tr.Outcome != "SUCCEEDED" || pl.jobResult != "JobSucceeded" || pl.stageFail != "" || len(pl.removed) != 0 {
		t.Errorf("outcome %q, job %q, stage failure %q, %d executors removed", tr.Outcome, pl.jobResult, pl.stageFail, len(pl.removed))
	}
	if pl.starts != len(pl.tasks) {
		t.Errorf("%d TaskStart vs %d TaskEnd", pl.starts, len(pl.tasks))
	}

	// Every task succeeds, each stage runs each partition once, none is empty.
	perStage := map[int]map[int]bool{}
	var input, bInput, s0write, bS0write, spill int64
	for _, k := range pl.tasks {
		if k.reason != "Success" {
			t.Fatalf("task %d.%d ended with %s", k.stage, k.index, k.reason)
		}
		if perStage[k.stage] == nil {
			perStage[k.stage] = map[int]bool{}
		}
		perStage[k.stage][k.index] = true
		if k.stage > 0 && k.read == 0 {
			t.Errorf("stage %d partition %d is empty", k.stage, k.index)
		}
		if k.stage == 0 {
			input += k.input
			s0write += k.write
		}
		spill += k.diskSpill
	}
	if len(perStage[0]) != 720 || len(perStage[1]) != bt.RecommendedPartitions || len(perStage[2]) != bt.RecommendedPartitions {
		t.Errorf("partitions per stage %d/%d/%d, want 720/%d/%d", len(perStage[0]), len(perStage[1]), len(perStage[2]), bt.RecommendedPartitions, bt.RecommendedPartitions)
	}
	for _, k := range bl.tasks {
		if k.stage == 0 && k.reason == "Success" {
			bInput += k.input
			bS0write += k.write
		}
	}
	// The map outputs are the same draws; each task's input is drawn at
	// its launch from the same range, so the volumes agree within 1 %.
	if d := math.Abs(float64(input-bInput)) / float64(bInput); d > 0.01 {
		t.Errorf("stage 0 reads %d bytes, the disk-full run %d: same data volume expected", input, bInput)
	}
	if r := float64(s0write) / float64(bS0write); math.Abs(r-0.56) > 1e-6 {
		t.Errorf("zstd shuffle write / lz4 shuffle write = %.8f, want 0.56", r)
	}
	if spill != tr.DiskBytesSpilled {
		t.Errorf("Σ disk spill from the log %d, truth %d", spill, tr.DiskBytesSpilled)
	}

	// Brute-force peaks: no executor above its usable disk, peaks as in truth.
	peaks := map[string]int64{}
	for _, k := range pl.tasks {
		for _, at := range []int64{k.launch, k.finish} {
			peaks[k.exec] = max(peaks[k.exec], naiveDisk(pl, k.exec, at))
		}
	}
	var peak int64
	for _, p := range tr.Peaks {
		if peaks[p.Executor] != p.PeakBytes {
			t.Errorf("executor %s peak: log %d, truth %d", p.Executor, peaks[p.Executor], p.PeakBytes)
		}
		peak = max(peak, peaks[p.Executor])
	}
	if len(peaks) != len(tr.Peaks) || peak != tr.PeakDiskBytes {
		t.Errorf("%d executors with peak %d in the log; truth %d with %d", len(peaks), peak, len(tr.Peaks), tr.PeakDiskBytes)
	}
	if peak >= tr.UsableDiskBytes || peak >= bt.PeakDiskBytes || len(tr.ExecutorsFilled) != 0 || tr.FailingExecutor != "" {
		t.Errorf("peak %d (usable %d, before %d), filled %v", peak, tr.UsableDiskBytes, bt.PeakDiskBytes, tr.ExecutorsFilled)
	}

	// The Glue run succeeded and encloses the application.
	body, err := os.ReadFile(filepath.Join(dir, GlueRunsDir, "get-job-runs."+tr.GlueJobName+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var runs struct {
		JobRuns []map[string]any
	}
	if err := json.Unmarshal(body, &runs); err != nil {
		t.Fatal(err)
	}
	if len(runs.JobRuns) != 1 {
		t.Fatalf("%d runs", len(runs.JobRuns))
	}
	r := runs.JobRuns[0]
	if _, ok := r["ErrorMessage"]; ok || r["JobRunState"] != "SUCCEEDED" || r["Id"] != tr.GlueRunID {
		t.Errorf("glue run %v %v %v", r["Id"], r["JobRunState"], r["ErrorMessage"])
	}
	if conf, _ := r["Arguments"].(map[string]any)["--conf"].(string); !strings.Contains(conf, "spark.io.compression.codec=zstd") ||
		!strings.Contains(conf, "spark.sql.shuffle.partitions="+strconv.Itoa(bt.RecommendedPartitions)) {
		t.Errorf("--conf %q", conf)
	}
	started := time.UnixMilli(int64(r["StartedOn"].(float64) * 1000))
	if !started.Before(tr.AppStart) || int64(r["CompletedOn"].(float64)*1000) < pl.appEnd {
		t.Errorf("run %v–%v does not enclose the application %v–%d", started, r["CompletedOn"], tr.AppStart, pl.appEnd)
	}
}

func TestAfterFixSucceedsForManySeeds(t *testing.T) {
	for seed := uint64(1); seed <= 8; seed++ {
		p, err := AfterFixParams(DefaultParams(seed))
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if _, err := Write(t.TempDir(), p); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
}

func TestParamsValidate(t *testing.T) {
	f := func(name string, edit func(*Params), ok bool) {
		t.Helper()
		p := DefaultParams(1)
		edit(&p)
		if err := p.validate(); (err == nil) != ok {
			t.Errorf("%s: validate() = %v, want ok=%v", name, err, ok)
		}
	}
	f("default", func(*Params) {}, true)
	f("before with zstd", func(p *Params) { p.Codec = "zstd" }, false)
	f("before with AQE", func(p *Params) { p.AQE = true }, false)
	f("unknown codec", func(p *Params) { p.Codec = "snappy"; p.ExpectFull = false; p.EmptyShare = 0 }, false)
	f("after with empty partitions", func(p *Params) { p.ExpectFull = false }, false)
	f("after", func(p *Params) { p.ExpectFull = false; p.EmptyShare = 0; p.Codec = "zstd"; p.AQE = true }, true)
}
