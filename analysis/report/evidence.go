package report

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/gluelens/gluelens/analysis/eni"
	"github.com/gluelens/gluelens/analysis/facts"
	"github.com/gluelens/gluelens/internal/store"
)

// A report reads the ENI facts once — the holdings overlapping its span,
// the subnets' occupancy over it (with the holder split, also split by
// holder) and the IP exhaustion events — and derives the ENIs' linger and
// IP-hours from those rows here. Occupancy and its split by holder are the
// subnet_occupancy and subnet_occupancy_by_holder views', clipped to each
// window asked for; who holds an ENI is eni_holdings'; an ENI's state at an
// instant (running, lingering, ...) is the holding_state macro's, read
// through eni.At.

// holding is one ENI's holding as the facts reader gives it.
type holding = facts.Holding

// evidence is what one report reads from the store.
type evidence struct {
	span      Span
	holdings  []holding
	occupancy map[string][]facts.Step
	// holderSteps is the occupancy split by holder (with the holder split only).
	holderSteps map[string][]facts.HolderStep
	exh         []eni.Exhaustion
	subnets     map[string]facts.Subnet
}

// Evidence detail: the incident report needs who held the IPs at each
// failure (ip_exhaustion_events, which rebuilds the attribution); capacity
// and compare only count refused creates.
const (
	withHolderSplit = true
	countsOnly      = false
)

// loadEvidence reads the holdings, the occupancy and the refused creates
// over span; with split, the refused creates come from
// ip_exhaustion_events with who held the IPs (and failed runs with no
// create record are added), and the occupancy split by holder is read too.
func loadEvidence(ctx context.Context, st *store.Store, span Span, split bool) (*evidence, error) {
	e := &evidence{span: span, subnets: map[string]facts.Subnet{}}
	w := facts.Window{From: span.From, To: span.To}
	// The queries each read the ENI lifetimes; run them side by side.
	var exhErr, occErr error
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		if split {
			e.exh, exhErr = eni.Exhaustions(ctx, st, w)
			if exhErr == nil {
				e.holderSteps, exhErr = facts.HolderSteps(ctx, st, w)
			}
			return
		}
		rows, err := facts.RefusedCreates(ctx, st, w)
		if err != nil {
			exhErr = err
			return
		}
		for _, r := range rows {
			e.exh = append(e.exh, eni.Exhaustion{At: r.At, SubnetID: r.SubnetID, Source: "cloudtrail",
				EventID: r.EventID, ErrorCode: r.ErrorCode, ErrorMessage: r.ErrorMessage})
		}
	}()
	go func() {
		defer wg.Done()
		e.occupancy, occErr = facts.Occupancy(ctx, st, w)
	}()
	var err error
	e.holdings, err = facts.Holdings(ctx, st, w, "")
	wg.Wait()
	for _, err := range []error{err, exhErr, occErr} {
		if err != nil {
			return nil, err
		}
	}
	subs, err := facts.Subnets(ctx, st)
	if err != nil {
		return nil, err
	}
	for _, s := range subs {
		e.subnets[s.ID] = s
	}
	return e, nil
}

func (e *evidence) usable(subnet string) *int64 {
	if s, ok := e.subnets[subnet]; ok {
		return s.Usable
	}
	return nil
}

func (e *evidence) cidr(subnet string) string {
	if s, ok := e.subnets[subnet]; ok {
		return deref(s.CIDR)
	}
	return ""
}

// name is the subnet's Name tag ("" when it has none or is not described).
func (e *evidence) name(subnet string) string {
	if s, ok := e.subnets[subnet]; ok {
		return deref(s.Name)
	}
	return ""
}

// steps is the occupancy of every subnet that held IPs in [from, to),
// clipped to that window: the first step starts at from (at 0 when the
// subnet's first ENI came later) and the last ends at to.
func (e *evidence) steps(from, to time.Time) map[string][]step {
	out := map[string][]step{}
	for subnet, series := range e.occupancy {
		var ss []step
		held := false
		for _, s := range series {
			t0, t1 := s.From.UTC(), to
			if t0.Before(from) {
				t0 = from
			}
			if s.To != nil && s.To.Before(to) {
				t1 = s.To.UTC()
			}
			if !t1.After(t0) {
				continue
			}
			ss = append(ss, step{from: t0, to: t1, value: float64(s.InUse)})
			held = held || s.InUse > 0
		}
		if !held {
			continue
		}
		if ss[0].from.After(from) {
			ss = append([]step{{from: from, to: ss[0].from}}, ss...)
		}
		out[subnet] = ss
	}
	return out
}

