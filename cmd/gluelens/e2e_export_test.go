package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runGluelens runs the CLI and returns stdout, stderr and the exit code.
func runGluelens(args ...string) (string, string, int) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, nil, &out, &errOut)
	return out.String(), errOut.String(), code
}

// TestExportPackGivesSameAnalysis: evidence → database A → export → ingest
// the pack into database B → the ENI analysis commands print the same
// answers from both.
func TestExportPackGivesSameAnalysis(t *testing.T) {
	dir := t.TempDir()
	ev, pack := filepath.Join(dir, "evidence"), filepath.Join(dir, "pack")
	dbA, dbB := filepath.Join(dir, "a.duckdb"), filepath.Join(dir, "b.duckdb")
	must := func(args ...string) string {
		t.Helper()
		out, errOut, code := runGluelens(args...)
		if code != 0 {
			t.Fatalf("gluelens %v: exit %d\n%s", args, code, errOut)
		}
		return out
	}
	must("synth", "ip-exhaustion", "--out", ev)
	must("--db", dbA, "ingest", "--quiet", ev)
	must("--db", dbA, "export", "--out", pack)
	must("--db", dbB, "ingest", "--quiet", pack)
	for _, args := range [][]string{
		{"eni", "subnets", "--format", "json"},
		{"eni", "exhaustion", "--format", "json"},
		{"query", "SELECT count(*) AS n, count(DISTINCT eni_id) AS enis FROM eni_lifetimes", "--format", "csv"},
	} {
		a := must(append([]string{"--db", dbA}, args...)...)
		b := must(append([]string{"--db", dbB}, args...)...)
		if a != b {
			t.Errorf("gluelens %v differs between the source database and the pack:\nA: %.400s\nB: %.400s", args, a, b)
		}
		if len(strings.TrimSpace(a)) < 10 {
			t.Errorf("gluelens %v printed almost nothing: %q", args, a)
		}
	}

	ddl := must("scale", "ddl", "--dialect", "spark", pack)
	if !strings.Contains(ddl, "CREATE TABLE IF NOT EXISTS gluelens.eni_events (") || !strings.Contains(ddl, "PARTITIONED BY (dt)") {
		t.Errorf("spark DDL:\n%.600s", ddl)
	}
	ddl = must("scale", "ddl", "--dialect", "athena", "--location", "s3://b/p", pack)
	if !strings.Contains(ddl, "LOCATION 's3://b/p/table=glue_runs/'") {
		t.Errorf("athena DDL:\n%.600s", ddl)
	}

	usage := []struct {
		args []string
		want string
	}{
		{[]string{"--db", dbA, "export", "--out", pack}, "not empty"},
		{[]string{"--db", dbA, "export"}, "needs a destination"},
		{[]string{"scale", "ddl", "--dialect", "athena", pack}, "--location"},
		{[]string{"scale", "athena-sql", "--output", "s3://r/x"}, "--from and --to are required"},
		{[]string{"scale", "athena-sql", "--from", "2026-11-02", "--to", "2026-11-03", "--output", "s3://r/x", "--partitions", "a,b"}, "three"},
	}
	for _, u := range usage {
		_, errOut, code := runGluelens(u.args...)
		if code != exitUsage || !strings.Contains(errOut, u.want) {
			t.Errorf("gluelens %v: exit %d, stderr %q; want exit %d saying %q", u.args, code, errOut, exitUsage, u.want)
		}
	}
	sql := must("scale", "athena-sql", "--from", "2026-11-02", "--to", "2026-11-03", "--output", "s3://r/x", "--regions", "eu-west-1")
	if !strings.HasPrefix(strings.TrimSpace(sql[strings.Index(sql, "UNLOAD"):]), "UNLOAD (") || !strings.Contains(sql, `"region" IN ('eu-west-1')`) {
		t.Errorf("athena-sql:\n%s", sql)
	}
	if _, err := os.Stat(filepath.Join(pack, "_gluelens_manifest.json")); err != nil {
		t.Error(err)
	}
}
