package reports_test

import (
	"strings"
	"testing"
)

// The legend check finds each kind of mismatch in what chartsProbe reads
// (crafted probe output; the real one comes from Chromium in
// TestGoldenReports).
func TestLegendProblems(t *testing.T) {
	const ok = `{"id":"c","legend":[{"name":"running","colours":["#3b6fd4"]},{"name":"lingering","colours":["#f0a030"]}],
  "series":[{"name":"running","id":"","data":2,"colours":["#3b6fd4"]},{"name":"lingering","id":"","data":2,"colours":["#f0a030"]},{"name":"running","id":"","data":2,"colours":["#3b6fd4"]}]}`
	for _, c := range []struct {
		name, probe, want string
	}{
		{"all match", `[` + ok + `]`, ""},
		{"no chart", `[]`, "no chart to check"},
		{"empty series", `[{"id":"c","legend":[{"name":"a","colours":["#111111"]}],"series":[{"name":"a","data":0,"colours":["#111111"]}]}]`, `series "a" has no data`},
		{"series not in legend", `[{"id":"c","legend":[{"name":"a","colours":["#111111"]}],"series":[{"name":"a","data":1,"colours":["#111111"]},{"name":"b","data":1,"colours":["#222222"]}]}]`, `series "b" is not in its legend`},
		{"legend names nothing", `[{"id":"c","legend":[{"name":"a","colours":["#111111"]},{"name":"ghost","colours":["#333333"]}],"series":[{"name":"a","data":1,"colours":["#111111"]}]}]`, `legend entry "ghost" names no series`},
		// The issue-18 bug: the legend says blue, the bars are per-job colours.
		{"legend colour not drawn", `[{"id":"c","legend":[{"name":"running","colours":["#3b6fd4"]}],"series":[{"name":"running","data":1,"colours":["#aa0000"]},{"name":"running","data":1,"colours":["#00aa00"]}]}]`, `series "running" is drawn in ["#aa0000"], its legend item shows ["#3b6fd4"]`},
		{"legend shows a second colour", `[{"id":"c","legend":[{"name":"a","colours":["#111111","#999999"]}],"series":[{"name":"a","data":1,"colours":["#111111"]}]}]`, `legend entry "a" shows #999999, which none of its series draws`},
		{"legend without colour", `[{"id":"c","legend":[{"name":"a","colours":[]}],"series":[{"name":"a","data":1,"colours":["#111111"]}]}]`, `legend entry "a" shows no colour`},
		{"hidden on purpose", `[{"id":"c","legend":[{"name":"a","colours":["#111111"]}],"series":[{"name":"a","data":1,"colours":["#111111"]},{"name":"offset","id":"nolegend-offset","data":1,"colours":["#222222"]}]}]`, ""},
		{"hidden series in legend", `[{"id":"c","legend":[{"name":"a","colours":["#111111"]},{"name":"offset","colours":["#222222"]}],"series":[{"name":"a","data":1,"colours":["#111111"]},{"name":"offset","id":"nolegend-offset","data":1,"colours":["#222222"]}]}]`, `series "offset" is meant to stay out of the legend but is in it`},
	} {
		got, err := legendProblems(c.probe)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		joined := strings.Join(got, "\n")
		if c.want == "" && len(got) > 0 || c.want != "" && !strings.Contains(joined, c.want) {
			t.Errorf("%s: problems %q, want %q", c.name, got, c.want)
		}
	}
}
