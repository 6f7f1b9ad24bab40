package integrity_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gluelens/gluelens/analysis/integrity"
	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/cloudtrail"
	"github.com/gluelens/gluelens/ingest/ctdigest"
	"github.com/gluelens/gluelens/ingest/localsrc"
	"github.com/gluelens/gluelens/internal/store"
	"github.com/gluelens/gluelens/internal/trailfixture"
)

// verifyDir ingests dir into a fresh database and verifies window w.
func verifyDir(t *testing.T, dir string, w integrity.Window) *integrity.Result {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "db.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	src, err := localsrc.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := ingest.Run(ctx, st, []ingest.Source{src}, ingest.Options{
		Decoders: []ingest.Decoder{ctdigest.Digest{}, ctdigest.PublicKeys{}, cloudtrail.New()}, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Failed != 0 {
		t.Fatalf("ingest: %+v", sum)
	}
	res, err := integrity.Verify(ctx, st, w)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// problem is a problem as the tests state it: kind and object, with the
// object a stored key (rel) or an absent S3 key.
type problem struct{ kind, object string }

func got(res *integrity.Result, dir string) []problem {
	var out []problem
	for _, p := range res.Problems {
		out = append(out, problem{p.Kind, filepath.ToSlash(strings.TrimPrefix(p.Object, dir+string(filepath.Separator)))})
	}
	return out
}

func edit(t *testing.T, tr *trailfixture.Trail, key string, f func([]byte) []byte) {
	t.Helper()
	b, err := tr.Decompressed(key)
	if err != nil {
		t.Fatal(err)
	}
	nb := f(b)
	if bytes.Equal(nb, b) {
		t.Fatalf("edit of %s changed nothing", key)
	}
	tr.Files[key] = trailfixture.Gzip(nb)
}

// TestVerifyKinds tampers with a six-hour trail one way at a time and
// checks the exact problems: each kind names the object docs/verify.md
// says. Locally the newest digest's signature is unknown, so every case
// also has unverified_signature on hour 5's digest.
func TestVerifyKinds(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(t *testing.T, tr *trailfixture.Trail)
		want   func(tr *trailfixture.Trail) []problem
	}{
		{
			name:   "untouched",
			tamper: func(*testing.T, *trailfixture.Trail) {},
			want:   func(*trailfixture.Trail) []problem { return nil },
		},
		{
			name: "re-compressed with the same content is fine",
			tamper: func(t *testing.T, tr *trailfixture.Trail) {
				k := tr.Hours[1].Logs[0]
				z := trailfixture.Gzip(mustDecompress(t, tr, k))
				z[4] = 1 // another gzip MTIME: other stored bytes, same content
				if bytes.Equal(z, tr.Files[k]) {
					t.Fatal("re-compressing changed nothing")
				}
				tr.Files[k] = z
			},
			want: func(*trailfixture.Trail) []problem { return nil },
		},
		{
			name: "altered log file",
			tamper: func(t *testing.T, tr *trailfixture.Trail) {
				edit(t, tr, tr.Hours[1].Logs[0], func(b []byte) []byte { return bytes.Replace(b, []byte("GetObject"), []byte("PutObject"), 1) })
			},
			want: func(tr *trailfixture.Trail) []problem {
				return []problem{{integrity.HashMismatch, tr.Hours[1].Logs[0]}}
			},
		},
		{
			name:   "deleted log file",
			tamper: func(t *testing.T, tr *trailfixture.Trail) { delete(tr.Files, tr.Hours[2].Logs[1]) },
			want: func(tr *trailfixture.Trail) []problem {
				return []problem{{integrity.MissingLogFile, tr.Hours[2].Logs[1]}}
			},
		},
		{
			name: "added log file",
			tamper: func(t *testing.T, tr *trailfixture.Trail) {
				k, b := tr.LogFile(tr.Hours[3].Start.Add(30*time.Minute), "injected00000001", 1)
				tr.Files[k] = trailfixture.Gzip(b)
			},
			want: func(tr *trailfixture.Trail) []problem {
				k, _ := tr.LogFile(tr.Hours[3].Start.Add(30*time.Minute), "injected00000001", 1)
				return []problem{{integrity.UnlistedLogFile, k}}
			},
		},
		{
			name: "log file added after the last digest is not reported",
			tamper: func(t *testing.T, tr *trailfixture.Trail) {
				k, b := tr.LogFile(tr.Hours[5].End.Add(30*time.Minute), "late000000000001", 1)
				tr.Files[k] = trailfixture.Gzip(b)
			},
			want: func(*trailfixture.Trail) []problem { return nil },
		},
		{
			name: "altered digest",
			tamper: func(t *testing.T, tr *trailfixture.Trail) {
				edit(t, tr, tr.Hours[2].Digest, func(b []byte) []byte { return bytes.Replace(b, []byte(`"logFiles":[`), []byte(`"logFiles": [`), 1) })
			},
			want: func(tr *trailfixture.Trail) []problem {
				return []problem{{integrity.ChainBreak, tr.Hours[3].Digest}, {integrity.BadSignature, tr.Hours[2].Digest}}
			},
		},
		{
			name:   "deleted digest",
			tamper: func(t *testing.T, tr *trailfixture.Trail) { delete(tr.Files, tr.Hours[4].Digest) },
			want: func(tr *trailfixture.Trail) []problem {
				// Hour 4's log files are in no digest's hours now: not
				// reported, but counted as uncovered.
				return []problem{{integrity.MissingDigest, tr.Hours[4].Digest}, {integrity.UnverifiedSignature, tr.Hours[3].Digest}}
			},
		},
		{
			name: "digest replaced by one signed with another key",
			tamper: func(t *testing.T, tr *trailfixture.Trail) {
				other, err := trailfixture.New(1, 0)
				if err != nil {
					t.Fatal(err)
				}
				// The trail's own key signed hour 0; sign the successor's
				// view of it with another key.
				b, _ := tr.Decompressed(tr.Hours[1].Digest)
				sig, err := other.Sign(tr.Hours[0].End.Format(time.RFC3339), tr.Hours[0].Digest, mustDecompress(t, tr, tr.Hours[0].Digest), nil)
				if err != nil {
					t.Fatal(err)
				}
				old := tr.Meta[tr.Hours[0].Digest]["signature"]
				tr.Files[tr.Hours[1].Digest] = trailfixture.Gzip(bytes.Replace(b, []byte(old), []byte(sig), 1))
			},
			want: func(tr *trailfixture.Trail) []problem {
				// Hour 1's digest changed too: its successor's link breaks and
				// its own signature fails.
				return []problem{{integrity.ChainBreak, tr.Hours[2].Digest}, {integrity.BadSignature, tr.Hours[0].Digest}, {integrity.BadSignature, tr.Hours[1].Digest}}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := trailfixture.New(6, 3)
			if err != nil {
				t.Fatal(err)
			}
			tc.tamper(t, tr)
			dir := t.TempDir()
			if err := tr.WriteDir(dir); err != nil {
				t.Fatal(err)
			}
			res := verifyDir(t, dir, integrity.Window{})
			want := append(tc.want(tr), problem{integrity.UnverifiedSignature, tr.Hours[5].Digest})
			slices.SortFunc(want, func(a, b problem) int {
				if c := slices.Index(integrity.Kinds, a.kind) - slices.Index(integrity.Kinds, b.kind); c != 0 {
					return c
				}
				return strings.Compare(a.object, b.object)
			})
			if g := got(res, dir); !slices.Equal(g, want) {
				t.Errorf("problems:\n got %v\nwant %v", g, want)
				for _, p := range res.Problems {
					t.Log(p)
				}
			}
			if res.Digests != 6-len(filterKind(want, integrity.MissingDigest)) {
				t.Errorf("%d digests checked", res.Digests)
			}
		})
	}
}

