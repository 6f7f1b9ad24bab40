package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/internal/fakes3"
	"github.com/gluelens/gluelens/internal/store"
	"github.com/gluelens/gluelens/internal/testutil"
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

	ingestS3 := func(extra ...string) (int, string) {
		var out, errOut bytes.Buffer
		args := append([]string{"--db", db, "ingest", "s3://trail/", local, "--endpoint-url", srv.URL,
			"--from", "2026-11-02", "--to", "2026-11-03", "--regions", "eu-west-1"}, extra...)
		code := run(context.Background(), args, strings.NewReader(""), &out, &errOut)
		return code, out.String() + errOut.String()
	}
	mirror := t.TempDir()
	code, output := ingestS3("--download-to", mirror)
	if code != exitPartial {
		t.Fatalf("exit %d, want %d (partial); output:\n%s", code, exitPartial, output)
	}
	for _, want := range []string{"FAILED ingesting s3://trail/" + broken, "2 retried request(s)", "1 failed"} {
		if !strings.Contains(output, want) {
			t.Errorf("output lacks %q:\n%s", want, output)
		}
	}
	// The mirror holds every object whose stored bytes were read to the
	// end, the one that does not decode included: it is evidence too.
	for _, k := range keys {
		b, err := os.ReadFile(filepath.Join(mirror, filepath.FromSlash(k)))
		if err != nil || !bytes.Equal(b, ctLog("111111111111", fmt.Sprintf("%012d", slices.Index(keys, k)+1))) {
			t.Errorf("mirror of %s: %v", k, err)
		}
	}
	if b, err := os.ReadFile(filepath.Join(mirror, filepath.FromSlash(broken))); err != nil || !bytes.Equal(b, whole[:len(whole)/2]) {
		t.Errorf("mirror of the undecodable object: %v", err)
	}
	getsBefore := len(srv.Gets())

	code, output2 := ingestS3()
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

	code, output3 := ingestS3("--endpoint-url", "http://AKIAGLUELENSCLITEST1:"+cliTestSecret+"@127.0.0.1:1")
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

// TestIngestS3MatchesLocal ingests the same evidence — the synthetic
// ip-exhaustion scenario and real Spark event logs (a finished log, an
// .inprogress one and a rolling eventlog_v2_ folder) — once from a folder
// and once from S3, with the real decoders: every table must hold the same
// rows except source_uri, and the manifests must agree object by object.
func TestIngestS3MatchesLocal(t *testing.T) {
	cliAWSEnv(t)
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"synth", "ip-exhaustion", "--out", dir, "--eni-share", "0"}, strings.NewReader(""), &out, &errOut); code != exitOK {
		t.Fatalf("synth: exit %d: %s", code, errOut.String())
	}
	spark := map[string][]string{
		"sparkui/spark-application-1700000000000":            {"spark-events", "app-20161115172038-0000"},
		"sparkui/spark-application-1700000100000.inprogress": {"spark-events", "local-1426533911241"},
		"sparkui/eventlog_v2_spark-application-1623876083964/events_1_spark-application-1623876083964.zstd": {
			"spark-events-thirdparty", "NVIDIA__spark-rapids-tools", "spark-events-qualification", "eventlog_v2_local-1623876083964", "events_1_local-1623876083964.zstd"},
		"sparkui/eventlog_v2_spark-application-1623876083964/events_2_spark-application-1623876083964.zstd": {
			"spark-events-thirdparty", "NVIDIA__spark-rapids-tools", "spark-events-qualification", "eventlog_v2_local-1623876083964", "events_2_local-1623876083964.zstd"},
	}
	for key, rel := range spark {
		b, err := os.ReadFile(testutil.RealData(t, rel...))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(key))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A snapshot without a time in its name is dated by the object's time:
	// the file's mtime locally, the upload time in S3. Name it with the
	// time, as S3 evidence should be.
	snap := filepath.Join(dir, "ec2", "describe-network-interfaces.json")
	info, err := os.Stat(snap)
	if err != nil {
		t.Fatal(err)
	}
	stamped := filepath.Join(dir, "ec2", "describe-network-interfaces-"+info.ModTime().UTC().Format("20060102T150405Z")+".json")
	if err := os.Rename(snap, stamped); err != nil {
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
	// One worker each: when a record is delivered twice, the copy that
	// wins (and its record_index) is the first object committed, so both
	// runs must commit in the same (key) order.
	localDB, s3DB := filepath.Join(t.TempDir(), "local.duckdb"), filepath.Join(t.TempDir(), "s3.duckdb")
	for _, args := range [][]string{
		{"--db", localDB, "ingest", dir, "--workers", "1"},
		{"--db", s3DB, "ingest", "s3://evidence/incident/", "--endpoint-url", srv.URL, "--workers", "1", "--parallel", "1"},
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, strings.NewReader(""), &out, &errOut); code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, errOut.String())
		}
	}
	local, s3 := dumpTables(t, localDB, dir+"/"), dumpTables(t, s3DB, "s3://evidence/incident/")
	if len(local) == 0 {
		t.Fatal("nothing compared")
	}
	for name, want := range local {
		got := s3[name]
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("table %s differs: %d rows from S3, %d from the folder", name, len(got), len(want))
			for _, l := range diffLines(got, want) {
				t.Log(l)
			}
		}
	}
	for _, tbl := range []string{"eni_events", "glue_runs", "eni_snapshots", "spark_tasks", "ingest_manifest"} {
		if len(local[tbl]) == 0 {
			t.Errorf("table %s is empty: the comparison proves nothing for it", tbl)
		}
	}
	// Digest files are read from both (gluelens verify checks the log
	// files against them); Insights files only from the folder, where the
	// decoder ignores them, and are never listed from S3.
	if n := countObjects(t, localDB, "Digest"); n == 0 || countObjects(t, s3DB, "Digest") != n {
		t.Errorf("digest objects: %d from the folder, %d from S3; want the same, not 0", n, countObjects(t, s3DB, "Digest"))
	}
	if n := countObjects(t, s3DB, "Insight"); n != 0 {
		t.Errorf("%d Insights objects were read from S3", n)
	}
}

