package words

import (
	"fmt"
	"time"

	"github.com/gluelens/gluelens/analysis/report"
)

// DayAligned reports whether both periods of a comparison are whole days
// starting at midnight in loc, so the time since each period's start is
// the time of day there.
func DayAligned(before, after report.Span, loc *time.Location) bool {
	for _, s := range []report.Span{before, after} {
		f := s.From.In(loc)
		if f.Hour() != 0 || f.Minute() != 0 || f.Second() != 0 || f.Nanosecond() != 0 || s.To.Sub(s.From) > 24*time.Hour {
			return false
		}
	}
	return true
}

// OverlayAxis names the time axis of the before/after overlays: the hour
// of the day in loc when both periods are days, else the hours since each
// period's start.
func OverlayAxis(dayAligned bool, loc *time.Location) string {
	if dayAligned {
		return "hour of day (" + loc.String() + ")"
	}
	return "hours since the period's start"
}

// Into says how far into its period an instant lies: "6 h 01 min into the
// period" (whole minutes, rounded down).
func Into(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	if h == 0 {
		return fmt.Sprintf("%d min into the period", m)
	}
	return fmt.Sprintf("%d h %02d min into the period", h, m)
}

// CurveName names one occupancy curve of the overlay: its period and its
// subnet ("before: subnet-0d1e… (/26)"), and, for a subnet the period does
// not report its peak in, which period's subnet it is.
func CurveName(c report.OccupancyCurve) string {
	s := c.Period + ": " + c.SubnetID
	if c.Name != "" {
		s = c.Period + ": " + c.Name + " (" + c.SubnetID + ")"
	}
	if p := prefix(c.CIDR); p != "" {
		s += " " + p
	}
	if !c.Named {
		other := report.PeriodBefore
		if c.Period == report.PeriodBefore {
			other = report.PeriodAfter
		}
		s += ", the " + other + "'s subnet"
	}
	return s
}

func prefix(cidr string) string {
	for i := len(cidr) - 1; i >= 0; i-- {
		if cidr[i] == '/' {
			return cidr[i:]
		}
	}
	return ""
}

// NoDiskCurve says which periods no Spark event log covers ("" when both
// have one), so the executor-disk overlay draws only the others.
func NoDiskCurve(curves []report.DiskCurve) string {
	var none []string
	for _, c := range curves {
		if len(c.Apps) == 0 {
			none = append(none, c.Period)
		}
	}
	switch len(none) {
	case 0:
		return ""
	case len(curves):
		return "No Spark event log in the database covers either period, so the executors' local disk cannot be compared."
	}
	return fmt.Sprintf("No Spark event log in the database covers the %s period, so only the %s is drawn.", List(none), otherPeriods(curves, none))
}

func otherPeriods(curves []report.DiskCurve, none []string) string {
	var out []string
	for _, c := range curves {
		missing := false
		for _, n := range none {
			missing = missing || n == c.Period
		}
		if !missing {
			out = append(out, c.Period)
		}
	}
	return List(out)
}

// clockIn is t's time of day in loc with the zone: "06:01:07 UTC".
func clockIn(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("15:04:05 MST")
}

// alignment says how the overlays line the periods up.
func alignment(c *report.Compare, loc *time.Location) string {
	if DayAligned(c.Results.Before.Span, c.Results.After.Span, loc) {
		return "Both periods are days, so each curve is drawn at its time of day (" + loc.String() + ") and the same hour lines up"
	}
	return "Each curve is drawn at the time since the start of its period (before from " + c.Results.Before.From.In(loc).Format("2006-01-02 15:04 MST") +
		", after from " + c.Results.After.From.In(loc).Format("2006-01-02 15:04 MST") + ")"
}

