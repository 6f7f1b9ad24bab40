// Package spark turns the Spark event-log tables and views into typed
// answers: applications, stage totals, executors with their estimated peak
// disk, and advice (shuffle partitions, codec, AQE, worker type, S3
// shuffle) that carries its evidence and a line to paste into the Glue job.
// Queries live in sql/*.sql; nothing here returns *sql.Rows.
package spark

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/gluelens/gluelens/internal/config"
	"github.com/gluelens/gluelens/internal/store"
)

//go:embed sql/*.sql
var queries embed.FS

func query(name string) string {
	b, err := queries.ReadFile("sql/" + name + ".sql")
	if err != nil {
		panic("analysis/spark: missing embedded query " + name)
	}
	return string(b)
}

// ErrNoApp is returned when no application (or Glue run link) matches.
var ErrNoApp = errors.New("no such Spark application in the database")

// AppRef names one application attempt.
type AppRef struct {
	AppID     string
	AttemptID string // "" when the log has no attempt
}

func (r AppRef) String() string {
	if r.AttemptID == "" {
		return r.AppID
	}
	return r.AppID + " attempt " + r.AttemptID
}

// ResolveApp picks an attempt of appID: the given one, or the newest.
func ResolveApp(ctx context.Context, st *store.Store, appID, attempt string) (AppRef, error) {
	rows, err := st.DB().QueryContext(ctx, query("resolve_app"), appID)
	if err != nil {
		return AppRef{}, fmt.Errorf("resolving application %s: %w", appID, err)
	}
	defer rows.Close()
	var attempts []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return AppRef{}, fmt.Errorf("resolving application %s: %w", appID, err)
		}
		attempts = append(attempts, a)
	}
	if err := rows.Err(); err != nil {
		return AppRef{}, fmt.Errorf("resolving application %s: %w", appID, err)
	}
	if len(attempts) == 0 {
		return AppRef{}, fmt.Errorf("%w: %s", ErrNoApp, appID)
	}
	if attempt == "" {
		return AppRef{AppID: appID, AttemptID: attempts[0]}, nil
	}
	for _, a := range attempts {
		if a == attempt {
			return AppRef{AppID: appID, AttemptID: a}, nil
		}
	}
	return AppRef{}, fmt.Errorf("%w: %s has no attempt %q", ErrNoApp, appID, attempt)
}

// AppForRun finds the newest application attempt that ran Glue job run runID
// (its spark.glue.JOB_RUN_ID).
func AppForRun(ctx context.Context, st *store.Store, runID string) (AppRef, error) {
	var r AppRef
	err := st.DB().QueryRowContext(ctx, query("app_for_run"), runID).Scan(&r.AppID, &r.AttemptID)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("%w: no event log carries spark.glue.JOB_RUN_ID=%s", ErrNoApp, runID)
	}
	if err != nil {
		return r, fmt.Errorf("finding the application of run %s: %w", runID, err)
	}
	return r, nil
}

// App is one application attempt in the list of applications.
type App struct {
	AppID            string     `json:"app_id"`
	AttemptID        string     `json:"attempt_id"`
	AppName          string     `json:"app_name"`
	SparkVersion     string     `json:"spark_version"`
	Start            *time.Time `json:"start"`
	End              *time.Time `json:"end"`
	Completed        bool       `json:"completed"`
	GlueJobName      string     `json:"glue_job_name"`
	GlueRunID        string     `json:"glue_run_id"`
	RunState         string     `json:"run_state"`
	WorkerType       string     `json:"worker_type"`
	Tasks            int64      `json:"tasks"`
	FailedTasks      int64      `json:"failed_tasks"`
	DiskSpilled      int64      `json:"disk_bytes_spilled"`
	ShuffleWritten   int64      `json:"shuffle_bytes_written"`
	PeakDiskBytes    *int64     `json:"peak_disk_bytes"`
	DiskFullFailures int64      `json:"disk_full_failures"`
}

