package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSplitAndCopy: Split cuts a table into files by UTC day, at most
// fileRows rows each, groups whole; CopyParquet writes each file's rows.
// The expected files are counted by hand from the generated rows: 10 rows
// an hour from 2026-11-01 22:00 for 30 hours (22:00–23:59 is 20 rows on
// 11-01, 240 on 11-02, 40 on 11-03), plus 5 rows without a time.
func TestSplitAndCopy(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "split.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// Row i: time 2026-11-01 22:00 + 6 min × i for i < 300, NULL for the
	// last 5; group g = i / 50 (6 groups of 50 rows, 5 hours each, the
	// NULL-time rows in a group of their own).
	if _, err := st.DB().ExecContext(ctx, `CREATE TABLE split_test AS SELECT
		i AS id,
		CASE WHEN i < 300 THEN TIMESTAMP '2026-11-01 22:00:00' + to_minutes(6 * i) END AS ts,
		'g' || CASE WHEN i < 300 THEN i // 50 ELSE 9 END AS g
		FROM range(305) t(i)`); err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	type file struct {
		day  time.Time
		rows int64
	}
	tests := []struct {
		name     string
		group    bool
		where    string
		args     []any
		fileRows int64
		want     []file
	}{
		{"by day", false, "", nil, 1000, []file{{day("2026-11-01"), 20}, {day("2026-11-02"), 240}, {day("2026-11-03"), 40}, {time.Time{}, 5}}},
		{"days cut by size", false, "", nil, 100, []file{{day("2026-11-01"), 20}, {day("2026-11-02"), 100}, {day("2026-11-02"), 100}, {day("2026-11-02"), 40}, {day("2026-11-03"), 40}, {time.Time{}, 5}}},
		{"window", false, "ts >= ? AND ts < ?", []any{day("2026-11-02"), day("2026-11-02").Add(time.Hour)}, 100, []file{{day("2026-11-02"), 10}}},
		// Group g0 starts on 11-01 22:00 (its rows run into 11-02); g1..g5
		// start on 11-02 (03:00, 08:00, 13:00, 18:00, 23:00). With 120
		// rows a file, 11-02's groups start at rows 0, 50, 100, 150, 200
		// of the day: files g1+g2+g3 (starting below 120) and g4+g5.
		{"groups", true, "", nil, 120, []file{{day("2026-11-01"), 50}, {day("2026-11-02"), 150}, {day("2026-11-02"), 100}, {time.Time{}, 5}}},
		{"one group file", true, "g = ?", []any{"g2"}, 10, []file{{day("2026-11-02"), 50}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := ReadSpec{Table: "split_test", Columns: []string{"id", "ts", "g"}, Where: tt.where, Args: tt.args, OrderBy: []string{"ts", "id"}}
			if tt.group {
				spec.GroupBy = []string{"g"}
			}
			splits, err := st.Split(ctx, spec, "ts", tt.fileRows)
			if err != nil {
				t.Fatal(err)
			}
			var got []file
			seen := map[int64]bool{}
			groupFile := map[string]int{}
			for i, s := range splits {
				got = append(got, file{s.Day, s.Rows})
				path := filepath.Join(t.TempDir(), fmt.Sprintf("f%d.parquet", i))
				n, err := st.CopyParquet(ctx, ParquetCopy{Spec: s.Spec, Path: path})
				if err != nil {
					t.Fatal(err)
				}
				if n != s.Rows {
					t.Errorf("file %d: %d rows written, split says %d", i, n, s.Rows)
				}
				rows, err := st.DB().QueryContext(ctx, `SELECT id, ts, g FROM read_parquet(?)`, path)
				if err != nil {
					t.Fatal(err)
				}
				for rows.Next() {
					var id int64
					var ts *time.Time
					var g string
					if err := rows.Scan(&id, &ts, &g); err != nil {
						t.Fatal(err)
					}
					if seen[id] {
						t.Errorf("row %d is in two files", id)
					}
					seen[id] = true
					if ts != nil && !s.Day.Equal(day(ts.UTC().Format(time.DateOnly))) && !tt.group {
						t.Errorf("row %d (%s) is in the file of %s", id, ts, s.Day)
					}
					if f, ok := groupFile[g]; tt.group && ok && f != i {
						t.Errorf("group %s is in files %d and %d", g, f, i)
					}
					groupFile[g] = i
				}
				rows.Close()
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("files:\n%v\nwant:\n%v", got, tt.want)
			}
			var total int64
			for _, f := range tt.want {
				total += f.rows
			}
			if int64(len(seen)) != total {
				t.Errorf("%d distinct rows written, want %d", len(seen), total)
			}
		})
	}
}

