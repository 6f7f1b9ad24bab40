package report

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestLaunchLinesHostileCategory feeds job-name-derived categories an
// attacker controls through the pasteable publish and gate lines: bash must
// parse them, and run with gluelens replaced by a function printing its
// arguments they must pass the words unchanged and run nothing else.
func TestLaunchLinesHostileCategory(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatalf("bash is needed for this test: %v", err)
	}
	asOf := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	end := asOf.Add(7 * 24 * time.Hour)
	table := "dynamodb://" + thresholdTable
	// Job names an attacker controls (testdata/hostile/hostile-names.json):
	// the default category is the job name's prefix.
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "hostile", "hostile-names.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cats []string
	if err := json.Unmarshal(b, &cats); err != nil || len(cats) < 8 {
		t.Fatalf("reading the hostile names: %d names, %v", len(cats), err)
	}
	for _, cat := range cats {
		lines := launchLines(thresholdTable, cat, asOf, end)
		if out, err := exec.Command(bash, "-n", "-c", lines).CombinedOutput(); err != nil {
			t.Errorf("%q: bash -n rejects %s: %v %s", cat, lines, err, out)
			continue
		}
		dir := t.TempDir()
		cmd := exec.Command(bash, "-c", `gluelens() { printf '%s\0' "$@"; printf '\001'; }; `+lines)
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil {
			t.Errorf("%q: running %s: %v", cat, lines, err)
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
			t.Errorf("%q: the pasted lines ran an injected command: %s", cat, lines)
		}
		calls := strings.Split(strings.TrimSuffix(string(out), "\x01"), "\x01")
		if len(calls) != 2 {
			t.Errorf("%q: %d gluelens calls, want 2: %q", cat, len(calls), out)
			continue
		}
		args := func(c string) []string { return strings.Split(strings.TrimSuffix(c, "\x00"), "\x00") }
		if got, want := args(calls[0]), []string{"plan", "thresholds", "--until", "2026-11-23T00:00:00Z", "--publish", table, "--create-table"}; !slices.Equal(got, want) {
			t.Errorf("%q: publish received %q, want %q", cat, got, want)
		}
		if got, want := args(calls[1]), []string{"gate", "--category=" + cat, "--thresholds", table}; !slices.Equal(got, want) {
			t.Errorf("%q: gate received %q, want %q", cat, got, want)
		}
	}
	// The window ends at the evidence end: no --until.
	for _, at := range []time.Time{{}, end, end.Add(time.Hour)} {
		if l := launchLines(thresholdTable, "ingest", at, end); strings.Contains(l, "--until") {
			t.Errorf("asOf %s, evidence end %s: %s", at, end, l)
		}
	}
}
