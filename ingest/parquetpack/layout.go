package parquetpack

import (
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

// columnsOf describes the columns of a table's files for the pack
// manifest: the Parquet types DuckDB's writer gives the types the export
// selects (exportTypes). Every column is optional (DuckDB writes no
// required columns) and DuckDB picks each column chunk's encoding
// (dictionary for few distinct values), so no encoding is listed.
func columnsOf(l *layout) []ColumnEntry {
	out := make([]ColumnEntry, len(l.tableColumns))
	for i, f := range l.tableColumns {
		c := ColumnEntry{Name: f.Name, Optional: true}
		switch f.Kind {
		case store.String:
			c.ParquetType, c.LogicalType = "BYTE_ARRAY", "STRING"
		case store.Int32:
			c.ParquetType, c.LogicalType = "INT32", "INT(32,true)"
		case store.Int64:
			c.ParquetType, c.LogicalType = "INT64", "INT(64,true)"
		case store.Time:
			c.ParquetType, c.LogicalType = "INT64", "TIMESTAMP(isAdjustedToUTC=true,unit=MICROS)"
		case store.Bool:
			c.ParquetType = "BOOLEAN"
		case store.Float64:
			c.ParquetType = "DOUBLE"
		}
		out[i] = c
	}
	return out
}

// exportTypes is what the export selects each column as (store.ReadSpec.As):
// the type of its row struct field, times as UTC instants so Parquet marks
// them isAdjustedToUTC.
func exportTypes(l *layout) []string {
	out := make([]string, len(l.tableColumns))
	for i, f := range l.tableColumns {
		out[i] = f.Kind.SQLType()
		if f.Kind == store.Time {
			out[i] = "TIMESTAMPTZ"
		}
	}
	return out
}
