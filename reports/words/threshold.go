package words

import (
	"fmt"
	"time"

	"github.com/gluelens/gluelens/analysis/plan"
)

// ThresholdRule says a launch threshold in a sentence: the rolling maxima
// behind it, each with the run or launch it was seen at, and the span of
// evidence they are taken over, named beside the window when it is
// shorter. Its instants are in UTC whatever the display zone: the sentence
// is also the rule attribute of the threshold's DynamoDB item.
func ThresholdRule(t plan.Threshold) string {
	stamp := func(x time.Time) string { return x.UTC().Format("2006-01-02 15:04 UTC") }
	var buffer string
	switch {
	case t.BufferRule == "fixed":
		buffer = fmt.Sprintf("a fixed buffer of %d", t.Buffer)
	case t.BufferAt != nil:
		buffer = fmt.Sprintf("the most IPs its ENIs still held after their run ended at one of its launches, %d (at the launch of %s)", t.Buffer, stamp(*t.BufferAt))
	default:
		buffer = "no IPs held by its ENIs after their run ended at any of its launches (0)"
	}
	window := fmt.Sprintf("over the %g-day window %s – %s", t.WindowDays, stamp(t.WindowStart), stamp(t.WindowEnd))
	if t.EvidenceStart.After(t.WindowStart) {
		window += fmt.Sprintf(", of which the evidence covers %.1f h (%s – %s): the maxima are over those hours only", t.EvidenceHours, stamp(t.EvidenceStart), stamp(t.EvidenceEnd))
	}
	return fmt.Sprintf("launch a run of %s only when its subnet has at least %d free IPs: the most one run asked for, %d (run %s, started %s), plus %s; %d runs %s",
		t.Category, t.Threshold, t.MaxIPsPerRun, t.MaxRun, stamp(t.MaxRunStart), buffer, t.Runs, window)
}
