package store

import (
	"context"
	"database/sql"
	"os"
	"reflect"
	"testing"
	"time"
)

// openSparkFixture opens an in-memory store holding testdata/spark_disk_fixture.sql.
func openSparkFixture(t *testing.T) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	body, err := os.ReadFile("testdata/spark_disk_fixture.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, string(body)); err != nil {
		t.Fatalf("loading fixture: %v", err)
	}
	return s
}

func at(hms string) time.Time {
	t, err := time.Parse("2006-01-02 15:04:05", "2026-11-02 "+hms)
	if err != nil {
		panic(err)
	}
	return t
}

func TestExecutorDiskTimelineGolden(t *testing.T) {
	s := openSparkFixture(t)
	type step struct {
		Exec                 string
		At                   time.Time
		Disk, Shuffle, Spill int64
	}
	const G = 1_000_000_000
	// Executor 1: t1 finishes 10:02 (+30 GB shuffle); t3 runs 10:04–10:05 (+16 GB spill, then
	// −16); the executor is removed at 10:06 (−30 GB shuffle).
	// Executor 2: t2 runs 10:01–10:03 (+5 GB spill, then −5 GB spill and +20 GB shuffle at its
	// finish); t4 runs 10:04:30–10:07 (+4 GB spill, then −4 spill +2 shuffle); the killed t6 and
	// the unfinished t5 have no metrics; the application ends at 10:10 (−22 GB shuffle).
	// Executor 7 (app-2): t7 spills 1 GB 11:01–11:02.
	want := []step{
		{"1", at("10:02:00"), 30 * G, 30 * G, 0},
		{"1", at("10:04:00"), 46 * G, 30 * G, 16 * G},
		{"1", at("10:05:00"), 30 * G, 30 * G, 0},
		{"1", at("10:06:00"), 0, 0, 0},
		{"2", at("10:01:00"), 5 * G, 0, 5 * G},
		{"2", at("10:03:00"), 20 * G, 20 * G, 0},
		{"2", at("10:04:30"), 24 * G, 20 * G, 4 * G},
		{"2", at("10:07:00"), 22 * G, 22 * G, 0},
		{"2", at("10:10:00"), 0, 0, 0},
		{"7", at("11:01:00"), 1 * G, 0, 1 * G},
		{"7", at("11:02:00"), 0, 0, 0},
	}
	rows, err := s.DB().Query(`SELECT executor_id, "at", disk_bytes, shuffle_bytes, spill_bytes
		FROM executor_disk_timeline ORDER BY app_id, executor_id, "at"`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []step
	for rows.Next() {
		var st step
		if err := rows.Scan(&st.Exec, &st.At, &st.Disk, &st.Shuffle, &st.Spill); err != nil {
			t.Fatal(err)
		}
		got = append(got, st)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("timeline:\n got %v\nwant %v", got, want)
	}
}

func TestDiskPressureGolden(t *testing.T) {
	s := openSparkFixture(t)
	type row struct {
		Exec       string
		WorkerType sql.NullString
		Peak       int64
		PeakAt     time.Time
		Usable     sql.NullInt64
		Table      sql.NullString
		Share      sql.NullFloat64
		Crossed    sql.NullTime
	}
	// G.1X usable disk in the 'current' table: 44 GB. Executor 1 peaks at 46 GB at 10:04
	// (46/44 = 1.0454…), above 44 GB from 10:04; executor 2 peaks at 24 GB at 10:04:30
	// (24/44 = 0.5454…); app-2 has no linked run, so no worker type and no usable disk.
	want := []row{
		{"1", sql.NullString{String: "G.1X", Valid: true}, 46e9, at("10:04:00"), sql.NullInt64{Int64: 44e9, Valid: true},
			sql.NullString{String: "current", Valid: true}, sql.NullFloat64{Float64: 46.0 / 44.0, Valid: true}, sql.NullTime{Time: at("10:04:00"), Valid: true}},
		{"2", sql.NullString{String: "G.1X", Valid: true}, 24e9, at("10:04:30"), sql.NullInt64{Int64: 44e9, Valid: true},
			sql.NullString{String: "current", Valid: true}, sql.NullFloat64{Float64: 24.0 / 44.0, Valid: true}, sql.NullTime{}},
		{"7", sql.NullString{}, 1e9, at("11:01:00"), sql.NullInt64{}, sql.NullString{}, sql.NullFloat64{}, sql.NullTime{}},
	}
	rows, err := s.DB().Query(`SELECT executor_id, worker_type, peak_disk_bytes, peak_at, usable_disk_bytes, disk_table, share_used, crossed_at
		FROM disk_pressure ORDER BY app_id, executor_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.Exec, &r.WorkerType, &r.Peak, &r.PeakAt, &r.Usable, &r.Table, &r.Share, &r.Crossed); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("disk_pressure:\n got %+v\nwant %+v", got, want)
	}
}

func TestSparkStageMetricsGolden(t *testing.T) {
	s := openSparkFixture(t)
	type row struct {
		Stage                                        int
		Tasks, Failed, Killed, Running               int64
		MemSpill, DiskSpill, ShuffleWrite, ShuffleRd int64
		RunTime                                      int64
	}
	const G = 1_000_000_000
	// Stage 0: t1 + t2 → 2 tasks; spill 0+15 GB memory, 0+5 GB disk; shuffle 30+20 GB; run
	// time 60 000 + 120 000 ms.
	// Stage 1: ended t3 (failed, with metrics), t4, t6 (killed, no metrics) → 3 tasks, 1 failed,
	// 1 killed; t5 still running. Metrics of t3 + t4: memory 40+10, disk 16+4, shuffle write
	// 0+2, shuffle read (7+1)+(3+0) = 11 GB, run time 59 000 + 150 000 ms.
	// Stage 2 never ran: zeros.
	want := []row{
		{0, 2, 0, 0, 0, 15 * G, 5 * G, 50 * G, 0, 180000},
		{1, 3, 1, 1, 1, 50 * G, 20 * G, 2 * G, 11 * G, 209000},
		{2, 0, 0, 0, 0, 0, 0, 0, 0, 0},
	}
	rows, err := s.DB().Query(`SELECT stage_id, tasks, failed_tasks, killed_tasks, running_tasks, memory_bytes_spilled,
		disk_bytes_spilled, shuffle_bytes_written, shuffle_read_bytes, executor_run_time_ms
		FROM spark_stage_metrics WHERE app_id = 'app-1' ORDER BY stage_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.Stage, &r.Tasks, &r.Failed, &r.Killed, &r.Running, &r.MemSpill, &r.DiskSpill, &r.ShuffleWrite, &r.ShuffleRd, &r.RunTime); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("spark_stage_metrics:\n got %+v\nwant %+v", got, want)
	}
}

