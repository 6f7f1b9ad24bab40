package synth

import (
	"math"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestLaunchThresholds compares the generator's thresholds with what
// `gluelens plan thresholds` prints for the ingested ip-exhaustion
// evidence of seed 1 (MAX_ENIS_RUN, BUFFER, THRESHOLD; also in
// docs/planning.md).
func TestLaunchThresholds(t *testing.T) {
	got, err := LaunchThresholds(IPExhaustion(), 1)
	if err != nil {
		t.Fatal(err)
	}
	want := []GateThreshold{{"export", 6, 6, 12}, {"ingest", 10, 30, 40}, {"report", 20, 20, 40}, {"transform", 12, 13, 25}}
	if len(got) != len(want) {
		t.Fatalf("thresholds %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("threshold %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestAfterFixGate: with the categories split, the gated after-fix
// scenario never holds a run back; truth.json says so.
func TestAfterFixGate(t *testing.T) {
	s, err := AfterFixGated(1)
	if err != nil {
		t.Fatal(err)
	}
	a, err := Generate(s, AfterFixSeed(1))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate(s, AfterFixSeed(1))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Files) != len(b.Files) {
		t.Fatal("two runs with the same seed wrote different files")
	}
	for i := range a.Files {
		if a.Files[i].Path != b.Files[i].Path || string(a.Files[i].Data) != string(b.Files[i].Data) {
			t.Fatalf("%s differs between two runs with the same seed", a.Files[i].Path)
		}
	}
	g := a.Truth.LaunchGate
	if g == nil || g.DelayedRuns != 0 || len(g.Delays) != 0 || len(a.Truth.FailedCreates) != 0 {
		t.Errorf("gate %+v, %d failed creates; want no delayed run and no failure", g, len(a.Truth.FailedCreates))
	}
}

// TestTightGateDelaysRuns writes a tighter after-fix, with ingest-* in a
// /26 instead of a /25, where the gate must hold runs back. (Transform in
// a /27 is no use: its threshold of 25 of 27 IPs lets one run in per ENI
// linger and leaves runs waiting past the cutoff, which the generator
// refuses.) It checks that no create is refused, recomputes truth.json from
// the files, and replays the gate from the written evidence alone: each
// run's scheduled start comes from the same scenario without the gate
// (the schedule is drawn first, so the same seed gives the same schedule),
// the subnet's free IPs from the CloudTrail creates and deletes.
func TestTightGateDelaysRuns(t *testing.T) {
	const seed = 1
	gated, err := AfterFixGated(seed)
	if err != nil {
		t.Fatal(err)
	}
	gated.Name = "after-fix-tight"
	var ingestSubnet string
	for i := range gated.Subnets {
		if gated.Subnets[i].Name == "glue-ingest-a" {
			gated.Subnets[i].CIDR = "10.20.32.0/26"
			ingestSubnet = gated.Subnets[i].ID
		}
	}
	free := gated
	free.LaunchGate = nil

	dir, ungatedDir := t.TempDir(), t.TempDir()
	out, err := Generate(gated, AfterFixSeed(seed))
	if err != nil {
		t.Fatal(err)
	}
	if err := writeAll(out, dir); err != nil {
		t.Fatal(err)
	}
	un, err := Generate(free, AfterFixSeed(seed))
	if err != nil {
		t.Fatal(err)
	}
	if err := writeAll(un, ungatedDir); err != nil {
		t.Fatal(err)
	}
	ev := loadEvidence(t, dir)
	checkTruth(t, seed, ev, false)
	if len(out.Truth.FailedCreates) != 0 || len(out.Truth.FailedRuns) != 0 {
		t.Errorf("%d creates refused, %d runs failed behind the gate", len(out.Truth.FailedCreates), len(out.Truth.FailedRuns))
	}
	if len(un.Truth.FailedCreates) == 0 {
		t.Errorf("without the gate the tight layout refuses no create: the variant proves nothing")
	}
	for _, r := range ev.records {
		if r.EventName == "CreateNetworkInterface" && strings.HasSuffix(r.ErrorCode, "InsufficientFreeAddressesInSubnet") {
			t.Errorf("refused create %s at %s", r.EventID, r.EventTime)
		}
	}
	scheduled := map[string]time.Time{}
	for id, r := range loadEvidence(t, ungatedDir).runs {
		scheduled[id] = r.started
	}

	// ENI lifetimes from CloudTrail, deduplicated by eventID.
	type life struct{ start, end time.Time }
	lives := map[string]*life{}
	subnetOf := map[string]string{}
	seen := map[string]bool{}
	for _, r := range ev.records {
		if seen[r.EventID] || r.ErrorCode != "" {
			continue
		}
		seen[r.EventID] = true
		switch r.EventName {
		case "CreateNetworkInterface":
			ni := r.ResponseElements.NetworkInterface
			lives[ni.NetworkInterfaceID] = &life{start: r.at}
			subnetOf[ni.NetworkInterfaceID] = ni.SubnetID
		case "DeleteNetworkInterface":
			if l := lives[r.RequestParameters.NetworkInterfaceID]; l != nil {
				l.end = r.at
			}
		}
	}
	// inUse counts the subnet's ENIs at t after the deletes at t and
	// before the creates at t, the order the gate sees them in.
	inUse := func(subnet string, t time.Time) int {
		n := 0
		for id, l := range lives {
			if subnetOf[id] == subnet && l.start.Before(t) && (l.end.IsZero() || l.end.After(t)) {
				n++
			}
		}
		return n
	}
	deletes := func(subnet string, after time.Time) []time.Time {
		var out []time.Time
		for id, l := range lives {
			if subnetOf[id] == subnet && !l.end.IsZero() && l.end.After(after) {
				out = append(out, l.end)
			}
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
		return out
	}

	thresholds := map[string]int{}
	for _, th := range out.Truth.LaunchGate.Thresholds {
		thresholds[th.Category] = th.Threshold
	}
	byCat := map[string][]*cliRunRecord{}
	for _, r := range ev.runs {
		cat, _, _ := strings.Cut(r.JobName, "-")
		byCat[cat] = append(byCat[cat], r)
	}
	type delay struct {
		id        string
		scheduled time.Time
		started   time.Time
	}
	var want []delay
	for cat, runs := range byCat {
		th, ok := thresholds[cat]
		if !ok {
			t.Fatalf("category %s has no threshold", cat)
		}
		subnet := ev.jobSubnet[runs[0].JobName]
		usable := ev.usable[subnet]
		sort.Slice(runs, func(i, j int) bool { return scheduled[runs[i].ID].Before(scheduled[runs[j].ID]) })
		var prev time.Time
		for _, r := range runs {
			sch, ok := scheduled[r.ID]
			if !ok {
				t.Fatalf("run %s is not in the ungated schedule", r.ID)
			}
			at := sch
			if !prev.IsZero() && at.Before(prev.Add(gated.MinStartGap)) {
				at = prev.Add(gated.MinStartGap)
			}
			if usable-inUse(subnet, at) < th {
				found := false
				for _, d := range deletes(subnet, at) {
					if usable-inUse(subnet, d) >= th {
						at, found = d, true
						break
					}
				}
				if !found {
					t.Fatalf("run %s of %s: the gate never opens after %s", r.ID, cat, at)
				}
			}
			if d := r.started.Sub(at); d < -time.Millisecond || d > time.Millisecond {
				t.Errorf("run %s of %s: started %s, the replayed gate says %s (scheduled %s)", r.ID, cat, r.started, at, sch)
			}
			if r.started.Sub(sch) > time.Millisecond {
				want = append(want, delay{r.ID, sch, r.started})
			}
			prev = r.started
		}
	}
	if ingest := byCat["ingest"]; len(ingest) == 0 || ev.jobSubnet[ingest[0].JobName] != ingestSubnet {
		t.Fatalf("ingest runs are not in the /26 %s", ingestSubnet)
	}
	g := out.Truth.LaunchGate
	if len(want) == 0 || g.DelayedRuns != len(want) || len(g.Delays) != len(want) {
		t.Fatalf("replay finds %d delayed runs; truth says %d (%d listed)", len(want), g.DelayedRuns, len(g.Delays))
	}
	byID := map[string]RunDelay{}
	for _, d := range g.Delays {
		byID[d.JobRunID] = d
	}
	for _, w := range want {
		d, ok := byID[w.id]
		secs := w.started.Sub(w.scheduled).Seconds()
		if !ok || math.Abs(d.DelaySeconds-secs) > 0.002 || math.Abs(d.Scheduled.Sub(w.scheduled).Seconds()) > 0.001 ||
			math.Abs(d.StartedOn.Sub(w.started).Seconds()) > 0.001 {
			t.Errorf("run %s: truth delay %+v, replay %s → %s (%.3f s)", w.id, d, w.scheduled, w.started, secs)
		}
	}
}
