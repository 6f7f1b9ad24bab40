package sparklog_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/gluelens/gluelens/ingest/codec/codectest"
	"github.com/klauspost/compress/zstd"
)

// golden holds, per real log, the figures listed in
// testdata/SOURCES.md (counted there by the data's curator, not by
// this code): TaskEnd events per reason, Σ Shuffle Bytes Written, Σ Memory /
// Disk Bytes Spilled, ExecutorAdded / ExecutorRemoved events. app and attempt
// are the ApplicationStart ids where SOURCES.md names them.
type golden struct {
	path           []string
	app, attempt   string
	reasons        map[string]int
	shuffleWrite   int64
	memSpill       int64
	diskSpill      int64
	added, removed int
	badLines       int
}

func sp(name string) []string { return []string{"spark-events", name} }
func tp(rel string) []string {
	return append([]string{"spark-events-thirdparty"}, strings.Split(rel, "/")...)
}

var goldens = []golden{
	{path: sp("app-20161115172038-0000"), app: "app-20161115172038-0000", reasons: map[string]int{"Success": 16, "ExceptionFailure": 10}, added: 4},
	{path: sp("app-20161116163331-0000"), app: "app-20161116163331-0000", reasons: map[string]int{"Success": 16, "ExceptionFailure": 8}, added: 4},
	{path: sp("app-20180109111548-0000"), app: "app-20180109111548-0000", reasons: map[string]int{"Success": 20, "ExceptionFailure": 2}, shuffleWrite: 460, added: 2},
	{path: sp("app-20200706201101-0003"), app: "app-20200706201101-0003", reasons: map[string]int{"Success": 48}, added: 1},
	{path: sp("application_1516285256255_0012"), app: "application_1516285256255_0012", reasons: map[string]int{"Success": 20, "ExceptionFailure": 4}, shuffleWrite: 1461, added: 5},
	{path: sp("application_1553914137147_0018"), app: "application_1553914137147_0018", reasons: map[string]int{"Success": 6}, added: 3},
	{path: sp("application_1555004656427_0144"), app: "application_1555004656427_0144", reasons: map[string]int{}, added: 2},
	{path: sp("application_1578436911597_0052"), app: "application_1578436911597_0052", reasons: map[string]int{"Success": 6}, added: 1},
	{path: sp("application_1628109047826_1317105"), app: "application_1628109047826_1317105", reasons: map[string]int{"Success": 4, "TaskKilled": 1}, added: 10, removed: 6},
	{path: sp("local-1422981759269"), app: "local-1422981759269", reasons: map[string]int{"Success": 33}, shuffleWrite: 13180},
	{path: sp("local-1422981780767"), app: "local-1422981780767", reasons: map[string]int{"Success": 31, "ExceptionFailure": 1}, shuffleWrite: 13180},
	{path: sp("local-1425081759269"), app: "local-1425081759269", reasons: map[string]int{"Success": 33}, shuffleWrite: 13180},
	{path: sp("local-1426533911241"), app: "local-1426533911241", attempt: "1", reasons: map[string]int{"Success": 8}},
	{path: sp("local-1426633911242"), app: "local-1426533911241", attempt: "2", reasons: map[string]int{"Success": 8}},
	{path: sp("local-1430917381534"), app: "local-1430917381534", reasons: map[string]int{"Success": 110}, shuffleWrite: 171000},
	{path: sp("local-1430917381535_1"), app: "local-1430917381535", attempt: "1", reasons: map[string]int{}},
	{path: sp("local-1430917381535_2"), app: "local-1430917381535", attempt: "2", reasons: map[string]int{}},
	{path: sp("local-1642039451826"), app: "local-1642039451826", reasons: map[string]int{"Success": 35}, shuffleWrite: 7540, added: 1},

	{path: tp("NVIDIA__spark-rapids-tools/spark-events-profiling/gpu_oom_eventlog.zstd"), reasons: map[string]int{"Success": 12303, "ExceptionFailure": 112, "TaskKilled": 1}, shuffleWrite: 31314, memSpill: 232266025572, added: 2},
	{path: tp("NVIDIA__spark-rapids-tools/spark-events-profiling/malformed_json_eventlog.zstd"), reasons: map[string]int{"Success": 217}, shuffleWrite: 100623870, added: 9, removed: 1, badLines: 1},
	{path: tp("NVIDIA__spark-rapids-tools/spark-events-profiling/spark2-eventlog.zstd"), reasons: map[string]int{"Success": 6}, added: 1},
	{path: tp("NVIDIA__spark-rapids-tools/spark-events-profiling/tasks_executors_fail_compressed_eventlog.zstd"), reasons: map[string]int{"Success": 8577, "Resubmitted": 50, "ExecutorLostFailure": 1, "FetchFailed": 2}, shuffleWrite: 44506, added: 8, removed: 2},
	{path: tp("NVIDIA__spark-rapids-tools/spark-events-qualification/aqeshuffle_eventlog.zstd"), reasons: map[string]int{"Success": 26}, shuffleWrite: 101410263, memSpill: 553648128, diskSpill: 118948980, added: 1},
	{path: tp("NVIDIA__spark-rapids-tools/spark-events-qualification/cluster_information/eventlog_4nodes_8cores_dynamic_alloc.zstd"), reasons: map[string]int{"Success": 235}, shuffleWrite: 504289880, added: 15, removed: 14},
	{path: tp("NVIDIA__spark-rapids-tools/spark-events-qualification/customshuffle_eventlog.zstd"), reasons: map[string]int{"Success": 26}, shuffleWrite: 101410263, memSpill: 553648128, diskSpill: 118948980, added: 1},
	{path: tp("NVIDIA__spark-rapids-tools/spark-events-qualification/multiple_attempts/attempt_1_eventlog.zstd"), app: "application_1724877841851_0016", attempt: "1", reasons: map[string]int{"Success": 107}, shuffleWrite: 6688985, added: 10},
	{path: tp("NVIDIA__spark-rapids-tools/spark-events-qualification/nds_q72_dataproc_2_2.zstd"), reasons: map[string]int{"Success": 13504}, shuffleWrite: 20593218111, added: 8},
	{path: tp("NVIDIA__spark-rapids-tools/spark-events-qualification/truncated_eventlog"), reasons: map[string]int{"Success": 21}, shuffleWrite: 76202878, added: 1},
	{path: tp("groupon__sparklint/application_1472176676028_407508_1"), reasons: map[string]int{"Success": 612}, shuffleWrite: 72112846857, memSpill: 243202523136, added: 58, removed: 57},
}

