package parquetpack

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/gluelens/gluelens/internal/store"
)

// layout ties one table to its row struct.
type layout struct {
	Table  string
	Day    string   // column whose UTC date names the dt partition; "" = always undated
	Window string   // predicate selecting the --from/--to window (see tables.go); "" = never filtered
	Key    []string // sort order inside a partition
	// Group, when set, names columns whose rows must stay in one file: the
	// store merges a Spark application attempt as one snapshot, so its
	// rows of a table must arrive in one object. A group's dt is the date
	// of its earliest Day value.
	Group        []string
	columns      []string
	day          int           // index of the Day column, -1 if none
	tableColumns []store.Field // the columns as a pack file loads them
	leaves       []int         // each column's leaf index in schema
	schema       *parquet.Schema
	export       func(ctx context.Context, st *store.Store, l *layout, spec store.ReadSpec, pw *packWriter) (TableEntry, error)
}

// newLayout lays out the table whose row struct is T: its columns, in
// order, come from store.FieldsOf, their Parquet types from T's parquet tags.
func newLayout[T any, P interface {
	*T
	store.Row
}](day, window string, key ...string) *layout {
	var zero T
	fields := store.FieldsOf(P(nil))
	l := &layout{Table: P(nil).Table(), Day: day, Window: window, Key: key, schema: parquet.SchemaOf(zero), day: -1}
	for i, f := range fields {
		if f.Name == day {
			l.day = i
		}
		leaf, ok := l.schema.Lookup(f.Name)
		if !ok {
			panic("parquetpack: column " + f.Name + " is not a leaf of the schema of " + l.Table)
		}
		l.columns = append(l.columns, f.Name)
		l.leaves = append(l.leaves, leaf.ColumnIndex)
	}
	if day != "" && l.day < 0 {
		panic("parquetpack: day column " + day + " is not a column of " + l.Table)
	}
	l.tableColumns = fields
	l.export = func(ctx context.Context, st *store.Store, l *layout, spec store.ReadSpec, pw *packWriter) (TableEntry, error) {
		return exportTable[T](ctx, st, l, spec, pw)
	}
	return l
}

// grouped sets the columns whose rows stay in one file.
func (l *layout) grouped(cols ...string) *layout {
	l.Group = cols
	return l
}

func layoutFor(table string) (*layout, bool) {
	for _, l := range layouts {
		if l.Table == table {
			return l, true
		}
	}
	return nil, false
}

// fileStart opens the n-th file of partition dt.
type fileStart struct {
	dt string
	n  int
}

// segment is a run of a chunk's rows that go to one file; open, when set,
// closes the current file and opens another before them.
type segment struct {
	open     *fileStart
	from, to int
}

// exportBatch is one chunk read out of DuckDB and where its rows go. The
// writer releases the chunk once it has written them.
type exportBatch struct {
	chunk *store.Chunk
	segs  []segment
}

// exportTable streams one table from the store into dt-partitioned files,
// column by column: DuckDB's result vectors are read in place
// (store.ScanChunks) and each column's values go to its Parquet column
// writer in one call per chunk, with no row struct, reflection or boxed
// value per field. Reading (and cutting the rows into files) and writing
// (encoding and ZSTD) run in two goroutines joined by a short queue of
// chunks, so on a machine with two cores or more they overlap.
func exportTable[T any](ctx context.Context, st *store.Store, l *layout, spec store.ReadSpec, pw *packWriter) (TableEntry, error) {
	entry := TableEntry{Name: l.Table, DayColumn: l.Day, Columns: columnsOf(l.schema)}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	queue := make(chan exportBatch, 4)
	written := make(chan error, 1)
	go func() {
		err := writeBatches[T](ctx, l, pw, queue, &entry)
		if err != nil {
			cancel()
		}
		for b := range queue { // drain: the reader stops at its next send
			b.chunk.Release()
		}
		written <- err
	}()

	cut := newFileCutter(l, pw.opt.FileRows)
	checked := false
	readErr := st.ScanChunks(ctx, spec, func(c *store.Chunk) (bool, error) {
		if !checked {
			if err := checkKinds(l, c); err != nil {
				return false, err
			}
			checked = true
		}
		b := exportBatch{chunk: c, segs: cut.segments(c)}
		select {
		case queue <- b:
			return true, nil
		case <-ctx.Done():
			return false, ctx.Err()
		}
	})
	close(queue)
	if err := <-written; err != nil {
		return entry, err
	}
	return entry, readErr
}