func TestDiskFullFailuresAndRunLinksGolden(t *testing.T) {
	s := openSparkFixture(t)
	type row struct {
		Kind, App, Run string
		Exec           sql.NullString
		At             time.Time
	}
	// One of each kind carries "No space left on device": task t3 (ends 10:05), executor 1
	// (removed 10:06), stage 1 (completed 10:06:30), Glue run jr_a (completed 10:11).
	want := []row{
		{"task", "app-1", "jr_a", sql.NullString{String: "1", Valid: true}, at("10:05:00")},
		{"executor", "app-1", "jr_a", sql.NullString{String: "1", Valid: true}, at("10:06:00")},
		{"stage", "app-1", "jr_a", sql.NullString{}, at("10:06:30")},
		{"glue_run", "app-1", "jr_a", sql.NullString{}, at("10:11:00")},
	}
	rows, err := s.DB().Query(`SELECT kind, app_id, run_id, executor_id, "at" FROM disk_full_failures ORDER BY "at"`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.Kind, &r.App, &r.Run, &r.Exec, &r.At); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("disk_full_failures:\n got %+v\nwant %+v", got, want)
	}

	var n int
	var run, app, wt string
	if err := s.DB().QueryRow(`SELECT count(*) OVER (), run_id, app_id, worker_type FROM glue_run_apps`).Scan(&n, &run, &app, &wt); err != nil {
		t.Fatal(err)
	}
	if n != 1 || run != "jr_a" || app != "app-1" || wt != "G.1X" {
		t.Errorf("glue_run_apps = %d rows, %s → %s (%s); want 1 row, jr_a → app-1 (G.1X)", n, run, app, wt)
	}
}
