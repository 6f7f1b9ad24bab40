package ingest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/localsrc"
	"github.com/gluelens/gluelens/internal/store"
)

// subnetLines is a tiny test format: "subnets" on the first line, then one
// "subnet-id cidr" pair per line into the subnets table. A line "BAD" is a
// bad record; "FATAL" fails the object after rows were emitted.
type subnetLines struct{}

func (subnetLines) Kind() string { return "test-subnets" }
func (subnetLines) Sniff(_ string, head []byte) bool {
	return bytes.HasPrefix(head, []byte("subnets\n"))
}
func (subnetLines) Decode(_ context.Context, in *ingest.Input, out ingest.Sink) error {
	b, err := io.ReadAll(in.R)
	if err != nil {
		return fmt.Errorf("reading: %w", err)
	}
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		switch {
		case line == "BAD":
			if err := out.Bad(int64(i+2), errors.New("not a subnet line")); err != nil {
				return err
			}
		case line == "FATAL":
			return &ingest.RecordError{Record: int64(i + 2), Err: errors.New("cannot go on")}
		default:
			id, cidr, _ := strings.Cut(line, " ")
			if err := out.Append(&store.Subnet{SubnetID: id, CidrBlock: &cidr, SourceURI: &in.URI}); err != nil {
				return err
			}
		}
	}
	return nil
}

func write(t *testing.T, path, content string, gz bool) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	data := []byte(content)
	if gz {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(data)
		zw.Close()
		data = buf.Bytes()
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func runIngest(t *testing.T, st *store.Store, strict bool, paths ...string) ingest.Summary {
	t.Helper()
	var srcs []ingest.Source
	for _, p := range paths {
		s, err := localsrc.New(p)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, s)
	}
	sum, err := ingest.Run(context.Background(), st, srcs, ingest.Options{Decoders: []ingest.Decoder{subnetLines{}}, Strict: strict})
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func count(t *testing.T, st *store.Store, q string) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRunBadInputIsNamedCountedAndContained(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "in", "a.txt.gz"), "subnets\nsubnet-a 10.0.0.0/26\nBAD\nsubnet-b 10.0.1.0/26\n", true)
	write(t, filepath.Join(dir, "in", "copy-of-a.txt.gz"), "subnets\nsubnet-a 10.0.0.0/26\nBAD\nsubnet-b 10.0.1.0/26\n", true)
	write(t, filepath.Join(dir, "in", "fatal.txt"), "subnets\nsubnet-c 10.0.2.0/26\nFATAL\n", false)
	write(t, filepath.Join(dir, "in", "unknown.bin"), "\x00\x01 who knows", false)
	// A truncated gzip: the first 30 bytes of a valid one.
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte("subnets\nsubnet-d 10.0.3.0/26\n" + strings.Repeat("subnet-x 10.9.9.0/26\n", 200)))
	zw.Close()
	write(t, filepath.Join(dir, "in", "truncated.txt.gz"), string(buf.Bytes()[:30]), false)
	os.MkdirAll(filepath.Join(dir, "empty"), 0o755)

	st, err := store.Open(context.Background(), filepath.Join(dir, "db.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sum := runIngest(t, st, false, filepath.Join(dir, "in"), filepath.Join(dir, "empty"))

	if sum.Objects != 5 || sum.Loaded != 1 || sum.Duplicate != 1 || sum.Failed != 2 || sum.Ignored != 1 {
		t.Errorf("summary = %+v; want 5 objects: 1 loaded, 1 duplicate, 2 failed, 1 ignored", sum)
	}
	if sum.Bad != 1 || sum.Kept != 2 {
		t.Errorf("records: %d bad, %d kept; want 1 and 2", sum.Bad, sum.Kept)
	}
	failures := map[string]string{}
	for _, f := range sum.Failures {
		failures[filepath.Base(f.Entry.URI)] = f.Err.Error()
	}
	if msg := failures["fatal.txt"]; !strings.Contains(msg, "fatal.txt") || !strings.Contains(msg, "record 3") {
		t.Errorf("fatal.txt error %q should name the file and record 3", msg)
	}
	if msg := failures["truncated.txt.gz"]; !strings.Contains(msg, "truncated.txt.gz") || !strings.Contains(msg, "unexpected EOF") {
		t.Errorf("truncated gzip error %q should name the file and the truncation", msg)
	}
	warned := strings.Join(sum.Warnings, "\n")
	if !strings.Contains(warned, "empty: no objects found") || !strings.Contains(warned, "a.txt.gz: 1 bad record") {
		t.Errorf("warnings %q should name the empty directory and the bad record", warned)
	}
	// Nothing of the failed objects landed: only subnet-a and subnet-b.
	if n := count(t, st, `SELECT count(*) FROM subnets`); n != 2 {
		t.Errorf("subnets rows = %d, want 2 (nothing from fatal.txt or truncated.txt.gz)", n)
	}
	if n := count(t, st, `SELECT count(*) FROM ingest_issues WHERE severity = 'fatal' AND uri LIKE '%fatal.txt'`); n != 1 {
		t.Errorf("fatal issue rows for fatal.txt = %d, want 1", n)
	}

	// A second run skips what is loaded and retries what failed.
	sum = runIngest(t, st, false, filepath.Join(dir, "in"))
	if sum.Unchanged != 3 || sum.Failed != 2 || sum.Kept != 0 {
		t.Errorf("re-run summary = %+v; want 3 unchanged (loaded, duplicate, ignored), the 2 failures retried", sum)
	}
	// A changed file is picked up again.
	time.Sleep(10 * time.Millisecond)
	write(t, filepath.Join(dir, "in", "fatal.txt"), "subnets\nsubnet-c 10.0.2.0/26\n", false)
	sum = runIngest(t, st, false, filepath.Join(dir, "in"))
	if sum.Loaded != 1 || sum.Kept != 1 {
		t.Errorf("after fixing fatal.txt: %+v; want it loaded with 1 row", sum)
	}
	if n := count(t, st, `SELECT count(*) FROM subnets`); n != 3 {
		t.Errorf("subnets rows = %d, want 3", n)
	}
}

func TestRunStrictFailsTheObjectWithABadRecord(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "in", "a.txt"), "subnets\nsubnet-a 10.0.0.0/26\nBAD\n", false)
	st, err := store.Open(context.Background(), filepath.Join(dir, "db.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sum := runIngest(t, st, true, filepath.Join(dir, "in"))
	if sum.Failed != 1 || count(t, st, `SELECT count(*) FROM subnets`) != 0 {
		t.Errorf("strict: %+v; want the object failed and nothing loaded", sum)
	}
}
