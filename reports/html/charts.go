package html

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/gluelens/gluelens/analysis/report"
	"github.com/gluelens/gluelens/reports/words"
)

// chart is one ECharts instance on the page: go-echarts builds its
// option; the page script hands it to echarts.init/setOption.
type chart struct {
	ID      string
	Title   string
	Caption string
	Height  int // pixels
	option  map[string]any
	// hoursAxis: the x axis is in hours since a period's start; the page
	// labels it and the tooltip as h:mm (a JSON option cannot carry the
	// formatting function).
	hoursAxis bool
}

const (
	colorIdle    = "#a0a7b4"
	colorFailure = "#d62728"
)

// ms is t on a chart's time axis: milliseconds since the epoch, shifted by
// the offset of the zone t carries, so ECharts' UTC axis labels read as
// wall-clock time in that zone (the renderers move every instant into the
// display zone first; in UTC nothing shifts).
func ms(t time.Time) int64 {
	_, offset := t.Zone()
	return t.UnixMilli() + int64(offset)*1000
}

func round(f float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(f*p) / p
}

// finish turns a go-echarts chart into the option the page passes to
// setOption, with what go-echarts has no option for: UTC time axes, plain
// text tooltips (no HTML from log strings), no animation, a fixed grid.
func finish(c interface {
	Validate()
	JSON() map[string]interface{}
}, extra map[string]any) map[string]any {
	c.Validate()
	o := plain(c.JSON())
	o["useUTC"] = true
	o["animation"] = false
	o["tooltip"] = map[string]any{"trigger": "axis", "renderMode": "richText", "confine": true}
	bottom := 50
	if _, ok := o["dataZoom"]; ok {
		// Sit the slider between the axis and the legend.
		bottom = 80
		o["dataZoom"] = []map[string]any{{"type": "inside", "xAxisIndex": 0}, {"type": "slider", "xAxisIndex": 0, "height": 18, "bottom": 26}}
	}
	o["grid"] = map[string]any{"left": 60, "right": 40, "top": 40, "bottom": bottom, "containLabel": true}
	delete(o, "toolbox")
	delete(o, "title")
	for k, v := range extra {
		o[k] = v
	}
	legendOfSeries(o)
	return o
}

// plain turns go-echarts' option (typed structs) into plain maps and
// slices, so finish can edit any part of it.
func plain(o map[string]any) map[string]any {
	b, err := json.Marshal(o)
	if err != nil {
		panic(fmt.Sprintf("encoding a chart option: %v", err)) // go-echarts' own types always encode
	}
	out := map[string]any{}
	if err := json.Unmarshal(b, &out); err != nil {
		panic(fmt.Sprintf("decoding a chart option: %v", err))
	}
	return out
}

// legendOfSeries names every series in the legend, once per name, unless
// the chart set its legend's entries itself; a series whose id starts
// with noLegend is left out on purpose (the Chromium test checks both).
func legendOfSeries(o map[string]any) {
	lg, ok := o["legend"].(map[string]any)
	if !ok {
		return
	}
	if d, ok := lg["data"].([]any); ok && len(d) > 0 {
		return
	}
	var names []any
	seen := map[string]bool{}
	series, _ := o["series"].([]any)
	for _, x := range series {
		s, _ := x.(map[string]any)
		name, _ := s["name"].(string)
		if id, _ := s["id"].(string); strings.HasPrefix(id, noLegend) {
			continue
		}
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		names = append(names, name)
	}
	lg["data"] = names
}

// noLegend starts the id of a series kept out of its chart's legend.
const noLegend = "nolegend"

// zoom lets a reader zoom a time axis: the mouse wheel inside the chart
// and a slider under it.
func zoom() charts.GlobalOpts {
	return charts.WithDataZoomOpts(opts.DataZoom{Type: "inside", XAxisIndex: 0}, opts.DataZoom{Type: "slider", XAxisIndex: 0})
}

func initOpts(id string) charts.GlobalOpts {
	return charts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "100%", Height: "360px"})
}

func lineData(pts []report.Point, scale float64, digits int) []opts.LineData {
	out := make([]opts.LineData, len(pts))
	for i, p := range pts {
		out[i] = opts.LineData{Value: []any{ms(p.At), round(p.Value*scale, digits)}}
	}
	return out
}

// Holder colours: the occupancy chart's stack and the timeline's bars use
// the same colour for the same holder class.
var holderColor = map[string]string{
	report.HolderRunning:      "#3b6fd4",
	report.HolderLingering:    "#f0a030",
	report.HolderNonGlue:      "#6bb36b",
	report.HolderUnattributed: "#a0a7b4",
}

