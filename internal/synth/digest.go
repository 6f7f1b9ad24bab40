package synth

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"sort"
	"time"

	"github.com/klauspost/compress/gzip"
)

// Integrity sets the CloudTrail log file integrity evidence of a scenario:
// the hourly digest files AWS delivers beside the log files, and damage
// done to the trail after delivery. AWS's behaviour is simulated here from
// its documentation (docs/formats.md §1.7), independently of gluelens'
// verify command.
type Integrity struct {
	// Chain writes a digest for every hour from the first log file's
	// delivery to the last (instead of Scenario.DigestFiles digests).
	Chain bool
	// Damage done to the scenario's own account and region, each count of
	// distinct objects. Log files are taken, where there are enough, among
	// files holding no ENI record, so the ENI story stays intact; digests
	// among those neither first nor last, never two neighbours.
	DeleteLogs    int // listed in a digest, removed from the evidence: missing_log_file
	AlterLogs     int // content changed after delivery: hash_mismatch
	RecompressLog int // re-gzipped at another level, same content: no problem
	AddLogs       int // a log file no digest lists, delivered inside a digest's hour: unlisted_log_file
	DeleteDigests int // missing_digest; the digest before it loses its signature: unverified_signature
	AlterDigests  int // bad_signature on itself, chain_break on its successor
}

func (in Integrity) damaged() bool {
	return in.DeleteLogs+in.AlterLogs+in.RecompressLog+in.AddLogs+in.DeleteDigests+in.AlterDigests > 0
}

// IntegrityTruth is the digest evidence and what an offline check of the
// written tree must find (issue 14 item 5's problem kinds).
type IntegrityTruth struct {
	Trail      string         `json:"trail"`
	Bucket     string         `json:"bucket"`
	PublicKeys []PublicKey    `json:"public_keys"`
	Digests    []DigestTruth  `json:"digests"`
	Damage     []DamageTruth  `json:"damage"`
	Problems   []ProblemTruth `json:"problems"`
}

// PublicKey is one key of list-public-keys.
type PublicKey struct {
	Region      string `json:"region"`
	Fingerprint string `json:"fingerprint"`
	File        string `json:"file"` // the list-public-keys output in the tree
}

// DigestTruth is one digest AWS delivered. Signature is the hex
// SHA256withRSA signature AWS stores as the object's x-amz-meta-signature
// (File.Meta); Present is false when the digest was deleted.
type DigestTruth struct {
	Key       string  `json:"key"`
	Start     UTCTime `json:"start"`
	End       UTCTime `json:"end"`
	LogFiles  int     `json:"log_files"`
	Signature string  `json:"signature"`
	Present   bool    `json:"present"`
}

// DamageTruth is one change made to the delivered trail.
type DamageTruth struct {
	Action string `json:"action"` // deleted_log_file, altered_log_file, recompressed_log_file, added_log_file, deleted_digest, altered_digest
	Object string `json:"object"`
}

// ProblemTruth is one problem an offline verification of the tree must
// report: kind and the object it names. From S3 with the newest digests'
// x-amz-meta-signature metadata, the unverified_signature of the newest
// digest of a region (Newest: true) is verified instead.
type ProblemTruth struct {
	Kind   string `json:"kind"`
	Object string `json:"object"`
	Newest bool   `json:"newest_digest,omitempty"`
}

const (
	trailName       = "management-trail"
	digestOffset    = 2*time.Minute + 11*time.Second // digest windows start this long after the hour
	digestAlgorithm = "SHA256withRSA"
)

// digestOut is one digest as written.
type digestOut struct {
	key        string
	start, end time.Time
	raw        []byte
	sum        string // hex SHA-256 of raw
	sig        string
	logs       []*logFile
	file       int // index in the cell's files
}

