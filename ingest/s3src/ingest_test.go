package s3src_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/localsrc"
	"github.com/gluelens/gluelens/ingest/s3src"
	"github.com/gluelens/gluelens/internal/fakes3"
	"github.com/gluelens/gluelens/internal/store"
)

func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "g.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func runIngest(t testing.TB, st *store.Store, force bool, srcs ...ingest.Source) ingest.Summary {
	t.Helper()
	sum, err := ingest.Run(context.Background(), st, srcs, ingest.Options{
		Decoders: testDecoders(),
		Workers:  4,
		Force:    force,
		Group:    groupRolling,
	})
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// rows returns a query's rows rendered as strings, in the query's order.
func rows(t testing.TB, st *store.Store, query string) []string {
	t.Helper()
	rs, err := st.DB().Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	cols, _ := rs.Columns()
	var out []string
	for rs.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for i, v := range vals {
			if i > 0 {
				b.WriteByte('|')
			}
			if v.Valid {
				b.WriteString(v.String)
			} else {
				b.WriteString("NULL")
			}
		}
		out = append(out, b.String())
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// eventRows is every eni_events row, source_uri reduced to the key.
const eventRows = `SELECT * EXCLUDE (source_uri), regexp_replace(source_uri, '^.*?(AWSLogs/|sparkui/)', '\1') AS k
	FROM eni_events ORDER BY event_id`

// manifestRows is what the manifest says about each object, by key.
const manifestRows = `SELECT regexp_replace(uri, '^.*?(AWSLogs/|sparkui/)', '\1') AS k, size, content_sha256, kind,
	records_kept, records_skipped, records_bad, records_duplicate, status
	FROM ingest_manifest ORDER BY k`

func count(t testing.TB, st *store.Store, query string) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func getKeys(srv *fakes3.Server) []string {
	var out []string
	for _, g := range srv.Gets() {
		out = append(out, g.Key)
	}
	slices.Sort(out)
	return out
}

// TestIngestIncremental: a re-run fetches nothing, a new object is fetched
// alone, an object whose ETag changed (same size) is re-read, --force
// re-reads everything.
func TestIngestIncremental(t *testing.T) {
	srv := startServer(t)
	c := evidenceCorpus(t)
	c.upload(t, srv, "ev")
	client := newClient(t, srv)
	st := openStore(t)
	src := newSource(t, client, "s3://ev/", s3src.Options{})

	first := runIngest(t, st, false, src)
	// 25 CloudTrail files, 2 Spark logs, 1 rolling group and the digest
	// (read for gluelens verify; this test's decoders do not claim it);
	// the Insights file is never listed.
	if first.Objects != 29 || first.Loaded != 28 || first.Ignored != 1 || first.Failed != 0 {
		t.Fatalf("first run: %+v", first)
	}
	firstGets := len(srv.Gets())
	if firstGets != 30 { // the rolling group has two parts
		t.Errorf("first run made %d GETs, want 30", firstGets)
	}
	events := count(t, st, "SELECT count(*) FROM eni_events")
	if events == 0 {
		t.Fatal("no ENI events loaded")
	}

	srv.ResetRequests()
	second := runIngest(t, st, false, src)
	if second.Unchanged != 29 || second.Loaded != 0 {
		t.Errorf("second run: %+v", second)
	}
	if g := srv.Gets(); len(g) != 0 {
		t.Errorf("second run fetched %d objects: %v", len(g), getKeys(srv))
	}

	rng := rand.New(rand.NewPCG(99, 1))
	newKey := ctKey("", "111111111111", "us-east-1", utc("2026-11-04T20:00:00Z"), 900)
	if err := srv.Put("ev", newKey, ctFile(rng, "111111111111", "us-east-1", utc("2026-11-04T20:00:00Z"), 60)); err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	third := runIngest(t, st, false, src)
	if third.Loaded != 1 || third.Unchanged != 29 {
		t.Errorf("third run: %+v", third)
	}
	if got := getKeys(srv); !slices.Equal(got, []string{newKey}) {
		t.Errorf("third run fetched %q, want only the new object", got)
	}

	// Same size, different bytes: only the ETag tells.
	var changed string
	for k := range c {
		if strings.Contains(k, "/CloudTrail/us-east-1/") && changed == "" || strings.Contains(k, "/CloudTrail/us-east-1/") && k < changed {
			changed = k
		}
	}
	data := slices.Clone(c[changed])
	data[len(data)-9] ^= 0xff // the gzip CRC: same size, new ETag
	if err := srv.Put("ev", changed, data); err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	fourth := runIngest(t, st, false, src)
	if got := getKeys(srv); !slices.Equal(got, []string{changed}) {
		t.Errorf("fourth run fetched %q, want only the changed object %q", got, changed)
	}
	if fourth.Unchanged != 29 || fourth.Objects != 30 {
		t.Errorf("fourth run: %+v", fourth)
	}

	srv.ResetRequests()
	runIngest(t, st, true, src)
	if got := len(srv.Gets()); got != firstGets+1 {
		t.Errorf("--force fetched %d objects, want %d", got, firstGets+1)
	}
}

// TestIngestFaults compares a run through injected faults (503 SlowDown,
// 500 InternalError, bodies cut short or reset mid-stream, a corrupt gzip
// object) with a clean run of the same corpus: nothing lost, nothing
// doubled, only the corrupt object fails.
func TestIngestFaults(t *testing.T) {
	c := evidenceCorpus(t)
	var keys []string
	for k := range c {
		if strings.Contains(k, "/CloudTrail/") {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	corrupt := "AWSLogs/111111111111/CloudTrail/us-east-1/2026/11/02/111111111111_CloudTrail_us-east-1_20261102T2300Z_00000000000003E7.json.gz"
	bad := slices.Clone(c[keys[0]])
	bad = append(bad[:len(bad)/2], make([]byte, len(bad)-len(bad)/2)...) // gzip stream zeroed from the middle
	c[corrupt] = bad

	clean := startServer(t)
	c.upload(t, clean, "ev")
	cleanStore := openStore(t)
	cleanSum := runIngest(t, cleanStore, false, newSource(t, newClient(t, clean), "s3://ev/", s3src.Options{}))
	if cleanSum.Failed != 1 || cleanSum.Failures[0].Entry.URI != "s3://ev/"+corrupt {
		t.Fatalf("clean run: want only the corrupt object to fail, got %+v", cleanSum)
	}

	srv := startServer(t)
	c.upload(t, srv, "ev")
	slow, cut, cutTwice, reset, internal := keys[1], keys[2], keys[3], keys[5], keys[6]
	srv.SetFault("ev", slow, &fakes3.Fault{SlowDown: 3})
	srv.SetFault("ev", cut, &fakes3.Fault{CutAfter: 700, Cuts: 1})
	srv.SetFault("ev", cutTwice, &fakes3.Fault{CutAfter: 300, Cuts: 2})
	srv.SetFault("ev", reset, &fakes3.Fault{CutAfter: 500, Cuts: 1, Reset: true})
	srv.SetFault("ev", internal, &fakes3.Fault{InternalErrors: 2})
	st := openStore(t)
	sum := runIngest(t, st, false, newSource(t, newClient(t, srv), "s3://ev/", s3src.Options{}))
	if sum.Failed != 1 || sum.Loaded != cleanSum.Loaded {
		t.Errorf("faulty run: %d loaded, %d failed; clean run: %d loaded", sum.Loaded, sum.Failed, cleanSum.Loaded)
	}
	if sum.Retries != 3+2+1+2+1 {
		t.Errorf("retries = %d, want 9 (3 SlowDown, 2 InternalError, 4 resumed bodies)", sum.Retries)
	}
	if !strings.Contains(sum.Failures[0].Err.Error(), corrupt) {
		t.Errorf("failure does not name the object: %v", sum.Failures[0].Err)
	}
	if got, want := rows(t, st, eventRows), rows(t, cleanStore, eventRows); !slices.Equal(got, want) {
		t.Errorf("eni_events differ from the clean run: %d vs %d rows", len(got), len(want))
	}
	if got, want := rows(t, st, manifestRows), rows(t, cleanStore, manifestRows); !slices.Equal(got, want) {
		t.Errorf("manifest differs from the clean run:\n got %q\nwant %q", got, want)
	}
	// Every resumed GET asked for the rest of the same version.
	var resumed []string
	for _, g := range srv.Gets() {
		if g.Range != "" {
			resumed = append(resumed, g.Key+" "+g.Range)
			if g.IfMatch == "" || !strings.HasPrefix(g.IfMatch, `"`) {
				t.Errorf("resumed GET of %s without If-Match: %+v", g.Key, g)
			}
		}
	}
	slices.Sort(resumed)
	want := []string{cut + " bytes=700-", cutTwice + " bytes=300-", cutTwice + " bytes=600-", reset + " bytes=500-"}
	slices.Sort(want)
	if !slices.Equal(resumed, want) {
		t.Errorf("resumed GETs %q, want %q", resumed, want)
	}

	t.Run("object that keeps failing", func(t *testing.T) {
		srv.SetFault("ev", keys[4], &fakes3.Fault{SlowDown: 1000})
		st := openStore(t)
		sum := runIngest(t, st, false, newSource(t, newClient(t, srv), "s3://ev/", s3src.Options{}))
		var failed []string
		for _, f := range sum.Failures {
			failed = append(failed, f.Entry.URI)
			if !strings.Contains(f.Err.Error(), f.Entry.URI) {
				t.Errorf("failure does not name its object: %v", f.Err)
			}
		}
		wantFailed := []string{"s3://ev/" + corrupt, "s3://ev/" + keys[4]}
		slices.Sort(wantFailed)
		if !slices.Equal(failed, wantFailed) {
			t.Errorf("failed %q, want %q", failed, wantFailed)
		}
		if sum.Loaded != cleanSum.Loaded-1 {
			t.Errorf("loaded %d, want %d", sum.Loaded, cleanSum.Loaded-1)
		}
		// Once S3 recovers, a re-run fetches just the failed objects and
		// the tables match the clean run.
		srv.SetFault("ev", keys[4], nil)
		srv.ResetRequests()
		runIngest(t, st, false, newSource(t, newClient(t, srv), "s3://ev/", s3src.Options{}))
		if got := getKeys(srv); !slices.Equal(got, slices.Sorted(slices.Values([]string{corrupt, keys[4]}))) {
			t.Errorf("re-run fetched %q", got)
		}
		if got, want := rows(t, st, eventRows), rows(t, cleanStore, eventRows); !slices.Equal(got, want) {
			t.Errorf("eni_events after recovery differ from the clean run: %d vs %d rows", len(got), len(want))
		}
	})
}

// TestS3MatchesLocal ingests one corpus from S3 and from a local folder:
// every table row and every manifest fact must agree except the URI.
func TestS3MatchesLocal(t *testing.T) {
	c := evidenceCorpus(t)
	srv := startServer(t)
	c.upload(t, srv, "ev")
	dir := t.TempDir()
	c.writeDir(t, dir)

	s3Store, localStore := openStore(t), openStore(t)
	s3Sum := runIngest(t, s3Store, false, newSource(t, newClient(t, srv), "s3://ev/", s3src.Options{}))
	local, err := localsrc.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	localSum := runIngest(t, localStore, false, local)
	// The local walk has the digest and Insights files too: the decoders
	// ignore them; S3 listing never fetches them.
	if s3Sum.Loaded != localSum.Loaded || s3Sum.Kept != localSum.Kept || s3Sum.Skipped != localSum.Skipped || s3Sum.Failed != 0 || localSum.Failed != 0 {
		t.Errorf("summaries differ:\n  s3 %+v\nlocal %+v", s3Sum, localSum)
	}
	for _, tbl := range store.Tables() {
		q := fmt.Sprintf("SELECT * EXCLUDE (source_uri) FROM %s ORDER BY ALL", tbl.Name)
		if !hasColumn(t, s3Store, tbl.Name, "source_uri") {
			q = fmt.Sprintf("SELECT * FROM %s ORDER BY ALL", tbl.Name)
		}
		if got, want := rows(t, s3Store, q), rows(t, localStore, q); !slices.Equal(got, want) {
			t.Errorf("table %s differs: %d rows from S3, %d from local", tbl.Name, len(got), len(want))
		}
	}
	onlyLoaded := strings.Replace(manifestRows, "FROM ingest_manifest", "FROM ingest_manifest WHERE status <> 'ignored'", 1)
	if got, want := rows(t, s3Store, onlyLoaded), rows(t, localStore, onlyLoaded); !slices.Equal(got, want) {
		t.Errorf("manifests differ:\n  s3 %q\nlocal %q", got, want)
	}
	if n := count(t, s3Store, "SELECT count(*) FROM eni_events"); n == 0 {
		t.Error("no rows compared")
	}
}

func hasColumn(t testing.TB, st *store.Store, table, col string) bool {
	return count(t, st, fmt.Sprintf("SELECT count(*) FROM duckdb_columns() WHERE table_name = '%s' AND column_name = '%s'", table, col)) > 0
}

// TestOpenResumesLargeObject streams a 32 MiB object whose connection
// breaks at 10 MiB: every byte arrives once, in order.
func TestOpenResumesLargeObject(t *testing.T) {
	srv := startServer(t)
	big := make([]byte, 32<<20)
	for i := range big {
		big[i] = byte(i * 7)
	}
	if err := srv.Put("b", "big.bin", big); err != nil {
		t.Fatal(err)
	}
	srv.SetFault("b", "big.bin", &fakes3.Fault{CutAfter: 10 << 20, Cuts: 1})
	src := newSource(t, newClient(t, srv), "s3://b/", s3src.Options{})
	var obj ingest.Object
	src.Walk(context.Background(), func(o ingest.Object) error { obj = o; return nil })
	rc, err := src.Open(context.Background(), obj)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	buf := make([]byte, 64<<10)
	var off int
	for {
		n, err := rc.Read(buf)
		for i := 0; i < n; i++ {
			if buf[i] != byte((off+i)*7) {
				t.Fatalf("byte %d differs after resuming", off+i)
			}
		}
		off += n
		if err != nil {
			if err != io.EOF {
				t.Fatal(err)
			}
			break
		}
	}
	if off != len(big) {
		t.Errorf("read %d bytes, want %d", off, len(big))
	}
}

// TestIngestMirror keeps a copy of what was read with --download-to: every
// file equals its object, and keys or links that lead outside the folder
// fail their object without writing anything outside.
func TestIngestMirror(t *testing.T) {
	c := evidenceCorpus(t)
	srv := startServer(t)
	c.upload(t, srv, "ev")
	hostile := []string{"a/../../escape.json.gz", "b/./c.json.gz", "tab\there.json.gz"}
	for _, k := range hostile {
		if err := srv.Put("ev", k, gz([]byte(`{"Records":[]}`))); err != nil {
			t.Fatal(err)
		}
	}
	base := t.TempDir()
	mirrorDir, outside := filepath.Join(base, "mirror"), filepath.Join(base, "outside")
	for _, d := range []string{mirrorDir, outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// A link planted inside the folder must not be followed out of it.
	if err := os.Symlink(outside, filepath.Join(mirrorDir, "sparkui")); err != nil {
		t.Fatal(err)
	}
	st := openStore(t)
	src := newSource(t, newClient(t, srv), "s3://ev/", s3src.Options{MirrorDir: mirrorDir})
	lastModified := map[string]time.Time{}
	if err := src.Walk(context.Background(), func(o ingest.Object) error {
		lastModified[o.Key] = o.ModTime
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sum := runIngest(t, st, false, src)

	var failed []string
	for _, f := range sum.Failures {
		failed = append(failed, strings.TrimPrefix(f.Entry.URI, "s3://ev/"))
	}
	// The hostile keys and the Spark objects behind the planted link fail.
	for _, k := range append(hostile, "sparkui/spark-application-1700000000000", "sparkui/spark-application-1700000100000.inprogress") {
		if !slices.Contains(failed, k) {
			t.Errorf("%q was not refused; failures: %q", k, failed)
		}
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("files written outside the mirror: %v", entries)
	}
	if _, err := os.Stat(filepath.Join(base, "escape.json.gz")); err == nil {
		t.Error("a key escaped the mirror folder")
	}
	mirrored := 0
	for k, want := range c {
		if !strings.Contains(k, "/CloudTrail/") {
			continue
		}
		got, err := os.ReadFile(filepath.Join(mirrorDir, filepath.FromSlash(k)))
		if err != nil {
			t.Errorf("not mirrored: %v", err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("mirror of %s differs from the object", k)
		}
		// Dated like the object: an ingest of the copy gives the same
		// observed_at as the ingest from S3.
		if fi, err := os.Stat(filepath.Join(mirrorDir, filepath.FromSlash(k))); err != nil || !fi.ModTime().Equal(lastModified[k]) {
			t.Errorf("mirror of %s has mtime %v, the object's LastModified is %v", k, fi.ModTime(), lastModified[k])
		}
		mirrored++
	}
	if mirrored != 25 {
		t.Errorf("%d CloudTrail files mirrored, want 25", mirrored)
	}
	filepath.WalkDir(mirrorDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".gluelens-partial-") {
			t.Errorf("partial file left behind: %s", p)
		}
		return nil
	})
}

// TestOpenBoundsBodies: a client keeps at most Parallel bodies open; the
// next Open waits for a Close.
func TestOpenBoundsBodies(t *testing.T) {
	srv := startServer(t)
	for i := 0; i < 5; i++ {
		if err := srv.Put("b", fmt.Sprintf("k%d", i), []byte("body")); err != nil {
			t.Fatal(err)
		}
	}
	src := newSource(t, newClient(t, srv), "s3://b/", s3src.Options{}) // Parallel 4
	var objs []ingest.Object
	src.Walk(context.Background(), func(o ingest.Object) error { objs = append(objs, o); return nil })
	var open []io.ReadCloser
	for _, o := range objs[:4] {
		rc, err := src.Open(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		open = append(open, rc)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := src.Open(ctx, objs[4]); err == nil {
		t.Fatal("a fifth body opened while four were open")
	}
	open[0].Close()
	rc, err := src.Open(context.Background(), objs[4])
	if err != nil {
		t.Fatalf("after a Close: %v", err)
	}
	rc.Close()
	for _, rc := range open[1:] {
		rc.Close()
	}
}
