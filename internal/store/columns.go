package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
	"unsafe"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/duckdb/duckdb-go/v2/mapping"
)

// Kind is the Go-side type of a Columns column and the DuckDB type it is
// handed to DuckDB as (DuckDB casts it to the table column's type).
type Kind uint8

// The kinds of column a Columns holds.
const (
	Int64   Kind = iota // BIGINT
	Int32               // INTEGER
	Bool                // BOOLEAN
	Time                // TIMESTAMP, held as microseconds since the epoch, UTC
	String              // VARCHAR
	Float64             // DOUBLE, held as its IEEE 754 bits
)

var kindTypes = [...]duckdb.Type{
	Int64:   duckdb.TYPE_BIGINT,
	Int32:   duckdb.TYPE_INTEGER,
	Bool:    duckdb.TYPE_BOOLEAN,
	Time:    duckdb.TYPE_TIMESTAMP,
	String:  duckdb.TYPE_VARCHAR,
	Float64: duckdb.TYPE_DOUBLE,
}

// Columns holds rows of one table column by column. A decoder that writes
// hundreds of thousands of rows to one table (a Spark log's tasks) fills a
// Columns instead of passing every row as boxed values: filling it
// allocates nothing per value, and DuckDB reads it a whole chunk at a time
// (ObjectWriter.AppendColumns) instead of converting value by value as its
// appender does.
//
// A row is written column by column, in the table's column order, with one
// setter call per column, then ended with EndRow.
type Columns struct {
	table string
	kinds []Kind
	nums  [][]int64  // Int64, Int32, Bool (0/1), Time and Float64 (bits) columns
	strs  [][]string // String columns
	nulls [][]bool
	col   int // next column of the row being written
	rows  int
	rt    *rowType // the row struct, for Add (NewColumnsOf)
}

// NewColumns starts an empty set of rows for table, whose columns have the
// given kinds in order; capacity is the number of rows expected.
func NewColumns(table string, capacity int, kinds ...Kind) *Columns {
	c := &Columns{table: table, kinds: kinds,
		nums: make([][]int64, len(kinds)), strs: make([][]string, len(kinds)), nulls: make([][]bool, len(kinds))}
	for i, k := range kinds {
		if k == String {
			c.strs[i] = make([]string, 0, capacity)
		} else {
			c.nums[i] = make([]int64, 0, capacity)
		}
		c.nulls[i] = make([]bool, 0, capacity)
	}
	return c
}

// FixUTF8 replaces the invalid UTF-8 sequences of every string value with
// U+FFFD in place and returns how many values it changed.
func (c *Columns) FixUTF8() int {
	n := 0
	for _, col := range c.strs {
		for i, v := range col {
			if !utf8.ValidString(v) {
				col[i] = strings.ToValidUTF8(v, "\uFFFD")
				n++
			}
		}
	}
	return n
}

// Table is the table the rows are for.
func (c *Columns) Table() string { return c.table }

// Len is the number of complete rows.
func (c *Columns) Len() int { return c.rows }

func (c *Columns) next(k Kind) int {
	i := c.col
	if i >= len(c.kinds) || c.kinds[i] != k {
		panic(fmt.Sprintf("store: column %d of %s written as kind %d", i+1, c.table, k))
	}
	c.col++
	return i
}

// Int64 sets the next column, an Int64 one, to v.
func (c *Columns) Int64(v int64) {
	i := c.next(Int64)
	c.nums[i] = append(c.nums[i], v)
	c.nulls[i] = append(c.nulls[i], false)
}

// Int32 sets the next column, an Int32 one, to v.
func (c *Columns) Int32(v int32) {
	i := c.next(Int32)
	c.nums[i] = append(c.nums[i], int64(v))
	c.nulls[i] = append(c.nulls[i], false)
}

// Bool sets the next column, a Bool one, to v.
func (c *Columns) Bool(v bool) {
	i := c.next(Bool)
	var n int64
	if v {
		n = 1
	}
	c.nums[i] = append(c.nums[i], n)
	c.nulls[i] = append(c.nulls[i], false)
}

// TimeMicros sets the next column, a Time one, to us microseconds since
// the epoch (UTC).
func (c *Columns) TimeMicros(us int64) {
	i := c.next(Time)
	c.nums[i] = append(c.nums[i], us)
	c.nulls[i] = append(c.nulls[i], false)
}