// holderName is each holder class as the legends name it.
var holderName = map[string]string{
	report.HolderRunning:      "running run",
	report.HolderLingering:    "lingering after its run ended",
	report.HolderNonGlue:      "non-Glue",
	report.HolderUnattributed: "unaccounted for (no known owner)",
}

// timeGrid is the plot area of the incident's time charts: the same left
// and right margins so their clock axes line up.
func timeGrid(bottom int) map[string]any {
	return map[string]any{"left": 210, "right": 40, "top": 40, "bottom": bottom, "containLabel": false}
}

// occupancyChart: IPs in use stacked by holder class (running runs, ENIs
// lingering after their run, non-Glue ENIs, ENIs with no known owner)
// under the usable-IP line, with every refused create and failed run
// marked.
func occupancyChart(ip *report.IPInvestigation, from, to time.Time) chart {
	id := "chart-occupancy"
	l := charts.NewLine()
	l.SetGlobalOptions(initOpts(id),
		charts.WithXAxisOpts(opts.XAxis{Type: "time", Min: ms(from), Max: ms(to)}), zoom(),
		charts.WithYAxisOpts(opts.YAxis{Name: "IPs in use", Min: 0}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "0"}))
	value := func(p report.HolderPoint, class string) int64 {
		switch class {
		case report.HolderRunning:
			return p.Running
		case report.HolderLingering:
			return p.Lingering
		case report.HolderNonGlue:
			return p.NonGlue
		}
		return p.Unattributed
	}
	for i, class := range report.HolderClasses {
		data := make([]opts.LineData, 0, len(ip.ByHolder)+1)
		for _, p := range ip.ByHolder {
			data = append(data, opts.LineData{Value: []any{ms(p.At), value(p, class)}})
		}
		if n := len(ip.ByHolder); n > 0 {
			data = append(data, opts.LineData{Value: []any{ms(to), value(ip.ByHolder[n-1], class)}})
		}
		so := []charts.SeriesOpts{
			charts.WithLineChartOpts(opts.LineChart{Step: "end", ShowSymbol: opts.Bool(false), Stack: "holders"}),
			charts.WithAreaStyleOpts(opts.AreaStyle{Opacity: opts.Float(0.75), Color: holderColor[class]}),
			charts.WithLineStyleOpts(opts.LineStyle{Width: 0.5, Color: holderColor[class]}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: holderColor[class]}),
		}
		if i == 0 && ip.UsableIPs != nil {
			so = append(so, charts.WithMarkLineNameYAxisItemOpts(opts.MarkLineNameYAxisItem{
				Name: fmt.Sprintf("usable IPs (%d)", *ip.UsableIPs), YAxis: *ip.UsableIPs}),
				charts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"},
					LineStyle: &opts.LineStyle{Color: colorFailure, Type: "dashed", Width: 1.5},
					Label:     &opts.Label{Show: opts.Bool(true), Formatter: "{b}", Position: "insideStartTop"}}))
		}
		l.AddSeries(holderName[class], data, so...)
	}
	var refused, runs []opts.ScatterData
	for _, f := range ip.Failures {
		d := opts.ScatterData{Name: f.JobName, Value: []any{ms(f.At), f.InUse}}
		if f.Source == "glue_run" {
			runs = append(runs, d)
		} else {
			refused = append(refused, d)
		}
	}
	sc := charts.NewScatter()
	if len(refused) > 0 {
		sc.AddSeries("refused ENI create", refused, charts.WithItemStyleOpts(opts.ItemStyle{Color: colorFailure}),
			charts.WithMarkPointNameCoordItemOpts(markAt(ip.At, ip.InUse, "the failure explained")))
		sc.MultiSeries[len(sc.MultiSeries)-1].SymbolSize = 12
		sc.MultiSeries[len(sc.MultiSeries)-1].Symbol = "triangle"
	}
	if len(runs) > 0 {
		sc.AddSeries("run failed for lack of IPs", runs, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#7a1010"}))
		sc.MultiSeries[len(sc.MultiSeries)-1].SymbolSize = 10
		sc.MultiSeries[len(sc.MultiSeries)-1].Symbol = "diamond"
	}
	l.Overlap(sc)
	o := finish(l, nil)
	o["grid"] = timeGrid(80)
	o["grid"].(map[string]any)["top"] = 64
	return chart{ID: id, Title: "IPs in use in " + ip.SubnetID + ", by who held them", Height: 380,
		Caption: "Stacked step series of the private IPs held by ENIs (deletes apply before creates at the same instant): by running runs, by ENIs lingering after their run had ended, by non-Glue ENIs and by ENIs with no known owner. The dashed line is the subnet's usable IPs; red triangles are refused creates, dark diamonds failed runs; the pin marks the failure the summary explains.",
		option:  o}
}