// rolling is the one rolling directory: its two parts, in order. Its
// figures are the sums of the two rows of SOURCES.md.
var rolling = golden{
	path:         tp("NVIDIA__spark-rapids-tools/spark-events-qualification/eventlog_v2_local-1623876083964"),
	app:          "local-1623876083964",
	reasons:      map[string]int{"Success": 2672 + 129},
	shuffleWrite: 10078009266 + 7552,
	added:        1,
}

// plainOf returns the decompressed bytes of a real log (zstd or plain),
// decompressed here with klauspost directly, not through ingest/codec.
func plainOf(t testing.TB, b []byte) []byte {
	t.Helper()
	if !bytes.HasPrefix(b, []byte{0x28, 0xb5, 0x2f, 0xfd}) {
		return b
	}
	d, err := zstd.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	out, err := io.ReadAll(d)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// reference recomputes figures from plain JSON lines with encoding/json and
// generic maps, independently of the decoder.
type reference struct {
	app, attempt string
	eventReasons map[string]int // per TaskEnd event
	finalReasons map[string]int // last reason per Task ID
	shuffleWrite int64
	memSpill     int64
	diskSpill    int64
	added        int
	removed      int
	bad          int
	stageWrite   map[string]int64 // "stage.attempt" → Σ Shuffle Bytes Written
	stageRunTime map[string]int64 // "stage.attempt" → Σ Executor Run Time
	stageStatus  map[string]string
	jobs         int
}

func computeReference(t testing.TB, plain []byte) reference {
	ref := reference{eventReasons: map[string]int{}, finalReasons: map[string]int{}, stageWrite: map[string]int64{}, stageRunTime: map[string]int64{}, stageStatus: map[string]string{}}
	last := map[float64]string{}
	sc := bufio.NewScanner(bytes.NewReader(plain))
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	jobs := map[float64]bool{}
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var e map[string]any
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			ref.bad++
			continue
		}
		n := func(m any, keys ...string) int64 {
			for _, k := range keys {
				mm, ok := m.(map[string]any)
				if !ok {
					return 0
				}
				m = mm[k]
			}
			f, _ := m.(float64)
			return int64(f)
		}
		switch e["Event"] {
		case "SparkListenerApplicationStart":
			ref.app, _ = e["App ID"].(string)
			ref.attempt, _ = e["App Attempt ID"].(string)
		case "SparkListenerExecutorAdded":
			ref.added++
		case "SparkListenerExecutorRemoved":
			ref.removed++
		case "SparkListenerJobStart", "SparkListenerJobEnd":
			jobs[e["Job ID"].(float64)] = true
		case "SparkListenerStageCompleted":
			info := e["Stage Info"].(map[string]any)
			k := fmt.Sprintf("%d.%d", n(info, "Stage ID"), n(info, "Stage Attempt ID"))
			ref.stageStatus[k] = "complete"
			if _, failed := info["Failure Reason"]; failed {
				ref.stageStatus[k] = "failed"
			}
		case "SparkListenerTaskEnd":
			reason := e["Task End Reason"].(map[string]any)["Reason"].(string)
			ref.eventReasons[reason]++
			last[e["Task Info"].(map[string]any)["Task ID"].(float64)] = reason
			m := e["Task Metrics"]
			k := fmt.Sprintf("%d.%d", n(e, "Stage ID"), n(e, "Stage Attempt ID"))
			ref.shuffleWrite += n(m, "Shuffle Write Metrics", "Shuffle Bytes Written")
			ref.memSpill += n(m, "Memory Bytes Spilled")
			ref.diskSpill += n(m, "Disk Bytes Spilled")
			ref.stageWrite[k] += n(m, "Shuffle Write Metrics", "Shuffle Bytes Written")
			ref.stageRunTime[k] += n(m, "Executor Run Time")
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("reference scan: %v", err)
	}
	for _, r := range last {
		ref.finalReasons[r]++
	}
	ref.jobs = len(jobs)
	return ref
}

