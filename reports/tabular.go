// Package reports renders analysis results: tables, CSV and JSON for the
// CLI, and the HTML incident and capacity reports. It never runs SQL.
package reports

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"
)

// Formats accepted by WriteRows.
const (
	FormatTable = "table"
	FormatJSON  = "json"
	FormatCSV   = "csv"
)

// Table is a result with named columns. Cells hold Go values (string,
// numbers, time.Time, nil for NULL).
type Table struct {
	Columns []string
	Rows    [][]any
}

// TableOf builds a Table from a slice of structs: one column per exported
// field, named by its json tag (fields tagged "-" are left out).
func TableOf(slice any) (Table, error) {
	v := reflect.ValueOf(slice)
	if v.Kind() != reflect.Slice {
		return Table{}, fmt.Errorf("rendering rows: want a slice, got %T", slice)
	}
	et := v.Type().Elem()
	isPtr := et.Kind() == reflect.Pointer
	if isPtr {
		et = et.Elem()
	}
	if et.Kind() != reflect.Struct {
		return Table{}, fmt.Errorf("rendering rows: want a slice of structs, got %T", slice)
	}
	var t Table
	var idx []int
	for i := 0; i < et.NumField(); i++ {
		f := et.Field(i)
		if !f.IsExported() {
			continue
		}
		name := f.Name
		if tag, ok := f.Tag.Lookup("json"); ok {
			n, _, _ := strings.Cut(tag, ",")
			if n == "-" {
				continue
			}
			if n != "" {
				name = n
			}
		}
		t.Columns = append(t.Columns, name)
		idx = append(idx, i)
	}
	for r := 0; r < v.Len(); r++ {
		rv := v.Index(r)
		if isPtr {
			rv = rv.Elem()
		}
		row := make([]any, len(idx))
		for c, i := range idx {
			fv := rv.Field(i)
			if fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					row[c] = nil
					continue
				}
				fv = fv.Elem()
			}
			row[c] = fv.Interface()
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// Formats of the listings; reports add FormatHTML and FormatMarkdown.
// ListFormats are the formats a listing takes.
var ListFormats = []string{FormatTable, FormatJSON, FormatCSV}

// Output is how a result is written: the format and, for tables and text,
// the display (zone, width).
type Output struct {
	Format string
	Display
}

// WriteRows renders a slice of structs in format (table fitted to
// DefaultWidth in UTC, json or csv): Output.Write with no display options.
func WriteRows(w io.Writer, format string, slice any) error {
	return Output{Format: format}.Write(w, slice)
}

// WriteTable renders t in format: Output.Write with no display options.
func WriteTable(w io.Writer, format string, t Table) error {
	return Output{Format: format}.Write(w, t)
}

// rows writes a slice of structs as an aligned table (the text writers'
// building block).
func (o Output) rows(w io.Writer, slice any) error {
	t, err := TableOf(slice)
	if err != nil {
		return err
	}
	return o.writeAligned(w, t)
}

// writeCSVTable writes t as CSV: every column, full precision, UTC.
func writeCSVTable(w io.Writer, t Table) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Columns); err != nil {
		return err
	}
	for _, r := range t.Rows {
		rec := make([]string, len(r))
		for i, v := range r {
			rec[i] = Cell(v)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeAligned writes t as columns fitted to the display width.
func (o Output) writeAligned(w io.Writer, t Table) error {
	rules := make([]colRule, len(t.Columns))
	for i, c := range t.Columns {
		rules[i] = ruleOf(c)
	}
	cells := make([][]string, len(t.Rows))
	for r, row := range t.Rows {
		cells[r] = make([]string, len(row))
		for i, v := range row {
			cells[r][i] = o.cellText(rules[i], v)
		}
	}
	o.offsetsToHeaders(rules, t.Rows, cells)
	keep := o.fit(rules, cells)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	line := make([]string, len(keep))
	for j, i := range keep {
		line[j] = rules[i].header
	}
	fmt.Fprintln(tw, strings.Join(line, "\t"))
	for _, row := range cells {
		for j, i := range keep {
			line[j] = row[i]
		}
		fmt.Fprintln(tw, strings.Join(line, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if hidden := hiddenHeaders(rules, keep); len(hidden) > 0 {
		_, err := fmt.Fprintln(w, hiddenNote(hidden, o.width()))
		return err
	}
	return nil
}

// hiddenNote is the line under a fitted table naming the columns it left
// out, as many as fit the width.
func hiddenNote(hidden []string, width int) string {
	head := fmt.Sprintf("(%d more column(s) with --wide: ", len(hidden))
	names := strings.Join(hidden, ", ")
	for n := len(hidden) - 1; utf8.RuneCountInString(head+names)+1 > width && n > 0; n-- {
		names = strings.Join(hidden[:n], ", ") + ", …"
	}
	return head + names + ")"
}

// hiddenHeaders names the columns a fitted table left out, so that a
// reader knows they exist.
func hiddenHeaders(rules []colRule, keep []int) []string {
	shown := make([]bool, len(rules))
	for _, i := range keep {
		shown[i] = true
	}
	var out []string
	for i, r := range rules {
		if !shown[i] {
			out = append(out, r.header)
		}
	}
	return out
}

// Cell renders one value for tables and CSV: times as RFC 3339 UTC, NULL as
// the empty string, floats with at most 2 decimals.
func Cell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		if x.IsZero() {
			return ""
		}
		return x.UTC().Format(time.RFC3339)
	case *time.Time:
		if x == nil || x.IsZero() {
			return ""
		}
		return x.UTC().Format(time.RFC3339)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32)
	case []byte:
		return string(x)
	case fmt.Stringer:
		return x.String()
	default:
		return fmt.Sprint(v)
	}
}

// sanitizeTerminal replaces control characters (from untrusted logs) so they
// cannot move the cursor or break the table.
func sanitizeTerminal(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return '?'
		}
		return r
	}, s)
}

type orderedRow struct {
	cols []string
	vals []any
}

func (o orderedRow) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, c := range o.cols {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(c)
		b.Write(k)
		b.WriteByte(':')
		v := o.vals[i]
		if t, ok := v.(time.Time); ok {
			if t.IsZero() {
				v = nil
			} else {
				v = t.UTC().Format(time.RFC3339)
			}
		}
		vb, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}