func markAt(t time.Time, v int64, name string) opts.MarkPointNameCoordItem {
	return opts.MarkPointNameCoordItem{Name: name, Coordinate: []any{ms(t), v}, Value: fmt.Sprint(v),
		ItemStyle: &opts.ItemStyle{Color: colorFailure}}
}

// eniTimeline: one bar per run holding IPs in the subnet at the failure
// (and one for non-Glue ENIs and one for ENIs of no known owner holding
// IPs then): from its first ENI's create to the run's end (running), then
// to its last ENI's delete (lingering), on the same clock axis as the
// occupancy chart. ECharts cannot stack bars on a time axis, so each
// segment is a thick two-point line on a category axis; segments of one
// holder class share their series name, so the legend has one entry per
// class in the occupancy chart's colours.
func eniTimeline(ip *report.IPInvestigation, from, to time.Time) chart {
	id := "chart-enis"
	n := len(ip.Runs)
	labels := make([]string, n)
	l := charts.NewLine()
	height := 110 + 26*n
	if height < 220 {
		height = 220
	}
	legend := []string{holderName[report.HolderRunning], holderName[report.HolderLingering], holderName[report.HolderNonGlue], holderName[report.HolderUnattributed]}
	l.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "100%", Height: fmt.Sprintf("%dpx", height)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "time", Min: ms(from), Max: ms(to)}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "0", Data: legend}))
	marked := false
	segment := func(class, label string, a, b time.Time) {
		if !b.After(a) {
			return
		}
		so := []charts.SeriesOpts{
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}),
			charts.WithLineStyleOpts(opts.LineStyle{Width: 14, Color: holderColor[class]}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: holderColor[class]}),
		}
		if !marked {
			marked = true
			so = append(so, charts.WithMarkLineNameXAxisItemOpts(opts.MarkLineNameXAxisItem{Name: "failure " + words.Clock(ip.At), XAxis: ms(ip.At)}),
				charts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"},
					LineStyle: &opts.LineStyle{Color: colorFailure, Type: "dashed", Width: 2},
					Label:     &opts.Label{Show: opts.Bool(true), Formatter: "{b}"}}))
		}
		l.AddSeries(holderName[class], []opts.LineData{{Value: []any{ms(a), label}}, {Value: []any{ms(b), label}}}, so...)
	}
	for i := n - 1; i >= 0; i-- { // ECharts draws the first category at the bottom
		r := ip.Runs[i]
		row := n - 1 - i
		end := to
		if r.To != nil {
			end = *r.To
		}
		switch r.Kind {
		case "run":
			labels[row] = fmt.Sprintf("%s · %s (%s)", r.JobName, shortID(r.RunID), plural(r.ENIs, "ENI", "ENIs"))
			runEnd := end
			if r.RunEnd != nil && r.RunEnd.Before(end) {
				runEnd = *r.RunEnd
			}
			if runEnd.Before(r.From) {
				runEnd = r.From
			}
			segment(report.HolderRunning, labels[row], r.From, runEnd)
			segment(report.HolderLingering, labels[row], runEnd, end)
		case report.HolderNonGlue:
			labels[row] = fmt.Sprintf("non-Glue (%s)", plural(r.ENIs, "ENI", "ENIs"))
			segment(report.HolderNonGlue, labels[row], r.From, end)
		default:
			labels[row] = fmt.Sprintf("no known owner (%s)", plural(r.ENIs, "ENI", "ENIs"))
			segment(report.HolderUnattributed, labels[row], r.From, end)
		}
	}
	o := finish(l, map[string]any{
		"yAxis": []map[string]any{{"type": "category", "data": labels, "axisLabel": map[string]any{"fontSize": 11, "interval": 0, "width": 200, "overflow": "truncate"}}},
	})
	o["grid"] = timeGrid(30)
	o["tooltip"] = map[string]any{"show": false}
	caption := "One bar per run whose ENIs held IPs in the subnet at the failure, with its ENI count: from its first ENI's create to the run's end (running), then until its last ENI's delete (lingering after the run ended); non-Glue ENIs and ENIs of no known owner holding IPs then get a bar each. Same clock as the chart above; the dashed line is the failure."
	if ip.RunsLeftOut > 0 || ip.ENIsLeftOutOfRuns > 0 {
		caption += fmt.Sprintf(" Not shown: %s with %s alive in the window that held no IP at the failure.", plural(ip.RunsLeftOut, "other run", "other runs"), plural(ip.ENIsLeftOutOfRuns, "ENI", "ENIs"))
	}
	return chart{ID: id, Title: "Runs holding IPs at the failure", Height: height, Caption: caption, option: o}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// histogramChart renders buckets as bars labelled "lo–hi".
