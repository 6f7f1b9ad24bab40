// Package plan turns the recorded ENI history into capacity decisions: the
// per-category launch thresholds a launcher can enforce, the size of each
// subnet in a proposed split, and a deterministic replay of the recorded
// demand against an alternative layout that proves (or refutes) them.
//
// The planning functions are pure Go over typed inputs (Demand); LoadDemand
// builds a Demand from the runs, ENI holdings and refused creates that
// analysis/facts reads. docs/planning.md states the rules and the replay model.
package plan

import (
	"math"
	"slices"
	"time"
)

// Demand is the recorded IP demand of an account: Glue runs with their ENI
// create attempts, plus the ENIs that belong to no run (background).
type Demand struct {
	// Start and End bound the evidence: the earliest and latest eventTime
	// of any ENI CloudTrail record.
	Start time.Time `json:"evidence_start"`
	End   time.Time `json:"evidence_end"`
	// Subnets by id, with their size when the CIDR is known.
	Subnets map[string]SubnetInfo `json:"subnets"`
	Runs    []Run                 `json:"runs"`
	// Background ENIs stay where they were recorded in every alternative:
	// non-Glue ENIs, ENIs that existed before the evidence, and Glue ENIs
	// not attributed to one run.
	Background []Hold `json:"background"`
	// Probes are refused creates that belong to no run (e.g. a Lambda
	// create that found the subnet full). They hold nothing.
	Probes []Probe `json:"probes"`
	// FailAfter is how long a run lives after its first refused create
	// when the recording has no figure for it: the median over runs that
	// failed for lack of IPs (30 s when there are none).
	FailAfter time.Duration `json:"fail_after"`
}

// SubnetInfo is a subnet and its size.
type SubnetInfo struct {
	ID     string `json:"subnet_id"`
	CIDR   string `json:"cidr,omitempty"`
	Prefix int    `json:"prefix,omitempty"`     // 0 when unknown
	Usable int    `json:"usable_ips,omitempty"` // 2^(32-prefix) - 5; 0 when unknown (unlimited in a replay)
}

// Run is one Glue job run's IP demand.
type Run struct {
	ID       string    `json:"run_id"`
	Job      string    `json:"job_name"`
	Category string    `json:"category"`
	Subnet   string    `json:"subnet_id"`
	Start    time.Time `json:"started_on"`
	// Duration is StartedOn → CompletedOn as recorded; for a run that
	// failed for lack of IPs it is the modelled duration of a successful
	// run of its job (see Modelled).
	Duration time.Duration `json:"duration"`
	// RecordedEnd is the recorded CompletedOn (zero when the run was
	// still running at the evidence end).
	RecordedEnd time.Time `json:"completed_on"`
	// Attempts are the ENI create attempts in offset order.
	Attempts []Attempt `json:"attempts"`
	Workers  int       `json:"number_of_workers"`
	// FailedForIPs: the run failed because the subnet ran out of IPs.
	FailedForIPs bool `json:"failed_for_ips"`
	// FailAfter is CompletedOn minus the first refused create, for runs
	// that failed for lack of IPs (0 otherwise).
	FailAfter time.Duration `json:"fail_after,omitempty"`
	// Modelled: Duration and the attempts marked Modelled come from the
	// documented model rather than the recording.
	Modelled bool `json:"modelled"`
}

// Attempt is one CreateNetworkInterface call of a run.
type Attempt struct {
	ENI     string        `json:"eni_id,omitempty"`
	EventID string        `json:"event_id,omitempty"`
	Offset  time.Duration `json:"offset"` // create time minus the run's start
	IPs     int           `json:"ips"`
	// Linger is the ENI's delete time minus the run's completion.
	Linger time.Duration `json:"linger"`
	// Kept: the ENI was never deleted within the evidence.
	Kept bool `json:"kept,omitempty"`
	// Refused: the recorded create failed for lack of IPs.
	Refused bool `json:"refused,omitempty"`
	// Modelled: an attempt the run never made because it had already
	// failed; it exists only in the intended demand.
	Modelled bool `json:"modelled,omitempty"`
}

