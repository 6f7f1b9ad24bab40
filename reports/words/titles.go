package words

import (
	"fmt"

	"github.com/gluelens/gluelens/analysis/report"
)

// TrendLabel names a window of the capacity trend: its ISO week
// ("2026-W47") when it is a calendar week, else "this window" or how many
// windows back it is ("−2").
func TrendLabel(t report.TrendWeek) string {
	switch {
	case t.Week > 0:
		return fmt.Sprintf("%d-W%02d", t.Year, t.Week)
	case t.Offset > 0:
		return fmt.Sprintf("−%d", t.Offset)
	}
	return "this window"
}

// Title is a report's title: what failed and when for an incident, the
// window of a capacity report, the two periods of a comparison. Its
// instants are in UTC whatever zone the report is shown in.
func Title(v any) string {
	switch r := v.(type) {
	case *report.Incident:
		at := Stamp(r.Failure.At.UTC())
		switch r.Class {
		case report.ClassIPExhaustion:
			return "Subnet IP exhaustion in " + r.Failure.SubnetID + " at " + at
		case report.ClassDiskFull:
			return "Worker disk full at " + at
		case report.ClassBoth:
			return "Subnet IP exhaustion and worker disk full at " + at
		}
		return "Job failure at " + at
	case *report.Capacity:
		return "Capacity " + Stamp(r.Header.From.UTC()) + " – " + Stamp(r.Header.To.UTC())
	case *report.Compare:
		b, a := r.Results.Before, r.Results.After
		return fmt.Sprintf("Before %s – %s vs after %s – %s", Stamp(b.From.UTC()), Stamp(b.To.UTC()), Stamp(a.From.UTC()), Stamp(a.To.UTC()))
	}
	return ""
}
