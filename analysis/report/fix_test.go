package report

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gluelens/gluelens/analysis/plan"
)

// TestGateWaits: four runs of category a, 10 IPs each, every 20 minutes
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
func TestGateWaits(t *testing.T) {
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
	got, err := gateWaits(d, alt, fixed, p)
	if err != nil {
		t.Fatal(err)
	}
	want := "with the launch gate 2 of its runs waited (p50 30.0 min, max 30.0 min); a /25 (123 usable IPs) lets every one launch on time"
	if got != want {
		t.Errorf("gateWaits at /26:\n got %q\nwant %q", got, want)
	}
	if alt.Prefixes["glue-a"] != 26 {
		t.Errorf("gateWaits changed the caller's prefixes: %v", alt.Prefixes)
	}
	// At /25 nothing waits, so there is nothing to say.
	alt.Prefixes = map[string]int{"glue-a": 25}
	p.Prefix = 25
	if fixed, err = plan.Replay(d, alt); err != nil {
		t.Fatal(err)
	}
	if got, err := gateWaits(d, alt, fixed, p); err != nil || got != "" {
		t.Errorf("gateWaits at /25 = %q, %v; want nothing", got, err)
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
