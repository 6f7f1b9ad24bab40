// Package cloudtrail decodes AWS CloudTrail records into eni_events: the
// EC2 Create/Delete/Attach/DetachNetworkInterface calls, successful or not.
//
// It reads every shape the records come in (docs/formats.md §1.1):
// trail log files {"Records":[...]} (gzip is removed upstream), the output
// of `aws cloudtrail lookup-events` ({"Events":[{"CloudTrailEvent":"<json>"}]}),
// JSON lines with one record per line (Athena UNLOAD, CloudTrail Lake
// exports) and bare records, one or several, pretty-printed. Digest files and
// Insights files are recognised and ignored.
//
// Nearly all of a trail is not about network interfaces, so the decoder
// avoids JSON decoding. An object whose bytes do not contain
// "NetworkInterface" is only counted. In the others the byte range of each
// record is found without decoding — for compact files as CloudTrail writes
// them by jumping between the {"eventVersion": that opens every record
// (splitAtRecordStarts), otherwise with the structural scanner of package
// jsonscan (string and escape aware, depth tracking) — and only records
// that contain "NetworkInterface" are decoded, with goccy/go-json (four
// times faster than encoding/json on these records; encoding/json is kept
// for the error message when a record does not decode).
package cloudtrail

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"path"
	"strings"
	"time"

	gojson "github.com/goccy/go-json"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/eniclass"
	"github.com/gluelens/gluelens/ingest/internal/jsonscan"
	"github.com/gluelens/gluelens/internal/store"
)

var (
	needle      = []byte("NetworkInterface")
	recordKey   = []byte(`"eventVersion"`)
	lookupKey   = []byte(`"CloudTrailEvent"`)
	insightKey  = []byte(`"insightDetails"`)
	insightCat  = []byte(`"eventCategory":"Insight"`)
	digestKey   = []byte(`"digestStartTime"`)
	utf8BOM     = []byte("\xef\xbb\xbf")
	maxPoolCap  = 16 << 20
	cancelEvery = 4096
)

// eniEvents are the eventNames kept.
var eniEvents = map[string]bool{
	"CreateNetworkInterface": true,
	"DeleteNetworkInterface": true,
	"AttachNetworkInterface": true,
	"DetachNetworkInterface": true,
}

// Decoder reads CloudTrail records. The zero value is ready to use.
type Decoder struct{}

// New returns a CloudTrail decoder.
func New() *Decoder { return &Decoder{} }

// Kind implements ingest.Decoder.
func (*Decoder) Kind() string { return "cloudtrail" }

// Sniff claims trail log files (first key "Records"), digest files,
// lookup-events output, and records whose first key is eventVersion or whose
// head names eventName, eventSource and eventTime (JSON lines and bare
// records in any key order, even when the head is not valid JSON, so that a
// broken record is reported rather than passed over). Objects under
// CloudTrail-Digest/ or CloudTrail-Insight/ prefixes are claimed so that
// they are ignored rather than reported as unknown.
func (*Decoder) Sniff(key string, head []byte) bool {
	if len(head) > 0 && head[0] == '[' {
		// A top-level array of records (jq -s, SIEM exports): claimed by
		// its first element.
		first := jsonscan.SkipSpace(head, 1)
		return first < len(head) && head[first] == '{' && sniffRecord(head[first:])
	}
	if len(head) == 0 || head[0] != '{' {
		return false
	}
	switch jsonscan.FirstKey(head) {
	case "Records", "eventVersion":
		return true
	case "Events":
		return bytes.Contains(head, lookupKey)
	}
	if strings.Contains(key, "CloudTrail-Digest/") || strings.Contains(key, "CloudTrail-Insight/") {
		return true
	}
	if bytes.Contains(head, digestKey) {
		return true
	}
	return sniffRecord(head)
}

// sniffRecord reports whether head starts a CloudTrail record: first key
// eventVersion, or eventName, eventSource and eventTime all in the head.
func sniffRecord(head []byte) bool {
	if jsonscan.FirstKey(head) == "eventVersion" {
		return true
	}
	return bytes.Contains(head, []byte(`"eventName"`)) && bytes.Contains(head, []byte(`"eventSource"`)) &&
		bytes.Contains(head, []byte(`"eventTime"`))
}

