package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"
)

// runAll runs gluelens and returns stdout, stderr and the exit status.
func runAll(args ...string) (string, string, int) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), code
}

// Every time flag and argument reads the same forms, epoch seconds and
// milliseconds included, and reads back what a table prints.
func TestTimeForms(t *testing.T) {
	want := time.Date(2026, 11, 2, 6, 4, 37, 0, time.UTC)
	for _, c := range []struct {
		in   string
		want time.Time
	}{
		{"2026-11-02T06:04:37Z", want},
		{"2026-11-02T07:04:37+01:00", want},
		{"2026-11-02 07:04:37+01:00", want}, // a table cell with --tz Europe/Berlin
		{"2026-11-02 06:04:37Z", want},      // a table cell in UTC
		{"2026-11-02 06:04:37", want},
		{"1793599477", want},    // epoch seconds: 2026-11-02T06:04:37Z (date -d @1793599477)
		{"1793599477000", want}, // epoch milliseconds
		{"1793599477250", want.Add(250 * time.Millisecond)},
		{"2026-11-02", time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)},
		{"0", time.Unix(0, 0).UTC()},
	} {
		got, err := parseTime(c.in)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("parseTime(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	// A time without an offset is read in the --tz zone; one with an offset
	// or in epoch form is the same instant in every zone.
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		in   string
		want time.Time
	}{
		{"2026-11-02 07:04:37", want},                                         // CET is UTC+1 in November
		{"2026-07-02 08:04:37", time.Date(2026, 7, 2, 6, 4, 37, 0, time.UTC)}, // CEST, UTC+2
		{"2026-11-02T06:04:37Z", want},
		{"1793599477", want},
		{"2026-11-02", time.Date(2026, 11, 1, 23, 0, 0, 0, time.UTC)},
	} {
		got, err := parseTimeIn(c.in, berlin)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("parseTimeIn(%q, Europe/Berlin) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"yesterday", "17935994770000000000", "2026-13-01", "-5"} {
		if _, err := parseTime(bad); err == nil {
			t.Errorf("parseTime(%q) accepted", bad)
		}
	}
}

// --format is checked the same way everywhere, naming the formats of the
// command at hand; a bad --tz too. Both are usage errors (exit 2) before
// the database is opened.
func TestOneFormatVocabulary(t *testing.T) {
	db := filepath.Join(t.TempDir(), "none.duckdb")
	const lists = `(want one of: table, json, csv)`
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"eni", "subnets"}, lists},
		{[]string{"runs"}, lists},
		{[]string{"evidence"}, lists},
		{[]string{"categories"}, lists},
		{[]string{"verify"}, lists},
		{[]string{"query", "SELECT 1"}, lists},
		{[]string{"plan", "thresholds"}, lists},
		{[]string{"plan", "subnets"}, lists},
		{[]string{"whatif"}, lists},
		{[]string{"spark", "apps"}, lists},
		{[]string{"spark", "stages", "app-1"}, lists},
		{[]string{"check", "capacity"}, lists},
		{[]string{"report", "capacity", "--week", "2026-W45"}, `(want one of: html, json, md)`},
		{[]string{"report", "incident", "--at", "2026-11-02"}, `(want one of: html, json, md)`},
	} {
		_, errOut, code := runAll(append(append([]string{"--db", db}, c.args...), "--format", "xml")...)
		if want := `unknown --format "xml" ` + c.want; code != exitUsage || !strings.Contains(errOut, want) {
			t.Errorf("%v --format xml: exit %d, stderr %q; want exit 2 and %q", c.args, code, errOut, want)
		}
	}
	_, errOut, code := runAll("--db", db, "eni", "subnets", "--tz", "Mars/Olympus")
	if code != exitUsage || !strings.Contains(errOut, `--tz "Mars/Olympus": not a time zone`) {
		t.Errorf("bad --tz: exit %d, stderr %q", code, errOut)
	}
	if _, err := os.Stat(db); err == nil {
		t.Errorf("a usage error created %s", db)
	}
}

