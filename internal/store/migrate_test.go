package store

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
)

// TestMigratesAnOlderDatabase: a database written at schema 11 (before the
// attribution table, the job-connection history, the CloudTrail integrity
// evidence, the VPC blocks and the views' macros) gains them on Open.
func TestMigratesAnOlderDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.duckdb")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DROP VIEW eni_lifetimes`, `DROP VIEW eni_holdings`, `DROP VIEW ip_exhaustion_events`, `DROP VIEW subnet_occupancy`,
		`DROP VIEW subnet_occupancy_by_holder`, `DROP MACRO holding_state`, `DROP MACRO lingering_from`,
		`DROP TABLE eni_attribution`,
		`ALTER TABLE glue_job_connections DROP COLUMN job_modified_on`,
		`DROP TABLE cloudtrail_digests`, `DROP TABLE cloudtrail_digest_log_files`, `DROP TABLE cloudtrail_public_keys`,
		`ALTER TABLE ingest_manifest DROP COLUMN decoded_sha256`,
		`ALTER TABLE glue_runs DROP COLUMN job_mode`,
		`DROP TABLE vpc_cidr_blocks`,
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
	if version != strconv.Itoa(SchemaVersion()) || SchemaVersion() < 14 || cols != 1 || tables != 1 {
		t.Errorf("after reopening: schema %s (build knows %d), job_modified_on columns %d, eni_attribution tables %d; want the build's version ≥ 14, 1, 1",
			version, SchemaVersion(), cols, tables)
	}
	var digestTables, decodedCols int
	s.DB().QueryRow(`SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'cloudtrail\_%' ESCAPE '\'`).Scan(&digestTables)
	s.DB().QueryRow(`SELECT count(*) FROM duckdb_columns() WHERE table_name = 'ingest_manifest' AND column_name = 'decoded_sha256'`).Scan(&decodedCols)
	if digestTables != 3 || decodedCols != 1 {
		t.Errorf("after reopening: %d cloudtrail_ tables, %d decoded_sha256 columns; want 3, 1", digestTables, decodedCols)
	}
	var vpcCols int
	s.DB().QueryRow(`SELECT count(*) FROM duckdb_columns() WHERE table_name = 'vpc_cidr_blocks'`).Scan(&vpcCols)
	if vpcCols != 7 {
		t.Errorf("after reopening: vpc_cidr_blocks has %d columns, want 7", vpcCols)
	}
	var macros int
	s.DB().QueryRow(`SELECT count(*) FROM duckdb_functions() WHERE function_type = 'macro' AND database_name = current_database()
		AND function_name IN ('holding_state', 'lingering_from')`).Scan(&macros)
	if macros != 2 {
		t.Errorf("after reopening: %d of the macros holding_state, lingering_from; want 2", macros)
	}
}