// Float64 sets the next column, a Float64 one, to v.
func (c *Columns) Float64(v float64) {
	i := c.next(Float64)
	c.nums[i] = append(c.nums[i], int64(math.Float64bits(v)))
	c.nulls[i] = append(c.nulls[i], false)
}

// String sets the next column, a String one, to s.
func (c *Columns) String(s string) {
	i := c.next(String)
	c.strs[i] = append(c.strs[i], s)
	c.nulls[i] = append(c.nulls[i], false)
}

// Null sets the next column to NULL.
func (c *Columns) Null() {
	i := c.col
	if i >= len(c.kinds) {
		panic(fmt.Sprintf("store: more than %d columns written to %s", len(c.kinds), c.table))
	}
	c.col++
	if c.kinds[i] == String {
		c.strs[i] = append(c.strs[i], "")
	} else {
		c.nums[i] = append(c.nums[i], 0)
	}
	c.nulls[i] = append(c.nulls[i], true)
}

// EndRow completes the row whose columns were all set.
func (c *Columns) EndRow() {
	if c.col != len(c.kinds) {
		panic(fmt.Sprintf("store: row %d of %s ended after %d of %d columns", c.rows+1, c.table, c.col, len(c.kinds)))
	}
	c.col = 0
	c.rows++
}

// Value returns column col of row r as the boxed value a row-by-row Append
// takes (nil for NULL; int64, int32, bool, time.Time, string or float64).
func (c *Columns) Value(r, col int) any {
	if c.nulls[col][r] {
		return nil
	}
	switch c.kinds[col] {
	case Int32:
		return int32(c.nums[col][r])
	case Bool:
		return c.nums[col][r] != 0
	case Time:
		return time.UnixMicro(c.nums[col][r]).UTC()
	case String:
		return c.strs[col][r]
	case Float64:
		return math.Float64frombits(uint64(c.nums[col][r]))
	default:
		return c.nums[col][r]
	}
}

// allEqual reports whether column col holds v in every row.
func (c *Columns) allEqual(col int, v any) bool {
	if s, ok := v.(string); ok && c.kinds[col] == String {
		for r, x := range c.strs[col][:c.rows] {
			if c.nulls[col][r] || x != s {
				return false
			}
		}
		return true
	}
	for r := range c.rows {
		if !samePartition(v, c.Value(r, col)) {
			return false
		}
	}
	return true
}

// Row returns row r as boxed values, for sinks that take rows one by one.
func (c *Columns) Row(r int) []any {
	out := make([]any, len(c.kinds))
	for col := range c.kinds {
		out[col] = c.Value(r, col)
	}
	return out
}

// The table function through which Columns reach DuckDB:
// INSERT INTO t SELECT * FROM gluelens_rows(handle). Its argument is the
// handle under which the Columns wait in columnsByID for that statement.
const rowsFunction = "gluelens_rows"

var (
	columnsMu   sync.Mutex
	columnsByID = map[int64]*Columns{}
	columnsNext atomic.Int64
)

var rowsFunctionDef = duckdb.ChunkTableFunction{
	Config: duckdb.TableFunctionConfig{Arguments: []duckdb.TypeInfo{mustTypeInfo(duckdb.TYPE_BIGINT)}},
	BindArguments: func(_ map[string]any, args ...any) (duckdb.ChunkTableSource, error) {
		id, _ := args[0].(int64)
		columnsMu.Lock()
		c := columnsByID[id]
		columnsMu.Unlock()
		if c == nil {
			return nil, fmt.Errorf("%s: no rows wait under handle %d", rowsFunction, id)
		}
		return &columnsSource{c: c}, nil
	},
}

func mustTypeInfo(t duckdb.Type) duckdb.TypeInfo {
	ti, err := duckdb.NewTypeInfo(t)
	if err != nil {
		panic(err)
	}
	return ti
}

// registerRowsFunction makes gluelens_rows known to the database of conn.
// Each loader registers it again; DuckDB takes the same definition again
// without complaint.
func registerRowsFunction(conn *sql.Conn) error {
	return duckdb.RegisterTableUDF(conn, rowsFunction, rowsFunctionDef)
}

