package s3src

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// body streams one object. When a read fails mid-stream (connection reset,
// body shorter than its Content-Length) it closes the response and asks for
// the rest with Range: bytes=<offset>- and If-Match: <ETag>, so the bytes
// handed on are exactly the object's, once each. Memory is the reader's
// buffer whatever the object's size.
type body struct {
	ctx     context.Context
	s       *Source
	key     string
	etag    string
	size    int64 // listed size; -1 when unknown
	rc      io.ReadCloser
	off     int64
	resumes int
	slot    bool // holds one of the client's body slots until Close
	meta    map[string]string
}

// Metadata returns the object's user metadata (x-amz-meta-*, keys without
// the prefix), as the first GET returned it (ingest.MetadataReader).
func (b *body) Metadata() map[string]string { return b.meta }

func (b *body) uri() string { return b.s.uri(b.key) }

// get issues the GET for the bytes from b.off on.
func (b *body) get() error {
	in := &s3.GetObjectInput{Bucket: aws.String(b.s.Bucket), Key: aws.String(b.key)}
	if b.etag != "" {
		in.IfMatch = aws.String(b.etag)
	}
	if b.off > 0 {
		in.Range = aws.String("bytes=" + strconv.FormatInt(b.off, 10) + "-")
	}
	out, err := b.s.c.api.GetObject(b.ctx, in, b.s.ops()...)
	if err != nil && b.s.learnRegion(err) {
		out, err = b.s.c.api.GetObject(b.ctx, in, b.s.ops()...)
	}
	if err != nil {
		var ae smithy.APIError
		if errors.As(err, &ae) && ae.ErrorCode() == "PreconditionFailed" {
			return fmt.Errorf("getting %s: the object changed since it was listed (ETag %s no longer matches)", b.uri(), b.etag)
		}
		return fmt.Errorf("getting %s: %w", b.uri(), err)
	}
	if b.off > 0 {
		// A server that ignores Range would send the whole object again
		// and double the bytes already read.
		want := "bytes " + strconv.FormatInt(b.off, 10) + "-"
		if got := aws.ToString(out.ContentRange); !strings.HasPrefix(got, want) {
			out.Body.Close()
			return fmt.Errorf("resuming %s at byte %d: the server answered range %q", b.uri(), b.off, got)
		}
	}
	b.rc = out.Body
	if b.meta == nil {
		b.meta = out.Metadata
	}
	return nil
}

// Read reads from the current response and resumes a broken one.
func (b *body) Read(p []byte) (int, error) {
	for {
		if b.rc == nil {
			return 0, fmt.Errorf("reading %s: body closed", b.uri())
		}
		n, err := b.rc.Read(p)
		b.off += int64(n)
		if err == io.EOF && b.size >= 0 && b.off < b.size {
			err = io.ErrUnexpectedEOF
		}
		if err == nil || err == io.EOF {
			return n, err
		}
		if b.ctx.Err() != nil {
			return n, b.ctx.Err()
		}
		if b.size >= 0 && b.off >= b.size {
			// The connection broke after the last byte: nothing is missing
			// (a ranged GET from the end would be refused).
			return n, io.EOF
		}
		if b.resumes >= b.s.c.maxResumes {
			return n, fmt.Errorf("reading %s at byte %d after %d resumed GETs: %w", b.uri(), b.off, b.resumes, err)
		}
		b.resumes++
		b.s.retries.Add(1)
		b.rc.Close()
		b.rc = nil
		if gerr := b.get(); gerr != nil {
			return n, fmt.Errorf("reading %s at byte %d: %w", b.uri(), b.off, gerr)
		}
		if n > 0 {
			return n, nil
		}
	}
}

// Close releases the response and the body slot.
func (b *body) Close() error {
	if b.slot {
		b.slot = false
		<-b.s.c.bodies
	}
	if b.rc == nil {
		return nil
	}
	err := b.rc.Close()
	b.rc = nil
	return err
}
