package words_test

import (
	"testing"

	"github.com/gluelens/gluelens/analysis/report"
	"github.com/gluelens/gluelens/reports/words"
)

func TestMetricChange(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, c := range []struct {
		name   string
		m      report.Metric
		change string
		better string // "", "true" or "false"
	}{
		{"fall", report.Metric{Before: f(25), After: f(14), LowerIsBetter: true}, "−44 %", "true"},
		{"rise", report.Metric{Before: f(8), After: f(9), LowerIsBetter: true}, "+12 %", "false"},
		{"from 0, whole", report.Metric{Before: f(0), After: f(3), LowerIsBetter: true}, "+3 (from 0)", "false"},
		{"from 0, fraction", report.Metric{Before: f(0), After: f(0.25), LowerIsBetter: true}, "+0.2 (from 0)", "false"},
		{"same", report.Metric{Before: f(4), After: f(4), LowerIsBetter: true}, "same", ""},
		{"not judged", report.Metric{Before: f(24), After: f(168)}, "+600 %", ""},
		{"after missing", report.Metric{Before: f(1), LowerIsBetter: true}, "", ""},
		{"before missing", report.Metric{After: f(1), LowerIsBetter: true}, "", ""},
	} {
		if got := words.MetricChange(c.m); got != c.change {
			t.Errorf("%s: change %q, want %q", c.name, got, c.change)
		}
		got := ""
		if b := c.m.Better(); b != nil {
			got = map[bool]string{true: "true", false: "false"}[*b]
		}
		if got != c.better {
			t.Errorf("%s: better %q, want %q", c.name, got, c.better)
		}
	}
}
