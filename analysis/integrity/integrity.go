// Package integrity proves CloudTrail evidence complete and untampered
// offline, as `aws cloudtrail validate-logs` does online, from the digest
// files CloudTrail delivers (docs/verify.md, docs/formats.md §1.7): every
// log file a digest lists is present with the listed SHA-256 of its
// decompressed content, no log file delivered in a digest's hour is missing
// from it, every digest's previousDigestHashValue is the hash of the digest
// it names, and every digest's SHA256withRSA signature verifies with the
// public key whose fingerprint it names. Results are typed; the SQL lives
// in embedded files under sql/.
package integrity

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/gluelens/gluelens/internal/store"
)

//go:embed sql/*.sql
var sqlFiles embed.FS

var query = store.NewQueries(sqlFiles, "integrity").SQL

// The kinds of problem, in the order they are listed.
const (
	HashMismatch        = "hash_mismatch"        // a listed log file whose content hashes to another value; object = the log file
	MissingLogFile      = "missing_log_file"     // a listed log file absent from the evidence; object = the listed key
	UnlistedLogFile     = "unlisted_log_file"    // a log file delivered in a present digest's hour and listed in none; object = the log file
	MissingDigest       = "missing_digest"       // a digest named by a present digest's previousDigestS3Object but absent; object = its key
	ChainBreak          = "chain_break"          // a digest whose previousDigestHashValue is not the hash of the digest it names; object = that digest
	BadSignature        = "bad_signature"        // a digest whose known signature does not verify; object = that digest
	UnverifiedSignature = "unverified_signature" // a digest whose signature is not known (or cannot be checked); object = that digest
)

// Kinds lists every kind of problem in listing order.
var Kinds = []string{HashMismatch, MissingLogFile, UnlistedLogFile, MissingDigest, ChainBreak, BadSignature, UnverifiedSignature}

func kindRank(k string) int {
	for i, x := range Kinds {
		if x == k {
			return i
		}
	}
	return len(Kinds)
}

// DeliverySlack is how far a log file's delivery may lie from the minute
// its name is stamped with: a file counts as delivered inside a digest's
// hour only when the whole span [stamp-slack, stamp+1min+slack] is.
const DeliverySlack = 5 * time.Minute

// Window bounds the check in time; zero values mean the whole evidence. A
// digest is in the window when its hour overlaps it, a log file when the
// minute its name is stamped with lies in it.
type Window struct {
	From, To time.Time
}

func (w Window) overlaps(start, end time.Time) bool {
	if !w.To.IsZero() && !start.Before(w.To) {
		return false
	}
	if !w.From.IsZero() && !end.After(w.From) {
		return false
	}
	return true
}

func (w Window) holds(t time.Time) bool {
	return (w.From.IsZero() || !t.Before(w.From)) && (w.To.IsZero() || t.Before(w.To))
}

// Problem is one finding: what is wrong with which object.
type Problem struct {
	Kind   string `json:"kind"`
	Object string `json:"object"` // the log file or digest concerned (path, s3:// URI, or the listed S3 key when absent)
	Digest string `json:"digest"` // the digest whose check found it ("" when the object is that digest)
	Detail string `json:"detail"`
}

// Result is a verification of a window.
type Result struct {
	Problems []Problem
	// Digests are the digests in the window; Verified of them had a
	// signature that verified.
	Digests, Verified int
	// LogFiles are the log files the window's digests list that are
	// present; Matched of them hash to the listed value.
	LogFiles, Matched int
	// Uncovered are log files in the window outside every present digest's
	// hours (before the first digest, after the last, or in the hour of a
	// missing one): nothing can say whether one is missing among them.
	Uncovered []string
	// Unhashed are listed log files read before the evidence held any
	// digest, so their content hash was not computed: ingest them again
	// with --force.
	Unhashed []string
}

// Complete reports whether the window's CloudTrail evidence is proven
// complete and untampered: digests cover it, every check passed, and no
// log file in it is outside their cover or unhashed.
func (r *Result) Complete() bool {
	return r.Digests > 0 && len(r.Problems) == 0 && len(r.Uncovered) == 0 && len(r.Unhashed) == 0
}

