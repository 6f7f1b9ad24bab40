package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

func TestLoaderMergesAndDedupes(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "t.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	l, err := s.NewLoader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ts := time.Date(2026, 11, 2, 7, 0, 0, 0, time.UTC)
	event := func(w *ObjectWriter, id string) {
		t.Helper()
		vals := make([]any, 25)
		vals[0], vals[1], vals[2] = id, ts, "CreateNetworkInterface"
		if err := w.Append("eni_events", vals...); err != nil {
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
