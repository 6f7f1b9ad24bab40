package store

import (
	"context"
	"fmt"
	"math"
	"time"
	"unsafe"

	bindings "github.com/duckdb/duckdb-go-bindings"
	"github.com/duckdb/duckdb-go/v2/mapping"
)

// Chunk is a batch of up to 2,048 result rows (DuckDB's vector size) read
// column by column straight from DuckDB's vectors (ScanChunks). Its values
// are borrowed: they are valid until the function given the chunk returns
// unless Keep was called, and then until Release.
type Chunk struct {
	chunk mapping.DataChunk
	n     int
	cols  []chunkColumn
}

type chunkColumn struct {
	kind Kind
	data unsafe.Pointer
	mask validMask
}

// Len is the number of rows.
func (c *Chunk) Len() int { return c.n }

// Kind is the kind of column col (its DuckDB type, as Columns name it).
func (c *Chunk) Kind(col int) Kind { return c.cols[col].kind }

// Null reports whether column col of row r is NULL.
func (c *Chunk) Null(col, r int) bool { return !c.cols[col].mask.valid(r) }

// Int64 returns an Int64, Int32 or Time column's value (microseconds since
// the epoch for Time).
func (c *Chunk) Int64(col, r int) int64 {
	k := &c.cols[col]
	if k.kind == Int32 {
		return int64(*(*int32)(unsafe.Add(k.data, 4*r)))
	}
	return *(*int64)(unsafe.Add(k.data, 8*r))
}

// Int32 returns an Int32 column's value.
func (c *Chunk) Int32(col, r int) int32 {
	return *(*int32)(unsafe.Add(c.cols[col].data, 4*r))
}

// Bool returns a Bool column's value.
func (c *Chunk) Bool(col, r int) bool {
	return *(*byte)(unsafe.Add(c.cols[col].data, r)) != 0
}

// Float64 returns a Float64 column's value.
func (c *Chunk) Float64(col, r int) float64 {
	return math.Float64frombits(*(*uint64)(unsafe.Add(c.cols[col].data, 8*r)))
}

// Bytes returns a String column's value, borrowed from DuckDB's memory.
func (c *Chunk) Bytes(col, r int) []byte {
	return (*duckString)(unsafe.Add(c.cols[col].data, 16*r)).bytes()
}

// Release frees the chunk. ScanChunks releases every chunk its function
// did not Keep.
func (c *Chunk) Release() {
	if c.chunk.Ptr != nil {
		mapping.DestroyDataChunk(&c.chunk)
	}
	c.cols, c.n = nil, 0
}

// ScanChunks runs the SELECT spec describes (as ReadRows does) and calls fn
// with its result a chunk at a time. fn may keep a chunk past its return
// (to hand it to another goroutine) by returning keep = true; the chunk must
// then be released with Release. Columns of other types than the Kinds
// (BIGINT, INTEGER, BOOLEAN, TIMESTAMP, VARCHAR, DOUBLE) are an error.
func (s *Store) ScanChunks(ctx context.Context, spec ReadSpec, fn func(c *Chunk) (keep bool, err error)) error {
	q, err := s.readQuery(ctx, spec)
	if err != nil {
		return err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("reading %s: %w", spec.Table, err)
	}
	defer conn.Close()
	err = rawConn(conn, func(raw mapping.Connection) error {
		var res mapping.Result
		if err := execRaw(raw, q, spec.Args, &res); err != nil {
			return err
		}
		defer mapping.DestroyResult(&res)
		n := int(mapping.ColumnCount(&res))
		kinds := make([]Kind, n)
		for i := range kinds {
			k, ok := kindOfType(mapping.ColumnType(&res, mapping.IdxT(i)))
			if !ok {
				return fmt.Errorf("column %s: type %d is not one gluelens reads in bulk", mapping.ColumnName(&res, mapping.IdxT(i)), mapping.ColumnType(&res, mapping.IdxT(i)))
			}
			kinds[i] = k
		}
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			dc := mapping.FetchChunk(res)
			if dc.Ptr == nil {
				return nil
			}
			c := &Chunk{chunk: dc, n: int(mapping.DataChunkGetSize(dc)), cols: make([]chunkColumn, n)}
			if c.n == 0 {
				c.Release()
				return nil
			}
			for i := range c.cols {
				vec := mapping.DataChunkGetVector(dc, mapping.IdxT(i))
				c.cols[i] = chunkColumn{kind: kinds[i], data: mapping.VectorGetData(vec), mask: maskOf(vec, c.n)}
			}
			keep, err := fn(c)
			if !keep {
				c.Release()
			}
			if err != nil {
				return err
			}
		}
	})
	if err != nil {
		return fmt.Errorf("reading %s: %w", spec.Table, err)
	}
	return nil
}

// kindOfType maps a DuckDB result type to the Kind that holds it.
func kindOfType(t mapping.Type) (Kind, bool) {
	switch t {
	case mapping.TypeBigInt:
		return Int64, true
	case mapping.TypeInteger:
		return Int32, true
	case mapping.TypeBoolean:
		return Bool, true
	case mapping.TypeTimestamp:
		return Time, true
	case mapping.TypeVarchar:
		return String, true
	case mapping.TypeDouble:
		return Float64, true
	}
	return 0, false
}

// execRaw prepares q on a C connection, binds args (time.Time, string,
// int64, int32, bool, float64 or nil) and executes it into res, which the
// caller destroys.
func execRaw(conn mapping.Connection, q string, args []any, res *mapping.Result) error {
	var stmt mapping.PreparedStatement
	if mapping.Prepare(conn, q, &stmt) == mapping.StateError {
		err := fmt.Errorf("%s", mapping.PrepareError(stmt))
		mapping.DestroyPrepare(&stmt)
		return err
	}
	defer mapping.DestroyPrepare(&stmt)
	for i, a := range args {
		idx := mapping.IdxT(i + 1)
		var st mapping.State
		switch v := a.(type) {
		case nil:
			st = mapping.BindNull(stmt, idx)
		case time.Time:
			st = mapping.BindTimestamp(stmt, idx, mapping.NewTimestamp(v.UnixMicro()))
		case string:
			st = mapping.BindVarcharLength(stmt, idx, v, mapping.IdxT(len(v)))
		case int64:
			st = mapping.BindInt64(stmt, idx, v)
		case int32:
			st = mapping.BindInt32(stmt, idx, v)
		case bool:
			st = mapping.BindBoolean(stmt, idx, v)
		case float64:
			st = mapping.BindDouble(stmt, idx, v)
		default:
			return fmt.Errorf("parameter %d: %T is not bound by the bulk reader", i+1, a)
		}
		if st == mapping.StateError {
			return fmt.Errorf("binding parameter %d: %s", i+1, mapping.PrepareError(stmt))
		}
	}
	var pending mapping.PendingResult
	if bindings.PendingPreparedStreaming(stmt, &pending) == mapping.StateError { //nolint:staticcheck // the one way to stream through the C API
		err := fmt.Errorf("%s", mapping.PendingError(pending))
		mapping.DestroyPending(&pending)
		return err
	}
	defer mapping.DestroyPending(&pending)
	if mapping.ExecutePending(pending, res) == mapping.StateError {
		err := fmt.Errorf("%s", mapping.ResultError(res))
		mapping.DestroyResult(res)
		return err
	}
	return nil
}
