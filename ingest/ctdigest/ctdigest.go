// Package ctdigest reads the evidence `gluelens verify` checks CloudTrail
// log files against (docs/formats.md §1.7): digest files, which CloudTrail
// delivers every hour per region under CloudTrail-Digest/ listing each log
// file delivered in that hour with the SHA-256 of its decompressed content,
// chained to the previous digest and signed; and the output of
// `aws cloudtrail list-public-keys`, the keys the signatures verify with.
//
// A digest's own signature is not in the file: it is the S3 object's
// x-amz-meta-signature metadata, which the S3 source passes on
// (ingest.Input.Metadata). Read from local files it is unknown.
package ctdigest

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/internal/store"
)

// maxDigest bounds what is read of one digest file: a digest lists one
// hour's log files of one region, a few hundred bytes each.
const maxDigest = 256 << 20

// Digest decodes CloudTrail digest files. The zero value is ready to use.
type Digest struct{}

// Kind implements ingest.Decoder.
func (Digest) Kind() string { return "cloudtrail-digest" }

// Sniff claims a JSON object named as a digest
// (ACCOUNT_CloudTrail-Digest_REGION_TRAIL_HOMEREGION_STAMP.json.gz) or whose
// head holds digestStartTime.
func (Digest) Sniff(key string, head []byte) bool {
	if len(head) == 0 || head[0] != '{' {
		return false
	}
	return strings.Contains(path.Base(key), "_CloudTrail-Digest_") || bytes.Contains(head, []byte(`"digestStartTime"`))
}

// digestFile is a digest file's content. Pointers are the fields that are
// null in a starting or an empty digest.
type digestFile struct {
	AWSAccountID                string  `json:"awsAccountId"`
	DigestStartTime             string  `json:"digestStartTime"`
	DigestEndTime               string  `json:"digestEndTime"`
	DigestS3Bucket              string  `json:"digestS3Bucket"`
	DigestS3Object              string  `json:"digestS3Object"`
	DigestPublicKeyFingerprint  string  `json:"digestPublicKeyFingerprint"`
	DigestSignatureAlgorithm    string  `json:"digestSignatureAlgorithm"`
	NewestEventTime             *string `json:"newestEventTime"`
	OldestEventTime             *string `json:"oldestEventTime"`
	PreviousDigestS3Bucket      *string `json:"previousDigestS3Bucket"`
	PreviousDigestS3Object      *string `json:"previousDigestS3Object"`
	PreviousDigestHashValue     *string `json:"previousDigestHashValue"`
	PreviousDigestHashAlgorithm *string `json:"previousDigestHashAlgorithm"`
	PreviousDigestSignature     *string `json:"previousDigestSignature"`
	LogFiles                    []struct {
		S3Bucket        string  `json:"s3Bucket"`
		S3Object        string  `json:"s3Object"`
		HashValue       string  `json:"hashValue"`
		HashAlgorithm   string  `json:"hashAlgorithm"`
		NewestEventTime *string `json:"newestEventTime"`
		OldestEventTime *string `json:"oldestEventTime"`
	} `json:"logFiles"`
}

// Decode implements ingest.Decoder. It emits one cloudtrail_digests row
// and one cloudtrail_digest_log_files row per listed log file. A digest that
// is not valid JSON (an altered one) is still recorded, by its content hash
// alone, with a bad record: the chain check and the signature check then
// name it instead of calling it missing.
func (Digest) Decode(ctx context.Context, in *ingest.Input, out ingest.Sink) error {
	b, err := io.ReadAll(io.LimitReader(in.R, maxDigest+1))
	if err != nil {
		return fmt.Errorf("reading: %w", err)
	}
	if len(b) > maxDigest {
		return fmt.Errorf("reading: a digest file larger than %d MiB", maxDigest>>20)
	}
	sum := sha256.Sum256(b)
	hash := hex.EncodeToString(sum[:])
	ingest.RecordDecodedSHA256(out, hash)
	sig, sigAlg := str(in.Metadata["signature"]), str(in.Metadata["signature-algorithm"])

	var d digestFile
	if err := json.Unmarshal(b, &d); err != nil {
		if err := out.Bad(0, fmt.Errorf("decoding the digest: %w", err)); err != nil {
			return err
		}
		return out.Append(&store.CloudTrailDigest{SourceURI: in.URI, ContentSHA256: hash, S3Signature: sig, S3SignatureAlgorithm: sigAlg})
	}
	times := func(field, s string) *time.Time {
		t, err := parseTime(s)
		if err != nil {
			out.Warn(0, fmt.Sprintf("%s %q is not an RFC 3339 time", field, s))
			return nil
		}
		return &t
	}
	optTime := func(field string, s *string) *time.Time {
		if s == nil {
			return nil
		}
		return times(field, *s)
	}
	if err := out.Append(&store.CloudTrailDigest{SourceURI: in.URI, ContentSHA256: hash, AccountID: str(d.AWSAccountID),
		DigestStartTime: times("digestStartTime", d.DigestStartTime), DigestEndTime: times("digestEndTime", d.DigestEndTime),
		DigestEndTimeText: str(d.DigestEndTime), DigestS3Bucket: str(d.DigestS3Bucket), DigestS3Object: str(d.DigestS3Object),
		PublicKeyFingerprint: str(d.DigestPublicKeyFingerprint), SignatureAlgorithm: str(d.DigestSignatureAlgorithm),
		NewestEventTime: optTime("newestEventTime", d.NewestEventTime), OldestEventTime: optTime("oldestEventTime", d.OldestEventTime),
		PreviousDigestS3Bucket: d.PreviousDigestS3Bucket, PreviousDigestS3Object: d.PreviousDigestS3Object,
		PreviousDigestHashValue: d.PreviousDigestHashValue, PreviousDigestHashAlgorithm: d.PreviousDigestHashAlgorithm,
		PreviousDigestSignature: d.PreviousDigestSignature,
		LogFileCount:            int32(len(d.LogFiles)), S3Signature: sig, S3SignatureAlgorithm: sigAlg}); err != nil {
		return err
	}
	for i, f := range d.LogFiles {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := out.Append(&store.CloudTrailDigestLogFile{DigestURI: in.URI, DigestSHA256: hash, Position: int32(i),
			S3Bucket: str(f.S3Bucket), S3Object: str(f.S3Object), HashValue: str(f.HashValue), HashAlgorithm: str(f.HashAlgorithm),
			NewestEventTime: optTime(fmt.Sprintf("logFiles[%d].newestEventTime", i), f.NewestEventTime),
			OldestEventTime: optTime(fmt.Sprintf("logFiles[%d].oldestEventTime", i), f.OldestEventTime)}); err != nil {
			return err
		}
	}
	return nil
}