type got struct {
	app, attempt  string
	reasons       map[string]int
	shuffleWrite  int64
	memSpill      int64
	diskSpill     int64
	added         int
	removed       int
	bad           int64
	stageWrite    map[string]int64
	stageRunTime  map[string]int64
	stageStatus   map[string]string
	jobs          int
	truncated     bool
	tasksNoReason int
}

func summarize(t testing.TB, s *memSink) got {
	t.Helper()
	apps := s.rows["spark_apps"]
	if len(apps) != 1 {
		t.Fatalf("%d spark_apps rows, want 1", len(apps))
	}
	a := apps[0]
	g := got{
		app: get("spark_apps", a, "app_id").(string), attempt: get("spark_apps", a, "attempt_id").(string),
		reasons: map[string]int{}, stageWrite: map[string]int64{}, stageRunTime: map[string]int64{}, stageStatus: map[string]string{},
		bad: get("spark_apps", a, "bad_lines").(int64), truncated: get("spark_apps", a, "truncated").(bool),
	}
	i64 := func(v any) int64 {
		if v == nil {
			return 0
		}
		return v.(int64)
	}
	for _, r := range s.tasks() {
		reason := get("spark_tasks", r, "end_reason")
		if reason == nil {
			g.tasksNoReason++
		} else {
			g.reasons[reason.(string)]++
		}
		k := fmt.Sprintf("%d.%d", get("spark_tasks", r, "stage_id"), get("spark_tasks", r, "stage_attempt"))
		w := i64(get("spark_tasks", r, "shuffle_bytes_written"))
		g.shuffleWrite += w
		g.stageWrite[k] += w
		g.stageRunTime[k] += i64(get("spark_tasks", r, "executor_run_time_ms"))
		g.memSpill += i64(get("spark_tasks", r, "memory_bytes_spilled"))
		g.diskSpill += i64(get("spark_tasks", r, "disk_bytes_spilled"))
	}
	for _, r := range s.final("spark_executors", "executor_id") {
		if get("spark_executors", r, "added_at") != nil {
			g.added++
		}
		if get("spark_executors", r, "removed_at") != nil {
			g.removed++
		}
	}
	for _, r := range s.final("spark_stages", "stage_id", "stage_attempt") {
		if st := get("spark_stages", r, "status").(string); st != "active" {
			g.stageStatus[fmt.Sprintf("%d.%d", get("spark_stages", r, "stage_id"), get("spark_stages", r, "stage_attempt"))] = st
		}
	}
	g.jobs = len(s.final("spark_jobs", "job_id"))
	return g
}

