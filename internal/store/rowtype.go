package store

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"
)

// Row is a row of one evidence table: a pointer to one of the structs of
// rows.go. Its fields are the table's columns in order, so a row is built
// by naming fields, never by position.
type Row interface {
	// Table names the row's table.
	Table() string
}

// Field is one column of a table as its row struct holds it.
type Field struct {
	Name     string // the column (the parquet tag's first element)
	Kind     Kind   // how Go holds it
	Nullable bool   // a pointer field: nil is NULL
	GoName   string // the struct field
	offset   uintptr
}

// rowType is a row struct's columns, derived once by reflection.
type rowType struct {
	table  string
	fields []Field
}

var (
	rowTypes sync.Map // table name → *rowType
	timeType = reflect.TypeFor[time.Time]()
)

// rowTypeOf returns the columns of r's struct.
func rowTypeOf(r Row) *rowType {
	name := r.Table()
	if t, ok := rowTypes.Load(name); ok {
		return t.(*rowType)
	}
	rt := reflect.TypeOf(r)
	if rt.Kind() != reflect.Pointer || rt.Elem().Kind() != reflect.Struct {
		panic(fmt.Sprintf("store: a row of %s is a %s, not a pointer to a struct", name, rt))
	}
	t := &rowType{table: name, fields: fieldsOf(rt.Elem())}
	rowTypes.Store(name, t)
	return t
}

// fieldsOf derives the columns of a row struct from its fields and tags.
func fieldsOf(st reflect.Type) []Field {
	out := make([]Field, st.NumField())
	for i := range out {
		sf := st.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("parquet"), ",")
		if name == "" {
			panic("store: field " + sf.Name + " of " + st.Name() + " has no column name in its parquet tag")
		}
		f := Field{Name: name, GoName: sf.Name, offset: sf.Offset}
		ft := sf.Type
		if ft.Kind() == reflect.Pointer {
			f.Nullable, ft = true, ft.Elem()
		}
		switch {
		case ft == timeType:
			f.Kind = Time
		case ft.Kind() == reflect.String:
			f.Kind = String
		case ft.Kind() == reflect.Int64:
			f.Kind = Int64
		case ft.Kind() == reflect.Int32:
			f.Kind = Int32
		case ft.Kind() == reflect.Bool:
			f.Kind = Bool
		case ft.Kind() == reflect.Float64:
			f.Kind = Float64
		default:
			panic("store: field " + sf.Name + " of " + st.Name() + " has a type no column holds: " + sf.Type.String())
		}
		out[i] = f
	}
	return out
}

// FieldsOf lists the columns of r's table, in order, as its struct holds
// them (r may be a nil pointer: (*SparkTask)(nil)).
func FieldsOf(r Row) []Field { return rowTypeOf(r).fields }

// kinds lists the kinds of the columns.
func (t *rowType) kinds() []Kind {
	out := make([]Kind, len(t.fields))
	for i, f := range t.fields {
		out[i] = f.Kind
	}
	return out
}

// rowPointer is the address of the struct r points to.
func rowPointer(r Row) unsafe.Pointer {
	// An interface holding a pointer holds the pointer itself as its data word.
	return (*[2]unsafe.Pointer)(unsafe.Pointer(&r))[1]
}

// at returns the address of f's value in the struct at p, or nil for
// a NULL (a nil pointer field).
func (f *Field) at(p unsafe.Pointer) unsafe.Pointer {
	q := unsafe.Add(p, f.offset)
	if f.Nullable {
		return *(*unsafe.Pointer)(q)
	}
	return q
}

// values appends the fields of r as the boxed values the appender takes
// (nil for NULL; string, int64, int32, bool, time.Time or float64).
func (t *rowType) values(r Row, dst []any) []any {
	p := rowPointer(r)
	for i := range t.fields {
		f := &t.fields[i]
		q := f.at(p)
		if q == nil {
			dst = append(dst, nil)
			continue
		}
		switch f.Kind {
		case String:
			dst = append(dst, *(*string)(q))
		case Int64:
			dst = append(dst, *(*int64)(q))
		case Int32:
			dst = append(dst, *(*int32)(q))
		case Bool:
			dst = append(dst, *(*bool)(q))
		case Time:
			dst = append(dst, (*time.Time)(q).UTC())
		case Float64:
			dst = append(dst, *(*float64)(q))
		}
	}
	return dst
}

