package reports_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gluelens/gluelens/analysis/report"
	"github.com/gluelens/gluelens/internal/reportfixture"
	"github.com/gluelens/gluelens/internal/synth"
	"github.com/gluelens/gluelens/internal/synth/diskfull"
	"github.com/gluelens/gluelens/reports"
	"github.com/gluelens/gluelens/reports/html"
	"github.com/gluelens/gluelens/reports/words"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

var opts = report.Options{Now: reportfixture.Now, Version: "test"}

// findings is one report built from a synth scenario.
type findings struct {
	name  string // fixture name: testdata/<name>.<format>.golden
	write func(reports.ReportWriter, *bytes.Buffer) error
	// rootCause is the sentence the HTML must show ("" for capacity and
	// compare reports).
	rootCause string
}

// build ingests the week (both failure modes) and, into a second
// database, the ip-exhaustion day with the after-fix day a week later, and
// builds every report type from them.
func build(t *testing.T) []findings {
	ctx := context.Background()
	week, disk := reportfixture.Week(t, 1)
	wst := reportfixture.Store(t, "week.duckdb", week.Dir)
	ip := reportfixture.Write(t, synth.IPExhaustion(), 1)
	af, err := synth.Generate(synth.AfterFix(), synth.AfterFixSeed(1))
	if err != nil {
		t.Fatal(err)
	}
	afDir := filepath.Join(t.TempDir(), "after-fix")
	if err := af.WriteDir(afDir); err != nil {
		t.Fatal(err)
	}
	// The disk-full run on the before day and its fixed run a week later,
	// as `make demo` ingests them.
	diskDir := filepath.Join(t.TempDir(), "disk-full")
	if _, err := diskfull.Write(diskDir, diskfull.DefaultParams(1)); err != nil {
		t.Fatal(err)
	}
	fixed, err := diskfull.AfterFixParams(diskfull.DefaultParams(1))
	if err != nil {
		t.Fatal(err)
	}
	fixed.Start = time.Date(2026, 11, 9, 2, 0, 0, 0, time.UTC)
	if _, err := diskfull.Write(filepath.Join(afDir, "spark"), fixed); err != nil {
		t.Fatal(err)
	}
	cst := reportfixture.Store(t, "compare.duckdb", ip.Dir, diskDir, afDir)

	first := week.Truth.FailedCreates[0]
	ipInc, err := report.BuildIncident(ctx, wst, report.IncidentQuery{At: first.At.Time, Subnet: first.SubnetID}, opts)
	if err != nil {
		t.Fatal(err)
	}
	diskInc, err := report.BuildIncident(ctx, wst, report.IncidentQuery{RunID: disk.GlueRunID}, opts)
	if err != nil {
		t.Fatal(err)
	}
	// The numbers the goldens show come from the generator's own
	// simulation (truth.json), not from this code.
	if ip := ipInc.IP; ip == nil || ip.InUse != int64(first.InUse) || ip.HeldByRunningRuns != int64(first.HeldByRunningRuns) ||
		ip.HeldByFinishedRuns != int64(first.HeldByFinishedRuns) || ip.HeldByNonGlue != int64(first.HeldByNonGlue) || ip.Unattributed != int64(first.Unattributed) {
		t.Fatalf("IP incident split %+v differs from truth %+v", ipInc.IP, first)
	}
	if d := diskInc.Disk; d == nil || d.Executor != disk.FailingExecutor || d.DiskAt.Sub(disk.DiskFullAt).Abs() > time.Second {
		t.Fatalf("disk incident names executor %v, want %s at %s", d, disk.FailingExecutor, disk.DiskFullAt)
	}
	monday := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	capacity, err := report.BuildCapacity(ctx, wst, monday, monday.AddDate(0, 0, 7), opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range week.Truth.Subnets {
		for _, got := range capacity.Subnets {
			if got.SubnetID == want.SubnetID && (got.PeakInUse != int64(want.PeakInUse) || got.FailedCreates != int64(want.FailedCreates)) {
				t.Fatalf("capacity of %s: peak %d, failed %d; truth %d, %d", want.SubnetID, got.PeakInUse, got.FailedCreates, want.PeakInUse, want.FailedCreates)
			}
		}
	}
	day := func(d int) report.Span {
		f := time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC)
		return report.Span{From: f, To: f.AddDate(0, 0, 1)}
	}
	cmp, err := report.BuildCompare(ctx, cst, day(2), day(9), opts)
	if err != nil {
		t.Fatal(err)
	}
	ipFirst, after := ip.Truth.FailedCreates[0], day(9)
	withResults, err := report.BuildIncident(ctx, cst, report.IncidentQuery{At: ipFirst.At.Time, Subnet: ipFirst.SubnetID, After: &after}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if r := withResults.Results; r == nil || r.Before.FailedCreates == 0 || r.After.FailedCreates != 0 || withResults.IP.InUse != int64(ipFirst.InUse) {
		t.Fatalf("incident with results: %+v", withResults.Results)
	}
	return []findings{
		{"incident-ip-exhaustion", func(w reports.ReportWriter, b *bytes.Buffer) error { return w.WriteIncident(b, ipInc) }, words.RootCause(ipInc)},
		{"incident-disk-full", func(w reports.ReportWriter, b *bytes.Buffer) error { return w.WriteIncident(b, diskInc) }, words.RootCause(diskInc)},
		{"capacity-week", func(w reports.ReportWriter, b *bytes.Buffer) error { return w.WriteCapacity(b, capacity) }, ""},
		{"compare-after-fix", func(w reports.ReportWriter, b *bytes.Buffer) error { return w.WriteCompare(b, cmp) }, ""},
		{"incident-with-results", func(w reports.ReportWriter, b *bytes.Buffer) error { return w.WriteIncident(b, withResults) }, words.RootCause(withResults)},
	}
}

// libraryMarker stands for the inline ECharts library in HTML goldens; its
// bytes are checked by the html package's checksum test.
const libraryMarker = "/* echarts.min.js 5.4.3, see reports/html/assets/SHA256SUMS */"

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s (run go test -update to create it): %v", path, err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("%s differs at line %d:\n got: %.300s\nwant: %.300s\n(run go test -update if the change is intended)", path, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s differs in length: %d lines, want %d (run go test -update if the change is intended)", path, len(gl), len(wl))
	}
}