// --db is a flag of exactly the commands that use the database.
func TestDBFlagOnlyWhereUsed(t *testing.T) {
	usesDB := []string{
		"ingest", "eni subnets", "eni lifetimes", "eni at", "eni exhaustion", "runs",
		"spark apps", "spark stages", "spark executors", "spark advice",
		"report incident", "report capacity", "report compare", "verify", "evidence", "categories",
		"plan thresholds", "plan subnets", "whatif", "check capacity", "gate", "export", "query",
	}
	root := newRootCmd(&Factory{})
	var walk func(c *cobra.Command)
	seen := 0
	walk = func(c *cobra.Command) {
		for _, s := range c.Commands() {
			walk(s)
		}
		if !c.Runnable() || c.HasSubCommands() {
			if c.Flags().Lookup("db") != nil || c.PersistentFlags().Lookup("db") != nil {
				t.Errorf("%s: a command group has --db", c.CommandPath())
			}
			return
		}
		path := strings.TrimPrefix(c.CommandPath(), "gluelens ")
		has := c.Flags().Lookup("db") != nil
		if want := slices.Contains(usesDB, path); has != want {
			t.Errorf("%s: has --db %v, want %v", path, has, want)
		}
		if has {
			seen++
		}
	}
	walk(root)
	if seen != len(usesDB) {
		t.Errorf("%d commands have --db, want %d", seen, len(usesDB))
	}
	for _, args := range [][]string{{"version", "--db", "x"}, {"--db", "x", "schema"}, {"synth", "ip-exhaustion", "--db", "x", "-o", t.TempDir()}} {
		if _, errOut, code := runAll(args...); code != exitUsage || !strings.Contains(errOut, "unknown flag: --db") {
			t.Errorf("%v: exit %d, stderr %q; want exit 2, unknown flag", args, code, errOut)
		}
	}
	t.Setenv("GLUELENS_DB", filepath.Join(t.TempDir(), "from-env.duckdb"))
	if _, errOut, code := runAll("eni", "subnets"); code != exitEvidence || !strings.Contains(errOut, "from-env.duckdb") {
		t.Errorf("GLUELENS_DB not used: exit %d, stderr %q", code, errOut)
	}
}

