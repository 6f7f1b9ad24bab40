package report

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gluelens/gluelens/analysis/plan"
)

// TestIPAdviceSizesForGate: four runs of category a, 10 IPs each, every
// 20 minutes, each running 10 minutes with its ENIs deleted 60 minutes
// after it ends (threshold 10 + 30 lingering = 40; worked by hand in
// analysis/plan's gateDemand), and one run of b, 2 IPs.
func TestIPAdviceSizesForGate(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)
	d := &plan.Demand{Start: t0, End: t0.Add(6 * time.Hour),
		Subnets: map[string]plan.SubnetInfo{"s1": {ID: "s1", CIDR: "10.0.0.0/24", Prefix: 24, Usable: 251}}}
	for i := range 4 {
		r := plan.Run{ID: string(rune('1' + i)), Job: "a-job", Category: "a", Subnet: "s1", Workers: 10,
			Start: t0.Add(time.Duration(20*i) * time.Minute), Duration: 10 * time.Minute}
		r.RecordedEnd = r.Start.Add(r.Duration)
		for range 10 {
			r.Attempts = append(r.Attempts, plan.Attempt{IPs: 1, Linger: time.Hour})
		}
		d.Runs = append(d.Runs, r)
	}
	// The advice sizes the subnet for the gate: ceil(40 × 1.25) = 50 IPs
	// fit a /26, where two runs would wait, so the advice is the /25. A
	// second category, b (one run of 2 IPs at t0+2h, deleted as it ends),
	// makes it a split: b needs ceil(2 × 1.25) = 3 IPs, a /28, and its
	// threshold is 2 + 0 lingering.
	b := plan.Run{ID: "b1", Job: "b-job", Category: "b", Subnet: "s1", Workers: 2, Start: t0.Add(2 * time.Hour), Duration: 10 * time.Minute,
		Attempts: []plan.Attempt{{IPs: 1}, {IPs: 1}}}
	b.RecordedEnd = b.Start.Add(b.Duration)
	d.Runs = append(d.Runs, b)
	pd := &pendingDemand{done: make(chan struct{}), d: d}
	close(pd.done)
	adv, err := ipAdvice(pd, map[string]bool{"s1": true}, time.Time{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// reports/words words these cards; its tests hold the sentences.
	var cards []string
	said := 0
	for _, a := range adv {
		switch {
		case a.Subnet != nil:
			p := a.Subnet.Proposal
			cards = append(cards, fmt.Sprintf("subnet %s %v %s %d", p.Subnet, p.Categories, p.CIDR, p.UsableIPs))
			if p.Subnet == "glue-a" {
				// 40 IPs needed (40 recorded), 50 with 25 % headroom: a /26
				// where 2 runs wait 30 minutes, so the /25.
				f := a.Subnet.Fit
				if p.PeakNeededIPs != 40 || p.PeakRecordedIPs != 40 || p.HeadroomPct != 25 || p.NeedIPs != 50 ||
					f.DemandPrefix != 26 || f.RunsWaited != 2 || f.WaitP50Min != 30 || f.WaitMaxMin != 30 || f.FitPrefix == 0 || a.Subnet.Alone {
					t.Errorf("glue-a card %+v\nfit %+v", p, f)
				}
			}
		case a.Launch != nil:
			cards = append(cards, fmt.Sprintf("launch %s %d", a.Launch.Category, a.Launch.Threshold))
			if r := a.Launch.Replay; r != nil {
				said++
				if r.Split == nil || r.Split.Delays == nil || r.Split.Delays.RunsDelayed != 0 || r.Split.Delays.RunsGated != 5 {
					t.Errorf("launch replay %+v: want it applied after the split, none of 5 gated runs delayed in the advised subnets", r)
				}
			}
		}
	}
	if said != 1 {
		t.Errorf("the launch replay is on %d cards, want one", said)
	}
	want := []string{"subnet glue-a [a] /25 123", "subnet glue-b [b] /28 11", "launch a 40", "launch b 2"}
	if !slices.Equal(cards, want) {
		t.Errorf("advice %q\nwant %q", cards, want)
	}
}

// TestIPAdviceSingleCategory: a troubled subnet used by one category has
// nothing to split; the advice is a subnet big enough for it. Five ingest
// runs of 5 IPs start 5 minutes apart and run 30 minutes (ENIs deleted as
// they end), so all 25 IPs are in use at t0+20m. With 25 % headroom that
// is ceil(31.25) = 32 IPs: a /26 (59 usable) where the /27 holds 27. In a
// /24 the same runs need nothing new.
func TestIPAdviceSingleCategory(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)
	demand := func(cidr string, prefix int) *pendingDemand {
		d := &plan.Demand{Start: t0, End: t0.Add(2 * time.Hour),
			Subnets: map[string]plan.SubnetInfo{"s1": {ID: "s1", CIDR: cidr, Prefix: prefix, Usable: plan.UsableIPs(prefix)}}}
		for i := range 5 {
			r := plan.Run{ID: fmt.Sprint("jr_", i), Job: "ingest-x", Category: "ingest", Subnet: "s1", Workers: 5,
				Start: t0.Add(time.Duration(5*i) * time.Minute), Duration: 30 * time.Minute}
			r.RecordedEnd = r.Start.Add(r.Duration)
			for range 5 {
				r.Attempts = append(r.Attempts, plan.Attempt{IPs: 1})
			}
			d.Runs = append(d.Runs, r)
		}
		pd := &pendingDemand{done: make(chan struct{}), d: d}
		close(pd.done)
		return pd
	}
	subnetAdvice := func(adv []Advice) []Advice {
		var out []Advice
		for _, a := range adv {
			if a.Area == "subnet" {
				out = append(out, a)
			}
		}
		return out
	}

	adv, err := ipAdvice(demand("10.0.0.0/27", 27), map[string]bool{"s1": true}, time.Time{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := subnetAdvice(adv)
	if len(got) != 1 {
		t.Fatalf("subnet advice %+v, want one", got)
	}
	// 25 IPs needed (25 recorded), 32 with headroom: a /26 of 59, where
	// s1 (a /27) holds 27; sized from the 5 runs started 06:00–06:20.
	g := got[0]
	c, p := g.Subnet, g.Subnet.Proposal
	if !c.Alone || p.CIDR != "/26" || p.UsableIPs != 59 || p.PeakNeededIPs != 25 || p.PeakRecordedIPs != 25 || p.HeadroomPct != 25 || p.NeedIPs != 32 ||
		c.Current.ID != "s1" || c.Current.CIDR != "10.0.0.0/27" || c.Current.Usable != 27 || p.Runs != 5 ||
		!c.SizedFrom.Equal(t0) || !c.SizedTo.Equal(t0.Add(20*time.Minute)) ||
		p.FailuresAvoided != 0 || p.RecordedFailures != 0 || p.ReplayPeakInUse != 25 || c.WidestTried != 0 || !strings.Contains(g.Config, "/26") {
		t.Errorf("advice %+v\nproposal %+v", c, p)
	}

	adv, err = ipAdvice(demand("10.0.0.0/24", 24), map[string]bool{"s1": true}, time.Time{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := subnetAdvice(adv); len(got) != 0 {
		t.Errorf("subnet advice for a /24 holding 25: %+v, want none", got)
	}
}
