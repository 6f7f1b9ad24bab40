package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// DatabaseError says why a database cannot be read as evidence: it does
// not exist, is not a gluelens database, was written by another schema, or
// is damaged. Hint tells the user what to run.
type DatabaseError struct {
	Path   string
	Reason string
	Hint   string
	Err    error
}

func (e *DatabaseError) Error() string {
	msg := e.Reason
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	if e.Hint != "" {
		msg += "; " + e.Hint
	}
	return msg
}

func (e *DatabaseError) Unwrap() error { return e.Err }

// ErrNoDatabase is wrapped by the DatabaseError of a database file that does not exist.
var ErrNoDatabase = errors.New("no such database")

// ShellQuote quotes s for a POSIX shell when it needs it, for the commands
// that errors suggest.
func ShellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func ingestHint(dbPath string) string {
	return "create or update it with: gluelens --db " + ShellQuote(dbPath) + " ingest EVIDENCE_PATH"
}

// OpenReadOnly opens an existing gluelens database for reading only
// (DuckDB access_mode READ_ONLY): the file's bytes never change, no .wal is
// written, a file without write permission can be read, and any number of
// readers may run at once. A path that does not exist is an error (never a
// new empty database).
//
// The analysis views are created for the session as temporary views from
// this build's definitions, so a read never depends on (or writes) the
// views stored in the file: a database whose stored views were dropped or
// written by an older build reads the same. When the stored eni_attribution
// is stale, the session computes its own from the rule.
func OpenReadOnly(ctx context.Context, dbPath string) (*Store, error) {
	if dbPath == "" || dbPath == ":memory:" {
		return nil, &DatabaseError{Path: dbPath, Reason: "no database given", Hint: "name one with --db or GLUELENS_DB"}
	}
	info, err := os.Stat(dbPath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, &DatabaseError{Path: dbPath, Reason: "no database at " + dbPath, Err: ErrNoDatabase, Hint: ingestHint(dbPath)}
	case err != nil:
		return nil, &DatabaseError{Path: dbPath, Reason: "opening database " + dbPath, Err: err}
	case info.IsDir():
		return nil, &DatabaseError{Path: dbPath, Reason: "opening database " + dbPath, Err: errors.New("is a directory")}
	}
	meta, err := readMeta(ctx, dbPath)
	if err != nil {
		return nil, err
	}
	current, _ := strconv.Atoi(meta["schema_version"])
	if latest := SchemaVersion(); current > latest {
		return nil, &DatabaseError{Path: dbPath, Reason: "opening database " + dbPath,
			Err: fmt.Errorf("%w: database has schema %d, this build knows %d", ErrNewerSchema, current, latest), Hint: "use a newer gluelens"}
	} else if current < latest {
		return nil, &DatabaseError{Path: dbPath, Reason: fmt.Sprintf("database %s has schema %d, this gluelens reads schema %d", dbPath, current, latest),
			Hint: "upgrade it (this writes the file; copy it first to keep the original) with: gluelens --db " + ShellQuote(dbPath) + " ingest EVIDENCE_PATH"}
	}
	s := &Store{path: dbPath, readOnly: true, staleAttribution: meta[attributionStaleKey] != ""}
	views, err := tempViews()
	if err != nil {
		return nil, err
	}
	stale := s.staleAttribution
	connector, err := duckdb.NewConnector(readOnlyDSN(dbPath), func(e driver.ExecerContext) error {
		for _, v := range views {
			if _, err := e.ExecContext(ctx, v.sql, nil); err != nil {
				return fmt.Errorf("creating views from %s: %w", v.name, err)
			}
		}
		if stale {
			if _, err := e.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE eni_attribution AS `+attributionSelect, nil); err != nil {
				return fmt.Errorf("computing eni_attribution for this session: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, &DatabaseError{Path: dbPath, Reason: "opening database " + dbPath, Err: err}
	}
	s.db = sql.OpenDB(connector)
	// Open one connection now, so a damaged database is reported here.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		s.db.Close()
		return nil, &DatabaseError{Path: dbPath, Reason: "database " + dbPath + " is damaged", Err: err,
			Hint: "repair it (this writes the file) with: gluelens --db " + ShellQuote(dbPath) + " ingest EVIDENCE_PATH"}
	}
	conn.Close()
	return s, nil
}

func readOnlyDSN(p string) string {
	return p + "?access_mode=READ_ONLY"
}

// readMeta reads gluelens_meta from a database opened read-only, or says
// that the file is not a gluelens database.
func readMeta(ctx context.Context, dbPath string) (map[string]string, error) {
	db, err := sql.Open("duckdb", readOnlyDSN(dbPath))
	if err == nil {
		err = db.PingContext(ctx)
	}
	if err != nil && strings.Contains(err.Error(), "Could not set lock") {
		// A writer (an ingest, query --write) holds the file.
		return nil, fmt.Errorf("database %s is being written by another gluelens (ingest or query --write); read it when that ends: %w", dbPath, err)
	}
	if err != nil {
		return nil, &DatabaseError{Path: dbPath, Reason: "opening database " + dbPath, Err: err}
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT key, value FROM gluelens_meta`)
	if err != nil {
		var n int
		if db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE table_name = 'ingest_manifest'`).Scan(&n) == nil && n > 0 {
			return nil, &DatabaseError{Path: dbPath, Reason: "database " + dbPath + " is damaged (its gluelens_meta table is missing)",
				Hint: "repair it (this writes the file) with: gluelens --db " + ShellQuote(dbPath) + " ingest EVIDENCE_PATH"}
		}
		return nil, &DatabaseError{Path: dbPath, Reason: dbPath + " is not a gluelens database", Err: err, Hint: ingestHint("NEW.duckdb")}
	}
	defer rows.Close()
	meta := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, &DatabaseError{Path: dbPath, Reason: "reading " + dbPath, Err: err}
		}
		meta[k] = v
	}
	return meta, rows.Err()
}

type viewSQL struct{ name, sql string }

var (
	tempViewsOnce       sync.Once
	tempViewsSQL        []viewSQL
	tempViewsErr        error
	createViewOrMacroRe = regexp.MustCompile(`(?im)^CREATE OR REPLACE (VIEW|MACRO) `)
)

// tempViews is the views SQL rewritten to create temporary views and
// macros (which shadow the stored ones of the same name for the session).
func tempViews() ([]viewSQL, error) {
	tempViewsOnce.Do(func() {
		ms, err := migrations(viewsFS, "views")
		if err != nil {
			tempViewsErr = err
			return
		}
		for _, m := range ms {
			body, err := viewsFS.ReadFile(path.Join("views", m.name))
			if err != nil {
				tempViewsErr = err
				return
			}
			tempViewsSQL = append(tempViewsSQL, viewSQL{m.name, createViewOrMacroRe.ReplaceAllString(string(body), "CREATE OR REPLACE TEMP $1 ")})
		}
	})
	return tempViewsSQL, tempViewsErr
}

// attributionStaleKey marks, in gluelens_meta, that eni_attribution is
// behind its inputs. It is set in the transaction that changes an input
// and cleared in the one that rebuilds the table, so a process stopped at
// any point leaves either a current table or the mark.
const attributionStaleKey = "attribution_stale"

func markAttributionStale(ctx context.Context, db execer) error {
	if _, err := db.ExecContext(ctx, `INSERT OR REPLACE INTO gluelens_meta VALUES ('`+attributionStaleKey+`', 'true')`); err != nil {
		return fmt.Errorf("marking eni_attribution stale: %w", err)
	}
	return nil
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func attributionIsStale(ctx context.Context, db queryer) (bool, error) {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM gluelens_meta WHERE key = '`+attributionStaleKey+`'`).Scan(&n); err != nil {
		return false, fmt.Errorf("reading the attribution mark: %w", err)
	}
	return n > 0, nil
}

var (
	expectedOnce   sync.Once
	expectedTables map[string]string // table → its CREATE statement
	expectedErr    error
)

// wantTables returns the CREATE statement of every table the schema
// defines, read from an in-memory database the migrations are applied to.
func wantTables(ctx context.Context) (map[string]string, error) {
	expectedOnce.Do(func() {
		mem, err := Open(ctx, ":memory:")
		if err != nil {
			expectedErr = err
			return
		}
		defer mem.Close()
		rows, err := mem.db.QueryContext(ctx, `SELECT table_name, sql FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary`)
		if err != nil {
			expectedErr = err
			return
		}
		defer rows.Close()
		expectedTables = map[string]string{}
		for rows.Next() {
			var n, q string
			if err := rows.Scan(&n, &q); err != nil {
				expectedErr = err
				return
			}
			expectedTables[n] = q
		}
		expectedErr = rows.Err()
	})
	return expectedTables, expectedErr
}

// repair puts back every table the schema defines that the database lacks
// (dropped by hand with query --write). A recreated table is empty, so
// when it held evidence every loaded object is marked for re-reading
// (status failed, which the next ingest of its path retries), and the
// attribution is marked stale. What was done is listed in s.Repaired.
func (s *Store) repair(ctx context.Context) error {
	if s.path == "" || s.path == ":memory:" {
		return nil
	}
	want, err := wantTables(ctx)
	if err != nil {
		return fmt.Errorf("reading the schema: %w", err)
	}
	have := map[string]bool{}
	rows, err := s.db.QueryContext(ctx, `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main'`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		have[n] = true
	}
	rows.Close()
	var missing []string
	for n := range want {
		if !have[n] {
			missing = append(missing, n)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	sort.Strings(missing)
	evidence := false
	for _, n := range missing {
		// A view of that name (a table dropped and replaced) goes first.
		if _, err := s.db.ExecContext(ctx, `DROP VIEW IF EXISTS `+n); err != nil {
			return fmt.Errorf("recreating table %s: %w", n, err)
		}
		if _, err := s.db.ExecContext(ctx, want[n]); err != nil {
			return fmt.Errorf("recreating table %s: %w", n, err)
		}
		if _, ok := tableSpec(n); ok {
			evidence = true
		}
		s.Repaired = append(s.Repaired, "table "+n+" was missing and is recreated empty")
	}
	if evidence {
		res, err := s.db.ExecContext(ctx, `UPDATE ingest_manifest SET status = 'failed',
			error = 'to re-read: table(s) ' || ? || ' were missing from the database and were recreated' WHERE status = 'ok'`, strings.Join(missing, ", "))
		if err != nil {
			return fmt.Errorf("marking objects for re-reading: %w", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			s.Repaired = append(s.Repaired, fmt.Sprintf("%d loaded object(s) are marked to be read again by the next ingest of their path", n))
		}
	}
	return markAttributionStale(ctx, s.db)
}
