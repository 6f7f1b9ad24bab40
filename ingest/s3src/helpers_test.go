package s3src_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/s3src"
	"github.com/gluelens/gluelens/internal/fakes3"
	"github.com/gluelens/gluelens/internal/store"
	"github.com/gluelens/gluelens/internal/testutil"
)

// awsTestEnv points the default credential chain at fixed test credentials
// and away from this machine's AWS files and instance metadata.
const testSecret = "tEsTsEcReT/DoNotPrint+0123456789abcdefghij"

func awsTestEnv(t testing.TB) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAGLUELENSTEST0001")
	t.Setenv("AWS_SECRET_ACCESS_KEY", testSecret)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "no-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "no-credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_REGION", "us-east-1")
}

// startServer runs a fake S3 on loopback for the test.
func startServer(t testing.TB) *fakes3.Server {
	t.Helper()
	srv, err := fakes3.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// newClient builds a client for srv with quick retries.
func newClient(t testing.TB, srv *fakes3.Server) *s3src.Client {
	t.Helper()
	awsTestEnv(t)
	c, err := s3src.NewClient(context.Background(), s3src.Config{
		EndpointURL: srv.URL,
		Parallel:    4,
		MaxAttempts: 4,
		MaxBackoff:  5 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newSource(t testing.TB, c *s3src.Client, uri string, opt s3src.Options) *s3src.Source {
	t.Helper()
	s, err := s3src.New(c, uri, opt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func walkKeys(t testing.TB, s ingest.Source) []string {
	t.Helper()
	var keys []string
	err := s.Walk(context.Background(), func(o ingest.Object) error {
		keys = append(keys, o.Key)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// ctKey is a CloudTrail log file key in the real layout.
func ctKey(org, account, region string, delivered time.Time, n int) string {
	base := "AWSLogs/"
	if org != "" {
		base += org + "/"
	}
	return fmt.Sprintf("%s%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_%016X.json.gz",
		base, account, region, delivered.Format("2006/01/02"), account, region, delivered.Format("20060102T1504Z"), n)
}

// ctFile is a gzip CloudTrail log file with n records, some of them ENI
// calls; rng makes ids and padding deterministic.
func ctFile(rng *rand.Rand, account, region string, at time.Time, n int) []byte {
	names := []string{"DescribeInstances", "AssumeRole", "CreateNetworkInterface", "PutMetricData", "DeleteNetworkInterface", "GetBucketAcl"}
	var recs []map[string]any
	for i := 0; i < n; i++ {
		recs = append(recs, map[string]any{
			"eventVersion":       "1.08",
			"eventID":            fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", rng.Uint32(), rng.Uint32()&0xffff, rng.Uint32()&0xffff, rng.Uint32()&0xffff, rng.Uint64()&0xffffffffffff),
			"eventTime":          at.Add(-time.Duration(rng.IntN(600)) * time.Second).Format(time.RFC3339),
			"eventName":          names[rng.IntN(len(names))],
			"eventSource":        "ec2.amazonaws.com",
			"awsRegion":          region,
			"recipientAccountId": account,
			"requestID":          fmt.Sprintf("%016x%016x", rng.Uint64(), rng.Uint64()),
			"userAgent":          fmt.Sprintf("aws-sdk-go-v2/1.%d.%d", rng.IntN(40), rng.IntN(20)),
		})
	}
	body, err := json.Marshal(map[string]any{"Records": recs})
	if err != nil {
		panic(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(body)
	zw.Close()
	return buf.Bytes()
}

// corpus is a set of objects in their real key layout.
type corpus map[string][]byte

// evidenceCorpus holds CloudTrail files for two accounts, two regions and
// three days, an org trail, a digest and an Insights file, and real Spark
// event logs (a finished log, an .inprogress one and a rolling
// eventlog_v2_ folder) read in place from testdata/realdata.
func evidenceCorpus(t testing.TB) corpus {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 11))
	c := corpus{}
	day0 := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	n := 0
	for _, acct := range []string{"111111111111", "222222222222"} {
		for _, region := range []string{"us-east-1", "eu-west-1"} {
			for d := 0; d < 3; d++ {
				for f := 0; f < 2; f++ {
					at := day0.Add(time.Duration(d)*day + time.Duration(7+f*5)*time.Hour)
					n++
					c[ctKey("", acct, region, at, n)] = ctFile(rng, acct, region, at, 40+rng.IntN(40))
				}
			}
		}
	}
	at := day0.Add(30 * time.Hour)
	n++
	c[ctKey("o-abc123", "333333333333", "us-west-2", at, n)] = ctFile(rng, "333333333333", "us-west-2", at, 50)
	c["AWSLogs/111111111111/CloudTrail-Digest/us-east-1/2026/11/03/111111111111_CloudTrail-Digest_us-east-1_main_us-east-1_20261103T010000Z.json.gz"] = gz([]byte(`{"awsAccountId":"111111111111","digestStartTime":"2026-11-03T00:00:00Z","logFiles":[]}`))
	c["AWSLogs/111111111111/CloudTrail-Insight/us-east-1/2026/11/03/111111111111_CloudTrail-Insight_us-east-1_20261103T0100Z_AAAAAAAAAAAAAAAA.json.gz"] = gz([]byte(`{"Records":[{"eventVersion":"1.07","eventID":"insight-1","eventTime":"2026-11-03T01:00:00Z","eventName":"CreateNetworkInterface","insightDetails":{}}]}`))
	c["sparkui/spark-application-1700000000000"] = readReal(t, "spark-events", "app-20161115172038-0000")
	c["sparkui/spark-application-1700000100000.inprogress"] = readReal(t, "spark-events", "local-1426533911241")
	v2 := "sparkui/eventlog_v2_spark-application-1623876083964/"
	third := []string{"spark-events-thirdparty", "NVIDIA__spark-rapids-tools", "spark-events-qualification", "eventlog_v2_local-1623876083964"}
	c[v2+"events_1_spark-application-1623876083964.zstd"] = readReal(t, append(third, "events_1_local-1623876083964.zstd")...)
	c[v2+"events_2_spark-application-1623876083964.zstd"] = readReal(t, append(third, "events_2_local-1623876083964.zstd")...)
	return c
}

const day = 24 * time.Hour

func gz(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func readReal(t testing.TB, rel ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(testutil.RealData(t, rel...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (c corpus) upload(t testing.TB, srv *fakes3.Server, bucket string) {
	t.Helper()
	for k, v := range c {
		if err := srv.Put(bucket, k, v); err != nil {
			t.Fatal(err)
		}
	}
}

func (c corpus) writeDir(t testing.TB, dir string) {
	t.Helper()
	for k, v := range c {
		p := filepath.Join(dir, filepath.FromSlash(k))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, v, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// testCloudTrail is a minimal CloudTrail decoder for these tests: it keeps
// the ENI calls of {"Records":[...]} files as eni_events rows.
type testCloudTrail struct{}

func (testCloudTrail) Kind() string { return "test-cloudtrail" }

func (testCloudTrail) Sniff(key string, head []byte) bool {
	return bytes.HasPrefix(head, []byte(`{"Records"`))
}

func (testCloudTrail) Decode(ctx context.Context, in *ingest.Input, out ingest.Sink) error {
	var file struct {
		Records []struct {
			EventID, EventTime, EventName, AWSRegion, RecipientAccountID string
			InsightDetails                                               json.RawMessage
		}
	}
	if err := json.NewDecoder(in.R).Decode(&file); err != nil {
		return fmt.Errorf("decoding log file: %w", err)
	}
	for i, r := range file.Records {
		if r.InsightDetails != nil {
			return ingest.Ignore("Insights file")
		}
		if !strings.HasSuffix(r.EventName, "NetworkInterface") {
			out.SkipRecords(1)
			continue
		}
		at, err := time.Parse(time.RFC3339, r.EventTime)
		if err != nil {
			if err := out.Bad(int64(i), err); err != nil {
				return err
			}
			continue
		}
		if err := out.Append(&store.EniEvent{EventID: r.EventID, EventTime: at.UTC(), EventName: r.EventName,
			AccountID: &r.RecipientAccountID, Region: &r.AWSRegion, SourceURI: &in.URI, RecordIndex: store.Ptr(int32(i))}); err != nil {
			return err
		}
	}
	return nil
}

// testLines reads Spark event logs (JSON lines starting {"Event") and
// counts their lines as skipped records.
type testLines struct{}

func (testLines) Kind() string { return "test-lines" }

func (testLines) Sniff(key string, head []byte) bool {
	return bytes.HasPrefix(head, []byte(`{"Event"`))
}

func (testLines) Decode(ctx context.Context, in *ingest.Input, out ingest.Sink) error {
	sc := bufio.NewScanner(in.R)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		out.SkipRecords(1)
	}
	return sc.Err()
}

func testDecoders() []ingest.Decoder { return []ingest.Decoder{testCloudTrail{}, testLines{}} }

// groupRolling groups eventlog_v2_*/events_N_* parts, as the CLI does.
func groupRolling(key string) (string, int, bool) {
	i := strings.LastIndex(key, "/")
	if i < 0 {
		return "", 0, false
	}
	dir, file := key[:i], key[i+1:]
	if !strings.HasPrefix(dir[strings.LastIndex(dir, "/")+1:], "eventlog_v2_") || !strings.HasPrefix(file, "events_") {
		return "", 0, false
	}
	var n int
	fmt.Sscanf(strings.TrimPrefix(file, "events_"), "%d", &n)
	return dir, n, true
}