// writeDigests adds the cell's digest files, signed with the region's key,
// its list-public-keys output, and applies the damage Scenario.Integrity
// asks for (the scenario's own cell only).
func writeDigests(s *Scenario, c cell, ci int, seed uint64, ct *cellTrail, st *ctStats) error {
	n := s.DigestFiles
	w0 := s.Start.Add(digestOffset)
	if s.Integrity.Chain && len(ct.logs) > 0 {
		last := ct.logs[len(ct.logs)-1].mtime
		n = int(last.Sub(w0)/time.Hour) + 1
	}
	if n <= 0 {
		if ci == 0 && s.Integrity.damaged() {
			return fmt.Errorf("scenario %s: damaging the trail needs digest files", s.Name)
		}
		return nil
	}
	key, err := digestKey(seed, c.region)
	if err != nil {
		return err
	}
	bucket := "cloudtrail-" + s.AccountID
	homeRegion := s.Region
	var ds []*digestOut
	prevSig, prevSum, prevKey := "", "", ""
	for h := 0; h < n; h++ {
		from := w0.Add(time.Duration(h) * time.Hour)
		to := from.Add(time.Hour)
		d := &digestOut{start: from, end: to}
		for _, l := range ct.logs {
			if !l.mtime.Before(from) && l.mtime.Before(to) {
				d.logs = append(d.logs, l)
			}
		}
		d.key = "AWSLogs/" + c.acct + "/CloudTrail-Digest/" + c.region + "/" + to.Format("2006/01/02") + "/" +
			c.acct + "_CloudTrail-Digest_" + c.region + "_" + trailName + "_" + homeRegion + "_" + to.Format("20060102T150405Z") + ".json.gz"
		d.raw = digestBody(c.acct, bucket, d, key.fingerprint, prevKey, prevSum, prevSig)
		sum := sha256.Sum256(d.raw)
		d.sum = hex.EncodeToString(sum[:])
		if d.sig, err = signDigest(key.priv, to, bucket, d.key, d.sum, prevSig); err != nil {
			return fmt.Errorf("signing digest %s: %w", d.key, err)
		}
		prevSig, prevSum, prevKey = d.sig, d.sum, d.key
		ds = append(ds, d)
	}
	if st.integrity == nil {
		st.integrity = &IntegrityTruth{Trail: trailName, Bucket: bucket, Damage: []DamageTruth{}}
	}
	it := st.integrity
	if ci == 0 && s.Integrity.damaged() {
		if err := damage(s, c, seed, ct, ds, it, st); err != nil {
			return err
		}
	}
	for _, d := range ds {
		if d.raw == nil {
			continue // deleted
		}
		z, err := gz(d.raw, gzip.DefaultCompression)
		if err != nil {
			return fmt.Errorf("compressing digest file %s: %w", d.key, err)
		}
		d.file = len(ct.files)
		ct.files = append(ct.files, File{Path: d.key, Data: z, ModTime: d.end.Add(7*time.Minute + 3*time.Second),
			Meta: map[string]string{"signature": d.sig, "signature-algorithm": digestAlgorithm}})
		st.digests++
	}
	pk, err := cliJSON(map[string]any{"PublicKeyList": []map[string]string{{
		"Value":             base64.StdEncoding.EncodeToString(key.der),
		"ValidityStartTime": s.Start.AddDate(0, 0, -30).Format("2006-01-02T15:04:05+00:00"),
		"ValidityEndTime":   s.Start.AddDate(0, 0, 60).Format("2006-01-02T15:04:05+00:00"),
		"Fingerprint":       key.fingerprint,
	}}})
	if err != nil {
		return fmt.Errorf("encoding list-public-keys: %w", err)
	}
	pkPath := cliPrefix(s, c) + "cloudtrail/list-public-keys." + c.region + ".json"
	ct.files = append(ct.files, File{Path: pkPath, Data: pk, ModTime: s.Start.Add(s.Cutoff + 7*time.Minute)})
	{
		it.PublicKeys = append(it.PublicKeys, PublicKey{Region: c.region, Fingerprint: key.fingerprint, File: pkPath})
		for _, d := range ds {
			it.Digests = append(it.Digests, DigestTruth{Key: d.key, Start: UTCTime{d.start}, End: UTCTime{d.end}, LogFiles: len(d.logs), Signature: d.sig, Present: d.raw != nil})
		}
		// Locally, the newest present digest's signature is known from nowhere.
		for i := len(ds) - 1; i >= 0; i-- {
			if ds[i].raw != nil {
				it.Problems = append(it.Problems, ProblemTruth{Kind: "unverified_signature", Object: ds[i].key, Newest: true})
				break
			}
		}
		sort.Slice(it.Problems, func(i, j int) bool {
			if it.Problems[i].Kind != it.Problems[j].Kind {
				return it.Problems[i].Kind < it.Problems[j].Kind
			}
			return it.Problems[i].Object < it.Problems[j].Object
		})
	}
	return nil
}

