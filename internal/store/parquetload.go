package store

import (
	"context"
	"fmt"
	"sort"
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
	// Layout is the file's whole Parquet schema (its columns' names, order
	// and types) as text: files of one Layout and one From and UTC are
	// read alike, so one read_parquet reads them all.
	Layout string
	// Release is called once the loader no longer needs the file: at once
	// when its rows are staged or it fails, at the Flush (or Rollback)
	// after it when they wait to go into the table. Nil: nothing to do.
	Release func()
	// Rows is what the file's checking read (Loader.CheckParquet) counted:
	// the file loads only when its INSERT reads as many.
	Rows int64
	// KeysDistinct is what the checking read found of the file's keys:
	// true when no two of its rows share one (told by their hash, so a
	// rare collision only calls distinct keys repeated).
	KeysDistinct bool
}

func (p *ParquetFile) release() {
	if p.Release != nil {
		p.Release()
		p.Release = nil
	}
}

// parquetColumns are the expressions that read p's columns as its table's
// columns, each cast to the column's type, a NULL in a NOT NULL column as
// its zero value; and those of the table's key columns.
func parquetColumns(p *ParquetFile) (spec TableSpec, cols, keys []string, err error) {
	spec, ok := tableSpec(p.Table)
	if !ok {
		return spec, nil, nil, fmt.Errorf("table %q is not registered for loading", p.Table)
	}
	fields := FieldsOf(spec.Row)
	if len(p.From) != len(fields) || len(p.UTC) != len(fields) {
		return spec, nil, nil, fmt.Errorf("loading %s from parquet: %d file columns for %d table columns", p.Table, len(p.From), len(fields))
	}
	cols = make([]string, len(fields))
	byName := map[string]string{}
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
		cols[i] = e
		byName[f.Name] = e
	}
	keys = make([]string, len(spec.Key))
	for i, k := range spec.Key {
		keys[i] = byName[k]
	}
	return spec, cols, keys, nil
}

// CheckParquet reads the whole of p once, every column as it will load,
// on a connection of its own and outside any transaction of the loader:
// a damaged page or a value that does not fit fails here, failing this
// object alone, where the same error inside the loader's INSERT would
// abort the transaction and with it the run. It needs no hold on the
// loader, so a file is checked while the loader stores the one before.
// It sets p.Rows and p.KeysDistinct.
func (l *Loader) CheckParquet(ctx context.Context, p *ParquetFile) error {
	_, cols, keys, err := parquetColumns(p)
	if err != nil {
		return err
	}
	var n, distinct int64
	check := fmt.Sprintf("SELECT count(hash(%s)), count(DISTINCT hash(%s)) FROM read_parquet(%s)",
		strings.Join(cols, ", "), strings.Join(keys, ", "), quoteLiteral(p.Path))
	if err := l.s.db.QueryRowContext(ctx, check).Scan(&n, &distinct); err != nil {
		return fmt.Errorf("reading parquet: %w", err)
	}
	p.Rows, p.KeysDistinct = n, distinct == n
	return nil
}

// waitingFile is a Parquet file whose rows go into their table at the next
// Flush (AppendParquet).
type waitingFile struct {
	ParquetFile
	seq int64 // the object's
}

// AppendParquet loads the rows of a Parquet file that had its checking
// read (CheckParquet) and returns how many it holds. The loader owns the
// file from the call on, and releases it (p.Release) when done with it.
//
// When the merge could keep every row of the file (its keys are distinct,
// or the table keeps every row), the rows wait for the Flush, which puts
// those of all such files of a table into it in one INSERT … SELECT FROM
// read_parquet([…]) on every DuckDB thread, when no two of them and no row
// of the table or its stage share a key: the common case, a pack loaded
// into a database without its rows, where each row is stored once and
// nothing is left to merge. Otherwise they are staged, each file as its
// object's, and merged by the table's policy.
func (w *ObjectWriter) AppendParquet(p ParquetFile) (int64, error) {
	spec, cols, _, err := parquetColumns(&p)
	if err != nil {
		p.release()
		return 0, err
	}
	if d := w.direct[p.Table]; d != nil && d.on && !d.stopped {
		d.stopped = true // as in Append: these rows are staged and merged
	}
	w.l.touched[p.Table] = true
	if spec.Policy == Append || p.KeysDistinct {
		w.l.waiting[p.Table] = append(w.l.waiting[p.Table], &waitingFile{ParquetFile: p, seq: w.seq})
		return p.Rows, nil
	}
	defer p.release()
	n, err := w.l.stageParquet(w.ctx, &p, cols, w.seq)
	if err != nil {
		return n, err
	}
	w.staged[p.Table] += n
	return n, nil
}

