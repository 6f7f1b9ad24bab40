package words_test

import (
	"testing"
	"time"

	"github.com/gluelens/gluelens/analysis/report"
	"github.com/gluelens/gluelens/reports/words"
)

func TestOverlayWords(t *testing.T) {
	day := func(d, h int) report.Span {
		f := time.Date(2026, 11, d, h, 0, 0, 0, time.UTC)
		return report.Span{From: f, To: f.Add(24 * time.Hour)}
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	both := []report.DiskCurve{{Period: "before", Apps: []string{"a"}}, {Period: "after", Apps: []string{"b"}}}
	noBefore := []report.DiskCurve{{Period: "before"}, {Period: "after", Apps: []string{"b"}}}
	neither := []report.DiskCurve{{Period: "before"}, {Period: "after"}}
	for _, c := range []struct{ name, got, want string }{
		{"into", words.Into(6*time.Hour + 1*time.Minute + 7*time.Second), "6 h 01 min into the period"},
		{"into, minutes", words.Into(48*time.Minute + 59*time.Second), "48 min into the period"},
		{"disk in both", words.NoDiskCurve(both), ""},
		{"disk in after only", words.NoDiskCurve(noBefore), "No Spark event log in the database covers the before period, so only the after is drawn."},
		{"disk in neither", words.NoDiskCurve(neither), "No Spark event log in the database covers either period, so the executors' local disk cannot be compared."},
		{"named curve", words.CurveName(report.OccupancyCurve{Period: "before", SubnetID: "subnet-1", Name: "shared", CIDR: "10.0.0.0/26", Named: true}), "before: shared (subnet-1) /26"},
		{"other curve", words.CurveName(report.OccupancyCurve{Period: "after", SubnetID: "subnet-1", CIDR: "10.0.0.0/26"}), "after: subnet-1 /26, the before's subnet"},
		{"axis of days", words.OverlayAxis(words.DayAligned(day(2, 0), day(9, 0), time.UTC), time.UTC), "hour of day (UTC)"},
		// Midnight UTC is 01:00 in Berlin: not days there.
		{"axis of days elsewhere", words.OverlayAxis(words.DayAligned(day(2, 0), day(9, 0), berlin), berlin), "hours since the period's start"},
		{"axis of days in Berlin", words.OverlayAxis(words.DayAligned(day(1, 23), day(8, 23), berlin), berlin), "hour of day (Europe/Berlin)"},
		{"axis of hours", words.OverlayAxis(words.DayAligned(day(2, 6), day(9, 0), time.UTC), time.UTC), "hours since the period's start"},
	} {
		if c.got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, c.got, c.want)
		}
	}
}
