package html

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/gluelens/gluelens/analysis/report"
)

// chart is one ECharts instance on the page: go-echarts builds its
// option; the page script hands it to echarts.init/setOption.
type chart struct {
	ID      string
	Title   string
	Caption string
	Height  int // pixels
	option  map[string]any
}

// palette colours runs on the ENI timeline (ECharts' default palette).
var palette = []string{"#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de", "#3ba272", "#fc8452", "#9a60b4", "#ea7ccc"}

const (
	colorIdle    = "#a0a7b4"
	colorFailure = "#d62728"
)

func ms(t time.Time) int64 { return t.UnixMilli() }

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
	o := c.JSON()
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
	return o
}

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

// occupancyChart: IPs in use as a step line against the usable IPs, with
// every refused create and failed run marked.
func occupancyChart(ip *report.IPInvestigation, from, to time.Time) chart {
	id := "chart-occupancy"
	l := charts.NewLine()
	l.SetGlobalOptions(initOpts(id),
		charts.WithXAxisOpts(opts.XAxis{Type: "time", Min: ms(from), Max: ms(to)}), zoom(),
		charts.WithYAxisOpts(opts.YAxis{Name: "IPs", Min: 0}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}))
	seriesOpts := []charts.SeriesOpts{
		charts.WithLineChartOpts(opts.LineChart{Step: "end", ShowSymbol: opts.Bool(false)}),
		charts.WithAreaStyleOpts(opts.AreaStyle{Opacity: opts.Float(0.15)}),
	}
	if ip.UsableIPs != nil {
		seriesOpts = append(seriesOpts, charts.WithMarkLineNameYAxisItemOpts(opts.MarkLineNameYAxisItem{
			Name: fmt.Sprintf("usable IPs (%d)", *ip.UsableIPs), YAxis: *ip.UsableIPs}),
			charts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"},
				LineStyle: &opts.LineStyle{Color: colorFailure, Type: "dashed"},
				Label:     &opts.Label{Show: opts.Bool(true), Formatter: "{b}", Position: "insideEndTop"}}))
	}
	l.AddSeries("IPs in use", lineData(ip.Occupancy, 1, 0), seriesOpts...)
	marks := make([]opts.ScatterData, 0, len(ip.Failures))
	for _, f := range ip.Failures {
		label := "refused create"
		if f.Source == "glue_run" {
			label = "run failed"
		}
		marks = append(marks, opts.ScatterData{Name: label + " " + f.JobName, Value: []any{ms(f.At), f.InUse}})
	}
	sc := charts.NewScatter()
	sc.AddSeries("failures", marks, charts.WithItemStyleOpts(opts.ItemStyle{Color: colorFailure}),
		charts.WithMarkPointNameCoordItemOpts(markAt(ip.At, ip.InUse, "the failure explained")))
	sc.MultiSeries[0].SymbolSize = 11
	sc.MultiSeries[0].Symbol = "triangle"
	l.Overlap(sc)
	return chart{ID: id, Title: "IPs in use in " + ip.SubnetID, Height: 360,
		Caption: "Step series of the private IPs held by ENIs (deletes apply before creates at the same instant). Red triangles: refused creates and failed runs; the pin marks the failure the root cause explains.",
		option:  finish(l, nil)}
}

func markAt(t time.Time, v int64, name string) opts.MarkPointNameCoordItem {
	return opts.MarkPointNameCoordItem{Name: name, Coordinate: []any{ms(t), v}, Value: fmt.Sprint(v),
		ItemStyle: &opts.ItemStyle{Color: colorFailure}}
}