func histogramChart(id, title, caption, series, unit string, bs []report.Bucket, extraFirst *opts.BarData) chart {
	labels := make([]string, 0, len(bs)+1)
	data := make([]opts.BarData, 0, len(bs)+1)
	if extraFirst != nil {
		labels = append(labels, extraFirst.Name)
		data = append(data, *extraFirst)
	}
	for _, b := range bs {
		labels = append(labels, fmt.Sprintf("%s–%s", trimNum(b.Lo), trimNum(b.Hi)))
		data = append(data, opts.BarData{Value: b.Count})
	}
	c := charts.NewBar()
	c.SetGlobalOptions(initOpts(id),
		charts.WithXAxisOpts(opts.XAxis{Name: unit, NameLocation: "middle", NameGap: 30}),
		charts.WithYAxisOpts(opts.YAxis{Name: "count", Min: 0}))
	c.SetXAxis(labels).AddSeries(series, data, charts.WithBarChartOpts(opts.BarChart{BarCategoryGap: "10%"}))
	return chart{ID: id, Title: title, Height: 300, Caption: caption, option: finish(c, nil)}
}

func trimNum(f float64) string {
	if f == math.Trunc(f) {
		return fmt.Sprintf("%.0f", f)
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", f), "0"), ".")
}

// executorDiskChart: each executor's estimated disk (GiB) over time against
// the usable disk of the worker type.
func executorDiskChart(d *report.DiskInvestigation, failedAt time.Time) chart {
	id := "chart-executor-disk"
	l := charts.NewLine()
	l.SetGlobalOptions(initOpts(id),
		charts.WithXAxisOpts(opts.XAxis{Type: "time"}), zoom(),
		charts.WithYAxisOpts(opts.YAxis{Name: "GiB", Min: 0}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0", Type: "scroll"}))
	for i, e := range d.Executors {
		so := []charts.SeriesOpts{charts.WithLineChartOpts(opts.LineChart{Step: "end", ShowSymbol: opts.Bool(false)})}
		if i == 0 && d.UsableDiskBytes != nil {
			so = append(so, charts.WithMarkLineNameYAxisItemOpts(opts.MarkLineNameYAxisItem{
				Name: "usable disk (" + words.Bytes(*d.UsableDiskBytes) + ")", YAxis: round(float64(*d.UsableDiskBytes)/(1<<30), 2)}),
				charts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"},
					LineStyle: &opts.LineStyle{Color: colorFailure, Type: "dashed"},
					Label:     &opts.Label{Show: opts.Bool(true), Formatter: "{b}", Position: "insideEndTop"}}))
		}
		if i == 0 && !failedAt.IsZero() {
			so = append(so, charts.WithMarkLineNameXAxisItemOpts(opts.MarkLineNameXAxisItem{Name: "first loss to a full disk " + words.Clock(failedAt), XAxis: ms(failedAt)}))
		}
		l.AddSeries("executor "+e.ExecutorID, lineData(e.Points, 1.0/(1<<30), 3), so...)
	}
	return chart{ID: id, Title: "Estimated local disk per executor", Height: 360,
		Caption: "Shuffle files written by finished map tasks plus the spill of running tasks, per executor (an estimate: Spark logs no disk usage). The horizontal dashed line is what the worker type can use; the vertical one the first task, executor or run lost to a full disk.",
		option:  finish(l, nil)}
}

// stageDiskChart: spill and shuffle per stage, GiB.
func stageDiskChart(d *report.DiskInvestigation) chart {
	id := "chart-stage-disk"
	labels := make([]string, len(d.Stages))
	spill := make([]opts.BarData, len(d.Stages))
	write := make([]opts.BarData, len(d.Stages))
	read := make([]opts.BarData, len(d.Stages))
	g := func(n int64) float64 { return round(float64(n)/(1<<30), 3) }
	for i, s := range d.Stages {
		labels[i] = fmt.Sprintf("stage %d.%d", s.StageID, s.StageAttempt)
		spill[i] = opts.BarData{Value: g(s.DiskBytesSpilled)}
		write[i] = opts.BarData{Value: g(s.ShuffleBytesWrite)}
		read[i] = opts.BarData{Value: g(s.ShuffleBytesRead)}
	}
	c := charts.NewBar()
	c.SetGlobalOptions(initOpts(id), charts.WithYAxisOpts(opts.YAxis{Name: "GiB", Min: 0}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}))
	c.SetXAxis(labels).
		AddSeries("disk spilled", spill).
		AddSeries("shuffle written", write).
		AddSeries("shuffle read", read)
	return chart{ID: id, Title: "Spill and shuffle per stage", Height: 320,
		Caption: "Per stage attempt, summed over its tasks the way the Spark History Server totals them.",
		option:  finish(c, nil)}
}