// evidence is what Verify reads from the store.
type evidence struct {
	digests []store.CloudTrailDigest
	listed  map[string][]store.CloudTrailDigestLogFile // by digest URI
	logs    []store.IngestManifestRow
	keys    map[string]string // fingerprint → base64 DER
}

func load(ctx context.Context, st *store.Store) (*evidence, error) {
	ev := &evidence{listed: map[string][]store.CloudTrailDigestLogFile{}, keys: map[string]string{}}
	var err error
	if ev.digests, err = store.Select[store.CloudTrailDigest](ctx, st, query("digests")); err != nil {
		return nil, fmt.Errorf("reading digest files: %w", err)
	}
	listed, err := store.Select[store.CloudTrailDigestLogFile](ctx, st, query("listed_log_files"))
	if err != nil {
		return nil, fmt.Errorf("reading the log files digests list: %w", err)
	}
	for _, l := range listed {
		ev.listed[l.DigestURI] = append(ev.listed[l.DigestURI], l)
	}
	if ev.logs, err = store.Select[store.IngestManifestRow](ctx, st, query("log_files")); err != nil {
		return nil, fmt.Errorf("reading log files: %w", err)
	}
	keys, err := store.Select[store.CloudTrailPublicKey](ctx, st, query("public_keys"))
	if err != nil {
		return nil, fmt.Errorf("reading public keys: %w", err)
	}
	for _, k := range keys {
		ev.keys[strings.ToLower(k.Fingerprint)] = k.PublicKey
	}
	return ev, nil
}

// ident is what names one delivered file whatever copy of it is at hand:
// its file name up to ".json" (a local copy may have been decompressed;
// AWS hashes the decompressed content anyway).
func ident(key string) string {
	base := path.Base(strings.ReplaceAll(key, "\\", "/"))
	if i := strings.Index(base, ".json"); i >= 0 {
		base = base[:i+len(".json")]
	}
	return base
}

// root is the part of a URI before AWSLogs/: the trail's bucket and prefix
// (or local folder). "" when the URI has no AWSLogs/ folder.
func root(uri string) string {
	if i := strings.Index(uri, "/AWSLogs/"); i >= 0 {
		return uri[:i]
	}
	if strings.HasPrefix(uri, "AWSLogs/") {
		return "."
	}
	return ""
}

var (
	logName    = regexp.MustCompile(`^([0-9]{12})_CloudTrail_([^_]+)_([0-9]{8}T[0-9]{4}Z)_`)
	digestName = regexp.MustCompile(`^([0-9]{12})_CloudTrail-Digest_([^_]+)_`)
)

// trail says which digests can cover a log file: same account and region,
// and the same root when both have one.
type trail struct{ root, account, region string }

func (a trail) covers(b trail) bool {
	return a.account == b.account && a.region == b.region && (a.root == "" || b.root == "" || a.root == b.root)
}

type span struct{ start, end time.Time }

// Verify checks the CloudTrail evidence of the window.
func Verify(ctx context.Context, st *store.Store, w Window) (*Result, error) {
	ev, err := load(ctx, st)
	if err != nil {
		return nil, err
	}
	return check(ev, w), nil
}

