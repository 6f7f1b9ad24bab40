package codec

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ning-compress LZF chunk framing, written by Spark for event logs with the
// lzf codec: chunks of "ZV", a type byte, then for type 0 (stored) a
// big-endian uint16 length and the bytes, for type 1 (compressed) a uint16
// compressed length, a uint16 original length and the LZF data. A stream is
// just a sequence of chunks; each holds at most 65,535 bytes.
//
// The LZF algorithm itself (liblzf's lzf_decompress) is decoded by
// DecompressLZF below: no maintained Go LZF module is served by the Go module
// proxy, and the decompressor is twenty lines.
const (
	lzfMagic0, lzfMagic1 = 'Z', 'V'
	lzfStored            = 0
	lzfCompressed        = 1
)

func init() {
	Register(Codec{Name: "lzf", Magic: []byte{lzfMagic0, lzfMagic1}, Open: func(r *bufio.Reader) (io.ReadCloser, error) {
		return io.NopCloser(NewLZFReader(r)), nil
	}})
}

// LZFReader decompresses a ning-compress LZF chunk stream. A stream that
// stops inside a chunk yields every complete chunk and then an error
// wrapping io.ErrUnexpectedEOF.
type LZFReader struct {
	r    io.Reader
	off  int64
	comp []byte
	blockBuffer
}

// NewLZFReader returns a reader of the bytes r's LZF chunk stream holds.
func NewLZFReader(r io.Reader) *LZFReader {
	return &LZFReader{r: r, comp: make([]byte, 0xFFFF), blockBuffer: blockBuffer{buf: make([]byte, 0, 0xFFFF)}}
}

// Read implements io.Reader.
func (z *LZFReader) Read(p []byte) (int, error) {
	return z.read(p, z.nextChunk)
}

func (z *LZFReader) nextChunk() error {
	z.buf, z.pos = z.buf[:0], 0
	at := z.off
	var hdr [7]byte
	_, err := io.ReadFull(z.r, hdr[:5])
	switch {
	case err == io.EOF:
		return io.EOF
	case err == io.ErrUnexpectedEOF:
		return fmt.Errorf("lzf chunk at offset %d: stream ends inside the chunk header: %w", at, io.ErrUnexpectedEOF)
	case err != nil:
		return fmt.Errorf("lzf chunk at offset %d: %w", at, err)
	}
	if hdr[0] != lzfMagic0 || hdr[1] != lzfMagic1 {
		return fmt.Errorf("lzf chunk at offset %d: bad magic %q", at, hdr[:2])
	}
	var compLen, origLen int
	switch hdr[2] {
	case lzfStored:
		compLen = int(binary.BigEndian.Uint16(hdr[3:]))
		origLen = compLen
		z.off += 5
	case lzfCompressed:
		if _, err := io.ReadFull(z.r, hdr[5:7]); err != nil {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return fmt.Errorf("lzf chunk at offset %d: stream ends inside the chunk header: %w", at, io.ErrUnexpectedEOF)
			}
			return fmt.Errorf("lzf chunk at offset %d: %w", at, err)
		}
		compLen = int(binary.BigEndian.Uint16(hdr[3:]))
		origLen = int(binary.BigEndian.Uint16(hdr[5:]))
		z.off += 7
	default:
		return fmt.Errorf("lzf chunk at offset %d: unknown chunk type %d", at, hdr[2])
	}
	z.off += int64(compLen)
	comp := z.comp[:compLen]
	if n, err := io.ReadFull(z.r, comp); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return fmt.Errorf("lzf chunk at offset %d: stream ends inside the chunk (%d of %d bytes): %w", at, n, compLen, io.ErrUnexpectedEOF)
		}
		return fmt.Errorf("lzf chunk at offset %d: %w", at, err)
	}
	if hdr[2] == lzfStored {
		z.buf = append(z.buf, comp...)
		return nil
	}
	out, err := DecompressLZF(z.buf[:0], comp, origLen)
	if err != nil {
		return fmt.Errorf("lzf chunk at offset %d: %w", at, err)
	}
	z.buf = out
	return nil
}

var errLZFCorrupt = errors.New("corrupt lzf data")

// DecompressLZF appends to dst the decompression of src, one LZF block
// whose decompressed size is want, and returns the extended slice.
//
// The format (liblzf lzf_d.c): a control byte c < 32 is followed by c+1
// literal bytes; otherwise length = c>>5 (7 means "add the next byte"), the
// back-reference distance is ((c&31)<<8 | next byte) + 1, and length+2 bytes
// are copied from that far back, overlapping allowed.
func DecompressLZF(dst, src []byte, want int) ([]byte, error) {
	base := len(dst)
	limit := base + want
	for i := 0; i < len(src); {
		c := int(src[i])
		i++
		if c < 32 {
			n := c + 1
			if i+n > len(src) {
				return dst, fmt.Errorf("%w: literal run of %d bytes passes the end of the input", errLZFCorrupt, n)
			}
			if len(dst)+n > limit {
				return dst, fmt.Errorf("%w: output exceeds the declared %d bytes", errLZFCorrupt, want)
			}
			dst = append(dst, src[i:i+n]...)
			i += n
			continue
		}
		n := c >> 5
		if n == 7 {
			if i >= len(src) {
				return dst, fmt.Errorf("%w: back-reference length passes the end of the input", errLZFCorrupt)
			}
			n += int(src[i])
			i++
		}
		if i >= len(src) {
			return dst, fmt.Errorf("%w: back-reference distance passes the end of the input", errLZFCorrupt)
		}
		dist := ((c&31)<<8 | int(src[i])) + 1
		i++
		n += 2
		from := len(dst) - dist
		if from < base {
			return dst, fmt.Errorf("%w: back-reference %d bytes before the start", errLZFCorrupt, dist)
		}
		if len(dst)+n > limit {
			return dst, fmt.Errorf("%w: output exceeds the declared %d bytes", errLZFCorrupt, want)
		}
		for k := 0; k < n; k++ {
			dst = append(dst, dst[from+k])
		}
	}
	if len(dst) != limit {
		return dst, fmt.Errorf("%w: decompressed %d bytes, header says %d", errLZFCorrupt, len(dst)-base, want)
	}
	return dst, nil
}
