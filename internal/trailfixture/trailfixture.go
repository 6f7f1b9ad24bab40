// Package trailfixture builds small CloudTrail trails with log file
// validation for the tests of `gluelens verify`: hourly digest files signed
// with a freshly generated RSA key, as AWS documents them (docs/formats.md
// §1.7), the matching `aws cloudtrail list-public-keys` output, and ways to
// tamper with them. It is written from AWS's documentation alone and
// shares no code with gluelens's verification.
package trailfixture

import (
	"bytes"
	"compress/gzip"
	"crypto"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Trail is a generated trail: the stored bytes of every file by S3 key,
// and the S3 user metadata of each digest.
type Trail struct {
	Account, Region, Bucket, Name string
	Key                           *rsa.PrivateKey
	Files                         map[string][]byte            // S3 key → stored (gzip) bytes
	Meta                          map[string]map[string]string // S3 key → user metadata (signature, signature-algorithm)
	// Hours[h] is the digest of hour h and the log files it lists.
	Hours []Hour
}

// Hour is one digest and the log files delivered in its window.
type Hour struct {
	Digest     string // S3 key of the digest
	Start, End time.Time
	Logs       []string // S3 keys of the log files it lists
}

// Start is when the first digest's window starts (digest windows start
// at odd seconds, as in AWS's samples).
var Start = time.Date(2026, 11, 2, 0, 20, 31, 0, time.UTC)

// New builds a trail of hours digests with logsPerHour log files each,
// delivered 5, 25 and 45 minutes (and so on) into each hour.
func New(hours, logsPerHour int) (*Trail, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	t := &Trail{Account: "111122223333", Region: "eu-west-1", Bucket: "trail-bucket", Name: "org_trail.main",
		Key: key, Files: map[string][]byte{}, Meta: map[string]map[string]string{}}
	var prevKey string
	var prevContent []byte
	var prevSig *string
	n := 0
	for h := 0; h < hours; h++ {
		start := Start.Add(time.Duration(h) * time.Hour)
		end := start.Add(time.Hour)
		hr := Hour{Start: start, End: end}
		type entry struct {
			S3Bucket        string `json:"s3Bucket"`
			S3Object        string `json:"s3Object"`
			HashValue       string `json:"hashValue"`
			HashAlgorithm   string `json:"hashAlgorithm"`
			NewestEventTime string `json:"newestEventTime"`
			OldestEventTime string `json:"oldestEventTime"`
		}
		entries := []entry{}
		for i := 0; i < logsPerHour; i++ {
			at := start.Add(time.Duration(5+20*i) * time.Minute)
			n++
			lk, content := t.LogFile(at, fmt.Sprintf("u%015d", n), 2)
			t.Files[lk] = Gzip(content)
			sum := sha256.Sum256(content)
			entries = append(entries, entry{t.Bucket, lk, hex.EncodeToString(sum[:]), "SHA-256",
				at.Add(-2 * time.Minute).Format(time.RFC3339), at.Add(-4 * time.Minute).Format(time.RFC3339)})
			hr.Logs = append(hr.Logs, lk)
		}
		dk := t.DigestKey(end)
		doc := map[string]any{
			"awsAccountId": t.Account, "digestStartTime": start.Format(time.RFC3339), "digestEndTime": end.Format(time.RFC3339),
			"digestS3Bucket": t.Bucket, "digestS3Object": dk, "digestPublicKeyFingerprint": t.Fingerprint(),
			"digestSignatureAlgorithm": "SHA256withRSA", "newestEventTime": nil, "oldestEventTime": nil,
			"previousDigestS3Bucket": nil, "previousDigestS3Object": nil, "previousDigestHashValue": nil,
			"previousDigestHashAlgorithm": nil, "previousDigestSignature": nil, "logFiles": entries,
		}
		if len(entries) > 0 {
			doc["newestEventTime"], doc["oldestEventTime"] = entries[len(entries)-1].NewestEventTime, entries[0].OldestEventTime
		}
		if prevKey != "" {
			sum := sha256.Sum256(prevContent)
			doc["previousDigestS3Bucket"], doc["previousDigestS3Object"] = t.Bucket, prevKey
			doc["previousDigestHashValue"], doc["previousDigestHashAlgorithm"] = hex.EncodeToString(sum[:]), "SHA-256"
			doc["previousDigestSignature"] = *prevSig
		}
		content, err := json.Marshal(doc)
		if err != nil {
			return nil, err
		}
		sig, err := t.Sign(end.Format(time.RFC3339), dk, content, prevSig)
		if err != nil {
			return nil, err
		}
		t.Files[dk] = Gzip(content)
		t.Meta[dk] = map[string]string{"signature": sig, "signature-algorithm": "SHA256withRSA"}
		hr.Digest = dk
		t.Hours = append(t.Hours, hr)
		prevKey, prevContent, prevSig = dk, content, &sig
	}
	return t, nil
}

// LogFile returns the key and decompressed content of a log file delivered
// at `at` holding records non-ENI records.
func (t *Trail) LogFile(at time.Time, unique string, records int) (string, []byte) {
	key := fmt.Sprintf("AWSLogs/%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_%s.json.gz", t.Account, t.Region,
		at.Format("2006/01/02"), t.Account, t.Region, at.Format("20060102T1504Z"), unique)
	var b bytes.Buffer
	b.WriteString(`{"Records":[`)
	for r := 0; r < records; r++ {
		if r > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"eventVersion":"1.08","eventTime":"%s","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"%s","eventID":"%s-%d","recipientAccountId":"%s"}`,
			at.Add(-time.Duration(r+2)*time.Minute).Format(time.RFC3339), t.Region, unique, r, t.Account)
	}
	b.WriteString(`]}`)
	return key, b.Bytes()
}

