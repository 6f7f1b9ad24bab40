// Package facts is the one typed reader of the derived ENI facts every
// analysis reads: the evidence bounds, the subnets, the Glue runs, the ENI
// holdings, the refused creates and the subnets' occupancy, whole and
// split by holder. Each question is answered by one named file under sql/;
// occupancy itself is computed once, by the subnet_occupancy and
// subnet_occupancy_by_holder views, and only read here. Results are typed
// slices the caller owns.
package facts

import (
	"context"
	"embed"
	"fmt"
	"time"

	"github.com/gluelens/gluelens/internal/store"
)

//go:embed sql/*.sql
var sqlFiles embed.FS

var query = store.NewQueries(sqlFiles, "facts").SQL

// Window bounds a question in time; a zero From or To leaves that side open.
type Window struct {
	From, To time.Time
}

// Args returns the window as two SQL parameters, NULL for an open side.
func (w Window) Args() (from, to any) {
	if !w.From.IsZero() {
		from = w.From.UTC()
	}
	if !w.To.IsZero() {
		to = w.To.UTC()
	}
	return from, to
}

// Bounds is the span the evidence covers: the ENI CloudTrail records' and
// the Glue runs'. A nil field: no such evidence.
type Bounds struct {
	EvidenceStart *time.Time `db:"evidence_start"`
	EvidenceEnd   *time.Time `db:"evidence_end"`
	RunsStart     *time.Time `db:"runs_start"`
	RunsEnd       *time.Time `db:"runs_end"`
}

// ReadBounds reads the span the evidence covers.
func ReadBounds(ctx context.Context, st *store.Store) (Bounds, error) {
	rows, err := store.Select[Bounds](ctx, st, query("bounds"))
	if err != nil {
		return Bounds{}, fmt.Errorf("reading evidence bounds: %w", err)
	}
	if len(rows) == 0 {
		return Bounds{}, nil
	}
	return rows[0], nil
}

// Subnet is one subnet described by describe-subnets.
type Subnet struct {
	ID     string  `db:"subnet_id"`
	CIDR   *string `db:"cidr_block"`
	Prefix *int32  `db:"prefix_length"`
	Usable *int64  `db:"usable_ips"`
	VpcID  *string `db:"vpc_id"`
	// Name is the subnet's Name tag.
	Name *string `db:"name"`
	AZ   *string `db:"availability_zone"`
}

// Subnets lists the described subnets by id.
func Subnets(ctx context.Context, st *store.Store) ([]Subnet, error) {
	rows, err := store.Select[Subnet](ctx, st, query("subnets"))
	if err != nil {
		return nil, fmt.Errorf("reading subnets: %w", err)
	}
	return rows, nil
}

// VPCBlocks lists the VPCs' IPv4 blocks described by describe-vpcs, by
// VPC, primary first (vpc_id, cidr_block, is_primary and association_state
// of each row).
func VPCBlocks(ctx context.Context, st *store.Store) ([]store.VPCCIDRBlock, error) {
	rows, err := store.Select[store.VPCCIDRBlock](ctx, st, query("vpc_blocks"))
	if err != nil {
		return nil, fmt.Errorf("reading VPC blocks: %w", err)
	}
	return rows, nil
}

// Connections lists the Glue connections' network requirements by name
// (connection name and type, subnet, Availability Zone and the
// comma-separated security groups of each row).
func Connections(ctx context.Context, st *store.Store) ([]store.GlueConnection, error) {
	rows, err := store.Select[store.GlueConnection](ctx, st, query("connections"))
	if err != nil {
		return nil, fmt.Errorf("reading Glue connections: %w", err)
	}
	return rows, nil
}

// Run is one Glue job run.
type Run struct {
	RunID       string     `db:"run_id"`
	JobName     *string    `db:"job_name"`
	State       *string    `db:"state"`
	StartedOn   *time.Time `db:"started_on"`
	CompletedOn *time.Time `db:"completed_on"`
	WorkerType  *string    `db:"worker_type"`
	// NumberOfWorkers is the run's own NumberOfWorkers.
	NumberOfWorkers *int32 `db:"number_of_workers"`
	// Workers is the run's NumberOfWorkers, else its job's, else 0.
	Workers      int64   `db:"workers"`
	FailureClass *string `db:"failure_class"`
	ErrorMessage *string `db:"error_message"`
	FailedForIPs bool    `db:"failed_for_ips"`
	// SubnetID is where the job's ENIs land now (NULL when unknown).
	SubnetID *string `db:"subnet_id"`
}

// Runs lists the Glue runs started in w or completed in it, by start.
func Runs(ctx context.Context, st *store.Store, w Window) ([]Run, error) {
	from, to := w.Args()
	rows, err := store.Select[Run](ctx, st, query("runs"), from, to, nil)
	if err != nil {
		return nil, fmt.Errorf("reading Glue runs: %w", err)
	}
	return rows, nil
}

