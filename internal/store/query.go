package store

import (
	"context"
	"fmt"
	"io/fs"
	"reflect"
	"strings"
)

// Select runs query and scans every row into a T, matching result columns
// to T's fields by their `db` tag, else the column their `parquet` tag names
// (so a table's row struct of rows.go is its read model too), else their
// `json` tag name. Fields the query does not select stay zero. Nullable
// columns need pointer fields. Columns with no matching field are an error,
// so a renamed column cannot be dropped silently.
func Select[T any](ctx context.Context, s *Store, query string, args ...any) ([]T, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var zero T
	rt := reflect.TypeOf(zero)
	if rt.Kind() != reflect.Struct {
		return nil, fmt.Errorf("select into %T: want a struct type", zero)
	}
	byName := map[string]int{}
	for i := 0; i < rt.NumField(); i++ {
		f := rt.Field(i)
		if !f.IsExported() {
			continue
		}
		name := f.Tag.Get("db")
		if name == "" {
			// A row struct of rows.go names its column in the parquet tag,
			// so a query over one table reads into the table's own struct.
			name, _, _ = strings.Cut(f.Tag.Get("parquet"), ",")
		}
		if name == "" {
			name, _, _ = strings.Cut(f.Tag.Get("json"), ",")
		}
		if name == "" || name == "-" {
			continue
		}
		byName[name] = i
	}
	idx := make([]int, len(cols))
	for i, c := range cols {
		j, ok := byName[c]
		if !ok {
			return nil, fmt.Errorf("select into %T: no field for column %q", zero, c)
		}
		idx[i] = j
	}
	var out []T
	for rows.Next() {
		var v T
		rv := reflect.ValueOf(&v).Elem()
		dest := make([]any, len(cols))
		for i, j := range idx {
			dest[i] = rv.Field(j).Addr().Interface()
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("scanning into %T: %w", zero, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Queries serves a package's embedded SQL files sql/NAME.sql by name: the one
// helper every analysis package reads its queries through.
type Queries struct {
	fsys  fs.FS
	owner string
}

// NewQueries serves the files sql/*.sql of fsys (a package's //go:embed
// sql/*.sql); owner names the package in the panic for a missing file.
func NewQueries(fsys fs.FS, owner string) Queries {
	return Queries{fsys: fsys, owner: owner}
}

// SQL returns the text of sql/name.sql. The files are embedded at build
// time, so a missing one is a programming error and panics.
func (q Queries) SQL(name string) string {
	b, err := fs.ReadFile(q.fsys, "sql/"+name+".sql")
	if err != nil {
		panic(q.owner + ": missing embedded query " + name)
	}
	return string(b)
}
