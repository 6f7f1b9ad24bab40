// Package eni answers the IP-exhaustion questions from the ENI views: per
// subnet peaks and failures, which ENIs held the IPs at an instant, ENI
// lifetimes and the job runs behind them. Results are typed; the SQL lives
// in embedded files under sql/.
package eni

import (
	"context"
	"embed"
	"fmt"
	"time"

	"github.com/gluelens/gluelens/analysis/facts"
	"github.com/gluelens/gluelens/internal/store"
)

//go:embed sql/*.sql
var sqlFiles embed.FS

var query = store.NewQueries(sqlFiles, "eni").SQL

// Window bounds a question in time; zero values mean "from the start" and
// "to the end" of the evidence.
type Window = facts.Window

// SubnetSummary is one subnet's occupancy over a window.
type SubnetSummary struct {
	SubnetID       string     `json:"subnet_id"`
	CIDR           *string    `json:"cidr_block"`
	UsableIPs      *int64     `json:"usable_ips"`
	PeakInUse      int64      `json:"peak_in_use"`
	PeakAt         *time.Time `json:"peak_at"`
	SecondsAbove90 int64      `json:"seconds_above_90pct"`
	FailedCreates  int64      `json:"failed_creates"`
}

// Subnets summarises every subnet seen in the evidence or described by
// describe-subnets, most troubled first.
func Subnets(ctx context.Context, st *store.Store, w Window) ([]SubnetSummary, error) {
	from, to := w.Args()
	rows, err := store.Select[SubnetSummary](ctx, st, query("subnet_summary"), from, to)
	if err != nil {
		return nil, fmt.Errorf("summarising subnets: %w", err)
	}
	return rows, nil
}

// Holder is one ENI holding IPs in a subnet at an instant.
type Holder struct {
	ENIID                 string     `json:"eni_id"`
	IPCount               int64      `json:"ip_count"`
	Requester             *string    `json:"requester"`
	HeldFrom              time.Time  `json:"held_from"`
	DeletedAt             *time.Time `json:"deleted_at"`
	JobRunID              *string    `json:"job_run_id"`
	JobName               *string    `json:"job_name"`
	RunStartedAt          *time.Time `json:"run_started_at"`
	RunCompletedAt        *time.Time `json:"run_completed_at"`
	State                 string     `json:"state"` // running | lingering | non-glue | unattributed | unaccounted
	MinutesSinceRunEnd    *float64   `json:"minutes_since_run_end"`
	AttributionConfidence *string    `json:"attribution_confidence"`
	Description           *string    `json:"description"`
}

// At lists every ENI holding IPs in subnet at instant t.
func At(ctx context.Context, st *store.Store, subnet string, t time.Time) ([]Holder, error) {
	rows, err := store.Select[Holder](ctx, st, query("eni_at"), subnet, t.UTC())
	if err != nil {
		return nil, fmt.Errorf("listing ENIs in %s at %s: %w", subnet, t.UTC().Format(time.RFC3339), err)
	}
	return rows, nil
}

// Lifetime is one ENI's life and attribution.
type Lifetime struct {
	ENIID                 string     `json:"eni_id"`
	SubnetID              *string    `json:"subnet_id"`
	CreatedAt             *time.Time `json:"created_at"`
	DeletedAt             *time.Time `json:"deleted_at"`
	IPCount               int64      `json:"ip_count"`
	Requester             *string    `json:"requester"`
	RoleARN               *string    `json:"role_arn"`
	JobRunID              *string    `json:"job_run_id"`
	JobName               *string    `json:"job_name"`
	RunCompletedAt        *time.Time `json:"run_completed_at"`
	LingerMinutes         *float64   `json:"linger_minutes"`
	AttributionMethod     *string    `json:"attribution_method"`
	AttributionConfidence *string    `json:"attribution_confidence"`
	CandidateRuns         int64      `json:"candidate_runs"`
	// SubnetSource: create | snapshot | same-requester | full-at-refusal
	// (see docs/attribution.md).
	SubnetSource *string `json:"subnet_source"`
}