// Apps lists application attempts that ran in [from, to) (zero = unbounded).
func Apps(ctx context.Context, st *store.Store, from, to time.Time) ([]App, error) {
	rows, err := st.DB().QueryContext(ctx, query("apps"), nullTime(from), nullTime(to))
	if err != nil {
		return nil, fmt.Errorf("listing Spark applications: %w", err)
	}
	defer rows.Close()
	var out []App
	for rows.Next() {
		var a App
		var name, ver, job, run, state, wt sql.NullString
		var start, end sql.NullTime
		var completed sql.NullBool
		var peak sql.NullInt64
		if err := rows.Scan(&a.AppID, &a.AttemptID, &name, &ver, &start, &end, &completed, &job, &run, &state, &wt,
			&a.Tasks, &a.FailedTasks, &a.DiskSpilled, &a.ShuffleWritten, &peak, &a.DiskFullFailures); err != nil {
			return nil, fmt.Errorf("listing Spark applications: %w", err)
		}
		a.AppName, a.SparkVersion, a.GlueJobName, a.GlueRunID, a.RunState, a.WorkerType = name.String, ver.String, job.String, run.String, state.String, wt.String
		a.Start, a.End, a.Completed, a.PeakDiskBytes = timePtr(start), timePtr(end), completed.Bool, intPtr(peak)
		out = append(out, a)
	}
	return out, rows.Err()
}

// Stage is one stage attempt with the totals the History Server shows.
type Stage struct {
	StageID        int        `json:"stage_id"`
	StageAttempt   int        `json:"stage_attempt"`
	Name           string     `json:"name"`
	NumTasks       *int64     `json:"num_tasks"`
	Status         string     `json:"status"`
	Submitted      *time.Time `json:"submitted"`
	Completed      *time.Time `json:"completed"`
	Tasks          int64      `json:"tasks"`
	FailedTasks    int64      `json:"failed_tasks"`
	KilledTasks    int64      `json:"killed_tasks"`
	MemorySpilled  int64      `json:"memory_bytes_spilled"`
	DiskSpilled    int64      `json:"disk_bytes_spilled"`
	ShuffleWritten int64      `json:"shuffle_bytes_written"`
	ShuffleRead    int64      `json:"shuffle_bytes_read"`
	InputBytes     int64      `json:"input_bytes"`
	OutputBytes    int64      `json:"output_bytes"`
	RunTimeMs      int64      `json:"executor_run_time_ms"`
	// SpillRatio is memory-spilled ÷ disk-spilled: how much the spill
	// shrank when serialized and compressed (NULL without disk spill).
	SpillRatio    *float64 `json:"spill_ratio"`
	FailureReason string   `json:"failure_reason"`
}

