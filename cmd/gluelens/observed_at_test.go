package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gluelens/gluelens/internal/fakes3"
)

// TestSnapshotObservedAtFromS3AndCopy (issue 17): a snapshot without a
// time in its name is dated by its object. Read from S3 it takes the
// object's LastModified; read from the copy `ingest --download-to` kept,
// it takes the same time — not the time the copy was written.
func TestSnapshotObservedAtFromS3AndCopy(t *testing.T) {
	cliAWSEnv(t)
	dir := t.TempDir()
	snap := filepath.Join(dir, "ec2", "describe-network-interfaces.json")
	if err := os.MkdirAll(filepath.Dir(snap), 0o755); err != nil {
		t.Fatal(err)
	}
	body := `{"NetworkInterfaces":[{"NetworkInterfaceId":"eni-0a1","SubnetId":"subnet-0a1","VpcId":"vpc-1","Status":"in-use","PrivateIpAddresses":[{"PrivateIpAddress":"10.0.1.5","Primary":true}]}]}`
	if err := os.WriteFile(snap, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	srv, err := fakes3.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if _, _, err := srv.LoadDir("evidence", "incident/", dir); err != nil {
		t.Fatal(err)
	}
	// The copy is written a little later than the upload: a copy dated by
	// its writing would show it.
	time.Sleep(1100 * time.Millisecond)
	mirror := filepath.Join(t.TempDir(), "mirror")
	s3DB, copyDB := filepath.Join(t.TempDir(), "s3.duckdb"), filepath.Join(t.TempDir(), "copy.duckdb")
	cli(t, "--db", s3DB, "ingest", "s3://evidence/incident/", "--endpoint-url", srv.URL, "--download-to", mirror)
	cli(t, "--db", copyDB, "ingest", mirror)
	observed := func(db string) string {
		out := cli(t, "--db", db, "query", "--format", "csv", "SELECT eni_id, strftime(observed_at, '%Y-%m-%dT%H:%M:%S.%f') FROM eni_snapshots")
		return strings.TrimSpace(out)
	}
	fromS3, fromCopy := observed(s3DB), observed(copyDB)
	if !strings.Contains(fromS3, "eni-0a1,") || fromS3 != fromCopy {
		t.Errorf("eni_snapshots from S3:\n%s\nfrom the copy:\n%s\nwant the same observed_at", fromS3, fromCopy)
	}
	// And it is the upload's time, not the copy's.
	copied, err := os.Stat(filepath.Join(mirror, "incident", "ec2", "describe-network-interfaces.json"))
	if err != nil {
		t.Fatalf("the copy is not under its key: %v", err)
	}
	if time.Since(copied.ModTime()) < time.Second {
		t.Errorf("the copy's mtime %v is when it was written, not the object's LastModified", copied.ModTime())
	}
}
