package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestParseISOWeek(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // Monday, or "" for an error
	}{
		{"2026-W47", "2026-11-16"}, // 2026-01-01 is a Thursday, so week 1 starts 2025-12-29
		{"2026-W01", "2025-12-29"},
		{"2020-W53", "2020-12-28"}, // 2020 has 53 ISO weeks
		{"2026-w47", "2026-11-16"},
		{"2026-W53", "2026-12-28"}, // a year that starts on a Thursday has 53 ISO weeks
		{"2025-W53", ""},           // 2025 starts on a Wednesday: 52
		{"2026-W00", ""},
		{"2026-47", ""},
		{"W47", ""},
	} {
		got, err := parseISOWeek(c.in)
		switch {
		case c.want == "" && err == nil:
			t.Errorf("parseISOWeek(%q) = %s, want an error", c.in, got)
		case c.want != "" && (err != nil || got.Format("2006-01-02") != c.want || got.Weekday() != time.Monday):
			t.Errorf("parseISOWeek(%q) = %s, %v; want Monday %s", c.in, got, err, c.want)
		}
	}
}

func TestParseSpan(t *testing.T) {
	for _, c := range []struct {
		in       string
		from, to string
	}{
		{"2026-11-02..2026-11-03", "2026-11-02T00:00:00Z", "2026-11-03T00:00:00Z"},
		{"2026-11-02T06:00:00Z..2026-11-02 09:30", "2026-11-02T06:00:00Z", "2026-11-02T09:30:00Z"},
		{"2026-11-03..2026-11-02", "", ""},
		{"2026-11-02", "", ""},
		{"..2026-11-02", "", ""},
	} {
		sp, err := parseSpan(c.in)
		if c.from == "" {
			if err == nil {
				t.Errorf("parseSpan(%q) = %+v, want an error", c.in, sp)
			}
			continue
		}
		if err != nil || sp.From.Format(time.RFC3339) != c.from || sp.To.Format(time.RFC3339) != c.to {
			t.Errorf("parseSpan(%q) = %+v, %v; want %s..%s", c.in, sp, err, c.from, c.to)
		}
	}
}

// The report commands on the synth ip-exhaustion scenario: usage errors
// exit 2, the incident report names the failure truth.json records, and
// writing into a FIFO leaves the FIFO in place.
func TestReportCommands(t *testing.T) {
	dir := t.TempDir()
	ev := filepath.Join(dir, "ev")
	db := filepath.Join(dir, "g.duckdb")
	cli(t, "synth", "ip-exhaustion", "--out", ev, "--seed", "1", "--eni-share", "0")
	cli(t, "--db", db, "ingest", "--quiet", ev)
	tr := readTruth(t, ev)
	first := tr.FailedCreates[0]

	for _, args := range [][]string{
		{"report", "incident"},
		{"report", "incident", "--run", "x", "--at", first.At},
		{"report", "incident", "--at", "yesterday"},
		{"report", "incident", "--at", first.At, "--format", "pdf"},
		{"report", "capacity"},
		{"report", "capacity", "--week", "2026-W99"},
		{"report", "compare", "--before", "2026-11-02..2026-11-03"},
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), append([]string{"--db", db}, args...), nil, &out, &errOut); code != exitUsage {
			t.Errorf("gluelens %v: exit %d, want %d\n%s", args, code, exitUsage, errOut.String())
		}
	}

	var inc struct {
		Class     string `json:"class"`
		RootCause string `json:"root_cause"`
		IP        struct {
			SubnetID string `json:"subnet_id"`
			InUse    int64  `json:"in_use"`
		} `json:"ip"`
	}
	if err := json.Unmarshal([]byte(cli(t, "--db", db, "report", "incident", "--at", first.At, "--format", "json")), &inc); err != nil {
		t.Fatal(err)
	}
	if inc.Class != "ip_exhaustion" || inc.IP.SubnetID != first.SubnetID || inc.IP.InUse != first.InUse {
		t.Errorf("incident = %+v, want ip_exhaustion in %s with %d in use", inc, first.SubnetID, first.InUse)
	}
	if md := cli(t, "--db", db, "report", "compare", "--before", "2026-11-02T00:00:00Z..2026-11-02T06:00:00Z", "--after", "2026-11-02T06:00:00Z..2026-11-02T12:00:00Z", "--format", "md"); !strings.Contains(md, "| ENI creates refused for lack of IPs (creates) | 0 | ") {
		t.Errorf("compare summary does not count the refused creates:\n%s", md)
	}

	file := filepath.Join(dir, "out", "incident.html")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	cli(t, "--db", db, "report", "incident", "--at", first.At, "-o", file)
	if fi, err := os.Stat(file); err != nil || fi.Size() < 1<<20 || fi.Mode().Perm() != 0o644 {
		t.Errorf("incident.html: %v, %v", fi, err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "out", ".incident.html.*")); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}

	// Permissions: a new report gets 0666 less the umask (027 here), a
	// report replacing a 0600 file stays 0600, and no temporary file is left.
	umasked := filepath.Join(dir, "out", "umask.html")
	c := exec.Command("sh", "-c", `umask 027 && exec "$0" "$@"`, os.Args[0], "--db", db, "report", "incident", "--at", first.At, "-o", umasked)
	c.Env = append(os.Environ(), "GLUELENS_TEST_AS_CLI=1")
	if out, err := c.CombinedOutput(); err != nil {
		t.Fatalf("report under umask 027: %v\n%s", err, out)
	}
	if fi, err := os.Stat(umasked); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("report under umask 027: %v, %v; want mode 0640", fi, err)
	}
	private := filepath.Join(dir, "out", "private.md")
	if err := os.WriteFile(private, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	cli(t, "--db", db, "report", "incident", "--at", first.At, "--format", "md", "-o", private)
	if fi, err := os.Stat(private); err != nil || fi.Mode().Perm() != 0o600 || fi.Size() < 100 {
		t.Errorf("replacing a 0600 report: %v, %v; want it rewritten and still 0600", fi, err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "out", ".*")); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}

	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	read := make(chan int, 1)
	go func() {
		b, _ := os.ReadFile(fifo)
		read <- len(b)
	}()
	cli(t, "--db", db, "report", "incident", "--at", first.At, "--format", "md", "-o", fifo)
	if n := <-read; n == 0 {
		t.Error("nothing came through the FIFO")
	}
	if fi, err := os.Stat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v, %v", fi, err)
	}
}