// Stages returns the stage attempts of an application attempt.
func Stages(ctx context.Context, st *store.Store, ref AppRef) ([]Stage, error) {
	rows, err := st.DB().QueryContext(ctx, query("stages"), ref.AppID, ref.AttemptID)
	if err != nil {
		return nil, fmt.Errorf("reading stages of %s: %w", ref, err)
	}
	defer rows.Close()
	var out []Stage
	for rows.Next() {
		var s Stage
		var name, status, reason sql.NullString
		var num sql.NullInt64
		var sub, done sql.NullTime
		if err := rows.Scan(&s.StageID, &s.StageAttempt, &name, &num, &status, &sub, &done, &s.Tasks, &s.FailedTasks, &s.KilledTasks,
			&s.MemorySpilled, &s.DiskSpilled, &s.ShuffleWritten, &s.ShuffleRead, &s.InputBytes, &s.OutputBytes, &s.RunTimeMs, &reason); err != nil {
			return nil, fmt.Errorf("reading stages of %s: %w", ref, err)
		}
		s.Name, s.Status, s.FailureReason = name.String, status.String, reason.String
		s.NumTasks, s.Submitted, s.Completed = intPtr(num), timePtr(sub), timePtr(done)
		if s.DiskSpilled > 0 {
			r := float64(s.MemorySpilled) / float64(s.DiskSpilled)
			s.SpillRatio = &r
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Disk tables of worker_disk, and the markers for a user's figures: an
// override given with the command, or one from the worker_disk of the job's
// category in gluelens.yaml.
const (
	DiskTableCurrent = "current"
	DiskTableOlder   = "older"
	DiskOverride     = "override"
	DiskConfig       = "config"
)

// DiskOptions choose the usable disk an executor is compared with. The
// first that has a figure wins: Override, Config, Table.
type DiskOptions struct {
	// Table is the worker_disk table: "current" (default) or "older".
	Table string
	// Override maps a worker type to its usable bytes, replacing the
	// table; the key "" applies to every executor (also when the worker
	// type is unknown).
	Override map[string]int64
	// Config gives the worker_disk overrides of the category of the
	// application's Glue job; nil: none.
	Config *config.Config
}

func (o DiskOptions) table() string {
	if o.Table == "" {
		return DiskTableCurrent
	}
	return o.Table
}

// usable returns the usable disk for the worker type of an application of
// Glue job job, and where the figure came from.
func (o DiskOptions) usable(job, workerType string, table map[string]WorkerDisk) (int64, string, bool) {
	if n, ok := o.Override[workerType]; ok && workerType != "" {
		return n, DiskOverride, true
	}
	if n, ok := o.Override[""]; ok {
		return n, DiskOverride, true
	}
	if o.Config != nil && job != "" && workerType != "" {
		if n, ok := o.Config.WorkerDisk(o.Config.CategoryOf(job), workerType); ok {
			return n, DiskConfig, true
		}
	}
	if w, ok := table[workerType]; ok {
		return w.UsableBytes, o.table(), true
	}
	return 0, "", false
}

// WorkerDisk is one row of the worker_disk table.
type WorkerDisk struct {
	WorkerType  string
	DiskBytes   int64
	UsableBytes int64
	Source      string
}

func workerDisks(ctx context.Context, st *store.Store, table string) ([]WorkerDisk, error) {
	rows, err := st.DB().QueryContext(ctx, query("worker_disk"), table)
	if err != nil {
		return nil, fmt.Errorf("reading worker disk table %q: %w", table, err)
	}
	defer rows.Close()
	var out []WorkerDisk
	for rows.Next() {
		var w WorkerDisk
		if err := rows.Scan(&w.WorkerType, &w.DiskBytes, &w.UsableBytes, &w.Source); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("unknown worker disk table %q (want current or older)", table)
	}
	return out, nil
}

// Executor is one executor with its estimated peak disk.
type Executor struct {
	ExecutorID    string     `json:"executor_id"`
	Host          string     `json:"host"`
	Cores         *int64     `json:"cores"`
	Added         *time.Time `json:"added"`
	Removed       *time.Time `json:"removed"`
	RemovedReason string     `json:"removed_reason"`
	Tasks         int64      `json:"tasks"`
	FailedTasks   int64      `json:"failed_tasks"`
	DiskFullTasks int64      `json:"disk_full_tasks"`
	WorkerType    string     `json:"worker_type"`
	PeakDiskBytes *int64     `json:"peak_disk_bytes"`
	PeakAt        *time.Time `json:"peak_at"`
	PeakShuffle   *int64     `json:"peak_shuffle_bytes"`
	PeakSpill     *int64     `json:"peak_spill_bytes"`
	UsableDisk    *int64     `json:"usable_disk_bytes"`
	DiskTable     string     `json:"disk_table"` // current | older | override | config; "" when unknown
	ShareUsed     *float64   `json:"share_used"`
	CrossedUsable *time.Time `json:"crossed_usable_at"`
}

// Executors returns the executors of an application attempt with their
// peak estimated disk against the usable disk of their worker type.
func Executors(ctx context.Context, st *store.Store, ref AppRef, opt DiskOptions) ([]Executor, error) {
	info, err := appInfo(ctx, st, ref)
	if err != nil {
		return nil, err
	}
	return executors(ctx, st, ref, info.GlueJobName, info.WorkerType, opt)
}

func executors(ctx context.Context, st *store.Store, ref AppRef, job, workerType string, opt DiskOptions) ([]Executor, error) {
	disks, err := workerDisks(ctx, st, opt.table())
	if err != nil {
		return nil, err
	}
	byType := map[string]WorkerDisk{}
	for _, w := range disks {
		byType[w.WorkerType] = w
	}
	rows, err := st.DB().QueryContext(ctx, query("executors"), ref.AppID, ref.AttemptID)
	if err != nil {
		return nil, fmt.Errorf("reading executors of %s: %w", ref, err)
	}
	var out []Executor
	for rows.Next() {
		var e Executor
		var host, reason sql.NullString
		var cores, peak, shuffle, spill sql.NullInt64
		var added, removed, peakAt sql.NullTime
		if err := rows.Scan(&e.ExecutorID, &host, &cores, &added, &removed, &reason, &e.Tasks, &e.FailedTasks, &e.DiskFullTasks,
			&peak, &peakAt, &shuffle, &spill); err != nil {
			rows.Close()
			return nil, fmt.Errorf("reading executors of %s: %w", ref, err)
		}
		e.Host, e.RemovedReason, e.WorkerType = host.String, reason.String, workerType
		e.Cores, e.Added, e.Removed = intPtr(cores), timePtr(added), timePtr(removed)
		e.PeakDiskBytes, e.PeakAt, e.PeakShuffle, e.PeakSpill = intPtr(peak), timePtr(peakAt), intPtr(shuffle), intPtr(spill)
		if n, src, ok := opt.usable(job, workerType, byType); ok {
			e.UsableDisk, e.DiskTable = &n, src
			if e.PeakDiskBytes != nil && n > 0 {
				share := float64(*e.PeakDiskBytes) / float64(n)
				e.ShareUsed = &share
			}
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, err
	}
	rows.Close()
	for i := range out {
		e := &out[i]
		if e.UsableDisk == nil || e.PeakDiskBytes == nil || *e.PeakDiskBytes <= *e.UsableDisk {
			continue
		}
		var at sql.NullTime
		if err := st.DB().QueryRowContext(ctx, query("crossed"), ref.AppID, ref.AttemptID, e.ExecutorID, *e.UsableDisk).Scan(&at); err != nil {
			return nil, fmt.Errorf("finding when executor %s of %s filled its disk: %w", e.ExecutorID, ref, err)
		}
		e.CrossedUsable = timePtr(at)
	}
	return out, nil
}

// appConf is what the advice reads about an application attempt.
type appConf struct {
	AppName, SparkVersion, GlueJobName, GlueRunID string
	Start, End                                    *time.Time
	ShufflePartitions                             *int64
	IOCodec                                       string
	AdaptiveEnabled, CoalesceEnabled, SkewEnabled *bool
	AdvisoryBytes, ExecutorCores                  *int64
	WorkerType                                    string
	Workers                                       *int64
	RunState                                      string
}

func appInfo(ctx context.Context, st *store.Store, ref AppRef) (appConf, error) {
	var c appConf
	var name, ver, job, run, codec, wt, state sql.NullString
	var start, end sql.NullTime
	var parts, adv, cores, workers sql.NullInt64
	var aqe, coalesce, skew sql.NullBool
	var appID, attempt string
	err := st.DB().QueryRowContext(ctx, query("app"), ref.AppID, ref.AttemptID).Scan(&appID, &attempt, &name, &ver, &start, &end,
		&job, &run, &parts, &codec, &aqe, &coalesce, &skew, &adv, &cores, &wt, &workers, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("%w: %s", ErrNoApp, ref)
	}
	if err != nil {
		return c, fmt.Errorf("reading application %s: %w", ref, err)
	}
	c.AppName, c.SparkVersion, c.GlueJobName, c.GlueRunID = name.String, ver.String, job.String, run.String
	c.Start, c.End, c.ShufflePartitions, c.IOCodec = timePtr(start), timePtr(end), intPtr(parts), codec.String
	c.AdaptiveEnabled, c.CoalesceEnabled, c.SkewEnabled = boolPtr(aqe), boolPtr(coalesce), boolPtr(skew)
	c.AdvisoryBytes, c.ExecutorCores, c.WorkerType, c.Workers, c.RunState = intPtr(adv), intPtr(cores), wt.String, intPtr(workers), state.String
	return c, nil
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

func intPtr(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}

func boolPtr(b sql.NullBool) *bool {
	if !b.Valid {
		return nil
	}
	v := b.Bool
	return &v
}
