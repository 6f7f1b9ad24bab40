package plan

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gluelens/gluelens/internal/config"
)

var t0 = time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)

func attempts(n int, offset, linger time.Duration) []Attempt {
	out := make([]Attempt, n)
	for i := range out {
		out[i] = Attempt{Offset: offset, IPs: 1, Linger: linger}
	}
	return out
}

// smallDemand is a /28 (11 usable IPs) shared by a Lambda ENI (1 IP from
// t0, never deleted), run A of ingest (6 ENIs at t0+10s, completes at
// t0+10m, ENIs deleted 60 min later) and run B of transform (starts
// t0+5m; its 4 creates at t0+5m10s bring the subnet to 1+6+4 = 11, the 5th
// is refused; B completes 5 s later; it wanted 6 workers).
func smallDemand() *Demand {
	b := Run{ID: "jr_b", Job: "transform-x", Category: "transform", Subnet: "s1", Start: t0.Add(5 * time.Minute),
		Duration: 10 * time.Minute, RecordedEnd: t0.Add(5*time.Minute + 15*time.Second), Workers: 6,
		FailedForIPs: true, FailAfter: 5 * time.Second, Modelled: true,
		Attempts: append(attempts(4, 10*time.Second, time.Hour),
			Attempt{EventID: "ev-refused", Offset: 10 * time.Second, IPs: 1, Linger: time.Hour, Refused: true},
			Attempt{Offset: 10 * time.Second, IPs: 1, Linger: time.Hour, Modelled: true})}
	return &Demand{
		Start: t0, End: t0.Add(24 * time.Hour),
		Subnets: map[string]SubnetInfo{"s1": {ID: "s1", CIDR: "10.0.0.0/28", Prefix: 28, Usable: 11}},
		Runs: []Run{
			{ID: "jr_a", Job: "ingest-x", Category: "ingest", Subnet: "s1", Start: t0, Duration: 10 * time.Minute,
				RecordedEnd: t0.Add(10 * time.Minute), Workers: 6, Attempts: attempts(6, 10*time.Second, time.Hour)},
			b,
		},
		Background: []Hold{{ENI: "eni-l", Subnet: "s1", Requester: "lambda", From: t0, IPs: 1}},
		FailAfter:  5 * time.Second,
	}
}

func subnetOf(t *testing.T, r *ReplayResult, name string) SubnetReplay {
	t.Helper()
	for _, s := range r.Subnets {
		if s.Subnet == name {
			return s
		}
	}
	t.Fatalf("subnet %s not in result %+v", name, r.Subnets)
	return SubnetReplay{}
}

