package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// asCLI: a test binary started with GLUELENS_TEST_AS_CLI=1 is gluelens
// itself (its arguments are gluelens's), so tests can run real processes —
// several at once, or killed with a signal.
func init() {
	if os.Getenv("GLUELENS_TEST_AS_CLI") == "1" {
		exit = func(code int) {
			writePeakRSS()
			os.Exit(code)
		}
		main()
		exit(0)
	}
}

// cliProcess starts gluelens as a separate process (the test binary).
func cliProcess(args ...string) *exec.Cmd {
	c := exec.Command(os.Args[0], args...)
	c.Env = append(os.Environ(), "GLUELENS_TEST_AS_CLI=1")
	return c
}

// runCode runs gluelens in-process and returns stdout, stderr and the exit status.
func runCode(args ...string) (string, string, int) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, nil, &out, &errOut)
	return out.String(), errOut.String(), code
}

func fileSum(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// ipEvidence generates the ip-exhaustion scenario and ingests it; it
// returns the evidence folder, the database and the truth.
func ipEvidence(t *testing.T) (string, string, truthFile) {
	t.Helper()
	dir := t.TempDir()
	ev := filepath.Join(dir, "evidence")
	db := filepath.Join(dir, "g.duckdb")
	cli(t, "synth", "ip-exhaustion", "--out", ev, "--seed", "5")
	cli(t, "--db", db, "ingest", "--quiet", ev)
	return ev, db, readTruth(t, ev)
}

// TestMissingDatabaseIsAnError: a --db that does not exist is an error
// naming the path and how to create it (exit 7), and no file appears.
func TestMissingDatabaseIsAnError(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "nope.duckdb")
	for _, args := range [][]string{
		{"eni", "subnets"}, {"eni", "lifetimes"}, {"runs"}, {"spark", "apps"}, {"query", "SELECT 1"},
		{"report", "capacity", "--week", "2026-W45", "--format", "json"}, {"plan", "thresholds"}, {"categories"},
	} {
		out, errOut, code := runCode(append([]string{"--db", db}, args...)...)
		if code != exitEvidence || out != "" || !strings.Contains(errOut, "no database at "+db) ||
			!strings.Contains(errOut, "gluelens --db "+db+" ingest") {
			t.Errorf("gluelens %v with no database: exit %d, stdout %q, stderr %q; want exit %d naming %s and ingest",
				args, code, out, errOut, exitEvidence, db)
		}
		if _, err := os.Stat(db); err == nil {
			t.Fatalf("gluelens %v created %s", args, db)
		}
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("files left in the folder: %v", left)
	}
}

// TestReadsLeaveTheDatabaseUnchanged: after every read command the file
// is byte-identical and no .wal is left, also when the file and its folder
// are read-only; several readers run at once as separate processes.
func TestReadsLeaveTheDatabaseUnchanged(t *testing.T) {
	_, db, tr := ipEvidence(t)
	first := tr.FailedCreates[0]
	before := fileSum(t, db)
	reads := [][]string{
		{"eni", "subnets"}, {"eni", "lifetimes"}, {"eni", "exhaustion"}, {"eni", "at", first.SubnetID, first.At},
		{"runs"}, {"spark", "apps"}, {"categories"}, {"plan", "thresholds"},
		{"query", "SELECT count(*) FROM subnet_occupancy"},
		{"report", "incident", "--at", first.At, "--format", "json"},
		{"report", "capacity", "--week", "2026-W45", "--format", "md"},
	}
	check := func(when string) {
		t.Helper()
		if got := fileSum(t, db); got != before {
			t.Fatalf("%s: the database file changed", when)
		}
		if _, err := os.Stat(db + ".wal"); err == nil {
			t.Fatalf("%s: %s.wal left behind", when, db)
		}
	}
	for _, args := range reads {
		cli(t, append([]string{"--db", db}, args...)...)
		check(strings.Join(args, " "))
	}

	// Read-only file in a read-only folder (as root the permissions do not
	// stop a write, so the byte comparison is what catches one).
	if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Dir(db), 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(filepath.Dir(db), 0o755) })
	cli(t, "--db", db, "eni", "subnets")
	check("eni subnets on a chmod 444 file")

	// Several reader processes at once.
	var wg sync.WaitGroup
	errs := make([]string, 4)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c := cliProcess("--db", db, "eni", "lifetimes", "--format", "csv")
			var errOut bytes.Buffer
			c.Stderr = &errOut
			out, err := c.Output()
			if err != nil || bytes.Count(out, []byte("\n")) < 2 {
				errs[i] = err.Error() + ": " + errOut.String()
			}
		}(i)
	}
	wg.Wait()
	for i, e := range errs {
		if e != "" {
			t.Errorf("concurrent reader %d: %s", i, e)
		}
	}
	check("four concurrent readers")
}