// maxUtilizationSeries bounds the subnets drawn on the utilization chart;
// the table lists them all.
const maxUtilizationSeries = 12

// subnetLabel names a subnet by its Name tag and id.
func subnetLabel(id, name string) string {
	if name == "" {
		return id
	}
	return name + " (" + id + ")"
}

// utilizationChart: the most troubled sized subnets' IPs in use as a share
// of usable (subs come most troubled first), each refused create marked
// on its subnet's line.
func utilizationChart(subs []report.SubnetCapacity) (chart, bool) {
	id := "chart-utilization"
	l := charts.NewLine()
	l.SetGlobalOptions(initOpts(id),
		charts.WithXAxisOpts(opts.XAxis{Type: "time"}), zoom(),
		charts.WithYAxisOpts(opts.YAxis{Name: "% of usable IPs", Min: 0, Max: 100}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "0", Type: "scroll"}))
	n := 0
	var refused []opts.ScatterData
	for _, s := range subs {
		if s.UsableIPs == nil || *s.UsableIPs <= 0 || len(s.Occupancy) == 0 {
			continue
		}
		if n == maxUtilizationSeries {
			break
		}
		scale := 100 / float64(*s.UsableIPs)
		so := []charts.SeriesOpts{charts.WithLineChartOpts(opts.LineChart{Step: "end", ShowSymbol: opts.Bool(false)})}
		if n == 0 {
			so = append(so, charts.WithMarkLineNameYAxisItemOpts(
				opts.MarkLineNameYAxisItem{Name: "80 %", YAxis: 80}, opts.MarkLineNameYAxisItem{Name: "90 %", YAxis: 90}),
				charts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"},
					LineStyle: &opts.LineStyle{Color: "#b0b6c0", Type: "dashed"},
					Label:     &opts.Label{Show: opts.Bool(true), Formatter: "{b}", Position: "end"}}))
		}
		label := subnetLabel(s.SubnetID, s.Name)
		l.AddSeries(label, lineData(s.Occupancy, scale, 1), so...)
		for _, at := range s.RefusedAt {
			refused = append(refused, opts.ScatterData{Name: label, Value: []any{ms(at), round(valueAt(s.Occupancy, at)*scale, 1)}})
		}
		n++
	}
	if len(refused) > 0 {
		sc := charts.NewScatter()
		sc.AddSeries("refused ENI create", refused, charts.WithItemStyleOpts(opts.ItemStyle{Color: colorFailure}))
		sc.MultiSeries[0].SymbolSize = 11
		sc.MultiSeries[0].Symbol = "triangle"
		l.Overlap(sc)
	}
	o := finish(l, nil)
	o["grid"] = map[string]any{"left": 60, "right": 60, "top": 56, "bottom": 80, "containLabel": true}
	return chart{ID: id, Title: "Subnet utilization", Height: 380,
		Caption: fmt.Sprintf("IPs in use as a share of each subnet's usable IPs (2^(32−prefix) − 5), for the %d most troubled subnets of known size (the table lists every subnet). Red triangles: refused ENI creates. Dashed grey: 80 %% and 90 %%.", maxUtilizationSeries),
		option:  o}, n > 0
}

// valueAt reads a step series at t (its first value before the series starts).
func valueAt(pts []report.Point, t time.Time) float64 {
	if len(pts) == 0 {
		return 0
	}
	v := pts[0].Value
	for _, p := range pts {
		if p.At.After(t) {
			break
		}
		v = p.Value
	}
	return v
}

// maxConsumerSubnets bounds the subnets the consumers chart groups by.
const maxConsumerSubnets = 4

