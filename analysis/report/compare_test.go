package report_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/gluelens/gluelens/analysis/report"
	"github.com/gluelens/gluelens/internal/reportfixture"
	"github.com/gluelens/gluelens/internal/synth"
	"github.com/gluelens/gluelens/internal/synth/diskfull"
)

// The compare report's overlays quote the generators' own truth: the
// subnet each day names, its peak and when, the refused creates, and the
// peak executor disk of the disk-full run and of its fixed run a week
// later, against the worker's usable disk.
func TestCompareOverlaysMatchTruth(t *testing.T) {
	before := reportfixture.Write(t, synth.IPExhaustion(), 1)
	after := reportfixture.Write(t, synth.AfterFix(), synth.AfterFixSeed(1))
	diskDir := filepath.Join(t.TempDir(), "disk-full")
	diskBefore, err := diskfull.Write(diskDir, diskfull.DefaultParams(1))
	if err != nil {
		t.Fatal(err)
	}
	p, err := diskfull.AfterFixParams(diskfull.DefaultParams(1))
	if err != nil {
		t.Fatal(err)
	}
	p.Start = time.Date(2026, 11, 9, 2, 0, 0, 0, time.UTC)
	diskAfter, err := diskfull.Write(filepath.Join(after.Dir, "spark"), p)
	if err != nil {
		t.Fatal(err)
	}
	st := reportfixture.Store(t, "compare.duckdb", before.Dir, diskDir, after.Dir)
	ctx := context.Background()
	day := func(d int) report.Span {
		f := time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC)
		return report.Span{From: f, To: f.AddDate(0, 0, 1)}
	}
	c, err := report.BuildCompare(ctx, st, day(2), day(9), opts)
	if err != nil {
		t.Fatal(err)
	}

	// The subnet each day names: the truth's highest peak ÷ usable.
	named := func(tr synth.Truth) synth.SubnetTruth {
		var best synth.SubnetTruth
		for _, s := range tr.Subnets {
			if s.UsableIPs > 0 && (best.UsableIPs == 0 || float64(s.PeakInUse)/float64(s.UsableIPs) > float64(best.PeakInUse)/float64(best.UsableIPs)) {
				best = s
			}
		}
		return best
	}
	wantBefore, wantAfter := named(before.Truth), named(after.Truth)
	if wantBefore.SubnetID != before.Truth.FailedCreates[0].SubnetID {
		t.Fatalf("the truth's fullest subnet %s is not the one that refused creates (%s)", wantBefore.SubnetID, before.Truth.FailedCreates[0].SubnetID)
	}
	curve := func(period, subnet string) *report.OccupancyCurve {
		for i, cv := range c.Overlays.Occupancy {
			if cv.Period == period && cv.SubnetID == subnet {
				return &c.Overlays.Occupancy[i]
			}
		}
		t.Fatalf("no %s curve of %s in %+v", period, subnet, c.Overlays.Occupancy)
		return nil
	}
	for _, tc := range []struct {
		period string
		want   synth.SubnetTruth
	}{{report.PeriodBefore, wantBefore}, {report.PeriodAfter, wantAfter}} {
		cv := curve(tc.period, tc.want.SubnetID)
		if !cv.Named || cv.Peak != int64(tc.want.PeakInUse) || !cv.PeakAt.Equal(tc.want.PeakAt.Time) || cv.UsableIPs == nil || *cv.UsableIPs != int64(tc.want.UsableIPs) {
			t.Errorf("%s curve of %s: named %v, peak %d at %s of %v usable; truth peak %d at %s of %d", tc.period, cv.SubnetID, cv.Named, cv.Peak, cv.PeakAt, cv.UsableIPs, tc.want.PeakInUse, tc.want.PeakAt.Time, tc.want.UsableIPs)
		}
		if len(cv.RefusedAt) != tc.want.FailedCreates {
			t.Errorf("%s curve of %s marks %d refused creates, truth %d", tc.period, cv.SubnetID, len(cv.RefusedAt), tc.want.FailedCreates)
		}
		if v := valueAt(cv.Points, cv.PeakAt); v != float64(tc.want.PeakInUse) {
			t.Errorf("%s curve of %s holds %v at its peak instant, truth %d", tc.period, cv.SubnetID, v, tc.want.PeakInUse)
		}
	}
	// The before's subnet in the after period is drawn too, not named;
	// the after's new subnet held nothing before, so it has no before curve.
	if cv := curve(report.PeriodAfter, wantBefore.SubnetID); cv.Named {
		t.Errorf("the before's subnet is named in the after period")
	}
	if n := len(c.Overlays.Occupancy); n != 3 {
		t.Errorf("%d occupancy curves, want 3 (before's subnet before and after, after's subnet after)", n)
	}

	for _, tc := range []struct {
		period string
		truth  diskfull.Truth
	}{{report.PeriodBefore, diskBefore.Truth}, {report.PeriodAfter, diskAfter.Truth}} {
		var d *report.DiskCurve
		for i := range c.Overlays.ExecutorDisk {
			if c.Overlays.ExecutorDisk[i].Period == tc.period {
				d = &c.Overlays.ExecutorDisk[i]
			}
		}
		if d == nil || len(d.Apps) != 1 || d.Apps[0] != tc.truth.AppID {
			t.Fatalf("%s disk curve %+v, want app %s", tc.period, d, tc.truth.AppID)
		}
		var top diskfull.ExecutorPeak
		for _, p := range tc.truth.Peaks {
			if p.PeakBytes > top.PeakBytes {
				top = p
			}
		}
		if d.PeakBytes != tc.truth.PeakDiskBytes || d.PeakExecutor != top.Executor || d.PeakAt == nil || d.PeakAt.Sub(top.PeakAt).Abs() > time.Second {
			t.Errorf("%s disk peak %d B of executor %s at %v; truth %d B of executor %s at %s", tc.period, d.PeakBytes, d.PeakExecutor, d.PeakAt, tc.truth.PeakDiskBytes, top.Executor, top.PeakAt)
		}
		if d.UsableDiskBytes == nil || *d.UsableDiskBytes != tc.truth.UsableDiskBytes {
			t.Errorf("%s usable disk %v, truth %d", tc.period, d.UsableDiskBytes, tc.truth.UsableDiskBytes)
		}
		// The envelope never goes above the truth's peak and reaches it.
		hit := false
		for _, pt := range d.Points {
			if pt.Value > float64(tc.truth.PeakDiskBytes) {
				t.Errorf("%s disk curve at %s: %v B above the truth's peak", tc.period, pt.At, pt.Value)
			}
			hit = hit || pt.Value == float64(tc.truth.PeakDiskBytes)
		}
		if !hit {
			t.Errorf("%s disk curve never reaches the truth's peak %d B", tc.period, tc.truth.PeakDiskBytes)
		}
	}

	// A before span after the disk-full run has ended holds no Spark
	// application: its disk curve is empty, the after's still drawn.
	late := report.Span{From: time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)}
	c2, err := report.BuildCompare(ctx, st, late, report.Span{From: day(9).From.Add(6 * time.Hour), To: day(9).From.Add(12 * time.Hour)}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if d := c2.Overlays.ExecutorDisk; len(d) != 2 || len(d[0].Apps) != 0 || len(d[0].Points) != 0 || len(d[1].Apps) != 0 {
		t.Errorf("disk curves of 06:00–12:00 on both days: %+v, want none (the Spark runs were at 02:00)", d)
	}
}
