package store

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestSchemaDoc keeps docs/schema.md equal to what the .sql files say, and
// checks that every table, view and table column of a fresh database is
// documented.
func TestSchemaDoc(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := SchemaMarkdown(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	docPath := filepath.Join("..", "..", "docs", "schema.md")
	if *update {
		if err := os.WriteFile(docPath, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != got {
		t.Errorf("docs/schema.md is stale: run go test ./internal/store -run TestSchemaDoc -update")
	}
	rows, err := s.DB().Query(`SELECT table_name, column_name, (SELECT count(*) FROM duckdb_views() v WHERE v.view_name = c.table_name AND v.schema_name = 'main') > 0
		FROM duckdb_columns() c WHERE schema_name = 'main' AND table_name <> 'gluelens_meta' AND database_name = current_database()`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, col string
		var isView bool
		if err := rows.Scan(&table, &col, &isView); err != nil {
			t.Fatal(err)
		}
		sec := sectionOf(got, table)
		if sec == "" {
			t.Errorf("%s is not documented", table)
			continue
		}
		if !strings.Contains(sec, "| `"+col+"` |") {
			t.Errorf("%s.%s is not documented", table, col)
		}
		if !isView && strings.Contains(sec, "| `"+col+"` | ") && strings.Contains(sec, "| `"+col+"` | "+"") {
			line := lineOf(sec, "| `"+col+"` |")
			if strings.HasSuffix(strings.TrimSpace(line), "|  |") || strings.HasSuffix(strings.TrimSpace(line), "| |") {
				t.Errorf("table column %s.%s has no comment in its .sql file", table, col)
			}
		}
	}
}

func sectionOf(doc, name string) string {
	i := strings.Index(doc, "\n### "+name+"\n")
	if i < 0 {
		return ""
	}
	rest := doc[i+1:]
	if j := strings.Index(rest[4:], "\n### "); j >= 0 {
		return rest[:j+4]
	}
	return rest
}

func lineOf(s, prefix string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}
