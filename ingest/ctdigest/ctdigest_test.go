package ctdigest_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/ctdigest"
	"github.com/gluelens/gluelens/internal/store"
	"github.com/gluelens/gluelens/internal/testutil"
)

// seedDigests adds AWS's published digest samples (testdata/realdata) to f.
func seedDigests(f *testing.F) {
	dir := filepath.Join("..", "..", "testdata", "realdata", "cloudtrail", "aws-docs")
	for _, n := range []string{"cloudtrail-user-guide_digest-file-sample_1.verbatim.json", "cloudtrail-user-guide_digest-file-sample_2.verbatim.json"} {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"awsAccountId":"1","digestStartTime":"x","logFiles":[{"s3Object":null,"newestEventTime":"2026"}]}`))
	f.Add([]byte(`{"PublicKeyList":[{"Value":"AAAA","ValidityStartTime":1.7e9,"Fingerprint":"f"}]}`))
}

// FuzzDigest: a digest file of any content is recorded or fails with an
// error, never a panic; a recorded one has exactly one cloudtrail_digests
// row and as many log-file rows as its digest row says.
func FuzzDigest(f *testing.F) {
	seedDigests(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		sink := testutil.NewSink()
		in := &ingest.Input{Object: ingest.Object{URI: "/d", Key: "d"}, R: bytes.NewReader(data)}
		if err := (ctdigest.Digest{}).Decode(context.Background(), in, sink); err != nil {
			return
		}
		digests := sink.Rows[(*store.CloudTrailDigest)(nil).Table()]
		if len(digests) != 1 {
			t.Fatalf("%d digest rows, want 1", len(digests))
		}
		count := -1
		for i, c := range store.FieldsOf((*store.CloudTrailDigest)(nil)) {
			if c.Name == "log_file_count" {
				count = i
			}
		}
		if count < 0 {
			t.Fatal("cloudtrail_digests has no log_file_count column")
		}
		files := len(sink.Rows[(*store.CloudTrailDigestLogFile)(nil).Table()])
		if n, ok := digests[0][count].(int32); ok && int(n) != files {
			t.Fatalf("%d log-file rows, the digest row says %d", files, n)
		}
	})
}

// FuzzPublicKeys: list-public-keys output of any content never panics.
func FuzzPublicKeys(f *testing.F) {
	seedDigests(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		sink := testutil.NewSink()
		in := &ingest.Input{Object: ingest.Object{URI: "/k", Key: "k"}, R: bytes.NewReader(data)}
		_ = (ctdigest.PublicKeys{}).Decode(context.Background(), in, sink)
	})
}