// bufs keeps read buffers between objects. It is a small free list rather
// than a sync.Pool because a pool is emptied by every garbage collection,
// and re-growing (and zeroing) a multi-megabyte buffer for each object took
// about 15 % of decoding time in profiles. Buffers above maxPoolCap are
// dropped, so at most cap(bufs)×maxPoolCap bytes stay reserved.
var bufs = make(chan []byte, 4)

func getBuf() []byte {
	select {
	case b := <-bufs:
		return b[:0]
	default:
		return nil
	}
}

func putBuf(b []byte) {
	if cap(b) > maxPoolCap {
		return
	}
	select {
	case bufs <- b:
	default:
	}
}

// Decode implements ingest.Decoder. The whole decompressed object is read
// into a pooled buffer first (up to ingest.MaxWholeObject bytes; a larger
// object fails alone): CloudTrail files are one JSON document, and
// scanning a buffer is what makes skipping fast.
func (d *Decoder) Decode(ctx context.Context, in *ingest.Input, out ingest.Sink) error {
	if strings.Contains(in.Key, "CloudTrail-Insight/") {
		return ingest.Ignore("cloudtrail insights file")
	}
	if strings.Contains(in.Key, "CloudTrail-Digest/") {
		return ingest.Ignore("cloudtrail digest file")
	}
	r, h := in.R, hash.Hash(nil)
	if in.HashContent && isLogFileName(in.Key) {
		// Digest files list the SHA-256 of a log file's decompressed
		// content; hash it as it is read, while each chunk is in cache.
		h = sha256.New()
		r = io.TeeReader(in.R, h)
	}
	buf, release, err := ingest.ReadWhole(ctx, r, getBuf(), 0)
	defer release()
	defer putBuf(buf)
	if err != nil {
		return err
	}
	if h != nil {
		ingest.RecordDecodedSHA256(out, hex.EncodeToString(h.Sum(nil)))
	}
	f := &file{ctx: ctx, b: bytes.TrimPrefix(buf, utf8BOM), out: out, uri: in.URI}
	return f.decode()
}

// isLogFileName reports whether key names a file CloudTrail delivered to a
// trail (ACCOUNT_CloudTrail_REGION_STAMP_UNIQUE.json.gz, docs/formats.md
// §1.7): the files digests list. Digest and Insights files have other names.
func isLogFileName(key string) bool {
	return strings.Contains(path.Base(key), "_CloudTrail_")
}

// file is one object being decoded.
type file struct {
	ctx     context.Context
	b       []byte
	out     ingest.Sink
	uri     string
	skipped int64
	nextHit int // offset of the next "NetworkInterface" not yet passed, or len(b)
}

func (f *file) decode() error {
	b := f.b
	start := jsonscan.SkipSpace(b, 0)
	if start == len(b) {
		return fmt.Errorf("decoding: empty input")
	}
	if b[start] != '{' && b[start] != '[' {
		return fmt.Errorf("decoding: %w", jsonscan.Locate(b, 0, &jsonscan.SyntaxError{Offset: start, Msg: "expected a JSON object or array"}))
	}
	hasENI := bytes.Contains(b, needle)
	var err error
	if b[start] == '[' {
		err = f.walkArray(start)
	} else {
		err = f.dispatch(start, hasENI)
	}
	if f.skipped > 0 {
		f.out.SkipRecords(f.skipped)
	}
	return err
}

func (f *file) dispatch(start int, hasENI bool) error {
	b := f.b
	switch jsonscan.FirstKey(b[start:]) {
	case "Records":
		if isInsights(b) {
			return ingest.Ignore("cloudtrail insights file")
		}
		if err := f.checkNewlines(); err != nil {
			return err
		}
		if !hasENI {
			return f.countRecords(start)
		}
		if ok, err := f.splitAtRecordStarts(start); ok || err != nil {
			return err
		}
		return f.walkDocument(start)
	case "Events":
		if !hasENI {
			f.skipped += int64(bytes.Count(b, lookupKey))
			return nil
		}
		return f.lookupEvents(start)
	case "eventVersion":
		return f.recordStream(start, hasENI)
	}
	// Unusual key order: look at the top-level keys of the first value.
	var keys keySet
	if _, err := jsonscan.Object(b, start, func(key []byte, v int) (int, error) {
		keys.add(key)
		return -1, nil
	}); err != nil {
		return fmt.Errorf("decoding: %w", jsonscan.Locate(b, 0, err))
	}
	switch {
	case keys.records:
		if isInsights(b) {
			return ingest.Ignore("cloudtrail insights file")
		}
		if err := f.checkNewlines(); err != nil {
			return err
		}
		return f.walkDocument(start)
	case keys.digest:
		return ingest.Ignore("cloudtrail digest file")
	case keys.events:
		return f.lookupEvents(start)
	case keys.insight:
		return ingest.Ignore("cloudtrail insights record")
	case keys.record:
		return f.recordStream(start, hasENI)
	}
	return fmt.Errorf("decoding: not a CloudTrail log file, record, or lookup-events output")
}

