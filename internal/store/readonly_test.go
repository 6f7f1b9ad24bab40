package store

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadOnlySessionViews: a read-only session has every view and macro
// of the views files as a temporary one, so it never needs the stored ones.
func TestReadOnlySessionViews(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "g.duckdb")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var stored int
	if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM duckdb_views() WHERE NOT internal AND NOT temporary`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	s.Close()
	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	var temp int
	if err := ro.DB().QueryRowContext(ctx, `SELECT count(*) FROM duckdb_views() WHERE temporary AND NOT internal`).Scan(&temp); err != nil {
		t.Fatal(err)
	}
	views := 0
	for _, v := range mustTempViews(t) {
		views += strings.Count(v.sql, "CREATE OR REPLACE TEMP VIEW")
	}
	if stored == 0 || temp != stored || views != stored {
		t.Errorf("stored views %d, temporary views in a read-only session %d, rewritten statements %d; want all equal and > 0", stored, temp, views)
	}
	var storedMacros, tempMacros int
	const countMacros = `SELECT count(*) FROM duckdb_functions() WHERE function_type = 'macro' AND NOT internal AND database_name `
	if err := ro.DB().QueryRowContext(ctx, countMacros+`<> 'temp'`).Scan(&storedMacros); err != nil {
		t.Fatal(err)
	}
	if err := ro.DB().QueryRowContext(ctx, countMacros+`= 'temp'`).Scan(&tempMacros); err != nil {
		t.Fatal(err)
	}
	macros := 0
	for _, v := range mustTempViews(t) {
		macros += strings.Count(v.sql, "CREATE OR REPLACE TEMP MACRO")
	}
	if storedMacros == 0 || tempMacros != storedMacros || macros != storedMacros {
		t.Errorf("stored macros %d, temporary macros in a read-only session %d, rewritten statements %d; want all equal and > 0", storedMacros, tempMacros, macros)
	}
	if _, err := ro.DB().ExecContext(ctx, `DELETE FROM eni_events`); err == nil {
		t.Error("a DELETE on a read-only store succeeded")
	}
}

func mustTempViews(t *testing.T) []viewSQL {
	t.Helper()
	v, err := tempViews()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestOpenReadOnlyErrors: a missing file, a file that is not a gluelens
// database and an older schema are DatabaseErrors that say what to run.
func TestOpenReadOnlyErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	_, err := OpenReadOnly(ctx, filepath.Join(dir, "none.duckdb"))
	var de *DatabaseError
	if !errors.As(err, &de) || !errors.Is(err, ErrNoDatabase) || !strings.Contains(err.Error(), "ingest") {
		t.Errorf("missing file: %v", err)
	}
	old := filepath.Join(dir, "old.duckdb")
	s, err := Open(ctx, old)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, `UPDATE gluelens_meta SET value = '11' WHERE key = 'schema_version'`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := OpenReadOnly(ctx, old); !errors.As(err, &de) || !strings.Contains(err.Error(), "schema 11") {
		t.Errorf("older schema: %v", err)
	}
}
