package store

import (
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"unsafe"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/duckdb/duckdb-go/v2/mapping"
)

// The bulk paths (loading a Spark log's tasks, exporting and loading
// evidence packs) move whole DuckDB vectors: they read and write a
// column's memory directly instead of converting value by value through
// database/sql or duckdb-go's per-value setters, which was most of their
// cost. duckdb-go keeps the C handles of a connection and of a vector in
// unexported fields; rawConn and rawVector read them by name and type, so
// a duckdb-go release that renames or retypes them fails here with an
// error (TestScanChunks) rather than misbehaving.

// errRawHandles says the duckdb-go build no longer has the fields read here.
var errRawHandles = errors.New("duckdb-go's connection or vector no longer holds its C handle where gluelens reads it")

var (
	connectionType = reflect.TypeFor[mapping.Connection]()
	vectorType     = reflect.TypeFor[mapping.Vector]()
)

// rawConn calls fn with the C connection under c. fn runs while c is held,
// so nothing else uses the connection meanwhile.
func rawConn(c *sql.Conn, fn func(mapping.Connection) error) error {
	return c.Raw(func(dc any) error {
		v := reflect.ValueOf(dc)
		if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
			return fmt.Errorf("%w: driver connection is a %T", errRawHandles, dc)
		}
		f := v.Elem().FieldByName("conn")
		if !f.IsValid() || f.Type() != connectionType {
			return fmt.Errorf("%w: %T has no conn field of type mapping.Connection", errRawHandles, dc)
		}
		conn := *(*mapping.Connection)(unsafe.Pointer(f.UnsafeAddr()))
		if conn.Ptr == nil {
			return fmt.Errorf("%w: connection is closed", errRawHandles)
		}
		return fn(conn)
	})
}

// rawVector returns the C vector under a duckdb-go vector handle.
func rawVector(vec duckdb.Vector) (mapping.Vector, error) {
	v := reflect.ValueOf(&vec).Elem().FieldByName("v")
	if !v.IsValid() || v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return mapping.Vector{}, fmt.Errorf("%w: no vector behind the handle", errRawHandles)
	}
	f := v.Elem().FieldByName("vec")
	if !f.IsValid() || f.Type() != vectorType {
		return mapping.Vector{}, fmt.Errorf("%w: vector has no vec field of type mapping.Vector", errRawHandles)
	}
	return *(*mapping.Vector)(unsafe.Pointer(f.UnsafeAddr())), nil
}

// duckString is DuckDB's string_t: a length, then either the bytes inline
// (up to 12) or a 4-byte prefix and a pointer to the bytes.
type duckString struct {
	length uint32
	inline [12]byte
}

const duckInlineMax = 12

// bytes returns the bytes of a string_t, borrowed from DuckDB's memory.
func (s *duckString) bytes() []byte {
	n := int(s.length)
	if n <= duckInlineMax {
		return s.inline[:n:n]
	}
	p := *(*unsafe.Pointer)(unsafe.Pointer(&s.inline[4]))
	return unsafe.Slice((*byte)(p), n)
}

// validMask is a DuckDB validity mask: bit r of word r/64 set when row r is
// not NULL; a nil mask means every row is valid.
type validMask []uint64

func (m validMask) valid(r int) bool {
	return m == nil || m[r>>6]&(1<<(uint(r)&63)) != 0
}

// maskOf returns the validity of vec for n rows (nil when all are valid).
func maskOf(vec mapping.Vector, n int) validMask {
	p := mapping.VectorGetValidity(vec)
	if p == nil {
		return nil
	}
	return unsafe.Slice((*uint64)(p), (n+63)/64)
}