// stageParquet inserts the rows of one file into its table's stage as the
// rows of object seq.
func (l *Loader) stageParquet(ctx context.Context, p *ParquetFile, cols []string, seq int64) (int64, error) {
	if err := l.flushAppender(stageName(p.Table)); err != nil {
		return 0, err
	}
	n, err := l.exec(ctx, fmt.Sprintf("INSERT INTO temp.main.%s SELECT %s, %d::BIGINT FROM read_parquet(%s)",
		stageName(p.Table), strings.Join(cols, ", "), seq, quoteLiteral(p.Path)))
	if err != nil {
		return 0, fmt.Errorf("reading parquet: %w", err)
	}
	if n != p.Rows {
		return n, fmt.Errorf("reading parquet: %d rows read, %d a moment before (the file changed?)", n, p.Rows)
	}
	return n, nil
}

// dropWaiting forgets the object's files waiting for the Flush.
func (w *ObjectWriter) dropWaiting() {
	for t, files := range w.l.waiting {
		kept := files[:0]
		for _, f := range files {
			if f.seq == w.seq {
				f.release()
			} else {
				kept = append(kept, f)
			}
		}
		w.l.waiting[t] = kept
	}
}

// releaseWaiting releases every waiting file.
func (l *Loader) releaseWaiting() {
	for _, files := range l.waiting {
		for _, f := range files {
			f.release()
		}
	}
	l.waiting = map[string][]*waitingFile{}
}

// loadWaiting puts the rows of the files waiting for table into it, or,
// when a key of theirs repeats among them or is in the table or its stage
// already, stages them for the merge.
func (l *Loader) loadWaiting(ctx context.Context, spec TableSpec) error {
	files := l.waiting[spec.Name]
	if len(files) == 0 {
		return nil
	}
	groups, keys := readGroups(files)
	direct := spec.Policy == Append
	if !direct {
		var err error
		if direct, err = l.keysAreNew(ctx, spec, files, keys); err != nil {
			return fmt.Errorf("checking the keys of parquet files: %w", err)
		}
	}
	if !direct {
		for _, f := range files {
			_, cols, _, err := parquetColumns(&f.ParquetFile)
			if err != nil {
				return err
			}
			n, err := l.stageParquet(ctx, &f.ParquetFile, cols, f.seq)
			if err != nil {
				return fmt.Errorf("staging %s: %w", l.objectURI(f.seq), err)
			}
			for _, p := range l.pending {
				if p.seq == f.seq {
					p.staged[spec.Name] += n
				}
			}
		}
		return nil
	}
	// The table does not promise an order: without it, DuckDB inserts on
	// every thread, each compressing its own row groups.
	var ordered bool
	if err := l.conn.QueryRowContext(ctx, `SELECT current_setting('preserve_insertion_order')`).Scan(&ordered); err != nil {
		return err
	}
	if _, err := l.conn.ExecContext(ctx, fmt.Sprintf(`SET threads = %d; SET preserve_insertion_order = false`, l.threads)); err != nil {
		return err
	}
	defer l.conn.ExecContext(ctx, fmt.Sprintf(`SET threads = 1; SET preserve_insertion_order = %t`, ordered))
	for _, g := range groups {
		var want int64
		for _, f := range g.files {
			want += f.Rows
		}
		n, err := l.exec(ctx, fmt.Sprintf("INSERT INTO %s SELECT %s FROM %s", spec.Name, g.cols, g.from()))
		if err == nil && n != want {
			err = fmt.Errorf("%d rows read, %d a moment before (a file changed?)", n, want)
		}
		if err != nil {
			return fmt.Errorf("reading parquet of %s: %w", l.objectURIs(g.files), err)
		}
	}
	return nil
}

