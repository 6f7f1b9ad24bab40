package words_test

import (
	"testing"
	"time"

	"github.com/gluelens/gluelens/analysis/report"
	"github.com/gluelens/gluelens/reports/words"
)

func TestUnitsTitlesAndLabels(t *testing.T) {
	at := time.Date(2026, 11, 2, 6, 4, 37, 0, time.FixedZone("CET", 3600))
	day := report.Span{From: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)}
	week := report.Span{From: time.Date(2026, 11, 9, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)}
	incident := func(class string) *report.Incident {
		return &report.Incident{Class: class, Failure: report.Failure{At: at, SubnetID: "subnet-1"}}
	}
	for _, c := range []struct {
		name, got, want string
	}{
		{"bytes below a KiB", words.Bytes(1023), "1023 B"},
		{"bytes KiB", words.Bytes(1536), "1.5 KiB"},
		{"bytes GiB", words.Bytes(3 << 30), "3.0 GiB"},
		{"bytes PiB", words.Bytes(5 << 50), "5.0 PiB"},
		{"bytes EiB", words.Bytes(2 << 60), "2.0 EiB"},
		{"ip incident", words.Title(incident(report.ClassIPExhaustion)), "Subnet IP exhaustion in subnet-1 at 2026-11-02 05:04:37 UTC"},
		{"disk incident", words.Title(incident(report.ClassDiskFull)), "Worker disk full at 2026-11-02 05:04:37 UTC"},
		{"both", words.Title(incident(report.ClassBoth)), "Subnet IP exhaustion and worker disk full at 2026-11-02 05:04:37 UTC"},
		{"other", words.Title(incident(report.ClassOther)), "Job failure at 2026-11-02 05:04:37 UTC"},
		{"capacity", words.Title(&report.Capacity{Header: report.Header{From: week.From, To: week.To}}), "Capacity 2026-11-09 00:00:00 UTC – 2026-11-16 00:00:00 UTC"},
		{"compare", words.Title(&report.Compare{Results: report.Comparison{Before: report.Period{Span: day}, After: report.Period{Span: week}}}),
			"Before 2026-11-02 00:00:00 UTC – 2026-11-03 00:00:00 UTC vs after 2026-11-09 00:00:00 UTC – 2026-11-16 00:00:00 UTC"},
		{"this window", words.TrendLabel(report.TrendWeek{}), "this window"},
		{"windows back", words.TrendLabel(report.TrendWeek{Offset: 2}), "−2"},
		{"iso week", words.TrendLabel(report.TrendWeek{Offset: 3, Year: 2026, Week: 7}), "2026-W07"},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
}