// checkKinds makes sure every column DuckDB returns goes into its field.
func checkKinds(l *layout, c *store.Chunk) error {
	for i, tc := range l.tableColumns {
		k := c.Kind(i)
		if k == tc.Kind || (k == store.Int32 && tc.Kind == store.Int64) || (k == store.Int64 && tc.Kind == store.Int32) {
			continue
		}
		return fmt.Errorf("column %s: DuckDB gives a %s, which does not go into a %s field", tc.Name, k.SQLType(), tc.Kind.SQLType())
	}
	return nil
}

// fileCutter decides where files start: where the day changes, or a file
// is full, but only where a group starts (without groups every row is its
// own group).
type fileCutter struct {
	l        *layout
	fileRows int64
	group    []int // column indexes of l.Group
	started  bool
	curDay   int64 // day number of curDT (days since the epoch), or undatedDay
	curDT    string
	curGroup []string
	curNull  []bool
	inFile   int64
	parts    map[string]int
}

const undatedDay = math.MinInt64

func newFileCutter(l *layout, fileRows int64) *fileCutter {
	f := &fileCutter{l: l, fileRows: fileRows, parts: map[string]int{}}
	for _, g := range l.Group {
		f.group = append(f.group, slices.Index(l.columns, g))
	}
	f.curGroup = make([]string, len(f.group))
	f.curNull = make([]bool, len(f.group))
	return f
}

// segments cuts a chunk's rows into runs of one file each.
func (f *fileCutter) segments(c *store.Chunk) []segment {
	var segs []segment
	from := 0
	for r := range c.Len() {
		if f.started && len(f.group) > 0 && f.sameGroup(c, r) {
			f.inFile++
			continue
		}
		f.setGroup(c, r)
		day := f.dayOf(c, r)
		if !f.started || day != f.curDay || f.inFile >= f.fileRows {
			if r > from {
				segs = append(segs, segment{from: from, to: r})
			}
			if day != f.curDay || !f.started {
				f.curDay, f.curDT = day, dtOf(day)
			}
			segs = append(segs, segment{open: &fileStart{dt: f.curDT, n: f.parts[f.curDT]}})
			f.parts[f.curDT]++
			f.started, f.inFile, from = true, 0, r
		}
		f.inFile++
	}
	if from < c.Len() {
		segs = append(segs, segment{from: from, to: c.Len()})
	}
	// An open marker is followed by the rows it opens the file for.
	out := segs[:0]
	for i := 0; i < len(segs); i++ {
		s := segs[i]
		if s.open != nil && i+1 < len(segs) && segs[i+1].open == nil {
			s.from, s.to = segs[i+1].from, segs[i+1].to
			i++
		}
		out = append(out, s)
	}
	return out
}

func (f *fileCutter) sameGroup(c *store.Chunk, r int) bool {
	for i, col := range f.group {
		null := c.Null(col, r)
		if null != f.curNull[i] || (!null && groupValue(c, col, r) != f.curGroup[i]) {
			return false
		}
	}
	return true
}

func (f *fileCutter) setGroup(c *store.Chunk, r int) {
	for i, col := range f.group {
		f.curNull[i] = c.Null(col, r)
		if !f.curNull[i] {
			f.curGroup[i] = groupValue(c, col, r)
		}
	}
}

// groupValue renders a group column's value for comparison.
func groupValue(c *store.Chunk, col, r int) string {
	switch c.Kind(col) {
	case store.String:
		return string(c.Bytes(col, r))
	case store.Bool:
		return strconv.FormatBool(c.Bool(col, r))
	case store.Float64:
		return strconv.FormatFloat(c.Float64(col, r), 'g', -1, 64)
	default:
		return strconv.FormatInt(c.Int64(col, r), 10)
	}
}

// dayOf is the day number of a row's day column, or undatedDay.
func (f *fileCutter) dayOf(c *store.Chunk, r int) int64 {
	if f.l.day < 0 || c.Null(f.l.day, r) {
		return undatedDay
	}
	return floorDiv(c.Int64(f.l.day, r), int64(24*time.Hour/time.Microsecond))
}

// dtOf names the dt partition of a day number.
func dtOf(day int64) string {
	if day == undatedDay {
		return Undated
	}
	return time.UnixMicro(day * int64(24*time.Hour/time.Microsecond)).UTC().Format(time.DateOnly)
}

