package parquetpack

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gluelens/gluelens/internal/store"
)

// row is a table of every kind of column, NULLable and not.
type row struct {
	S  string    `parquet:"s"`
	PS *string   `parquet:"ps,optional"`
	I  int32     `parquet:"i"`
	PI *int64    `parquet:"pi,optional"`
	T  time.Time `parquet:"t,timestamp(microsecond)"`
	PF *float64  `parquet:"pf,optional"`
	B  bool      `parquet:"b"`
}

// Table implements store.Row.
func (*row) Table() string { return "values_test" }

// TestColumnValues: the export turns DuckDB's vectors into Parquet values
// as the row structs hold them: the value itself, NULL for a NULL of a
// pointer field, the zero value for a NULL of a plain field, a BIGINT into
// an int32 field when it fits and an error naming the column when not; a
// column type no field takes is refused before anything is written.
func TestColumnValues(t *testing.T) {
	l := newLayout[row, *row]("", "")
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "v.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.DB().ExecContext(ctx, `CREATE TABLE values_test AS SELECT * FROM (VALUES
		('a', 'long string of more than twelve bytes', 7::BIGINT, -3::INTEGER, TIMESTAMP '2026-11-02 06:04:37.123456', 2.5::DOUBLE, true),
		(NULL, NULL, NULL, NULL, NULL, NULL, NULL),
		('c', 'x', 3000000000::BIGINT, 1::INTEGER, TIMESTAMP '2026-11-02 06:04:37', 1::DOUBLE, false)) v(s, ps, i, pi, t, pf, b)`); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 2, 6, 4, 37, 123456000, time.UTC)
	cv := newColumnValues(l)
	err = st.ScanChunks(ctx, store.ReadSpec{Table: "values_test", Columns: l.columns}, func(c *store.Chunk) (bool, error) {
		if err := checkKinds(l, c); err != nil {
			t.Fatal(err)
		}
		want := [][]string{
			{"a", "", "c"}, // a NULL of a plain field is its zero value
			{"long string of more than twelve bytes", "<null>", "x"},
			{"7", "0"}, // the third row's value does not fit
			{"-3", "<null>", "1"},
			{at.Format(time.RFC3339Nano), time.Time{}.Format(time.RFC3339Nano), "2026-11-02T06:04:37Z"},
			{"2.5", "<null>", "1"},
			{"true", "false", "false"},
		}
		for col, w := range want {
			vals, err := cv.column(c, col, 0, len(w))
			if err != nil {
				t.Fatalf("column %s: %v", l.columns[col], err)
			}
			for r, v := range vals {
				got := v.String()
				if v.IsNull() {
					got = "<null>"
				} else if l.tableColumns[col].Kind == store.Time {
					got = time.UnixMicro(v.Int64()).UTC().Format(time.RFC3339Nano)
				}
				if got != w[r] {
					t.Errorf("column %s row %d: %s, want %s", l.columns[col], r, got, w[r])
				}
				if wantNull := w[r] == "<null>"; v.IsNull() != wantNull {
					t.Errorf("column %s row %d: null %v", l.columns[col], r, v.IsNull())
				}
				if v.Column() != l.leaves[col] {
					t.Errorf("column %s row %d: leaf %d, want %d", l.columns[col], r, v.Column(), l.leaves[col])
				}
			}
		}
		if _, err := cv.column(c, 2, 2, 3); err == nil || !strings.Contains(err.Error(), "column i") {
			t.Errorf("3000000000 into an int32 field: err %v", err)
		}
		return false, nil
	})
	if err != nil {
		t.Fatal(err)
	}

	if _, err := st.DB().ExecContext(ctx, `CREATE TABLE values_bad AS SELECT 'x' AS s, 'y' AS ps, 'not a number' AS i, 1 AS pi, TIMESTAMP '2026-11-02' AS t, 1.0::DOUBLE AS pf, true AS b`); err != nil {
		t.Fatal(err)
	}
	err = st.ScanChunks(ctx, store.ReadSpec{Table: "values_bad", Columns: l.columns}, func(c *store.Chunk) (bool, error) {
		return false, checkKinds(l, c)
	})
	if err == nil || !strings.Contains(err.Error(), "column i: DuckDB gives a VARCHAR") {
		t.Errorf("VARCHAR into an int32 field: err %v", err)
	}
}
