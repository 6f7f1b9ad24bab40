package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Column describes one column of a table or view as DuckDB declares it.
type Column struct {
	Name     string
	Type     string // DuckDB type name: VARCHAR, TIMESTAMP, BIGINT, ...
	Nullable bool
}

// Columns lists the columns of a table or view of the main schema in
// declaration order. An unknown name gives an error naming it.
func (s *Store) Columns(ctx context.Context, table string) ([]Column, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT column_name, data_type, is_nullable
		FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ? ORDER BY column_index`, table)
	if err != nil {
		return nil, fmt.Errorf("listing columns of %s: %w", table, err)
	}
	defer rows.Close()
	var out []Column
	for rows.Next() {
		var c Column
		if err := rows.Scan(&c.Name, &c.Type, &c.Nullable); err != nil {
			return nil, fmt.Errorf("listing columns of %s: %w", table, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing columns of %s: %w", table, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("listing columns of %s: no such table or view", table)
	}
	return out, nil
}

// Views lists the views of the main schema by name.
func (s *Store) Views(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal ORDER BY view_name`)
	if err != nil {
		return nil, fmt.Errorf("listing views: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("listing views: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ReadSpec selects the rows of one table for export.
type ReadSpec struct {
	Table   string
	Columns []string // in the order the scan destinations follow
	// Where is an optional predicate written by gluelens code (never user
	// text) with ? parameters bound to Args.
	Where   string
	Args    []any
	OrderBy []string // column names; NULLs sort last
	// GroupBy, when set, makes the rows sharing these columns' values come
	// out together: groups are ordered by the smallest GroupOrder value
	// among their rows (NULLs last), then by GroupBy, and OrderBy orders
	// the rows inside a group.
	GroupBy    []string
	GroupOrder string
	// As, when set, gives for each of Columns the type the SELECT returns
	// it as ("" = as stored; see selectAs for the types allowed).
	As []string
	// Limit and Offset, when Limit > 0, select that many rows of the
	// ordered result after skipping Offset.
	Limit, Offset int64
}

// ReadRows streams the rows spec selects. For every row fn is called with a
// scan function that fills dest (one pointer per column, as in
// database/sql's Rows.Scan); fn must not keep scan after it returns. Table
// and column names are checked against the catalog before they reach SQL.
func (s *Store) ReadRows(ctx context.Context, spec ReadSpec, fn func(scan func(dest ...any) error) error) error {
	q, err := s.readQuery(ctx, spec)
	if err != nil {
		return err
	}
	rows, err := s.db.QueryContext(ctx, q, spec.Args...)
	if err != nil {
		return fmt.Errorf("reading %s: %w", spec.Table, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return fmt.Errorf("reading %s: %w", spec.Table, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading %s: %w", spec.Table, err)
	}
	return nil
}

// readQuery checks spec against the catalog and writes its SELECT.
func (s *Store) readQuery(ctx context.Context, spec ReadSpec) (string, error) {
	cols, err := s.Columns(ctx, spec.Table)
	if err != nil {
		return "", err
	}
	known := make(map[string]bool, len(cols))
	for _, c := range cols {
		known[c.Name] = true
	}
	names := [][]string{spec.Columns, spec.OrderBy, spec.GroupBy}
	if spec.GroupOrder != "" {
		names = append(names, []string{spec.GroupOrder})
	}
	for _, group := range names {
		for _, c := range group {
			if !known[c] {
				return "", fmt.Errorf("reading %s: no column %q", spec.Table, c)
			}
		}
	}
	if len(spec.Columns) == 0 {
		return "", fmt.Errorf("reading %s: no columns asked for", spec.Table)
	}
	if len(spec.As) > 0 && len(spec.As) != len(spec.Columns) {
		return "", fmt.Errorf("reading %s: %d types for %d columns", spec.Table, len(spec.As), len(spec.Columns))
	}
	sel := make([]string, len(spec.Columns))
	for i, c := range spec.Columns {
		as := ""
		if len(spec.As) > 0 {
			as = spec.As[i]
		}
		if sel[i], err = selectAs(c, as); err != nil {
			return "", fmt.Errorf("reading %s: %w", spec.Table, err)
		}
	}
	var q strings.Builder
	fmt.Fprintf(&q, "SELECT %s FROM %s", strings.Join(sel, ", "), quoteIdent(spec.Table))
	if spec.Where != "" {
		fmt.Fprintf(&q, " WHERE %s", spec.Where)
	}
	var order []string
	if len(spec.GroupBy) > 0 {
		if spec.GroupOrder != "" {
			order = append(order, fmt.Sprintf("min(%s) OVER (PARTITION BY %s) NULLS LAST", quoteIdent(spec.GroupOrder), quoteIdents(spec.GroupBy)))
		}
		for _, c := range spec.GroupBy {
			order = append(order, quoteIdent(c))
		}
	}
	for _, c := range spec.OrderBy {
		order = append(order, quoteIdent(c)+" NULLS LAST")
	}
	if len(order) > 0 {
		fmt.Fprintf(&q, " ORDER BY %s", strings.Join(order, ", "))
	}
	if spec.Limit > 0 {
		fmt.Fprintf(&q, " LIMIT %d OFFSET %d", spec.Limit, spec.Offset)
	}
	return q.String(), nil
}

// selectAs writes column col of a SELECT list as type as: "" keeps the
// stored type; VARCHAR, BIGINT, INTEGER, BOOLEAN and DOUBLE cast (a value
// out of range fails the query); TIMESTAMPTZ reads a stored TIMESTAMP as
// the UTC instant it is (so Parquet marks it isAdjustedToUTC).
func selectAs(col, as string) (string, error) {
	q := quoteIdent(col)
	switch as {
	case "":
		return q, nil
	case "VARCHAR", "BIGINT", "INTEGER", "BOOLEAN", "DOUBLE":
		return fmt.Sprintf("CAST(%s AS %s) AS %s", q, as, q), nil
	case "TIMESTAMPTZ":
		// The same instant as timezone('UTC', col) (tested), without ICU's
		// calendar per value: half the CPU of the COPY of a timestamp.
		return fmt.Sprintf("make_timestamptz(epoch_us(%s)) AS %s", q, q), nil
	}
	return "", fmt.Errorf("column %s: cannot select it as %q", col, as)
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func quoteIdents(cols []string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = quoteIdent(c)
	}
	return strings.Join(parts, ", ")
}

// Days lists the distinct dates (UTC midnight) of a TIMESTAMP column
// among the rows where selects (a predicate written by gluelens code, with
// ? parameters bound to args), oldest first, and reports whether some of
// those rows have the column NULL. Export reads a table one day at a time
// so DuckDB sorts a day, not the whole table.
func (s *Store) Days(ctx context.Context, table, column, where string, args []any) ([]time.Time, bool, error) {
	cols, err := s.Columns(ctx, table)
	if err != nil {
		return nil, false, err
	}
	if !slices.ContainsFunc(cols, func(c Column) bool { return c.Name == column }) {
		return nil, false, fmt.Errorf("reading %s: no column %q", table, column)
	}
	q := fmt.Sprintf("SELECT DISTINCT CAST(%s AS DATE) FROM %s", quoteIdent(column), quoteIdent(table))
	if where != "" {
		q += " WHERE " + where
	}
	rows, err := s.db.QueryContext(ctx, q+" ORDER BY 1 NULLS LAST", args...)
	if err != nil {
		return nil, false, fmt.Errorf("listing days of %s: %w", table, err)
	}
	defer rows.Close()
	var days []time.Time
	hasNull := false
	for rows.Next() {
		var d sql.NullTime
		if err := rows.Scan(&d); err != nil {
			return nil, false, fmt.Errorf("listing days of %s: %w", table, err)
		}
		if !d.Valid {
			hasNull = true
			continue
		}
		days = append(days, time.Date(d.Time.Year(), d.Time.Month(), d.Time.Day(), 0, 0, 0, 0, time.UTC))
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("listing days of %s: %w", table, err)
	}
	return days, hasNull, nil
}
