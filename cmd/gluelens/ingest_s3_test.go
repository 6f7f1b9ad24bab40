package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gluelens/gluelens/internal/fakes3"
	"github.com/gluelens/gluelens/internal/store"
)

const cliTestSecret = "cLiSeCrEt/MustNeverAppear+9876543210zyxwv"

func cliAWSEnv(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAGLUELENSCLITEST1")
	t.Setenv("AWS_SECRET_ACCESS_KEY", cliTestSecret)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "no-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "no-credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("GLUELENS_DB", "")
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// ctLog is a CloudTrail log file with one ENI create and one unrelated call.
func ctLog(account, id string) []byte {
	return gzipBytes([]byte(fmt.Sprintf(`{"Records":[
{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::%[1]s:assumed-role/GlueRole/GlueJobRunnerSession","accountId":"%[1]s","invokedBy":"glue.amazonaws.com"},
 "eventTime":"2026-11-02T07:01:02Z","eventSource":"ec2.amazonaws.com","eventName":"CreateNetworkInterface","awsRegion":"eu-west-1",
 "sourceIPAddress":"glue.amazonaws.com","userAgent":"glue.amazonaws.com",
 "requestParameters":{"subnetId":"subnet-0a1b2c3d","description":"Attached to Glue using role: arn:aws:iam::%[1]s:role/GlueRole"},
 "responseElements":{"networkInterface":{"networkInterfaceId":"eni-%[2]s","subnetId":"subnet-0a1b2c3d","vpcId":"vpc-1","availabilityZone":"eu-west-1a","privateIpAddress":"10.0.0.7","privateIpAddressesSet":{"items":[{"privateIpAddress":"10.0.0.7","primary":true}]},"description":"Attached to Glue using role: arn:aws:iam::%[1]s:role/GlueRole","status":"pending"}},
 "eventID":"00000000-0000-0000-0000-%[2]s","recipientAccountId":"%[1]s"},
{"eventVersion":"1.08","eventTime":"2026-11-02T07:01:03Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole","awsRegion":"eu-west-1","eventID":"10000000-0000-0000-0000-%[2]s","recipientAccountId":"%[1]s"}
]}`, account, id)))
}

// TestIngestS3CLI drives `gluelens ingest s3://…` against a loopback S3:
// a failing object gives the partial exit status, a re-run fetches nothing,
// and the secret key from the environment appears in no output and in no
// table of the database.
func TestIngestS3CLI(t *testing.T) {
	cliAWSEnv(t)
	srv, err := fakes3.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	keys := []string{
		"AWSLogs/111111111111/CloudTrail/eu-west-1/2026/11/02/111111111111_CloudTrail_eu-west-1_20261102T0705Z_AAAAAAAAAAAAAAAA.json.gz",
		"AWSLogs/111111111111/CloudTrail/eu-west-1/2026/11/02/111111111111_CloudTrail_eu-west-1_20261102T0710Z_BBBBBBBBBBBBBBBB.json.gz",
	}
	for i, k := range keys {
		if err := srv.Put("trail", k, ctLog("111111111111", fmt.Sprintf("%012d", i+1))); err != nil {
			t.Fatal(err)
		}
	}
	broken := "AWSLogs/111111111111/CloudTrail/eu-west-1/2026/11/02/111111111111_CloudTrail_eu-west-1_20261102T0715Z_CCCCCCCCCCCCCCCC.json.gz"
	whole := ctLog("111111111111", "000000000009")
	if err := srv.Put("trail", broken, whole[:len(whole)/2]); err != nil {
		t.Fatal(err)
	}
	srv.SetFault("trail", keys[0], &fakes3.Fault{SlowDown: 2})
	db := filepath.Join(t.TempDir(), "g.duckdb")
	local := t.TempDir()
	if err := os.WriteFile(filepath.Join(local, "extra.json.gz"), ctLog("222222222222", "000000000005"), 0o644); err != nil {
		t.Fatal(err)
	}

	ingest := func(extra ...string) (int, string) {
		var out, errOut bytes.Buffer
		args := append([]string{"--db", db, "ingest", "s3://trail/", local, "--endpoint-url", srv.URL,
			"--from", "2026-11-02", "--to", "2026-11-03", "--regions", "eu-west-1"}, extra...)
		code := run(context.Background(), args, strings.NewReader(""), &out, &errOut)
		return code, out.String() + errOut.String()
	}
	code, output := ingest()
	if code != exitPartial {
		t.Fatalf("exit %d, want %d (partial); output:\n%s", code, exitPartial, output)
	}
	for _, want := range []string{"FAILED ingesting s3://trail/" + broken, "2 retried request(s)", "1 failed"} {
		if !strings.Contains(output, want) {
			t.Errorf("output lacks %q:\n%s", want, output)
		}
	}
	getsBefore := len(srv.Gets())

	code, output2 := ingest()
	if code != exitPartial {
		t.Fatalf("second run: exit %d; output:\n%s", code, output2)
	}
	// Only the failed object is fetched again.
	var refetched []string
	for _, g := range srv.Gets()[getsBefore:] {
		refetched = append(refetched, g.Key)
	}
	if len(refetched) != 1 || refetched[0] != broken {
		t.Errorf("second run fetched %q, want only the failed object", refetched)
	}
	if !strings.Contains(output2, "3 unchanged") {
		t.Errorf("second run should report 3 unchanged objects:\n%s", output2)
	}

	code, output3 := ingest("--endpoint-url", "http://AKIAGLUELENSCLITEST1:"+cliTestSecret+"@127.0.0.1:1")
	if code == exitOK {
		t.Errorf("an endpoint URL with credentials must be refused")
	}
	for _, o := range []string{output, output2, output3} {
		if strings.Contains(o, cliTestSecret) {
			t.Fatalf("the secret key appears in the output:\n%s", o)
		}
	}
	assertNoSecret(t, db, cliTestSecret)
}

// assertNoSecret searches every table of the database, as text, and the
// database files' bytes.
func assertNoSecret(t *testing.T, path, secret string) {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.DB().Query(`SELECT table_name FROM duckdb_tables()`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) == 0 {
		t.Fatal("no tables to search")
	}
	for _, tbl := range tables {
		var hits sql.NullInt64
		q := fmt.Sprintf(`SELECT count(*) FROM %q t WHERE contains(CAST(t AS VARCHAR), ?)`, tbl)
		if err := st.DB().QueryRow(q, secret).Scan(&hits); err != nil {
			t.Fatalf("searching %s: %v", tbl, err)
		}
		if hits.Int64 > 0 {
			t.Errorf("table %s holds the secret key", tbl)
		}
	}
	for _, f := range []string{path, path + ".wal"} {
		b, err := os.ReadFile(f)
		if err == nil && bytes.Contains(b, []byte(secret)) {
			t.Errorf("%s holds the secret key", f)
		}
	}
}
