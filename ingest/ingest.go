// Package ingest is the pipeline that turns evidence into rows:
// Source (where bytes come from) → codec (decompression by magic bytes) →
// Decoder (one per format, chosen by sniffing content) → store loader (one
// transaction per group of whole objects, with a manifest so re-runs skip
// what they already have).
package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gluelens/gluelens/internal/store"
)

// Object is one input object: a local file or an S3 object.
type Object struct {
	URI     string    // absolute path or s3://bucket/key
	Key     string    // path relative to the source root, or the S3 key (slash-separated)
	Size    int64     // stored (compressed) bytes
	ModTime time.Time // mtime or LastModified, UTC
	ETag    string    // S3 ETag; empty for local files
	// Parts, when set, makes this a composite object (a rolling Spark event
	// log directory): the parts are read in order as one stream.
	Parts []Object
}

// Source lists objects and opens them.
type Source interface {
	// Walk calls fn for every object in a stable order.
	Walk(ctx context.Context, fn func(Object) error) error
	// Open returns the stored bytes of o.
	Open(ctx context.Context, o Object) (io.ReadCloser, error)
}

// Sink receives what a decoder finds in one object.
type Sink interface {
	// Append adds r to its table. The sink owns r afterwards (it may hold
	// it until the object is loaded): the caller builds a new row for the
	// next one.
	Append(r store.Row) error
	// AppendColumns adds the rows of c (store.NewColumnsOf) to c's table:
	// a decoder writing many rows to one table (a Spark log's tasks) hands
	// them over column by column. The sink owns c afterwards: the caller
	// starts a new one.
	AppendColumns(c *store.Columns) error
	// SkipRecords counts n records that were read and deliberately not kept.
	SkipRecords(n int64)
	// Bad counts a record that could not be decoded. record is the record
	// index or line number the message names. In strict mode Bad returns a
	// non-nil error and the decoder must stop with it.
	Bad(record int64, err error) error
	// Warn notes something a user should know (truncation, unknown
	// version) without counting a bad record.
	Warn(record int64, msg string)
}

// ParquetSink is a Sink that loads a whole local Parquet file with
// DuckDB's own reader (store.ObjectWriter.AppendParquet); the rows count
// as kept. The sink owns the file from the call on: it calls f.Release,
// if set, once it no longer needs it, which may be after the decoder has
// returned; until then the file stays in place.
type ParquetSink interface {
	Sink
	AppendParquet(f store.ParquetFile) error
}

// Input is a decompressed object handed to a decoder.
type Input struct {
	Object
	Codec string    // codec detected on the stored bytes ("plain", "gzip", ...)
	R     io.Reader // decompressed content
	// PartNames are the keys of a composite object's parts, in reading order.
	PartNames []string
	// CutParts, for a composite object, counts the parts read so far that
	// ended early (a cut compressed stream). Reading goes on with the next
	// part, after a warning naming the cut one and a line break, so the
	// partial last line stands alone and is counted as malformed.
	CutParts func() int
	// OpenSibling opens another object of the same source by its key (as
	// stored, compressed bytes included): a pack file reads its pack's
	// manifest with it. Nil when the source cannot.
	OpenSibling func(ctx context.Context, key string) (io.ReadCloser, error)
	// HashContent asks the decoder to report the SHA-256 of the
	// decompressed content (DecodedHashSink) when its format is listed by
	// that hash elsewhere: CloudTrail log files, which digest files list.
	// The pipeline sets it when the evidence holds CloudTrail digest files
	// (this run's objects or the database's), so a trail without log file
	// validation is not slowed by hashing.
	HashContent bool
	// Metadata is the user metadata stored with the object (S3
	// x-amz-meta-*), keyed by lower-case name without the prefix
	// ("signature" for x-amz-meta-signature); nil for local files.
	Metadata map[string]string
}

// A MetadataReader is an opened object that carries user metadata (an S3
// GetObject body); the pipeline hands it to the decoder as Input.Metadata.
type MetadataReader interface {
	Metadata() map[string]string
}

// A DecodedHashSink records the SHA-256 of an object's decompressed
// content, which a decoder computed in the pass that read it (CloudTrail
// log files: what digest files list). The pipeline's sink implements it;
// the hash lands in the manifest's decoded_sha256.
type DecodedHashSink interface {
	DecodedSHA256(hexDigest string)
}

// RecordDecodedSHA256 hands a decompressed-content hash to out when out
// records one.
func RecordDecodedSHA256(out Sink, hexDigest string) {
	if h, ok := out.(DecodedHashSink); ok {
		h.DecodedSHA256(hexDigest)
	}
}

// Decoder reads one input format.
type Decoder interface {
	// Kind names the format, e.g. "cloudtrail"; recorded in the manifest.
	Kind() string
	// Sniff reports whether this decoder reads an object with this key whose
	// decompressed content starts with head (leading whitespace and BOM removed).
	Sniff(key string, head []byte) bool
	// Decode reads in and emits rows to out. Errors name what failed; the
	// pipeline adds the object URI.
	Decode(ctx context.Context, in *Input, out Sink) error
}

// IgnoredError marks an object a decoder recognised and deliberately does
// not load (a CloudTrail digest or Insights file). It is not a failure.
type IgnoredError struct{ Reason string }

func (e *IgnoredError) Error() string { return "ignored: " + e.Reason }

// Ignore returns an IgnoredError.
func Ignore(reason string) error { return &IgnoredError{Reason: reason} }

// IsIgnored reports whether err says the object was deliberately ignored.
func IsIgnored(err error) bool {
	var ie *IgnoredError
	return errors.As(err, &ie)
}

// ErrStopRun is wrapped by a source's error that must end the whole run,
// not only fail its object (an S3 endpoint that stopped answering).
var ErrStopRun = errors.New("ingest stopped")

// ErrUnknownFormat is returned for content no decoder claims.
var ErrUnknownFormat = errors.New("unrecognised content: no decoder claims it")

// RecordError is a problem with one record of an object.
type RecordError struct {
	Record int64
	Err    error
}

func (e *RecordError) Error() string { return fmt.Sprintf("record %d: %v", e.Record, e.Err) }
func (e *RecordError) Unwrap() error { return e.Err }
