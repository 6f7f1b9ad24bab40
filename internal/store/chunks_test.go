package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestScanChunks: the bulk reader returns what database/sql's Scan returns
// for every kind, NULLs, strings inline (up to 12 bytes) and out of line,
// over several chunks, with bound parameters and the ORDER BY of the spec.
func TestScanChunks(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "chunks.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const rows = 5000 // more than two DuckDB vectors
	if _, err := st.DB().ExecContext(ctx, `CREATE TABLE chunk_test AS SELECT
		i::BIGINT AS id,
		CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 3 - 1000)::INTEGER END AS n32,
		CASE WHEN i % 5 = 0 THEN NULL ELSE i * 1000003 - 9000000000 END AS n64,
		CASE WHEN i % 3 = 0 THEN NULL ELSE i % 2 = 0 END AS b,
		CASE WHEN i % 11 = 0 THEN NULL ELSE TIMESTAMP '2026-11-02 06:04:37.123456' + to_microseconds(i * 1000001) END AS ts,
		CASE WHEN i % 13 = 0 THEN NULL ELSE i / 8.0 END AS d,
		CASE WHEN i % 4 = 0 THEN NULL WHEN i % 4 = 1 THEN 's' || i ELSE repeat('long-', i % 9) || i END AS s
		FROM range(?) t(i)`, rows); err != nil {
		t.Fatal(err)
	}
	cols := []string{"id", "n32", "n64", "b", "ts", "d", "s"}
	from := time.Date(2026, 11, 2, 6, 30, 0, 0, time.UTC)
	spec := ReadSpec{Table: "chunk_test", Columns: cols, Where: "ts >= ? OR ts IS NULL OR s = ?", Args: []any{from, "s1"}, OrderBy: []string{"id"}}

	var want []string
	err = st.ReadRows(ctx, spec, func(scan func(...any) error) error {
		var id int64
		var n32 sql.NullInt32
		var n64 sql.NullInt64
		var b sql.NullBool
		var ts sql.NullTime
		var d sql.NullFloat64
		var s sql.NullString
		if err := scan(&id, &n32, &n64, &b, &ts, &d, &s); err != nil {
			return err
		}
		var us int64
		if ts.Valid {
			us = ts.Time.UnixMicro()
		}
		want = append(want, render(id, n32.Valid, int64(n32.Int32), n64.Valid, n64.Int64, b.Valid, b.Bool,
			ts.Valid, us, d.Valid, d.Float64, s.Valid, s.String))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	chunks := 0
	err = st.ScanChunks(ctx, spec, func(c *Chunk) (bool, error) {
		chunks++
		kinds := []Kind{Int64, Int32, Int64, Bool, Time, Float64, String}
		for i, k := range kinds {
			if c.Kind(i) != k {
				t.Fatalf("column %s: kind %d, want %d", cols[i], c.Kind(i), k)
			}
		}
		for r := range c.Len() {
			got = append(got, render(c.Int64(0, r), !c.Null(1, r), c.Int64(1, r)*b2i(!c.Null(1, r)), !c.Null(2, r), c.Int64(2, r)*b2i(!c.Null(2, r)),
				!c.Null(3, r), !c.Null(3, r) && c.Bool(3, r), !c.Null(4, r), c.Int64(4, r)*b2i(!c.Null(4, r)),
				!c.Null(5, r), floatIf(!c.Null(5, r), c, r), !c.Null(6, r), strIf(!c.Null(6, r), c, r)))
		}
		return false, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if chunks < 2 {
		t.Errorf("read in %d chunk(s), want several", chunks)
	}
	if len(want) < rows/2 || len(got) != len(want) {
		t.Fatalf("got %d rows, database/sql %d (of %d)", len(got), len(want), rows)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("row %d: got %s, database/sql %s", i, got[i], want[i])
		}
	}

	// A chunk kept past the function stays readable until released.
	var kept []*Chunk
	err = st.ScanChunks(ctx, ReadSpec{Table: "chunk_test", Columns: []string{"s"}, Where: "id = 10"}, func(c *Chunk) (bool, error) {
		kept = append(kept, c)
		return true, nil
	})
	if err != nil || len(kept) != 1 {
		t.Fatalf("kept %d chunks, err %v", len(kept), err)
	}
	if s := string(kept[0].Bytes(0, 0)); s != "long-10" {
		t.Errorf("kept chunk reads %q, want long-10", s)
	}
	kept[0].Release()

	// Unknown columns and unsupported types are errors naming them.
	if err := st.ScanChunks(ctx, ReadSpec{Table: "chunk_test", Columns: []string{"nope"}}, func(*Chunk) (bool, error) { return false, nil }); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown column: err %v", err)
	}
	if _, err := st.DB().ExecContext(ctx, `CREATE TABLE odd AS SELECT DATE '2026-11-02' AS day`); err != nil {
		t.Fatal(err)
	}
	if err := st.ScanChunks(ctx, ReadSpec{Table: "odd", Columns: []string{"day"}}, func(*Chunk) (bool, error) { return false, nil }); err == nil || !strings.Contains(err.Error(), "column day") {
		t.Errorf("DATE column: err %v", err)
	}
}

func render(vals ...any) string {
	var b strings.Builder
	for _, v := range vals {
		fmt.Fprintf(&b, "%v|", v)
	}
	return b.String()
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func floatIf(ok bool, c *Chunk, r int) float64 {
	if !ok {
		return 0
	}
	return c.Float64(5, r)
}

func strIf(ok bool, c *Chunk, r int) string {
	if !ok {
		return ""
	}
	return string(c.Bytes(6, r))
}