func check(ev *evidence, w Window) *Result {
	res := &Result{}
	add := func(p Problem) { res.Problems = append(res.Problems, p) }

	byIdent := map[string]*store.CloudTrailDigest{}
	for i := range ev.digests {
		d := &ev.digests[i]
		if _, dup := byIdent[ident(d.SourceURI)]; !dup {
			byIdent[ident(d.SourceURI)] = d
		}
	}
	inWindow := func(d *store.CloudTrailDigest) bool {
		if d.DigestStartTime == nil || d.DigestEndTime == nil {
			return true // a digest that did not decode: always reported
		}
		return w.overlaps(*d.DigestStartTime, *d.DigestEndTime)
	}

	// The chain: each digest names the one before it, with its hash and
	// its signature.
	type knownSig struct{ sig, from string }
	sigs := map[*store.CloudTrailDigest][]knownSig{}
	missing := map[string]bool{}
	for i := range ev.digests {
		d := &ev.digests[i]
		if d.PreviousDigestS3Object == nil {
			continue // a starting digest (or one that did not decode)
		}
		p := byIdent[ident(*d.PreviousDigestS3Object)]
		if p == nil {
			// The missing digest's hour ends where this one starts.
			if d.DigestStartTime != nil && w.overlaps(d.DigestStartTime.Add(-time.Hour), *d.DigestStartTime) && !missing[*d.PreviousDigestS3Object] {
				missing[*d.PreviousDigestS3Object] = true
				add(Problem{Kind: MissingDigest, Object: *d.PreviousDigestS3Object, Digest: d.SourceURI,
					Detail: "named as the previous digest but not in the evidence"})
			}
			continue
		}
		if d.PreviousDigestSignature != nil {
			sigs[p] = append(sigs[p], knownSig{*d.PreviousDigestSignature, "previousDigestSignature of " + d.SourceURI})
		}
		if inWindow(d) && (d.PreviousDigestHashValue == nil || !strings.EqualFold(*d.PreviousDigestHashValue, p.ContentSHA256)) {
			add(Problem{Kind: ChainBreak, Object: d.SourceURI, Digest: d.SourceURI,
				Detail: fmt.Sprintf("previousDigestHashValue %s, but the digest it names (%s) hashes to %s", deref(d.PreviousDigestHashValue), p.SourceURI, p.ContentSHA256)})
		}
	}

	// Signatures.
	keys := map[string]*rsa.PublicKey{}
	keyErr := map[string]error{}
	for i := range ev.digests {
		d := &ev.digests[i]
		if !inWindow(d) {
			continue
		}
		res.Digests++
		if d.DigestEndTimeText == nil || d.DigestS3Object == nil || d.DigestS3Bucket == nil || d.PublicKeyFingerprint == nil {
			add(Problem{Kind: BadSignature, Object: d.SourceURI,
				Detail: "not a valid digest file (see ingest_issues): it cannot be what CloudTrail signed"})
			continue
		}
		known := sigs[d]
		if d.S3Signature != nil {
			known = append(known, knownSig{*d.S3Signature, "its S3 object's x-amz-meta-signature"})
		}
		if len(known) == 0 {
			add(Problem{Kind: UnverifiedSignature, Object: d.SourceURI,
				Detail: "its signature is unknown: no digest in the evidence follows it (it is the newest, or the next one is missing) and it was not read from S3 with its x-amz-meta-signature"})
			continue
		}
		if alg := deref(d.SignatureAlgorithm); alg != "SHA256withRSA" {
			add(Problem{Kind: UnverifiedSignature, Object: d.SourceURI, Detail: fmt.Sprintf("signature algorithm %q is not SHA256withRSA", alg)})
			continue
		}
		fp := strings.ToLower(*d.PublicKeyFingerprint)
		key, seen := keys[fp]
		if !seen {
			key, keyErr[fp] = parseKey(ev.keys[fp])
			keys[fp] = key
		}
		if key == nil {
			reason := fmt.Sprintf("no public key with fingerprint %s in the evidence: ingest the output of `aws cloudtrail list-public-keys --start-time … --end-time …`", fp)
			if err := keyErr[fp]; err != nil && ev.keys[fp] != "" {
				reason = fmt.Sprintf("the public key with fingerprint %s cannot be read: %v", fp, err)
			}
			add(Problem{Kind: UnverifiedSignature, Object: d.SourceURI, Detail: reason})
			continue
		}
		signed := SigningString(*d.DigestEndTimeText, *d.DigestS3Bucket, *d.DigestS3Object, d.ContentSHA256, d.PreviousDigestSignature)
		bad := ""
		for _, k := range known {
			if err := verifySignature(key, signed, k.sig); err != nil {
				bad = fmt.Sprintf("the signature from %s does not verify with key %s: %v", k.from, fp, err)
				break
			}
		}
		if bad != "" {
			add(Problem{Kind: BadSignature, Object: d.SourceURI, Detail: bad})
			continue
		}
		res.Verified++
	}

	// Log files against the digests that list them.
	present := map[string]*store.IngestManifestRow{}
	for i := range ev.logs {
		l := &ev.logs[i]
		if _, dup := present[ident(l.URI)]; !dup {
			present[ident(l.URI)] = l
		}
	}
	listed := map[string]bool{}
	for i := range ev.digests {
		d := &ev.digests[i]
		for _, f := range ev.listed[d.SourceURI] {
			listed[ident(deref(f.S3Object))] = true
		}
		if !inWindow(d) {
			continue
		}
		for _, f := range ev.listed[d.SourceURI] {
			l := present[ident(deref(f.S3Object))]
			if l == nil {
				add(Problem{Kind: MissingLogFile, Object: deref(f.S3Object), Digest: d.SourceURI,
					Detail: fmt.Sprintf("listed (entry %d) but not in the evidence", f.Position)})
				continue
			}
			res.LogFiles++
			want := strings.ToLower(deref(f.HashValue))
			switch {
			case l.DecodedSHA256 != nil && *l.DecodedSHA256 == want:
				res.Matched++
			case l.DecodedSHA256 != nil:
				add(Problem{Kind: HashMismatch, Object: l.URI, Digest: d.SourceURI,
					Detail: fmt.Sprintf("decompressed content hashes to %s; the digest lists %s", *l.DecodedSHA256, want)})
			case l.Status == store.StatusFailed:
				add(Problem{Kind: HashMismatch, Object: l.URI, Digest: d.SourceURI,
					Detail: fmt.Sprintf("its content could not be read (%s), so it cannot hash to the %s the digest lists", deref(l.Error), want)})
			default:
				res.Unhashed = append(res.Unhashed, l.URI)
			}
		}
	}

	// Log files delivered inside a present digest's hours but listed in none.
	cover := map[trail][]span{}
	for i := range ev.digests {
		d := &ev.digests[i]
		m := digestName.FindStringSubmatch(ident(d.SourceURI))
		if m == nil || d.DigestStartTime == nil || d.DigestEndTime == nil {
			continue
		}
		t := trail{root(d.SourceURI), m[1], m[2]}
		cover[t] = append(cover[t], span{*d.DigestStartTime, *d.DigestEndTime})
	}
	for t, spans := range cover {
		cover[t] = merge(spans)
	}
	for i := range ev.logs {
		l := &ev.logs[i]
		m := logName.FindStringSubmatch(ident(l.URI))
		if m == nil || listed[ident(l.URI)] {
			continue
		}
		stamp, err := time.Parse("20060102T1504Z", m[3])
		if err != nil || !w.holds(stamp) {
			continue
		}
		lt := trail{root(l.URI), m[1], m[2]}
		from, to := stamp.Add(-DeliverySlack), stamp.Add(time.Minute+DeliverySlack)
		covered := false
		for t, spans := range cover {
			if !t.covers(lt) {
				continue
			}
			for _, s := range spans {
				if !from.Before(s.start) && !to.After(s.end) {
					covered = true
				}
			}
		}
		if covered {
			add(Problem{Kind: UnlistedLogFile, Object: l.URI,
				Detail: fmt.Sprintf("delivered at %s, inside the hours the digests of account %s in %s cover, but listed in none", stamp.Format("2006-01-02 15:04"), m[1], m[2])})
		} else {
			res.Uncovered = append(res.Uncovered, l.URI)
		}
	}

	sort.SliceStable(res.Problems, func(i, j int) bool {
		a, b := res.Problems[i], res.Problems[j]
		if ra, rb := kindRank(a.Kind), kindRank(b.Kind); ra != rb {
			return ra < rb
		}
		return a.Object < b.Object
	})
	for i := range res.Problems {
		if res.Problems[i].Digest == res.Problems[i].Object {
			res.Problems[i].Digest = ""
		}
	}
	sort.Strings(res.Uncovered)
	sort.Strings(res.Unhashed)
	return res
}

