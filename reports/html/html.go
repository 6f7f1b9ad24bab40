// Package html renders gluelens reports as one self-contained HTML file:
// the ECharts library is embedded inline (assets/echarts.min.js, checked
// against assets/SHA256SUMS), so the page works offline and air-gapped.
// go-echarts builds each chart's option; html/template writes the page,
// escaping every string that came from logs. Chart IDs are fixed and the
// clock comes from the findings, so the output is byte-stable.
package html

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/gluelens/gluelens/analysis/report"
	"github.com/gluelens/gluelens/reports/words"
	"github.com/gluelens/gluelens/reports/zone"
)

//go:embed assets/echarts.min.js
var echartsJS string

//go:embed assets/SHA256SUMS
var echartsSums string

//go:embed page.html.tmpl
var pageTemplate string

// EChartsJS returns the embedded ECharts library (for the checksum test).
func EChartsJS() []byte { return []byte(echartsJS) }

// EChartsSums returns the recorded SHA256SUMS of the embedded assets.
func EChartsSums() string { return echartsSums }

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"stamp":         words.Stamp,
	"evidenceLines": words.RestsOn,
	"clock":         words.Clock,
	"bytes":         words.Bytes,
	"trendlabel":    words.TrendLabel,
	"metricchange":  words.MetricChange,
	"tstamp": func(t *time.Time) string {
		if t == nil || t.IsZero() {
			return "—"
		}
		return words.Stamp(*t)
	},
	"f1": func(f float64) string { return fmt.Sprintf("%.1f", f) },
	"pf1": func(f *float64) string {
		if f == nil {
			return "—"
		}
		return fmt.Sprintf("%.1f", *f)
	},
	"pint": func(n *int64) string {
		if n == nil {
			return "—"
		}
		return fmt.Sprint(*n)
	},
	"pbytes": func(n *int64) string {
		if n == nil {
			return "—"
		}
		return words.Bytes(*n)
	},
	"pct": func(f *float64) string {
		if f == nil {
			return "—"
		}
		return fmt.Sprintf("%.1f %%", *f)
	},
	"share": func(f *float64) string {
		if f == nil {
			return "—"
		}
		return fmt.Sprintf("%.0f %%", 100**f)
	},
	"dash": orDash,
	"pdisk": func(n *int64) string {
		if n == nil {
			return "—"
		}
		return words.Disk(*n)
	},
	"impact": words.Impact,
	"lost": func(ks []report.KindCount) string {
		s, _ := words.DiskLost(ks)
		return s
	},
	"cause":        words.Cause,
	"status":       words.Status,
	"nochange":     words.NoChange,
	"title":        words.AdviceTitle,
	"detail":       words.AdviceDetail,
	"evidence":     words.AdviceEvidence,
	"unavailable":  words.Unavailable,
	"placeProblem": words.PlaceProblem,
	"failure":      words.FailureSummary,
	"rootcause":    words.RootCause,
	"tclock": func(t *time.Time) string {
		if t == nil || t.IsZero() {
			return "—"
		}
		return words.Clock(*t)
	},
	"limit": func(n int, xs any) any {
		v := reflect.ValueOf(xs)
		if v.Kind() == reflect.Slice && v.Len() > n {
			return v.Slice(0, n).Interface()
		}
		return xs
	},
	"more": func(n int, xs any) int {
		if v := reflect.ValueOf(xs); v.Kind() == reflect.Slice && v.Len() > n {
			return v.Len() - n
		}
		return 0
	},
	"metric": metricValue,
	"runids": shortRunIDs,
	"better": func(b *bool) string {
		switch {
		case b == nil:
			return ""
		case *b:
			return "better"
		}
		return "worse"
	},
	"join": func(xs []string) string {
		s := ""
		for i, x := range xs {
			if i > 0 {
				s += ", "
			}
			s += x
		}
		return s
	},
}).Parse(pageTemplate))

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func metricValue(f *float64, unit string) string {
	if f == nil {
		return "—"
	}
	switch unit {
	case "%", "min", "h":
		return fmt.Sprintf("%.1f", *f)
	case "GiB", "runs/h", "creates/h":
		return fmt.Sprintf("%.2f", *f)
	}
	return fmt.Sprintf("%.0f", *f)
}

