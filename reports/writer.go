package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"reflect"

	"github.com/gluelens/gluelens/analysis/evidence"
	"github.com/gluelens/gluelens/analysis/place"
	"github.com/gluelens/gluelens/analysis/plan"
	"github.com/gluelens/gluelens/analysis/report"
	"github.com/gluelens/gluelens/analysis/spark"
	"github.com/gluelens/gluelens/reports/html"
	"github.com/gluelens/gluelens/reports/markdown"
)

// SubnetPlan is the result of plan subnets: the plan, the headroom it
// was sized with (the text says it) and where each subnet goes
// (analysis/place; JSON is the plan with its placements).
type SubnetPlan struct {
	Plan       *plan.SubnetPlan
	Headroom   float64
	Placements []place.Placement
}

// MarshalJSON writes the plan with its placements, each with why it
// names no block worded (words.PlaceProblem).
func (p SubnetPlan) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		*plan.SubnetPlan
		Placements []placementJSON `json:"placements"`
	}{p.Plan, placementsView(p.Placements)})
}

// Verdicts are the capacity checks as check capacity prints them by
// default: one line per subnet, OK or FAIL and the reason.
type Verdicts []plan.CapacityCheck

// Write renders one result in o.Format; it is the one place that chooses
// by format (the shape of trivy's pkg/report/writer.go). A result is plain
// data from the analysis packages:
//   - a slice of structs (one row each) or a Table;
//   - []plan.Threshold, SubnetPlan, *plan.ReplayResult, Verdicts,
//     *evidence.Coverage, spark.Advice, []spark.App, []spark.Stage,
//     []spark.Executor, each with its own text and CSV form;
//   - *report.Incident, *report.Capacity, *report.Compare, in html, md or json.
//
// JSON is the result itself (a listing: an array of objects keyed by column
// name); CSV its rows; a table or text fits o.Display.
func (o Output) Write(w io.Writer, result any) error {
	switch o.Format {
	case FormatJSON:
		return writeJSON(w, result)
	case FormatCSV:
		return o.writeCSV(w, result)
	case FormatTable, "":
		return o.writeText(w, result)
	case FormatHTML:
		return writeReport(html.Writer{Zone: o.TZ}, w, result)
	case FormatMarkdown:
		return writeReport(markdown.Writer{Zone: o.TZ}, w, result)
	}
	return fmt.Errorf("unknown format %q", o.Format)
}

// writeJSON writes a listing as an array of objects keyed by column name
// (instants in UTC RFC 3339), anything else as itself; indented, with HTML
// characters escaped so a value from the logs cannot close a <script>.
func writeJSON(w io.Writer, v any) error {
	switch v.(type) {
	case Table:
	case []plan.Threshold:
		// The thresholds themselves, every instant to the nanosecond, with
		// their rule (jsonView): the form plan thresholds --publish and the
		// gate read back.
	default:
		if isRows(v) {
			t, err := TableOf(v)
			if err != nil {
				return err
			}
			v = t
		}
	}
	if t, ok := v.(Table); ok {
		out := make([]orderedRow, len(t.Rows))
		for i, r := range t.Rows {
			out[i] = orderedRow{cols: t.Columns, vals: r}
		}
		v = out
	}
	v = jsonView(v)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(true)
	return enc.Encode(v)
}

// isRows reports whether v is a slice of structs (or of pointers to them).
func isRows(v any) bool {
	t := reflect.TypeOf(v)
	if t == nil || t.Kind() != reflect.Slice {
		return false
	}
	e := t.Elem()
	if e.Kind() == reflect.Pointer {
		e = e.Elem()
	}
	return e.Kind() == reflect.Struct
}

// writeCSV writes the rows of a result.
func (o Output) writeCSV(w io.Writer, result any) error {
	var rows any
	switch r := result.(type) {
	case Table:
		return writeCSVTable(w, r)
	case []plan.Threshold:
		return writeCSVTable(w, thresholdTable(r))
	case SubnetPlan:
		rows = r.Plan.Proposals
	case *plan.ReplayResult:
		rows = r.Subnets
	case *evidence.Coverage:
		rows = r.Sources
	case Verdicts:
		rows = []plan.CapacityCheck(r)
	case spark.Advice:
		rows = adviceRows(r)
	default:
		if !isRows(result) {
			return fmt.Errorf("rendering %T as csv: not a listing", result)
		}
		rows = result
	}
	t, err := TableOf(rows)
	if err != nil {
		return err
	}
	return writeCSVTable(w, t)
}

// writeText writes a result for a person: tables fitted to the display,
// with the sentences around them.
func (o Output) writeText(w io.Writer, result any) error {
	switch r := result.(type) {
	case Table:
		return o.writeAligned(w, r)
	case []plan.Threshold:
		return o.thresholds(w, r)
	case SubnetPlan:
		return o.subnetPlan(w, r)
	case *plan.ReplayResult:
		return o.replay(w, r)
	case Verdicts:
		return verdicts(w, r)
	case *evidence.Coverage:
		return o.coverage(w, r)
	case spark.Advice:
		return o.advice(w, r)
	case []spark.App:
		return o.rows(w, appRows(r))
	case []spark.Stage:
		return o.rows(w, stageRows(r))
	case []spark.Executor:
		return o.rows(w, executorRows(r))
	}
	if !isRows(result) {
		return fmt.Errorf("rendering %T as a table: not a listing", result)
	}
	return o.rows(w, result)
}

// writeReport renders a report with an HTML or Markdown writer.
func writeReport(rw ReportWriter, w io.Writer, result any) error {
	switch r := result.(type) {
	case *report.Incident:
		return rw.WriteIncident(w, r)
	case *report.Capacity:
		return rw.WriteCapacity(w, r)
	case *report.Compare:
		return rw.WriteCompare(w, r)
	}
	return fmt.Errorf("rendering %T as a report: not a report", result)
}
