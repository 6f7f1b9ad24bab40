package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// ParquetCopy describes one Parquet file written by DuckDB's own writer
// (COPY … TO … (FORMAT PARQUET)) from the rows Spec selects.
type ParquetCopy struct {
	Spec ReadSpec
	// Path is the local file to write (created or replaced).
	Path string
	// RowGroupRows is the row group size DuckDB aims at; 0 means DuckDB's
	// default (122,880 rows).
	RowGroupRows int64
	// Metadata is written as the file's key-value metadata, in this order.
	Metadata [][2]string
	// ZSTDLevel is the ZSTD compression level (1–22); 0 means DuckDB's
	// default (3).
	ZSTDLevel int
}

// CopyParquet writes the rows c.Spec selects to c.Path as ZSTD-compressed
// Parquet with DuckDB's writer (parallel over DuckDB's threads, the row
// order of the SELECT kept) and returns the number of rows written. Table
// and column names are checked against the catalog as for ReadRows; the
// path and metadata, which SQL takes only as literals, are quoted.
func (s *Store) CopyParquet(ctx context.Context, c ParquetCopy) (int64, error) {
	q, err := s.readQuery(ctx, c.Spec)
	if err != nil {
		return 0, err
	}
	opts := []string{"FORMAT PARQUET", "COMPRESSION ZSTD"}
	if c.ZSTDLevel != 0 {
		opts = append(opts, fmt.Sprintf("COMPRESSION_LEVEL %d", c.ZSTDLevel))
	}
	if c.RowGroupRows > 0 {
		opts = append(opts, fmt.Sprintf("ROW_GROUP_SIZE %d", c.RowGroupRows))
	}
	if len(c.Metadata) > 0 {
		kv := make([]string, len(c.Metadata))
		for i, m := range c.Metadata {
			kv[i] = quoteLiteral(m[0]) + ": " + quoteLiteral(m[1])
		}
		opts = append(opts, "KV_METADATA {"+strings.Join(kv, ", ")+"}")
	}
	stmt := fmt.Sprintf("COPY (%s) TO %s (%s)", q, quoteLiteral(c.Path), strings.Join(opts, ", "))
	var n int64
	if err := s.db.QueryRowContext(ctx, stmt, c.Spec.Args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("writing %s from %s: %w", c.Path, c.Spec.Table, err)
	}
	return n, nil
}

// quoteLiteral writes s as a SQL string literal.
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// FileSplit is one file of a table cut by Split.
type FileSplit struct {
	// Day is the UTC date of the file's rows (of their group's first row
	// for grouped tables); zero for rows without a day.
	Day  time.Time
	Rows int64 // rows the file will hold
	// Spec selects exactly the file's rows, in the order of the spec
	// given to Split.
	Spec ReadSpec
}

