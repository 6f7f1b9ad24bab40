package plan

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gluelens/gluelens/internal/config"
	"github.com/gluelens/gluelens/internal/store"
)

type capacityRow struct {
	Subnet   string     `db:"subnet_id"`
	CIDR     *string    `db:"cidr_block"`
	Usable   *int64     `db:"usable_ips"`
	Peak     int64      `db:"peak_in_use"`
	PeakAt   *time.Time `db:"peak_at"`
	Failures int64      `db:"failures"`
}

// CapacityCheck is one subnet's verdict from CheckCapacity.
type CapacityCheck struct {
	Subnet      string     `json:"subnet"`
	CIDR        string     `json:"cidr"`
	UsableIPs   *int64     `json:"usable_ips"` // nil when the CIDR is unknown
	PeakInUse   int64      `json:"peak_in_use"`
	PeakAt      *time.Time `json:"peak_at"`
	HeadroomPct *float64   `json:"headroom_pct"` // (usable − peak) / usable; nil when the size is unknown
	Failures    int64      `json:"failures"`
	OK          bool       `json:"ok"`
	Reason      string     `json:"reason"`
}

// CapacityLimits are what CheckCapacity requires of every subnet.
type CapacityLimits struct {
	MinHeadroom float64 // fraction of usable IPs that must stay free at the recorded peak
	MaxFailures int64   // failures for lack of IPs allowed
}

// CheckCapacity judges every subnet's recorded peak and failures against
// the limits. A subnet of unknown size can only fail on failures.
func CheckCapacity(ctx context.Context, st *store.Store, lim CapacityLimits) ([]CapacityCheck, error) {
	rows, err := store.Select[capacityRow](ctx, st, query("capacity"))
	if err != nil {
		return nil, fmt.Errorf("checking capacity: %w", err)
	}
	out := make([]CapacityCheck, 0, len(rows))
	for _, r := range rows {
		out = append(out, judge(r, lim))
	}
	return out, nil
}

func judge(r capacityRow, lim CapacityLimits) CapacityCheck {
	c := CapacityCheck{Subnet: r.Subnet, UsableIPs: r.Usable, PeakInUse: r.Peak, PeakAt: r.PeakAt, Failures: r.Failures, OK: true}
	if r.CIDR != nil {
		c.CIDR = *r.CIDR
	}
	var problems []string
	if r.Usable != nil && *r.Usable > 0 {
		h := float64(*r.Usable-r.Peak) / float64(*r.Usable)
		hp := round2(100 * h)
		c.HeadroomPct = &hp
		if h < lim.MinHeadroom-1e-12 {
			problems = append(problems, fmt.Sprintf("peak %d of %d usable IPs%s leaves %.1f%% headroom (< %.4g%%)",
				r.Peak, *r.Usable, atSuffix(r.PeakAt), 100*h, 100*lim.MinHeadroom))
		}
	}
	if r.Failures > lim.MaxFailures {
		problems = append(problems, fmt.Sprintf("%d failure(s) for lack of IPs (> %d allowed)", r.Failures, lim.MaxFailures))
	}
	switch {
	case len(problems) > 0:
		c.OK = false
		c.Reason = r.Subnet + ": " + strings.Join(problems, "; ")
	case c.HeadroomPct == nil:
		c.Reason = fmt.Sprintf("%s: size unknown (no describe-subnets); peak %d IPs, %d failure(s)", r.Subnet, r.Peak, r.Failures)
	default:
		c.Reason = fmt.Sprintf("%s: peak %d of %d usable IPs leaves %.1f%% headroom; %d failure(s)", r.Subnet, r.Peak, *r.Usable, *c.HeadroomPct, r.Failures)
	}
	return c
}

func atSuffix(t *time.Time) string {
	if t == nil {
		return ""
	}
	return " at " + t.UTC().Format(time.RFC3339)
}

type jobRow struct {
	Job          string     `db:"job_name"`
	Runs         int64      `db:"runs"`
	FailedForIPs int64      `db:"failed_for_ips"`
	FirstRun     *time.Time `db:"first_run"`
	LastRun      *time.Time `db:"last_run"`
	Subnet       *string    `db:"subnet_id"`
}

// JobCategory says which category a job's runs belong to and why.
type JobCategory struct {
	Job          string     `json:"job_name"`
	Category     string     `json:"category"`
	Rule         string     `json:"rule"` // "config: <pattern>" or "default: prefix"
	Subnet       *string    `json:"subnet_id"`
	Runs         int64      `json:"runs"`
	FailedForIPs int64      `json:"failed_for_ips"`
	FirstRun     *time.Time `json:"first_run"`
	LastRun      *time.Time `json:"last_run"`
}

// Categories lists every job with runs and its category under cfg.
func Categories(ctx context.Context, st *store.Store, cfg *config.Config) ([]JobCategory, error) {
	rows, err := store.Select[jobRow](ctx, st, query("jobs"))
	if err != nil {
		return nil, fmt.Errorf("listing job categories: %w", err)
	}
	out := make([]JobCategory, 0, len(rows))
	for _, r := range rows {
		cat, rule := cfg.Explain(r.Job)
		out = append(out, JobCategory{Job: r.Job, Category: cat, Rule: rule, Subnet: r.Subnet, Runs: r.Runs,
			FailedForIPs: r.FailedForIPs, FirstRun: r.FirstRun, LastRun: r.LastRun})
	}
	return out, nil
}
