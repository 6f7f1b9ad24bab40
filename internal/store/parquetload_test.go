package store

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// parquetFixture writes Parquet files of eni_events rows with DuckDB and
// gives them their checking read.
type parquetFixture struct {
	t        *testing.T
	s        *Store
	l        *Loader
	dir      string
	n        int
	released map[string]int
}

func newParquetFixture(t *testing.T) *parquetFixture {
	s, l := newTestLoader(t)
	return &parquetFixture{t: t, s: s, l: l, dir: t.TempDir(), released: map[string]int{}}
}

// file writes one row per id (event_name tells copies apart when given as
// id=name) and checks it.
func (fx *parquetFixture) file(ids ...string) ParquetFile {
	fx.t.Helper()
	ctx := context.Background()
	fx.n++
	path := filepath.Join(fx.dir, fmt.Sprintf("f%d.parquet", fx.n))
	var values []string
	for i, id := range ids {
		name := "CreateNetworkInterface"
		if k, v, ok := strings.Cut(id, "="); ok {
			id, name = k, v
		}
		values = append(values, fmt.Sprintf("('%s', TIMESTAMP '2026-11-02 07:00:00', '%s', 'f%d', %d)", id, name, fx.n, i))
	}
	q := `COPY (SELECT * FROM (VALUES ` + strings.Join(values, ", ") + `) v(event_id, event_time, event_name, source_uri, record_index)) TO '` + path + `' (FORMAT PARQUET)`
	if _, err := fx.s.DB().ExecContext(ctx, q); err != nil {
		fx.t.Fatal(err)
	}
	fields := FieldsOf((*EniEvent)(nil))
	pf := ParquetFile{Path: path, Table: "eni_events", From: make([]string, len(fields)), UTC: make([]bool, len(fields)), Layout: "three columns"}
	for i, f := range fields {
		switch f.Name {
		case "event_id", "event_time", "event_name", "source_uri", "record_index":
			pf.From[i] = f.Name
		}
	}
	pf.Release = func() { fx.released[path]++ }
	if err := fx.l.CheckParquet(ctx, &pf); err != nil {
		fx.t.Fatal(err)
	}
	return pf
}