// digestBody renders a digest file the way AWS writes it (field order of
// the User Guide's samples). The starting digest has every previousDigest
// field null; an hour without deliveries has no event times and no files.
func digestBody(acct, bucket string, d *digestOut, fingerprint, prevKey, prevSum, prevSig string) []byte {
	var w jw
	w.obj()
	w.kv("awsAccountId", acct)
	w.key("digestStartTime")
	w.ts(d.start)
	w.key("digestEndTime")
	w.ts(d.end)
	w.kv("digestS3Bucket", bucket)
	w.kv("digestS3Object", d.key)
	w.kv("digestPublicKeyFingerprint", fingerprint)
	w.kv("digestSignatureAlgorithm", digestAlgorithm)
	if len(d.logs) > 0 {
		oldest, newest := d.logs[0].oldest, d.logs[0].newest
		for _, l := range d.logs {
			if l.oldest.Before(oldest) {
				oldest = l.oldest
			}
			if l.newest.After(newest) {
				newest = l.newest
			}
		}
		w.key("newestEventTime")
		w.ts(newest)
		w.key("oldestEventTime")
		w.ts(oldest)
	} else {
		w.key("newestEventTime")
		w.null()
		w.key("oldestEventTime")
		w.null()
	}
	if prevKey == "" {
		for _, k := range []string{"previousDigestS3Bucket", "previousDigestS3Object", "previousDigestHashValue", "previousDigestHashAlgorithm", "previousDigestSignature"} {
			w.key(k)
			w.null()
		}
	} else {
		w.kv("previousDigestS3Bucket", bucket)
		w.kv("previousDigestS3Object", prevKey)
		w.kv("previousDigestHashValue", prevSum)
		w.kv("previousDigestHashAlgorithm", "SHA-256")
		w.kv("previousDigestSignature", prevSig)
	}
	w.key("logFiles")
	w.arr()
	for _, l := range d.logs {
		w.obj()
		w.kv("s3Bucket", bucket)
		w.kv("s3Object", l.key)
		w.kv("hashValue", l.sum)
		w.kv("hashAlgorithm", "SHA-256")
		w.key("newestEventTime")
		w.ts(l.newest)
		w.key("oldestEventTime")
		w.ts(l.oldest)
		w.end()
	}
	w.endArr()
	w.end()
	return w.b
}

// signDigest signs AWS's data-to-sign string for a digest: digestEndTime,
// bucket/key, the hex SHA-256 of the uncompressed digest and the previous
// digest's signature ("null" for the starting digest), joined by "\n";
// SHA256withRSA (PKCS #1 v1.5), hex-encoded.
func signDigest(k *rsa.PrivateKey, end time.Time, bucket, key, sum, prevSig string) (string, error) {
	if prevSig == "" {
		prevSig = "null"
	}
	msg := end.UTC().Format("2006-01-02T15:04:05Z") + "\n" + bucket + "/" + key + "\n" + sum + "\n" + prevSig
	h := sha256.Sum256([]byte(msg))
	sig, err := rsa.SignPKCS1v15(nil, k, crypto.SHA256, h[:])
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(sig), nil
}

