package parquetpack_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/parquetpack"
	"github.com/gluelens/gluelens/ingest/s3src"
	"github.com/gluelens/gluelens/internal/fakes3"
)

// TestS3RoundTrip exports a pack to an S3-compatible server on loopback
// through the real SDK, reads its manifest back, and ingests the pack from
// S3 into a fresh database with the same rows as the source.
func TestS3RoundTrip(t *testing.T) {
	ctx := context.Background()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAGLUELENSTEST0007")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret-not-real")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_REGION", "us-east-1")
	srv, err := fakes3.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if err := srv.CreateBucket("evidence"); err != nil {
		t.Fatal(err)
	}
	c, err := s3src.NewClient(ctx, s3src.Config{EndpointURL: srv.URL, Parallel: 4, MaxAttempts: 2})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := fixtureDB(t)
	defer a.Close()
	dest := &parquetpack.S3Dest{API: c.API(), Bucket: "evidence", Prefix: "packs/incident-42", TempDir: t.TempDir()}
	m, err := parquetpack.Export(ctx, a, dest, parquetpack.Options{})
	if err != nil {
		t.Fatal(err)
	}
	back, err := parquetpack.ReadManifestS3(ctx, c.API(), "evidence", "packs/incident-42/")
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Tables) != len(m.Tables) || back.SchemaVersion != m.SchemaVersion {
		t.Errorf("manifest read back from S3 differs: %d tables schema %d", len(back.Tables), back.SchemaVersion)
	}
	src, err := s3src.New(c, "s3://evidence/packs/incident-42/", s3src.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := openStore(t, ":memory:")
	defer b.Close()
	sum, err := ingest.Run(ctx, b, []ingest.Source{src}, ingest.Options{Decoders: []ingest.Decoder{&parquetpack.Decoder{}}})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.OK() {
		t.Fatalf("ingesting the pack from S3: %v", sum.Failures[0].Err)
	}
	for _, name := range []string{"eni_events", "glue_runs", "spark_tasks", "subnet_occupancy"} {
		ra, rb := dump(t, a.DB(), name), dump(t, b.DB(), name)
		if len(ra) == 0 || !slices.Equal(ra, rb) {
			t.Errorf("%s: %d rows in A, %d after the S3 round trip", name, len(ra), len(rb))
		}
	}
}