// Lifetimes lists ENIs whose holding overlaps the window, optionally in one subnet.
func Lifetimes(ctx context.Context, st *store.Store, w Window, subnet string) ([]Lifetime, error) {
	rows, err := facts.Holdings(ctx, st, w, subnet)
	if err != nil {
		return nil, fmt.Errorf("listing ENI lifetimes: %w", err)
	}
	out := make([]Lifetime, len(rows))
	for i, h := range rows {
		subnet := h.SubnetID
		out[i] = Lifetime{ENIID: h.ENIID, SubnetID: &subnet, CreatedAt: h.CreatedAt, DeletedAt: h.DeletedAt, IPCount: h.IPCount,
			Requester: h.Requester, RoleARN: h.RoleARN, JobRunID: h.JobRunID, JobName: h.JobName, RunCompletedAt: h.RunCompletedAt,
			LingerMinutes: h.LingerMinutes, AttributionMethod: h.AttributionMethod, AttributionConfidence: h.AttributionConfidence,
			CandidateRuns: h.CandidateRuns, SubnetSource: h.SubnetSource}
	}
	return out, nil
}

// Exhaustion is one failure for lack of IPs and who held the subnet's IPs then.
type Exhaustion struct {
	At                 time.Time `json:"at"`
	SubnetID           *string   `json:"subnet_id"`
	Source             string    `json:"source"`
	JobRunID           *string   `json:"job_run_id"`
	JobName            *string   `json:"job_name"`
	InUse              int64     `json:"in_use"`
	UsableIPs          *int64    `json:"usable_ips"`
	HeldByRunningRuns  int64     `json:"held_by_running_runs"`
	HeldByFinishedRuns int64     `json:"held_by_finished_runs"`
	HeldByNonGlue      int64     `json:"held_by_non_glue"`
	Unattributed       int64     `json:"unattributed"`
	// Unaccounted: at a refused create, the IPs no ENI in the evidence
	// explains (the refusal proves the subnet was full); included in InUse.
	Unaccounted           int64    `json:"unaccounted"`
	FinishedMinMinutesAgo *float64 `json:"finished_min_minutes_ago"`
	FinishedMaxMinutesAgo *float64 `json:"finished_max_minutes_ago"`
	// AmbiguousIPs are held by ENIs whose run attribution is ambiguous:
	// the running/finished split may be off by up to this many.
	AmbiguousIPs int64 `json:"ambiguous_ips"`
	// AttributionConfidence is that of the failure's own run (exact | high
	// | ambiguous | none); Confidence is exact when nothing in the split is
	// ambiguous or unaccounted, else ambiguous.
	AttributionConfidence string  `json:"attribution_confidence"`
	Confidence            string  `json:"confidence"`
	ErrorCode             *string `json:"error_code"`
	ErrorMessage          *string `json:"error_message"`
	EventID               *string `json:"event_id"`
}

// Exhaustions lists the IP-exhaustion failures in the window, in time order.
func Exhaustions(ctx context.Context, st *store.Store, w Window) ([]Exhaustion, error) {
	from, to := w.Args()
	rows, err := store.Select[Exhaustion](ctx, st, query("exhaustion"), from, to)
	if err != nil {
		return nil, fmt.Errorf("listing IP exhaustion events: %w", err)
	}
	return rows, nil
}

// Run is a Glue job run with its failure class and attributed ENIs.
type Run struct {
	RunID            string     `json:"run_id"`
	JobName          *string    `json:"job_name"`
	State            *string    `json:"state"`
	StartedOn        *time.Time `json:"started_on"`
	CompletedOn      *time.Time `json:"completed_on"`
	WorkerType       *string    `json:"worker_type"`
	NumberOfWorkers  *int64     `json:"number_of_workers"`
	ENIs             int64      `json:"enis"`
	MaxLingerMinutes *float64   `json:"max_linger_minutes"`
	FailureClass     *string    `json:"failure_class"`
	ErrorMessage     *string    `json:"error_message"`
}

// Runs lists Glue runs started in the window.
func Runs(ctx context.Context, st *store.Store, w Window) ([]Run, error) {
	from, to := w.Args()
	rows, err := store.Select[Run](ctx, st, query("runs"), from, to)
	if err != nil {
		return nil, fmt.Errorf("listing Glue runs: %w", err)
	}
	return rows, nil
}