// consumersChart: IP-hours per job, grouped by subnet (most troubled
// subnet first, at the top), split into running and lingering.
func consumersChart(groups []report.SubnetConsumers) chart {
	id := "chart-consumers"
	var labels []string
	var run, lin, other []opts.BarData
	if len(groups) > maxConsumerSubnets {
		groups = groups[:maxConsumerSubnets]
	}
	for gi := len(groups) - 1; gi >= 0; gi-- { // ECharts draws the first category at the bottom
		g := groups[gi]
		name := g.Name
		if name == "" {
			name = g.SubnetID
		}
		for i := len(g.Jobs) - 1; i >= 0; i-- {
			c := g.Jobs[i]
			labels = append(labels, name+" › "+c.Name)
			if strings.HasPrefix(c.Name, "(") { // non-Glue requesters
				run, lin = append(run, opts.BarData{Value: 0}), append(lin, opts.BarData{Value: 0})
				other = append(other, opts.BarData{Value: round(c.IPHours, 1)})
				continue
			}
			run = append(run, opts.BarData{Value: round(c.IPHours-c.LingerIPHours, 1)})
			lin = append(lin, opts.BarData{Value: round(c.LingerIPHours, 1)})
			other = append(other, opts.BarData{Value: 0})
		}
	}
	n := len(labels)
	b := charts.NewBar()
	b.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "100%", Height: fmt.Sprintf("%dpx", 110+22*n)}),
		charts.WithXAxisOpts(opts.XAxis{Name: "IP-hours", NameLocation: "middle", NameGap: 26}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "0"}))
	stack := charts.WithBarChartOpts(opts.BarChart{Stack: "h"})
	b.SetXAxis(labels).AddSeries(holderName[report.HolderRunning], run, stack, charts.WithItemStyleOpts(opts.ItemStyle{Color: holderColor[report.HolderRunning]})).
		AddSeries(holderName[report.HolderLingering], lin, stack, charts.WithItemStyleOpts(opts.ItemStyle{Color: holderColor[report.HolderLingering]})).
		AddSeries(holderName[report.HolderNonGlue], other, stack, charts.WithItemStyleOpts(opts.ItemStyle{Color: holderColor[report.HolderNonGlue]}))
	b.XYReversal()
	o := finish(b, nil)
	o["grid"] = map[string]any{"left": 20, "right": 40, "top": 36, "bottom": 40, "containLabel": true}
	return chart{ID: id, Title: "Who held the IPs, by subnet", Height: 110 + 22*n,
		Caption: "IP-hours held in the window per job (non-Glue ENIs by requester) in each subnet, the most troubled subnet at the top, split at the run's completion into running and lingering after the run ended.", option: o}
}

// trendChart: peak utilization per earlier window and subnet.
func trendChart(ts []report.TrendWeek) (chart, bool) {
	id := "chart-trend"
	var labels, subnets []string
	seenL, seenS := map[string]bool{}, map[string]bool{}
	val := map[[2]string]float64{}
	for _, t := range ts {
		if t.PeakPct == nil {
			continue
		}
		label := words.TrendLabel(t)
		if !seenL[label] {
			seenL[label] = true
			labels = append(labels, label)
		}
		if !seenS[t.SubnetID] {
			seenS[t.SubnetID] = true
			subnets = append(subnets, t.SubnetID)
		}
		val[[2]string{label, t.SubnetID}] = round(*t.PeakPct, 1)
	}
	c := charts.NewBar()
	c.SetGlobalOptions(initOpts(id), charts.WithYAxisOpts(opts.YAxis{Name: "peak % of usable", Min: 0, Max: 100}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0", Type: "scroll"}))
	c.SetXAxis(labels)
	for _, s := range subnets {
		data := make([]opts.BarData, len(labels))
		for i, l := range labels {
			data[i] = opts.BarData{Value: val[[2]string{l, s}]}
		}
		c.AddSeries(s, data)
	}
	return chart{ID: id, Title: "Peak utilization, window over window", Height: 320,
		Caption: "Each subnet's peak IPs in use as a share of usable, in the window and the same-length windows before it.",
		option:  finish(c, nil)}, len(labels) > 1
}

// emptyBar is the partition histogram's first bar: the empty partitions,
// in red so they stand out.
func emptyBar(n int) *opts.BarData {
	return &opts.BarData{Name: "empty", Value: n, ItemStyle: &opts.ItemStyle{Color: colorFailure}}
}

// failuresChart sets the failure counts of the two periods side by side.
func failuresChart(c report.Comparison) chart {
	id := "chart-failures"
	labels := []string{"refused ENI creates", "runs failed for lack of IPs", "runs failed for a full disk"}
	before := []opts.BarData{{Value: c.Before.FailedCreates}, {Value: c.Before.RunsFailedIP}, {Value: c.Before.RunsFailedDisk}}
	after := []opts.BarData{{Value: c.After.FailedCreates}, {Value: c.After.RunsFailedIP}, {Value: c.After.RunsFailedDisk}}
	b := charts.NewBar()
	b.SetGlobalOptions(initOpts(id), charts.WithYAxisOpts(opts.YAxis{Name: "count", Min: 0}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}))
	b.SetXAxis(labels).
		AddSeries("before", before, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#8a94a6"}),
			charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "top"})).
		AddSeries("after", after, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#3b6fd4"}),
			charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "top"}))
	return chart{ID: id, Title: "Failures before and after", Height: 300,
		Caption: "Refused creates and failed runs in each period (runs counted by start), the count on each bar — a 0 after is the fix working. The table above gives the same per hour of evidence.", option: finish(b, nil)}
}

