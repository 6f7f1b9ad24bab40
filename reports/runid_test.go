package reports

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/gluelens/gluelens/analysis/plan"
)

// plan thresholds names the run behind each threshold by the short id
// the tables use; --wide and JSON keep the full id.
func TestThresholdRunIDs(t *testing.T) {
	full := "jr_7353c865" + strings.Repeat("ab", 26) + "cdef"
	at := time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)
	ts := []plan.Threshold{{Category: "ingest", Threshold: 71, MaxIPsPerRun: 10, MaxRun: full, MaxRunStart: at, BufferRule: "lingering", Buffer: 61,
		BufferAt: &at, WindowDays: 14, WindowStart: at.AddDate(0, 0, -14), WindowEnd: at, EvidenceStart: at.AddDate(0, 0, -14), EvidenceEnd: at}}
	for _, c := range []struct {
		name      string
		out       Output
		want, not string
	}{
		{"table", Output{Format: FormatTable}, "10 per run (run jr_7353c865…, started 2026-11-02 06:00:00Z)", full},
		{"wide", Output{Format: FormatTable, Display: Display{Wide: true}}, "10 per run (run " + full + ", started", "jr_7353c865…"},
		{"json", Output{Format: FormatJSON}, `"max_run_id": "` + full + `"`, "…"},
	} {
		var b bytes.Buffer
		if err := c.out.Write(&b, ts); err != nil {
			t.Fatal(err)
		}
		if got := b.String(); !strings.Contains(got, c.want) || strings.Contains(got, c.not) {
			t.Errorf("%s: want %q and not %q in\n%s", c.name, c.want, c.not, got)
		}
	}
}
