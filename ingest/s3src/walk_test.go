package s3src_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/s3src"
	"github.com/gluelens/gluelens/internal/fakes3"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// listCalls renders the list requests as "prefix|delimiter", sorted.
func listCalls(srv *fakes3.Server) []string {
	var out []string
	for _, r := range srv.Lists() {
		out = append(out, r.Prefix+"|"+r.Delimiter)
	}
	slices.Sort(out)
	return out
}

func dayLists(prefixes []string, days ...string) []string {
	var out []string
	for _, p := range prefixes {
		for _, d := range days {
			out = append(out, p+d+"/|")
		}
	}
	return out
}

func TestWalkPrunesCloudTrailLayout(t *testing.T) {
	srv := startServer(t)
	c := evidenceCorpus(t)
	c.upload(t, srv, "ev")
	client := newClient(t, srv)
	sparkLists := []string{"sparkui/|/", "sparkui/eventlog_v2_spark-application-1623876083964/|/"}
	acct := func(a, r string) string { return "AWSLogs/" + a + "/CloudTrail/" + r + "/" }
	all := []string{acct("111111111111", "eu-west-1"), acct("111111111111", "us-east-1"), acct("222222222222", "eu-west-1"), acct("222222222222", "us-east-1")}
	org := "AWSLogs/o-abc123/333333333333/CloudTrail/us-west-2/"
	// Digest folders are listed beside CloudTrail/ (gluelens verify reads
	// them); only account 111111111111 has digests, in us-east-1.
	digestRoot := func(a string) string { return "AWSLogs/" + a + "/CloudTrail-Digest/|/" }
	digests := "AWSLogs/111111111111/CloudTrail-Digest/us-east-1/"
	// Files exist on 2026/11/02, 03 and 04 (07:00 and 12:00); the org
	// trail has one file on 2026/11/03.
	inDays := func(days ...string) func(string) bool {
		return func(k string) bool {
			if strings.HasPrefix(k, "sparkui/") {
				return true
			}
			for _, d := range days {
				if strings.Contains(k, "/"+d+"/") {
					return true
				}
			}
			return false
		}
	}
	tests := []struct {
		name      string
		uri       string
		opt       s3src.Options
		wantLists []string
		want      func(key string) bool
	}{
		{
			name:      "no window lists the prefix flat, keeps digests and drops Insights",
			uri:       "s3://ev/",
			wantLists: []string{"|"},
			want: func(k string) bool {
				return !strings.Contains(k, "CloudTrail-Insight/")
			},
		},
		{
			name: "window lists only its days with a day of slack",
			uri:  "s3://ev/",
			opt:  s3src.Options{From: utc("2026-11-05T00:00:00Z"), To: utc("2026-11-05T06:00:00Z")},
			wantLists: append(append(append([]string{
				"|/", "AWSLogs/|/", "AWSLogs/111111111111/CloudTrail/|/", "AWSLogs/222222222222/CloudTrail/|/",
				"AWSLogs/o-abc123/|/", "AWSLogs/o-abc123/333333333333/CloudTrail/|/",
				digestRoot("111111111111"), digestRoot("222222222222"), digestRoot("o-abc123/333333333333"),
			}, sparkLists...), dayLists(append(all, digests), "2026/11/04", "2026/11/05", "2026/11/06")...), dayLists([]string{org}, "2026/11/04", "2026/11/05", "2026/11/06")...),
			want: inDays("2026/11/04"),
		},
		{
			name: "account and region filters skip whole folders",
			uri:  "s3://ev/",
			opt:  s3src.Options{From: utc("2026-11-05T00:00:00Z"), To: utc("2026-11-05T06:00:00Z"), Accounts: []string{"222222222222"}, Regions: []string{"us-east-1"}},
			wantLists: append(append([]string{"|/", "AWSLogs/|/", "AWSLogs/o-abc123/|/"}, sparkLists...),
				dayLists([]string{acct("222222222222", "us-east-1"), "AWSLogs/222222222222/CloudTrail-Digest/us-east-1/"}, "2026/11/04", "2026/11/05", "2026/11/06")...),
			want: func(k string) bool {
				return strings.HasPrefix(k, "sparkui/") || strings.HasPrefix(k, acct("222222222222", "us-east-1")+"2026/11/04/")
			},
		},
		{
			name:      "org trail prefix",
			uri:       "s3://ev/AWSLogs/o-abc123/",
			opt:       s3src.Options{From: utc("2026-11-03T00:00:00Z"), To: utc("2026-11-04T00:00:00Z")},
			wantLists: append([]string{"AWSLogs/o-abc123/|/", "AWSLogs/o-abc123/333333333333/CloudTrail/|/", digestRoot("o-abc123/333333333333")}, dayLists([]string{org}, "2026/11/02", "2026/11/03", "2026/11/04")...),
			want:      func(k string) bool { return strings.HasPrefix(k, "AWSLogs/o-abc123/") },
		},
		{
			name:      "region prefix needs no discovery",
			uri:       "s3://ev/" + acct("111111111111", "us-east-1"),
			opt:       s3src.Options{From: utc("2026-11-03T00:00:00Z"), To: utc("2026-11-04T00:00:00Z")},
			wantLists: dayLists([]string{acct("111111111111", "us-east-1")}, "2026/11/02", "2026/11/03", "2026/11/04"),
			want:      func(k string) bool { return strings.HasPrefix(k, acct("111111111111", "us-east-1")) },
		},
		{
			name:      "month prefix keeps the window's days inside it",
			uri:       "s3://ev/" + acct("111111111111", "us-east-1") + "2026/11/",
			opt:       s3src.Options{From: utc("2026-10-31T12:00:00Z"), To: utc("2026-11-01T12:00:00Z")},
			wantLists: dayLists([]string{acct("111111111111", "us-east-1")}, "2026/11/01", "2026/11/02"),
			want:      func(k string) bool { return strings.HasPrefix(k, acct("111111111111", "us-east-1")+"2026/11/02/") },
		},
		{
			name: "partial key prefix is expanded",
			uri:  "s3://ev/AWSLogs/2",
			opt:  s3src.Options{From: utc("2026-11-05T00:00:00Z"), To: utc("2026-11-05T06:00:00Z")},
			wantLists: append([]string{"AWSLogs/2|/", "AWSLogs/222222222222/CloudTrail/|/", digestRoot("222222222222")},
				dayLists([]string{acct("222222222222", "eu-west-1"), acct("222222222222", "us-east-1")}, "2026/11/04", "2026/11/05", "2026/11/06")...),
			want: func(k string) bool {
				return strings.HasPrefix(k, "AWSLogs/222222222222/") && strings.Contains(k, "/2026/11/04/")
			},
		},
		{
			name: "only --to lists regions flat and filters by day",
			uri:  "s3://ev/AWSLogs/111111111111/",
			opt:  s3src.Options{To: utc("2026-11-03T00:00:00Z")},
			wantLists: []string{"AWSLogs/111111111111/CloudTrail/|/", acct("111111111111", "eu-west-1") + "|", acct("111111111111", "us-east-1") + "|",
				digestRoot("111111111111"), digests + "|"},
			want: func(k string) bool {
				return (strings.HasPrefix(k, "AWSLogs/111111111111/CloudTrail/") || strings.HasPrefix(k, digests)) && !strings.Contains(k, "/2026/11/04/")
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv.ResetRequests()
			got := walkKeys(t, newSource(t, client, tc.uri, tc.opt))
			wantLists := slices.Clone(tc.wantLists)
			slices.Sort(wantLists)
			if lists := listCalls(srv); !slices.Equal(lists, wantLists) {
				t.Errorf("list calls:\n got %q\nwant %q", lists, wantLists)
			}
			var want []string
			for k := range c {
				if strings.HasPrefix(k, strings.TrimPrefix(tc.uri, "s3://ev/")) && tc.want(k) {
					want = append(want, k)
				}
			}
			slices.Sort(want)
			gotSorted := slices.Sorted(slices.Values(got))
			if !slices.Equal(gotSorted, want) {
				t.Errorf("keys:\n got %q\nwant %q", gotSorted, want)
			}
			if len(srv.Gets()) != 0 {
				t.Errorf("listing fetched %d objects", len(srv.Gets()))
			}
		})
	}
}