// Split cuts the rows spec selects into files of at most fileRows rows
// each, one UTC day of column day at a time (rows whose day is NULL last;
// day "" puts every row in one undated run), oldest first. Rows sharing
// the values of spec.GroupBy stay in one file, whatever its size: a group
// belongs to the day of its first row, and a new file starts at the first
// group that begins at or past a multiple of fileRows rows into its day.
// A file's rows come in the order the database stores them (DuckDB keeps
// insertion order), which is stable for one database and costs no sort;
// only a day cut into several files is sorted by spec.OrderBy, whose
// columns must then order the rows completely.
// The group columns must be NOT NULL (a NULL group would match no file;
// callers compare the rows a file's spec gives with Rows).
func (s *Store) Split(ctx context.Context, spec ReadSpec, day string, fileRows int64) ([]FileSplit, error) {
	if fileRows <= 0 {
		return nil, fmt.Errorf("splitting %s: %d rows per file", spec.Table, fileRows)
	}
	check := ReadSpec{Table: spec.Table, Columns: append(append([]string{}, spec.GroupBy...), spec.Columns...)}
	if day != "" {
		check.Columns = append(check.Columns, day)
	}
	if _, err := s.readQuery(ctx, check); err != nil {
		return nil, err
	}
	where := "TRUE"
	if spec.Where != "" {
		where = "(" + spec.Where + ")"
	}
	dayExpr := "CAST(NULL AS DATE)"
	if day != "" {
		dayExpr = fmt.Sprintf("CAST(%s AS DATE)", quoteIdent(day))
	}
	type run struct {
		day  sql.NullTime
		file int64
		rows int64
	}
	var runs []run
	var q string
	if len(spec.GroupBy) > 0 {
		g := quoteIdents(spec.GroupBy)
		firstDay := "CAST(NULL AS TIMESTAMP)"
		if day != "" {
			firstDay = fmt.Sprintf("min(%s)", quoteIdent(day))
		}
		// plan assigns each group its day and file.
		plan := fmt.Sprintf(`SELECT %[1]s, CAST(first AS DATE) AS day,
			(sum(n) OVER (PARTITION BY CAST(first AS DATE) ORDER BY first NULLS LAST, %[1]s ROWS UNBOUNDED PRECEDING) - n) // %[2]d AS file, n
			FROM (SELECT %[1]s, %[3]s AS first, count(*) AS n FROM %[4]s WHERE %[5]s GROUP BY %[1]s)`,
			g, fileRows, firstDay, quoteIdent(spec.Table), where)
		q = fmt.Sprintf(`SELECT day, file, sum(n) FROM (%s) GROUP BY day, file ORDER BY day NULLS LAST, file`, plan)
		if err := s.collectRuns(ctx, q, spec.Args, func(d sql.NullTime, file, n int64) {
			runs = append(runs, run{d, file, n})
		}); err != nil {
			return nil, fmt.Errorf("splitting %s: %w", spec.Table, err)
		}
		out := make([]FileSplit, len(runs))
		for i, r := range runs {
			fs := spec
			fs.GroupBy, fs.GroupOrder, fs.OrderBy = nil, "", nil
			if r.day.Valid {
				out[i].Day = r.day.Time
			}
			if len(runs) > 1 {
				fs.Args = append(append(append([]any{}, spec.Args...), spec.Args...), r.file)
				dayCond := "day IS NULL"
				if r.day.Valid {
					dayCond = "day = CAST(? AS DATE)"
					fs.Args = append(fs.Args, r.day.Time)
				}
				fs.Where = fmt.Sprintf("%s AND (%s) IN (SELECT %s FROM (%s) WHERE file = ? AND %s)", where, g, g, plan, dayCond)
			}
			out[i].Rows, out[i].Spec = r.rows, fs
		}
		return out, nil
	}
	q = fmt.Sprintf(`SELECT %s AS day, 0, count(*) FROM %s WHERE %s GROUP BY day ORDER BY day NULLS LAST`, dayExpr, quoteIdent(spec.Table), where)
	if err := s.collectRuns(ctx, q, spec.Args, func(d sql.NullTime, _, n int64) {
		runs = append(runs, run{d, 0, n})
	}); err != nil {
		return nil, fmt.Errorf("splitting %s: %w", spec.Table, err)
	}
	var out []FileSplit
	for _, r := range runs {
		fs := spec
		fs.GroupBy, fs.GroupOrder = nil, ""
		fs.Args = append([]any{}, spec.Args...)
		var d time.Time
		switch {
		case day == "":
			fs.Where = spec.Where
		case r.day.Valid:
			d = r.day.Time
			fs.Where = fmt.Sprintf(`%s AND %[2]s >= ? AND %[2]s < ?`, where, quoteIdent(day))
			fs.Args = append(fs.Args, d, d.AddDate(0, 0, 1))
		default:
			fs.Where = fmt.Sprintf(`%s AND %s IS NULL`, where, quoteIdent(day))
		}
		for off := int64(0); off < r.rows; off += fileRows {
			part := fs
			if r.rows > fileRows {
				part.Limit, part.Offset = fileRows, off
			} else {
				part.OrderBy = nil
			}
			out = append(out, FileSplit{Day: d, Rows: min(fileRows, r.rows-off), Spec: part})
		}
	}
	return out, nil
}

// collectRuns runs a query of (day DATE, file BIGINT, rows BIGINT) rows.
func (s *Store) collectRuns(ctx context.Context, q string, args []any, fn func(day sql.NullTime, file, rows int64)) error {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var d sql.NullTime
		var file, n int64
		if err := rows.Scan(&d, &file, &n); err != nil {
			return err
		}
		if d.Valid {
			d.Time = time.Date(d.Time.Year(), d.Time.Month(), d.Time.Day(), 0, 0, 0, 0, time.UTC)
		}
		fn(d, file, n)
	}
	return rows.Err()
}

// WithThreads runs fn with DuckDB's thread count (a setting of the whole
// database, every connection) set to n, and sets it back afterwards.
// Small COPYs run faster one thread each, several at a time, than each
// spread over every core.
func (s *Store) WithThreads(ctx context.Context, n int, fn func() error) error {
	var was int64
	if err := s.db.QueryRowContext(ctx, `SELECT current_setting('threads')`).Scan(&was); err != nil {
		return fmt.Errorf("reading DuckDB's thread count: %w", err)
	}
	if was == int64(n) {
		return fn()
	}
	if _, err := s.db.ExecContext(ctx, fmt.Sprintf(`SET threads = %d`, n)); err != nil {
		return fmt.Errorf("setting DuckDB's thread count: %w", err)
	}
	err := fn()
	if _, rerr := s.db.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`SET threads = %d`, was)); rerr != nil && err == nil {
		err = fmt.Errorf("setting DuckDB's thread count back: %w", rerr)
	}
	return err
}
