package reports

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// A table keeps its key columns, drops wide-only then low-priority
// columns, cuts free text and shortens run ids to fit the width; Wide
// shows everything in full.
func TestTableFits(t *testing.T) {
	at := time.Date(2026, 11, 2, 6, 4, 37, 0, time.UTC)
	run := "jr_7353c865af114913373735f110ccc7421a39f1c6ca169a5f49148f4bad855781"
	msg := strings.Repeat("The specified subnet does not have enough free addresses. ", 3)
	tab := Table{
		Columns: []string{"at", "subnet_id", "job_run_id", "role_arn", "requester", "linger_minutes", "error_message"},
		Rows:    [][]any{{at, "subnet-0d1e2f3a4b5c6d7e8", run, "arn:aws:iam::481516234200:role/glue-export-role", "glue", 53.41931666666667, msg}},
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		d        Display
		maxWidth int
		want     []string
		notWant  []string
	}{
		{"default", Display{}, 120,
			[]string{"AT", "SUBNET_ID", "RUN_ID", "LINGER_MIN", "REQUESTER", "ERROR", "2026-11-02 06:04:37Z", "jr_7353c865…", "53.4", "The specified subnet does not have…",
				"\n(1 more column(s) with --wide: ROLE_ARN)\n"},
			[]string{"ROLE_ARN", run, "53.419", msg}},
		{"narrow", Display{Width: 80}, 80,
			[]string{"AT", "SUBNET_ID", "LINGER_MIN", "jr_7353c865…", "\n(3 more column(s) with --wide: ROLE_ARN, REQUESTER, ERROR)\n"},
			[]string{"ROLE_ARN", "REQUESTER"}},
		{"wide", Display{Wide: true}, 1000,
			[]string{"ROLE_ARN", run, strings.TrimSpace(msg), "53.4"},
			[]string{"…", "with --wide"}},
		{"berlin", Display{TZ: berlin}, 120,
			[]string{"AT(+01:00)", "2026-11-02 07:04:37 ", "RUN_ID"},
			[]string{"06:04:37", "07:04:37+01:00"}},
	} {
		var b bytes.Buffer
		if err := (Output{Format: FormatTable, Display: c.d}).Write(&b, tab); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, l := range strings.Split(out, "\n") {
			if n := utf8.RuneCountInString(l); n > c.maxWidth {
				t.Errorf("%s: line %d wide, want at most %d: %q", c.name, n, c.maxWidth, l)
			}
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: lacks %q:\n%s", c.name, w, out)
			}
		}
		// The table itself, without the note naming the hidden columns.
		table, _, _ := strings.Cut(out, "\n(")
		for _, w := range c.notWant {
			if strings.Contains(table, w) {
				t.Errorf("%s: has %q:\n%s", c.name, w, out)
			}
		}
	}
}

// The note under a fitted table names the hidden columns within the width.
func TestHiddenNote(t *testing.T) {
	cols := []string{"SOURCE", "JOB_NAME", "UNATTR", "UNACCT", "ENDED_MIN_AGO", "ENDED_MAX_AGO", "AMBIGUOUS", "CONFIDENCE", "ERROR_CODE", "ERROR", "EVENT_ID"}
	for _, c := range []struct {
		width int
		want  string
	}{
		{200, "(11 more column(s) with --wide: SOURCE, JOB_NAME, UNATTR, UNACCT, ENDED_MIN_AGO, ENDED_MAX_AGO, AMBIGUOUS, CONFIDENCE, ERROR_CODE, ERROR, EVENT_ID)"},
		{80, "(11 more column(s) with --wide: SOURCE, JOB_NAME, UNATTR, UNACCT, …)"}, // 70 runes; one more name is 85
		{10, "(11 more column(s) with --wide: SOURCE, …)"},                           // never fewer than one name
	} {
		if got := hiddenNote(cols, c.width); got != c.want {
			t.Errorf("width %d: %q, want %q", c.width, got, c.want)
		}
	}
}

// A zone's offset moves into the header when every instant of a column
// has it; a column straddling a daylight-saving change keeps it per cell.
func TestTableTimeOffsets(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// Berlin left CEST (+02:00) for CET (+01:00) at 01:00 UTC on 2026-10-25.
	summer := time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC)
	winter := time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC)
	tab := Table{Columns: []string{"at", "created_at"}, Rows: [][]any{{winter, &summer}, {winter, &winter}, {nil, (*time.Time)(nil)}}}
	var b bytes.Buffer
	if err := (Output{Format: FormatTable, Display: Display{TZ: berlin}}).Write(&b, tab); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, w := range []string{"AT(+01:00)", "CREATED_AT\n", "2026-10-25 02:30:00  ", "2026-10-25 02:30:00+02:00", "2026-10-25 02:30:00+01:00"} {
		if !strings.Contains(strings.ReplaceAll(out, " \n", "\n"), strings.TrimRight(w, " ")) {
			t.Errorf("lacks %q:\n%s", w, out)
		}
	}
	if strings.Count(out, "+01:00") != 2 { // the AT header and one CREATED_AT cell
		t.Errorf("want +01:00 twice:\n%s", out)
	}
	b.Reset()
	if err := (Output{Format: FormatTable}).Write(&b, tab); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "2026-10-25 01:30:00Z") || strings.Contains(b.String(), "(Z)") {
		t.Errorf("UTC tables keep the Z in each cell:\n%s", b.String())
	}
}

// Numbers are rounded in tables and exact in CSV; seconds show as hours.
func TestCellText(t *testing.T) {
	d := Display{}
	for _, c := range []struct {
		col  string
		v    any
		want string
	}{
		{"linger_minutes", 53.41931666666667, "53.4"},
		{"x", 0.04035, "0.04"},
		{"x", 1e21, "1000000000000000000000.0"},
		{"seconds_above_90pct", int64(3289), "0.9"},
		{"x", int64(7), "7"},
		{"x", nil, ""},
		{"run_id", "jr_short", "jr_short"},
		{"x", "bell\x07", "bell?"},
	} {
		if got := d.cellText(ruleOf(c.col), c.v); got != c.want {
			t.Errorf("%s %v: %q, want %q", c.col, c.v, got, c.want)
		}
	}
	var b bytes.Buffer
	if err := WriteTable(&b, FormatCSV, Table{Columns: []string{"linger_minutes"}, Rows: [][]any{{53.41931666666667}}}); err != nil || b.String() != "linger_minutes\n53.41931666666667\n" {
		t.Errorf("CSV %q, %v", b.String(), err)
	}
}

// Byte counts read in the reports' unit, GiB (1 GiB = 2^30 bytes).
func TestBytesCell(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{
		{85_253_628_108, "79.4 GiB"}, // 85253628108 / 1073741824 = 79.398
		{1 << 30, "1.0 GiB"},
		{1<<30 - 1, "1024.0 MiB"},
		{3 << 40, "3.00 TiB"},
		{1536, "1.5 KiB"},
		{999, "999 B"},
	} {
		n := c.n
		if got := bytesCell(&n); got != c.want {
			t.Errorf("bytesCell(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	if bytesCell(nil) != "" {
		t.Error("nil bytes not empty")
	}
}
