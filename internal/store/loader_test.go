package store

import (
	"context"
	"maps"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// newTestLoader opens a fresh database file and a loader on it; both are
// closed when the test ends.
func newTestLoader(t *testing.T) (*Store, *Loader) {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "t.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	l, err := s.NewLoader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close(ctx) })
	return s, l
}

func TestLoaderMergesAndDedupes(t *testing.T) {
	ctx := context.Background()
	s, l := newTestLoader(t)
	ts := time.Date(2026, 11, 2, 7, 0, 0, 0, time.UTC)
	event := func(w *ObjectWriter, id string) {
		t.Helper()
		if err := w.Append(&EniEvent{EventID: id, EventTime: ts, EventName: "CreateNetworkInterface"}); err != nil {
			t.Fatal(err)
		}
	}
	// Object 1: a, b, and a duplicate of a inside the same file.
	w, err := l.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	event(w, "a")
	event(w, "b")
	event(w, "a")
	if err := w.Commit(ManifestEntry{URI: "f1", Status: StatusOK, Kept: 3, SHA256: "h1"}, nil); err != nil {
		t.Fatal(err)
	}
	flushed, err := l.Flush(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(flushed) != 1 || flushed[0].Duplicate != 1 {
		t.Errorf("f1 after flush = %+v, want 1 duplicate", flushed)
	}
	// Object 2 fails: its row must not land.
	w, _ = l.Begin(ctx)
	event(w, "c")
	if err := w.Abort(ManifestEntry{URI: "f2"}, context.Canceled, []Issue{{Record: 3, Severity: "fatal", Message: "boom"}}); err != nil {
		t.Fatal(err)
	}
	// Object 3 has b again and d.
	w, _ = l.Begin(ctx)
	event(w, "b")
	event(w, "d")
	_ = w.Commit(ManifestEntry{URI: "f3", Status: StatusOK, Kept: 2, SHA256: "h3"}, nil)
	// Object 4 has the same content hash as f1: recorded as duplicate, nothing merged.
	w, _ = l.Begin(ctx)
	event(w, "z")
	_ = w.Commit(ManifestEntry{URI: "f4", Status: StatusOK, Kept: 1, SHA256: "h1"}, nil)
	flushed, err = l.Flush(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byURI := map[string]ManifestEntry{}
	for _, e := range flushed {
		byURI[e.URI] = e
	}
	if byURI["f3"].Duplicate != 1 {
		t.Errorf("duplicates in f3 = %d, want 1", byURI["f3"].Duplicate)
	}
	if byURI["f4"].Status != StatusDuplicate {
		t.Errorf("f4 status = %s, want duplicate", byURI["f4"].Status)
	}
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	var ids string
	if err := s.DB().QueryRow(`SELECT string_agg(event_id, ',' ORDER BY event_id) FROM eni_events`).Scan(&ids); err != nil {
		t.Fatal(err)
	}
	if ids != "a,b,d" {
		t.Errorf("event ids = %s, want a,b,d", ids)
	}
	m, err := s.Manifest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if m["f2"].Status != StatusFailed || m["f2"].Error == "" {
		t.Errorf("f2 manifest = %+v", m["f2"])
	}
	var n int
	s.DB().QueryRow(`SELECT count(*) FROM ingest_issues WHERE uri = 'f2'`).Scan(&n)
	if n != 1 {
		t.Errorf("issues for f2 = %d, want 1", n)
	}
}

// TestLoaderStreamsPartitions: a streamed object's rows for a partition the
// table does not hold go straight into the table, and end up exactly as the
// staged merge would leave them.
func TestLoaderStreamsPartitions(t *testing.T) {
	ctx := context.Background()
	s, l := newTestLoader(t)
	// spark_executors: app_id, attempt_id, executor_id, host, cores, added, removed, reason, log_events.
	exec := func(w *ObjectWriter, app, id, host string, version int64) error {
		return w.Append(&SparkExecutor{AppID: app, ExecutorID: id, Host: &host, TotalCores: Ptr(int32(4)), LogEvents: version})
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	rows := func(app string) string {
		t.Helper()
		var got string
		must(s.DB().QueryRow(`SELECT coalesce(string_agg(executor_id || '@' || host || ':' || log_events, ' ' ORDER BY executor_id), '')
			FROM spark_executors WHERE app_id = ?`, app).Scan(&got))
		return got
	}

	// A streamed object of app x, new to the table: direct. Executor 1 comes
	// three times: the greatest log_events wins, and of two such rows the first.
	w, err := l.BeginStream(ctx)
	must(err)
	must(exec(w, "x", "1", "h1", 5))
	must(exec(w, "x", "2", "h2", 6))
	must(exec(w, "x", "1", "h9a", 9))
	must(exec(w, "x", "1", "h9b", 9))
	if d := w.direct["spark_executors"]; d == nil || !d.on || d.rows != 4 {
		t.Fatalf("app x was not appended directly: %+v", d)
	}
	// A row of another application (as in a file of an evidence pack): it
	// and the later rows are staged and merged over the direct ones, where
	// a tie in version keeps the direct row (the first).
	must(exec(w, "w", "1", "hw", 1))
	if d := w.direct["spark_executors"]; !d.stopped {
		t.Fatalf("a row of another partition did not stop direct appending: %+v", d)
	}
	must(exec(w, "x", "3", "h3x", 7))
	must(exec(w, "x", "1", "h9c", 9))
	must(w.Commit(ManifestEntry{URI: "x.log", Status: StatusOK, Kept: 7, SHA256: "hx"}, nil))
	// A staged object of app y in the same batch.
	w, _ = l.Begin(ctx)
	must(exec(w, "y", "1", "hy", 3))
	must(w.Commit(ManifestEntry{URI: "y.log", Status: StatusOK, Kept: 1, SHA256: "hy"}, nil))
	// A streamed object that fails: its direct rows go.
	w, _ = l.BeginStream(ctx)
	must(exec(w, "z", "1", "hz", 1))
	must(w.Abort(ManifestEntry{URI: "z.log"}, context.Canceled, nil))
	// A streamed copy of x.log's content under another name: a duplicate.
	w, _ = l.BeginStream(ctx)
	must(exec(w, "v", "1", "hv", 1))
	must(w.Commit(ManifestEntry{URI: "copy-of-x.log", Status: StatusOK, Kept: 1, SHA256: "hx"}, nil))
	if got := rows("x"); got != "" {
		t.Errorf("rows of app x visible before Flush: %q", got)
	}
	flushed, err := l.Flush(ctx)
	must(err)
	byURI := map[string]ManifestEntry{}
	for _, e := range flushed {
		byURI[e.URI] = e
	}
	if e := byURI["x.log"]; e.Duplicate != 3 || e.Status != StatusOK {
		t.Errorf("x.log = %+v, want 3 duplicates (executor 1 three times more)", e)
	}
	if e := byURI["copy-of-x.log"]; e.Status != StatusDuplicate {
		t.Errorf("copy-of-x.log = %+v, want duplicate", e)
	}
	for app, want := range map[string]string{"x": "1@h9a:9 2@h2:6 3@h3x:7", "w": "1@hw:1", "y": "1@hy:3", "z": "", "v": ""} {
		if got := rows(app); got != want {
			t.Errorf("app %s rows = %q, want %q", app, got, want)
		}
	}

	// App x again, streamed, from a longer log: the table holds x, so the rows
	// are staged and merged (executor 1 replaced, 3 added, 2 kept).
	w, _ = l.BeginStream(ctx)
	must(exec(w, "x", "1", "h20", 20))
	must(exec(w, "x", "3", "h3", 20))
	if d := w.direct["spark_executors"]; d == nil || d.on {
		t.Fatalf("app x, already held, was appended directly: %+v", d)
	}
	must(w.Commit(ManifestEntry{URI: "x-longer.log", Status: StatusOK, Kept: 2, SHA256: "hx2"}, nil))
	_, err = l.Flush(ctx)
	must(err)
	if got, want := rows("x"), "1@h20:20 2@h2:6 3@h3:20"; got != want {
		t.Errorf("app x after the longer log = %q, want %q", got, want)
	}
}

// TestLoaderMergesObjectsOfOneFlush: several objects merged in one flush
// keep the first object's row of a key they share, count the others as
// duplicates, and when they share nothing with each other or the table
// (the merge that skips the anti-join) every row is kept and counted.
func TestLoaderMergesObjectsOfOneFlush(t *testing.T) {
	ctx := context.Background()
	s, l := newTestLoader(t)
	ts := time.Date(2026, 11, 2, 7, 0, 0, 0, time.UTC)
	object := func(uri string, ids ...string) {
		t.Helper()
		w, err := l.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if err := w.Append(&EniEvent{EventID: id, EventTime: ts, EventName: "CreateNetworkInterface", SourceURI: &uri}); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Commit(ManifestEntry{URI: uri, Status: StatusOK, Kept: int64(len(ids)), SHA256: "h-" + uri}, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, step := range []struct {
		objects map[string][]string
		dups    map[string]int64
	}{
		{objects: map[string][]string{"g1": {"e", "f"}, "g2": {"f", "g"}}, dups: map[string]int64{"g1": 0, "g2": 1}},
		{objects: map[string][]string{"g3": {"h", "i"}, "g4": {"j"}}, dups: map[string]int64{"g3": 0, "g4": 0}},
		{objects: map[string][]string{"g5": {"e", "k"}, "g6": {"l"}}, dups: map[string]int64{"g5": 1, "g6": 0}},
	} {
		for _, uri := range slices.Sorted(maps.Keys(step.objects)) {
			object(uri, step.objects[uri]...)
		}
		flushed, err := l.Flush(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range flushed {
			if e.Duplicate != step.dups[e.URI] {
				t.Errorf("%s: %d duplicates, want %d", e.URI, e.Duplicate, step.dups[e.URI])
			}
		}
	}
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := s.DB().QueryRow(`SELECT string_agg(event_id || '@' || source_uri, ',' ORDER BY event_id) FROM eni_events`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if want := "e@g1,f@g1,g@g2,h@g3,i@g3,j@g4,k@g5,l@g6"; got != want {
		t.Errorf("rows = %s, want %s", got, want)
	}
}
