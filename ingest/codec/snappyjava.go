package codec

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/golang/snappy"
)

// snappy-java SnappyOutputStream framing, written by Spark for event logs with
// the snappy codec. It is neither Google's framing format ("sNaPpY") nor
// Hadoop's: a 16-byte header — magic "\x82SNAPPY\x00", big-endian int32
// version and minimum compatible version — then blocks, each a big-endian
// int32 length and a raw snappy block. Concatenated streams repeat the header.
const (
	snappyJavaMagic     = "\x82SNAPPY\x00"
	snappyJavaHeaderLen = 16
	// snappyJavaMaxBlock bounds one block's decompressed size. Spark's block
	// size is 32 KiB by default; snappy-java allows far larger, but a block
	// above this is corruption, not a real log.
	snappyJavaMaxBlock = 64 << 20
)

func init() {
	Register(Codec{Name: "snappy", Magic: []byte(snappyJavaMagic), Open: func(r *bufio.Reader) (io.ReadCloser, error) {
		return io.NopCloser(NewSnappyJavaReader(r)), nil
	}})
}

// SnappyJavaReader decompresses a snappy-java stream (one or several
// concatenated). A stream that stops inside a block yields every complete
// block and then an error wrapping io.ErrUnexpectedEOF.
type SnappyJavaReader struct {
	r     io.Reader
	off   int64
	begun bool // the first stream header was read
	comp  []byte
	blockBuffer
}

// NewSnappyJavaReader returns a reader of the bytes r's snappy-java stream holds.
func NewSnappyJavaReader(r io.Reader) *SnappyJavaReader { return &SnappyJavaReader{r: r} }

// Read implements io.Reader.
func (z *SnappyJavaReader) Read(p []byte) (int, error) {
	return z.read(p, z.nextBlock)
}

func (z *SnappyJavaReader) nextBlock() error {
	z.buf, z.pos = z.buf[:0], 0
	at := z.off
	var lenBuf [4]byte
	n, err := io.ReadFull(z.r, lenBuf[:])
	switch {
	case err == io.EOF && z.begun:
		return io.EOF
	case err == io.EOF:
		return fmt.Errorf("snappy stream: empty, no header: %w", io.ErrUnexpectedEOF)
	case err == io.ErrUnexpectedEOF:
		return fmt.Errorf("snappy block at offset %d: stream ends inside the length (%d of 4 bytes): %w", at, n, io.ErrUnexpectedEOF)
	case err != nil:
		return fmt.Errorf("snappy block at offset %d: %w", at, err)
	}
	if !z.begun || string(lenBuf[:]) == snappyJavaMagic[:4] {
		return z.readHeader(at, lenBuf)
	}
	size := int32(binary.BigEndian.Uint32(lenBuf[:]))
	if size < 0 || size > snappyJavaMaxBlock {
		return fmt.Errorf("snappy block at offset %d: bad block length %d", at, size)
	}
	z.off += 4 + int64(size)
	if cap(z.comp) < int(size) {
		z.comp = make([]byte, size)
	}
	comp := z.comp[:size]
	if n, err := io.ReadFull(z.r, comp); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return fmt.Errorf("snappy block at offset %d: stream ends inside the block (%d of %d bytes): %w", at, n, size, io.ErrUnexpectedEOF)
		}
		return fmt.Errorf("snappy block at offset %d: %w", at, err)
	}
	dlen, err := snappy.DecodedLen(comp)
	if err != nil {
		return fmt.Errorf("snappy block at offset %d: %w", at, err)
	}
	if dlen > snappyJavaMaxBlock {
		return fmt.Errorf("snappy block at offset %d: decompressed length %d too large", at, dlen)
	}
	if cap(z.buf) < dlen {
		z.buf = make([]byte, dlen)
	}
	out, err := snappy.Decode(z.buf[:dlen], comp)
	if err != nil {
		z.buf = z.buf[:0]
		return fmt.Errorf("snappy block at offset %d: decompressing: %w", at, err)
	}
	z.buf = out
	return nil
}

// readHeader reads the rest of a stream header whose first 4 bytes are first.
func (z *SnappyJavaReader) readHeader(at int64, first [4]byte) error {
	var hdr [snappyJavaHeaderLen]byte
	copy(hdr[:], first[:])
	if n, err := io.ReadFull(z.r, hdr[4:]); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return fmt.Errorf("snappy header at offset %d: stream ends inside the header (%d of %d bytes): %w", at, 4+n, snappyJavaHeaderLen, io.ErrUnexpectedEOF)
		}
		return fmt.Errorf("snappy header at offset %d: %w", at, err)
	}
	if !bytes.Equal(hdr[:8], []byte(snappyJavaMagic)) {
		return fmt.Errorf("snappy header at offset %d: bad magic %q", at, hdr[:8])
	}
	if v := int32(binary.BigEndian.Uint32(hdr[12:])); v > 1 {
		return fmt.Errorf("snappy header at offset %d: unsupported minimum compatible version %d", at, v)
	}
	z.off += snappyJavaHeaderLen
	z.begun = true
	return nil
}