// checkNewlines rejects a document with a raw newline inside a string
// (AWS documentation samples with wrapped values), which the structural
// scan would not notice in records that are only counted.
func (f *file) checkNewlines() error {
	if off := jsonscan.NewlineInString(f.b); off >= 0 {
		return fmt.Errorf("decoding: %w", jsonscan.Locate(f.b, 0, &jsonscan.SyntaxError{Offset: off, Msg: "raw newline inside a string"}))
	}
	return nil
}

type keySet struct{ records, digest, events, insight, record bool }

func (k *keySet) add(key []byte) {
	switch string(key) {
	case "Records":
		k.records = true
	case "digestStartTime", "logFiles":
		k.digest = true
	case "Events":
		k.events = true
	case "insightDetails":
		k.insight = true
	case "eventName", "eventTime", "eventID":
		k.record = true
	}
}

// isInsights reports whether a Records file holds Insights events; they
// name insightDetails in the first record, so only the start is searched.
func isInsights(b []byte) bool {
	if len(b) > 64<<10 {
		b = b[:64<<10]
	}
	return bytes.Contains(b, insightKey) || bytes.Contains(b, insightCat)
}

// countRecords handles a Records file without any ENI record. Its records
// are neither decoded nor scanned: the count passed to SkipRecords is the number of
// "eventVersion" keys in the file — exact for files CloudTrail writes (every
// record starts with its eventVersion, including the oldest 1.0 records that
// lack an eventID), off when a record lacks the key or repeats it inside its
// request or response. Only the framing is checked: the file must end
// with the "]}" that closes the Records array and the document; anything
// else (a file cut short, keys after Records) is scanned in full instead.
func (f *file) countRecords(start int) error {
	end := bytes.TrimRight(f.b, " \t\r\n")
	closed := len(end) > 0 && end[len(end)-1] == '}' &&
		bytes.HasSuffix(bytes.TrimRight(end[:len(end)-1], " \t\r\n"), []byte("]"))
	if !closed {
		return f.walkDocument(start)
	}
	f.skipped += int64(countRecordKeys(f.b[start:]))
	return nil
}

// recordStart opens every record CloudTrail writes. A raw quote cannot occur
// inside a JSON string, so wherever this sequence appears it is structure:
// the start of an object whose first key is eventVersion.
var recordStart = []byte(`{"eventVersion":`)

// splitAtRecordStarts is the fast path for Records files that CloudTrail
// wrote (compact, every record beginning with {"eventVersion":). The
// records are the spans between consecutive record starts, so finding them
// costs one bytes.IndexByte jump per 'V' in the file instead of a
// structural scan. Only spans holding a "NetworkInterface" are looked at:
// each must be exactly one JSON value by the structural scanner, or the
// split is abandoned before anything is emitted and ok is false, so the
// caller falls back to walkDocument. Spans without a hit are counted, not
// checked, as in countRecords.
func (f *file) splitAtRecordStarts(start int) (ok bool, err error) {
	b := f.b
	arr := -1
	if _, err := jsonscan.Object(b, start, func(key []byte, v int) (int, error) {
		if arr < 0 && string(key) == "Records" {
			arr = v
		}
		return -1, errStop
	}); err != errStop || arr < 0 || b[arr] != '[' {
		return false, nil
	}
	first := jsonscan.SkipSpace(b, arr+1)
	if !bytes.HasPrefix(b[first:], recordStart) {
		return false, nil
	}
	tail := bytes.TrimRight(b, " \t\r\n")
	if len(tail) < 2 || tail[len(tail)-1] != '}' {
		return false, nil
	}
	tail = bytes.TrimRight(tail[:len(tail)-1], " \t\r\n")
	if len(tail) == 0 || tail[len(tail)-1] != ']' {
		return false, nil
	}
	arrEnd := len(tail) - 1

	type span struct{ s, e, n int }
	var hits []span
	count := 0
	nextHit := indexFrom(b, first)
	for s := first; s < arrEnd; count++ {
		e := indexRecordStart(b, s+len(recordStart), arrEnd)
		if nextHit < e {
			seg := bytes.TrimRight(b[s:e], " \t\r\n")
			if e < arrEnd {
				if len(seg) == 0 || seg[len(seg)-1] != ',' {
					return false, nil
				}
				seg = bytes.TrimRight(seg[:len(seg)-1], " \t\r\n")
			}
			if end, err := jsonscan.SkipValue(seg, 0); err != nil || end != len(seg) {
				return false, nil
			}
			hits = append(hits, span{s, s + len(seg), count})
			nextHit = indexFrom(b, e)
		}
		s = e
	}
	for i, h := range hits {
		if i%cancelEvery == cancelEvery-1 {
			if err := f.ctx.Err(); err != nil {
				return true, err
			}
		}
		if err := f.decodeRecord(b[h.s:h.e], b, h.s, h.n); err != nil {
			return true, err
		}
	}
	f.skipped += int64(count - len(hits))
	return true, nil
}

