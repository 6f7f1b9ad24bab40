package parquetpack

import (
	"fmt"
	"io"
	"math"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/internal/store"
)

// loadBatch is the number of rows handed to the sink at a time.
const loadBatch = 8192

// A NULL or absent value of a column that is not NULLable (store.Field)
// loads as the zero value, as it would into the row struct.

// conversion says how a value of a file column becomes a table column's.
type conversion uint8

const (
	convAbsent    conversion = iota // the file has no such column: NULL or zero
	convString                      // BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY → String
	convInt64                       // INT64 → Int64
	convInt32To64                   // INT32 → Int64
	convInt32                       // INT32 → Int32
	convInt64To32                   // INT64 → Int32, checked for range
	convBool                        // BOOLEAN → Bool
	convDouble                      // DOUBLE → Float64
	convFloat                       // FLOAT → Float64
	convTimestamp                   // INT64 TIMESTAMP → Time, scaled to microseconds
)

// columnSource ties a table column to the file column it loads from.
type columnSource struct {
	store.Field
	conv  conversion
	leaf  int   // file leaf column index; -1 when absent
	scale int64 // convTimestamp: multiply (> 0) or divide (< 0) by this to get microseconds
	// strings interns the values of a String column, so that a column of
	// few distinct values (a region, an event name) allocates each once;
	// nil once it held maxInterned values (an id column).
	strings map[string]string
}

// maxInterned bounds the values one column interns.
const maxInterned = 4096

// str returns b as a string, interned while the column has few values.
func (s *columnSource) str(b []byte) string {
	if s.strings == nil {
		return string(b)
	}
	if v, ok := s.strings[string(b)]; ok {
		return v
	}
	v := string(b)
	if len(s.strings) < maxInterned {
		s.strings[v] = v
	} else {
		s.strings = nil
	}
	return v
}

// sourcesOf matches the table's columns with the file's by name and picks
// each conversion, failing for a file column whose type cannot hold the
// table column's values.
func sourcesOf(f *parquet.File, l *layout) ([]columnSource, error) {
	out := make([]columnSource, len(l.tableColumns))
	for i, tc := range l.tableColumns {
		s := columnSource{Field: tc, leaf: -1}
		leaf, ok := f.Schema().Lookup(tc.Name)
		if !ok {
			out[i] = s
			continue
		}
		if leaf.MaxRepetitionLevel > 0 {
			return nil, fmt.Errorf("reading parquet: column %q of %s is repeated: not a gluelens evidence-pack file", tc.Name, l.Table)
		}
		s.leaf = leaf.ColumnIndex
		t := leaf.Node.Type()
		phys := t.Kind()
		bad := func() error {
			return fmt.Errorf("reading parquet: column %q of %s is %s, which does not load into a %s column", tc.Name, l.Table, typeName(t), tc.Kind.SQLType())
		}
		switch tc.Kind {
		case store.String:
			if phys != parquet.ByteArray && phys != parquet.FixedLenByteArray {
				return nil, bad()
			}
			s.conv = convString
			s.strings = map[string]string{}
		case store.Int64, store.Int32:
			switch {
			case isTimestamp(t):
				return nil, bad()
			case phys == parquet.Int64 && tc.Kind == store.Int64:
				s.conv = convInt64
			case phys == parquet.Int32 && tc.Kind == store.Int64:
				s.conv = convInt32To64
			case phys == parquet.Int32:
				s.conv = convInt32
			case phys == parquet.Int64:
				s.conv = convInt64To32
			default:
				return nil, bad()
			}
		case store.Bool:
			if phys != parquet.Boolean {
				return nil, bad()
			}
			s.conv = convBool
		case store.Float64:
			switch phys {
			case parquet.Double:
				s.conv = convDouble
			case parquet.Float:
				s.conv = convFloat
			default:
				return nil, bad()
			}
		case store.Time:
			if phys != parquet.Int64 || !isTimestamp(t) {
				return nil, bad()
			}
			s.conv = convTimestamp
			switch unit := timestampOf(t).Unit.Value.Duration(); {
			case unit >= time.Microsecond:
				s.scale = int64(unit / time.Microsecond)
			case unit > 0:
				s.scale = -int64(time.Microsecond / unit)
			default:
				return nil, bad()
			}
		}
		out[i] = s
	}
	return out, nil
}

// timestampOf returns t's TIMESTAMP logical type, or nil.
func timestampOf(t parquet.Type) *format.TimestampType {
	if lt := t.LogicalType(); lt != nil {
		if ts, ok := lt.Value.(*format.TimestampType); ok && ts.Unit.Value != nil {
			return ts
		}
	}
	return nil
}

func isTimestamp(t parquet.Type) bool { return timestampOf(t) != nil }

func typeName(t parquet.Type) string {
	if lt := t.LogicalType(); lt != nil {
		return t.Kind().String() + " " + lt.String()
	}
	return t.Kind().String()
}