// view is what the page template reads.
type view struct {
	Header report.Header
	// Title is the report's title (words.Title).
	Title   string
	Summary report.Summary
	// FixAnchor is the id of the section with the lines to paste.
	FixAnchor string
	Runs      *runsView

	Incident *report.Incident
	Capacity *report.Capacity
	Compare  *report.Compare
	Charts   map[string]chart
	// Order lists chart IDs in page order for the script.
	Order    []string
	ECharts  template.JS
	Options  template.JS
	HasChart bool
	// Zone names the zone the report's times are shown in.
	Zone string
	// NoDisk says which periods of a comparison no Spark event log covers.
	NoDisk string
}

func (v *view) add(c chart) {
	if v.Charts == nil {
		v.Charts = map[string]chart{}
	}
	v.Charts[c.ID] = c
	v.Order = append(v.Order, c.ID)
}

// Writer renders reports as HTML.
type Writer struct {
	// Zone is the zone the report's dates, clocks and time axes are shown
	// in (nil: UTC); the header names it.
	Zone *time.Location
}

func (w Writer) zone() *time.Location {
	if w.Zone == nil {
		return time.UTC
	}
	return w.Zone
}

// WriteIncident renders an incident report.
func (wr Writer) WriteIncident(w io.Writer, inc *report.Incident) error {
	inc = zone.Copy(inc, wr.zone())
	v := &view{Zone: wr.zone().String(), Header: inc.Header, Title: words.Title(inc), Summary: inc.Summary, FixAnchor: "fix", Incident: inc, Runs: affectedRuns(inc.Failure)}
	if ip := inc.IP; ip != nil {
		v.add(occupancyChart(ip, inc.Header.From, inc.Header.To))
		if len(ip.Runs) > 0 {
			v.add(eniTimeline(ip, inc.Header.From, inc.Header.To))
		}
		if len(ip.LingerHistogram) > 0 {
			v.add(histogramChart("chart-linger", "How long ENIs lingered after their run ended",
				fmt.Sprintf("Minutes from the run's completion to the ENI's delete, over the %d Glue ENIs deleted in the window.", ip.Linger.Count),
				"ENIs", "minutes after the run ended", ip.LingerHistogram, nil))
		}
	}
	if d := inc.Disk; d != nil {
		if len(d.Executors) > 0 {
			v.add(executorDiskChart(d, firstLoss(d)))
		}
		if len(d.Stages) > 0 {
			v.add(stageDiskChart(d))
		}
		if d.PartitionStage != nil && d.Partitions > 0 {
			v.add(histogramChart("chart-partitions", fmt.Sprintf("Partition sizes of stage %d", *d.PartitionStage),
				fmt.Sprintf("Shuffle bytes read per reduce partition (MiB) of the stage that read the most shuffle: %d partitions, %d empty (the first bar).", d.Partitions, d.EmptyPartitions),
				"partitions", "MiB read", nonEmpty(d.PartitionHistogram, d.EmptyPartitions), emptyBar(d.EmptyPartitions)))
		}
	}
	if inc.Results != nil {
		v.add(failuresChart(*inc.Results))
	}
	return render(w, v)
}

// WriteCapacity renders a capacity report.
func (wr Writer) WriteCapacity(w io.Writer, c *report.Capacity) error {
	c = zone.Copy(c, wr.zone())
	v := &view{Zone: wr.zone().String(), Header: c.Header, Title: words.Title(c), Summary: c.Summary, FixAnchor: "actions", Capacity: c}
	if ch, ok := utilizationChart(c.Subnets); ok {
		v.add(ch)
	}
	if len(c.BySubnet) > 0 {
		v.add(consumersChart(c.BySubnet))
	}
	if ch, ok := trendChart(c.Trend); ok {
		v.add(ch)
	}
	return render(w, v)
}

// WriteCompare renders a compare report.
func (wr Writer) WriteCompare(w io.Writer, c *report.Compare) error {
	c = zone.Copy(c, wr.zone())
	v := &view{Zone: wr.zone().String(), Header: c.Header, Title: words.Title(c), Summary: c.Summary, FixAnchor: "results", Compare: c}
	v.add(failuresChart(c.Results))
	loc := wr.zone()
	if ch, ok := compareOccupancyChart(c, loc); ok {
		v.add(ch)
	}
	if ch, ok := compareDiskChart(c, loc); ok {
		v.add(ch)
	}
	v.NoDisk = words.NoDiskCurve(c.Overlays.ExecutorDisk)
	return render(w, v)
}