func checkAgainst(t *testing.T, want golden, ref reference, g got, s *memSink) {
	t.Helper()
	// The curator's figures and the independent reference agree with each other…
	if !maps.Equal(ref.eventReasons, want.reasons) {
		t.Errorf("reference TaskEnd reasons %v, SOURCES.md says %v", ref.eventReasons, want.reasons)
	}
	// …and the tables hold them.
	if !maps.Equal(g.reasons, ref.finalReasons) {
		t.Errorf("task rows by end_reason %v, want the last reason per Task ID %v", g.reasons, ref.finalReasons)
	}
	if want.app != "" && (g.app != want.app || g.attempt != want.attempt) {
		t.Errorf("app %q attempt %q, want %q %q", g.app, g.attempt, want.app, want.attempt)
	}
	if g.app != ref.app || g.attempt != ref.attempt {
		t.Errorf("app %q attempt %q, reference says %q %q", g.app, g.attempt, ref.app, ref.attempt)
	}
	for _, c := range []struct {
		name           string
		got, want, ref int64
	}{
		{"Σ shuffle bytes written", g.shuffleWrite, want.shuffleWrite, ref.shuffleWrite},
		{"Σ memory bytes spilled", g.memSpill, want.memSpill, ref.memSpill},
		{"Σ disk bytes spilled", g.diskSpill, want.diskSpill, ref.diskSpill},
		{"executors added", int64(g.added), int64(want.added), int64(ref.added)},
		{"executors removed", int64(g.removed), int64(want.removed), int64(ref.removed)},
		{"bad lines", g.bad, int64(want.badLines), int64(ref.bad)},
		{"jobs", int64(g.jobs), int64(ref.jobs), int64(ref.jobs)},
	} {
		if c.got != c.want || c.ref != c.want {
			t.Errorf("%s: tables %d, SOURCES.md %d, reference %d", c.name, c.got, c.want, c.ref)
		}
	}
	if !maps.Equal(g.stageWrite, ref.stageWrite) {
		t.Errorf("per-stage Σ shuffle bytes written %v, reference %v", g.stageWrite, ref.stageWrite)
	}
	if !maps.Equal(g.stageRunTime, ref.stageRunTime) {
		t.Errorf("per-stage Σ executor run time %v, reference %v", g.stageRunTime, ref.stageRunTime)
	}
	if !maps.Equal(g.stageStatus, ref.stageStatus) {
		t.Errorf("stage status %v, reference %v", g.stageStatus, ref.stageStatus)
	}
	if len(s.bad) != want.badLines {
		t.Errorf("%d bad records reported, want %d: %v", len(s.bad), want.badLines, s.bad)
	}
}

