package synth

import (
	"crypto"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// digestDoc is a digest file as AWS documents it, decoded with
// encoding/json.
type digestDoc struct {
	End         string  `json:"digestEndTime"`
	Start       string  `json:"digestStartTime"`
	Bucket      string  `json:"digestS3Bucket"`
	Object      string  `json:"digestS3Object"`
	Fingerprint string  `json:"digestPublicKeyFingerprint"`
	Algorithm   string  `json:"digestSignatureAlgorithm"`
	PrevObject  *string `json:"previousDigestS3Object"`
	PrevHash    *string `json:"previousDigestHashValue"`
	PrevSig     *string `json:"previousDigestSignature"`
	LogFiles    []struct {
		S3Object  string `json:"s3Object"`
		HashValue string `json:"hashValue"`
	} `json:"logFiles"`
	raw []byte
}

// checkTrail is the test's own offline validation of a written tree,
// following docs/formats.md §1.7 (the rules of issue 14 item 5), used to
// confirm the problems the generator's truth lists. meta holds the S3
// signatures when the tree came "from S3" (nil: local files).
func checkTrail(t *testing.T, dir string, meta map[string]string) []ProblemTruth {
	t.Helper()
	keys := map[string]*rsa.PublicKey{}
	pks, _ := filepath.Glob(filepath.Join(dir, "cloudtrail", "list-public-keys.*.json"))
	for _, p := range pks {
		var out struct {
			PublicKeyList []struct{ Value, Fingerprint string }
		}
		readJSON(t, p, &out)
		for _, k := range out.PublicKeyList {
			der, err := base64.StdEncoding.DecodeString(k.Value)
			if err != nil {
				t.Fatal(err)
			}
			pub, err := x509.ParsePKCS1PublicKey(der)
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			if sum := md5.Sum(der); hex.EncodeToString(sum[:]) != k.Fingerprint || pub.N.BitLen() != 2048 {
				t.Errorf("%s: fingerprint %s is not the MD5 of the key, or the key has %d bits", p, k.Fingerprint, pub.N.BitLen())
			}
			keys[k.Fingerprint] = pub
		}
	}
	digests := map[string]*digestDoc{}
	logs := map[string]string{} // key → SHA-256 of the uncompressed content
	logTimes := map[string]time.Time{}
	walkCorpus(t, dir, func(key string, raw, _ []byte) {
		if strings.Contains(key, "/CloudTrail-Digest/") {
			d := &digestDoc{raw: raw}
			if err := json.Unmarshal(raw, d); err != nil {
				t.Fatal(err)
			}
			if d.Object != key || d.Algorithm != "SHA256withRSA" {
				t.Errorf("%s: digestS3Object %s, algorithm %s", key, d.Object, d.Algorithm)
			}
			digests[key] = d
			return
		}
		sum := sha256.Sum256(raw)
		logs[key] = hex.EncodeToString(sum[:])
		st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(key)))
		if err != nil {
			t.Fatal(err)
		}
		logTimes[key] = st.ModTime().UTC()
	})
	sha := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
	var probs []ProblemTruth
	add := func(kind, obj string) { probs = append(probs, ProblemTruth{Kind: kind, Object: obj}) }
	sigOf := map[string]string{}
	named := map[string]bool{}
	listed := map[string]bool{}
	for key, d := range digests {
		for _, l := range d.LogFiles {
			listed[l.S3Object] = true
			if h, ok := logs[l.S3Object]; !ok {
				add("missing_log_file", l.S3Object)
			} else if h != l.HashValue {
				add("hash_mismatch", l.S3Object)
			}
		}
		if d.PrevObject == nil {
			continue
		}
		named[*d.PrevObject] = true
		prev, ok := digests[*d.PrevObject]
		if !ok {
			add("missing_digest", *d.PrevObject)
			continue
		}
		sigOf[*d.PrevObject] = *d.PrevSig
		if sha(prev.raw) != *d.PrevHash {
			add("chain_break", key)
		}
	}
	for k, v := range meta {
		sigOf[k] = v
	}
	for key, d := range digests {
		sig, known := sigOf[key]
		if !known {
			add("unverified_signature", key)
			continue
		}
		prevSig := "null"
		if d.PrevSig != nil {
			prevSig = *d.PrevSig
		}
		msg := d.End + "\n" + d.Bucket + "/" + key + "\n" + sha(d.raw) + "\n" + prevSig
		h := sha256.Sum256([]byte(msg))
		raw, _ := hex.DecodeString(sig)
		pub := keys[d.Fingerprint]
		if pub == nil || rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], raw) != nil {
			add("bad_signature", key)
		}
	}
	// Unlisted: present log files delivered inside a present digest's window.
	for key, at := range logTimes {
		if listed[key] {
			continue
		}
		for _, d := range digests {
			from, _ := time.Parse(time.RFC3339, d.Start)
			to, _ := time.Parse(time.RFC3339, d.End)
			if !at.Before(from) && at.Before(to) {
				add("unlisted_log_file", key)
				break
			}
		}
	}
	sort.Slice(probs, func(i, j int) bool {
		if probs[i].Kind != probs[j].Kind {
			return probs[i].Kind < probs[j].Kind
		}
		return probs[i].Object < probs[j].Object
	})
	return probs
}

