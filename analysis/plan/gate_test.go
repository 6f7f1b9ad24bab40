package plan

import (
	"fmt"
	"testing"
	"time"
)

// gateDemand: four runs of category a, 10 IPs each, every 20 minutes from
// t0, each running 10 minutes with its ENIs deleted 60 minutes after it
// ends, in a /24; with b, also one run of category b, 2 IPs at t0+2h,
// deleted as it ends.
//
// The lingering buffer of a is what lingers at its runs' starts: 10, 20
// and 30 IPs at the 2nd, 3rd and 4th, so its threshold is 10 + 30 = 40;
// b's is 2 + 0. Worked by hand for a alone in a /26 (59 usable) gated:
//   - t0+20: 10 in use (run 1 lingers), 49 free: run 2 launches;
//   - t0+40: 20 in use, 39 free: run 3 waits; t0+60: run 4 waits too;
//   - t0+70: run 1's ENIs go, 10 in use, 49 free: run 3 launches (30 min
//     late), 20 in use, 39 free: run 4 keeps waiting;
//   - t0+90: run 2's ENIs go, 10 in use, 49 free: run 4 launches (30 min).
//
// In a /25 (123 usable) at most 30 are in use at a start: no wait. The
// peak need of a is 40 (all four runs' ENIs at t0+60), so with 25 %
// headroom 50 IPs: a /26 from the demand alone.
func gateDemand(withB bool) *Demand {
	d := &Demand{Start: t0, End: t0.Add(6 * time.Hour), Subnets: map[string]SubnetInfo{"s1": {ID: "s1", CIDR: "10.0.0.0/24", Prefix: 24, Usable: 251}}}
	for i := range 4 {
		start := t0.Add(time.Duration(20*i) * time.Minute)
		d.Runs = append(d.Runs, Run{ID: fmt.Sprint("jr_a", i), Job: "a-job", Category: "a", Subnet: "s1", Workers: 10, Start: start,
			Duration: 10 * time.Minute, RecordedEnd: start.Add(10 * time.Minute), Attempts: attempts(10, 0, time.Hour)})
	}
	if withB {
		start := t0.Add(2 * time.Hour)
		d.Runs = append(d.Runs, Run{ID: "jr_b", Job: "b-job", Category: "b", Subnet: "s1", Workers: 2, Start: start,
			Duration: 10 * time.Minute, RecordedEnd: start.Add(10 * time.Minute), Attempts: attempts(2, 0, 0)})
	}
	return d
}

func TestFitGate(t *testing.T) {
	d := gateDemand(false)
	ts := Thresholds(d, ThresholdOptions{Buffer: -1})
	if len(ts) != 1 || ts[0].Threshold != 40 {
		t.Fatalf("thresholds %+v, want a: 40", ts)
	}
	alt := Alternative{Assign: map[string]string{"a": "glue-a"}, Prefixes: map[string]int{"glue-a": 26}, Gate: GateOf(ts)}
	gated, err := Replay(d, alt)
	if err != nil {
		t.Fatal(err)
	}
	p := SubnetProposal{Subnet: "glue-a", Categories: []string{"a"}, Prefix: 26}
	got, err := fitGate(d, alt, gated, p)
	if err != nil {
		t.Fatal(err)
	}
	if want := (GateFit{Subnet: "glue-a", DemandPrefix: 26, RunsWaited: 2, WaitP50Min: 30, WaitMaxMin: 30, FitPrefix: 25}); got != want {
		t.Errorf("fitGate at /26 = %+v, want %+v", got, want)
	}
	if alt.Prefixes["glue-a"] != 26 {
		t.Errorf("fitGate changed the caller's prefixes: %v", alt.Prefixes)
	}
	alt.Prefixes = map[string]int{"glue-a": 25}
	p.Prefix = 25
	if gated, err = Replay(d, alt); err != nil {
		t.Fatal(err)
	}
	if got, err := fitGate(d, alt, gated, p); err != nil || got != (GateFit{Subnet: "glue-a", DemandPrefix: 25}) {
		t.Errorf("fitGate at /25 = %+v, %v; want no wait", got, err)
	}
}

// TestProposeSubnetsForGate: a's /26 from the demand is widened to the
// /25 where the gate holds no run back; b needs ceil(2 × 1.25) = 3 IPs, a
// /28, where nothing waits. A forced size stays, with what the gate did
// there.
func TestProposeSubnetsForGate(t *testing.T) {
	d := gateDemand(true)
	gate := GateOf(Thresholds(d, ThresholdOptions{Buffer: -1}))
	if gate["a"] != 40 || gate["b"] != 2 {
		t.Fatalf("gate %v, want a 40, b 2", gate)
	}
	groups := []SplitGroup{{Subnet: "glue-a", Patterns: []string{"a"}}, {Subnet: "glue-b", Patterns: []string{"b"}}}
	sp, err := ProposeSubnetsForGate(d, groups, 0.25, nil, gate)
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[string]int{}
	for _, p := range sp.Proposals {
		sizes[p.Subnet] = p.Prefix
	}
	waitA := GateFit{Subnet: "glue-a", DemandPrefix: 26, RunsWaited: 2, WaitP50Min: 30, WaitMaxMin: 30, FitPrefix: 25}
	if sizes["glue-a"] != 25 || sizes["glue-b"] != 28 || sp.Proposals[0].NeedIPs != 50 {
		t.Errorf("sizes %v, need of a %d; want glue-a /25, glue-b /28, 50", sizes, sp.Proposals[0].NeedIPs)
	}
	if len(sp.GateFits) != 2 || sp.GateFits[0] != waitA || sp.GateFits[1] != (GateFit{Subnet: "glue-b", DemandPrefix: 28}) {
		t.Errorf("gate fits %+v", sp.GateFits)
	}
	if g := sp.Replay; g == nil || len(g.Failures) != 0 {
		t.Errorf("replay of the widened split: %+v", g)
	}

	forced, err := ProposeSubnetsForGate(d, groups, 0.25, map[string]int{"glue-a": 26}, gate)
	if err != nil {
		t.Fatal(err)
	}
	if forced.Proposals[0].Prefix != 26 || forced.GateFits[0] != (GateFit{Subnet: "glue-a", DemandPrefix: 26, RunsWaited: 2, WaitP50Min: 30, WaitMaxMin: 30, FitPrefix: 25}) {
		t.Errorf("forced /26: %+v, fits %+v", forced.Proposals[0], forced.GateFits)
	}
}