func TestRealLogs(t *testing.T) {
	for _, want := range goldens {
		t.Run(want.path[len(want.path)-1], func(t *testing.T) {
			raw := realFile(t, want.path...)
			plain := plainOf(t, raw)
			ref := computeReference(t, plain)
			s := newSink()
			if err := decodeBytes(t, strings.Join(want.path[1:], "/"), raw, s); err != nil {
				t.Fatalf("decoding: %v", err)
			}
			g := summarize(t, s)
			checkAgainst(t, want, ref, g, s)
			if g.truncated {
				t.Errorf("complete log marked truncated")
			}
		})
	}
}

// TestRealRollingLog reads the rolling directory's parts in order as one stream.
func TestRealRollingLog(t *testing.T) {
	dir := rolling.path
	names := []string{"events_1_local-1623876083964.zstd", "events_2_local-1623876083964.zstd", "appstatus_local-1623876083964"}
	var parts [][]byte
	var plain []byte
	for _, n := range names {
		b := realFile(t, append(slices.Clone(dir), n)...)
		parts = append(parts, b)
		plain = append(plain, plainOf(t, b)...)
	}
	s := newSink()
	key := "eventlog_v2_local-1623876083964"
	if err := decodeParts(t, key, parts[:2], []string{key + "/" + names[0], key + "/" + names[1], key + "/" + names[2]}, s); err != nil {
		t.Fatal(err)
	}
	ref := computeReference(t, plain)
	checkAgainst(t, rolling, ref, summarize(t, s), s)
	if c := get("spark_apps", s.rows["spark_apps"][0], "completed"); c != true {
		t.Errorf("completed = %v, want true (ApplicationEnd read, appstatus not .inprogress)", c)
	}
}

// TestRealLogsThroughEveryCodec compresses real plain logs with each Spark
// framing and checks that the rows equal those of the plain log.
func TestRealLogsThroughEveryCodec(t *testing.T) {
	for _, name := range []string{"local-1430917381534", "application_1628109047826_1317105", "local-1642039451826"} {
		plain := realFile(t, "spark-events", name)
		want := newSink()
		if err := decodeBytes(t, name, plain, want); err != nil {
			t.Fatal(err)
		}
		lz4, _ := codectest.LZ4Block(plain, codectest.LZ4Options{BlockSize: 4 << 10})
		snappy, _ := codectest.SnappyJava(plain, 4<<10)
		lzf, _ := codectest.LZF(plain, 4<<10, false)
		for codecName, stream := range map[string][]byte{"lz4": lz4, "snappy": snappy, "lzf": lzf} {
			t.Run(name+"/"+codecName, func(t *testing.T) {
				s := newSink()
				if err := decodeBytes(t, name+"."+codecName, stream, s); err != nil {
					t.Fatal(err)
				}
				for _, table := range []string{"spark_tasks", "spark_stages", "spark_jobs", "spark_executors"} {
					if !slices.EqualFunc(s.rows[table], want.rows[table], slices.Equal) {
						t.Errorf("%s rows differ from the plain log's", table)
					}
				}
				a, b := s.rows["spark_apps"][0], want.rows["spark_apps"][0]
				if got := get("spark_apps", a, "eventlog_codec"); got != codecName {
					t.Errorf("eventlog_codec = %v, want %s", got, codecName)
				}
				for col := range columns["spark_apps"] {
					if col == "eventlog_codec" || col == "source_uri" {
						continue
					}
					if get("spark_apps", a, col) != get("spark_apps", b, col) {
						t.Errorf("spark_apps.%s = %v, plain log gives %v", col, get("spark_apps", a, col), get("spark_apps", b, col))
					}
				}
			})
		}
	}
}