func filterKind(ps []problem, kind string) []problem {
	var out []problem
	for _, p := range ps {
		if p.kind == kind {
			out = append(out, p)
		}
	}
	return out
}

func mustDecompress(t *testing.T, tr *trailfixture.Trail, key string) []byte {
	t.Helper()
	b, err := tr.Decompressed(key)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestVerifyWindow: a window that ends where the newest digest's hour
// starts is proven complete locally (every digest in it has a successor
// that carries its signature); counts are the trail's own.
func TestVerifyWindow(t *testing.T) {
	tr, err := trailfixture.New(6, 3)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := tr.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	res := verifyDir(t, dir, integrity.Window{To: tr.Hours[5].Start})
	if !res.Complete() || res.Digests != 5 || res.Verified != 5 || res.LogFiles != 15 || res.Matched != 15 {
		t.Errorf("window before the newest digest: %+v; want complete, 5 digests verified, 15 log files matched", res)
	}
	s := res.Summary()
	if s.State != integrity.StateComplete || len(s.Problems) != 0 {
		t.Errorf("summary %+v", s)
	}
	res = verifyDir(t, dir, integrity.Window{From: tr.Hours[2].Start, To: tr.Hours[3].End})
	if !res.Complete() || res.Digests != 2 || res.LogFiles != 6 {
		t.Errorf("hours 2 and 3: %+v; want complete, 2 digests, 6 log files", res)
	}
}

// TestVerifyWithoutKeys: digests whose key is not in the evidence cannot
// be verified, and say which key is wanted.
func TestVerifyWithoutKeys(t *testing.T) {
	tr, err := trailfixture.New(2, 1)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := tr.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "public-keys.json")); err != nil {
		t.Fatal(err)
	}
	res := verifyDir(t, dir, integrity.Window{})
	if len(res.Problems) != 2 || res.Problems[0].Kind != integrity.UnverifiedSignature || !strings.Contains(res.Problems[0].Detail, tr.Fingerprint()) {
		t.Errorf("problems %+v; want unverified_signature on both digests naming %s", res.Problems, tr.Fingerprint())
	}
}

// TestVerifyNoDigests: log files alone prove nothing.
func TestVerifyNoDigests(t *testing.T) {
	tr, err := trailfixture.New(2, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range tr.Hours {
		delete(tr.Files, h.Digest)
	}
	dir := t.TempDir()
	if err := tr.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	res := verifyDir(t, dir, integrity.Window{})
	if s := res.Summary(); s.State != integrity.StateNoDigests || len(res.Problems) != 0 || len(res.Uncovered) != 4 {
		t.Errorf("summary %+v, %d uncovered; want no_digests, 4 uncovered", s, len(res.Uncovered))
	}
}

// TestSigningStringOfAWSSample: the string to sign for AWS's documented
// sample digest has the four documented lines, with the previous signature
// verbatim.
func TestSigningStringOfAWSSample(t *testing.T) {
	prev := "50887ccf"
	got := integrity.SigningString("2015-08-17T15:01:31Z", "S3-bucket-name", "AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/x.json.gz", "abc", &prev)
	want := "2015-08-17T15:01:31Z\nS3-bucket-name/AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/x.json.gz\nabc\n50887ccf"
	if got != want {
		t.Errorf("got %q want %q", got, want)
	}
	if got := integrity.SigningString("t", "b", "k", "h", nil); got != "t\nb/k\nh\nnull" {
		t.Errorf("starting digest: %q", got)
	}
}