var errStop = errors.New("stop")

// indexRecordStart returns the offset of the next recordStart in b[from:end],
// or end. It jumps between 'V' bytes, which are rare in CloudTrail records.
func indexRecordStart(b []byte, from, end int) int {
	const anchor = 7 // recordStart[anchor] == 'V'
	for i := from + anchor; i < end; {
		k := bytes.IndexByte(b[i:end], 'V')
		if k < 0 {
			return end
		}
		i += k
		if s := i - anchor; bytes.HasPrefix(b[s:end], recordStart) {
			return s
		}
		i++
	}
	return end
}

// walkDocument scans a {"Records":[...]} document and decodes the records
// that contain "NetworkInterface".
func (f *file) walkDocument(start int) error {
	b := f.b
	f.nextHit = indexFrom(b, 0)
	end, err := jsonscan.Object(b, start, func(key []byte, v int) (int, error) {
		if string(key) != "Records" {
			return -1, nil
		}
		return jsonscan.Array(b, v, func(n, s, e int) error {
			return f.record(n, s, e)
		})
	})
	if err != nil {
		return fmt.Errorf("decoding: %w", jsonscan.Locate(b, 0, err))
	}
	if rest := jsonscan.SkipSpace(b, end); rest != len(b) {
		return fmt.Errorf("decoding: %w", jsonscan.Locate(b, 0, &jsonscan.SyntaxError{Offset: rest, Msg: "unexpected data after the document"}))
	}
	return nil
}

// walkArray scans a top-level array of records ([{…},{…}], as jq -s and
// SIEM exports write them) and decodes those that contain
// "NetworkInterface". Record indexes count the array's elements.
func (f *file) walkArray(start int) error {
	b := f.b
	if err := f.checkNewlines(); err != nil {
		return err
	}
	f.nextHit = indexFrom(b, 0)
	end, err := jsonscan.Array(b, start, func(n, s, e int) error {
		if b[s] != '{' {
			return &jsonscan.SyntaxError{Offset: s, Msg: fmt.Sprintf("element %d of the top-level array is not a record object", n)}
		}
		return f.record(n, s, e)
	})
	if err != nil {
		return fmt.Errorf("decoding: %w", jsonscan.Locate(b, 0, err))
	}
	if rest := jsonscan.SkipSpace(b, end); rest != len(b) {
		return fmt.Errorf("decoding: %w", jsonscan.Locate(b, 0, &jsonscan.SyntaxError{Offset: rest, Msg: "unexpected data after the array"}))
	}
	return nil
}

// countRecordKeys counts `"eventVersion"` in b. bytes.Count would search
// for its first byte, a quote, which JSON is full of; anchoring on the 'V'
// (rare in CloudTrail records) lets bytes.IndexByte skip most of the buffer.
func countRecordKeys(b []byte) int {
	const anchor = 6 // recordKey[anchor] == 'V'
	n := 0
	for i := anchor; i < len(b); {
		k := bytes.IndexByte(b[i:], recordKey[anchor])
		if k < 0 {
			break
		}
		i += k
		if i-anchor+len(recordKey) <= len(b) && bytes.Equal(b[i-anchor:i-anchor+len(recordKey)], recordKey) {
			n++
		}
		i++
	}
	return n
}

