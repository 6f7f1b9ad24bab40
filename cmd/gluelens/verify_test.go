package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gluelens/gluelens/internal/fakes3"
	"github.com/gluelens/gluelens/internal/synth"
	"github.com/gluelens/gluelens/internal/trailfixture"
)

// tamperedTrail is a six-hour trail with one of each tampering: hour 1's
// first log file altered, hour 2's second deleted, a log file added in
// hour 3, hour 2's digest altered (a space added: same JSON, other bytes),
// hour 4's digest deleted.
func tamperedTrail(t *testing.T) (*trailfixture.Trail, string) {
	t.Helper()
	tr, err := trailfixture.New(6, 3)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(key string, old, new string) {
		b, err := tr.Decompressed(key)
		if err != nil {
			t.Fatal(err)
		}
		nb := bytes.Replace(b, []byte(old), []byte(new), 1)
		if bytes.Equal(nb, b) {
			t.Fatalf("editing %s changed nothing", key)
		}
		tr.Files[key] = trailfixture.Gzip(nb)
	}
	edit(tr.Hours[1].Logs[0], "GetObject", "PutObject")
	delete(tr.Files, tr.Hours[2].Logs[1])
	added, content := tr.LogFile(tr.Hours[3].Start.Add(30*time.Minute), "injected00000001", 1)
	tr.Files[added] = trailfixture.Gzip(content)
	edit(tr.Hours[2].Digest, `"logFiles":[`, `"logFiles": [`)
	delete(tr.Files, tr.Hours[4].Digest)
	return tr, added
}

type verifyRow struct {
	Kind   string `json:"kind"`
	Object string `json:"object"`
	Digest string `json:"digest"`
	Detail string `json:"detail"`
}

func verifyJSON(t *testing.T, db string, args ...string) ([]verifyRow, string, int) {
	t.Helper()
	out, errOut, code := runGluelens(append([]string{"--db", db, "verify", "--format", "json"}, args...)...)
	var rows []verifyRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("verify output is not JSON: %v\n%s\n%s", err, out, errOut)
	}
	return rows, errOut, code
}

func kindsAndObjects(rows []verifyRow) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Kind+" "+r.Object)
	}
	return out
}

// TestVerifyLocalTrail: a tampered trail downloaded to a folder gives one
// row per problem, each naming the object docs/verify.md says, and exit 5;
// the newest digest and the one before the missing digest are unverified
// (their signatures live only in S3 metadata). The untouched trail is
// proven complete up to the newest digest's hour (exit 0), and without its
// digests cannot be proven at all (exit 7).
func TestVerifyLocalTrail(t *testing.T) {
	tr, added := tamperedTrail(t)
	dir := t.TempDir()
	if err := tr.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "db.duckdb")
	if _, errOut, code := runGluelens("--db", db, "ingest", "--quiet", dir); code != exitOK {
		t.Fatalf("ingest: exit %d: %s", code, errOut)
	}
	rows, errOut, code := verifyJSON(t, db)
	at := func(key string) string { return filepath.Join(dir, filepath.FromSlash(key)) }
	want := []string{
		"hash_mismatch " + at(tr.Hours[1].Logs[0]),
		"missing_log_file " + tr.Hours[2].Logs[1],
		"unlisted_log_file " + at(added),
		"missing_digest " + tr.Hours[4].Digest,
		"chain_break " + at(tr.Hours[3].Digest),
		"bad_signature " + at(tr.Hours[2].Digest),
		"unverified_signature " + at(tr.Hours[3].Digest),
		"unverified_signature " + at(tr.Hours[5].Digest),
	}
	if got := kindsAndObjects(rows); !slices.Equal(got, want) || code != exitIntegrity {
		t.Errorf("exit %d, rows:\n%s\nwant exit %d, rows:\n%s\nstderr: %s", code, strings.Join(got, "\n"), exitIntegrity, strings.Join(want, "\n"), errOut)
	}
	if !strings.Contains(errOut, "8 problem(s): 1 hash_mismatch, 1 missing_log_file, 1 unlisted_log_file, 1 missing_digest, 1 chain_break, 1 bad_signature, 2 unverified_signature") {
		t.Errorf("stderr does not sum the problems up:\n%s", errOut)
	}

	clean, err := trailfixture.New(6, 3)
	if err != nil {
		t.Fatal(err)
	}
	cleanDir := t.TempDir()
	if err := clean.WriteDir(cleanDir); err != nil {
		t.Fatal(err)
	}
	cleanDB := filepath.Join(t.TempDir(), "clean.duckdb")
	if _, errOut, code := runGluelens("--db", cleanDB, "ingest", "--quiet", cleanDir); code != exitOK {
		t.Fatalf("ingest: exit %d: %s", code, errOut)
	}
	to := clean.Hours[5].Start.Format(time.RFC3339)
	if rows, errOut, code := verifyJSON(t, cleanDB, "--to", to); code != exitOK || len(rows) != 0 ||
		!strings.Contains(errOut, "5 digest file(s), 5 signature(s) verified; 15 listed log file(s) present, 15 with the listed hash") {
		t.Errorf("clean trail --to %s: exit %d, %d rows, stderr %s", to, code, len(rows), errOut)
	}
	if rows, _, code := verifyJSON(t, cleanDB); code != exitIntegrity || len(rows) != 1 || rows[0].Kind != "unverified_signature" {
		t.Errorf("clean trail, whole evidence: exit %d, rows %+v; want 5 and the newest digest unverified", code, rows)
	}

	// Log files alone: nothing proves them complete.
	for _, h := range clean.Hours {
		delete(clean.Files, h.Digest)
	}
	bareDir := t.TempDir()
	if err := clean.WriteDir(bareDir); err != nil {
		t.Fatal(err)
	}
	bareDB := filepath.Join(t.TempDir(), "bare.duckdb")
	if _, errOut, code := runGluelens("--db", bareDB, "ingest", "--quiet", bareDir); code != exitOK {
		t.Fatalf("ingest: exit %d: %s", code, errOut)
	}
	if _, errOut, code := verifyJSON(t, bareDB); code != exitEvidence || !strings.Contains(errOut, "no CloudTrail digest file covers the window") {
		t.Errorf("no digests: exit %d, stderr %s; want %d", code, errOut, exitEvidence)
	}
}