// Every report type in every format, against golden files, then each HTML
// report in a real headless Chromium with the network off.
func TestGoldenReports(t *testing.T) {
	for _, f := range build(t) {
		out := map[string][]byte{}
		for _, format := range []string{reports.FormatHTML, reports.FormatJSON, reports.FormatMarkdown} {
			w, err := reports.NewReportWriter(format)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := f.write(w, &buf); err != nil {
				t.Fatalf("%s.%s: %v", f.name, format, err)
			}
			got := buf.Bytes()
			out[format] = got
			if format == reports.FormatHTML {
				got = bytes.Replace(got, html.EChartsJS(), []byte(libraryMarker), 1)
				if bytes.Equal(got, buf.Bytes()) && bytes.Contains(got, []byte("<script>")) {
					t.Errorf("%s.html: the ECharts library is not inline", f.name)
				}
			}
			golden(t, f.name+"."+format, got)
			if format == reports.FormatHTML {
				t.Run(f.name+"/browser", func(t *testing.T) { browse(t, f, buf.Bytes()) })
			}
		}
		summaryAgrees(t, f.name, out[reports.FormatHTML], out[reports.FormatJSON])
	}
}

func browse(t *testing.T, f findings, page []byte) {
	file := filepath.Join(t.ArtifactDir(), f.name+".html")
	if err := os.WriteFile(file, page, 0o644); err != nil {
		t.Fatal(err)
	}
	texts := []string{"#title"}
	if f.rootCause != "" {
		texts = append(texts, "#root-cause")
	}
	// The summary's four parts and how far down the page they end.
	parts := []string{"#summary-impact", "#summary-cause", "#summary-change", "#summary-status"}
	texts = append(texts, parts...)
	bottom := `Math.max.apply(null, ['summary-impact','summary-cause','summary-change','summary-status'].map(function (id) { var r = document.getElementById(id).getBoundingClientRect(); return r.bottom + window.scrollY; }))`
	// Each chart's legend (the names and colours its items show) and its
	// series (names, ids, data points and the colours they are drawn in).
	legends := chartsProbe
	var shots []string
	if f.name == "compare-after-fix" {
		// The overlays, kept as artefacts of their own.
		shots = []string{"#chart-compare-occupancy", "#chart-compare-disk"}
	}
	p := reportfixture.OpenRequest(t, file, reportfixture.Request{Texts: texts,
		Evals: []string{"typeof echarts", bottom, "document.documentElement.clientWidth", legends, overflowProbe}, Shots: shots})
	if o := p.Eval[overflowProbe]; o != "" {
		t.Errorf("wider than the page's text column at %d px: %s", reportfixture.Width, o)
	}
	legendsMatch(t, p.Eval[legends])
	for _, sel := range shots {
		if len(p.Shots[sel]) == 0 {
			t.Errorf("no screenshot of %s", sel)
			continue
		}
		t.Logf("screenshot: %s", reportfixture.Keep(t, f.name+"-"+strings.TrimPrefix(sel, "#")+".png", p.Shots[sel]))
	}
	if w := p.Eval["document.documentElement.clientWidth"]; w != fmt.Sprint(reportfixture.Width) {
		t.Errorf("page width %s px, want %d", w, reportfixture.Width)
	}
	if b, err := strconv.ParseFloat(p.Eval[bottom], 64); err != nil || b > 1000 {
		t.Errorf("the summary ends at %s px, want within the first 1000 px at %d px wide", p.Eval[bottom], reportfixture.Width)
	} else {
		t.Logf("%s: the summary ends at %.0f px", f.name, b)
	}
	for _, sel := range parts {
		if len(strings.TrimSpace(p.Texts[sel])) < 40 {
			t.Errorf("%s says only %q", sel, p.Texts[sel])
		}
	}
	if len(p.Console) > 0 {
		t.Errorf("console errors: %q", p.Console)
	}
	if len(p.Requests) > 0 {
		t.Errorf("the report asked the network for %q", p.Requests)
	}
	if p.Eval["typeof echarts"] != "object" {
		t.Errorf("ECharts did not load: typeof echarts = %s", p.Eval["typeof echarts"])
	}
	if len(p.Charts) == 0 {
		t.Error("no chart rendered")
	}
	for id, series := range p.Charts {
		if len(series) == 0 {
			t.Errorf("chart %s has no series", id)
		}
		for i, n := range series {
			if n == 0 {
				t.Errorf("chart %s series %d has no data", id, i)
			}
		}
	}
	if f.rootCause != "" && strings.TrimSpace(p.Texts["#root-cause"]) != f.rootCause {
		t.Errorf("root cause shown = %q, want %q", p.Texts["#root-cause"], f.rootCause)
	}
	t.Logf("screenshot: %s", reportfixture.Keep(t, f.name+".png", p.Screenshot))
	if !bytes.HasPrefix(p.PDF, []byte("%PDF-")) {
		t.Errorf("printing gave %d bytes that are not a PDF", len(p.PDF))
	} else {
		reportfixture.Keep(t, f.name+".pdf", p.PDF)
	}
	t.Logf("%s: %d bytes, %d charts, first contentful paint %.0f ms, PDF %d bytes", f.name, len(page), len(p.Charts), p.FirstPaintMS, len(p.PDF))
}