// insertColumns runs INSERT INTO target SELECT * [, extra] FROM the rows of c.
func (l *Loader) insertColumns(ctx context.Context, target, extra string, c *Columns) error {
	id := columnsNext.Add(1)
	columnsMu.Lock()
	columnsByID[id] = c
	columnsMu.Unlock()
	defer func() {
		columnsMu.Lock()
		delete(columnsByID, id)
		columnsMu.Unlock()
	}()
	q := fmt.Sprintf("INSERT INTO %s SELECT *%s FROM %s(%d)", target, extra, rowsFunction, id)
	if _, err := l.conn.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("inserting %d rows into %s: %w", c.rows, target, err)
	}
	return nil
}

// columnsSource hands a Columns to DuckDB a chunk at a time.
type columnsSource struct {
	c   *Columns
	row int
}

func (s *columnsSource) ColumnInfos() []duckdb.ColumnInfo {
	out := make([]duckdb.ColumnInfo, len(s.c.kinds))
	for i, k := range s.c.kinds {
		out[i] = duckdb.ColumnInfo{Name: fmt.Sprintf("c%d", i), T: mustTypeInfo(kindTypes[k])}
	}
	return out
}

func (s *columnsSource) Cardinality() *duckdb.CardinalityInfo {
	return &duckdb.CardinalityInfo{Cardinality: uint(s.c.rows), Exact: true}
}

func (s *columnsSource) Init() {}

// FillChunk writes the next rows into DuckDB's vectors in place: numbers,
// booleans and timestamps as their memory, strings of up to 12 bytes inline
// and longer ones by one call each that copies them into the vector, and
// NULLs as validity bits.
func (s *columnsSource) FillChunk(chunk duckdb.DataChunk) error {
	c := s.c
	n := min(duckdb.GetDataChunkCapacity(), c.rows-s.row)
	for col, k := range c.kinds {
		v, err := chunk.GetVector(col)
		if err != nil {
			return fmt.Errorf("column %d of %s: %w", col+1, c.table, err)
		}
		vec, err := rawVector(v)
		if err != nil {
			return fmt.Errorf("column %d of %s: %w", col+1, c.table, err)
		}
		nulls := c.nulls[col][s.row : s.row+n]
		setValidity(vec, nulls)
		data := mapping.VectorGetData(vec)
		switch k {
		case String:
			dst := unsafe.Slice((*duckString)(data), n)
			for i, v := range c.strs[col][s.row : s.row+n] {
				switch {
				case nulls[i]:
				case len(v) <= duckInlineMax:
					dst[i] = duckString{length: uint32(len(v))}
					copy(dst[i].inline[:], v)
				default:
					mapping.VectorAssignStringElement(vec, mapping.IdxT(i), v)
				}
			}
		case Int64, Time, Float64: // Float64 columns hold the bits
			copy(unsafe.Slice((*int64)(data), n), c.nums[col][s.row:s.row+n])
		case Int32:
			dst := unsafe.Slice((*int32)(data), n)
			for i, v := range c.nums[col][s.row : s.row+n] {
				dst[i] = int32(v)
			}
		case Bool:
			dst := unsafe.Slice((*byte)(data), n)
			for i, v := range c.nums[col][s.row : s.row+n] {
				dst[i] = byte(v)
			}
		}
	}
	s.row += n
	return chunk.SetSize(n)
}

// setValidity sets the validity bits of a vector's first len(nulls) rows.
func setValidity(vec mapping.Vector, nulls []bool) {
	if !slices.Contains(nulls, true) {
		if p := mapping.VectorGetValidity(vec); p != nil {
			m := unsafe.Slice((*uint64)(p), (len(nulls)+63)/64)
			for i := range m {
				m[i] = ^uint64(0)
			}
		}
		return
	}
	mapping.VectorEnsureValidityWritable(vec)
	m := unsafe.Slice((*uint64)(mapping.VectorGetValidity(vec)), (len(nulls)+63)/64)
	for i := range m {
		m[i] = ^uint64(0)
	}
	for i, null := range nulls {
		if null {
			m[i>>6] &^= 1 << (uint(i) & 63)
		}
	}
}