// TestVerifyS3Trail: the same tampered trail in a loopback S3, read
// through the real SDK with each digest's x-amz-meta-signature: the
// digests whose signature was unknown locally verify from their metadata,
// everything else is found as locally. The untouched trail from S3 is
// proven complete with no window at all (exit 0).
func TestVerifyS3Trail(t *testing.T) {
	cliAWSEnv(t)
	srv, err := fakes3.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	upload := func(bucket string, tr *trailfixture.Trail) {
		for _, k := range tr.Keys() {
			if err := srv.PutWithMetadata(bucket, k, tr.Files[k], tr.Meta[k]); err != nil {
				t.Fatal(err)
			}
		}
		if err := srv.Put(bucket, "keys/public-keys.json", tr.PublicKeys()); err != nil {
			t.Fatal(err)
		}
	}
	tr, added := tamperedTrail(t)
	upload("tampered", tr)
	db := filepath.Join(t.TempDir(), "db.duckdb")
	if _, errOut, code := runGluelens("--db", db, "ingest", "--quiet", "s3://tampered/", "--endpoint-url", srv.URL); code != exitOK {
		t.Fatalf("ingest: exit %d: %s", code, errOut)
	}
	rows, errOut, code := verifyJSON(t, db)
	s3 := func(key string) string { return "s3://tampered/" + key }
	want := []string{
		"hash_mismatch " + s3(tr.Hours[1].Logs[0]),
		"missing_log_file " + tr.Hours[2].Logs[1],
		"unlisted_log_file " + s3(added),
		"missing_digest " + tr.Hours[4].Digest,
		"chain_break " + s3(tr.Hours[3].Digest),
		"bad_signature " + s3(tr.Hours[2].Digest),
	}
	if got := kindsAndObjects(rows); !slices.Equal(got, want) || code != exitIntegrity {
		t.Errorf("exit %d, rows:\n%s\nwant exit %d, rows:\n%s\nstderr: %s", code, strings.Join(got, "\n"), exitIntegrity, strings.Join(want, "\n"), errOut)
	}
	for _, r := range rows {
		if r.Kind == "bad_signature" && !strings.Contains(r.Detail, "x-amz-meta-signature") && !strings.Contains(r.Detail, "previousDigestSignature") {
			t.Errorf("bad_signature does not say which signature failed: %s", r.Detail)
		}
	}

	clean, err := trailfixture.New(4, 2)
	if err != nil {
		t.Fatal(err)
	}
	upload("clean", clean)
	cleanDB := filepath.Join(t.TempDir(), "clean.duckdb")
	if _, errOut, code := runGluelens("--db", cleanDB, "ingest", "--quiet", "s3://clean/", "--endpoint-url", srv.URL); code != exitOK {
		t.Fatalf("ingest: exit %d: %s", code, errOut)
	}
	if rows, errOut, code := verifyJSON(t, cleanDB); code != exitOK || len(rows) != 0 ||
		!strings.Contains(errOut, "4 digest file(s), 4 signature(s) verified; 8 listed log file(s) present, 8 with the listed hash") {
		t.Errorf("clean trail from S3: exit %d, rows %+v, stderr %s", code, rows, errOut)
	}
}

