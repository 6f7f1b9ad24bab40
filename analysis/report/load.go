package report

import (
	"context"
	"embed"
	"fmt"
	"time"

	coverage "github.com/gluelens/gluelens/analysis/evidence"
	"github.com/gluelens/gluelens/analysis/facts"
	"github.com/gluelens/gluelens/analysis/integrity"
	"github.com/gluelens/gluelens/internal/store"
)

//go:embed sql/*.sql
var sqlFiles embed.FS

var query = store.NewQueries(sqlFiles, "report").SQL

// optTime turns a zero time into a NULL parameter.
func optTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// optString turns "" into a NULL parameter.
func optString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Source is what one kind of input contributed to the database.
type Source struct {
	Kind    string `json:"kind"`
	Objects int64  `json:"objects"`
	Records int64  `json:"records"`
	Failed  int64  `json:"failed"`
}

func loadSources(ctx context.Context, st *store.Store) ([]Source, error) {
	rows, err := store.Select[Source](ctx, st, query("sources"))
	if err != nil {
		return nil, fmt.Errorf("counting ingested sources: %w", err)
	}
	return rows, nil
}

// restOn fills in what a report over [from, to) rests on: the evidence
// section and what the CloudTrail digest files prove about the window.
func (h *Header) restOn(ctx context.Context, st *store.Store, from, to time.Time) error {
	cov, err := coverage.Load(ctx, st, 0)
	if err != nil {
		return err
	}
	h.Evidence = cov.Section(from, to)
	s, err := integrity.Summarize(ctx, st, integrity.Window{From: from, To: to})
	if err != nil {
		return fmt.Errorf("verifying the window's CloudTrail evidence: %w", err)
	}
	h.Integrity = &s
	return nil
}

// evidenceBounds is the span of the ENI evidence, widened to the Glue runs.
func evidenceBounds(ctx context.Context, st *store.Store) (from, to time.Time, err error) {
	r, err := facts.ReadBounds(ctx, st)
	if err != nil {
		return from, to, err
	}
	for _, t := range []*time.Time{r.EvidenceStart, r.RunsStart} {
		if t != nil && (from.IsZero() || t.Before(from)) {
			from = t.UTC()
		}
	}
	for _, t := range []*time.Time{r.EvidenceEnd, r.RunsEnd} {
		if t != nil && t.After(to) {
			to = t.UTC()
		}
	}
	return from, to, nil
}

// stepPoints turns steps into chart points, closing the last step at its end.
func stepPoints(steps []step) []Point {
	out := make([]Point, 0, len(steps)+1)
	for _, s := range steps {
		out = append(out, Point{At: s.from, Value: s.value})
	}
	if n := len(steps); n > 0 && steps[n-1].to.After(steps[n-1].from) {
		out = append(out, Point{At: steps[n-1].to, Value: steps[n-1].value})
	}
	return out
}

// runRow is one Glue run as the facts reader gives it.
type runRow = facts.Run

// DiskFailure is one thing lost to a full local disk.
type DiskFailure struct {
	Kind       string     `json:"kind" db:"kind"` // task | executor | stage | glue_run
	AppID      *string    `json:"app_id" db:"app_id"`
	AttemptID  *string    `json:"attempt_id" db:"attempt_id"`
	RunID      *string    `json:"run_id" db:"run_id"`
	ExecutorID *string    `json:"executor_id" db:"executor_id"`
	At         *time.Time `json:"at" db:"at"`
	StageID    *int64     `json:"stage_id" db:"stage_id"`
	Message    *string    `json:"message" db:"message"`
}

func diskFailures(ctx context.Context, st *store.Store, from, to time.Time, run string) ([]DiskFailure, error) {
	rows, err := store.Select[DiskFailure](ctx, st, query("disk_failures"), optTime(from), optTime(to), optString(run))
	if err != nil {
		return nil, fmt.Errorf("listing disk-full failures: %w", err)
	}
	return rows, nil
}