// merge joins spans that touch or overlap.
func merge(spans []span) []span {
	sort.Slice(spans, func(i, j int) bool { return spans[i].start.Before(spans[j].start) })
	var out []span
	for _, s := range spans {
		if n := len(out); n > 0 && !s.start.After(out[n-1].end) {
			if s.end.After(out[n-1].end) {
				out[n-1].end = s.end
			}
			continue
		}
		out = append(out, s)
	}
	return out
}

// SigningString is what CloudTrail signs for a digest: its digestEndTime
// verbatim, its S3 bucket and key, the hex SHA-256 of its decompressed
// bytes and the previous digest's signature ("null" for a starting digest),
// one per line.
func SigningString(endTime, bucket, object, contentSHA256 string, prevSignature *string) string {
	prev := "null"
	if prevSignature != nil {
		prev = *prevSignature
	}
	return endTime + "\n" + bucket + "/" + object + "\n" + contentSHA256 + "\n" + prev
}

// verifySignature checks a hex SHA256withRSA (PKCS #1 v1.5) signature.
func verifySignature(key *rsa.PublicKey, signed, hexSig string) error {
	sig, err := hex.DecodeString(strings.TrimSpace(hexSig))
	if err != nil {
		return fmt.Errorf("the signature is not hex: %w", err)
	}
	sum := sha256.Sum256([]byte(signed))
	return rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig)
}