// objectURI is the URI of a pending object.
func (l *Loader) objectURI(seq int64) string {
	for _, p := range l.pending {
		if p.seq == seq {
			return p.entry.URI
		}
	}
	return fmt.Sprintf("object %d", seq)
}

// objectURIs names the objects of files: the first three and how many more.
func (l *Loader) objectURIs(files []*waitingFile) string {
	var names []string
	for i, f := range files {
		if i == 3 {
			names = append(names, fmt.Sprintf("%d more", len(files)-i))
			break
		}
		names = append(names, l.objectURI(f.seq))
	}
	return strings.Join(names, ", ")
}

// readGroup is waiting files that one read_parquet reads alike.
type readGroup struct {
	cols, keys string // SELECT lists of the table's columns and its key
	files      []*waitingFile
}

func (g readGroup) from() string {
	paths := make([]string, len(g.files))
	for i, f := range g.files {
		paths[i] = quoteLiteral(f.Path)
	}
	return "read_parquet([" + strings.Join(paths, ", ") + "])"
}

// readGroups groups files by layout and columns read, and gives the
// query of all their keys, as the table's key columns.
func readGroups(files []*waitingFile) ([]readGroup, string) {
	byKind := map[string]*readGroup{}
	var order []string
	for _, f := range files {
		spec, cols, keys, _ := parquetColumns(&f.ParquetFile) // checked by AppendParquet
		named := make([]string, len(keys))
		for i, k := range keys {
			named[i] = k + " AS " + quoteIdent(spec.Key[i])
		}
		c := strings.Join(cols, ", ")
		id := f.Layout + "\x00" + c
		g := byKind[id]
		if g == nil {
			g = &readGroup{cols: c, keys: strings.Join(named, ", ")}
			byKind[id] = g
			order = append(order, id)
		}
		g.files = append(g.files, f)
	}
	sort.Strings(order)
	groups := make([]readGroup, len(order))
	parts := make([]string, len(order))
	for i, id := range order {
		groups[i] = *byKind[id]
		parts[i] = fmt.Sprintf("SELECT %s FROM %s", groups[i].keys, groups[i].from())
	}
	return groups, strings.Join(parts, " UNION ALL ")
}

// keysAreNew reports whether no key of the waiting files repeats among
// them, and none is in the table or its stage. Keys are compared by their
// hash across files (a collision calls them repeated: the safe answer).
func (l *Loader) keysAreNew(ctx context.Context, spec TableSpec, files []*waitingFile, keys string) (bool, error) {
	var rows int64
	for _, f := range files {
		rows += f.Rows
	}
	cols := strings.Join(spec.Key, ", ")
	match := spec.joinEq("t", "s")
	stage := "temp.main." + stageName(spec.Name)
	var clash bool
	q := fmt.Sprintf(`WITH f AS MATERIALIZED (%[1]s)
		SELECT (SELECT count(DISTINCT hash(%[2]s)) FROM f) <> %[3]d
			OR EXISTS (SELECT 1 FROM %[4]s t WHERE EXISTS (SELECT 1 FROM f s WHERE %[6]s))
			OR EXISTS (SELECT 1 FROM %[5]s t WHERE EXISTS (SELECT 1 FROM f s WHERE %[6]s))`,
		keys, cols, rows, spec.Name, stage, match)
	if err := l.conn.QueryRowContext(ctx, q).Scan(&clash); err != nil {
		return false, err
	}
	return !clash, nil
}

// flushAppender hands DuckDB the rows appended to table one by one, so
// that rows inserted next come after them.
func (l *Loader) flushAppender(table string) error {
	if a := l.appenders[table]; a != nil {
		if err := a.Flush(); err != nil {
			return fmt.Errorf("flushing rows of %s: %w", table, err)
		}
	}
	return nil
}

// exec runs q on the loader's connection and returns the rows it affected.
func (l *Loader) exec(ctx context.Context, q string) (int64, error) {
	res, err := l.conn.ExecContext(ctx, q)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
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