// TestVerifySynthTamperedTrail runs verify over a synth trail damaged in
// every way --tamper knows and compares with the truth synth wrote (its
// own simulation of AWS, not this code): the same (kind, object) pairs
// from a folder; from S3, where every present digest carries its
// x-amz-meta-signature, the same less the unverified_signature rows (the
// newest digest, and the one before the deleted digest, verify there).
func TestVerifySynthTamperedTrail(t *testing.T) {
	cliAWSEnv(t)
	root := t.TempDir()
	dir := filepath.Join(root, "trail")
	tamper := "delete-log=2,alter-log=1,recompress-log=1,add-log=1,delete-digest=1,alter-digest=2"
	if _, errOut, code := runGluelens("synth", "ip-exhaustion", "--out", dir, "--seed", "3", "--eni-share", "0", "--digests", "--tamper", tamper); code != exitOK {
		t.Fatalf("synth: exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(dir + ".truth.json")
	if err != nil {
		t.Fatal(err)
	}
	var truth struct {
		Integrity synth.IntegrityTruth `json:"integrity"`
	}
	if err := json.Unmarshal(b, &truth); err != nil {
		t.Fatal(err)
	}
	var want, wantS3 []string
	for _, p := range truth.Integrity.Problems {
		want = append(want, p.Kind+" "+p.Object)
		// From S3 every present digest's signature is known (the newest's
		// and the one's before a missing digest alike).
		if p.Kind != "unverified_signature" {
			wantS3 = append(wantS3, p.Kind+" "+p.Object)
		}
	}
	slices.Sort(want)
	slices.Sort(wantS3)
	if len(want) < 9 {
		t.Fatalf("the truth lists %d problems: %v", len(want), want)
	}
	rel := func(rows []verifyRow, base string) []string {
		var out []string
		for _, r := range rows {
			out = append(out, r.Kind+" "+strings.TrimPrefix(filepath.ToSlash(r.Object), base))
		}
		slices.Sort(out)
		return out
	}

	db := filepath.Join(root, "db.duckdb")
	if _, errOut, code := runGluelens("--db", db, "ingest", "--quiet", dir); code != exitOK {
		t.Fatalf("ingest: exit %d: %s", code, errOut)
	}
	rows, errOut, code := verifyJSON(t, db)
	if got := rel(rows, filepath.ToSlash(dir)+"/"); !slices.Equal(got, want) || code != exitIntegrity {
		t.Errorf("from the folder: exit %d\n got %s\nwant %s\n%s", code, strings.Join(got, "\n     "), strings.Join(want, "\n     "), errOut)
	}

	// The same tree in S3, with each digest's signature (the truth's, as
	// AWS stores it) as x-amz-meta-signature.
	srv, err := fakes3.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		key, _ := filepath.Rel(dir, p)
		key = filepath.ToSlash(key)
		var meta map[string]string
		for _, dg := range truth.Integrity.Digests {
			if dg.Key == key {
				meta = map[string]string{"signature": dg.Signature, "signature-algorithm": "SHA256withRSA"}
			}
		}
		return srv.PutWithMetadata("trail", key, data, meta)
	}); err != nil {
		t.Fatal(err)
	}
	s3DB := filepath.Join(root, "s3.duckdb")
	if _, errOut, code := runGluelens("--db", s3DB, "ingest", "--quiet", "s3://trail/", "--endpoint-url", srv.URL); code != exitOK {
		t.Fatalf("ingest from S3: exit %d: %s", code, errOut)
	}
	rows, errOut, code = verifyJSON(t, s3DB)
	if got := rel(rows, "s3://trail/"); !slices.Equal(got, wantS3) || code != exitIntegrity {
		t.Errorf("from S3: exit %d\n got %s\nwant %s\n%s", code, strings.Join(got, "\n     "), strings.Join(wantS3, "\n     "), errOut)
	}
}