// ids are the table's event ids with their names, sorted.
func (fx *parquetFixture) ids() []string {
	fx.t.Helper()
	rows, err := fx.s.DB().QueryContext(context.Background(), `SELECT event_id || '=' || event_name FROM eni_events ORDER BY 1`)
	if err != nil {
		fx.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			fx.t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// A checked Parquet file's rows go into the table at the Flush, directly
// when their keys are new and through the stage and the merge when not;
// either way an object's kept and duplicate counts add up to its rows,
// and the loader releases every file it was given exactly once.
func TestAppendParquet(t *testing.T) {
	const cni = "=CreateNetworkInterface"
	type object struct {
		rows  []string // one file's rows (see parquetFixture.file)
		sha   string   // content hash; "" means the object's URI
		abort bool
	}
	for _, tc := range []struct {
		name     string
		before   [][]string // objects flushed before, one file each
		objects  []object   // one batch
		kept     []int64    // per object of the batch, from the Flush
		dups     []int64
		statuses []string
		ids      []string // the table afterwards
		early    int      // files of the batch released before its Flush
	}{
		{
			name:    "new keys go in directly",
			objects: []object{{rows: []string{"a", "b"}}, {rows: []string{"c"}}},
			kept:    []int64{2, 1}, dups: []int64{0, 0}, statuses: []string{StatusOK, StatusOK},
			ids: []string{"a" + cni, "b" + cni, "c" + cni},
		},
		{
			name:    "a key repeated in one file is merged",
			objects: []object{{rows: []string{"a", "a", "b"}}},
			kept:    []int64{2}, dups: []int64{1}, statuses: []string{StatusOK},
			ids: []string{"a" + cni, "b" + cni}, early: 1,
		},
		{
			name:    "a key in two files of the batch is merged",
			objects: []object{{rows: []string{"a", "b"}}, {rows: []string{"b", "c"}}},
			kept:    []int64{2, 1}, dups: []int64{0, 1}, statuses: []string{StatusOK, StatusOK},
			ids: []string{"a" + cni, "b" + cni, "c" + cni},
		},
		{
			name:    "a key already in the table is merged",
			before:  [][]string{{"a"}},
			objects: []object{{rows: []string{"a", "d"}}},
			kept:    []int64{1}, dups: []int64{1}, statuses: []string{StatusOK},
			ids: []string{"a" + cni, "d" + cni},
		},
		{
			name:    "a content duplicate leaves its rows out",
			objects: []object{{rows: []string{"a"}, sha: "same"}, {rows: []string{"b"}, sha: "same"}},
			kept:    []int64{1, 0}, dups: []int64{0, 1}, statuses: []string{StatusOK, StatusDuplicate},
			ids: []string{"a" + cni}, early: 1,
		},
		{
			name:    "an aborted object leaves its rows out",
			objects: []object{{rows: []string{"a"}, abort: true}, {rows: []string{"b"}}},
			kept:    []int64{0, 1}, dups: []int64{0, 0}, statuses: []string{StatusFailed, StatusOK},
			ids: []string{"b" + cni}, early: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			fx := newParquetFixture(t)
			given := 0
			load := func(uri string, o object) {
				t.Helper()
				w, err := fx.l.BeginStream(ctx)
				if err != nil {
					t.Fatal(err)
				}
				n, err := w.AppendParquet(fx.file(o.rows...))
				given++
				if err != nil || n != int64(len(o.rows)) {
					t.Fatalf("AppendParquet = %d, %v; want %d rows", n, err, len(o.rows))
				}
				sha := o.sha
				if sha == "" {
					sha = uri
				}
				e := ManifestEntry{URI: uri, Status: StatusOK, Kept: n, SHA256: sha}
				if o.abort {
					err = w.Abort(e, fmt.Errorf("stopped"), nil)
				} else {
					err = w.Commit(e, nil)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			for i, rows := range tc.before {
				load(fmt.Sprintf("before%d", i), object{rows: rows})
				if _, err := fx.l.Flush(ctx); err != nil {
					t.Fatal(err)
				}
			}
			for i, o := range tc.objects {
				load(fmt.Sprintf("o%d", i), o)
			}
			if got, want := len(fx.released), len(tc.before)+tc.early; got != want {
				t.Errorf("%d files released before the Flush, want %d", got, want)
			}
			entries, err := fx.l.Flush(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for i, e := range entries {
				if e.Kept != tc.kept[i] || e.Duplicate != tc.dups[i] || e.Status != tc.statuses[i] {
					t.Errorf("object %d: kept %d, duplicate %d, %s; want %d, %d, %s", i, e.Kept, e.Duplicate, e.Status, tc.kept[i], tc.dups[i], tc.statuses[i])
				}
			}
			if tc.ids != nil {
				if got := fx.ids(); !slices.Equal(got, tc.ids) {
					t.Errorf("table holds %v, want %v", got, tc.ids)
				}
			}
			if got := fx.ids(); len(got) != int(sum(tc.kept)+int64(len(flat(tc.before)))) {
				t.Errorf("table holds %d rows, the objects kept %d", len(got), sum(tc.kept)+int64(len(flat(tc.before))))
			}
			if len(fx.released) != given {
				t.Errorf("%d of %d files released", len(fx.released), given)
			}
			for p, n := range fx.released {
				if n != 1 {
					t.Errorf("%s released %d times", filepath.Base(p), n)
				}
			}
		})
	}
}

func sum(xs []int64) int64 {
	var n int64
	for _, x := range xs {
		n += x
	}
	return n
}

func flat(xs [][]string) []string {
	var out []string
	for _, x := range xs {
		out = append(out, x...)
	}
	return out
}

// The checking read counts rows and tells repeated keys; a damaged file
// fails it before any transaction. A file whose rows no longer match the
// count fails its object when staged, and the Flush (rolled back) when
// its rows went in directly; its file is released either way.
func TestAppendParquetCheck(t *testing.T) {
	ctx := context.Background()
	fx := newParquetFixture(t)
	distinct, repeated := fx.file("a", "b", "c"), fx.file("a", "a")
	if distinct.Rows != 3 || !distinct.KeysDistinct || repeated.Rows != 2 || repeated.KeysDistinct {
		t.Errorf("checking reads: %d rows distinct %t, %d rows distinct %t; want 3 true, 2 false",
			distinct.Rows, distinct.KeysDistinct, repeated.Rows, repeated.KeysDistinct)
	}

	staged := repeated
	staged.Rows = 1
	w, err := fx.l.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.AppendParquet(staged); err == nil || !strings.Contains(err.Error(), "2 rows read, 1 a moment before (the file changed?)") {
		t.Errorf("staged file of changed count: %v", err)
	}
	if err := fx.l.Rollback(ctx); err != nil {
		t.Fatal(err)
	}

	// The file changes after its checking read: a key repeats now, so it
	// still seems to hold three distinct keys, and goes in directly.
	direct := distinct
	if _, err := fx.s.DB().ExecContext(ctx, `COPY (SELECT * FROM read_parquet('`+fx.file("a", "b", "c", "c").Path+`')) TO '`+direct.Path+`' (FORMAT PARQUET)`); err != nil {
		t.Fatal(err)
	}
	if w, err = fx.l.Begin(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := w.AppendParquet(direct); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(ManifestEntry{URI: "d", Status: StatusOK, Kept: 4, SHA256: "d"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.l.Flush(ctx); err == nil || !strings.Contains(err.Error(), "reading parquet of d: 4 rows read, 3 a moment before (a file changed?)") {
		t.Errorf("direct file of changed count: Flush error %v", err)
	}
	if got := fx.ids(); len(got) != 0 {
		t.Errorf("table holds %v after the failed Flush", got)
	}
	if fx.released[direct.Path] != 1 || fx.released[repeated.Path] != 1 {
		t.Errorf("released %v, want each file once", fx.released)
	}

	damaged := filepath.Join(fx.dir, "damaged.parquet")
	if _, err := fx.s.DB().ExecContext(ctx, `COPY (SELECT 'not a parquet file' AS x) TO '`+damaged+`' (FORMAT CSV)`); err != nil {
		t.Fatal(err)
	}
	bad := distinct
	bad.Path = damaged
	if err := fx.l.CheckParquet(ctx, &bad); err == nil || !strings.Contains(err.Error(), "reading parquet") {
		t.Errorf("CheckParquet of a CSV file: %v, want a reading parquet error", err)
	}
}

// Files of two layouts waiting for one table load in one INSERT each.
func TestAppendParquetLayouts(t *testing.T) {
	ctx := context.Background()
	fx := newParquetFixture(t)
	w, err := fx.l.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a, b, c := fx.file("a"), fx.file("b"), fx.file("c")
	b.Layout = "another layout"
	for _, f := range []ParquetFile{a, b, c} {
		if _, err := w.AppendParquet(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(ManifestEntry{URI: "abc", Status: StatusOK, Kept: 3, SHA256: "abc"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.l.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := len(fx.ids()); got != 3 {
		t.Errorf("table holds %d rows, want 3", got)
	}
}