// PublicKeys decodes `aws cloudtrail list-public-keys` output. The zero
// value is ready to use.
type PublicKeys struct{}

// Kind implements ingest.Decoder.
func (PublicKeys) Kind() string { return "cloudtrail-public-keys" }

// Sniff claims a JSON object whose head holds "PublicKeyList".
func (PublicKeys) Sniff(_ string, head []byte) bool {
	return len(head) > 0 && head[0] == '{' && bytes.Contains(head, []byte(`"PublicKeyList"`))
}

// Decode implements ingest.Decoder: one cloudtrail_public_keys row per key.
// Record indexes count PublicKeyList entries. A key whose Value is not
// base64, or that has no Fingerprint, is a bad record; a Fingerprint that
// is not the MD5 of the decoded Value (what every AWS example shows) is
// noted.
func (PublicKeys) Decode(ctx context.Context, in *ingest.Input, out ingest.Sink) error {
	var doc struct {
		PublicKeyList []struct {
			Value             string          `json:"Value"`
			ValidityStartTime json.RawMessage `json:"ValidityStartTime"`
			ValidityEndTime   json.RawMessage `json:"ValidityEndTime"`
			Fingerprint       string          `json:"Fingerprint"`
		} `json:"PublicKeyList"`
	}
	if err := json.NewDecoder(in.R).Decode(&doc); err != nil {
		return fmt.Errorf("decoding list-public-keys output: %w", err)
	}
	for i, k := range doc.PublicKeyList {
		if err := ctx.Err(); err != nil {
			return err
		}
		der, err := base64.StdEncoding.DecodeString(k.Value)
		switch {
		case err != nil:
			err = fmt.Errorf("decoding key %d: Value is not base64: %w", i, err)
		case len(der) == 0:
			err = fmt.Errorf("decoding key %d: no Value", i)
		case k.Fingerprint == "":
			err = fmt.Errorf("decoding key %d: no Fingerprint", i)
		}
		if err != nil {
			if err := out.Bad(int64(i), err); err != nil {
				return err
			}
			continue
		}
		if sum := md5.Sum(der); !strings.EqualFold(hex.EncodeToString(sum[:]), k.Fingerprint) {
			out.Warn(int64(i), fmt.Sprintf("key %d: Fingerprint %s is not the MD5 of its Value (%x)", i, k.Fingerprint, sum))
		}
		start, err := flexTime(k.ValidityStartTime)
		if err != nil {
			out.Warn(int64(i), fmt.Sprintf("key %d: ValidityStartTime: %v", i, err))
		}
		end, err := flexTime(k.ValidityEndTime)
		if err != nil {
			out.Warn(int64(i), fmt.Sprintf("key %d: ValidityEndTime: %v", i, err))
		}
		if err := out.Append(&store.CloudTrailPublicKey{Fingerprint: strings.ToLower(k.Fingerprint), PublicKey: k.Value,
			ValidityStartTime: start, ValidityEndTime: end, SourceURI: &in.URI}); err != nil {
			return err
		}
	}
	return nil
}

// flexTime reads a time as the AWS CLI prints it: epoch seconds (v1,
// a number) or ISO 8601 with any offset (v2). Absent or null is NULL.
func flexTime(raw json.RawMessage) (*time.Time, error) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return nil, nil
	}
	if s[0] == '"' {
		var text string
		if err := json.Unmarshal(raw, &text); err != nil {
			return nil, err
		}
		if f, err := strconv.ParseFloat(text, 64); err == nil {
			return store.Ptr(epoch(f)), nil
		}
		t, err := parseTime(text)
		if err != nil {
			return nil, fmt.Errorf("%q is neither epoch seconds nor ISO 8601", text)
		}
		return &t, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, fmt.Errorf("%s is neither epoch seconds nor ISO 8601", s)
	}
	return store.Ptr(epoch(f)), nil
}

func epoch(f float64) time.Time {
	sec := int64(f)
	return time.Unix(sec, int64((f-float64(sec))*1e6)*1e3).UTC()
}

func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999-07:00", "2006-01-02 15:04:05.999999-07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("not a time: %q", s)
}

// str maps "" to NULL.
var str = store.OptString