func TestReplayRecordedReproducesFailure(t *testing.T) {
	res, err := Replay(smallDemand(), Alternative{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) != 1 {
		t.Fatalf("failures = %+v, want exactly B's refused create", res.Failures)
	}
	f := res.Failures[0]
	want := t0.Add(5*time.Minute + 10*time.Second)
	if f.RunID != "jr_b" || !f.At.Equal(want) || !f.Recorded || f.InUse != 11 || f.EventID != "ev-refused" {
		t.Errorf("failure = %+v, want jr_b at %s with 11 in use", f, want)
	}
	s := subnetOf(t, res, "s1")
	if s.PeakInUse != 11 || !s.PeakAt.Equal(want) || s.PeakUtilization != 100 || s.FailedRuns != 1 {
		t.Errorf("subnet = %+v, want peak 11 at %s", s, want)
	}
}

func TestReplaySplitRemovesFailure(t *testing.T) {
	res, err := Replay(smallDemand(), Alternative{Assign: map[string]string{"transform": "t"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) != 0 {
		t.Fatalf("failures = %+v, want none", res.Failures)
	}
	// s1 keeps the Lambda ENI and A: 1 + 6. t gets B's whole demand: 6
	// workers, sized like the /28 its runs came from.
	if s := subnetOf(t, res, "s1"); s.PeakInUse != 7 {
		t.Errorf("s1 peak = %d, want 7", s.PeakInUse)
	}
	if s := subnetOf(t, res, "t"); s.PeakInUse != 6 || s.UsableIPs != 11 || s.CIDR != "/28" {
		t.Errorf("t = %+v, want peak 6 in a /28", s)
	}
	if res.Layout != "t=transform" {
		t.Errorf("layout = %q", res.Layout)
	}
}

func TestReplayGateDelaysInsteadOfFailing(t *testing.T) {
	res, err := Replay(smallDemand(), Alternative{Gate: map[string]int{"ingest": 6, "transform": 6}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) != 0 {
		t.Fatalf("failures = %+v, want none", res.Failures)
	}
	// At t0+5m free = 11 − 7 = 4 < 6: B waits until A's ENIs go at
	// t0+10m+60m = t0+70m (free 10), a 65-minute delay.
	g := res.GateDelays
	if g.RunsDelayed != 1 || g.DelayMaxMin != 65 || g.DelayP50Min != 65 || g.Delayed[0].RunID != "jr_b" {
		t.Fatalf("delays = %+v, want B delayed 65 min", g)
	}
	if !g.Delayed[0].Launched.Equal(t0.Add(70 * time.Minute)) {
		t.Errorf("B launched at %s, want %s", g.Delayed[0].Launched, t0.Add(70*time.Minute))
	}
	if s := subnetOf(t, res, "s1"); s.PeakInUse != 7 {
		t.Errorf("peak = %d, want 7", s.PeakInUse)
	}
}

func TestReplayGateBlocksImpossibleThreshold(t *testing.T) {
	res, err := Replay(smallDemand(), Alternative{Gate: map[string]int{"ingest": 6, "transform": 20}})
	if err != nil {
		t.Fatal(err)
	}
	if g := res.GateDelays; g.RunsBlocked != 1 || g.BlockedRunIDs[0] != "jr_b" {
		t.Fatalf("gate = %+v, want B blocked (20 > 11 usable)", g)
	}
}

func TestReplayShorterLinger(t *testing.T) {
	d := smallDemand()
	// A finishes at t0+4m; with the recorded 60-minute linger B still fails,
	// with a zero linger A's IPs are back before B asks.
	d.Runs[0].Duration, d.Runs[0].RecordedEnd = 4*time.Minute, t0.Add(4*time.Minute)
	res, _ := Replay(d, Alternative{})
	if len(res.Failures) != 1 {
		t.Fatalf("recorded linger: failures = %+v, want 1", res.Failures)
	}
	zero := time.Duration(0)
	res, _ = Replay(d, Alternative{Linger: &zero})
	if len(res.Failures) != 0 || res.Linger != "0s" {
		t.Fatalf("zero linger: failures = %+v, want none", res.Failures)
	}
	if s := subnetOf(t, res, "s1"); s.PeakInUse != 7 {
		t.Errorf("peak = %d, want 7 (1 + 6 of A, then 1 + 6 of B)", s.PeakInUse)
	}
}

func TestReplayReleaseBeforeCreateAtSameInstant(t *testing.T) {
	// A /28 full with 11 background IPs; one of them goes at T, when a run
	// creates its ENI: deletes apply first, so the create succeeds.
	T := t0.Add(time.Hour)
	d := &Demand{Start: t0, End: t0.Add(2 * time.Hour),
		Subnets: map[string]SubnetInfo{"s1": {ID: "s1", Prefix: 28, Usable: 11}},
		Background: []Hold{{ENI: "eni-1", Subnet: "s1", From: t0, To: T, IPs: 1},
			{ENI: "eni-10", Subnet: "s1", From: t0, IPs: 10}},
		Runs: []Run{{ID: "r", Category: "c", Subnet: "s1", Start: T.Add(-time.Minute), Duration: time.Hour,
			RecordedEnd: T.Add(59 * time.Minute), Attempts: attempts(1, time.Minute, time.Minute)}},
	}
	res, _ := Replay(d, Alternative{})
	if len(res.Failures) != 0 {
		t.Fatalf("failures = %+v, want none", res.Failures)
	}
}

func TestReplayProbe(t *testing.T) {
	d := smallDemand()
	d.Probes = []Probe{{EventID: "ev-lambda", Subnet: "s1", At: t0.Add(5*time.Minute + 20*time.Second), IPs: 1}}
	res, _ := Replay(d, Alternative{})
	if len(res.Failures) != 2 || res.Failures[1].EventID != "ev-lambda" || res.Failures[1].RunID != "" {
		t.Fatalf("failures = %+v, want B's and the probe", res.Failures)
	}
}

func TestReplayRejectsBadPrefix(t *testing.T) {
	if _, err := Replay(smallDemand(), Alternative{Prefixes: map[string]int{"s1": 30}}); err == nil {
		t.Fatal("want an error for /30")
	}
}

func TestSmallestPrefix(t *testing.T) {
	for _, tc := range []struct {
		need, want int
		ok         bool
	}{
		{1, 28, true}, {11, 28, true}, {12, 27, true}, {27, 27, true}, {28, 26, true},
		{59, 26, true}, {60, 25, true}, {251, 24, true}, {252, 23, true}, {65531, 16, true}, {65532, 0, false},
	} {
		got, ok := SmallestPrefix(tc.need)
		if got != tc.want || ok != tc.ok {
			t.Errorf("SmallestPrefix(%d) = %d, %v; want %d, %v", tc.need, got, ok, tc.want, tc.ok)
		}
	}
}

func TestQuantile(t *testing.T) {
	// numpy.percentile([50, 55, 60, 65, 70, 75], [50, 95]) = 62.5, 73.75
	xs := []float64{75, 50, 65, 55, 70, 60}
	if q := quantile(xs, 0.5); q != 62.5 {
		t.Errorf("p50 = %v", q)
	}
	if q := quantile(xs, 0.95); q != 73.75 {
		t.Errorf("p95 = %v", q)
	}
}

// thresholdDemand: ingest run A (6 ENIs at t0+10s, completes t0+10m,
// lingers 50…75 min) and ingest run C starting t0+30m (3 ENIs at +10s,
// still running at the evidence end).
func thresholdDemand() *Demand {
	a := Run{ID: "jr_a", Job: "ingest-a", Category: "ingest", Subnet: "s1", Start: t0, Duration: 10 * time.Minute,
		RecordedEnd: t0.Add(10 * time.Minute)}
	for _, m := range []int{50, 55, 60, 65, 70, 75} {
		a.Attempts = append(a.Attempts, Attempt{Offset: 10 * time.Second, IPs: 1, Linger: time.Duration(m) * time.Minute})
	}
	c := Run{ID: "jr_c", Job: "ingest-c", Category: "ingest", Subnet: "s1", Start: t0.Add(30 * time.Minute),
		Duration: 23*time.Hour + 30*time.Minute}
	for range 3 {
		c.Attempts = append(c.Attempts, Attempt{Offset: 10 * time.Second, IPs: 1, Kept: true})
	}
	return &Demand{Start: t0, End: t0.Add(24 * time.Hour), Subnets: map[string]SubnetInfo{"s1": {ID: "s1", Prefix: 26, Usable: 59}},
		Runs: []Run{a, c}}
}

func TestThresholds(t *testing.T) {
	at := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	ts := Thresholds(thresholdDemand(), ThresholdOptions{Buffer: -1, ComputedAt: at})
	if len(ts) != 1 {
		t.Fatalf("thresholds = %+v", ts)
	}
	got := ts[0]
	// Max per run 6; p95 of {6, 3} = 3 + 0.95·3 = 5.85; lingers of A only
	// (C never completed); peak 6 + 3 at C's creates; at C's launch A's 6
	// ENIs linger (A completed at t0+10m, first delete at t0+60m): buffer 6.
	want := Threshold{Category: "ingest", Runs: 2, MaxIPsPerRun: 6, P95IPsPerRun: 5.85, LingerSamples: 6,
		LingerP50Min: 62.5, LingerP95Min: 73.75, LingerMaxMin: 75, PeakConcurrentENIs: 9, Buffer: 6, Threshold: 12}
	if got.Runs != want.Runs || got.MaxIPsPerRun != want.MaxIPsPerRun || got.P95IPsPerRun != want.P95IPsPerRun ||
		got.LingerSamples != want.LingerSamples || got.LingerP50Min != want.LingerP50Min || got.LingerP95Min != want.LingerP95Min ||
		got.LingerMaxMin != want.LingerMaxMin || got.PeakConcurrentENIs != want.PeakConcurrentENIs ||
		got.Buffer != want.Buffer || got.Threshold != want.Threshold || got.BufferRule != "lingering" {
		t.Errorf("threshold = %+v\nwant %+v", got, want)
	}
	if !got.PeakAt.Equal(t0.Add(30*time.Minute + 10*time.Second)) {
		t.Errorf("peak at %s", got.PeakAt)
	}
	// The maxima behind it: A's 6 IPs (A started at t0), the buffer seen
	// at C's launch (t0+30m); the 14-day window holds 24 h of evidence.
	if got.MaxRun != "jr_a" || !got.MaxRunStart.Equal(t0) || got.BufferAt == nil || !got.BufferAt.Equal(t0.Add(30*time.Minute)) ||
		!got.EvidenceStart.Equal(t0) || !got.EvidenceEnd.Equal(t0.Add(24*time.Hour)) || got.EvidenceHours != 24 {
		t.Errorf("behind the threshold: run %s at %s, buffer at %v, evidence %s – %s (%g h)", got.MaxRun, got.MaxRunStart, got.BufferAt,
			got.EvidenceStart, got.EvidenceEnd, got.EvidenceHours)
	}
	if got.WindowDays != 14 || !got.WindowStart.Equal(t0.Add(24*time.Hour-14*24*time.Hour)) || !got.WindowEnd.Equal(t0.Add(24*time.Hour)) {
		t.Errorf("window %g days, %s – %s", got.WindowDays, got.WindowStart, got.WindowEnd)
	}
	fixed := Thresholds(thresholdDemand(), ThresholdOptions{Buffer: 2})
	if fixed[0].Threshold != 8 || fixed[0].BufferRule != "fixed" {
		t.Errorf("fixed buffer: %+v", fixed[0])
	}
	// A one-hour window ending at t0+24h holds no run.
	if w := Thresholds(thresholdDemand(), ThresholdOptions{Window: time.Hour, Buffer: -1}); len(w) != 0 {
		t.Errorf("1h window: %+v", w)
	}
	// A window ending at t0+20m holds A alone: 6 IPs per run, and at A's
	// launch nothing lingers yet, so the lingering buffer is 0.
	early := Thresholds(thresholdDemand(), ThresholdOptions{Buffer: -1, End: t0.Add(20 * time.Minute)})
	if len(early) != 1 || early[0].Runs != 1 || early[0].Threshold != 6 || early[0].Buffer != 0 ||
		!early[0].WindowEnd.Equal(t0.Add(20*time.Minute)) || !early[0].WindowStart.Equal(t0.Add(20*time.Minute-14*24*time.Hour)) {
		t.Errorf("window ending at t0+20m: %+v", early)
	}
	// Its evidence ends with A's completion at t0+10m (the last activity
	// before the cut): 0.17 h.
	if len(early) == 1 && (early[0].BufferAt != nil || early[0].EvidenceHours != 0.17) {
		t.Errorf("window ending at t0+20m: buffer at %v, %g h of evidence", early[0].BufferAt, early[0].EvidenceHours)
	}
	// An end after the evidence is the evidence end.
	if late := Thresholds(thresholdDemand(), ThresholdOptions{Buffer: -1, End: t0.Add(48 * time.Hour)}); len(late) != 1 ||
		!late[0].WindowEnd.Equal(t0.Add(24*time.Hour)) || late[0].Threshold != 12 {
		t.Errorf("window ending after the evidence: %+v", late)
	}
}

// TestDemandBefore: only what started before the cut stays, and the
// demand it was cut from is unchanged.
func TestDemandBefore(t *testing.T) {
	d := smallDemand()
	d.Probes = []Probe{{EventID: "p1", Subnet: "s1", At: t0.Add(2 * time.Minute)}, {EventID: "p2", Subnet: "s1", At: t0.Add(8 * time.Minute)}}
	d.Background = append(d.Background, Hold{ENI: "eni-late", Subnet: "s1", From: t0.Add(7 * time.Minute), IPs: 1})
	cut := d.Before(t0.Add(5 * time.Minute)) // run B starts exactly at the cut: not before it
	if len(cut.Runs) != 1 || cut.Runs[0].ID != "jr_a" {
		t.Errorf("runs before t0+5m: %+v", cut.Runs)
	}
	if len(cut.Background) != 1 || cut.Background[0].ENI != "eni-l" || len(cut.Probes) != 1 || cut.Probes[0].EventID != "p1" {
		t.Errorf("background %+v, probes %+v; want eni-l and p1", cut.Background, cut.Probes)
	}
	if !cut.End.Equal(d.End) || cut.Subnets["s1"].Usable != 11 {
		t.Errorf("cut end %s, subnets %+v: want them as recorded", cut.End, cut.Subnets)
	}
	if len(d.Runs) != 2 || len(d.Background) != 2 || len(d.Probes) != 2 {
		t.Errorf("the original changed: %d runs, %d background, %d probes", len(d.Runs), len(d.Background), len(d.Probes))
	}
}

func TestWriteDynamoDB(t *testing.T) {
	var ts []Threshold
	for i := range 30 {
		ts = append(ts, Threshold{Category: string(rune('a'+i%26)) + string(rune('0'+i/26)), Threshold: i, WindowDays: 14,
			Subnets: []string{"subnet-1"}, ComputedAt: t0})
	}
	file := filepath.Join(t.TempDir(), "thr.json")
	rule := func(t Threshold) string { return "launch " + t.Category }
	files, err := WriteDynamoDB(file, "gluelens-thresholds", ts, rule)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[1] != filepath.Join(filepath.Dir(file), "thr-2.json") {
		t.Fatalf("files = %v", files)
	}
	var counts []int
	for _, f := range files {
		b, _ := os.ReadFile(f)
		var doc map[string][]struct {
			PutRequest struct {
				Item map[string]map[string]any
			}
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		items := doc["gluelens-thresholds"]
		counts = append(counts, len(items))
		first := items[0].PutRequest.Item
		if first["pk"]["S"] == nil || first["threshold"]["N"] == nil || first["computed_at"]["S"] != "2026-11-02T06:00:00Z" ||
			first["rule"]["S"] != "launch "+first["category"]["S"].(string) {
			t.Errorf("item shape: %v", first)
		}
	}
	if counts[0] != 25 || counts[1] != 5 {
		t.Errorf("batch sizes = %v, want [25 5]", counts)
	}
	if _, err := WriteDynamoDB(file, "t", nil, rule); err == nil {
		t.Error("no thresholds must be an error")
	}
}

func TestParseSplit(t *testing.T) {
	g, err := ParseSplit("critical=ingest-*,transform-*; adhoc=export-*")
	if err != nil || len(g) != 2 || g[0].Subnet != "critical" || len(g[0].Patterns) != 2 || g[1].Patterns[0] != "export-*" {
		t.Fatalf("ParseSplit = %+v, %v", g, err)
	}
	for _, bad := range []string{"", "critical", "=x", "a=x;a=y", "a=[x", "a=,"} {
		if _, err := ParseSplit(bad); err == nil {
			t.Errorf("ParseSplit(%q): want an error", bad)
		}
	}
}

func TestProposeSubnets(t *testing.T) {
	groups, _ := ParseSplit("a=ingest-*;b=transform")
	plan, err := ProposeSubnets(smallDemand(), groups, 0.25, nil)
	if err != nil {
		t.Fatal(err)
	}
	// ingest needs 6 → ceil(6 × 1.25) = 8 → /28 (11). transform recorded
	// 4 ENIs but needed 6 (B's 6 workers) → 8 → /28; its 1 refused create
	// does not happen in its own subnet.
	a, b := plan.Proposals[0], plan.Proposals[1]
	if a.Subnet != "a" || a.PeakNeededIPs != 6 || a.NeedIPs != 8 || a.CIDR != "/28" || a.RecordedFailures != 0 {
		t.Errorf("a = %+v", a)
	}
	if b.PeakRecordedIPs != 4 || b.PeakNeededIPs != 6 || b.NeedIPs != 8 || b.Prefix != 28 ||
		b.RecordedFailures != 1 || b.ReplayFailures != 0 || b.FailuresAvoided != 1 {
		t.Errorf("b = %+v", b)
	}
	// The config to paste is a valid gluelens.yaml for this split.
	cfg, err := config.Parse([]byte(plan.Config))
	if err != nil {
		t.Fatalf("parsing the proposed config: %v\n%s", err, plan.Config)
	}
	if cfg.CategoryOf("ingest-x") != "ingest" || cfg.SubnetOf("ingest") != "a" || cfg.SubnetOf("transform") != "b" ||
		cfg.Subnets["a"] != "/28" || cfg.Subnets["b"] != "/28" {
		t.Errorf("proposed config reads back as %+v\n%s", cfg, plan.Config)
	}
	if _, err := ProposeSubnets(smallDemand(), []SplitGroup{{Subnet: "x", Patterns: []string{"nothing-*"}}}, 0, nil); err == nil {
		t.Error("a group matching nothing must be an error")
	}
}

// FuzzParseSplit: any --split text parses or fails cleanly.
func FuzzParseSplit(f *testing.F) {
	for _, s := range []string{"critical=ingest-*,transform-*;adhoc=export-*", "a=x", "=", ";;", "a=[", "a=b;a=c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := ParseSplit(s)
		if err == nil && len(g) == 0 {
			t.Fatalf("ParseSplit(%q) returned no groups and no error", s)
		}
	})
}

func TestReplayGateReservesForLaunchedRuns(t *testing.T) {
	// Two runs of 6 ENIs ask to start at t0 in a /28 (11 usable); their
	// ENIs come 30 s later. The first launch reserves 6 IPs, so the second
	// sees 5 free and waits for the first's ENIs to go: t0 + 10m + 60m.
	d := &Demand{Start: t0, End: t0.Add(24 * time.Hour), Subnets: map[string]SubnetInfo{"s1": {ID: "s1", Prefix: 28, Usable: 11}}}
	for _, id := range []string{"r1", "r2"} {
		d.Runs = append(d.Runs, Run{ID: id, Category: "c", Subnet: "s1", Start: t0, Duration: 10 * time.Minute,
			RecordedEnd: t0.Add(10 * time.Minute), Attempts: attempts(6, 30*time.Second, time.Hour)})
	}
	res, err := Replay(d, Alternative{Gate: map[string]int{"c": 6}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) != 0 {
		t.Fatalf("failures = %+v", res.Failures)
	}
	g := res.GateDelays
	if g.RunsDelayed != 1 || g.Delayed[0].RunID != "r2" || !g.Delayed[0].Launched.Equal(t0.Add(70*time.Minute)) {
		t.Fatalf("delays = %+v, want r2 launched at t0+70m", g)
	}
	// Without a gate the second run's 6th create is refused at t0+30s.
	res, _ = Replay(d, Alternative{})
	if len(res.Failures) != 1 || res.Failures[0].RunID != "r2" || !res.Failures[0].At.Equal(t0.Add(30*time.Second)) {
		t.Fatalf("ungated failures = %+v", res.Failures)
	}
}

func TestReplayCreateBeforeStart(t *testing.T) {
	// CloudTrail can show an ENI a few seconds before the run's StartedOn:
	// the replay holds it from then, and a gate delay shifts it too.
	d := &Demand{Start: t0, End: t0.Add(24 * time.Hour), Subnets: map[string]SubnetInfo{"s1": {ID: "s1", Prefix: 28, Usable: 11}},
		Background: []Hold{{ENI: "bg", Subnet: "s1", From: t0, To: t0.Add(time.Hour), IPs: 8}},
		Runs: []Run{{ID: "r", Category: "c", Subnet: "s1", Start: t0.Add(10 * time.Minute), Duration: 5 * time.Minute,
			RecordedEnd: t0.Add(15 * time.Minute), Attempts: attempts(3, -5*time.Second, time.Minute)}}}
	res, _ := Replay(d, Alternative{})
	if s := subnetOf(t, res, "s1"); s.PeakInUse != 11 || !s.PeakAt.Equal(t0.Add(10*time.Minute-5*time.Second)) {
		t.Errorf("peak = %+v, want 11 at t0+9m55s", s)
	}
	res, _ = Replay(d, Alternative{Gate: map[string]int{"c": 4}})
	g := res.GateDelays
	// Free is 3 < 4 until the background goes at t0+60m; the run asked to
	// launch at t0+9m55s (its first create), so it waits 50m05s.
	if len(res.Failures) != 0 || g.RunsDelayed != 1 || g.DelayMaxMin != 50.08 || !g.Delayed[0].Launched.Equal(t0.Add(60*time.Minute+5*time.Second)) {
		t.Errorf("gate = %+v", g)
	}
}