// indexFrom returns the offset of the next needle at or after from, or len(b).
func indexFrom(b []byte, from int) int {
	if from >= len(b) {
		return len(b)
	}
	i := bytes.Index(b[from:], needle)
	if i < 0 {
		return len(b)
	}
	return from + i
}

// record handles the record b[s:e] with index n: skipped unless the next
// "NetworkInterface" lies inside it.
func (f *file) record(n, s, e int) error {
	if n%cancelEvery == cancelEvery-1 {
		if err := f.ctx.Err(); err != nil {
			return err
		}
	}
	for f.nextHit < s {
		f.nextHit = indexFrom(f.b, s)
	}
	if f.nextHit >= e {
		f.skipped++
		return nil
	}
	f.nextHit = indexFrom(f.b, e)
	return f.decodeRecord(f.b[s:e], f.b, s, n)
}

// recordStream reads records that are not wrapped in a Records array: JSON
// lines (the first non-blank line is a whole object) or a sequence of
// pretty-printed records.
func (f *file) recordStream(start int, hasENI bool) error {
	b := f.b
	firstLine := b[start:]
	if i := bytes.IndexByte(firstLine, '\n'); i >= 0 {
		firstLine = firstLine[:i]
	}
	firstLine = bytes.TrimRight(firstLine, " \t\r")
	if bytes.HasSuffix(firstLine, []byte("}")) {
		return f.lines(start, hasENI)
	}
	if err := f.checkNewlines(); err != nil {
		return err
	}
	if !hasENI {
		f.skipped += int64(countRecordKeys(b))
		return nil
	}
	f.nextHit = indexFrom(b, 0)
	if err := jsonscan.Stream(b, f.record); err != nil {
		return fmt.Errorf("decoding: %w", jsonscan.Locate(b, 0, err))
	}
	return nil
}

// lines reads JSON lines. Record indexes are 0-based line indexes from the
// first non-blank line. Lines without "NetworkInterface" are counted, not
// read (blank lines included in the count).
func (f *file) lines(start int, hasENI bool) error {
	b := f.b
	nl := []byte{'\n'}
	n := 0 // index of the line that starts at pos
	pos := start
	for pos < len(b) {
		hit := len(b)
		if hasENI {
			hit = indexFrom(b, pos)
		}
		if hit == len(b) {
			k := bytes.Count(b[pos:], nl)
			if b[len(b)-1] != '\n' {
				k++
			}
			f.skipped += int64(k)
			return nil
		}
		lineStart := pos + bytes.LastIndexByte(b[pos:hit], '\n') + 1
		k := bytes.Count(b[pos:lineStart], nl)
		f.skipped += int64(k)
		n += k
		lineEnd := len(b)
		if i := bytes.IndexByte(b[hit:], '\n'); i >= 0 {
			lineEnd = hit + i
		}
		if err := f.ctx.Err(); err != nil {
			return err
		}
		if err := f.decodeRecord(bytes.TrimSpace(b[lineStart:lineEnd]), b, lineStart, n); err != nil {
			return err
		}
		n++
		pos = lineEnd + 1
	}
	return nil
}

// lookupEvents reads `aws cloudtrail lookup-events` output, where each
// record is a JSON string in CloudTrailEvent. Record indexes count Events.
func (f *file) lookupEvents(start int) error {
	var doc struct {
		Events []json.RawMessage `json:"Events"`
	}
	if err := json.Unmarshal(f.b[start:], &doc); err != nil {
		return fmt.Errorf("decoding lookup-events output: %w", jsonscan.Locate(f.b, start, err))
	}
	for n, raw := range doc.Events {
		if !bytes.Contains(raw, needle) {
			f.skipped++
			continue
		}
		var ev struct {
			CloudTrailEvent string `json:"CloudTrailEvent"`
		}
		if err := json.Unmarshal(raw, &ev); err != nil {
			if err := f.out.Bad(int64(n), fmt.Errorf("decoding event %d: %w", n, err)); err != nil {
				return err
			}
			continue
		}
		rec := []byte(ev.CloudTrailEvent)
		if !bytes.Contains(rec, needle) {
			f.skipped++
			continue
		}
		if err := f.decodeRecord(rec, rec, 0, n); err != nil {
			return err
		}
	}
	return nil
}