// TestReportsShowCloudTrailIntegrity: a report says what the digest files
// prove about its window. A clean synth trail's incident window is proven
// complete; a trail damaged every way --tamper knows gives, over a window
// covering the whole trail, the problems per kind that synth's truth (its
// own simulation of AWS) lists; a trail without digests is "not
// verifiable".
func TestReportsShowCloudTrailIntegrity(t *testing.T) {
	cliAWSEnv(t)
	type summary struct {
		State    string `json:"state"`
		Digests  int    `json:"digests"`
		Problems []struct {
			Kind  string `json:"kind"`
			Count int    `json:"count"`
		} `json:"problems"`
	}
	report := func(db string, args ...string) (summary, string) {
		t.Helper()
		var s summary
		out, errOut, code := runGluelens(append([]string{"--db", db, "report"}, append(args, "--format", "json")...)...)
		if code != exitOK {
			t.Fatalf("report %v: exit %d: %s", args, code, errOut)
		}
		var r struct {
			Header struct {
				Integrity *summary `json:"cloudtrail_integrity"`
			} `json:"header"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil || r.Header.Integrity == nil {
			t.Fatalf("report %v: no cloudtrail_integrity (%v)", args, err)
		}
		s = *r.Header.Integrity
		md, errOut, code := runGluelens(append([]string{"--db", db, "report"}, append(args, "--format", "md")...)...)
		if code != exitOK {
			t.Fatalf("report %v --format md: exit %d: %s", args, code, errOut)
		}
		return s, md
	}
	ingest := func(synthArgs ...string) (db, dir string) {
		t.Helper()
		root := t.TempDir()
		dir = filepath.Join(root, "trail")
		if _, errOut, code := runGluelens(append([]string{"synth", "ip-exhaustion", "--out", dir, "--eni-share", "0"}, synthArgs...)...); code != exitOK {
			t.Fatalf("synth: exit %d: %s", code, errOut)
		}
		db = filepath.Join(root, "db.duckdb")
		if _, errOut, code := runGluelens("--db", db, "ingest", "--quiet", dir); code != exitOK {
			t.Fatalf("ingest: exit %d: %s", code, errOut)
		}
		return db, dir
	}

	clean, _ := ingest("--seed", "1", "--digests")
	s, md := report(clean, "incident", "--at", "2026-11-02 06:05")
	if s.State != "complete" || s.Digests == 0 || len(s.Problems) != 0 {
		t.Errorf("clean trail, incident window: %+v, want complete with no problems", s)
	}
	if !strings.Contains(md, "CloudTrail evidence verified complete and untampered") {
		t.Errorf("clean trail: the Markdown report does not say the window is verified:\n%s", md)
	}

	tampered, dir := ingest("--seed", "3", "--digests", "--tamper", "delete-log=2,alter-log=1,recompress-log=1,add-log=1,delete-digest=1,alter-digest=2")
	b, err := os.ReadFile(dir + ".truth.json")
	if err != nil {
		t.Fatal(err)
	}
	var truth struct {
		Integrity synth.IntegrityTruth `json:"integrity"`
	}
	if err := json.Unmarshal(b, &truth); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, p := range truth.Integrity.Problems {
		want[p.Kind]++
	}
	s, md = report(tampered, "capacity", "--from", "2026-11-01 00:00", "--to", "2026-11-03 00:00")
	got := map[string]int{}
	for _, p := range s.Problems {
		got[p.Kind] = p.Count
	}
	if s.State != "problems" || len(got) != len(want) {
		t.Errorf("tampered trail: %+v, want problems %v", s, want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("tampered trail: %d %s, the truth has %d", got[k], k, n)
		}
	}
	if !strings.Contains(md, "CloudTrail evidence not proven") {
		t.Errorf("tampered trail: the Markdown report does not say the evidence is not proven:\n%s", md)
	}

	bare, _ := ingest("--seed", "1")
	if s, md = report(bare, "incident", "--at", "2026-11-02 06:05"); s.State != "no_digests" || !strings.Contains(md, "CloudTrail evidence not verifiable") {
		t.Errorf("trail without digests: %+v, want no_digests and the sentence", s)
	}
}
