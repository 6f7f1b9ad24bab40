package store

import (
	"context"
	"fmt"
	"strings"
)

// ParquetFile is a local Parquet file whose rows load into Table through
// DuckDB's own Parquet reader (ObjectWriter.AppendParquet).
type ParquetFile struct {
	Path  string
	Table string
	// From gives, for each column of Table in order, the file column it
	// loads from; "" means the file has none (the column loads as NULL, or
	// as its zero value when NOT NULL).
	From []string
	// UTC marks the file columns (by position in From) that hold
	// UTC-adjusted timestamps, which DuckDB reads as TIMESTAMP WITH TIME
	// ZONE: they load as their UTC time.
	UTC []bool
	// Rows is what the file's checking read (Loader.CheckParquet) counted:
	// the file is staged only when its INSERT reads as many.
	Rows int64
}

// parquetSelect is the SELECT list that reads p's columns as its table's
// columns, each cast to the column's type, a NULL in a NOT NULL column as
// its zero value.
func parquetSelect(p ParquetFile) (string, error) {
	spec, ok := tableSpec(p.Table)
	if !ok {
		return "", fmt.Errorf("table %q is not registered for loading", p.Table)
	}
	fields := FieldsOf(spec.Row)
	if len(p.From) != len(fields) || len(p.UTC) != len(fields) {
		return "", fmt.Errorf("loading %s from parquet: %d file columns for %d table columns", p.Table, len(p.From), len(fields))
	}
	sel := make([]string, len(fields))
	for i, f := range fields {
		typ := f.Kind.SQLType()
		var e string
		switch {
		case p.From[i] == "":
			e = "NULL"
		case p.UTC[i]:
			e = fmt.Sprintf("make_timestamp(epoch_us(%s))", quoteIdent(p.From[i])) // the UTC time, without ICU
		default:
			e = quoteIdent(p.From[i])
		}
		e = fmt.Sprintf("CAST(%s AS %s)", e, typ)
		if !f.Nullable {
			e = fmt.Sprintf("coalesce(%s, %s)", e, zeroLiteral(f.Kind))
		}
		sel[i] = e
	}
	return strings.Join(sel, ", "), nil
}

// CheckParquet reads the whole of p once, every column as it will load,
// on a connection of its own and outside any transaction of the loader:
// a damaged page or a value that does not fit fails here, failing this
// object alone, where the same error inside the loader's INSERT would
// abort the transaction and with it the run. It needs no hold on the
// loader, so a file is checked while the loader stores the one before.
// It returns the rows read.
func (l *Loader) CheckParquet(ctx context.Context, p ParquetFile) (int64, error) {
	sel, err := parquetSelect(p)
	if err != nil {
		return 0, err
	}
	var n int64
	check := fmt.Sprintf("SELECT count(hash(%s)) FROM read_parquet(%s)", sel, quoteLiteral(p.Path))
	if err := l.s.db.QueryRowContext(ctx, check).Scan(&n); err != nil {
		return 0, fmt.Errorf("reading parquet: %w", err)
	}
	return n, nil
}

// AppendParquet stages a Parquet file's rows in one INSERT … SELECT FROM
// read_parquet(…) on the loader's connection (parquetSelect's columns; a
// value that does not fit fails the object). The file must have had its
// checking read (CheckParquet, counted in p.Rows). It returns the number
// of rows staged.
func (w *ObjectWriter) AppendParquet(p ParquetFile) (int64, error) {
	sel, err := parquetSelect(p)
	if err != nil {
		return 0, err
	}
	if d := w.direct[p.Table]; d != nil && d.on && !d.stopped {
		d.stopped = true // as in Append: these rows are staged and merged
	}
	stage := stageName(p.Table)
	if err := w.flushAppender(stage); err != nil {
		return 0, err
	}
	q := fmt.Sprintf("INSERT INTO temp.main.%s SELECT %s, %d::BIGINT FROM read_parquet(%s)",
		stage, sel, w.seq, quoteLiteral(p.Path))
	res, err := w.l.conn.ExecContext(w.ctx, q)
	if err != nil {
		return 0, fmt.Errorf("reading parquet: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("reading parquet: %w", err)
	}
	if n != p.Rows {
		return n, fmt.Errorf("reading parquet: %d rows read, %d a moment before (the file changed?)", n, p.Rows)
	}
	w.l.touched[p.Table] = true
	w.staged[p.Table] += n
	return n, nil
}

// zeroLiteral is the SQL value of a kind's Go zero value (time.Time{} for
// Time).
func zeroLiteral(k Kind) string {
	switch k {
	case String:
		return "''"
	case Bool:
		return "false"
	case Float64:
		return "0.0"
	case Time:
		return "TIMESTAMP '0001-01-01 00:00:00'"
	default:
		return "0"
	}
}
