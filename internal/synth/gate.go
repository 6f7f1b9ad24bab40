package synth

import (
	"fmt"
	"sort"
	"time"
)

// GateThreshold is the launch threshold of one job category, by the rule
// `gluelens plan thresholds` applies with its default lingering buffer
// (docs/planning.md, analysis/plan/thresholds.go): a run of the category
// may start only while its subnet has at least
//
//	Threshold = MaxENIsPerRun + LingeringBuffer
//
// free IPs. MaxENIsPerRun is the most IPs one run of the category asked
// for: its created ENIs, or NumberOfWorkers for a run that failed for lack
// of IPs. LingeringBuffer is the maximum, over the category's run starts
// t, of the IPs held by the category's ENIs with create ≤ t and run
// CompletedOn ≤ t < delete (never deleted: still held).
type GateThreshold struct {
	Category        string `json:"category"`
	MaxENIsPerRun   int    `json:"max_enis_per_run"`
	LingeringBuffer int    `json:"lingering_buffer"`
	Threshold       int    `json:"threshold"`
}

// gateRule is the rule as truth.json states it.
const gateRule = "a run starts only when its category's subnet has ≥ threshold free IPs (usable − in use, lingering ENIs included) " +
	"and its category's previous start is ≥ MinStartGap ago; otherwise it waits, re-checked at every ENI release in the subnet; " +
	"threshold = max_enis_per_run + lingering_buffer from the before scenario's simulated history (gluelens plan thresholds, --buffer lingering)"

// LaunchThresholds simulates before with seed exactly as Generate does and
// computes every category's launch threshold from that history, sorted by
// category. The before evidence spans less than the rule's 14-day window,
// so every run counts.
func LaunchThresholds(before Scenario, seed uint64) ([]GateThreshold, error) {
	sim, err := simulate(&before, newRNG(seed, 1))
	if err != nil {
		return nil, fmt.Errorf("computing launch thresholds from %s: %w", before.Name, err)
	}
	var out []GateThreshold
	for ci := range before.Categories {
		c := &before.Categories[ci]
		t := GateThreshold{Category: c.Name}
		var starts []time.Time
		for _, r := range sim.Runs {
			if r.Cat != c {
				continue
			}
			starts = append(starts, r.StartedOn)
			n := len(r.enis)
			if r.Failed {
				n = r.Workers
			}
			t.MaxENIsPerRun = max(t.MaxENIsPerRun, n)
		}
		if len(starts) == 0 {
			continue
		}
		for _, at := range starts {
			held := 0
			for _, e := range sim.ENIs {
				if e.Owner != ownerGlue || e.Run.Cat != c || e.Created.After(at) {
					continue
				}
				done := e.Run.CompletedOn
				if done.IsZero() || done.After(at) || (!e.Deleted.IsZero() && !at.Before(e.Deleted)) {
					continue
				}
				held += e.IPCount
			}
			t.LingeringBuffer = max(t.LingeringBuffer, held)
		}
		t.Threshold = t.MaxENIsPerRun + t.LingeringBuffer
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Category < out[j].Category })
	return out, nil
}

// gateOf returns the threshold of category c and whether c is gated.
func (s *Scenario) gateOf(c *Category) (int, bool) {
	for _, t := range s.LaunchGate {
		if t.Category == c.Name {
			return t.Threshold, true
		}
	}
	return 0, false
}

// arrive is a gated scenario's run reaching its scheduled start: it joins
// its category's queue, which admit serves in order.
func (m *simulator) arrive(at time.Time, r *run) {
	if _, gated := m.s.gateOf(r.Cat); !gated {
		m.start(at, r)
		return
	}
	m.waiting[r.Cat] = append(m.waiting[r.Cat], r)
	m.admit(at, r.Cat)
}

// admit starts the first waiting run of c if c's subnet has at least the
// threshold free and c's last start is MinStartGap ago; a run held back by
// the gap is re-checked when the gap ends, one held back for IPs at the
// subnet's next ENI release.
func (m *simulator) admit(at time.Time, c *Category) {
	q := m.waiting[c]
	if len(q) == 0 {
		return
	}
	if last, ok := m.lastStart[c]; ok && at.Before(last.Add(m.s.MinStartGap)) {
		m.push(&simEvent{at: last.Add(m.s.MinStartGap), kind: evGateCheck, cat: c})
		return
	}
	threshold, _ := m.s.gateOf(c)
	if p := m.pools[c.Subnet]; p.usable-p.inUse < threshold {
		return
	}
	m.waiting[c] = q[1:]
	m.start(at, q[0])
	if len(q) > 1 {
		m.push(&simEvent{at: at.Add(m.s.MinStartGap), kind: evGateCheck, cat: c})
	}
}

// released re-checks the gate of every category using subnet.
func (m *simulator) released(at time.Time, subnet string) {
	for ci := range m.s.Categories {
		if c := &m.s.Categories[ci]; c.Subnet == subnet {
			m.admit(at, c)
		}
	}
}

// start starts r at at: its ENI creates follow at the delays drawn when it
// was scheduled, it completes after its drawn duration.
func (m *simulator) start(at time.Time, r *run) {
	r.StartedOn = at
	r.plannedEnd = at.Add(r.duration)
	first := ceilSecond(at)
	for _, d := range r.createDelays {
		m.push(&simEvent{at: first.Add(d), kind: evGlueCreate, run: r})
	}
	m.push(&simEvent{at: r.plannedEnd, kind: evRunEnd, run: r})
	m.lastStart[r.Cat] = at
}

// gateTruth lists the thresholds and the runs the gate delayed.
func gateTruth(s *Scenario, sim *simulation) *GateTruth {
	if s.LaunchGate == nil {
		return nil
	}
	g := &GateTruth{Rule: gateRule, Thresholds: s.LaunchGate, Delays: []RunDelay{}}
	for _, r := range sim.Runs {
		if d := r.StartedOn.Sub(r.requested); d > 0 {
			g.Delays = append(g.Delays, RunDelay{JobName: r.Job, JobRunID: r.ID, Category: r.Cat.Name,
				Scheduled: UTCTime{r.requested}, StartedOn: UTCTime{r.StartedOn}, DelaySeconds: d.Seconds()})
		}
	}
	g.DelayedRuns = len(g.Delays)
	return g
}
