package sparklog_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValuesOutsideWhatSparkWrites loads testdata/hostile/spark-out-of-range.json
// (crafted for issue 17): ids past Spark's Int, negative metrics and a
// time past year 9999. Key ids out of range make their line bad; other
// values are stored as NULL, never wrapped, and counted in one warning per
// kind. Expected figures are from the file, line by line (see its README).
func TestValuesOutsideWhatSparkWrites(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "hostile", "spark-out-of-range.json"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "app-values"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	st := openStore(t)
	sum := run(t, st, dir, false)
	// Bad: JobStart and JobEnd of job 2³², StageSubmitted and StageCompleted of stage 2³¹.
	if sum.Failed != 0 || sum.Bad != 4 {
		t.Fatalf("%d failed, %d bad records; want 0 and 4 (%v)", sum.Failed, sum.Bad, sum.Failures)
	}
	type task struct {
		id                                int64
		stage, index, part                sql.NullInt32
		cpu, memSpill, diskSpill, runTime sql.NullInt64
		finish                            sql.NullTime
	}
	rows, err := st.DB().Query(`SELECT task_id, stage_id, task_index, partition_id, executor_cpu_time_ns, memory_bytes_spilled,
		disk_bytes_spilled, executor_run_time_ms, finish_time FROM spark_tasks ORDER BY task_id`)
	if err != nil {
		t.Fatal(err)
	}
	var tasks []task
	for rows.Next() {
		var r task
		if err := rows.Scan(&r.id, &r.stage, &r.index, &r.part, &r.cpu, &r.memSpill, &r.diskSpill, &r.runTime, &r.finish); err != nil {
			t.Fatal(err)
		}
		tasks = append(tasks, r)
	}
	if len(tasks) != 2 {
		t.Fatalf("%d tasks, want 2", len(tasks))
	}
	// Task 2: every value in range, kept; its Finish Time (2⁶³-1 ms) is not.
	t2 := tasks[0]
	if t2.id != 2 || !t2.stage.Valid || t2.stage.Int32 != 0 || t2.memSpill.Int64 != 2048 || t2.diskSpill.Int64 != 1024 || t2.finish.Valid {
		t.Errorf("task 2 = %+v; want stage 0, 2048 and 1024 bytes spilled, no finish time", t2)
	}
	// Task 2⁴⁰: its id fits BIGINT; stage 2³¹ and index 3e9 are NULL, not
	// wrapped; the negative metrics are NULL, the run time kept.
	tw := tasks[1]
	if tw.id != 1<<40 || tw.stage.Valid || tw.index.Valid || tw.part.Valid || tw.cpu.Valid || tw.memSpill.Valid || tw.diskSpill.Valid || tw.runTime.Int64 != 1000 {
		t.Errorf("task 2^40 = %+v; want NULL stage, index, partition, CPU time and spills, run time 1000", tw)
	}
	if n := scalar[int64](t, st, `SELECT count(*) FROM spark_tasks WHERE memory_bytes_spilled < 0 OR disk_bytes_spilled < 0 OR stage_id < 0 OR task_index < 0`); n != 0 {
		t.Errorf("%d tasks hold a negative or wrapped value", n)
	}
	if s := scalar[int64](t, st, `SELECT sum(memory_bytes_spilled) FROM spark_tasks`); s != 2048 {
		t.Errorf("memory spilled sums to %d, want 2048", s)
	}
	// Stage 0 (still active) has its 3e9 task count NULL; stage 2³¹ is not stored.
	if n := scalar[int64](t, st, `SELECT count(*) FROM spark_stages WHERE stage_id = 0 AND num_tasks IS NULL`); n != 1 {
		t.Errorf("stage 0 with NULL num_tasks: %d rows, want 1", n)
	}
	if n := scalar[int64](t, st, `SELECT count(*) FROM spark_stages`); n != 1 {
		t.Errorf("%d stages, want 1", n)
	}
	if ids := scalar[string](t, st, `SELECT string_agg(job_id::VARCHAR, ',' ORDER BY job_id) FROM spark_jobs`); ids != "7" {
		t.Errorf("jobs %q, want 7 only", ids)
	}
	if n := scalar[int64](t, st, `SELECT count(*) FROM spark_executors WHERE executor_id = '1' AND total_cores IS NULL`); n != 1 {
		t.Errorf("executor 1 with NULL cores: %d rows, want 1", n)
	}
	msgs := scalar[string](t, st, `SELECT string_agg(message, '\n' ORDER BY message) FROM ingest_issues WHERE severity = 'warning'`)
	for _, want := range []string{
		// stage id, index and partition of line 8, finish time of line 9,
		// executor cores and stage 0's task count.
		`6 value(s) outside the range Spark writes stored as NULL (the first: line 8: "Stage ID" 2147483648 is outside Spark's Int range)`,
		`3 negative metric value(s) stored as NULL`, `"Executor CPU Time" -7`,
	} {
		if !strings.Contains(msgs, want) {
			t.Errorf("warnings do not say %q:\n%s", want, msgs)
		}
	}
	bad := scalar[string](t, st, `SELECT string_agg(message, '\n' ORDER BY record) FROM ingest_issues WHERE severity = 'bad'`)
	for _, want := range []string{`decoding line 4: SparkListenerJobStart: "Job ID" 4294967296 is outside Spark's Int range`, `decoding line 6: SparkListenerStageSubmitted: "Stage ID" 2147483648 is outside`, "decoding line 10:", "decoding line 11:"} {
		if !strings.Contains(bad, want) {
			t.Errorf("bad records do not say %q:\n%s", want, bad)
		}
	}
}
