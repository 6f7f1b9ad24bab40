package store

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// TestRowStructsMatchTables checks every row struct against the database
// its migrations build and against docs/schema.md: the same columns in the
// same order, a Go type that holds the DuckDB type, a pointer exactly where
// the column is NULLable, and pointers and only they tagged optional for
// the Parquet layout. Every table the loader takes, and every table of the
// database but gluelens_meta, eni_attribution (derived) and worker_disk
// (reference figures its migration seeds), none of them loaded, has a
// struct.
func TestRowStructsMatchTables(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rows := []Row{(*IngestManifestRow)(nil), (*IngestIssue)(nil)}
	for _, spec := range Tables() {
		rows = append(rows, spec.Row)
	}
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "schema.md"))
	if err != nil {
		t.Fatal(err)
	}
	docColumn := regexp.MustCompile("(?m)^\\| `(\\w+)` \\| ([A-Z]+) \\|")
	covered := map[string]bool{"gluelens_meta": true, "eni_attribution": true, "worker_disk": true}
	for _, r := range rows {
		table := r.Table()
		covered[table] = true
		cols, err := s.Columns(ctx, table)
		if err != nil {
			t.Fatal(err)
		}
		fields := FieldsOf(r)
		if len(fields) != len(cols) {
			t.Errorf("%s: %d fields, %d columns", table, len(fields), len(cols))
			continue
		}
		st := reflect.TypeOf(r).Elem()
		for i, c := range cols {
			f := fields[i]
			if f.Name != c.Name {
				t.Errorf("%s field %d (%s): column %s, the table's is %s", table, i+1, f.GoName, f.Name, c.Name)
			}
			if f.Kind.SQLType() != c.Type {
				t.Errorf("%s.%s: DuckDB %s held in a Go %s field", table, c.Name, c.Type, st.Field(i).Type)
			}
			if f.Nullable != c.Nullable {
				t.Errorf("%s.%s: nullable=%v but Go field %s", table, c.Name, c.Nullable, st.Field(i).Type)
			}
			if f.Nullable != strings.Contains(st.Field(i).Tag.Get("parquet"), ",optional") {
				t.Errorf("%s.%s: pointer fields and only they must be tagged optional", table, c.Name)
			}
		}
		var documented []string
		for _, m := range docColumn.FindAllStringSubmatch(sectionOf(string(doc), table), -1) {
			documented = append(documented, m[1]+" "+m[2])
		}
		var want []string
		for _, f := range fields {
			want = append(want, f.Name+" "+f.Kind.SQLType())
		}
		if !reflect.DeepEqual(documented, want) {
			t.Errorf("docs/schema.md documents %s as\n%v\nits struct holds\n%v", table, documented, want)
		}
	}
	tables, err := Select[struct {
		Name string `db:"table_name"`
	}](ctx, s, `SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND database_name = current_database()`)
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range tables {
		if !covered[tb.Name] {
			t.Errorf("table %s has no row struct", tb.Name)
		}
	}
}

// TestColumnsAddMatchesSetters: a row added whole (Add) is the row the
// typed setters write column by column.
func TestColumnsAddMatchesSetters(t *testing.T) {
	byRow := NewColumnsOf((*SparkTask)(nil), 8)
	bySetter := NewColumnsOf((*SparkTask)(nil), 8)
	for id := int64(0); id < 8; id++ {
		r := testTask("app", id, 1, "h")
		byRow.Add(r)
		fill(t, bySetter, r)
	}
	for i := range 8 {
		if got, want := byRow.Row(i), bySetter.Row(i); !reflect.DeepEqual(got, want) {
			t.Errorf("row %d: Add gives %v, the setters %v", i, got, want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("adding a row of another table did not panic")
		}
	}()
	byRow.Add(&EniEvent{EventID: "e"})
}