// eniTimeline: a Gantt chart of the ENIs alive in the window, one row per
// ENI — an invisible bar up to its create, then the part while its run was
// running and the part lingering after the run ended, coloured by run. The
// axis counts minutes from the window start: ECharts stacks bars on value
// axes only.
func eniTimeline(ip *report.IPInvestigation, from, to time.Time) chart {
	id := "chart-enis"
	n := len(ip.ENIs)
	min := func(t time.Time) float64 { return round(t.Sub(from).Minutes(), 2) }
	labels := make([]string, n)
	offset := make([]opts.BarData, n)
	running := make([]opts.BarData, n)
	linger := make([]opts.BarData, n)
	idle := make([]opts.BarData, n)
	colors := map[string]string{}
	for i := n - 1; i >= 0; i-- { // ECharts draws the first category at the bottom
		e := ip.ENIs[i]
		row := n - 1 - i
		owner := e.JobName
		if owner == "" {
			owner = orDash(e.Requester)
		}
		labels[row] = owner + " · " + e.ENIID
		end := to
		if e.To != nil {
			end = *e.To
		}
		offset[row] = opts.BarData{Value: min(e.From)}
		var runDur, lingerDur, idleDur float64
		if e.RunID != "" {
			runEnd := end
			if e.RunEnd != nil && e.RunEnd.Before(end) {
				runEnd = *e.RunEnd
			}
			if runEnd.Before(e.From) {
				runEnd = e.From
			}
			runDur = min(runEnd) - min(e.From)
			lingerDur = min(end) - min(runEnd)
		} else {
			idleDur = min(end) - min(e.From)
		}
		c := colorIdle
		if e.RunID != "" {
			if colors[e.RunID] == "" {
				colors[e.RunID] = palette[len(colors)%len(palette)]
			}
			c = colors[e.RunID]
		}
		running[row] = opts.BarData{Value: round(runDur, 2), ItemStyle: &opts.ItemStyle{Color: c}}
		linger[row] = opts.BarData{Value: round(lingerDur, 2), ItemStyle: &opts.ItemStyle{Color: c, Opacity: opts.Float(0.35)}}
		idle[row] = opts.BarData{Value: round(idleDur, 2)}
	}
	b := charts.NewBar()
	height := 80 + 12*n
	if height < 240 {
		height = 240
	}
	b.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "100%", Height: fmt.Sprintf("%dpx", height)}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "0", Data: []string{"running", "lingering after the run ended", "no run (non-Glue or unknown owner)"}}))
	b.SetXAxis(labels)
	stack := charts.WithBarChartOpts(opts.BarChart{Stack: "life", BarWidth: "70%"})
	b.AddSeries("start", offset, stack, charts.WithItemStyleOpts(opts.ItemStyle{Color: "transparent"}))
	b.AddSeries("running", running, stack,
		charts.WithMarkLineNameXAxisItemOpts(opts.MarkLineNameXAxisItem{Name: "failure " + report.Clock(ip.At), XAxis: min(ip.At)}),
		charts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"},
			LineStyle: &opts.LineStyle{Color: colorFailure, Type: "dashed", Width: 2},
			Label:     &opts.Label{Show: opts.Bool(true), Formatter: "{b}"}}))
	b.AddSeries("lingering after the run ended", linger, stack)
	b.AddSeries("no run (non-Glue or unknown owner)", idle, stack, charts.WithItemStyleOpts(opts.ItemStyle{Color: colorIdle}))
	b.XYReversal()
	o := finish(b, map[string]any{
		"xAxis": []map[string]any{{"type": "value", "min": 0, "max": min(to), "name": "minutes since " + report.Clock(from) + " UTC", "nameLocation": "middle", "nameGap": 28}},
		"yAxis": []map[string]any{{"type": "category", "data": labels, "axisLabel": map[string]any{"fontSize": 9, "interval": 0, "width": 260, "overflow": "truncate"}}},
	})
	o["tooltip"] = map[string]any{"show": false}
	caption := "One row per ENI in the subnet, bars coloured by job run: solid while the run was running, pale while the ENI lingered after the run had ended, grey for ENIs of no Glue run. The dashed line is the failure."
	if ip.ENIsLeftOut > 0 {
		caption += fmt.Sprintf(" %d more ENIs alive in the window are left out (those holding IPs at the failure are all shown).", ip.ENIsLeftOut)
	}
	return chart{ID: id, Title: "ENIs alive around the failure", Height: height, Caption: caption, option: o}
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
func executorDiskChart(d *report.DiskInvestigation) chart {
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
				Name: "usable disk (" + report.Bytes(*d.UsableDiskBytes) + ")", YAxis: round(float64(*d.UsableDiskBytes)/(1<<30), 2)}),
				charts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"},
					LineStyle: &opts.LineStyle{Color: colorFailure, Type: "dashed"},
					Label:     &opts.Label{Show: opts.Bool(true), Formatter: "{b}", Position: "insideEndTop"}}))
		}
		l.AddSeries("executor "+e.ExecutorID, lineData(e.Points, 1.0/(1<<30), 3), so...)
	}
	return chart{ID: id, Title: "Estimated local disk per executor", Height: 360,
		Caption: "Shuffle files written by finished map tasks plus the spill of running tasks, per executor (an estimate: Spark logs no disk usage). The dashed line is what the worker type can use.",
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

// utilizationChart: the most troubled sized subnets' IPs in use as a share
// of usable (subs come most troubled first).
func utilizationChart(subs []report.SubnetCapacity) (chart, bool) {
	id := "chart-utilization"
	l := charts.NewLine()
	l.SetGlobalOptions(initOpts(id),
		charts.WithXAxisOpts(opts.XAxis{Type: "time"}), zoom(),
		charts.WithYAxisOpts(opts.YAxis{Name: "% of usable IPs", Min: 0, Max: 100}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0", Type: "scroll"}))
	n := 0
	for _, s := range subs {
		if s.UsableIPs == nil || *s.UsableIPs <= 0 || len(s.Occupancy) == 0 {
			continue
		}
		if n == maxUtilizationSeries {
			break
		}
		so := []charts.SeriesOpts{charts.WithLineChartOpts(opts.LineChart{Step: "end", ShowSymbol: opts.Bool(false)})}
		if n == 0 {
			so = append(so, charts.WithMarkLineNameYAxisItemOpts(
				opts.MarkLineNameYAxisItem{Name: "80 %", YAxis: 80}, opts.MarkLineNameYAxisItem{Name: "90 %", YAxis: 90}),
				charts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"},
					LineStyle: &opts.LineStyle{Color: colorFailure, Type: "dashed"},
					Label:     &opts.Label{Show: opts.Bool(true), Formatter: "{b}", Position: "insideEndTop"}}))
		}
		l.AddSeries(s.SubnetID, lineData(s.Occupancy, 100/float64(*s.UsableIPs), 1), so...)
		n++
	}
	return chart{ID: id, Title: "Subnet utilization", Height: 360,
		Caption: fmt.Sprintf("IPs in use as a share of each subnet's usable IPs (2^(32−prefix) − 5), for the %d most troubled subnets of known size (the table lists every subnet). Dashed: 80 %% and 90 %%.", maxUtilizationSeries),
		option:  finish(l, nil)}, n > 0
}

// consumersChart: IP-hours per job, split into running and lingering.
func consumersChart(cs []report.Consumer) chart {
	id := "chart-consumers"
	n := len(cs)
	labels := make([]string, n)
	run := make([]opts.BarData, n)
	lin := make([]opts.BarData, n)
	for i := range cs {
		c := cs[n-1-i] // biggest at the top
		labels[i] = c.Name
		run[i] = opts.BarData{Value: round(c.IPHours-c.LingerIPHours, 1)}
		lin[i] = opts.BarData{Value: round(c.LingerIPHours, 1)}
	}
	b := charts.NewBar()
	b.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "100%", Height: fmt.Sprintf("%dpx", 100+22*n)}),
		charts.WithXAxisOpts(opts.XAxis{Name: "IP-hours"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}))
	stack := charts.WithBarChartOpts(opts.BarChart{Stack: "h"})
	b.SetXAxis(labels).AddSeries("while the run was running", run, stack).
		AddSeries("lingering after the run ended", lin, stack, charts.WithItemStyleOpts(opts.ItemStyle{Opacity: opts.Float(0.5)}))
	b.XYReversal()
	o := finish(b, nil)
	return chart{ID: id, Title: "Top consumers of IPs", Height: 100 + 22*n,
		Caption: "IP-hours held in the window per job (non-Glue ENIs by requester), split at the run's completion.", option: o}
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
		if !seenL[t.Label] {
			seenL[t.Label] = true
			labels = append(labels, t.Label)
		}
		if !seenS[t.SubnetID] {
			seenS[t.SubnetID] = true
			subnets = append(subnets, t.SubnetID)
		}
		val[[2]string{t.Label, t.SubnetID}] = round(*t.PeakPct, 1)
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
		AddSeries("before", before, charts.WithItemStyleOpts(opts.ItemStyle{Color: colorFailure})).
		AddSeries("after", after, charts.WithItemStyleOpts(opts.ItemStyle{Color: palette[1]}))
	return chart{ID: id, Title: "Failures before and after", Height: 300,
		Caption: "Refused creates and failed runs in each period (runs counted by start).", option: finish(b, nil)}
}