// Values returns r's columns in order as boxed values (nil for NULL), as
// Columns.Row does for a columnar row: for sinks that keep rows generically
// (tests).
func Values(r Row) []any {
	t := rowTypeOf(r)
	return t.values(r, make([]any, 0, len(t.fields)))
}

// FixUTF8 replaces the invalid UTF-8 sequences of r's string fields with
// U+FFFD in place and returns how many fields it changed.
func FixUTF8(r Row) int {
	t := rowTypeOf(r)
	p := rowPointer(r)
	n := 0
	for i := range t.fields {
		f := &t.fields[i]
		if f.Kind != String {
			continue
		}
		if q := f.at(p); q != nil {
			s := (*string)(q)
			if !utf8.ValidString(*s) {
				*s = strings.ToValidUTF8(*s, "\uFFFD")
				n++
			}
		}
	}
	return n
}

// NewColumnsOf starts an empty set of rows for the table of r (a nil
// pointer will do: (*SparkTask)(nil)), whose kinds come from its struct.
// Fill it with Add.
func NewColumnsOf(r Row, capacity int) *Columns {
	t := rowTypeOf(r)
	c := NewColumns(t.table, capacity, t.kinds()...)
	c.rt = t
	return c
}

// Add copies r, a row of the Columns' table, in as one row. The Columns do
// not keep r: the caller may reuse it (and what its pointer fields point
// to) once Add returns.
func (c *Columns) Add(r Row) {
	t := c.rt
	if t == nil || r.Table() != c.table {
		panic(fmt.Sprintf("store: a row of %s added to columns of %s", r.Table(), c.table))
	}
	if c.col != 0 {
		panic(fmt.Sprintf("store: row %d of %s added while another is being written", c.rows+1, c.table))
	}
	p := rowPointer(r)
	for i := range t.fields {
		f := &t.fields[i]
		q := f.at(p)
		if q == nil {
			if f.Kind == String {
				c.strs[i] = append(c.strs[i], "")
			} else {
				c.nums[i] = append(c.nums[i], 0)
			}
			c.nulls[i] = append(c.nulls[i], true)
			continue
		}
		switch f.Kind {
		case String:
			c.strs[i] = append(c.strs[i], *(*string)(q))
		case Int64:
			c.nums[i] = append(c.nums[i], *(*int64)(q))
		case Int32:
			c.nums[i] = append(c.nums[i], int64(*(*int32)(q)))
		case Bool:
			var b int64
			if *(*bool)(q) {
				b = 1
			}
			c.nums[i] = append(c.nums[i], b)
		case Time:
			c.nums[i] = append(c.nums[i], (*time.Time)(q).UnixMicro())
		case Float64:
			c.nums[i] = append(c.nums[i], int64(math.Float64bits(*(*float64)(q))))
		}
		c.nulls[i] = append(c.nulls[i], false)
	}
	c.rows++
}

// SQLType is the DuckDB type of a kind of column.
func (k Kind) SQLType() string {
	if int(k) < len(kindSQLTypes) {
		return kindSQLTypes[k]
	}
	return fmt.Sprintf("kind %d", k)
}

var kindSQLTypes = [...]string{Int64: "BIGINT", Int32: "INTEGER", Bool: "BOOLEAN", Time: "TIMESTAMP", String: "VARCHAR", Float64: "DOUBLE"}

// Ptr returns a pointer to v: a known value of a NULLable column.
func Ptr[T any](v T) *T { return &v }

// OptString returns a pointer to s, or nil (NULL) for "".
func OptString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// OptTime returns a pointer to t in UTC, or nil (NULL) for the zero time.
func OptTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}