// TestWalkOrgTrailMonth checks that a month of a 50-account org trail is
// read by listing its days, not the bucket: one discovery call per level and
// account, then one call per account, region and day of the window; no
// listing outside them.
func TestWalkOrgTrailMonth(t *testing.T) {
	srv := startServer(t)
	client := newClient(t, srv)
	const accounts = 50
	regions := []string{"eu-west-1", "us-east-1"}
	// Three months of files: every day from October 31 to December 1 (the
	// window with its slack), every tenth day outside it.
	start := utc("2026-10-01T09:00:00Z")
	total := 0
	for a := 0; a < accounts; a++ {
		for _, r := range regions {
			for d := 0; d < 92; d++ {
				at := start.Add(time.Duration(d) * day)
				if (at.Before(utc("2026-10-31T00:00:00Z")) || at.After(utc("2026-12-02T00:00:00Z"))) && d%10 != 0 {
					continue
				}
				key := ctKey("o-abc123", fmt.Sprintf("%012d", 100000000000+a), r, at, d)
				if err := srv.Put("org", key, []byte("x")); err != nil {
					t.Fatal(err)
				}
				total++
			}
		}
	}
	srv.ResetRequests()
	keys := walkKeys(t, newSource(t, client, "s3://org/", s3src.Options{From: utc("2026-11-01T00:00:00Z"), To: utc("2026-12-01T00:00:00Z")}))
	// October 31 to December 1: 32 day folders per account and region.
	if want := accounts * len(regions) * 32; len(keys) != want {
		t.Errorf("kept %d of %d objects, want %d", len(keys), total, want)
	}
	lists := srv.Lists()
	// One more discovery call per account: its (empty) CloudTrail-Digest/.
	if want := 3 + 2*accounts + accounts*len(regions)*32; len(lists) != want {
		t.Errorf("%d list calls, want %d", len(lists), want)
	}
	for _, l := range lists {
		if l.Delimiter == "" && !strings.Contains(l.Prefix, "/CloudTrail/") {
			t.Errorf("flat listing outside the day folders: %q", l.Prefix)
		}
	}
	if !slices.IsSorted(keys) {
		t.Error("keys not in a stable sorted order")
	}
}