// rawRecord holds the fields of a CloudTrail record that eni_events needs.
type rawRecord struct {
	EventID            string `json:"eventID"`
	EventTime          string `json:"eventTime"`
	EventName          string `json:"eventName"`
	EventSource        string `json:"eventSource"`
	AWSRegion          string `json:"awsRegion"`
	RecipientAccountID string `json:"recipientAccountId"`
	SourceIPAddress    string `json:"sourceIPAddress"`
	UserAgent          string `json:"userAgent"`
	ErrorCode          string `json:"errorCode"`
	ErrorMessage       string `json:"errorMessage"`
	UserIdentity       struct {
		ARN            string `json:"arn"`
		AccountID      string `json:"accountId"`
		InvokedBy      string `json:"invokedBy"`
		SessionContext struct {
			SessionIssuer struct {
				ARN string `json:"arn"`
			} `json:"sessionIssuer"`
		} `json:"sessionContext"`
	} `json:"userIdentity"`
	RequestParameters *struct {
		SubnetID                       string   `json:"subnetId"`
		Description                    string   `json:"description"`
		NetworkInterfaceID             string   `json:"networkInterfaceId"`
		InstanceID                     string   `json:"instanceId"`
		AttachmentID                   string   `json:"attachmentId"`
		PrivateIPAddress               string   `json:"privateIpAddress"`
		SecondaryPrivateIPAddressCount flexInt  `json:"secondaryPrivateIpAddressCount"`
		PrivateIPAddressesSet          setCount `json:"privateIpAddressesSet"`
	} `json:"requestParameters"`
	ResponseElements *struct {
		AttachmentID     string `json:"attachmentId"`
		NetworkInterface *struct {
			NetworkInterfaceID    string   `json:"networkInterfaceId"`
			SubnetID              string   `json:"subnetId"`
			VpcID                 string   `json:"vpcId"`
			AvailabilityZone      string   `json:"availabilityZone"`
			PrivateIPAddress      string   `json:"privateIpAddress"`
			Description           string   `json:"description"`
			PrivateIPAddressesSet setCount `json:"privateIpAddressesSet"`
		} `json:"networkInterface"`
	} `json:"responseElements"`
	Addendum *struct {
		OriginalEventID string `json:"originalEventID"`
	} `json:"addendum"`
}

// flexInt is an integer that may arrive as a JSON number or string.
type flexInt struct {
	N     int64
	Valid bool
}

func (v *flexInt) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*v = flexInt{}
		return nil
	}
	b = bytes.Trim(b, `"`)
	var n json.Number = json.Number(b)
	i, err := n.Int64()
	if err != nil {
		return fmt.Errorf("not an integer: %s", b)
	}
	*v = flexInt{N: i, Valid: true}
	return nil
}

// setCount counts the entries of an EC2 "XML-style" list: {"items":[...]},
// {"item":[...]} (the EFS example), or a single {"item":{...}}.
type setCount struct {
	N     int
	Valid bool
}

func (c *setCount) UnmarshalJSON(b []byte) error {
	*c = setCount{}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil || m == nil {
		return nil // null, {} or an unexpected shape: unknown
	}
	for _, k := range []string{"items", "item"} {
		raw, ok := m[k]
		if !ok {
			continue
		}
		raw = bytes.TrimSpace(raw)
		switch {
		case len(raw) > 0 && raw[0] == '[':
			var list []json.RawMessage
			if err := json.Unmarshal(raw, &list); err != nil {
				return err
			}
			*c = setCount{N: len(list), Valid: true}
		case len(raw) > 0 && raw[0] == '{':
			*c = setCount{N: 1, Valid: true}
		}
		return nil
	}
	return nil
}