func sameProblems(a, b []ProblemTruth) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Kind != b[i].Kind || a[i].Object != b[i].Object {
			return false
		}
	}
	return true
}

// TestDigests: an undamaged chain validates except for the newest digest's
// own signature (locally unknown; known from S3 metadata), and every kind of
// damage gives exactly the problems the truth lists.
func TestDigests(t *testing.T) {
	for _, c := range []struct {
		name  string
		in    Integrity
		kinds map[string]int
	}{
		{"intact", Integrity{Chain: true}, map[string]int{"unverified_signature": 1}},
		{"every damage", Integrity{Chain: true, DeleteLogs: 2, AlterLogs: 1, RecompressLog: 1, AddLogs: 1, DeleteDigests: 1, AlterDigests: 2},
			map[string]int{"missing_log_file": 2, "hash_mismatch": 1, "unlisted_log_file": 1, "missing_digest": 1, "bad_signature": 2, "chain_break": 2, "unverified_signature": 2}},
	} {
		s := IPExhaustion()
		s.Integrity = c.in
		out, err := Generate(s, 9)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		dir := filepath.Join(t.TempDir(), "ev")
		if err := writeAll(out, dir); err != nil {
			t.Fatal(err)
		}
		it := out.Truth.Integrity
		if it == nil || len(it.Digests) < 18 {
			t.Fatalf("%s: integrity truth %+v", c.name, it)
		}
		got := checkTrail(t, dir, nil)
		if !sameProblems(got, it.Problems) {
			t.Errorf("%s: the files show\n%v\nthe truth lists\n%v", c.name, got, it.Problems)
		}
		kinds := map[string]int{}
		for _, p := range it.Problems {
			kinds[p.Kind]++
		}
		for k, n := range c.kinds {
			if kinds[k] != n {
				t.Errorf("%s: %d %s, want %d (%v)", c.name, kinds[k], k, n, kinds)
			}
		}
		// From S3 the present digests' signatures are known: the newest verifies.
		meta := map[string]string{}
		for _, f := range out.Files {
			if sig := f.Meta["signature"]; sig != "" {
				meta[f.Path] = sig
			}
		}
		var want []ProblemTruth
		for _, p := range it.Problems {
			if !p.Newest {
				want = append(want, p)
			}
		}
		var fromS3 []ProblemTruth
		for _, p := range checkTrail(t, dir, meta) {
			if p.Kind != "unverified_signature" {
				fromS3 = append(fromS3, p)
			}
		}
		var wantS3 []ProblemTruth
		for _, p := range want {
			if p.Kind != "unverified_signature" {
				wantS3 = append(wantS3, p)
			}
		}
		if !sameProblems(fromS3, wantS3) {
			t.Errorf("%s: with S3 signatures the files show %v, want %v", c.name, fromS3, wantS3)
		}
	}
}

// The ENI story survives the damage: damaged log files are taken among
// files without ENI records, so the truth still holds for the tree.
func TestDamageSparesENIRecords(t *testing.T) {
	s := IPExhaustion()
	s.Integrity = Integrity{Chain: true, DeleteLogs: 2, AlterLogs: 1}
	out, err := Generate(s, 4)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "ev")
	if err := writeAll(out, dir); err != nil {
		t.Fatal(err)
	}
	// With about half of the files holding no ENI record, checkTruth must
	// still recompute every number.
	checkTruth(t, 4, loadEvidence(t, dir), false)
}
