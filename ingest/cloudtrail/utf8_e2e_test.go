package cloudtrail_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/cloudtrail"
	"github.com/gluelens/gluelens/ingest/localsrc"
	"github.com/gluelens/gluelens/internal/store"
)

// TestInvalidUTF8KeptAndCounted: a record whose subnet, description and
// role hold invalid UTF-8 loads with U+FFFD in their place (not NULL) and
// the object carries a warning counting them.
func TestInvalidUTF8KeptAndCounted(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// Crafted for issue 17: testdata/hostile/cloudtrail-invalid-utf8.json.
	rec, err := os.ReadFile(filepath.Join("..", "..", "testdata", "hostile", "cloudtrail-invalid-utf8.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "trail.json"), rec, 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "g.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	src, err := localsrc.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := ingest.Run(ctx, st, []ingest.Source{src}, ingest.Options{Decoders: []ingest.Decoder{cloudtrail.New()}})
	if err != nil || sum.Loaded != 1 {
		t.Fatalf("ingest: %v %+v", err, sum)
	}
	var subnet, desc, role string
	if err := st.DB().QueryRow(`SELECT subnet_id, description, role_arn FROM eni_events`).Scan(&subnet, &desc, &role); err != nil {
		t.Fatalf("reading the row (a NULL means the value was lost): %v", err)
	}
	if subnet != "subnet-\uFFFD1" || desc != "d\uFFFD" || !strings.HasSuffix(role, "role/r\uFFFD") {
		t.Errorf("values %q %q %q, want U+FFFD in place of the invalid bytes", subnet, desc, role)
	}
	var msg string
	if err := st.DB().QueryRow(`SELECT message FROM ingest_issues WHERE message LIKE '%invalid UTF-8%'`).Scan(&msg); err != nil {
		t.Errorf("no issue recorded for the invalid UTF-8: %v", err)
	} else if !strings.HasPrefix(msg, "3 value(s) held invalid UTF-8") {
		t.Errorf("issue %q, want it to count 3 values", msg)
	}
}
