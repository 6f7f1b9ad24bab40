package store

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
)

// TestMigratesAnOlderDatabase: a database written at schema 11 (before the
// attribution table and the job-connection history) gains both on Open.
func TestMigratesAnOlderDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.duckdb")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DROP VIEW eni_lifetimes`, `DROP VIEW eni_holdings`, `DROP VIEW ip_exhaustion_events`, `DROP VIEW subnet_occupancy`,
		`DROP TABLE eni_attribution`,
		`ALTER TABLE glue_job_connections DROP COLUMN job_modified_on`,
		`UPDATE gluelens_meta SET value = '11' WHERE key = 'schema_version'`,
	} {
		if _, err := s.DB().ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	s.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var version string
	var cols, tables int
	s.DB().QueryRow(`SELECT value FROM gluelens_meta WHERE key = 'schema_version'`).Scan(&version)
	s.DB().QueryRow(`SELECT count(*) FROM duckdb_columns() WHERE table_name = 'glue_job_connections' AND column_name = 'job_modified_on'`).Scan(&cols)
	s.DB().QueryRow(`SELECT count(*) FROM duckdb_tables() WHERE table_name = 'eni_attribution'`).Scan(&tables)
	if version != strconv.Itoa(SchemaVersion()) || SchemaVersion() < 13 || cols != 1 || tables != 1 {
		t.Errorf("after reopening: schema %s (build knows %d), job_modified_on columns %d, eni_attribution tables %d; want the build's version ≥ 13, 1, 1",
			version, SchemaVersion(), cols, tables)
	}
}