// One database of the ip-exhaustion scenario serves the table, time zone,
// completion and alias tests.
func TestOneCLIOnIPExhaustion(t *testing.T) {
	dir := t.TempDir()
	ev := filepath.Join(dir, "ev")
	db := filepath.Join(dir, "g.duckdb")
	if _, errOut, code := runAll("synth", "ip-exhaustion", "--out", ev, "--seed", "1", "--eni-share", "0"); code != exitOK ||
		!strings.Contains(errOut, "--out is deprecated and will be removed: use -o/--output") {
		t.Fatalf("synth with the deprecated --out: exit %d, stderr %q", code, errOut)
	}
	cli(t, "--db", db, "ingest", "-q", ev)
	tr := readTruth(t, ev)
	first := tr.FailedCreates[0]

	t.Run("tables fit 120 columns, --wide shows every column", func(t *testing.T) {
		for _, q := range [][]string{{"eni", "lifetimes"}, {"eni", "exhaustion"}, {"runs"}, {"eni", "subnets"}, {"categories"}, {"evidence"}} {
			narrow := cli(t, append([]string{"--db", db}, q...)...)
			wide := cli(t, append(append([]string{"--db", db}, q...), "--wide")...)
			if w := maxWidth(narrow); w > 120 {
				t.Errorf("%v: %d columns wide, want at most 120", q, w)
			}
			csv := cli(t, append(append([]string{"--db", db}, q...), "--format", "csv")...)
			header := strings.Split(strings.SplitN(csv, "\n", 2)[0], ",")
			wideHeader := strings.Fields(strings.SplitN(wide, "\n", 2)[0])
			if len(wideHeader) < len(header) {
				t.Errorf("%v --wide: %d columns %v, CSV has %d %v", q, len(wideHeader), wideHeader, len(header), header)
			}
		}
		lt := cli(t, "--db", db, "eni", "lifetimes", "--wide")
		if !strings.Contains(lt, "ROLE_ARN") || !strings.Contains(lt, first.JobRunID) {
			t.Errorf("eni lifetimes --wide lacks ROLE_ARN or the full run id %s", first.JobRunID)
		}
		ex := cli(t, "--db", db, "eni", "exhaustion")
		if short := first.JobRunID[:11] + "…"; !strings.Contains(ex, short) || strings.Contains(ex, first.JobRunID) {
			t.Errorf("eni exhaustion: want the run id shortened to %q:\n%s", short, ex)
		}
	})

	t.Run("rounded in tables, full precision in JSON and CSV", func(t *testing.T) {
		rows := jsonRows(t, cli(t, "--db", db, "eni", "exhaustion", "--format", "json"))
		full := rows[0]["finished_max_minutes_ago"].(float64)
		if *first.FinishedMax != full {
			t.Fatalf("JSON finished_max_minutes_ago %v, truth %v", full, *first.FinishedMax)
		}
		table := cli(t, "--db", db, "eni", "exhaustion", "--wide")
		if !strings.Contains(table, jsonNumber(full, 1)) || strings.Contains(table, jsonNumber(full, -1)) {
			t.Errorf("table: want %s rounded to %s, not %s:\n%s", jsonNumber(full, -1), jsonNumber(full, 1), jsonNumber(full, -1), table)
		}
		if csv := cli(t, "--db", db, "eni", "exhaustion", "--format", "csv"); !strings.Contains(csv, jsonNumber(full, -1)) {
			t.Errorf("CSV lost the precision of %s", jsonNumber(full, -1))
		}
		// Seconds above 90 % become hours in the table, the unit in the header.
		sub := cli(t, "--db", db, "eni", "subnets")
		var above int64
		for _, s := range tr.Subnets {
			if s.SubnetID == first.SubnetID {
				above = s.SecondsAbove
			}
		}
		if !strings.Contains(sub, "H_ABOVE_90PCT") || !strings.Contains(sub, jsonNumber(float64(above)/3600, 1)) {
			t.Errorf("eni subnets: want H_ABOVE_90PCT with %s h (%d s):\n%s", jsonNumber(float64(above)/3600, 1), above, sub)
		}
	})

	t.Run("--tz for tables and text, UTC in JSON and CSV", func(t *testing.T) {
		at, err := time.Parse(time.RFC3339, first.At)
		if err != nil {
			t.Fatal(err)
		}
		berlin, _ := time.LoadLocation("Europe/Berlin")
		ex := cli(t, "--db", db, "eni", "exhaustion", "--tz", "Europe/Berlin")
		// Every instant of the day has one offset, so the table names it once,
		// in the header, and the cells hold the Berlin clock time.
		for _, want := range []string{"AT" + at.In(berlin).Format("(-07:00)"), at.In(berlin).Format("2006-01-02 15:04:05")} {
			if !strings.Contains(ex, want) {
				t.Errorf("eni exhaustion --tz Europe/Berlin lacks %s:\n%s", want, ex)
			}
		}
		if js := cli(t, "--db", db, "eni", "exhaustion", "--tz", "Europe/Berlin", "--format", "json"); !strings.Contains(js, `"at": "`+at.UTC().Format(time.RFC3339)+`"`) {
			t.Errorf("JSON is not in UTC with --tz")
		}
		if csv := cli(t, "--db", db, "eni", "exhaustion", "--tz", "Asia/Tokyo", "--format", "csv"); !strings.Contains(csv, at.UTC().Format(time.RFC3339)) {
			t.Errorf("CSV is not in UTC with --tz")
		}
		th := cli(t, "--db", db, "plan", "thresholds", "--tz", "America/New_York")
		if !strings.Contains(th, "-05:00 (") || strings.Contains(th, "Z (") {
			t.Errorf("plan thresholds text not in New York time:\n%s", th)
		}
		// The Berlin cell pasted back as TIME, and epoch seconds, name the same instant.
		a := cli(t, "--db", db, "eni", "at", first.SubnetID, at.In(berlin).Format("2006-01-02 15:04:05-07:00"), "--format", "csv")
		b := cli(t, "--db", db, "eni", "at", first.SubnetID, strconvI(at.Unix()), "--format", "csv")
		if a != b || strings.Count(a, "\n") < 2 {
			t.Errorf("eni at: the Berlin time and epoch seconds disagree:\n%s\n%s", a, b)
		}
		// The cell as the Berlin table prints it (no offset), pasted back with
		// the same --tz, names the same instant too.
		if c := cli(t, "--db", db, "eni", "at", first.SubnetID, at.In(berlin).Format("2006-01-02 15:04:05"), "--tz", "Europe/Berlin", "--format", "csv"); c != b {
			t.Errorf("eni at --tz Europe/Berlin with the Berlin clock time:\n%s\nwant\n%s", c, b)
		}
		// So do the reports: an incident --at the Berlin clock time with
		// --tz Europe/Berlin is the incident at the UTC instant (the JSON,
		// in UTC either way, differs only in when it was generated).
		generated := regexp.MustCompile(`"generated_at": "[^"]*"`)
		report := func(args ...string) string {
			return generated.ReplaceAllString(cli(t, append([]string{"--db", db, "report", "incident", "--format", "json"}, args...)...), "")
		}
		utc := report("--at", at.UTC().Format(time.RFC3339))
		if zoned := report("--at", at.In(berlin).Format("2006-01-02 15:04:05"), "--tz", "Europe/Berlin"); zoned != utc {
			t.Errorf("report incident --at the Berlin clock time --tz Europe/Berlin is not the incident at %s", at.UTC().Format(time.RFC3339))
		}
	})

	t.Run("completion from the database", func(t *testing.T) {
		out := cli(t, "__complete", "--db", db, "eni", "at", "")
		for _, s := range tr.Subnets {
			if !strings.Contains(out, s.SubnetID) {
				t.Errorf("eni at completion lacks %s:\n%s", s.SubnetID, out)
			}
		}
		out = cli(t, "__complete", "--db", db, "report", "incident", "--run", first.JobRunID[:8])
		if !strings.Contains(out, first.JobRunID+"\t"+first.JobName) {
			t.Errorf("--run completion lacks %s (%s):\n%s", first.JobRunID, first.JobName, out)
		}
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			if !strings.HasPrefix(l, first.JobRunID[:8]) && !strings.HasPrefix(l, ":") {
				t.Errorf("--run %s completes to %q", first.JobRunID[:8], l)
			}
		}
		at, _ := time.Parse(time.RFC3339, first.At)
		y, w := at.ISOWeek()
		if out := cli(t, "__complete", "--db", db, "report", "capacity", "--week", ""); !strings.Contains(out, isoWeek(y, w)) {
			t.Errorf("--week completion lacks %s:\n%s", isoWeek(y, w), out)
		}
		if out := cli(t, "__complete", "--db", db, "gate", "--category", ""); !strings.Contains(out, "ingest\t") || !strings.Contains(out, "export\t") {
			t.Errorf("--category completion:\n%s", out)
		}
		if out := cli(t, "__complete", "--db", db, "eni", "subnets", "--format", ""); out != "table\njson\ncsv\n:4\n" {
			t.Errorf("--format completion %q", out)
		}
		// No database: no completion, no error, no file created.
		missing := filepath.Join(t.TempDir(), "missing.duckdb")
		out, errOut, code := runAll("__complete", "--db", missing, "eni", "lifetimes", "--subnet", "")
		if code != 0 || out != ":4\n" || strings.Contains(errOut, "gluelens") || strings.Contains(errOut, "rror") {
			t.Errorf("completion without a database: exit %d, stdout %q, stderr %q", code, out, errOut)
		}
		if _, err := os.Stat(missing); err == nil {
			t.Errorf("completion created %s", missing)
		}
	})

	t.Run("the shortened run id a table prints reads back", func(t *testing.T) {
		full := cli(t, "--db", db, "report", "incident", "--run", first.JobRunID, "--format", "json")
		short := first.JobRunID[:11] + "…"
		if got := cli(t, "--db", db, "report", "incident", "--run", short, "--format", "json"); generated.ReplaceAllString(got, "") != generated.ReplaceAllString(full, "") {
			t.Errorf("report incident --run %s differs from --run %s", short, first.JobRunID)
		}
		if _, errOut, code := runAll("--db", db, "report", "incident", "--run", "jr_", "--format", "json"); code != exitUsage || !strings.Contains(errOut, "run id jr_ is the start of") {
			t.Errorf("ambiguous prefix: exit %d, stderr %q", code, errOut)
		}
		if _, errOut, code := runAll("--db", db, "report", "incident", "--run", "jr_nothing", "--format", "json"); code != exitEvidence || !strings.Contains(errOut, "jr_nothing") {
			t.Errorf("unknown run: exit %d, stderr %q", code, errOut)
		}
	})

	t.Run("-o for every writer, deprecated forms still work", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "subnets.csv")
		if stdout := cli(t, "--db", db, "eni", "subnets", "--format", "csv", "-o", out); stdout != "" {
			t.Errorf("-o also wrote to stdout: %q", stdout)
		}
		b, err := os.ReadFile(out)
		if err != nil || string(b) != cli(t, "--db", db, "eni", "subnets", "--format", "csv") {
			t.Errorf("-o file differs from stdout: %v\n%s", err, b)
		}
		from, to := "2026-11-02T00:00:00Z", "2026-11-02T12:00:00Z"
		newForm := cli(t, "--db", db, "report", "compare", "--before-from", from, "--before-to", to, "--after-from", to, "--after-to", "2026-11-03", "--format", "json")
		_, errOut, code := runAll("--db", db, "report", "compare", "--before", from+".."+to, "--after", to+"..2026-11-03", "--format", "json")
		if code != exitOK || !strings.Contains(errOut, "--before is deprecated") {
			t.Errorf("--before FROM..TO: exit %d, stderr %q", code, errOut)
		}
		oldForm := cli(t, "--db", db, "report", "compare", "--before", from+".."+to, "--after", to+"..2026-11-03", "--format", "json")
		if generated.ReplaceAllString(newForm, "") != generated.ReplaceAllString(oldForm, "") {
			t.Errorf("--before-from/--before-to and --before FROM..TO give different reports")
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(newForm), &doc); err != nil {
			t.Errorf("compare JSON: %v", err)
		}
		if _, errOut, code := runAll("--db", db, "report", "compare", "--before-from", from, "--after-from", to, "--after-to", "2026-11-03"); code != exitUsage || !strings.Contains(errOut, "give both --before-from and --before-to") {
			t.Errorf("half a period: exit %d, stderr %q", code, errOut)
		}
		pack := filepath.Join(t.TempDir(), "pack")
		if _, errOut, code := runAll("--db", db, "export", "-o", pack, "--tables", "subnets"); code != exitOK {
			t.Errorf("export -o: exit %d, stderr %q", code, errOut)
		}
		if _, err := os.Stat(filepath.Join(pack, "_gluelens_manifest.json")); err != nil {
			t.Errorf("export -o wrote no pack: %v", err)
		}
	})
}

var generated = regexp.MustCompile(`"generated_at": "[^"]*"`)

func maxWidth(s string) int {
	m := 0
	for _, l := range strings.Split(s, "\n") {
		m = max(m, utf8.RuneCountInString(l))
	}
	return m
}

func jsonNumber(f float64, decimals int) string {
	b, _ := json.Marshal(f)
	if decimals < 0 {
		return string(b)
	}
	return strconvF(f, decimals)
}

func strconvF(f float64, decimals int) string { return strconv.FormatFloat(f, 'f', decimals, 64) }

func strconvI(n int64) string { return strconv.FormatInt(n, 10) }

func isoWeek(y, w int) string { return fmt.Sprintf("%d-W%02d", y, w) }