// writeBatches writes the chunks of queue into their files.
func writeBatches[T any](ctx context.Context, l *layout, pw *packWriter, queue <-chan exportBatch, entry *TableEntry) error {
	var cur *partWriter[T]
	cw := make([]*columnValues, max(1, min(runtime.GOMAXPROCS(0), len(l.columns))))
	for i := range cw {
		cw[i] = newColumnValues(l)
	}
	closeCur := func() error {
		f, err := cur.close()
		cur = nil
		if err != nil {
			return err
		}
		entry.Files = append(entry.Files, f)
		entry.Rows += f.Rows
		return nil
	}
	for b := range queue {
		for _, s := range b.segs {
			if s.open != nil {
				if cur != nil {
					if err := closeCur(); err != nil {
						b.chunk.Release()
						return err
					}
				}
				var err error
				if cur, err = openPart[T](ctx, pw, l, s.open.dt, s.open.n); err != nil {
					b.chunk.Release()
					return err
				}
			}
			if err := cur.writeRows(cw, b.chunk, s.from, s.to); err != nil {
				b.chunk.Release()
				cur.abort()
				return fmt.Errorf("writing %s: %w", cur.path, err)
			}
		}
		b.chunk.Release()
	}
	if cur != nil {
		return closeCur()
	}
	return nil
}

// columnValues turns a chunk's columns into Parquet values.
type columnValues struct {
	l    *layout
	vals []parquet.Value
}

func newColumnValues(l *layout) *columnValues {
	return &columnValues{l: l, vals: make([]parquet.Value, 0, 2048)}
}

// column returns rows from..to of column col as values of its leaf.
func (cv *columnValues) column(c *store.Chunk, col, from, to int) ([]parquet.Value, error) {
	tc := cv.l.tableColumns[col]
	leaf := cv.l.leaves[col]
	def := 0
	if tc.Nullable {
		def = 1
	}
	vals := cv.vals[:0]
	kind := c.Kind(col)
	for r := from; r < to; r++ {
		if c.Null(col, r) {
			if tc.Nullable {
				vals = append(vals, parquet.NullValue().Level(0, 0, leaf))
				continue
			}
			vals = append(vals, zeroValue(tc.Kind).Level(0, 0, leaf))
			continue
		}
		var v parquet.Value
		switch tc.Kind {
		case store.String:
			v = parquet.ByteArrayValue(c.Bytes(col, r))
		case store.Int64, store.Time:
			v = parquet.Int64Value(c.Int64(col, r))
		case store.Int32:
			if kind == store.Int64 {
				x := c.Int64(col, r)
				if x < math.MinInt32 || x > math.MaxInt32 {
					return nil, fmt.Errorf("column %s: %d does not fit its INT32 field", tc.Name, x)
				}
				v = parquet.Int32Value(int32(x))
			} else {
				v = parquet.Int32Value(c.Int32(col, r))
			}
		case store.Bool:
			v = parquet.BooleanValue(c.Bool(col, r))
		case store.Float64:
			v = parquet.DoubleValue(c.Float64(col, r))
		}
		vals = append(vals, v.Level(0, def, leaf))
	}
	cv.vals = vals
	return vals, nil
}

// zeroValue is what a row struct's non-pointer field holds for NULL.
func zeroValue(k store.Kind) parquet.Value {
	switch k {
	case store.String:
		return parquet.ByteArrayValue(nil)
	case store.Int32:
		return parquet.Int32Value(0)
	case store.Bool:
		return parquet.BooleanValue(false)
	case store.Float64:
		return parquet.DoubleValue(0)
	case store.Time:
		return parquet.Int64Value(time.Time{}.UnixMicro())
	default:
		return parquet.Int64Value(0)
	}
}

// columnsOf describes the leaf columns of a schema for the pack manifest.
func columnsOf(s *parquet.Schema) []ColumnEntry {
	var out []ColumnEntry
	for _, f := range s.Fields() {
		c := ColumnEntry{Name: f.Name(), ParquetType: f.Type().Kind().String(), Optional: f.Optional()}
		if lt := f.Type().LogicalType(); lt != nil {
			c.LogicalType = lt.String()
		}
		if f.Encoding() != nil {
			c.Encoding = f.Encoding().String()
		}
		out = append(out, c)
	}
	return out
}
