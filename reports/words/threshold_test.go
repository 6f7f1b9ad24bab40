package words

import (
	"testing"
	"time"

	"github.com/gluelens/gluelens/analysis/plan"
)

func TestThresholdRule(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)
	at := t0.Add(30 * time.Minute)
	cet := time.FixedZone("CET", 3600)
	lingering := plan.Threshold{Category: "ingest", Runs: 2, MaxIPsPerRun: 6, MaxRun: "jr_a", MaxRunStart: t0, BufferRule: "lingering", Buffer: 6,
		BufferAt: &at, Threshold: 12, WindowDays: 14, WindowStart: t0.Add(-13 * 24 * time.Hour), WindowEnd: t0.Add(24 * time.Hour),
		EvidenceStart: t0, EvidenceEnd: t0.Add(24 * time.Hour), EvidenceHours: 24}
	fixed := lingering
	fixed.BufferRule, fixed.Buffer, fixed.BufferAt, fixed.Threshold = "fixed", 2, nil, 8
	zero := lingering
	zero.Buffer, zero.BufferAt, zero.Threshold, zero.Runs = 0, nil, 6, 1
	whole := fixed // the evidence covers the whole window: no "of which"
	whole.WindowDays, whole.WindowStart, whole.EvidenceStart = 1.5, t0.Add(-12*time.Hour), t0.Add(-12*time.Hour)
	shown := lingering // instants in another zone are said in UTC all the same
	shown.MaxRunStart, shown.WindowStart = t0.In(cet), shown.WindowStart.In(cet)
	for _, c := range []struct {
		name string
		t    plan.Threshold
		want string
	}{
		{"lingering", lingering, "launch a run of ingest only when its subnet has at least 12 free IPs: the most one run asked for, 6 (run jr_a, started 2026-11-02 06:00 UTC), " +
			"plus the most IPs its ENIs still held after their run ended at one of its launches, 6 (at the launch of 2026-11-02 06:30 UTC); " +
			"2 runs over the 14-day window 2026-10-20 06:00 UTC – 2026-11-03 06:00 UTC, of which the evidence covers 24.0 h (2026-11-02 06:00 UTC – 2026-11-03 06:00 UTC): the maxima are over those hours only"},
		{"fixed", fixed, "launch a run of ingest only when its subnet has at least 8 free IPs: the most one run asked for, 6 (run jr_a, started 2026-11-02 06:00 UTC), " +
			"plus a fixed buffer of 2; 2 runs over the 14-day window 2026-10-20 06:00 UTC – 2026-11-03 06:00 UTC, of which the evidence covers 24.0 h (2026-11-02 06:00 UTC – 2026-11-03 06:00 UTC): the maxima are over those hours only"},
		{"nothing lingers", zero, "launch a run of ingest only when its subnet has at least 6 free IPs: the most one run asked for, 6 (run jr_a, started 2026-11-02 06:00 UTC), " +
			"plus no IPs held by its ENIs after their run ended at any of its launches (0); 1 runs over the 14-day window 2026-10-20 06:00 UTC – 2026-11-03 06:00 UTC, of which the evidence covers 24.0 h (2026-11-02 06:00 UTC – 2026-11-03 06:00 UTC): the maxima are over those hours only"},
		{"whole window", whole, "launch a run of ingest only when its subnet has at least 8 free IPs: the most one run asked for, 6 (run jr_a, started 2026-11-02 06:00 UTC), " +
			"plus a fixed buffer of 2; 2 runs over the 1.5-day window 2026-11-01 18:00 UTC – 2026-11-03 06:00 UTC"},
		{"another zone", shown, "launch a run of ingest only when its subnet has at least 12 free IPs: the most one run asked for, 6 (run jr_a, started 2026-11-02 06:00 UTC), " +
			"plus the most IPs its ENIs still held after their run ended at one of its launches, 6 (at the launch of 2026-11-02 06:30 UTC); " +
			"2 runs over the 14-day window 2026-10-20 06:00 UTC – 2026-11-03 06:00 UTC, of which the evidence covers 24.0 h (2026-11-02 06:00 UTC – 2026-11-03 06:00 UTC): the maxima are over those hours only"},
	} {
		if got := ThresholdRule(c.t); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}