// decodeRecord decodes one record that mentions NetworkInterface. doc and
// base locate rec in the object for error positions.
func (f *file) decodeRecord(rec, doc []byte, base, n int) error {
	var r rawRecord
	if err := gojson.Unmarshal(rec, &r); err != nil {
		// go-json's errors carry no position; encoding/json's do. It also
		// gets the last word should the two libraries ever disagree.
		r = rawRecord{}
		if err := json.Unmarshal(rec, &r); err != nil {
			return f.out.Bad(int64(n), fmt.Errorf("decoding record %d: %w", n, jsonscan.Locate(doc, base, err)))
		}
	}
	if r.EventName != "" && !eniEvents[r.EventName] {
		f.skipped++
		return nil
	}
	if r.EventSource != "" && r.EventSource != "ec2.amazonaws.com" {
		f.skipped++
		return nil
	}
	var missing string
	switch {
	case r.EventID == "":
		missing = "eventID"
	case r.EventTime == "":
		missing = "eventTime"
	case r.EventName == "":
		missing = "eventName"
	}
	if missing != "" {
		return f.out.Bad(int64(n), fmt.Errorf("decoding record %d: missing %s", n, missing))
	}
	t, err := time.Parse(time.RFC3339, r.EventTime)
	if err != nil {
		return f.out.Bad(int64(n), fmt.Errorf("decoding record %d: eventTime %q is not RFC 3339", n, r.EventTime))
	}
	return f.out.Append(r.row(t.UTC(), f.uri, n))
}

// row is the eni_events row of the record.
func (r *rawRecord) row(t time.Time, uri string, n int) *store.EniEvent {
	var (
		subnet, vpc, az, eni, ip, desc string
		instance, attachment           string
		ipCount                        *int32
	)
	req, resp := r.RequestParameters, r.ResponseElements
	if req != nil {
		subnet, desc, eni, ip = req.SubnetID, req.Description, req.NetworkInterfaceID, req.PrivateIPAddress
		instance, attachment = req.InstanceID, req.AttachmentID
	}
	if resp != nil {
		if resp.AttachmentID != "" {
			attachment = resp.AttachmentID
		}
		if ni := resp.NetworkInterface; ni != nil {
			subnet = firstNonEmpty(ni.SubnetID, subnet)
			vpc, az = ni.VpcID, ni.AvailabilityZone
			eni = firstNonEmpty(ni.NetworkInterfaceID, eni)
			ip = firstNonEmpty(ni.PrivateIPAddress, ip)
			desc = firstNonEmpty(ni.Description, desc)
			if ni.PrivateIPAddressesSet.Valid && ni.PrivateIPAddressesSet.N > 0 {
				ipCount = store.Ptr(int32(ni.PrivateIPAddressesSet.N))
			}
		}
	}
	if ipCount == nil && r.EventName == "CreateNetworkInterface" && req != nil {
		n := int64(1)
		if req.SecondaryPrivateIPAddressCount.Valid {
			n += req.SecondaryPrivateIPAddressCount.N
		}
		if s := req.PrivateIPAddressesSet; s.Valid && int64(s.N) > n {
			n = int64(s.N)
		}
		ipCount = store.Ptr(int32(n))
	}
	account := firstNonEmpty(r.RecipientAccountID, r.UserIdentity.AccountID)
	role := r.UserIdentity.SessionContext.SessionIssuer.ARN
	if role == "" {
		role = eniclass.RoleARN(r.UserIdentity.ARN)
	}
	requester := eniclass.Requester(eniclass.Evidence{
		Description: desc,
		InvokedBy:   r.UserIdentity.InvokedBy,
		SourceIP:    r.SourceIPAddress,
		UserAgent:   r.UserAgent,
		Principal:   firstNonEmpty(r.UserIdentity.ARN, role),
	})
	original := ""
	if r.Addendum != nil {
		original = r.Addendum.OriginalEventID
	}
	return &store.EniEvent{
		EventID: r.EventID, EventTime: t, EventName: r.EventName, AccountID: str(account), Region: str(r.AWSRegion),
		SubnetID: str(subnet), VpcID: str(vpc), AvailabilityZone: str(az), EniID: str(eni), PrivateIP: str(ip), IPCount: ipCount,
		Description: str(desc), Requester: &requester, RoleArn: str(role), InvokedBy: str(r.UserIdentity.InvokedBy),
		SourceIP: str(r.SourceIPAddress), UserAgent: str(r.UserAgent), ErrorCode: str(r.ErrorCode), ErrorMessage: str(r.ErrorMessage),
		FailureClass: str(eniclass.Failure(r.ErrorCode, r.ErrorMessage)),
		InstanceID:   str(instance), AttachmentID: str(attachment), OriginalEventID: str(original), SourceURI: str(uri), RecordIndex: store.Ptr(int32(n)),
	}
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// str maps "" to NULL.
var str = store.OptString
