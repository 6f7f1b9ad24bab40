package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// A Parquet file checked before the loader is taken (CheckParquet) stages
// without a second read against the count the check read; a count that
// no longer matches the file fails the object as a changed file, and a
// damaged file fails the check naming the problem, before any transaction.
func TestAppendParquetAfterCheck(t *testing.T) {
	ctx := context.Background()
	s, l := newTestLoader(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "events.parquet")
	if _, err := s.DB().ExecContext(ctx, `COPY (SELECT 'e' || i AS event_id, TIMESTAMP '2026-11-02 07:00:00' + to_seconds(i) AS event_time,
		'CreateNetworkInterface' AS event_name FROM range(5) t(i)) TO '`+path+`' (FORMAT PARQUET)`); err != nil {
		t.Fatal(err)
	}
	fields := FieldsOf((*EniEvent)(nil))
	pf := ParquetFile{Path: path, Table: "eni_events", From: make([]string, len(fields)), UTC: make([]bool, len(fields))}
	for i, f := range fields {
		switch f.Name {
		case "event_id", "event_time", "event_name":
			pf.From[i] = f.Name
		}
	}
	n, err := l.CheckParquet(ctx, pf)
	if err != nil || n != 5 {
		t.Fatalf("CheckParquet = %d, %v; want 5 rows", n, err)
	}
	for _, tc := range []struct {
		name    string
		rows    int64
		wantErr string
	}{
		{"count as checked", 5, ""},
		{"count off by one", 4, "5 rows read, 4 a moment before (the file changed?)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := l.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			checked := pf
			checked.Rows = tc.rows
			got, err := w.AppendParquet(checked)
			if tc.wantErr == "" {
				if err != nil || got != 5 {
					t.Fatalf("AppendParquet = %d, %v; want 5 rows", got, err)
				}
			} else if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("AppendParquet error = %v, want %q", err, tc.wantErr)
			}
			if err := l.Rollback(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
	damaged := filepath.Join(dir, "damaged.parquet")
	if _, err := s.DB().ExecContext(ctx, `COPY (SELECT 'not a parquet file' AS x) TO '`+damaged+`' (FORMAT CSV)`); err != nil {
		t.Fatal(err)
	}
	bad := pf
	bad.Path = damaged
	if _, err := l.CheckParquet(ctx, bad); err == nil || !strings.Contains(err.Error(), "reading parquet") {
		t.Errorf("CheckParquet of a CSV file: %v, want a reading parquet error", err)
	}
}