// countObjects counts the manifest's objects under CloudTrail-<service>/.
func countObjects(t *testing.T, path, service string) int {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	if err := st.DB().QueryRow(`SELECT count(*) FROM ingest_manifest WHERE contains(uri, ?)`, "/CloudTrail-"+service+"/").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// dumpTables renders every base table as sorted text lines, without
// source_uri columns and with the ingest URIs made relative to base.
func dumpTables(t *testing.T, path, base string) map[string][]string {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db := st.DB()
	rows, err := db.Query(`SELECT table_name FROM duckdb_tables() WHERE NOT internal AND table_name <> 'gluelens_meta' ORDER BY 1`)
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
	out := map[string][]string{}
	for _, tbl := range tables {
		var q string
		switch tbl {
		case "ingest_manifest":
			// mtime differs by nature (file mtime vs LastModified), and
			// only S3 objects have ETags.
			// Insights files are ignored by the decoder when read from a
			// folder and never listed from S3.
			q = `SELECT replace(uri, ?, ''), size, content_sha256, kind, records_kept, records_skipped,
				records_bad, records_duplicate, status, error, decoded_sha256 FROM ingest_manifest
				WHERE uri NOT SIMILAR TO '.*/CloudTrail-Insight/.*'`
		case "cloudtrail_digest_log_files":
			q = `SELECT * EXCLUDE (digest_uri) FROM cloudtrail_digest_log_files WHERE ? IS NOT NULL`
		case "ingest_issues":
			q = `SELECT replace(uri, ?, ''), record, severity, message FROM ingest_issues`
		default:
			var hasURI bool
			if err := db.QueryRow(`SELECT count(*) > 0 FROM duckdb_columns() WHERE table_name = ? AND column_name = 'source_uri'`, tbl).Scan(&hasURI); err != nil {
				t.Fatal(err)
			}
			q = fmt.Sprintf(`SELECT * FROM %q WHERE ? IS NOT NULL`, tbl)
			if hasURI {
				q = fmt.Sprintf(`SELECT * EXCLUDE (source_uri) FROM %q WHERE ? IS NOT NULL`, tbl)
			}
		}
		lines, err := textRows(db, `SELECT CAST(t AS VARCHAR) FROM (`+q+`) t ORDER BY 1`, base)
		if err != nil {
			t.Fatalf("dumping %s: %v", tbl, err)
		}
		out[tbl] = lines
	}
	return out
}

func textRows(db *sql.DB, q string, args ...any) ([]string, error) {
	rows, err := db.Query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// diffLines lists the lines only one side has (at most 10).
func diffLines(got, want []string) []string {
	seen := map[string]int{}
	for _, l := range got {
		seen[l]++
	}
	for _, l := range want {
		seen[l]--
	}
	var out []string
	for l, n := range seen {
		if n > 0 {
			out = append(out, "only in S3:     "+l)
		} else if n < 0 {
			out = append(out, "only in folder: "+l)
		}
	}
	slices.Sort(out)
	return out[:min(len(out), 10)]
}

func TestPrintSummaryEscapesKeys(t *testing.T) {
	var b bytes.Buffer
	printSummary(&b, ingest.Summary{
		Failed:   1,
		Failures: []ingest.ObjectResult{{Err: fmt.Errorf("ingesting s3://b/evil\x1b[2J\x07.json: unexpected EOF")}},
		Warnings: []string{"s3://b/tab\there: 1 bad record(s)"},
	}, false)
	out := b.String()
	for _, want := range []string{`FAILED ingesting s3://b/evil\x1b[2J\x07.json: unexpected EOF`, `warning: s3://b/tab\x09here: 1 bad record(s)`} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if strings.ContainsAny(out, "\x1b\x07\t") {
		t.Errorf("control characters reached the terminal: %q", out)
	}
}

// retrySource is a source with a retry count and nothing to list.
type retrySource struct{}

func (retrySource) Walk(context.Context, func(ingest.Object) error) error { return nil }
func (retrySource) Open(context.Context, ingest.Object) (io.ReadCloser, error) {
	return nil, io.EOF
}
func (retrySource) Retries() int64 { return 7 }

func TestLiveProgress(t *testing.T) {
	var b bytes.Buffer
	p := &liveProgress{w: &b}
	src := &listingSource{Source: retrySource{}, seen: &p.listed}
	if src.Retries() != 7 {
		t.Errorf("listingSource hides the retry count")
	}
	p.listing()
	p.planned(3, 3000)
	for i := 0; i < 3; i++ {
		p.progress(ingest.Object{Size: 1000}, ingest.ObjectResult{})
	}
	if st := p.bar.State(); st.CurrentNum != 3000 || p.done != 3 {
		t.Errorf("live display at %d bytes, %d objects; want 3000, 3", st.CurrentNum, p.done)
	}
	p.finish()
	if !strings.Contains(b.String(), "/3 objects") {
		t.Errorf("live display never drawn: %q", b.String())
	}
}