// peakOf is the highest value of a step series and the first instant it
// was reached (0 for an empty series).
func peakOf(ss []step) (int64, time.Time) {
	var peak float64 = -1
	var at time.Time
	for _, s := range ss {
		if s.value > peak {
			peak, at = s.value, s.from
		}
	}
	if peak < 0 {
		return 0, at
	}
	return int64(peak), at
}

// failedCreates counts refused creates per subnet in [from, to).
func (e *evidence) failedCreates(from, to time.Time) map[string]int64 {
	out := map[string]int64{}
	for _, x := range e.exh {
		if x.Source == "cloudtrail" && !x.At.Before(from) && x.At.Before(to) {
			out[deref(x.SubnetID)]++
		}
	}
	return out
}

// refusedAt lists the instants creates were refused in subnet in [from, to).
func (e *evidence) refusedAt(subnet string, from, to time.Time) []time.Time {
	out := []time.Time{}
	for _, x := range e.exh {
		if x.Source == "cloudtrail" && deref(x.SubnetID) == subnet && !x.At.Before(from) && x.At.Before(to) {
			out = append(out, x.At.UTC())
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

// linger collects linger minutes of Glue ENIs deleted in [from, to),
// optionally in one subnet, and counts those whose run attribution is
// ambiguous.
func (e *evidence) linger(from, to time.Time, subnet string) (out []float64, ambiguous int) {
	for _, h := range e.holdings {
		if h.LingerMinutes == nil || h.DeletedAt == nil || h.DeletedAt.Before(from) || !h.DeletedAt.Before(to) {
			continue
		}
		if subnet == "" || h.SubnetID == subnet {
			out = append(out, *h.LingerMinutes)
			if deref(h.AttributionConfidence) == "ambiguous" {
				ambiguous++
			}
		}
	}
	return out, ambiguous
}

// lingerStats summarises the linger of Glue ENIs deleted in [from, to):
// how many ENIs it rests on and how many of those were ambiguous.
func (e *evidence) lingerStats(from, to time.Time, subnet string) Percentiles {
	xs, ambiguous := e.linger(from, to, subnet)
	p := percentiles(xs)
	p.Ambiguous = ambiguous
	return p
}

// consumerRow is the IP-hours one job (or non-Glue requester) held in one
// subnet within a window.
type consumerRow struct {
	SubnetID      string
	JobName       string
	Requester     string
	Runs          int64
	ENIs          int64
	IPHours       float64
	LingerIPHours float64
}

func (e *evidence) consumers(from, to time.Time) []consumerRow {
	type key struct{ subnet, job, req string }
	acc := map[key]*consumerRow{}
	runs := map[key]map[string]bool{}
	var keys []key
	for _, h := range e.holdings {
		t0, t1 := h.HeldFrom, to
		if h.HeldUntil != nil && h.HeldUntil.Before(to) {
			t1 = *h.HeldUntil
		}
		if t0.Before(from) {
			t0 = from
		}
		if !t1.After(t0) {
			continue
		}
		k := key{h.SubnetID, deref(h.JobName), deref(h.Requester)}
		r := acc[k]
		if r == nil {
			r = &consumerRow{SubnetID: k.subnet, JobName: k.job, Requester: k.req}
			acc[k] = r
			runs[k] = map[string]bool{}
			keys = append(keys, k)
		}
		r.ENIs++
		hours := float64(h.IPCount) * t1.Sub(t0).Hours()
		r.IPHours += hours
		if h.JobRunID != nil {
			runs[k][*h.JobRunID] = true
			l0 := t0
			if h.RunCompletedAt != nil && h.RunCompletedAt.After(l0) {
				l0 = *h.RunCompletedAt
			}
			if h.RunCompletedAt != nil && t1.After(l0) {
				r.LingerIPHours += float64(h.IPCount) * t1.Sub(l0).Hours()
			}
		}
	}
	out := make([]consumerRow, 0, len(keys))
	for _, k := range keys {
		r := acc[k]
		r.Runs = int64(len(runs[k]))
		out = append(out, *r)
	}
	return out
}

// loadRuns reads the Glue runs started or completed in [from, to).
func loadRuns(ctx context.Context, st *store.Store, from, to time.Time) ([]runRow, error) {
	return facts.Runs(ctx, st, facts.Window{From: from, To: to})
}