// OccupancyOverlayCaption explains the occupancy overlay and names its
// peaks.
func OccupancyOverlayCaption(c *report.Compare, loc *time.Location) string {
	s := alignment(c, loc) + ". Solid: the subnet each period reports its peak utilization in; dashed: the other period's subnet, where it held IPs in that period. Step series of the IPs held by ENIs (deletes apply before creates at the same instant); dashed red: usable IPs (2^(32−prefix) − 5); red triangles: refused ENI creates."
	for _, cv := range c.Overlays.Occupancy {
		if !cv.Named {
			continue
		}
		s += fmt.Sprintf(" %s peaked at %d", upper(cv.Period), cv.Peak)
		if cv.UsableIPs != nil {
			s += fmt.Sprintf(" of %d", *cv.UsableIPs)
		}
		s += " at " + clockIn(cv.PeakAt, loc) + "."
	}
	return s
}

// DiskCurveName names one executor-disk curve: its period and its
// applications.
func DiskCurveName(c report.DiskCurve) string {
	if len(c.Apps) == 1 {
		return c.Period + ": " + c.Apps[0]
	}
	return fmt.Sprintf("%s: %d Spark applications", c.Period, len(c.Apps))
}

// DiskOverlayCaption explains the executor-disk overlay, names its peaks
// and which period has no Spark event log.
func DiskOverlayCaption(c *report.Compare, loc *time.Location) string {
	s := alignment(c, loc) + ". At each instant the highest estimated local disk of any executor (shuffle files written by finished map tasks plus the spill of running tasks; Spark logs no disk usage); dashed red: what the worker type can use."
	for _, cv := range c.Overlays.ExecutorDisk {
		if len(cv.Apps) == 0 || cv.PeakAt == nil {
			continue
		}
		s += fmt.Sprintf(" %s peaked at %s (executor %s) at %s.", upper(cv.Period), Bytes(cv.PeakBytes), cv.PeakExecutor, clockIn(*cv.PeakAt, loc))
	}
	if n := NoDiskCurve(c.Overlays.ExecutorDisk); n != "" {
		s += " " + n
	}
	return s
}

// KeyPoint is one row of the overlays' key points (the Markdown table).
type KeyPoint struct {
	Curve, Peak, Of, When, Refused string
}

// OccupancyKeyPoints lists each occupancy curve's peak and when.
func OccupancyKeyPoints(c *report.Compare, loc *time.Location) []KeyPoint {
	var out []KeyPoint
	for _, cv := range c.Overlays.Occupancy {
		k := KeyPoint{Curve: CurveName(cv), Peak: fmt.Sprintf("%d IPs", cv.Peak), Of: "—", Refused: fmt.Sprint(len(cv.RefusedAt))}
		if cv.UsableIPs != nil {
			k.Of = fmt.Sprintf("%d usable", *cv.UsableIPs)
		}
		k.When = clockIn(cv.PeakAt, loc) + ", " + Into(cv.PeakAt.Sub(start(c, cv.Period)))
		out = append(out, k)
	}
	return out
}

// DiskKeyPoints lists each period's executor-disk peak and when, or that
// no Spark event log covers it.
func DiskKeyPoints(c *report.Compare, loc *time.Location) []KeyPoint {
	var out []KeyPoint
	for _, cv := range c.Overlays.ExecutorDisk {
		if len(cv.Apps) == 0 || cv.PeakAt == nil {
			out = append(out, KeyPoint{Curve: cv.Period, Peak: "—", Of: "—", When: "no Spark event log covers this period"})
			continue
		}
		k := KeyPoint{Curve: DiskCurveName(cv) + ", executor " + cv.PeakExecutor, Peak: Bytes(cv.PeakBytes), Of: "—"}
		if cv.UsableDiskBytes != nil {
			k.Of = Disk(*cv.UsableDiskBytes) + " usable"
		}
		k.When = clockIn(*cv.PeakAt, loc) + ", " + Into(cv.PeakAt.Sub(start(c, cv.Period)))
		out = append(out, k)
	}
	return out
}

func start(c *report.Compare, period string) time.Time {
	if period == report.PeriodBefore {
		return c.Results.Before.From
	}
	return c.Results.After.From
}