// Period colours of the before/after overlays: the subnet each period
// names is drawn solid, the other period's subnet dashed in the same
// period colour.
var periodColor = map[string]string{report.PeriodBefore: "#e07b39", report.PeriodAfter: "#3b6fd4"}

// periodStart is where a period's curves start on the overlays' axis.
func periodStart(c *report.Compare, period string) time.Time {
	if period == report.PeriodBefore {
		return c.Results.Before.From
	}
	return c.Results.After.From
}

// sinceStart is t as hours since start, the overlays' x value.
func sinceStart(t, start time.Time) float64 { return round(t.Sub(start).Hours(), 4) }

// overlayXAxis is the overlays' shared x axis: hours since each period's
// start (the hour of day when both periods are days), up to the longer
// period.
func overlayXAxis(c *report.Compare, loc *time.Location) map[string]any {
	span := math.Max(c.Results.Before.To.Sub(c.Results.Before.From).Hours(), c.Results.After.To.Sub(c.Results.After.From).Hours())
	axis := map[string]any{"type": "value", "min": 0, "max": round(span, 4), "name": words.OverlayAxis(words.DayAligned(c.Results.Before.Span, c.Results.After.Span, loc), loc),
		"nameLocation": "middle", "nameGap": 28}
	if span <= 24 {
		axis["interval"] = 2
	}
	return axis
}

// compareOccupancyChart overlays the IPs in use in the subnet each period
// names for its peak utilization, both periods on one axis of the time
// since their start, under each subnet's usable-IP line, refused creates
// marked.
func compareOccupancyChart(c *report.Compare, loc *time.Location) (chart, bool) {
	id := "chart-compare-occupancy"
	curves := c.Overlays.Occupancy
	if len(curves) == 0 {
		return chart{}, false
	}
	l := charts.NewLine()
	l.SetGlobalOptions(initOpts(id),
		charts.WithYAxisOpts(opts.YAxis{Name: "IPs in use", Min: 0}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "0"}))
	// One usable-IP line per subnet; a single one when every subnet has
	// the same usable IPs.
	usable := map[string]int64{}
	var order []string
	for _, cv := range curves {
		if cv.UsableIPs == nil {
			continue
		}
		if _, ok := usable[cv.SubnetID]; !ok {
			usable[cv.SubnetID] = *cv.UsableIPs
			order = append(order, cv.SubnetID)
		}
	}
	same := len(order) > 0
	for _, s := range order {
		same = same && usable[s] == usable[order[0]]
	}
	marked := map[string]bool{}
	var refused []opts.ScatterData
	for i, cv := range curves {
		start := periodStart(c, cv.Period)
		data := make([]opts.LineData, len(cv.Points))
		for j, p := range cv.Points {
			data[j] = opts.LineData{Value: []any{sinceStart(p.At, start), p.Value}}
		}
		style := opts.LineStyle{Width: 2, Color: periodColor[cv.Period]}
		if !cv.Named {
			style.Type, style.Width = "dashed", 1.5
		}
		so := []charts.SeriesOpts{
			charts.WithLineChartOpts(opts.LineChart{Step: "end", ShowSymbol: opts.Bool(false)}),
			charts.WithLineStyleOpts(style),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: periodColor[cv.Period]}),
		}
		var lines []opts.MarkLineNameYAxisItem
		switch {
		case same && i == 0:
			lines = append(lines, opts.MarkLineNameYAxisItem{Name: fmt.Sprintf("usable IPs (%d)", usable[order[0]]), YAxis: usable[order[0]]})
		case !same && cv.UsableIPs != nil && !marked[cv.SubnetID]:
			marked[cv.SubnetID] = true
			lines = append(lines, opts.MarkLineNameYAxisItem{Name: fmt.Sprintf("usable IPs of %s (%d)", cv.SubnetID, *cv.UsableIPs), YAxis: *cv.UsableIPs})
		}
		if len(lines) > 0 {
			pos := "insideStartTop"
			if len(marked)%2 == 0 && !same {
				pos = "insideEndTop"
			}
			so = append(so, charts.WithMarkLineNameYAxisItemOpts(lines...),
				charts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"},
					LineStyle: &opts.LineStyle{Color: colorFailure, Type: "dashed", Width: 1.5},
					Label:     &opts.Label{Show: opts.Bool(true), Formatter: "{b}", Position: pos}}))
		}
		l.AddSeries(words.CurveName(cv), data, so...)
		for _, at := range cv.RefusedAt {
			refused = append(refused, opts.ScatterData{Name: words.CurveName(cv), Value: []any{sinceStart(at, start), valueAt(cv.Points, at)}})
		}
	}
	if len(refused) > 0 {
		sc := charts.NewScatter()
		sc.AddSeries("refused ENI create", refused, charts.WithItemStyleOpts(opts.ItemStyle{Color: colorFailure}))
		sc.MultiSeries[0].SymbolSize = 12
		sc.MultiSeries[0].Symbol = "triangle"
		l.Overlap(sc)
	}
	o := finish(l, map[string]any{"xAxis": []map[string]any{overlayXAxis(c, loc)}})
	o["grid"] = map[string]any{"left": 60, "right": 40, "top": 84, "bottom": 50, "containLabel": true}
	return chart{ID: id, Title: "IPs in use before and after", Height: 400,
		Caption: words.OccupancyOverlayCaption(c, loc), option: o, hoursAxis: true}, true
}