// TestQueryIsReadOnlyUnlessWrite: a statement that changes the database
// is refused (exit 2, naming --write) and changes nothing.
func TestQueryIsReadOnlyUnlessWrite(t *testing.T) {
	_, db, _ := ipEvidence(t)
	before := fileSum(t, db)
	for _, q := range []string{"DROP TABLE glue_runs", "DELETE FROM eni_events", "CREATE TABLE x (a INT)"} {
		_, errOut, code := runCode("--db", db, "query", q)
		if code != exitUsage || !strings.Contains(errOut, "--write") {
			t.Errorf("query %q: exit %d, stderr %q; want %d naming --write", q, code, errOut, exitUsage)
		}
	}
	if fileSum(t, db) != before {
		t.Fatal("a refused query changed the database")
	}
	cli(t, "--db", db, "query", "--write", "CREATE TABLE notes (a INT)")
	if got := cli(t, "--db", db, "query", "--format", "csv", "SELECT count(*) AS n FROM notes"); got != "n\n0\n" {
		t.Errorf("query --write did not create the table: %q", got)
	}
}

// TestDamagedDatabaseIsRepairedByIngest: dropped views do not stop a read;
// a dropped table is reported as damage (exit 7, naming ingest) and the
// next ingest puts back the table and its evidence.
func TestDamagedDatabaseIsRepairedByIngest(t *testing.T) {
	ev, db, _ := ipEvidence(t)
	want := dumpTables(t, db, ev)
	subnets := cli(t, "--db", db, "eni", "subnets", "--format", "csv")

	cli(t, "--db", db, "query", "--write", "DROP VIEW subnet_occupancy")
	cli(t, "--db", db, "query", "--write", "DROP VIEW eni_lifetimes")
	if got := cli(t, "--db", db, "eni", "subnets", "--format", "csv"); got != subnets {
		t.Errorf("eni subnets after the views were dropped:\n%s\nwant\n%s", got, subnets)
	}

	cli(t, "--db", db, "query", "--write", "DROP TABLE glue_runs")
	_, errOut, code := runCode("--db", db, "eni", "subnets")
	if code != exitEvidence || !strings.Contains(errOut, "is damaged") || !strings.Contains(errOut, "ingest") {
		t.Errorf("eni subnets on a database without glue_runs: exit %d, %q; want %d saying it is damaged and naming ingest", code, errOut, exitEvidence)
	}
	_, errOut, code = runCode("--db", db, "ingest", ev)
	if code != exitOK || !strings.Contains(errOut, "table glue_runs was missing") {
		t.Fatalf("ingest after DROP TABLE glue_runs: exit %d\n%s", code, errOut)
	}
	got := dumpTables(t, db, ev)
	for _, tbl := range []string{"ingest_manifest", "ingest_issues"} {
		// The manifest says when each object was (re-)read; compare the rest.
		delete(got, tbl)
		delete(want, tbl)
	}
	if !reflect.DeepEqual(got, want) {
		for k := range want {
			if !reflect.DeepEqual(got[k], want[k]) {
				t.Errorf("table %s after the repair differs: %d rows, want %d", k, len(got[k]), len(want[k]))
			}
		}
	}
	if got := cli(t, "--db", db, "eni", "subnets", "--format", "csv"); got != subnets {
		t.Errorf("eni subnets after the repair:\n%s\nwant\n%s", got, subnets)
	}

	cli(t, "--db", db, "query", "--write", "DROP TABLE gluelens_meta")
	if _, errOut, code = runCode("--db", db, "runs"); code != exitEvidence || !strings.Contains(errOut, "damaged") {
		t.Errorf("runs without gluelens_meta: exit %d, %q", code, errOut)
	}
	cli(t, "--db", db, "ingest", "--quiet", ev)
	if got := cli(t, "--db", db, "eni", "subnets", "--format", "csv"); got != subnets {
		t.Errorf("eni subnets after gluelens_meta was put back:\n%s\nwant\n%s", got, subnets)
	}
}
