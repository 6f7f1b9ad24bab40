package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// TestSelectReadsRowStructs: a query over one table reads into the table's
// row struct by its parquet tags; the columns it does not select stay zero,
// NULL is a nil pointer, and a column no field names is an error.
func TestSelectReadsRowStructs(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "t.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO cloudtrail_public_keys (fingerprint, public_key, validity_start_time, source_uri)
		VALUES ('fp1', 'MIIB', TIMESTAMP '2026-11-02 06:00:00', 's3://b/k'), ('fp2', 'MIIC', NULL, NULL)`); err != nil {
		t.Fatal(err)
	}
	got, err := Select[CloudTrailPublicKey](ctx, s, `SELECT fingerprint, public_key, validity_start_time FROM cloudtrail_public_keys ORDER BY fingerprint`)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)
	if len(got) != 2 || got[0].Fingerprint != "fp1" || got[0].PublicKey != "MIIB" || got[0].ValidityStartTime == nil || !got[0].ValidityStartTime.Equal(start) ||
		got[0].SourceURI != nil || got[1].Fingerprint != "fp2" || got[1].ValidityStartTime != nil {
		t.Errorf("rows %+v", got)
	}
	if _, err := Select[CloudTrailPublicKey](ctx, s, `SELECT fingerprint, 1 AS not_a_column FROM cloudtrail_public_keys`); err == nil {
		t.Error("a column no field names was read without an error")
	}
}
