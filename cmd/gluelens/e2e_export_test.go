package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gluelens/gluelens/internal/fakes3"
)

// runGluelens runs the CLI and returns stdout, stderr and the exit code.
func runGluelens(args ...string) (string, string, int) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, nil, &out, &errOut)
	return out.String(), errOut.String(), code
}

// TestExportPackGivesSameAnalysis: evidence (the ip-exhaustion and
// disk-full scenarios) → database A → export → ingest the pack into
// database B → the ENI, run and Spark commands print the same answers from
// both.
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
	must("synth", "ip-exhaustion", "--out", ev, "--eni-share", "0")
	must("synth", "disk-full", "--out", filepath.Join(ev, "spark"))
	must("--db", dbA, "ingest", "--quiet", ev)
	must("--db", dbA, "export", "--out", pack)
	must("--db", dbB, "ingest", "--quiet", pack)
	for _, args := range [][]string{
		{"eni", "subnets", "--format", "json"},
		{"eni", "exhaustion", "--format", "json"},
		{"query", "SELECT count(*) AS n, count(DISTINCT eni_id) AS enis FROM eni_lifetimes", "--format", "csv"},
		{"runs", "--format", "json"},
		{"spark", "apps", "--format", "json"},
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
	if !strings.Contains(ddl, "CREATE TABLE IF NOT EXISTS gluelens.eni_events (") || !strings.Contains(ddl, "PARTITIONED BY (dt)") ||
		!strings.Contains(ddl, "LOCATION '"+pack+"/table=eni_events/'") {
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

// TestExportS3 writes a pack to an S3-compatible server on loopback,
// refuses a second export under the same prefix, prints Athena DDL from
// the pack's manifest in S3 and ingests the pack back from S3.
func TestExportS3(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAGLUELENSEXPORT07")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "export-test-secret")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_REGION", "eu-west-1")
	srv, err := fakes3.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if err := srv.CreateBucket("packs"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ev, dbA, dbB := filepath.Join(dir, "evidence"), filepath.Join(dir, "a.duckdb"), filepath.Join(dir, "b.duckdb")
	must := func(args ...string) string {
		t.Helper()
		out, errOut, code := runGluelens(args...)
		if code != 0 {
			t.Fatalf("gluelens %v: exit %d\n%s", args, code, errOut)
		}
		return out
	}
	must("synth", "ip-exhaustion", "--out", ev, "--eni-share", "0")
	must("--db", dbA, "ingest", "--quiet", ev)
	must("--db", dbA, "export", "--out", "s3://packs/incident-42", "--endpoint-url", srv.URL)
	if _, errOut, code := runGluelens("--db", dbA, "export", "--out", "s3://packs/incident-42/", "--endpoint-url", srv.URL); code != exitUsage || !strings.Contains(errOut, "not empty") {
		t.Errorf("second export to the same prefix: exit %d %q", code, errOut)
	}
	ddl := must("scale", "ddl", "s3://packs/incident-42", "--endpoint-url", srv.URL)
	if !strings.Contains(ddl, "LOCATION 's3://packs/incident-42/table=eni_events/'") {
		t.Errorf("DDL from the S3 manifest:\n%.500s", ddl)
	}
	must("--db", dbB, "ingest", "--quiet", "s3://packs/incident-42/", "--endpoint-url", srv.URL)
	a := must("--db", dbA, "eni", "subnets", "--format", "json")
	b := must("--db", dbB, "eni", "subnets", "--format", "json")
	if a != b || len(a) < 10 {
		t.Errorf("eni subnets differ after the S3 round trip:\nA: %.300s\nB: %.300s", a, b)
	}
}
