package report

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gluelens/gluelens/analysis/plan"
)

// TestFitGate: four runs of category a, 10 IPs each, every 20 minutes
// from t0, each running 10 minutes with its ENIs deleted 60 minutes after
// it ends. The lingering buffer is what lingers at a run's start: 10, 20
// and 30 IPs at the 2nd, 3rd and 4th start, so the threshold is 10 + 30 =
// 40. Worked by hand in the advised /26 (59 usable):
//   - t0+20: 10 in use (run 1 lingers), 49 free: run 2 launches;
//   - t0+40: 20 in use, 39 free: run 3 waits; t0+60: run 4 waits too;
//   - t0+70: run 1's ENIs go, 10 in use, 49 free: run 3 launches (30 min
//     late), 20 in use, 39 free: run 4 keeps waiting;
//   - t0+90: run 2's ENIs go, 10 in use, 49 free: run 4 launches (30 min).
//
// In a /25 (123 usable) at most 30 are ever in use at a start: no wait.
func TestFitGate(t *testing.T) {
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
	ts := plan.Thresholds(d, plan.ThresholdOptions{Buffer: -1})
	if len(ts) != 1 || ts[0].Threshold != 40 {
		t.Fatalf("thresholds %+v, want a: 40", ts)
	}
	alt := plan.Alternative{Assign: map[string]string{"a": "glue-a"}, Prefixes: map[string]int{"glue-a": 26}, Gate: plan.GateOf(ts)}
	fixed, err := plan.Replay(d, alt)
	if err != nil {
		t.Fatal(err)
	}
	p := plan.SubnetProposal{Subnet: "glue-a", Categories: []string{"a"}, Prefix: 26}
	got, err := fitGate(d, alt, fixed, p)
	if err != nil {
		t.Fatal(err)
	}
	if want := (gateFit{from: 26, waited: 2, p50: 30, max: 30, prefix: 25}); got != want {
		t.Errorf("fitGate at /26 = %+v, want %+v", got, want)
	}
	if alt.Prefixes["glue-a"] != 26 {
		t.Errorf("fitGate changed the caller's prefixes: %v", alt.Prefixes)
	}
	// At /25 nothing waits.
	alt.Prefixes = map[string]int{"glue-a": 25}
	p.Prefix = 25
	if fixed, err = plan.Replay(d, alt); err != nil {
		t.Fatal(err)
	}
	if got, err := fitGate(d, alt, fixed, p); err != nil || got != (gateFit{from: 25}) {
		t.Errorf("fitGate at /25 = %+v, %v; want no wait", got, err)
	}

	// The advice sizes the subnet for the gate: ceil(40 × 1.25) = 50 IPs
	// fit a /26, where two runs would wait, so the advice is the /25. A
	// second category, b (one run of 2 IPs at t0+2h, deleted as it ends),
	// makes it a split: b needs ceil(2 × 1.25) = 3 IPs, a /28, and its
	// threshold is 2 + 0 lingering.
	b := plan.Run{ID: "b1", Job: "b-job", Category: "b", Subnet: "s1", Workers: 2, Start: t0.Add(2 * time.Hour), Duration: 10 * time.Minute,
		Attempts: []plan.Attempt{{IPs: 1}, {IPs: 1}}}
	b.RecordedEnd = b.Start.Add(b.Duration)
	withB := *d
	withB.Runs = append(slices.Clone(d.Runs), b)
	pd := &pendingDemand{done: make(chan struct{}), d: &withB}
	close(pd.done)
	adv, err := ipAdvice(pd, map[string]bool{"s1": true}, time.Time{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, a := range adv {
		titles = append(titles, a.Title)
		if a.Area == "subnet" && strings.Contains(a.Title, "glue-a") {
			want := "Their runs needed at most 40 IPs at once, linger included (40 recorded); with 25 % headroom that is 50 IPs, and a /26 holds that, but with the launch gate 2 of their runs would wait there (p50 30.0 min, max 30.0 min), and /25, 123 IPs, lets every one launch on time"
			if !strings.HasPrefix(a.Detail, want) {
				t.Errorf("detail %q\nwant it to start %q", a.Detail, want)
			}
		}
		if a.Area == "launch" && !strings.Contains(a.Evidence, "none of 5 gated runs delayed") {
			t.Errorf("launch evidence %q: want no run delayed in the advised subnets", a.Evidence)
		}
	}
	want := []string{"Move a to their own subnet glue-a (/25, 123 usable IPs)", "Move b to their own subnet glue-b (/28, 11 usable IPs)",
		"Hold a runs until 40 IPs are free", "Hold b runs until 2 IPs are free"}
	if !slices.Equal(titles, want) {
		t.Errorf("advice %q\nwant %q", titles, want)
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
	want := Advice{Area: "subnet", Title: "Give ingest a subnet of /26 (59 usable IPs)",
		Detail:   "Its runs needed at most 25 IPs at once, linger included (25 recorded); with 25 % headroom that is 32 IPs, and /26 holds 59, where s1 (10.0.0.0/27) holds 27.",
		Evidence: "replay of the recorded runs at this size: 0 of 0 refused creates avoided, peak 25 IPs in use"}
	if g := got[0]; g.Title != want.Title || g.Detail != want.Detail || g.Evidence != want.Evidence || !strings.Contains(g.Config, "/26") {
		t.Errorf("advice\n%+v\nwant\n%+v", g, want)
	}

	adv, err = ipAdvice(demand("10.0.0.0/24", 24), map[string]bool{"s1": true}, time.Time{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := subnetAdvice(adv); len(got) != 0 {
		t.Errorf("subnet advice for a /24 holding 25: %+v, want none", got)
	}
}
