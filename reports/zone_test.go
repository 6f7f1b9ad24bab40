package reports_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gluelens/gluelens/analysis/report"
	"github.com/gluelens/gluelens/internal/reportfixture"
	"github.com/gluelens/gluelens/internal/synth"
	"github.com/gluelens/gluelens/reports"
)

// report … --tz Europe/Berlin shows the report's times in Berlin (CET,
// UTC+1 in November), the root cause's clock included, and names the zone
// in the header; the JSON (its sentences too) stays in UTC and the
// findings are not changed by rendering them.
func TestReportInZone(t *testing.T) {
	sc := reportfixture.Write(t, synth.IPExhaustion(), 1)
	st := reportfixture.Store(t, "ip.duckdb", sc.Dir)
	first := sc.Truth.FailedCreates[0]
	inc, err := report.BuildIncident(context.Background(), st, report.IncidentQuery{At: first.At.Time, Subnet: first.SubnetID}, opts)
	if err != nil {
		t.Fatal(err)
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	write := func(format string, loc *time.Location) string {
		var b bytes.Buffer
		if err := (reports.Output{Format: format, Display: reports.Display{TZ: loc}}).Write(&b, inc); err != nil {
			t.Fatalf("%s in %v: %v", format, loc, err)
		}
		return b.String()
	}
	utcHTML, utcMD, utcJSON := write(reports.FormatHTML, nil), write(reports.FormatMarkdown, nil), write(reports.FormatJSON, nil)

	// The first refused create, by hand: one hour later on the clock in CET.
	utcClock := first.At.UTC().Format("15:04:05")
	cetClock := first.At.UTC().Add(time.Hour).Format("15:04:05")
	cetStamp := first.At.UTC().Add(time.Hour).Format("2006-01-02 15:04:05") + " CET"
	from := inc.Header.From.UTC().Add(time.Hour).Format("2006-01-02 15:04:05") + " CET"
	for _, c := range []struct {
		format string
		want   []string
		not    []string
	}{
		{reports.FormatHTML, []string{`times in <span id="zone">Europe/Berlin</span>`, "Window " + from, cetClock,
			// The occupancy chart's axis starts at the window's start on Berlin's clock.
			fmt.Sprintf(`"min":%d`, inc.Header.From.UnixMilli()+3600_000)},
			[]string{fmt.Sprintf(`"min":%d`, inc.Header.From.UnixMilli()), "At " + utcClock + " "}},
		{reports.FormatMarkdown, []string{"times in Europe/Berlin", "_Window " + from, cetStamp, "**Root cause.** At " + cetClock + " "}, []string{"At " + utcClock + " "}},
	} {
		got := write(c.format, berlin)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s in Europe/Berlin does not show %q", c.format, w)
			}
		}
		for _, n := range c.not {
			if strings.Contains(got, n) {
				t.Errorf("%s in Europe/Berlin still shows %q", c.format, n)
			}
		}
	}
	if !strings.Contains(utcHTML, `times in <span id="zone">UTC</span>`) || !strings.Contains(utcHTML, "At "+utcClock+" ") || !strings.Contains(utcMD, "**Root cause.** At "+utcClock+" ") {
		t.Errorf("the UTC report does not name UTC or does not say the root cause at %s", utcClock)
	}
	if got := write(reports.FormatJSON, berlin); got != utcJSON {
		t.Error("--tz changed the JSON")
	}
	if !strings.Contains(utcJSON, first.At.UTC().Format("2006-01-02T15:04:05")) || !strings.Contains(utcJSON, `"root_cause": "At `+utcClock+" ") {
		t.Errorf("the JSON does not carry the failure at %s UTC in its data and its root cause", utcClock)
	}
	// Rendering in Berlin left the findings in UTC.
	if write(reports.FormatHTML, nil) != utcHTML || write(reports.FormatMarkdown, nil) != utcMD {
		t.Error("rendering in Europe/Berlin changed the findings: the UTC report differs afterwards")
	}
}