// TestCredentialSources checks where credentials and the region come from:
// the environment, a named profile in the shared files, or none at all
// (--no-sign-request).
func TestCredentialSources(t *testing.T) {
	srv := startServer(t)
	if err := srv.Put("b", "k.json", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	awsTestEnv(t)
	dir := t.TempDir()
	cfgFile, credFile := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	os.WriteFile(cfgFile, []byte("[profile forensics]\nregion = eu-central-1\n"), 0o600)
	os.WriteFile(credFile, []byte("[forensics]\naws_access_key_id = AKIAPROFILEKEY000001\naws_secret_access_key = profile-secret\n"), 0o600)
	t.Setenv("AWS_CONFIG_FILE", cfgFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credFile)
	tests := []struct {
		name          string
		cfg           s3src.Config
		env           map[string]string
		keyID, region string
	}{
		{name: "environment", keyID: "AKIAGLUELENSTEST0001", region: "us-east-1"},
		{name: "flag region wins", cfg: s3src.Config{Region: "ap-southeast-2"}, keyID: "AKIAGLUELENSTEST0001", region: "ap-southeast-2"},
		{name: "profile", cfg: s3src.Config{Profile: "forensics"}, env: map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_REGION": ""}, keyID: "AKIAPROFILEKEY000001", region: "eu-central-1"},
		{name: "unsigned", cfg: s3src.Config{Anonymous: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			tc.cfg.EndpointURL = srv.URL
			c, err := s3src.NewClient(context.Background(), tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			srv.ResetRequests()
			if keys := walkKeys(t, newSource(t, c, "s3://b/", s3src.Options{})); len(keys) != 1 {
				t.Fatalf("listed %q", keys)
			}
			r := srv.Lists()[0]
			if r.AccessKeyID != tc.keyID || r.SigningRegion != tc.region {
				t.Errorf("signed with key %q in %q, want %q in %q", r.AccessKeyID, r.SigningRegion, tc.keyID, tc.region)
			}
		})
	}
}

// TestBucketInAnotherRegion: S3 answers a request signed for the wrong
// region with the bucket's region; the source switches to it once.
func TestBucketInAnotherRegion(t *testing.T) {
	srv := startServer(t)
	c := evidenceCorpus(t)
	c.upload(t, srv, "far")
	srv.SetBucketRegion("far", "ap-northeast-1")
	src := newSource(t, newClient(t, srv), "s3://far/AWSLogs/111111111111/CloudTrail/us-east-1/", s3src.Options{})
	keys := walkKeys(t, src)
	if len(keys) != 6 {
		t.Fatalf("listed %d keys, want 6", len(keys))
	}
	rc, err := src.Open(context.Background(), ingest.Object{Key: keys[0], Size: int64(len(c[keys[0]]))})
	if err != nil {
		t.Fatal(err)
	}
	rc.Close()
	var regions []string
	for _, r := range srv.Requests() {
		regions = append(regions, r.SigningRegion)
	}
	if want := []string{"us-east-1", "ap-northeast-1", "ap-northeast-1"}; !slices.Equal(regions, want) {
		t.Errorf("signing regions %q, want %q", regions, want)
	}
}

// TestWalkManyFoldersOutsideAWSLogs: a folder with more subfolders than
// the discovery fan-out and no AWSLogs/ among them (a Spark event-log
// folder with one eventlog_v2_ folder per application) is listed flat in one
// go, not folder by folder.
func TestWalkManyFoldersOutsideAWSLogs(t *testing.T) {
	srv := startServer(t)
	var want []string
	for i := 0; i < 70; i++ {
		for part := 1; part <= 2; part++ {
			k := fmt.Sprintf("sparkui/eventlog_v2_spark-application-%d/events_%d_spark-application-%d", 1700000000000+i, part, 1700000000000+i)
			srv.Put("b", k, []byte("{}"))
			want = append(want, k)
		}
	}
	ct := ctKey("", "111111111111", "us-east-1", utc("2026-11-02T07:00:00Z"), 1)
	srv.Put("b", ct, []byte("x"))
	want = append(want, ct)
	slices.Sort(want)
	src := newSource(t, newClient(t, srv), "s3://b/", s3src.Options{From: utc("2026-11-02T00:00:00Z"), To: utc("2026-11-03T00:00:00Z")})
	got := slices.Sorted(slices.Values(walkKeys(t, src)))
	if !slices.Equal(got, want) {
		t.Errorf("listed %d keys, want %d", len(got), len(want))
	}
	day := func(d string) string { return "AWSLogs/111111111111/CloudTrail/us-east-1/2026/11/" + d + "/|" }
	wantLists := []string{"|/", "AWSLogs/|/", "AWSLogs/111111111111/CloudTrail/|/", "AWSLogs/111111111111/CloudTrail-Digest/|/", day("01"), day("02"), day("03"), "sparkui/|", "sparkui/|/"}
	slices.Sort(wantLists)
	if lists := listCalls(srv); !slices.Equal(lists, wantLists) {
		t.Errorf("list calls:\n got %q\nwant %q", lists, wantLists)
	}
}
