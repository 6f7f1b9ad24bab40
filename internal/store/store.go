// Package store is the only package that opens DuckDB. It owns the schema
// (embedded .sql files applied in order, with a schema version), the
// documented analysis views, and the bulk loader that ingest uses.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// schemaFS holds the migrations, applied once each in numeric order. A new
// file must take a number above every existing one: a database records only
// the highest number it has applied.
//
//go:embed schema/*.sql
var schemaFS embed.FS

//go:embed views/*.sql
var viewsFS embed.FS

// ErrNewerSchema is returned when a database was written by a newer gluelens.
var ErrNewerSchema = errors.New("database schema is newer than this gluelens")

var errReadOnly = errors.New("the database is open read-only")

// MarkAttributionStale records that evidence tables were changed by other
// means than a loader (query --write): the next ingest rebuilds
// eni_attribution, and reads compute it until then.
func (s *Store) MarkAttributionStale(ctx context.Context) error {
	if s.readOnly {
		return errReadOnly
	}
	return markAttributionStale(ctx, s.db)
}

// Store is an open gluelens database.
type Store struct {
	db       *sql.DB
	path     string
	readOnly bool
	// staleAttribution: the stored eni_attribution is behind its inputs (an
	// ingest stopped before rebuilding it); a read-only session computes it.
	staleAttribution bool
	// Repaired lists what a writable Open found damaged and put back.
	Repaired []string
}

// Open opens (creating if needed) the DuckDB file at path for writing,
// applies pending schema migrations, puts back tables that are missing
// (see repair) and (re)creates the analysis views. An empty path or
// ":memory:" opens an in-memory database. Only commands that change the
// database (ingest, query --write) use it; reads use OpenReadOnly.
func Open(ctx context.Context, dbPath string) (*Store, error) {
	dsn := dbPath
	if dsn == ":memory:" {
		dsn = ""
	}
	connector, err := duckdb.NewConnector(dsn, nil)
	if err != nil {
		return nil, fmt.Errorf("opening database %s: %w", displayPath(dbPath), err)
	}
	db := sql.OpenDB(connector)
	if dsn == "" {
		// Every connection to an in-memory connector shares one database,
		// but keep the pool small and predictable.
		db.SetMaxOpenConns(4)
	}
	s := &Store{db: db, path: dbPath}
	created, err := s.migrate(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("opening database %s: %w", displayPath(dbPath), err)
	}
	// A database the migrations just created has every table: there is
	// nothing to repair (and finding out would build the schema a second
	// time, in memory).
	if !created {
		if err := s.repair(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("opening database %s: repairing: %w", displayPath(dbPath), err)
		}
	}
	if err := s.createViews(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening database %s: %w", displayPath(dbPath), err)
	}
	return s, nil
}

func displayPath(p string) string {
	if p == "" || p == ":memory:" {
		return "(in memory)"
	}
	return p
}

// Path is the file the store was opened from.
func (s *Store) Path() string { return s.path }

// DB gives read access for analysis queries.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// ReadOnly reports whether the store was opened with OpenReadOnly.
func (s *Store) ReadOnly() bool { return s.readOnly }

// StaleAttribution reports whether the stored eni_attribution is behind the
// evidence (an ingest stopped before rebuilding it). A read-only store then
// answers from an attribution computed for the session; the next ingest
// stores it.
func (s *Store) StaleAttribution() bool { return s.staleAttribution }

type migration struct {
	version int
	name    string
}

func migrations(fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("schema file %s: name must start with a number and '_'", e.Name())
		}
		out = append(out, migration{version: v, name: e.Name()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// SchemaVersion is the version of the newest embedded schema file.
func SchemaVersion() int {
	ms, err := migrations(schemaFS, "schema")
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// migrate applies the pending schema migrations, each in a transaction of
// its own; on a new database (no schema version, no manifest) all of them
// go in one transaction, and created is true.
func (s *Store) migrate(ctx context.Context) (created bool, err error) {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS gluelens_meta (key VARCHAR PRIMARY KEY, value VARCHAR)`); err != nil {
		return false, fmt.Errorf("creating meta table: %w", err)
	}
	current := 0
	var v string
	err = s.db.QueryRowContext(ctx, `SELECT value FROM gluelens_meta WHERE key = 'schema_version'`).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return false, fmt.Errorf("reading schema version: %w", err)
	default:
		current, _ = strconv.Atoi(v)
	}
	ms, err := migrations(schemaFS, "schema")
	if err != nil {
		return false, err
	}
	if latest := SchemaVersion(); current > latest {
		return false, fmt.Errorf("%w: database has schema %d, this build knows %d", ErrNewerSchema, current, latest)
	}
	if current == 0 {
		// gluelens_meta is new here: either a new database, or one whose
		// meta table was dropped. The latter still holds the manifest; its
		// missing tables are put back by repair rather than by replaying
		// migrations over the tables it has.
		var tables int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()
			AND schema_name = 'main' AND table_name = 'ingest_manifest'`).Scan(&tables); err != nil {
			return false, fmt.Errorf("reading the tables: %w", err)
		}
		if tables > 0 {
			current = SchemaVersion()
			if _, err := s.db.ExecContext(ctx, `INSERT OR REPLACE INTO gluelens_meta VALUES ('schema_version', ?)`, strconv.Itoa(current)); err != nil {
				return false, fmt.Errorf("recording schema version: %w", err)
			}
			if err := markAttributionStale(ctx, s.db); err != nil {
				return false, err
			}
		}
	}
	created = current == 0
	if created {
		return true, s.applyMigrations(ctx, ms)
	}
	upgraded := false
	for _, m := range ms {
		if m.version <= current {
			continue
		}
		if err := s.applyMigrations(ctx, []migration{m}); err != nil {
			return false, err
		}
		upgraded = true
	}
	if upgraded {
		// Derived tables of an older database were computed by older rules
		// (or did not exist): rebuild them at the next ingest.
		return false, markAttributionStale(ctx, s.db)
	}
	return false, nil
}

// applyMigrations applies ms in order in one transaction, recording the
// last one's version.
func (s *Store) applyMigrations(ctx context.Context, ms []migration) error {
	if len(ms) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }() // a no-op after Commit
	for _, m := range ms {
		body, err := schemaFS.ReadFile(path.Join("schema", m.name))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("applying schema %s: %w", m.name, err)
		}
	}
	last := ms[len(ms)-1]
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO gluelens_meta VALUES ('schema_version', ?)`, strconv.Itoa(last.version)); err != nil {
		return fmt.Errorf("applying schema %s: %w", last.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("applying schema %s: %w", last.name, err)
	}
	return nil
}

func (s *Store) createViews(ctx context.Context) error {
	ms, err := migrations(viewsFS, "views")
	if err != nil {
		return err
	}
	for _, m := range ms {
		body, err := viewsFS.ReadFile(path.Join("views", m.name))
		if err != nil {
			return err
		}
		if _, err := s.db.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("creating views from %s: %w", m.name, err)
		}
	}
	return nil
}
