package report

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/gluelens/gluelens/analysis/eni"
	"github.com/gluelens/gluelens/internal/store"
)

// The ENI views rebuild lifetimes and attribution on every read, so a
// report reads them once — the holdings overlapping its span and the IP
// exhaustion events — and derives occupancy, holders, linger and IP-hours
// from those rows here, with the conventions of the subnet_occupancy view:
// an ENI holds ip_count IPs over [held_from, held_until), changes at one
// instant are netted (deletes before creates), a missing delete holds to
// the end of the span.

// holding is one row of holdings.sql.
type holding struct {
	ENIID          string     `db:"eni_id"`
	SubnetID       string     `db:"subnet_id"`
	HeldFrom       time.Time  `db:"held_from"`
	HeldUntil      *time.Time `db:"held_until"`
	IPCount        int64      `db:"ip_count"`
	Requester      *string    `db:"requester"`
	JobRunID       *string    `db:"job_run_id"`
	JobName        *string    `db:"job_name"`
	RunCompletedAt *time.Time `db:"run_completed_at"`
	CreatedAt      *time.Time `db:"created_at"`
	DeletedAt      *time.Time `db:"deleted_at"`
	LingerMinutes  *float64   `db:"linger_minutes"`
}

type subnetRow struct {
	SubnetID  string  `db:"subnet_id"`
	CIDR      *string `db:"cidr_block"`
	UsableIPs *int64  `db:"usable_ips"`
}

// evidence is what one report reads from the store.
type evidence struct {
	span     Span
	holdings []holding
	exh      []eni.Exhaustion
	subnets  map[string]subnetRow
}

type refusedRow struct {
	At           time.Time `db:"at"`
	SubnetID     *string   `db:"subnet_id"`
	EventID      *string   `db:"event_id"`
	ErrorCode    *string   `db:"error_code"`
	ErrorMessage *string   `db:"error_message"`
}

// Evidence detail: the incident report needs who held the IPs at each
// failure (ip_exhaustion_events, which rebuilds the attribution); capacity
// and compare only count refused creates.
const (
	withHolderSplit = true
	countsOnly      = false
)

// loadEvidence reads the holdings and the refused creates over span; with
// split, the refused creates come from ip_exhaustion_events with who held
// the IPs (and failed runs with no create record are added).
func loadEvidence(ctx context.Context, st *store.Store, span Span, split bool) (*evidence, error) {
	e := &evidence{span: span, subnets: map[string]subnetRow{}}
	// Both queries can rebuild the ENI lifetimes; run them side by side.
	var exhErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		if split {
			e.exh, exhErr = eni.Exhaustions(ctx, st, eni.Window{From: span.From, To: span.To})
			return
		}
		rows, err := store.Select[refusedRow](ctx, st, query("refused"), optTime(span.From), optTime(span.To))
		if err != nil {
			exhErr = fmt.Errorf("reading refused creates: %w", err)
			return
		}
		for _, r := range rows {
			e.exh = append(e.exh, eni.Exhaustion{At: r.At, SubnetID: r.SubnetID, Source: "cloudtrail",
				EventID: r.EventID, ErrorCode: r.ErrorCode, ErrorMessage: r.ErrorMessage})
		}
	}()
	var err error
	e.holdings, err = store.Select[holding](ctx, st, query("holdings"), optTime(span.From), optTime(span.To))
	<-done
	if err != nil {
		return nil, fmt.Errorf("reading ENI holdings: %w", err)
	}
	if exhErr != nil {
		return nil, exhErr
	}
	subs, err := store.Select[subnetRow](ctx, st, query("subnets"))
	if err != nil {
		return nil, fmt.Errorf("reading subnets: %w", err)
	}
	for _, s := range subs {
		e.subnets[s.SubnetID] = s
	}
	return e, nil
}

func (e *evidence) usable(subnet string) *int64 {
	if s, ok := e.subnets[subnet]; ok {
		return s.UsableIPs
	}
	return nil
}

func (e *evidence) cidr(subnet string) string {
	if s, ok := e.subnets[subnet]; ok {
		return deref(s.CIDR)
	}
	return ""
}

// steps is the occupancy step series of every subnet over [from, to).
func (e *evidence) steps(from, to time.Time) map[string][]step {
	type delta struct {
		at time.Time
		d  int64
	}
	per := map[string][]delta{}
	base := map[string]int64{}
	for _, h := range e.holdings {
		if !h.HeldFrom.Before(to) || (h.HeldUntil != nil && !h.HeldUntil.After(from)) {
			continue
		}
		if !h.HeldFrom.After(from) {
			base[h.SubnetID] += h.IPCount
		} else {
			per[h.SubnetID] = append(per[h.SubnetID], delta{h.HeldFrom.UTC(), h.IPCount})
		}
		if h.HeldUntil != nil && h.HeldUntil.Before(to) {
			per[h.SubnetID] = append(per[h.SubnetID], delta{h.HeldUntil.UTC(), -h.IPCount})
		}
		if _, ok := per[h.SubnetID]; !ok {
			per[h.SubnetID] = nil
		}
	}
	out := make(map[string][]step, len(per))
	for subnet, ds := range per {
		sort.Slice(ds, func(i, j int) bool { return ds[i].at.Before(ds[j].at) })
		cur := base[subnet]
		ss := []step{{from: from, value: float64(cur)}}
		for i := 0; i < len(ds); {
			j, net := i, int64(0)
			for ; j < len(ds) && ds[j].at.Equal(ds[i].at); j++ {
				net += ds[j].d
			}
			if net != 0 {
				cur += net
				last := &ss[len(ss)-1]
				if last.from.Equal(ds[i].at) {
					last.value = float64(cur)
				} else {
					last.to = ds[i].at
					ss = append(ss, step{from: ds[i].at, value: float64(cur)})
				}
			}
			i = j
		}
		ss[len(ss)-1].to = to
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

// holders lists the ENIs holding IPs in subnet at t, with the state the
// eni at command gives them: running, lingering, non-glue, unattributed.
func (e *evidence) holders(subnet string, t time.Time) []eniState {
	var out []eniState
	for _, h := range e.holdings {
		if h.SubnetID != subnet || h.HeldFrom.After(t) || (h.HeldUntil != nil && !t.Before(*h.HeldUntil)) {
			continue
		}
		s := eniState{eni: h.ENIID, run: deref(h.JobRunID)}
		switch {
		case s.run != "" && (h.RunCompletedAt == nil || t.Before(*h.RunCompletedAt)):
			s.state = "running"
		case s.run != "":
			s.state = "lingering"
		case h.Requester != nil && *h.Requester != "glue":
			s.state = "non-glue"
		default:
			s.state = "unattributed"
		}
		out = append(out, s)
	}
	return out
}

type eniState struct{ eni, run, state string }

// linger collects linger minutes of Glue ENIs deleted in [from, to),
// optionally in one subnet.
func (e *evidence) linger(from, to time.Time, subnet string) []float64 {
	var out []float64
	for _, h := range e.holdings {
		if h.LingerMinutes == nil || h.DeletedAt == nil || h.DeletedAt.Before(from) || !h.DeletedAt.Before(to) {
			continue
		}
		if subnet == "" || h.SubnetID == subnet {
			out = append(out, *h.LingerMinutes)
		}
	}
	return out
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
	rows, err := store.Select[runRow](ctx, st, query("runs"), optTime(from), optTime(to))
	if err != nil {
		return nil, fmt.Errorf("reading Glue runs: %w", err)
	}
	return rows, nil
}
