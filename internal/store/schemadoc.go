package store

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
)

// docBlock is what the .sql files say about one table, view or macro.
type docBlock struct {
	name    string
	file    string
	prose   []string          // the comment lines before CREATE
	columns map[string]string // column → its inline comment (tables only)
	macro   bool              // a macro (CREATE MACRO), not a table or view
	params  string            // a macro's parameter list
}

var (
	createTable = regexp.MustCompile(`(?i)^CREATE TABLE (\w+)`)
	createView  = regexp.MustCompile(`(?i)^CREATE OR REPLACE VIEW (\w+)`)
	createMacro = regexp.MustCompile(`(?i)^CREATE OR REPLACE MACRO (\w+)\s*\(([^)]*)\)`)
	addColumn   = regexp.MustCompile(`(?i)^ALTER TABLE (\w+) ADD COLUMN (\w+) [^;]*;\s*(?:--\s*(.*))?$`)
	columnLine  = regexp.MustCompile(`^\s+(\w+)\s+[A-Z][A-Z0-9_()\[\], ]*?(?:NOT NULL)?\s*,?\s*(?:--\s*(.*))?$`)
)

// parseDocs reads the comment conventions of the embedded .sql files: a
// block of `--` lines right before each CREATE describes it, and a comment
// at the end of a column line describes the column.
func parseDocs(fsys fs.FS, dir string) ([]docBlock, error) {
	ms, err := migrations(fsys, dir)
	if err != nil {
		return nil, err
	}
	var out []docBlock
	for _, m := range ms {
		body, err := fs.ReadFile(fsys, path.Join(dir, m.name))
		if err != nil {
			return nil, err
		}
		var prose []string
		var cur *docBlock
		sc := bufio.NewScanner(strings.NewReader(string(body)))
		for sc.Scan() {
			line := sc.Text()
			trimmed := strings.TrimSpace(line)
			switch {
			case strings.HasPrefix(trimmed, "--") && cur == nil:
				prose = append(prose, strings.TrimSpace(strings.TrimPrefix(trimmed, "--")))
			case createMacro.MatchString(trimmed):
				mt := createMacro.FindStringSubmatch(trimmed)
				out = append(out, docBlock{name: mt[1], file: path.Join(dir, m.name), prose: prose, macro: true, params: mt[2]})
				prose = nil
			case createTable.MatchString(trimmed) || createView.MatchString(trimmed):
				mt := createTable.FindStringSubmatch(trimmed)
				isTable := mt != nil
				if !isTable {
					mt = createView.FindStringSubmatch(trimmed)
				}
				out = append(out, docBlock{name: mt[1], file: path.Join(dir, m.name), prose: prose, columns: map[string]string{}})
				prose = nil
				if isTable {
					cur = &out[len(out)-1]
				}
			case addColumn.MatchString(trimmed):
				m := addColumn.FindStringSubmatch(trimmed)
				for i := range out {
					if out[i].name == m[1] {
						out[i].columns[m[2]] = strings.TrimSpace(m[3])
					}
				}
				prose = nil
			case cur != nil && strings.HasPrefix(trimmed, ")"):
				cur = nil
			case cur != nil:
				if c := columnLine.FindStringSubmatch(line); c != nil {
					cur.columns[c[1]] = strings.TrimSpace(c[2])
				}
			case trimmed == "":
				prose = nil
			}
		}
	}
	return out, nil
}

// SchemaMarkdown renders the reference of every table and view in the
// database: the prose and column comments of the embedded .sql files, and
// each column's type as DuckDB reports it.
func SchemaMarkdown(ctx context.Context, s *Store) (string, error) {
	tables, err := parseDocs(schemaFS, "schema")
	if err != nil {
		return "", err
	}
	blocks, err := parseDocs(viewsFS, "views")
	if err != nil {
		return "", err
	}
	var views, macros []docBlock
	for _, d := range blocks {
		if d.macro {
			macros = append(macros, d)
		} else {
			views = append(views, d)
		}
	}
	var b strings.Builder
	b.WriteString("# gluelens database schema\n\n")
	b.WriteString("Generated from the comments of `internal/store/schema/*.sql` and `internal/store/views/*.sql`\n")
	b.WriteString("(`go test ./internal/store -run TestSchemaDoc -update`; `gluelens schema` prints the same text).\n")
	fmt.Fprintf(&b, "Schema version %d. All timestamps are UTC (`TIMESTAMP` without zone). The column `at` is a\n", SchemaVersion())
	b.WriteString("reserved word in DuckDB: quote it in your own SQL, e.g. `SELECT \"at\", in_use FROM subnet_occupancy`.\n\n")
	b.WriteString("Tables hold the normalized evidence, loaded by `gluelens ingest`; views are the analysis, computed\n")
	b.WriteString("on every query (nothing to refresh). Both are a public interface: query them with `gluelens query`\n")
	b.WriteString("or any DuckDB client.\n\n")
	section := func(title string, blocks []docBlock, withComments bool) error {
		fmt.Fprintf(&b, "## %s\n\n", title)
		for _, d := range blocks {
			fmt.Fprintf(&b, "### %s\n\n", d.name)
			for _, p := range d.prose {
				if strings.HasPrefix(p, d.name+":") {
					p = strings.TrimSpace(strings.TrimPrefix(p, d.name+":"))
				}
				b.WriteString(p + "\n")
			}
			fmt.Fprintf(&b, "\nDefined in `internal/store/%s`.\n\n", d.file)
			cols, err := describe(ctx, s, d.name)
			if err != nil {
				return err
			}
			if withComments {
				b.WriteString("| column | type | meaning |\n|---|---|---|\n")
			} else {
				b.WriteString("| column | type |\n|---|---|\n")
			}
			for _, c := range cols {
				if withComments {
					fmt.Fprintf(&b, "| `%s` | %s | %s |\n", c[0], c[1], strings.ReplaceAll(d.columns[c[0]], "|", "\\|"))
				} else {
					fmt.Fprintf(&b, "| `%s` | %s |\n", c[0], c[1])
				}
			}
			b.WriteString("\n")
		}
		return nil
	}
	if err := section("Tables", tables, true); err != nil {
		return "", err
	}
	if err := section("Views", views, false); err != nil {
		return "", err
	}
	b.WriteString("## Macros\n\n")
	b.WriteString("Rules several views share, each defined once as a DuckDB macro; call them in your own SQL too.\n\n")
	for _, d := range macros {
		fmt.Fprintf(&b, "### %s\n\n`%s(%s)`\n\n", d.name, d.name, d.params)
		for _, p := range d.prose {
			b.WriteString(strings.TrimSpace(strings.TrimPrefix(p, d.name+":")) + "\n")
		}
		fmt.Fprintf(&b, "\nDefined in `internal/store/%s`.\n\n", d.file)
	}
	return b.String(), nil
}

func describe(ctx context.Context, s *Store, name string) ([][2]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? AND schema_name = 'main' ORDER BY column_index`, name)
	if err != nil {
		return nil, fmt.Errorf("describing %s: %w", name, err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var c [2]string
		if err := rows.Scan(&c[0], &c[1]); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("describing %s: no columns (is it created?)", name)
	}
	return out, rows.Err()
}
