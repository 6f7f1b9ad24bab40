package parquetpack

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
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
	tableColumns []tableColumn // the columns as a pack file loads them
	schema       *parquet.Schema
	export       func(ctx context.Context, st *store.Store, l *layout, spec store.ReadSpec, pw *packWriter) (TableEntry, error)
}

// rowCodec maps a struct's fields to table columns by position.
type rowCodec struct {
	columns []string
	day     int // field index of the day column, -1 if none
}

func newLayout[T any](table, day, window string, key ...string) *layout {
	var zero T
	rt := reflect.TypeOf(zero)
	l := &layout{Table: table, Day: day, Window: window, Key: key, schema: parquet.SchemaOf(zero)}
	rc := rowCodec{day: -1}
	for i := 0; i < rt.NumField(); i++ {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("parquet"), ",")
		if name == "" {
			panic("parquetpack: field without a parquet column name in " + rt.Name())
		}
		if name == day {
			rc.day = i
		}
		rc.columns = append(rc.columns, name)
	}
	if day != "" && rc.day < 0 {
		panic("parquetpack: day column " + day + " is not a field of " + rt.Name())
	}
	l.columns = rc.columns
	l.tableColumns = tableColumnsOf(rt, rc.columns)
	l.export = func(ctx context.Context, st *store.Store, l *layout, spec store.ReadSpec, pw *packWriter) (TableEntry, error) {
		return exportTable[T](ctx, st, l, rc, spec, pw)
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

// fieldSetter stores a value scanned from DuckDB (nil for NULL) in one
// field of a row struct.
type fieldSetter func(f reflect.Value, v any) error

// settersOf returns a setter per field of rt, in column order. Scanning
// into *any and setting fields by their known type skips database/sql's
// conversion by reflection, which allocated and reflected per pointer
// field and was most of the export's scanning. A pointer field gets a
// fresh value on every row, so a copied row never shares one; NULL leaves
// it nil. A value of another type than the field's (which the table's
// column types rule out) is converted when Go can, or is an error naming
// the column.
func settersOf(rt reflect.Type, columns []string) []fieldSetter {
	out := make([]fieldSetter, rt.NumField())
	for i := range out {
		ft, col := rt.Field(i).Type, columns[i]
		ptr := ft.Kind() == reflect.Pointer
		elem := ft
		if ptr {
			elem = ft.Elem()
		}
		convert := func(v any) (reflect.Value, error) {
			rv := reflect.ValueOf(v)
			if rv.Type() == elem {
				return rv, nil
			}
			out := reflect.New(elem).Elem()
			switch {
			case rv.CanInt() && out.CanInt() && !out.OverflowInt(rv.Int()):
				out.SetInt(rv.Int())
			case rv.CanFloat() && out.CanFloat():
				out.SetFloat(rv.Float())
			default:
				return reflect.Value{}, fmt.Errorf("column %s: %T %v does not go into a %s field", col, v, v, elem)
			}
			return out, nil
		}
		out[i] = func(f reflect.Value, v any) error {
			if v == nil {
				f.SetZero()
				return nil
			}
			if !ptr {
				switch x := v.(type) {
				case string:
					if elem.Kind() == reflect.String {
						f.SetString(x)
						return nil
					}
				case int64:
					if elem.Kind() == reflect.Int64 {
						f.SetInt(x)
						return nil
					}
				}
				cv, err := convert(v)
				if err != nil {
					return err
				}
				f.Set(cv)
				return nil
			}
			cv, err := convert(v)
			if err != nil {
				return err
			}
			p := reflect.New(elem)
			p.Elem().Set(cv)
			f.Set(p)
			return nil
		}
	}
	return out
}

// dayOf names the dt partition of a row: its UTC date, or "undated".
func (rc rowCodec) dayOf(rv reflect.Value) string {
	if rc.day < 0 {
		return Undated
	}
	f := rv.Field(rc.day)
	if f.Kind() == reflect.Pointer {
		if f.IsNil() {
			return Undated
		}
		f = f.Elem()
	}
	return f.Interface().(time.Time).UTC().Format(time.DateOnly)
}

// exportTable streams one table from the store into dt-partitioned files.
// Reading (database/sql scans into structs) and writing (Parquet encoding
// and ZSTD) run in two goroutines joined by a short queue of row batches,
// so on a machine with two cores or more they overlap.
func exportTable[T any](ctx context.Context, st *store.Store, l *layout, rc rowCodec, spec store.ReadSpec, pw *packWriter) (TableEntry, error) {
	entry := TableEntry{Name: l.Table, DayColumn: l.Day, Columns: columnsOf(l.schema)}
	type fileStart struct {
		dt string
		n  int
	}
	// A chunk optionally closes the current file and opens another, then
	// carries rows for the open file. The writer owns rows once sent.
	type chunk struct {
		open *fileStart
		rows []T
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	queue := make(chan chunk, 4)
	written := make(chan error, 1)
	go func() {
		var cur *partWriter[T]
		var err error
		closeCur := func() {
			f, cerr := cur.close()
			cur = nil
			if cerr != nil {
				err = cerr
				return
			}
			entry.Files = append(entry.Files, f)
			entry.Rows += f.Rows
		}
		for c := range queue {
			if err != nil {
				continue // drain: the reader stops at its next send
			}
			if c.open != nil {
				if cur != nil {
					if closeCur(); err != nil {
						cancel()
						continue
					}
				}
				if cur, err = openPart[T](ctx, pw, l, c.open.dt, c.open.n); err != nil {
					cancel()
					continue
				}
			}
			if len(c.rows) > 0 {
				if _, werr := cur.w.Write(c.rows); werr != nil {
					err = fmt.Errorf("writing %s: %w", cur.path, werr)
					cancel()
					continue
				}
				cur.rows += int64(len(c.rows))
			}
		}
		switch {
		case err != nil && cur != nil:
			cur.abort()
		case err == nil && cur != nil:
			closeCur()
		}
		written <- err
	}()

	// Scan every row into the same values and struct: the setters give
	// each pointer field a new value on every row, so copying the struct
	// into the batch is safe.
	var row T
	rv := reflect.ValueOf(&row).Elem()
	setters := settersOf(rv.Type(), l.columns)
	vals := make([]any, len(setters))
	dests := make([]any, len(setters))
	for i := range vals {
		dests[i] = &vals[i]
	}
	var groupIdx []int
	for _, g := range l.Group {
		groupIdx = append(groupIdx, slices.Index(l.columns, g))
	}
	var (
		batch      = make([]T, 0, 1024)
		open       *fileStart
		parts      = map[string]int{}
		started    bool
		curDT      string
		curGroup   string
		rowsInFile int64
	)
	send := func() error {
		c := chunk{open: open, rows: batch}
		open, batch = nil, make([]T, 0, 1024)
		select {
		case queue <- c:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	readErr := st.ReadRows(ctx, spec, func(scan func(dest ...any) error) error {
		if err := scan(dests...); err != nil {
			return err
		}
		for i, set := range setters {
			if err := set(rv.Field(i), vals[i]); err != nil {
				return err
			}
		}
		// A new file starts only where a group starts; without groups
		// every row is its own group.
		if g := groupKey(rv, groupIdx); !started || len(groupIdx) == 0 || g != curGroup {
			curGroup = g
			dt := rc.dayOf(rv)
			if !started || curDT != dt || rowsInFile >= pw.opt.FileRows {
				if len(batch) > 0 {
					if err := send(); err != nil {
						return err
					}
				}
				open = &fileStart{dt: dt, n: parts[dt]}
				parts[dt]++
				started, curDT, rowsInFile = true, dt, 0
			}
		}
		batch = append(batch, row)
		rowsInFile++
		if len(batch) == cap(batch) {
			return send()
		}
		return nil
	})
	if readErr == nil && (len(batch) > 0 || open != nil) {
		readErr = send()
	}
	close(queue)
	if err := <-written; err != nil {
		return entry, err
	}
	return entry, readErr
}

// groupKey renders the group columns of a row ("" without groups).
func groupKey(rv reflect.Value, idx []int) string {
	if len(idx) == 0 {
		return ""
	}
	var b strings.Builder
	for _, i := range idx {
		fmt.Fprintf(&b, "%v\x00", rv.Field(i).Interface())
	}
	return b.String()
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