// TestCopyParquetTypes: As turns a stored TIMESTAMP into a UTC instant
// (isAdjustedToUTC in Parquet) and casts others; a value out of its
// type's range fails naming the file; metadata is written as given.
func TestCopyParquetTypes(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "types.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.DB().ExecContext(ctx, `CREATE TABLE types_test AS SELECT * FROM (VALUES
		(TIMESTAMP '2026-11-02 07:03:00.123456', 7::BIGINT, 1099511627776::BIGINT),
		(TIMESTAMP '1969-12-31 23:59:59.999999', 8, 9),
		(TIMESTAMP '0001-01-01 00:00:00', 9, 10),
		(NULL, 10, 11)) v(ts, small, big)`); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "it's.parquet")
	n, err := st.CopyParquet(ctx, ParquetCopy{
		Spec:     ReadSpec{Table: "types_test", Columns: []string{"ts", "small"}, As: []string{"TIMESTAMPTZ", "INTEGER"}},
		Path:     path,
		Metadata: [][2]string{{"k'1", "v'1"}},
	})
	if err != nil || n != 4 {
		t.Fatalf("copy: %d rows, %v", n, err)
	}
	var logical, physical, meta string
	if err := st.DB().QueryRowContext(ctx, `SELECT logical_type FROM parquet_schema(?) WHERE name = 'ts'`, path).Scan(&logical); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logical, "isAdjustedToUTC=1") || !strings.Contains(logical, "MICROS") {
		t.Errorf("ts logical type %q, want UTC-adjusted microseconds", logical)
	}
	if err := st.DB().QueryRowContext(ctx, `SELECT type FROM parquet_schema(?) WHERE name = 'small'`, path).Scan(&physical); err != nil {
		t.Fatal(err)
	}
	if physical != "INT32" {
		t.Errorf("small is %s, want INT32", physical)
	}
	if err := st.DB().QueryRowContext(ctx, `SELECT decode(value) FROM parquet_kv_metadata(?) WHERE decode(key) = 'k''1'`, path).Scan(&meta); err != nil {
		t.Fatal(err)
	}
	if meta != "v'1" {
		t.Errorf("metadata k'1 = %q, want v'1", meta)
	}
	// Each time reads back as the same microseconds since the epoch (Go's
	// count, not DuckDB's), before 1970 and in year 1 too; NULL stays NULL.
	rows, err := st.DB().QueryContext(ctx, `SELECT epoch_us(ts) FROM read_parquet(?)`, path)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var us *int64
		if err := rows.Scan(&us); err != nil {
			t.Fatal(err)
		}
		if us == nil {
			got = append(got, "NULL")
			continue
		}
		got = append(got, fmt.Sprint(*us))
	}
	rows.Close()
	want := []string{
		fmt.Sprint(time.Date(2026, 11, 2, 7, 3, 0, 123456000, time.UTC).UnixMicro()),
		fmt.Sprint(time.Date(1969, 12, 31, 23, 59, 59, 999999000, time.UTC).UnixMicro()),
		fmt.Sprint(time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()),
		"NULL",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("times read back as %v µs, want %v", got, want)
	}
	_, err = st.CopyParquet(ctx, ParquetCopy{Spec: ReadSpec{Table: "types_test", Columns: []string{"big"}, As: []string{"INTEGER"}}, Path: path})
	if err == nil || !strings.Contains(err.Error(), "writing "+path) {
		t.Errorf("a BIGINT out of INTEGER range: error %v, want one naming %s", err, path)
	}
	if _, err := st.CopyParquet(ctx, ParquetCopy{Spec: ReadSpec{Table: "types_test", Columns: []string{"big"}, As: []string{"INTEGER; DROP TABLE x"}}, Path: path}); err == nil {
		t.Error("a type outside the list was accepted")
	}
	// The ZSTD level reaches DuckDB's writer: one it does not take fails.
	for _, tc := range []struct {
		level int
		ok    bool
	}{{0, true}, {2, true}, {23, false}} {
		n, err := st.CopyParquet(ctx, ParquetCopy{Spec: ReadSpec{Table: "types_test", Columns: []string{"small"}}, Path: path, ZSTDLevel: tc.level})
		if tc.ok && (err != nil || n != 4) {
			t.Errorf("ZSTD level %d: %d rows, %v", tc.level, n, err)
		}
		if !tc.ok && err == nil {
			t.Errorf("ZSTD level %d was accepted", tc.level)
		}
	}
}