// compareDiskChart overlays the highest estimated local disk of any
// executor over each period that has a Spark event log, against the usable
// disk; false when neither period has one.
func compareDiskChart(c *report.Compare, loc *time.Location) (chart, bool) {
	id := "chart-compare-disk"
	l := charts.NewLine()
	l.SetGlobalOptions(initOpts(id),
		charts.WithYAxisOpts(opts.YAxis{Name: "GiB", Min: 0}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "0"}))
	n := 0
	var usable []int64
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, cv := range c.Overlays.ExecutorDisk {
		if len(cv.Apps) == 0 || len(cv.Points) == 0 {
			continue
		}
		start := periodStart(c, cv.Period)
		data := make([]opts.LineData, len(cv.Points))
		for j, p := range cv.Points {
			x := sinceStart(p.At, start)
			lo, hi = math.Min(lo, x), math.Max(hi, x)
			data[j] = opts.LineData{Value: []any{x, round(p.Value/(1<<30), 3)}}
		}
		so := []charts.SeriesOpts{
			charts.WithLineChartOpts(opts.LineChart{Step: "end", ShowSymbol: opts.Bool(false)}),
			charts.WithLineStyleOpts(opts.LineStyle{Width: 2, Color: periodColor[cv.Period]}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: periodColor[cv.Period]}),
		}
		if cv.UsableDiskBytes != nil && !slices.Contains(usable, *cv.UsableDiskBytes) {
			usable = append(usable, *cv.UsableDiskBytes)
			pos := "insideStartTop"
			if len(usable) == 2 {
				pos = "insideEndTop"
			}
			so = append(so, charts.WithMarkLineNameYAxisItemOpts(opts.MarkLineNameYAxisItem{
				Name: "usable disk (" + words.Disk(*cv.UsableDiskBytes) + ")", YAxis: round(float64(*cv.UsableDiskBytes)/(1<<30), 2)}),
				charts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"},
					LineStyle: &opts.LineStyle{Color: colorFailure, Type: "dashed", Width: 1.5},
					Label:     &opts.Label{Show: opts.Bool(true), Formatter: "{b}", Position: pos}}))
		}
		l.AddSeries(words.DiskCurveName(cv), data, so...)
		n++
	}
	if n == 0 {
		return chart{}, false
	}
	o := finish(l, map[string]any{"xAxis": []map[string]any{overlayXAxis(c, loc)}})
	o["grid"] = map[string]any{"left": 60, "right": 40, "top": 56, "bottom": 50, "containLabel": true}
	// The runs last minutes to hours of a day: the axis spans the curves,
	// whole hours.
	x := overlayXAxis(c, loc)
	x["min"], x["max"] = math.Floor(lo), math.Ceil(hi)
	if hi-lo <= 3 {
		x["interval"] = 0.25
	} else {
		delete(x, "interval")
	}
	o["xAxis"] = []map[string]any{x}
	return chart{ID: id, Title: "Executor local disk before and after", Height: 360,
		Caption: words.DiskOverlayCaption(c, loc), option: o, hoursAxis: true}, true
}
