package sparklog_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/codec/codectest"
	"github.com/gluelens/gluelens/ingest/localsrc"
	"github.com/gluelens/gluelens/ingest/sparklog"
	"github.com/gluelens/gluelens/internal/store"
	"github.com/gluelens/gluelens/internal/testutil"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "g.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func run(t *testing.T, st *store.Store, dir string, force bool) ingest.Summary {
	t.Helper()
	src, err := localsrc.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := ingest.Run(context.Background(), st, []ingest.Source{src}, ingest.Options{
		Decoders: []ingest.Decoder{sparklog.Decoder{}}, Group: sparklog.RollingGroup, Force: force, Workers: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func scalar[T any](t *testing.T, st *store.Store, q string, args ...any) T {
	t.Helper()
	var v T
	if err := st.DB().QueryRowContext(context.Background(), q, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

// tableCounts is the row count of every Spark table.
func tableCounts(t *testing.T, st *store.Store) map[string]int64 {
	out := map[string]int64{}
	for _, tb := range []string{"spark_apps", "spark_executors", "spark_stages", "spark_tasks", "spark_jobs"} {
		out[tb] = scalar[int64](t, st, "SELECT count(*) FROM "+tb)
	}
	return out
}

// TestIngestRealLogsEndToEnd loads every real event log (the rolling
// directory as one object) through the pipeline into DuckDB, then re-runs.
func TestIngestRealLogsEndToEnd(t *testing.T) {
	st := openStore(t)
	dir := testutil.RealData(t, "spark-events-thirdparty")
	sum := run(t, st, dir, false)
	// 11 files + 1 rolling group (3 files).
	if sum.Objects != 12 || sum.Loaded != 12 || sum.Failed != 0 || sum.Bad != 1 {
		t.Fatalf("summary: %d objects, %d loaded, %d failed, %d bad; want 12, 12, 0, 1 (failures %v)", sum.Objects, sum.Loaded, sum.Failed, sum.Bad, sum.Failures)
	}
	// Figures from SOURCES.md, by the app each file holds.
	checks := []struct {
		name string
		q    string
		want int64
	}{
		{"gpu_oom memory spill", `SELECT sum(memory_bytes_spilled) FROM spark_tasks t JOIN spark_apps a USING (app_id, attempt_id) WHERE a.source_uri LIKE '%gpu_oom_eventlog.zstd'`, 232266025572},
		{"gpu_oom ExceptionFailure", `SELECT count(*) FROM spark_tasks t JOIN spark_apps a USING (app_id, attempt_id) WHERE a.source_uri LIKE '%gpu_oom_eventlog.zstd' AND end_reason = 'ExceptionFailure'`, 112},
		{"sparklint shuffle write", `SELECT sum(shuffle_bytes_written) FROM spark_tasks t JOIN spark_apps a USING (app_id, attempt_id) WHERE a.source_uri LIKE '%application_1472176676028_407508_1'`, 72112846857},
		{"sparklint executors removed", `SELECT count(removed_at) FROM spark_executors t JOIN spark_apps a USING (app_id, attempt_id) WHERE a.source_uri LIKE '%application_1472176676028_407508_1'`, 57},
		{"rolling group tasks", `SELECT count(*) FROM spark_tasks WHERE app_id = 'local-1623876083964' AND end_reason = 'Success'`, 2672 + 129},
		{"rolling group shuffle write", `SELECT sum(shuffle_bytes_written) FROM spark_tasks WHERE app_id = 'local-1623876083964'`, 10078009266 + 7552},
		{"malformed log bad line", `SELECT bad_lines FROM spark_apps WHERE source_uri LIKE '%malformed_json_eventlog.zstd'`, 1},
		{"rolling group is one manifest object", `SELECT count(*) FROM ingest_manifest WHERE uri LIKE '%eventlog_v2_local-1623876083964' AND kind = 'spark-eventlog' AND status = 'ok'`, 1},
	}
	for _, c := range checks {
		if got := scalar[int64](t, st, c.q); got != c.want {
			t.Errorf("%s = %d, want %d", c.name, got, c.want)
		}
	}
	before := tableCounts(t, st)

	// Re-ingest: nothing read, nothing changes.
	again := run(t, st, dir, false)
	if again.Unchanged != 12 || again.Loaded != 0 {
		t.Errorf("re-run: %d unchanged, %d loaded; want 12, 0", again.Unchanged, again.Loaded)
	}
	// Forced re-read of the same logs: same rows (ReplaceIfNewer ties keep them).
	run(t, st, dir, true)
	if after := tableCounts(t, st); !equalCounts(before, after) {
		t.Errorf("forced re-read changed row counts: %v → %v", before, after)
	}
}

func equalCounts(a, b map[string]int64) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

// TestIngestInProgressThenComplete loads an in-progress copy (cut mid-line,
// lz4 as Spark writes it) and then the finished log, under the names Spark
// uses: the rows of the finished log replace the partial ones.
func TestIngestInProgressThenComplete(t *testing.T) {
	plain := realFile(t, "spark-events", "local-1430917381534")
	full := newSink()
	if err := decodeBytes(t, "local-1430917381534", plain, full); err != nil {
		t.Fatal(err)
	}

	st := openStore(t)
	dir := t.TempDir()
	partial := plain[:len(plain)*2/3]
	partial = partial[:bytes.LastIndexByte(partial, '\n')+40] // ends mid-line
	stream, _ := codectest.LZ4Block(partial, codectest.LZ4Options{NoEnd: true})
	inprog := filepath.Join(dir, "local-1430917381534.lz4.inprogress")
	if err := os.WriteFile(inprog, stream, 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, st, dir, false)
	if got := scalar[bool](t, st, `SELECT truncated AND NOT completed FROM spark_apps`); !got {
		t.Errorf("in-progress app row not marked truncated and not completed")
	}
	openTasks := scalar[int64](t, st, `SELECT count(*) FROM spark_tasks WHERE end_reason IS NULL`)
	partialTasks := scalar[int64](t, st, `SELECT count(*) FROM spark_tasks`)

	// Spark renames the file when the application stops.
	if err := os.Remove(inprog); err != nil {
		t.Fatal(err)
	}
	final, _ := codectest.LZ4Block(plain, codectest.LZ4Options{})
	if err := os.WriteFile(filepath.Join(dir, "local-1430917381534.lz4"), final, 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, st, dir, false)
	want := int64(len(full.tasks()))
	if got := scalar[int64](t, st, `SELECT count(*) FROM spark_tasks`); got != want {
		t.Errorf("%d task rows after the full log, want %d (partial log had %d, %d of them open)", got, want, partialTasks, openTasks)
	}
	if got := scalar[int64](t, st, `SELECT count(*) FROM spark_tasks WHERE end_reason IS NULL`); got != 0 {
		t.Errorf("%d tasks still open after the full log", got)
	}
	if got := scalar[int64](t, st, `SELECT sum(shuffle_bytes_written) FROM spark_tasks`); got != 171000 {
		t.Errorf("Σ shuffle bytes written = %d, want 171000 (SOURCES.md)", got)
	}
	if got := scalar[int64](t, st, `SELECT count(*) FROM spark_apps`); got != 1 {
		t.Errorf("%d app rows, want 1", got)
	}
	if got := scalar[string](t, st, `SELECT eventlog_codec || ' ' || completed || ' ' || truncated FROM spark_apps`); got != "lz4 true false" {
		t.Errorf("app row = %q, want %q", got, "lz4 true false")
	}
	if openTasks == 0 {
		t.Errorf("the partial log should have left some tasks open")
	}
}

// TestIngestGrowingLog re-reads a log that grew in place (Glue copies the
// .inprogress file to S3 every 30 s): rows are replaced, not doubled.
func TestIngestGrowingLog(t *testing.T) {
	plain := realFile(t, "spark-events", "application_1628109047826_1317105")
	st := openStore(t)
	dir := t.TempDir()
	p := filepath.Join(dir, "application_1628109047826_1317105.inprogress")
	cut := len(plain) * 3 / 4 // past the ApplicationStart (line 5), mid-stage
	half := plain[:bytes.IndexByte(plain[cut:], '\n')+cut+1]
	if err := os.WriteFile(p, half, 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, st, dir, false)
	if err := os.WriteFile(p, plain, 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, st, dir, false)
	// SOURCES.md: 4 Success + 1 TaskKilled, 10 executors added, 6 removed.
	if got := scalar[int64](t, st, `SELECT count(*) FROM spark_tasks`); got != 5 {
		t.Errorf("%d task rows, want 5", got)
	}
	if got := scalar[int64](t, st, `SELECT count(*) FROM spark_executors`); got != 10 {
		t.Errorf("%d executor rows, want 10", got)
	}
	if got := scalar[int64](t, st, `SELECT count(removed_at) FROM spark_executors`); got != 6 {
		t.Errorf("%d removed executors, want 6", got)
	}
	if got := scalar[int64](t, st, `SELECT count(*) FROM spark_apps`); got != 1 {
		t.Errorf("%d app rows, want 1", got)
	}
}

// TestIngestLegacyDirectory reads the Spark ≤ 1.2 layout: a directory with
// EVENT_LOG_1 (here LZF-compressed, as a 1.2 writer with the lzf codec makes
// it) and its marker files, loaded as one object.
func TestIngestLegacyDirectory(t *testing.T) {
	plain := realFile(t, "spark-events", "local-1422981759269") // a Spark 1.2 log
	dir := t.TempDir()
	app := filepath.Join(dir, "local-1422981759269")
	if err := os.Mkdir(app, 0o755); err != nil {
		t.Fatal(err)
	}
	stream, _ := codectest.LZF(plain, 0, false)
	files := map[string][]byte{
		"EVENT_LOG_1":         stream,
		"SPARK_VERSION_1.2.0": nil,
		"COMPRESSION_CODEC_org.apache.spark.io.LZFCompressionCodec": nil,
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(app, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	st := openStore(t)
	if sum := run(t, st, dir, false); sum.Objects != 1 || sum.Loaded != 1 {
		t.Fatalf("%d objects, %d loaded; want 1, 1", sum.Objects, sum.Loaded)
	}
	const q = `SELECT app_id || ' ' || spark_version || ' ' || eventlog_codec || ' ' || completed || ' ' || log_events FROM spark_apps`
	// 88 events (SOURCES.md); the log holds its ApplicationEnd.
	want := "local-1422981759269 1.2.0 lzf true 88"
	if got := scalar[string](t, st, q); got != want {
		t.Errorf("app row %q, want %q", got, want)
	}
	// The APPLICATION_COMPLETE marker makes the group a new object; its rows tie and stay.
	if err := os.WriteFile(filepath.Join(app, "APPLICATION_COMPLETE"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if sum := run(t, st, dir, false); sum.Loaded+sum.Duplicate != 1 {
		t.Errorf("re-run after the marker: %d loaded, %d duplicate; want the group read again", sum.Loaded, sum.Duplicate)
	}
	if got := scalar[string](t, st, q); got != want {
		t.Errorf("app row %q, want %q", got, want)
	}
	// SOURCES.md: 33 Success task ends, 13180 shuffle bytes written.
	if got := scalar[int64](t, st, `SELECT count(*) FROM spark_tasks WHERE end_reason = 'Success'`); got != 33 {
		t.Errorf("%d successful tasks, want 33", got)
	}
	if got := scalar[int64](t, st, `SELECT sum(shuffle_bytes_written) FROM spark_tasks`); got != 13180 {
		t.Errorf("Σ shuffle bytes written %d, want 13180", got)
	}
}

// TestIngestRenamedWhenFinished: the .inprogress copy already holds every
// event (ApplicationEnd included), so it is completed; the renamed file is
// the same content and changes nothing.
func TestIngestRenamedWhenFinished(t *testing.T) {
	plain := realFile(t, "spark-events", "application_1578436911597_0052")
	st := openStore(t)
	dir := t.TempDir()
	p := filepath.Join(dir, "application_1578436911597_0052.inprogress")
	if err := os.WriteFile(p, plain, 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, st, dir, false)
	if got := scalar[bool](t, st, `SELECT completed FROM spark_apps`); !got {
		t.Errorf("completed = false for a log holding its ApplicationEnd")
	}
	tasks := scalar[int64](t, st, `SELECT count(*) FROM spark_tasks`)
	if err := os.Rename(p, filepath.Join(dir, "application_1578436911597_0052")); err != nil {
		t.Fatal(err)
	}
	run(t, st, dir, false)
	if got := scalar[string](t, st, `SELECT count(*) || ' ' || bool_and(completed) FROM spark_apps`); got != "1 true" {
		t.Errorf("apps after the rename: %q, want %q", got, "1 true")
	}
	if got := scalar[int64](t, st, `SELECT count(*) FROM spark_tasks`); got != tasks || got != 6 {
		t.Errorf("%d task rows after the rename, want %d (SOURCES.md: 6)", got, tasks)
	}
}

// TestIngestRollingGroupWithCutPart: the first part of the real rolling group
// is cut inside a zstd frame (a copy that stopped early). The pipeline warns,
// naming the part, and goes on with the second part; the app is marked
// truncated.
func TestIngestRollingGroupWithCutPart(t *testing.T) {
	src := testutil.RealData(t, "spark-events-thirdparty", "NVIDIA__spark-rapids-tools", "spark-events-qualification", "eventlog_v2_local-1623876083964")
	whole := openStore(t)
	run(t, whole, filepath.Dir(src), false)
	lastTask := scalar[int64](t, whole, `SELECT max(task_id) FROM spark_tasks WHERE app_id = 'local-1623876083964'`)
	allSuccess := scalar[int64](t, whole, `SELECT count(*) FROM spark_tasks WHERE app_id = 'local-1623876083964' AND end_reason = 'Success'`)

	dir := filepath.Join(t.TempDir(), "eventlog_v2_local-1623876083964")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"appstatus_local-1623876083964", "events_1_local-1623876083964.zstd", "events_2_local-1623876083964.zstd"} {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(name, "events_1") {
			b = b[:len(b)/2]
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	st := openStore(t)
	sum := run(t, st, filepath.Dir(dir), false)
	if sum.Loaded != 1 || sum.Failed != 0 {
		t.Fatalf("summary %+v, want the group loaded", sum)
	}
	if got := scalar[int64](t, st, `SELECT count(*) FROM ingest_issues WHERE severity = 'warning' AND message LIKE 'part %events_1_local-1623876083964.zstd ends early%reading goes on with the next part'`); got != 1 {
		t.Errorf("%d warnings naming the cut part, want 1", got)
	}
	if !scalar[bool](t, st, `SELECT truncated FROM spark_apps`) {
		t.Error("app not marked truncated")
	}
	// The second part was read: the log's last task is there; the first part's
	// lost half is not (2672 of the Success tasks are in part 1).
	if got := scalar[int64](t, st, `SELECT count(*) FROM spark_tasks WHERE task_id = ?`, lastTask); got != 1 {
		t.Errorf("the last task (%d) of the second part is missing", lastTask)
	}
	if got := scalar[int64](t, st, `SELECT count(*) FROM spark_tasks WHERE end_reason = 'Success'`); got <= 129 || got >= allSuccess {
		t.Errorf("%d Success tasks, want more than part 2's 129 and fewer than the whole log's %d", got, allSuccess)
	}
}

// TestIngestStreamedEqualsStaged: with a buffer of 10 rows every real log is
// streamed, so each application's rows go straight into the tables
// (store.Loader.BeginStream) instead of being staged and merged. The tables
// must come out row for row the same, Resubmitted repeats included; a
// streamed log that fails in strict mode leaves nothing behind.
func TestIngestStreamedEqualsStaged(t *testing.T) {
	ctx := context.Background()
	ingestWith := func(st *store.Store, dir string, opt ingest.Options) ingest.Summary {
		t.Helper()
		src, err := localsrc.New(dir)
		if err != nil {
			t.Fatal(err)
		}
		opt.Decoders, opt.Group, opt.Workers = []ingest.Decoder{sparklog.Decoder{}}, sparklog.RollingGroup, 2
		sum, err := ingest.Run(ctx, st, []ingest.Source{src}, opt)
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	for _, dir := range []string{testutil.RealData(t, "spark-events"), testutil.RealData(t, "spark-events-thirdparty")} {
		stagedPath := filepath.Join(t.TempDir(), "staged.duckdb")
		staged, err := store.Open(ctx, stagedPath)
		if err != nil {
			t.Fatal(err)
		}
		a := ingestWith(staged, dir, ingest.Options{})
		if err := staged.Close(); err != nil {
			t.Fatal(err)
		}
		streamed := openStore(t)
		b := ingestWith(streamed, dir, ingest.Options{BufferRows: 10})
		if a.Loaded != b.Loaded || a.Kept != b.Kept || a.Duplicates != b.Duplicates || a.Bad != b.Bad {
			t.Errorf("%s: staged %+v\nstreamed %+v", dir, a, b)
		}
		if _, err := streamed.DB().ExecContext(ctx, `ATTACH '`+stagedPath+`' AS staged (READ_ONLY)`); err != nil {
			t.Fatal(err)
		}
		for _, tb := range []string{"spark_apps", "spark_executors", "spark_stages", "spark_tasks", "spark_jobs"} {
			q := fmt.Sprintf(`SELECT (SELECT count(*) FROM (SELECT * FROM %[1]s EXCEPT ALL SELECT * FROM staged.%[1]s)),
				(SELECT count(*) FROM (SELECT * FROM staged.%[1]s EXCEPT ALL SELECT * FROM %[1]s)), (SELECT count(*) FROM %[1]s)`, tb)
			var onlyStreamed, onlyStaged, rows int64
			if err := streamed.DB().QueryRowContext(ctx, q).Scan(&onlyStreamed, &onlyStaged, &rows); err != nil {
				t.Fatal(err)
			}
			if onlyStreamed != 0 || onlyStaged != 0 || rows == 0 {
				t.Errorf("%s %s: %d rows; %d only when streamed, %d only when staged", filepath.Base(dir), tb, rows, onlyStreamed, onlyStaged)
			}
		}
		if strings.HasSuffix(dir, "thirdparty") && b.Duplicates == 0 {
			t.Errorf("no repeated task rows were resolved (tasks_executors_fail has 50 Resubmitted tasks)")
		}
	}

	// Strict mode: a malformed line after 200 lines fails the streamed log,
	// and its rows already appended to the tables go.
	plain := realFile(t, "spark-events", "local-1430917381534")
	lines := bytes.SplitAfter(plain, []byte("\n"))
	bad := append(bytes.Join(lines[:200], nil), []byte("{\"Event\":\"SparkListenerTaskEnd\",\"Task Info\":{\"Task ID\":\n")...)
	bad = append(bad, bytes.Join(lines[200:], nil)...)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "local-1430917381534"), bad, 0o644); err != nil {
		t.Fatal(err)
	}
	st := openStore(t)
	sum := ingestWith(st, dir, ingest.Options{BufferRows: 10, Strict: true})
	if sum.Failed != 1 || sum.Loaded != 0 {
		t.Errorf("strict ingest of a malformed log: %+v, want it failed", sum)
	}
	if n := tableCounts(t, st); n["spark_tasks"]+n["spark_executors"]+n["spark_stages"]+n["spark_jobs"]+n["spark_apps"] != 0 {
		t.Errorf("a failed streamed log left rows: %v", n)
	}
	// Without --strict the same log loads, with its bad line counted.
	sum = ingestWith(st, dir, ingest.Options{BufferRows: 10})
	if sum.Loaded != 1 || sum.Bad != 1 {
		t.Errorf("non-strict ingest of the malformed log: %+v, want 1 loaded with 1 bad line", sum)
	}
}
