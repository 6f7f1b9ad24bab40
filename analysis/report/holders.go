package report

import (
	"sort"
	"time"

	"github.com/gluelens/gluelens/analysis/facts"
)

// Holder classes of the IPs in use, as the occupancy chart stacks them.
const (
	HolderRunning      = "running"
	HolderLingering    = "lingering"
	HolderNonGlue      = "non-glue"
	HolderUnattributed = "unattributed"
)

// HolderClasses lists the holder classes in stacking order.
var HolderClasses = []string{HolderRunning, HolderLingering, HolderNonGlue, HolderUnattributed}

// HolderPoint is the IPs in use in a subnet from At until the next point,
// split by who held them: ENIs of runs still running, ENIs lingering after
// their run ended, non-Glue ENIs and ENIs with no known owner. The four
// add up to the occupancy at At.
type HolderPoint struct {
	At           time.Time `json:"at"`
	Running      int64     `json:"running"`
	Lingering    int64     `json:"lingering"`
	NonGlue      int64     `json:"non_glue"`
	Unattributed int64     `json:"unattributed"`
}

// Total is the IPs in use at the point.
func (p HolderPoint) Total() int64 { return p.Running + p.Lingering + p.NonGlue + p.Unattributed }

// sameSplit reports whether p and q split the same IPs the same way.
func (p HolderPoint) sameSplit(q HolderPoint) bool {
	return p.Running == q.Running && p.Lingering == q.Lingering && p.NonGlue == q.NonGlue && p.Unattributed == q.Unattributed
}

// classOf is a holding's class before its run ends (running, non-glue,
// unattributed), from its holder (eni_holdings.holder).
func classOf(h holding) string {
	switch h.Holder {
	case facts.HolderGlueRun:
		return HolderRunning
	case facts.HolderNonGlue:
		return HolderNonGlue
	}
	return HolderUnattributed
}

// byHolder is the occupancy of subnet over [from, to) split by holder
// class, as the subnet_occupancy_by_holder view computes it: the point in
// force at from, then one per instant the split changed.
func (e *evidence) byHolder(subnet string, from, to time.Time) []HolderPoint {
	out := []HolderPoint{{At: from.UTC()}}
	for _, s := range e.holderSteps[subnet] {
		if !s.From.Before(to) {
			break
		}
		p := HolderPoint{At: s.From.UTC(), Running: s.Running, Lingering: s.Lingering, NonGlue: s.NonGlue, Unattributed: s.Unattributed}
		last := &out[len(out)-1]
		switch {
		case !p.At.After(from):
			p.At = last.At
			*last = p
		case !p.sameSplit(*last):
			out = append(out, p)
		}
	}
	return out
}

// downsampleHolders keeps at most max points: past that, the point with the
// highest total in each of max equal time buckets.
func downsampleHolders(ps []HolderPoint, max int) []HolderPoint {
	if max < 2 || len(ps) <= max {
		return ps
	}
	t0, t1 := ps[0].At, ps[len(ps)-1].At
	width := t1.Sub(t0) / time.Duration(max)
	if width <= 0 {
		return ps[:max]
	}
	out := make([]HolderPoint, 0, max)
	i := 0
	for b := 0; b < max && i < len(ps); b++ {
		be := t0.Add(time.Duration(b+1) * width)
		if b == max-1 {
			be = t1.Add(1)
		}
		best := -1
		for ; i < len(ps) && ps[i].At.Before(be); i++ {
			if best < 0 || ps[i].Total() > ps[best].Total() {
				best = i
			}
		}
		if best >= 0 {
			out = append(out, ps[best])
		}
	}
	return out
}

// RunBar is one row of the ENI timeline: the ENIs one run held in the
// subnet, from the first create to the run's end (running) and on to the
// last delete (lingering). Rows of no run (non-Glue ENIs, ENIs with no
// known owner) have Kind set and no RunID.
type RunBar struct {
	// Kind: run | non-glue | unattributed.
	Kind     string `json:"kind"`
	RunID    string `json:"run_id,omitempty"`
	JobName  string `json:"job_name,omitempty"`
	Category string `json:"category,omitempty"`
	ENIs     int    `json:"enis"`
	// IPsAtFailure: the IPs the row's ENIs held at the failure.
	IPsAtFailure int64      `json:"ips_at_failure"`
	From         time.Time  `json:"from"`
	RunEnd       *time.Time `json:"run_end"`
	// To is the last delete; nil when an ENI was still held at the window end.
	To *time.Time `json:"to"`
}

// runBars groups the subnet's ENIs alive in the window by run: every run
// holding IPs at the failure (and one row each for non-Glue ENIs and ENIs
// with no known owner holding IPs then), and counts the rest.
func (e *evidence) runBars(subnet string, at, from, to time.Time, o Options) (bars []RunBar, otherRuns, otherENIs int) {
	type acc struct {
		bar     RunBar
		open    bool
		holding bool
	}
	rows := map[string]*acc{}
	var order []string
	others := map[string]bool{}
	for _, h := range e.holdings {
		if h.SubnetID != subnet || !h.HeldFrom.Before(to) || (h.HeldUntil != nil && !h.HeldUntil.After(from)) {
			continue
		}
		kind := classOf(h)
		key := kind
		if kind == HolderRunning {
			kind, key = "run", deref(h.JobRunID)
		}
		a := rows[key]
		if a == nil {
			a = &acc{bar: RunBar{Kind: kind, From: h.HeldFrom.UTC()}}
			if kind == "run" {
				a.bar.RunID, a.bar.JobName, a.bar.Category = key, deref(h.JobName), o.category(deref(h.JobName))
				a.bar.RunEnd = h.RunCompletedAt
			}
			rows[key] = a
			order = append(order, key)
		}
		b := &a.bar
		b.ENIs++
		if h.HeldFrom.Before(b.From) {
			b.From = h.HeldFrom.UTC()
		}
		switch {
		case h.HeldUntil == nil || !h.HeldUntil.Before(to):
			a.open = true
		case b.To == nil || h.HeldUntil.After(*b.To):
			b.To = ptr(h.HeldUntil.UTC())
		}
		if !h.HeldFrom.After(at) && (h.HeldUntil == nil || at.Before(*h.HeldUntil)) {
			b.IPsAtFailure += h.IPCount
			a.holding = true
		}
	}
	for _, k := range order {
		a := rows[k]
		if a.open {
			a.bar.To = nil
		}
		if a.bar.From.Before(from) {
			a.bar.From = from.UTC()
		}
		if !a.holding {
			if a.bar.Kind == "run" {
				otherRuns++
			} else {
				others[k] = true
			}
			otherENIs += a.bar.ENIs
			continue
		}
		bars = append(bars, a.bar)
	}
	sort.SliceStable(bars, func(i, j int) bool {
		if (bars[i].Kind == "run") != (bars[j].Kind == "run") {
			return bars[i].Kind == "run"
		}
		return bars[i].From.Before(bars[j].From)
	})
	return bars, otherRuns, otherENIs
}