// overflowProbe lists the tables, code blocks, figures and charts whose
// right edge passes the right edge of the body's text column (by more than
// a pixel), each as its section (or tag) and by how much: "" when none does.
const overflowProbe = `(function () {
  var b = document.body.getBoundingClientRect(), cs = getComputedStyle(document.body);
  var right = b.right - parseFloat(cs.paddingRight) + 1, out = [];
  document.querySelectorAll('table, pre, figure, .chart, .advice').forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > right) {
      var s = el.closest('section');
      out.push((s && s.id ? s.id + ' ' : '') + el.tagName.toLowerCase() + ' by ' + Math.round(r.right - right) + ' px');
    }
  });
  return out.join('; ');
})()`

// chartsProbe reads, for every chart on the page, what its legend shows
// and what its series draw, from ECharts' own model and the shapes it
// rendered (the legend items' icons, the series' lines, areas, bars and
// symbols), colours normalised by the canvas ("#rrggbb"). White and black
// are left out: they are a line icon's fill and an empty symbol's inside.
const chartsProbe = `JSON.stringify((window.gluelensChartIDs || []).map(function (id) {
  var chart = echarts.getInstanceByDom(document.getElementById(id));
  var ctx = document.createElement('canvas').getContext('2d');
  function add(set, c) {
    if (typeof c !== 'string' || c === 'none' || c === 'transparent') { return; }
    ctx.fillStyle = '#010203'; ctx.fillStyle = c;
    var v = ctx.fillStyle;
    if (v !== '#010203' && v !== '#ffffff' && v !== '#000000') { set[v] = true; }
  }
  function colours(group) {
    var set = {};
    group.traverse(function (el) {
      if (el.invisible || !el.style || el.type === 'text' || el.type === 'tspan') { return; }
      add(set, el.style.fill); add(set, el.style.stroke);
    });
    return Object.keys(set).sort();
  }
  var legend = [];
  chart.getModel().eachComponent('legend', function (lm) {
    chart.getViewOfComponentModel(lm).getContentGroup().children().forEach(function (item) {
      var name = '';
      item.traverse(function (el) { if (el.type === 'text' && !name) { name = el.style.text; } });
      legend.push({name: name, colours: colours(item)});
    });
  });
  var series = chart.getModel().getSeries().map(function (s) {
    return {name: s.name, id: String(s.id || ''), data: s.getData().count(), colours: colours(chart.getViewOfSeriesModel(s).group)};
  });
  return {id: id, legend: legend, series: series};
}))`

