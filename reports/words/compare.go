package words

import (
	"fmt"
	"math"

	"github.com/gluelens/gluelens/analysis/report"
)

// MetricChange labels how a before/after metric changed: "−44 %", "+12 %",
// "+3 (from 0)", "same", or "" when either side is missing.
func MetricChange(m report.Metric) string {
	if m.Before == nil || m.After == nil {
		return ""
	}
	before, after := *m.Before, *m.After
	switch {
	case before == after:
		return "same"
	case before == 0:
		return fmt.Sprintf("+%s (from 0)", trimFloat(after))
	}
	pct := 100 * (after - before) / before
	sign := "+"
	if pct < 0 {
		sign = "−"
	}
	return fmt.Sprintf("%s%.0f %%", sign, math.Abs(pct))
}

// trimFloat renders a whole number without decimals, else with one.
func trimFloat(f float64) string {
	if f == math.Trunc(f) {
		return fmt.Sprintf("%.0f", f)
	}
	return fmt.Sprintf("%.1f", f)
}