// ExecutorPressure is one executor's peak estimated local disk against the
// usable disk of its worker type.
type ExecutorPressure struct {
	AppID           string     `json:"app_id" db:"app_id"`
	AttemptID       string     `json:"attempt_id" db:"attempt_id"`
	ExecutorID      string     `json:"executor_id" db:"executor_id"`
	RunID           *string    `json:"run_id" db:"glue_job_run_id"`
	JobName         *string    `json:"job_name" db:"job_name"`
	WorkerType      *string    `json:"worker_type" db:"worker_type"`
	PeakDiskBytes   int64      `json:"peak_disk_bytes" db:"peak_disk_bytes"`
	PeakAt          time.Time  `json:"peak_at" db:"peak_at"`
	PeakShuffle     int64      `json:"peak_shuffle_bytes" db:"peak_shuffle_bytes"`
	PeakSpill       int64      `json:"peak_spill_bytes" db:"peak_spill_bytes"`
	UsableDiskBytes *int64     `json:"usable_disk_bytes" db:"usable_disk_bytes"`
	ShareUsed       *float64   `json:"share_used" db:"share_used"`
	CrossedAt       *time.Time `json:"crossed_at" db:"crossed_at"`
}

func diskPressure(ctx context.Context, st *store.Store, from, to time.Time, run string) ([]ExecutorPressure, error) {
	rows, err := store.Select[ExecutorPressure](ctx, st, query("disk_pressure"), optTime(from), optTime(to), optString(run))
	if err != nil {
		return nil, fmt.Errorf("reading disk pressure: %w", err)
	}
	return rows, nil
}

type diskPointRow struct {
	ExecutorID   string    `db:"executor_id"`
	At           time.Time `db:"at"`
	DiskBytes    int64     `db:"disk_bytes"`
	ShuffleBytes int64     `db:"shuffle_bytes"`
	SpillBytes   int64     `db:"spill_bytes"`
}

func diskTimeline(ctx context.Context, st *store.Store, app, attempt string) ([]diskPointRow, error) {
	rows, err := store.Select[diskPointRow](ctx, st, query("disk_timeline"), app, attempt)
	if err != nil {
		return nil, fmt.Errorf("reading the disk timeline of %s: %w", app, err)
	}
	return rows, nil
}

// StageDisk is one stage attempt's spill and shuffle.
type StageDisk struct {
	StageID            int64  `json:"stage_id" db:"stage_id"`
	StageAttempt       int64  `json:"stage_attempt" db:"stage_attempt"`
	Name               string `json:"stage_name" db:"stage_name"`
	Tasks              int64  `json:"tasks" db:"tasks"`
	MemoryBytesSpilled int64  `json:"memory_bytes_spilled" db:"memory_bytes_spilled"`
	DiskBytesSpilled   int64  `json:"disk_bytes_spilled" db:"disk_bytes_spilled"`
	ShuffleBytesWrite  int64  `json:"shuffle_bytes_written" db:"shuffle_bytes_written"`
	ShuffleBytesRead   int64  `json:"shuffle_read_bytes" db:"shuffle_read_bytes"`
}

func stageDisk(ctx context.Context, st *store.Store, app, attempt string) ([]StageDisk, error) {
	rows, err := store.Select[StageDisk](ctx, st, query("stage_disk"), app, attempt)
	if err != nil {
		return nil, fmt.Errorf("reading the stages of %s: %w", app, err)
	}
	return rows, nil
}

type partitionRow struct {
	PartitionID int64 `db:"partition_id"`
	Bytes       int64 `db:"bytes"`
}

func partitions(ctx context.Context, st *store.Store, app, attempt string, stage int64) ([]partitionRow, error) {
	rows, err := store.Select[partitionRow](ctx, st, query("partitions"), app, attempt, stage)
	if err != nil {
		return nil, fmt.Errorf("reading the partitions of stage %d of %s: %w", stage, app, err)
	}
	return rows, nil
}

type spillRow struct {
	DiskBytesSpilled int64 `db:"disk_bytes_spilled"`
}

func spilled(ctx context.Context, st *store.Store, from, to time.Time) (int64, error) {
	rows, err := store.Select[spillRow](ctx, st, query("spill"), optTime(from), optTime(to))
	if err != nil {
		return 0, fmt.Errorf("summing spill: %w", err)
	}
	if len(rows) == 0 {
		return 0, nil
	}
	return rows[0].DiskBytesSpilled, nil
}