// DigestKey is the key CloudTrail delivers the digest ending at end to.
func (t *Trail) DigestKey(end time.Time) string {
	return fmt.Sprintf("AWSLogs/%s/CloudTrail-Digest/%s/%s/%s_CloudTrail-Digest_%s_%s_%s_%s.json.gz", t.Account, t.Region,
		end.Format("2006/01/02"), t.Account, t.Region, t.Name, t.Region, end.Format("20060102T150405Z"))
}

// Sign signs a digest as CloudTrail documents it: SHA256withRSA over
// digestEndTime, bucket/key, the hex SHA-256 of the decompressed digest and
// the previous signature ("null" for none), joined by newlines; hex.
func (t *Trail) Sign(endTime, key string, content []byte, prevSig *string) (string, error) {
	sum := sha256.Sum256(content)
	prev := "null"
	if prevSig != nil {
		prev = *prevSig
	}
	signed := endTime + "\n" + t.Bucket + "/" + key + "\n" + hex.EncodeToString(sum[:]) + "\n" + prev
	h := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, t.Key, crypto.SHA256, h[:])
	return hex.EncodeToString(sig), err
}

// Fingerprint is the hex MD5 of the DER PKCS #1 public key.
func (t *Trail) Fingerprint() string {
	sum := md5.Sum(x509.MarshalPKCS1PublicKey(&t.Key.PublicKey))
	return hex.EncodeToString(sum[:])
}

// PublicKeys is `aws cloudtrail list-public-keys` output (CLI v2, ISO times)
// holding the trail's key.
func (t *Trail) PublicKeys() []byte {
	b, _ := json.MarshalIndent(map[string]any{"PublicKeyList": []map[string]any{{
		"Value":             base64.StdEncoding.EncodeToString(x509.MarshalPKCS1PublicKey(&t.Key.PublicKey)),
		"ValidityStartTime": "2026-10-01T00:00:00+00:00",
		"ValidityEndTime":   "2026-12-31T00:00:00+00:00",
		"Fingerprint":       t.Fingerprint(),
	}}}, "", "  ")
	return b
}

// Decompressed returns the decompressed content of a stored file.
func (t *Trail) Decompressed(key string) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(t.Files[key]))
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	_, err = b.ReadFrom(zr)
	return b.Bytes(), err
}

// Keys lists the stored keys, sorted.
func (t *Trail) Keys() []string {
	out := make([]string, 0, len(t.Files))
	for k := range t.Files {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// WriteDir writes every file under dir at its key, and the public keys as
// dir/public-keys.json.
func (t *Trail) WriteDir(dir string) error {
	for k, b := range t.Files {
		p := filepath.Join(dir, filepath.FromSlash(k))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "public-keys.json"), t.PublicKeys(), 0o644)
}

// Gzip compresses b.
func Gzip(b []byte) []byte {
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}
