package report

import (
	"github.com/gluelens/gluelens/analysis/facts"
	"math"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

func at(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }

func TestPercentiles(t *testing.T) {
	for _, c := range []struct {
		xs            []float64
		p50, p95, max float64
	}{
		// numpy.percentile([1,2,3,4], [50,95]) = 2.5, 3.85: position q·(n−1).
		{[]float64{4, 1, 3, 2}, 2.5, 3.85, 4},
		{[]float64{7}, 7, 7, 7},
		// positions 0.5·9 = 4.5 → (50+60)/2; 0.95·9 = 8.55 → 90 + 0.55·10.
		{[]float64{10, 20, 30, 40, 50, 60, 70, 80, 90, 100}, 55, 95.5, 100},
	} {
		p := percentiles(append([]float64(nil), c.xs...))
		if p.Count != len(c.xs) || math.Abs(*p.P50-c.p50) > 1e-9 || math.Abs(*p.P95-c.p95) > 1e-9 || *p.Max != c.max {
			t.Errorf("percentiles(%v) = %d %v %v %v, want %v %v %v", c.xs, p.Count, *p.P50, *p.P95, *p.Max, c.p50, c.p95, c.max)
		}
	}
	if p := percentiles(nil); p.Count != 0 || p.P50 != nil {
		t.Errorf("percentiles(nil) = %+v", p)
	}
}

func TestHistogram(t *testing.T) {
	got := histogram([]float64{52, 55, 59.9, 60, 71, 89.5}, 10)
	// buckets start at 50 (the multiple of 10 at or below the minimum).
	want := []Bucket{{50, 60, 3}, {60, 70, 1}, {70, 80, 1}, {80, 90, 1}}
	if len(got) != len(want) {
		t.Fatalf("histogram = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("bucket %d = %v, want %v", i, got[i], want[i])
		}
	}
	for _, c := range []struct {
		max    float64
		target int
		want   float64
	}{{90, 12, 10}, {1000, 16, 100}, {7, 16, 0.5}, {0, 10, 1}} {
		if got := niceStep(c.max, c.target); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("niceStep(%v, %d) = %v, want %v", c.max, c.target, got, c.want)
		}
	}
}

func TestStepStatistics(t *testing.T) {
	// 10 IPs for 60 min, 50 for 30 min, 59 for 10 min: 100 minutes.
	ss := []step{{at(0), at(60), 10}, {at(60), at(90), 50}, {at(90), at(100), 59}}
	if got := secondsAtOrAbove(ss, 0.9*59); got != 600 { // 53.1: only the 59 step
		t.Errorf("seconds ≥ 90 %% = %v, want 600", got)
	}
	if got := secondsAtOrAbove(ss, 0.8*59); got != 2400 { // 47.2: the 50 and 59 steps
		t.Errorf("seconds ≥ 80 %% = %v, want 2400", got)
	}
	if got := secondsAtOrAbove(ss, 50); got != 2400 {
		t.Errorf("seconds ≥ 50 = %v, want 2400", got)
	}
	// 95 % of 100 min = 95 min: 10 (60 min) + 50 (90 min) + 59 reaches it.
	if got := timeWeightedQuantile(ss, 0.95); got != 59 {
		t.Errorf("p95 = %v, want 59", got)
	}
	if got := timeWeightedQuantile(ss, 0.9); got != 50 {
		t.Errorf("p90 = %v, want 50", got)
	}
	if peak, pa := peakOf(ss); peak != 59 || !pa.Equal(at(90)) {
		t.Errorf("peak = %d at %s", peak, pa)
	}
}

func TestDownsampleSteps(t *testing.T) {
	// A day of one change per minute with a one-minute spike to 500.
	var pts []Point
	for i := 0; i < 1440; i++ {
		v := float64(i % 7)
		if i == 1000 {
			v = 500
		}
		pts = append(pts, Point{at(i), v})
	}
	out := downsampleSteps(pts, 100)
	if len(out) > 102 {
		t.Fatalf("%d points, want at most 102", len(out))
	}
	peak := 0.0
	for i, p := range out {
		peak = math.Max(peak, p.Value)
		if i > 0 && !p.At.After(out[i-1].At) {
			t.Fatalf("points out of order at %d", i)
		}
	}
	if peak != 500 {
		t.Errorf("the spike was lost: max %v", peak)
	}
	if last := out[len(out)-1]; !last.At.Equal(pts[len(pts)-1].At) {
		t.Errorf("last point at %s, want %s", last.At, pts[len(pts)-1].At)
	}
	if got := downsampleSteps(pts[:50], 100); len(got) != 50 {
		t.Errorf("a short series was changed: %d points", len(got))
	}
}

func TestEvidenceSteps(t *testing.T) {
	// Occupancy series as the subnet_occupancy view gives them: s holds 1
	// from -10, 3 from 10, 2 from 40 on; z's first ENI comes at 20; e was
	// empty before the window.
	ev := &evidence{occupancy: map[string][]facts.Step{
		"s": {{From: at(-10), To: ptr(at(10)), InUse: 1}, {From: at(10), To: ptr(at(40)), InUse: 3}, {From: at(40), InUse: 2}},
		"z": {{From: at(20), To: ptr(at(70)), InUse: 4}, {From: at(70), InUse: 0}},
		"e": {{From: at(-30), To: ptr(at(-20)), InUse: 1}, {From: at(-20), InUse: 0}},
	}}
	got := ev.steps(at(0), at(60))
	want := map[string][]step{
		"s": {{at(0), at(10), 1}, {at(10), at(40), 3}, {at(40), at(60), 2}},
		"z": {{at(0), at(20), 0}, {at(20), at(60), 4}},
	}
	if len(got) != len(want) {
		t.Fatalf("steps = %v, want %v", got, want)
	}
	for subnet, ws := range want {
		gs := got[subnet]
		if len(gs) != len(ws) {
			t.Fatalf("%s: steps = %v, want %v", subnet, gs, ws)
		}
		for i := range ws {
			if !gs[i].from.Equal(ws[i].from) || !gs[i].to.Equal(ws[i].to) || gs[i].value != ws[i].value {
				t.Errorf("%s step %d = %v, want %v", subnet, i, gs[i], ws[i])
			}
		}
	}
}