// duckFile describes how DuckDB's reader loads a pack file into its table
// (store.ParquetFile, without the path), or says it cannot (ok false):
// when a column needs a conversion whose rules and errors are parquet-go
// path's (a wider integer, FLOAT, a non-microsecond time) or a NOT NULL
// column is absent.
func duckFile(f *parquet.File, l *layout) (store.ParquetFile, bool, error) {
	sources, err := sourcesOf(f, l)
	if err != nil {
		return store.ParquetFile{}, false, err
	}
	pf := store.ParquetFile{Table: l.Table, From: make([]string, len(sources)), UTC: make([]bool, len(sources)), Layout: f.Schema().String()}
	for i, s := range sources {
		switch s.conv {
		case convAbsent:
			if !s.Nullable {
				return pf, false, nil
			}
			continue
		case convString, convInt64, convInt32To64, convInt32, convBool, convDouble:
		case convTimestamp:
			if s.scale != 1 {
				return pf, false, nil
			}
			leaf, _ := f.Schema().Lookup(s.Name)
			pf.UTC[i] = timestampOf(leaf.Node.Type()).IsAdjustedToUTC
		default:
			return pf, false, nil
		}
		pf.From[i] = s.Name
	}
	return pf, true, nil
}

// loadTable reads every row group of one pack file, row by row through
// parquet-go's untyped row reader, into store.Columns batches for the
// sink: no reflection and no boxed value per column.
func loadTable(f *parquet.File, l *layout, out ingest.Sink) (int64, error) {
	sources, err := sourcesOf(f, l)
	if err != nil {
		return 0, err
	}
	kinds := make([]store.Kind, len(sources))
	for i, s := range sources {
		kinds[i] = s.Kind
	}
	leaves := len(f.Schema().Columns())
	vals := make([]parquet.Value, leaves) // the current row's values by leaf column
	buf := make([]parquet.Row, 256)
	var n, start int64 // rows read; first row of the batch being filled
	c := store.NewColumns(l.Table, loadBatch, kinds...)
	flush := func() error {
		if c.Len() == 0 {
			return nil
		}
		if err := out.AppendColumns(c); err != nil {
			return fmt.Errorf("loading rows %d to %d: %w", start, n-1, err)
		}
		start = n
		c = store.NewColumns(l.Table, loadBatch, kinds...)
		return nil
	}
	for _, rg := range f.RowGroups() {
		rows := rg.Rows()
		for {
			k, rerr := rows.ReadRows(buf)
			for _, row := range buf[:k] {
				clear(vals)
				for _, v := range row {
					if col := v.Column(); col >= 0 && col < leaves {
						vals[col] = v
					}
				}
				for i := range sources {
					if err := sources[i].set(c, vals); err != nil {
						rows.Close()
						return n, fmt.Errorf("reading row %d: %w", n, err)
					}
				}
				c.EndRow()
				n++
				if c.Len() == loadBatch {
					if err := flush(); err != nil {
						rows.Close()
						return n, err
					}
				}
			}
			if rerr == io.EOF {
				break
			}
			if rerr != nil {
				rows.Close()
				return n, fmt.Errorf("reading row %d: %w", n, rerr)
			}
		}
		if err := rows.Close(); err != nil {
			return n, fmt.Errorf("reading row %d: %w", n, err)
		}
	}
	return n, flush()
}

// set writes the column's value of the current row (vals, by leaf column)
// as c's next column.
func (s *columnSource) set(c *store.Columns, vals []parquet.Value) error {
	var v parquet.Value
	if s.leaf >= 0 {
		v = vals[s.leaf]
	}
	if s.conv == convAbsent || v.IsNull() {
		if s.Nullable {
			c.Null()
			return nil
		}
		setZero(c, s.Kind)
		return nil
	}
	switch s.conv {
	case convString:
		c.String(s.str(v.ByteArray()))
	case convInt64:
		c.Int64(v.Int64())
	case convInt32To64:
		c.Int64(int64(v.Int32()))
	case convInt32:
		c.Int32(v.Int32())
	case convInt64To32:
		x := v.Int64()
		if x < math.MinInt32 || x > math.MaxInt32 {
			return fmt.Errorf("column %q: %d does not fit an INTEGER", s.Name, x)
		}
		c.Int32(int32(x))
	case convBool:
		c.Bool(v.Boolean())
	case convDouble:
		c.Float64(v.Double())
	case convFloat:
		c.Float64(float64(v.Float()))
	case convTimestamp:
		x := v.Int64()
		if s.scale > 0 {
			if x > math.MaxInt64/s.scale || x < math.MinInt64/s.scale {
				return fmt.Errorf("column %q: timestamp %d is out of range", s.Name, x)
			}
			c.TimeMicros(x * s.scale)
		} else {
			c.TimeMicros(floorDiv(x, -s.scale))
		}
	}
	return nil
}

// setZero writes the zero value of a column that is not NULLable, as a
// row struct would hold it.
func setZero(c *store.Columns, k store.Kind) {
	switch k {
	case store.String:
		c.String("")
	case store.Int64:
		c.Int64(0)
	case store.Int32:
		c.Int32(0)
	case store.Bool:
		c.Bool(false)
	case store.Float64:
		c.Float64(0)
	case store.Time:
		c.TimeMicros(time.Time{}.UnixMicro())
	}
}

// floorDiv divides rounding toward negative infinity, so a nanosecond
// timestamp before 1970 truncates to the microsecond that holds it.
func floorDiv(x, d int64) int64 {
	q := x / d
	if (x%d != 0) && ((x < 0) != (d < 0)) {
		q--
	}
	return q
}
