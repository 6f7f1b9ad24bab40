// Package spark turns the Spark event-log tables and views into typed
// answers: applications, stage totals, executors with their estimated peak
// disk, and advice (shuffle partitions, codec, AQE, worker type, S3
// shuffle) that carries its evidence and a line to paste into the Glue job.
// Queries live in sql/*.sql; nothing here returns *sql.Rows.
package spark

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/gluelens/gluelens/internal/config"
	"github.com/gluelens/gluelens/internal/store"
)

//go:embed sql/*.sql
var sqlFiles embed.FS

var query = store.NewQueries(sqlFiles, "analysis/spark").SQL

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
	type attemptRow struct {
		AttemptID string `db:"attempt_id"`
	}
	rows, err := store.Select[attemptRow](ctx, st, query("resolve_app"), appID)
	if err != nil {
		return AppRef{}, fmt.Errorf("resolving application %s: %w", appID, err)
	}
	attempts := make([]string, len(rows))
	for i, r := range rows {
		attempts[i] = r.AttemptID
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
	type refRow struct {
		AppID     string `db:"app_id"`
		AttemptID string `db:"attempt_id"`
	}
	rows, err := store.Select[refRow](ctx, st, query("app_for_run"), runID)
	if err != nil {
		return AppRef{}, fmt.Errorf("finding the application of run %s: %w", runID, err)
	}
	if len(rows) == 0 {
		return AppRef{}, fmt.Errorf("%w: no event log carries spark.glue.JOB_RUN_ID=%s", ErrNoApp, runID)
	}
	return AppRef{AppID: rows[0].AppID, AttemptID: rows[0].AttemptID}, nil
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
	rows, err := store.Select[App](ctx, st, query("apps"), nullTime(from), nullTime(to))
	if err != nil {
		return nil, fmt.Errorf("listing Spark applications: %w", err)
	}
	return rows, nil
}

// Stage is one stage attempt with the totals the History Server shows.
type Stage struct {
	StageID      int        `json:"stage_id"`
	StageAttempt int        `json:"stage_attempt"`
	Name         string     `json:"name"`
	NumTasks     *int64     `json:"num_tasks"`
	Status       string     `json:"status"`
	Submitted    *time.Time `json:"submitted"`
	Completed    *time.Time `json:"completed"`
	Tasks        int64      `json:"tasks"`
	// CompletedTasks, FailedTasks and KilledTasks count as the History
	// Server does: a Resubmitted task is both completed and failed.
	CompletedTasks int64 `json:"completed_tasks"`
	FailedTasks    int64 `json:"failed_tasks"`
	KilledTasks    int64 `json:"killed_tasks"`
	MemorySpilled  int64 `json:"memory_bytes_spilled"`
	DiskSpilled    int64 `json:"disk_bytes_spilled"`
	ShuffleWritten int64 `json:"shuffle_bytes_written"`
	ShuffleRead    int64 `json:"shuffle_bytes_read"`
	InputBytes     int64 `json:"input_bytes"`
	OutputBytes    int64 `json:"output_bytes"`
	RunTimeMs      int64 `json:"executor_run_time_ms"`
	// SpillRatio is memory-spilled ÷ disk-spilled: how much the spill
	// shrank when serialized and compressed (NULL without disk spill).
	SpillRatio    *float64 `json:"spill_ratio"`
	FailureReason string   `json:"failure_reason"`
}

// Stages returns the stage attempts of an application attempt.
func Stages(ctx context.Context, st *store.Store, ref AppRef) ([]Stage, error) {
	out, err := store.Select[Stage](ctx, st, query("stages"), ref.AppID, ref.AttemptID)
	if err != nil {
		return nil, fmt.Errorf("reading stages of %s: %w", ref, err)
	}
	for i := range out {
		if s := &out[i]; s.DiskSpilled > 0 {
			r := float64(s.MemorySpilled) / float64(s.DiskSpilled)
			s.SpillRatio = &r
		}
	}
	return out, nil
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
	WorkerType  string `db:"worker_type"`
	DiskBytes   int64  `db:"disk_bytes"`
	UsableBytes int64  `db:"usable_bytes"`
	Source      string `db:"source"`
}

func workerDisks(ctx context.Context, st *store.Store, table string) ([]WorkerDisk, error) {
	out, err := store.Select[WorkerDisk](ctx, st, query("worker_disk"), table)
	if err != nil {
		return nil, fmt.Errorf("reading worker disk table %q: %w", table, err)
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
	out, err := store.Select[Executor](ctx, st, query("executors"), ref.AppID, ref.AttemptID)
	if err != nil {
		return nil, fmt.Errorf("reading executors of %s: %w", ref, err)
	}
	for i := range out {
		e := &out[i]
		e.WorkerType = workerType
		if n, src, ok := opt.usable(job, workerType, byType); ok {
			e.UsableDisk, e.DiskTable = &n, src
			if e.PeakDiskBytes != nil && n > 0 {
				share := float64(*e.PeakDiskBytes) / float64(n)
				e.ShareUsed = &share
			}
		}
	}
	for i := range out {
		e := &out[i]
		if e.UsableDisk == nil || e.PeakDiskBytes == nil || *e.PeakDiskBytes <= *e.UsableDisk {
			continue
		}
		type crossedRow struct {
			At *time.Time `db:"crossed_at"`
		}
		rows, err := store.Select[crossedRow](ctx, st, query("crossed"), ref.AppID, ref.AttemptID, e.ExecutorID, *e.UsableDisk)
		if err != nil {
			return nil, fmt.Errorf("finding when executor %s of %s filled its disk: %w", e.ExecutorID, ref, err)
		}
		if len(rows) == 1 {
			e.CrossedUsable = rows[0].At
		}
	}
	return out, nil
}

// appConf is what the advice reads about an application attempt.
type appConf struct {
	AppName           string     `db:"app_name"`
	SparkVersion      string     `db:"spark_version"`
	GlueJobName       string     `db:"glue_job_name"`
	GlueRunID         string     `db:"glue_job_run_id"`
	Start             *time.Time `db:"start_time"`
	End               *time.Time `db:"end_time"`
	ShufflePartitions *int64     `db:"shuffle_partitions"`
	IOCodec           string     `db:"io_compression_codec"`
	AdaptiveEnabled   *bool      `db:"adaptive_enabled"`
	CoalesceEnabled   *bool      `db:"adaptive_coalesce_enabled"`
	SkewEnabled       *bool      `db:"adaptive_skewjoin_enabled"`
	AdvisoryBytes     *int64     `db:"advisory_partition_bytes"`
	ExecutorCores     *int64     `db:"executor_cores"`
	WorkerType        string     `db:"worker_type"`
	Workers           *int64     `db:"number_of_workers"`
	RunState          string     `db:"state"`
}

func appInfo(ctx context.Context, st *store.Store, ref AppRef) (appConf, error) {
	rows, err := store.Select[appConf](ctx, st, query("app"), ref.AppID, ref.AttemptID)
	if err != nil {
		return appConf{}, fmt.Errorf("reading application %s: %w", ref, err)
	}
	if len(rows) == 0 {
		return appConf{}, fmt.Errorf("%w: %s", ErrNoApp, ref)
	}
	return rows[0], nil
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}