// Hold is a background ENI: it holds IPs over [From, To) in its subnet.
type Hold struct {
	ENI       string    `json:"eni_id"`
	Subnet    string    `json:"subnet_id"`
	Requester string    `json:"requester,omitempty"`
	From      time.Time `json:"from"`
	To        time.Time `json:"to"` // zero: held past the evidence end
	IPs       int       `json:"ips"`
}

// Probe is a refused create that belongs to no run.
type Probe struct {
	EventID string    `json:"event_id"`
	Subnet  string    `json:"subnet_id"`
	At      time.Time `json:"at"`
	IPs     int       `json:"ips"`
}

// Before returns the demand of what started before t: the runs that
// started, the background ENIs created and the refused probes made before
// t. What those runs and ENIs did later (their deletes) stays as recorded,
// and so do Start, End, Subnets and FailAfter. d is not changed.
func (d *Demand) Before(t time.Time) *Demand {
	out := *d
	out.Runs, out.Background, out.Probes = nil, nil, nil
	for _, r := range d.Runs {
		if r.Start.Before(t) {
			out.Runs = append(out.Runs, r)
		}
	}
	for _, h := range d.Background {
		if h.From.Before(t) {
			out.Background = append(out.Background, h)
		}
	}
	for _, p := range d.Probes {
		if p.At.Before(t) {
			out.Probes = append(out.Probes, p)
		}
	}
	return &out
}

// IntendedIPs is the IPs the run asks for when nothing is refused.
func (r *Run) IntendedIPs() int {
	n := 0
	for _, a := range r.Attempts {
		n += a.IPs
	}
	return n
}

// heldInterval is when a recorded (created, not refused or modelled)
// attempt held its IPs: [create, delete); to is zero when the ENI was
// never deleted within the evidence.
func (r *Run) heldInterval(a *Attempt) (from, to time.Time) {
	from = r.Start.Add(a.Offset)
	if a.Kept {
		return from, time.Time{}
	}
	end := r.RecordedEnd
	if end.IsZero() {
		end = r.Start.Add(r.Duration)
	}
	return from, end.Add(a.Linger)
}

// holds reports whether a is an ENI the recording created.
func (a *Attempt) holds() bool { return !a.Refused && !a.Modelled }

// UsableIPs is the number of usable IPs in a subnet with the given prefix:
// 2^(32-prefix) minus the 5 addresses AWS reserves.
func UsableIPs(prefix int) int {
	if prefix < 0 || prefix > 32 {
		return 0
	}
	return 1<<(32-prefix) - 5
}

// Prefix limits AWS allows for a subnet.
const (
	MinPrefix = 16
	MaxPrefix = 28
)

// SmallestPrefix returns the largest prefix (the smallest subnet) in
// /16…/28 whose usable IPs hold need, and false when even a /16 is too small.
func SmallestPrefix(need int) (int, bool) {
	for p := MaxPrefix; p >= MinPrefix; p-- {
		if UsableIPs(p) >= need {
			return p, true
		}
	}
	return 0, false
}

// quantile is the p-quantile of xs with linear interpolation between the
// closest ranks (numpy's default, DuckDB quantile_cont). xs is sorted in
// place; NaN for an empty slice.
func quantile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	slices.Sort(xs)
	h := float64(len(xs)-1) * p
	lo := math.Floor(h)
	hi := math.Ceil(h)
	return xs[int(lo)] + (h-lo)*(xs[int(hi)]-xs[int(lo)])
}

// medianDuration is the median of ds (0 when empty), interpolated.
func medianDuration(ds []time.Duration) (time.Duration, bool) {
	if len(ds) == 0 {
		return 0, false
	}
	xs := make([]float64, len(ds))
	for i, d := range ds {
		xs[i] = float64(d)
	}
	return time.Duration(math.Round(quantile(xs, 0.5))), true
}

// round2 rounds to two decimals for display fields.
func round2(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return math.Round(x*100) / 100
}
