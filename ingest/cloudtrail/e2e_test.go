package cloudtrail_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/awscli"
	"github.com/gluelens/gluelens/ingest/cloudtrail"
	"github.com/gluelens/gluelens/ingest/localsrc"
	"github.com/gluelens/gluelens/internal/store"
	"github.com/gluelens/gluelens/internal/testutil"
)

func gz(t *testing.T, data []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func trail(t *testing.T, recs ...map[string]any) []byte {
	b, err := json.Marshal(map[string]any{"Records": recs})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func withID(id, name string) map[string]any {
	return record(func(r map[string]any) { r["eventID"], r["eventName"] = id, name })
}

func TestIngestEndToEnd(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	logs := filepath.Join(dir, "AWSLogs", "123456789012", "CloudTrail", "eu-west-1", "2026", "11", "02")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		t.Fatal(err)
	}
	digests := filepath.Join(dir, "AWSLogs", "123456789012", "CloudTrail-Digest", "eu-west-1", "2026", "11", "02")
	if err := os.MkdirAll(digests, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(path string, data []byte) {
		t.Helper()
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// a: two ENI calls and three others.
	write(filepath.Join(logs, "a.json.gz"), gz(t, trail(t,
		withID("e1", "CreateNetworkInterface"), withID("x1", "DescribeInstances"), withID("e2", "DeleteNetworkInterface"),
		withID("x2", "RunInstances"), withID("x3", "DescribeNetworkInterfaces"))))
	// b: e1 delivered again (CloudTrail duplicates keep the eventID) and a new e3.
	write(filepath.Join(logs, "b.json.gz"), gz(t, trail(t, withID("e1", "CreateNetworkInterface"), withID("e3", "AttachNetworkInterface"))))
	// c: a gzip cut in half; its e9 must not load.
	whole := gz(t, trail(t, withID("e9", "CreateNetworkInterface"), withID("x9", "RunInstances")))
	write(filepath.Join(logs, "c.json.gz"), whole[:len(whole)/2])
	// A digest file: recognised and ignored.
	digest, err := os.ReadFile(testutil.RealData(t, "cloudtrail", "aws-docs", "cloudtrail-user-guide_digest-file-sample_1.verbatim.json"))
	if err != nil {
		t.Fatal(err)
	}
	write(filepath.Join(digests, "d.json.gz"), gz(t, digest))

	trailSrc, err := localsrc.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Glue runs read in place from testdata/realdata.
	runsSrc, err := localsrc.New(testutil.RealData(t, "glue", "get-job-runs.output.repaired.json"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "g.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	opts := ingest.Options{Decoders: append([]ingest.Decoder{cloudtrail.New()}, awscli.Decoders()...), Workers: 2}
	sources := []ingest.Source{trailSrc, runsSrc}

	sum, err := ingest.Run(ctx, st, sources, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Objects != 5 || sum.Loaded != 3 || sum.Ignored != 1 || sum.Failed != 1 {
		t.Fatalf("objects %d loaded %d ignored %d failed %d; want 5, 3, 1, 1", sum.Objects, sum.Loaded, sum.Ignored, sum.Failed)
	}
	// Kept counts rows loaded: of the 4+3 records read (e1 twice) the merge
	// drops the copy, a duplicate.
	if sum.Kept != 4+3-1 || sum.Duplicates != 1 || sum.Skipped != 3 {
		t.Errorf("kept %d duplicates %d skipped %d; want 6, 1, 3", sum.Kept, sum.Duplicates, sum.Skipped)
	}
	failure := sum.Failures[0].Err.Error()
	if !strings.Contains(failure, filepath.Join(logs, "c.json.gz")) || !strings.Contains(failure, "unexpected EOF") {
		t.Errorf("failure %q should name c.json.gz and the cut", failure)
	}
	m, err := st.Manifest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]struct{ kind, status string }{
		filepath.Join(logs, "a.json.gz"):    {"cloudtrail", store.StatusOK},
		filepath.Join(logs, "b.json.gz"):    {"cloudtrail", store.StatusOK},
		filepath.Join(logs, "c.json.gz"):    {"", store.StatusFailed}, // the kind of a failed object is not asserted
		filepath.Join(digests, "d.json.gz"): {"cloudtrail", store.StatusIgnored},
		runsSrc.Root:                        {"glue-job-runs", store.StatusOK},
	} {
		if e := m[name]; (want.kind != "" && e.Kind != want.kind) || e.Status != want.status {
			t.Errorf("manifest %s: kind %q status %q, want %q %q", name, e.Kind, e.Status, want.kind, want.status)
		}
	}

	counts := func() (ids string, runs int) {
		t.Helper()
		if err := st.DB().QueryRowContext(ctx, `SELECT string_agg(event_id, ',' ORDER BY event_id) FROM eni_events`).Scan(&ids); err != nil {
			t.Fatal(err)
		}
		if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM glue_runs`).Scan(&runs); err != nil {
			t.Fatal(err)
		}
		return ids, runs
	}
	ids, runs := counts()
	if ids != "e1,e2,e3" || runs != 3 {
		t.Fatalf("eni_events %q, glue_runs %d; want e1,e2,e3 and 3", ids, runs)
	}
	var uri string
	var idx int
	if err := st.DB().QueryRowContext(ctx, `SELECT source_uri, record_index FROM eni_events WHERE event_id = 'e2'`).Scan(&uri, &idx); err != nil {
		t.Fatal(err)
	}
	if uri != filepath.Join(logs, "a.json.gz") || idx != 2 {
		t.Errorf("e2 from %s #%d, want a.json.gz #2", uri, idx)
	}

	// Re-ingest: everything loaded is unchanged; the cut file fails again.
	sum, err = ingest.Run(ctx, st, sources, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Unchanged != 4 || sum.Failed != 1 || sum.Loaded != 0 {
		t.Errorf("second run: unchanged %d failed %d loaded %d; want 4, 1, 0", sum.Unchanged, sum.Failed, sum.Loaded)
	}
	if ids2, runs2 := counts(); ids2 != ids || runs2 != runs {
		t.Errorf("second run changed the tables: %q/%d, want %q/%d", ids2, runs2, ids, runs)
	}
}
