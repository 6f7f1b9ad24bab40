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
	var titles []string
	said := 0
	for _, a := range adv {
		titles = append(titles, a.Title)
		if a.Area == "subnet" && strings.Contains(a.Title, "glue-a") {
			want := "Their runs needed at most 40 IPs at once, linger included (40 recorded); with 25 % headroom that is 50 IPs, and a /26 holds that, but with the launch gate 2 of their runs would wait there (p50 30.0 min, max 30.0 min), and /25, 123 IPs, lets every one launch on time"
			if !strings.HasPrefix(a.Detail, want) {
				t.Errorf("detail %q\nwant it to start %q", a.Detail, want)
			}
		}
		if a.Area == "launch" && a.Evidence != "" {
			said++
			if !strings.Contains(a.Evidence, "after the split") || !strings.Contains(a.Evidence, "none of 5 gated runs delayed") {
				t.Errorf("launch evidence %q: want it applied after the split, no run delayed in the advised subnets", a.Evidence)
			}
		}
	}
	if said != 1 {
		t.Errorf("the launch replay is said %d times, want once", said)
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
		Detail: "Its runs needed at most 25 IPs at once, linger included (25 recorded); with 25 % headroom that is 32 IPs, and /26 holds 59, where s1 (10.0.0.0/27) holds 27." +
			" Sized from the 5 runs started 2026-11-02 06:00:00 UTC – 2026-11-02 06:20:00 UTC (the evidence up to this report's end); the same rule over other runs, such as another week's, can give another size.",
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