// TestRealLogCutInsideCompressedBlock cuts an lz4 log inside a block: the
// complete blocks load, the cut is a warning and spark_apps.truncated.
func TestRealLogCutInsideCompressedBlock(t *testing.T) {
	plain := realFile(t, "spark-events", "local-1430917381534")
	stream, offs := codectest.LZ4Block(plain, codectest.LZ4Options{BlockSize: 16 << 10})
	cut := stream[:offs[4]+100] // inside the 5th block
	s := newSink()
	if err := decodeBytes(t, "local-1430917381534.lz4.inprogress", cut, s); err != nil {
		t.Fatalf("decoding: %v", err)
	}
	// Independently: the TaskEnd lines wholly inside the first 4 blocks.
	whole := plain[:4*16<<10]
	whole = whole[:bytes.LastIndexByte(whole, '\n')+1]
	wantEnds := bytes.Count(whole, []byte(`"Event":"SparkListenerTaskEnd"`))
	ended := 0
	for _, r := range s.tasks() {
		if get("spark_tasks", r, "end_reason") != nil {
			ended++
		}
	}
	if ended != wantEnds {
		t.Errorf("%d ended tasks, want %d", ended, wantEnds)
	}
	a := s.rows["spark_apps"][0]
	if get("spark_apps", a, "truncated") != true || get("spark_apps", a, "completed") != false {
		t.Errorf("truncated=%v completed=%v, want true false", get("spark_apps", a, "truncated"), get("spark_apps", a, "completed"))
	}
	if len(s.warn) == 0 || !strings.Contains(s.warn[len(s.warn)-1].msg, "ends early") {
		t.Errorf("warnings %v, want one about the stream ending early", s.warn)
	}
}

// TestRealZstdLogCut cuts a real zstd log (one frame, as the sample was
// recompressed) in the middle: the decoder keeps every complete line the
// zstd reader yields before the cut and warns.
func TestRealZstdLogCut(t *testing.T) {
	raw := realFile(t, tp("NVIDIA__spark-rapids-tools/spark-events-profiling/tasks_executors_fail_compressed_eventlog.zstd")...)
	cut := raw[:len(raw)*3/5]
	// Independently: what klauspost yields from the cut stream, whole lines only.
	d, err := zstd.NewReader(bytes.NewReader(cut))
	if err != nil {
		t.Fatal(err)
	}
	prefix, err := io.ReadAll(d)
	d.Close()
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("cut zstd stream: err = %v, want io.ErrUnexpectedEOF", err)
	}
	prefix = prefix[:bytes.LastIndexByte(prefix, '\n')+1]
	wantEnds := bytes.Count(prefix, []byte(`"Event":"SparkListenerTaskEnd"`))
	if wantEnds == 0 {
		t.Fatal("the cut keeps no TaskEnd: move it")
	}

	s := newSink()
	if err := decodeBytes(t, "tasks_executors_fail_compressed_eventlog.zstd.inprogress", cut, s); err != nil {
		t.Fatalf("decoding: %v", err)
	}
	ends := 0
	for _, r := range s.rows["spark_tasks"] {
		if get("spark_tasks", r, "end_reason") != nil {
			ends++
		}
	}
	if ends != wantEnds {
		t.Errorf("%d task-end rows, want %d (TaskEnd lines in the readable prefix)", ends, wantEnds)
	}
	a := s.rows["spark_apps"][0]
	if get("spark_apps", a, "truncated") != true || get("spark_apps", a, "log_events") != int64(bytes.Count(prefix, []byte("\n"))) {
		t.Errorf("truncated %v, log_events %v; want true, %d", get("spark_apps", a, "truncated"), get("spark_apps", a, "log_events"), bytes.Count(prefix, []byte("\n")))
	}
}