// RunByID reads one Glue run (nil when the database has no such run).
func RunByID(ctx context.Context, st *store.Store, id string) (*Run, error) {
	rows, err := store.Select[Run](ctx, st, query("runs"), nil, nil, id)
	if err != nil {
		return nil, fmt.Errorf("reading job run %s: %w", id, err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return &rows[0], nil
}

// Holding is one ENI with a known subnet and the interval it held its IPs.
type Holding struct {
	ENIID     string     `db:"eni_id"`
	SubnetID  string     `db:"subnet_id"`
	HeldFrom  time.Time  `db:"held_from"`
	HeldUntil *time.Time `db:"held_until"` // nil: held past the evidence end
	IPCount   int64      `db:"ip_count"`
	// Holder is who holds it: HolderGlueRun, HolderNonGlue or HolderUnattributed.
	Holder    string     `db:"holder"`
	Requester *string    `db:"requester"`
	RoleARN   *string    `db:"role_arn"`
	CreatedAt *time.Time `db:"created_at"`
	DeletedAt *time.Time `db:"deleted_at"`
	// JobRunID is the run the ENI is attributed to (nil: none).
	JobRunID              *string    `db:"job_run_id"`
	JobName               *string    `db:"job_name"`
	RunCompletedAt        *time.Time `db:"run_completed_at"`
	LingerMinutes         *float64   `db:"linger_minutes"`
	AttributionMethod     *string    `db:"attribution_method"`
	AttributionConfidence *string    `db:"attribution_confidence"`
	CandidateRuns         int64      `db:"candidate_runs"`
	// SubnetSource says how the subnet is known (eni_lifetimes.subnet_source).
	SubnetSource *string `db:"subnet_source"`
}

// Holders of an ENI (eni_holdings.holder).
const (
	HolderGlueRun      = "glue_run"     // attributed to a Glue run
	HolderNonGlue      = "non_glue"     // created by another requester
	HolderUnattributed = "unattributed" // no known requester, or a Glue ENI matched to no run
)

// Holdings lists the ENIs whose holding overlaps w, optionally in one
// subnet, by subnet, start and id.
func Holdings(ctx context.Context, st *store.Store, w Window, subnet string) ([]Holding, error) {
	from, to := w.Args()
	var sub any
	if subnet != "" {
		sub = subnet
	}
	rows, err := store.Select[Holding](ctx, st, query("holdings"), from, to, sub)
	if err != nil {
		return nil, fmt.Errorf("reading ENI holdings: %w", err)
	}
	return rows, nil
}

// Refused is one CreateNetworkInterface refused for lack of free IPs.
type Refused struct {
	At           time.Time `db:"at"`
	SubnetID     *string   `db:"subnet_id"`
	EventID      *string   `db:"event_id"`
	ErrorCode    *string   `db:"error_code"`
	ErrorMessage *string   `db:"error_message"`
	// JobRunID is the run the create is attributed to (nil: none).
	JobRunID *string `db:"job_run_id"`
}

// RefusedCreates lists the creates refused for lack of IPs in w, by time.
func RefusedCreates(ctx context.Context, st *store.Store, w Window) ([]Refused, error) {
	from, to := w.Args()
	rows, err := store.Select[Refused](ctx, st, query("refused"), from, to)
	if err != nil {
		return nil, fmt.Errorf("reading refused creates: %w", err)
	}
	return rows, nil
}

// Step is one level of a subnet's occupancy: InUse IPs held over
// [From, To). A nil To: past the evidence end. Unaccounted of them are IPs
// no ENI in the evidence explains, counted because a refused create proved
// the subnet full.
type Step struct {
	SubnetID    string     `db:"subnet_id"`
	From        time.Time  `db:"step_from"`
	To          *time.Time `db:"step_to"`
	InUse       int64      `db:"in_use"`
	Unaccounted int64      `db:"unaccounted"`
}

// HolderStep is one level of a subnet's occupancy split by holder: the
// IPs held from From until the subnet's next step by ENIs of runs still
// running, of runs that had completed, of other requesters, and of nobody
// known (the subnet_occupancy_by_holder view).
type HolderStep struct {
	SubnetID     string    `db:"subnet_id"`
	From         time.Time `db:"step_from"`
	Running      int64     `db:"running"`
	Lingering    int64     `db:"lingering"`
	NonGlue      int64     `db:"non_glue"`
	Unattributed int64     `db:"unattributed"`
}

// HolderSteps reads every subnet's occupancy split by holder clipped to w
// (the step in force at w.From starts there), by subnet and time.
func HolderSteps(ctx context.Context, st *store.Store, w Window) (map[string][]HolderStep, error) {
	from, to := w.Args()
	rows, err := store.Select[HolderStep](ctx, st, query("holders"), from, to)
	if err != nil {
		return nil, fmt.Errorf("reading subnet occupancy by holder: %w", err)
	}
	return bySubnet(rows, func(r HolderStep) string { return r.SubnetID }), nil
}

// bySubnet groups rows by their subnet, keeping their order.
func bySubnet[T any](rows []T, subnet func(T) string) map[string][]T {
	out := map[string][]T{}
	for _, r := range rows {
		out[subnet(r)] = append(out[subnet(r)], r)
	}
	return out
}

// Occupancy reads every subnet's occupancy step series clipped to w, by
// subnet and time (the subnet_occupancy view's conventions: docs/schema.md).
func Occupancy(ctx context.Context, st *store.Store, w Window) (map[string][]Step, error) {
	from, to := w.Args()
	rows, err := store.Select[Step](ctx, st, query("occupancy"), from, to)
	if err != nil {
		return nil, fmt.Errorf("reading subnet occupancy: %w", err)
	}
	return bySubnet(rows, func(r Step) string { return r.SubnetID }), nil
}
