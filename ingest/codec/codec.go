// Package codec detects and removes the compression around an input object
// by its magic bytes, never by its name. It knows gzip (CloudTrail, CLI
// exports) and zstd; Spark's block framings register themselves with
// Register.
package codec

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Codec recognises one compression framing.
type Codec struct {
	Name  string
	Magic []byte
	// Open returns a reader of the decompressed bytes. r is positioned at
	// the magic.
	Open func(r *bufio.Reader) (io.ReadCloser, error)
}

var (
	mu     sync.RWMutex
	codecs = []Codec{
		{Name: "gzip", Magic: []byte{0x1f, 0x8b}, Open: openGzip},
		{Name: "zstd", Magic: []byte{0x28, 0xb5, 0x2f, 0xfd}, Open: openZstd},
	}
)

// Register adds a codec. Codecs with longer magics should be registered
// before ambiguous shorter ones; detection tries them in order.
func Register(c Codec) {
	mu.Lock()
	defer mu.Unlock()
	codecs = append(codecs, c)
}

// Detect peeks at r and returns a reader of the decompressed content and the
// codec name ("plain" when no magic matched).
func Detect(r *bufio.Reader) (io.ReadCloser, string, error) {
	head, err := r.Peek(16)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, "", err
	}
	mu.RLock()
	defer mu.RUnlock()
	for _, c := range codecs {
		if bytes.HasPrefix(head, c.Magic) {
			rc, err := c.Open(r)
			if err != nil {
				return nil, c.Name, fmt.Errorf("opening %s stream: %w", c.Name, err)
			}
			return rc, c.Name, nil
		}
	}
	return io.NopCloser(r), "plain", nil
}

func openGzip(r *bufio.Reader) (io.ReadCloser, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, err
	}
	zr.Multistream(true)
	return zr, nil
}

var zstdPool = sync.Pool{}

type zstdReader struct{ d *zstd.Decoder }

func (z *zstdReader) Read(p []byte) (int, error) { return z.d.Read(p) }
func (z *zstdReader) Close() error {
	_ = z.d.Reset(nil)
	zstdPool.Put(z.d)
	return nil
}

func openZstd(r *bufio.Reader) (io.ReadCloser, error) {
	if d, ok := zstdPool.Get().(*zstd.Decoder); ok {
		if err := d.Reset(r); err == nil {
			return &zstdReader{d}, nil
		}
	}
	// Concurrency 1: objects are already decoded in parallel.
	d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(1<<31))
	if err != nil {
		return nil, err
	}
	return &zstdReader{d}, nil
}