// noLegend is the series id prefix of a series left out of its legend on
// purpose (reports/html's legendOfSeries skips it).
const noLegend = "nolegend"

// legendsMatch checks every chart against its legend: each series has at
// least one data point; each legend item names a series and each series
// is in the legend (a series with a "nolegend" id is not); the colours a
// legend item shows are colours its series draw, and every series draws
// a colour its legend item shows.
func legendsMatch(t *testing.T, js string) {
	t.Helper()
	problems, err := legendProblems(js)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// legendProblems lists what legendsMatch finds wrong in chartsProbe's output.
func legendProblems(js string) ([]string, error) {
	var out []string
	errorf := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	type item struct {
		Name    string   `json:"name"`
		Colours []string `json:"colours"`
	}
	var cs []struct {
		ID     string `json:"id"`
		Legend []item `json:"legend"`
		Series []struct {
			Name    string   `json:"name"`
			ID      string   `json:"id"`
			Data    int      `json:"data"`
			Colours []string `json:"colours"`
		} `json:"series"`
	}
	if err := json.Unmarshal([]byte(js), &cs); err != nil {
		return nil, fmt.Errorf("reading the legends: %v (%s)", err, js)
	}
	if len(cs) == 0 {
		errorf("no chart to check")
	}
	for _, c := range cs {
		legend := map[string]item{}
		for _, l := range c.Legend {
			if _, dup := legend[l.Name]; dup {
				errorf("chart %s: legend entry %q twice", c.ID, l.Name)
			}
			legend[l.Name] = l
		}
		if len(legend) == 0 {
			errorf("chart %s has no legend", c.ID)
		}
		drawn := map[string]map[string]bool{} // series name → colours its series draw
		for _, s := range c.Series {
			if s.Data == 0 {
				errorf("chart %s: series %q has no data", c.ID, s.Name)
			}
			if len(s.Colours) == 0 {
				errorf("chart %s: series %q draws nothing in colour", c.ID, s.Name)
			}
			l, shown := legend[s.Name]
			if strings.HasPrefix(s.ID, noLegend) {
				if shown {
					errorf("chart %s: series %q is meant to stay out of the legend but is in it", c.ID, s.Name)
				}
				continue
			}
			if !shown {
				errorf("chart %s: series %q is not in its legend", c.ID, s.Name)
				continue
			}
			if drawn[s.Name] == nil {
				drawn[s.Name] = map[string]bool{}
			}
			for _, col := range s.Colours {
				drawn[s.Name][col] = true
			}
			if len(s.Colours) > 0 && !slices.ContainsFunc(s.Colours, func(x string) bool { return slices.Contains(l.Colours, x) }) {
				errorf("chart %s: series %q is drawn in %q, its legend item shows %q", c.ID, s.Name, s.Colours, l.Colours)
			}
		}
		for name, l := range legend {
			cols, ok := drawn[name]
			if !ok {
				errorf("chart %s: legend entry %q names no series", c.ID, name)
				continue
			}
			if len(l.Colours) == 0 {
				errorf("chart %s: legend entry %q shows no colour", c.ID, name)
			}
			for _, col := range l.Colours {
				if !cols[col] {
					errorf("chart %s: legend entry %q shows %s, which none of its series draws (%v)", c.ID, name, col, cols)
				}
			}
		}
	}
	return out, nil
}