// parseKey reads a list-public-keys Value: base64 of a DER PKCS #1
// RSAPublicKey (a PKIX SubjectPublicKeyInfo is accepted too).
func parseKey(b64 string) (*rsa.PublicKey, error) {
	if b64 == "" {
		return nil, nil
	}
	der, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, fmt.Errorf("not base64: %w", err)
	}
	if k, err := x509.ParsePKCS1PublicKey(der); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("neither a PKCS #1 nor a PKIX RSA public key: %w", err)
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("a %T, not an RSA key", k)
	}
	return rk, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// States of a window's CloudTrail evidence.
const (
	StateComplete   = "complete"   // proven complete and untampered
	StateProblems   = "problems"   // verify found problems
	StateIncomplete = "incomplete" // no problem, but some log files are outside the digests' cover or unhashed
	StateNoDigests  = "no_digests" // no digest file covers the window: nothing can be proven
)

// KindCount is how many problems of one kind a window has.
type KindCount struct {
	Kind  string `json:"kind"`
	Count int    `json:"count"`
}

// Summary is the verification state of a window, as reports show it.
type Summary struct {
	State     string      `json:"state"`
	Digests   int         `json:"digests"`
	Verified  int         `json:"digests_verified"`
	LogFiles  int         `json:"log_files"`
	Matched   int         `json:"log_files_matched"`
	Uncovered int         `json:"log_files_uncovered"`
	Unhashed  int         `json:"log_files_unhashed"`
	Problems  []KindCount `json:"problems"` // kinds with at least one problem, in listing order
}

// Summary condenses r.
func (r *Result) Summary() Summary {
	s := Summary{Digests: r.Digests, Verified: r.Verified, LogFiles: r.LogFiles, Matched: r.Matched,
		Uncovered: len(r.Uncovered), Unhashed: len(r.Unhashed), Problems: []KindCount{}}
	counts := map[string]int{}
	for _, p := range r.Problems {
		counts[p.Kind]++
	}
	for _, k := range Kinds {
		if counts[k] > 0 {
			s.Problems = append(s.Problems, KindCount{k, counts[k]})
		}
	}
	switch {
	case len(r.Problems) > 0:
		s.State = StateProblems
	case r.Digests == 0:
		s.State = StateNoDigests
	case r.Complete():
		s.State = StateComplete
	default:
		s.State = StateIncomplete
	}
	return s
}

// Summarize verifies the window and condenses the result.
func Summarize(ctx context.Context, st *store.Store, w Window) (Summary, error) {
	r, err := Verify(ctx, st, w)
	if err != nil {
		return Summary{}, err
	}
	return r.Summary(), nil
}