// damage applies Scenario.Integrity to the cell's files and records the
// damage and the problems it causes.
// The counts of st follow the tree as written: deleted files and their
// records leave it, added ones join it.
func damage(s *Scenario, c cell, seed uint64, ct *cellTrail, ds []*digestOut, it *IntegrityTruth, st *ctStats) error {
	in := s.Integrity
	g := newRNG(seed, 0x74616d706572) // "tamper"
	n := len(ds)
	// Digests: neither first nor last, never neighbours of each other.
	var dsel []int
	want := in.DeleteDigests + in.AlterDigests
	if want > 0 {
		cand := g.r.Perm(n)
		taken := map[int]bool{}
		for _, i := range cand {
			if len(dsel) == want {
				break
			}
			if i == 0 || i == n-1 || taken[i-1] || taken[i+1] || taken[i] {
				continue
			}
			taken[i] = true
			dsel = append(dsel, i)
		}
		if len(dsel) < want {
			return fmt.Errorf("scenario %s: %d digests cannot hold %d deleted or altered ones apart from the first, the last and each other", s.Name, n, want)
		}
	}
	touched := map[int]bool{}
	for k, i := range dsel {
		touched[i] = true
		d := ds[i]
		if k < in.DeleteDigests {
			d.raw = nil
			it.Damage = append(it.Damage, DamageTruth{Action: "deleted_digest", Object: d.key})
			it.Problems = append(it.Problems,
				ProblemTruth{Kind: "missing_digest", Object: d.key},
				ProblemTruth{Kind: "unverified_signature", Object: ds[i-1].key})
			continue
		}
		// One second later newest event time: the signature and the
		// successor's hash no longer match.
		d.raw = alterDigest(d.raw)
		it.Damage = append(it.Damage, DamageTruth{Action: "altered_digest", Object: d.key})
		it.Problems = append(it.Problems,
			ProblemTruth{Kind: "bad_signature", Object: d.key},
			ProblemTruth{Kind: "chain_break", Object: ds[i+1].key})
	}
	// Log files listed by untouched digests, those without ENI records first.
	var quiet, busy []*logFile
	for i, d := range ds {
		if touched[i] {
			continue
		}
		for _, l := range d.logs {
			if l.eni == 0 {
				quiet = append(quiet, l)
			} else {
				busy = append(busy, l)
			}
		}
	}
	g.shuffle(len(quiet), func(i, j int) { quiet[i], quiet[j] = quiet[j], quiet[i] })
	g.shuffle(len(busy), func(i, j int) { busy[i], busy[j] = busy[j], busy[i] })
	pool := append(quiet, busy...)
	need := in.DeleteLogs + in.AlterLogs + in.RecompressLog
	if need > len(pool) {
		return fmt.Errorf("scenario %s: %d listed log files cannot take %d damaged ones", s.Name, len(pool), need)
	}
	var deleted []int
	for k, l := range pool[:need] {
		f := &ct.files[l.file]
		switch {
		case k < in.DeleteLogs:
			deleted = append(deleted, l.file)
			st.files--
			st.records -= l.records
			st.eniRecords -= l.eni
			it.Damage = append(it.Damage, DamageTruth{Action: "deleted_log_file", Object: l.key})
			it.Problems = append(it.Problems, ProblemTruth{Kind: "missing_log_file", Object: l.key})
		case k < in.DeleteLogs+in.AlterLogs:
			z, err := gz(alterLog(l.raw), gzip.DefaultCompression)
			if err != nil {
				return err
			}
			f.Data = z
			it.Damage = append(it.Damage, DamageTruth{Action: "altered_log_file", Object: l.key})
			it.Problems = append(it.Problems, ProblemTruth{Kind: "hash_mismatch", Object: l.key})
		default:
			z, err := gz(l.raw, gzip.BestCompression)
			if err != nil {
				return err
			}
			f.Data = z
			it.Damage = append(it.Damage, DamageTruth{Action: "recompressed_log_file", Object: l.key})
		}
	}
	// Added log files: noise only, delivered mid-hour of an untouched digest.
	var hours []int
	for i := range ds {
		if !touched[i] {
			hours = append(hours, i)
		}
	}
	wd := newWorld(newRNG(seed, 0x616464), seed, c.acct, c.region)
	for k := 0; k < in.AddLogs; k++ {
		d := ds[hours[g.intn(len(hours))]]
		slot := d.start.Add(time.Duration(4+k%6) * 5 * time.Minute).Truncate(5 * time.Minute)
		var body []byte
		body = append(body, `{"Records":[`...)
		n := 3 + g.intn(5)
		for r := 0; r < n; r++ {
			if r > 0 {
				body = append(body, ',')
			}
			w := jw{b: body}
			writeNoise(&w, g, wd, wd.noiseTime(g, slot))
			body = w.b
		}
		body = append(body, "]}"...)
		z, err := gz(body, gzip.DefaultCompression)
		if err != nil {
			return err
		}
		key := logKey(c.acct, c.region, slot, g.alnum(16))
		ct.files = append(ct.files, File{Path: key, Data: z, ModTime: slot.Add(g.seconds(5*time.Second, 50*time.Second))})
		st.files++
		st.records += n
		it.Damage = append(it.Damage, DamageTruth{Action: "added_log_file", Object: key})
		it.Problems = append(it.Problems, ProblemTruth{Kind: "unlisted_log_file", Object: key})
	}
	sort.Sort(sort.Reverse(sort.IntSlice(deleted)))
	for _, i := range deleted {
		ct.files = append(ct.files[:i], ct.files[i+1:]...)
	}
	return nil
}

// alterDigest moves the digest's newestEventTime one second later.
func alterDigest(raw []byte) []byte {
	const k = `"newestEventTime":"`
	out := append([]byte(nil), raw...)
	for i := 0; i+len(k)+20 <= len(out); i++ {
		if string(out[i:i+len(k)]) == k {
			t, err := time.Parse("2006-01-02T15:04:05Z", string(out[i+len(k):i+len(k)+20]))
			if err == nil {
				copy(out[i+len(k):], t.Add(time.Second).Format("2006-01-02T15:04:05Z"))
				return out
			}
		}
	}
	// An hour without deliveries has no event times: a trailing newline
	// keeps the JSON valid and changes the bytes.
	return append(out, '\n')
}

// alterLog changes one hex digit of the first record's requestID: the
// file still decodes, its content no longer hashes to the digest's value.
func alterLog(raw []byte) []byte {
	const k = `"requestID":"`
	out := append([]byte(nil), raw...)
	for i := 0; i+len(k) < len(out); i++ {
		if string(out[i:i+len(k)]) == k {
			j := i + len(k)
			if out[j] == 'a' {
				out[j] = 'b'
			} else {
				out[j] = 'a'
			}
			return out
		}
	}
	return append(out, ' ')
}