func render(w io.Writer, v *view) error {
	type entry struct {
		ID     string         `json:"id"`
		Option map[string]any `json:"option"`
		// Clock: the x axis is in hours since a period's start, which
		// the page labels as h:mm.
		Clock bool `json:"clock,omitempty"`
	}
	entries := make([]entry, 0, len(v.Order))
	for _, id := range v.Order {
		entries = append(entries, entry{ID: id, Option: v.Charts[id].option, Clock: v.Charts[id].hoursAxis})
	}
	// json.Marshal escapes <, > and & (and U+2028/2029), so no string from a
	// log can close the script element or open a comment inside it.
	b, err := json.Marshal(entries)
	if err != nil {
		return fmt.Errorf("encoding chart options: %w", err)
	}
	v.Options = template.JS(b)
	v.ECharts = template.JS(echartsJS)
	v.HasChart = len(entries) > 0
	if err := page.Execute(w, v); err != nil {
		return fmt.Errorf("rendering the %s report: %w", v.Header.Kind, err)
	}
	return nil
}

// nonEmpty removes the empty partitions from the first bucket, which the
// chart shows as a bar of their own.
func nonEmpty(bs []report.Bucket, empty int) []report.Bucket {
	if len(bs) == 0 || empty == 0 {
		return bs
	}
	out := append([]report.Bucket(nil), bs...)
	out[0].Count -= empty
	return out
}

// runsView is the affected-runs table: short run ids (the full id in the
// title and the copy button) and each distinct error text once.
type runsView struct {
	Rows   []runRow
	Errors []string
	Note   string
	// RequestIDs: some error texts had their AWS request id elided.
	RequestIDs bool
}

type runRow struct {
	report.AffectedRun
	Short string
	Full  string
	// Err names the run's error in Errors ("error 2"), "as above" when it
	// is the failure's error text, "" when the run has none.
	Err string
}

// shortID keeps a run id's first 12 characters ("jr_9270c79ea…"); Glue's
// 64-hex ids are unique well before that.
func shortID(id string) string {
	const keep = 12
	if r := []rune(id); len(r) > keep+1 {
		return string(r[:keep]) + "…"
	}
	return id
}

// runIDInText matches a Glue run id written out in a sentence.
var runIDInText = regexp.MustCompile(`\bjr_[0-9a-f]{16,}\b`)

// shortRunIDs escapes text and shows each run id in it as the tables do,
// shortened, with the full id on hover (the JSON keeps the full text).
func shortRunIDs(text string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range runIDInText.FindAllStringIndex(text, -1) {
		id := text[m[0]:m[1]]
		b.WriteString(template.HTMLEscapeString(text[last:m[0]]))
		fmt.Fprintf(&b, `<span class="run-id" title="%s">%s</span>`, template.HTMLEscapeString(id), template.HTMLEscapeString(shortID(id)))
		last = m[1]
	}
	b.WriteString(template.HTMLEscapeString(text[last:]))
	return template.HTML(b.String())
}

// requestID matches the per-call request id AWS puts in an error text, so
// runs that failed with the same error share one line.
var requestID = regexp.MustCompile(`(Request ID: )[0-9A-Za-z-]+`)

func affectedRuns(f report.Failure) *runsView {
	if len(f.Runs) == 0 {
		return nil
	}
	v := &runsView{}
	index := map[string]int{}
	asAbove := 0
	for _, r := range f.Runs {
		row := runRow{AffectedRun: r, Short: shortID(r.RunID), Full: r.RunID}
		switch msg := r.ErrorMessage; {
		case msg == "":
		case f.ErrorText != "" && (msg == f.ErrorText || strings.HasSuffix(f.ErrorText, ": "+msg)):
			row.Err = "as above"
			asAbove++
		default:
			if m := requestID.ReplaceAllString(msg, "${1}…"); m != msg {
				msg, v.RequestIDs = m, true
			}
			n, ok := index[msg]
			if !ok {
				v.Errors = append(v.Errors, msg)
				n = len(v.Errors)
				index[msg] = n
			}
			row.Err = fmt.Sprintf("error %d", n)
		}
		v.Rows = append(v.Rows, row)
	}
	if asAbove == len(f.Runs) {
		v.Note = fmt.Sprintf("All %d runs failed with the error above.", asAbove)
	}
	return v
}

// firstLoss is the first instant the disk investigation lost work to a
// full disk (zero when no loss has a time).
func firstLoss(d *report.DiskInvestigation) time.Time {
	var t time.Time
	for _, f := range d.Failures {
		if f.At != nil && (t.IsZero() || f.At.Before(t)) {
			t = *f.At
		}
	}
	return t
}
