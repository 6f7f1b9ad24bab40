package codec

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/OneOfOne/xxhash"
	"github.com/pierrec/lz4/v4"
)

// lz4-java LZ4BlockOutputStream framing, written by Spark for event logs and
// shuffle files with spark.io.compression.codec=lz4. It is not the LZ4 frame
// format: every block carries a 21-byte header
//
//	"LZ4Block" | token | compressed len | decompressed len | checksum
//
// with little-endian int32s. The token's high nibble is the method (0x10 raw
// copy, 0x20 LZ4 block) and its low nibble log2(block size)-10. The checksum
// is XXHash32 (seed 0x9747b28c) of the decompressed bytes masked to 28 bits
// (lz4-java's StreamingXXHash32.asChecksum). A raw block with all three ints
// zero ends a stream; more streams may follow it.
const (
	lz4BlockMagic     = "LZ4Block"
	lz4BlockHeaderLen = 21
	lz4MethodRaw      = 0x10
	lz4MethodLZ4      = 0x20
	lz4ChecksumSeed   = 0x9747b28c
	lz4ChecksumMask   = 0x0FFFFFFF
	lz4MaxBlockShift  = 15 // low nibble ≤ 15: blocks up to 32 MiB
)

func init() {
	Register(Codec{Name: "lz4", Magic: []byte(lz4BlockMagic), Open: func(r *bufio.Reader) (io.ReadCloser, error) {
		return io.NopCloser(NewLZ4BlockReader(r)), nil
	}})
}

// LZ4BlockReader decompresses an lz4-java LZ4Block stream (one or several
// concatenated). A stream that stops inside a block — an in-progress Spark
// log, whose writer does not flush partial blocks — yields every complete
// block and then an error wrapping io.ErrUnexpectedEOF.
type LZ4BlockReader struct {
	r    io.Reader
	off  int64 // offset of the next header in the compressed stream
	hdr  [lz4BlockHeaderLen]byte
	comp []byte
	blockBuffer
}

// NewLZ4BlockReader returns a reader of the bytes r's LZ4Block stream holds.
func NewLZ4BlockReader(r io.Reader) *LZ4BlockReader { return &LZ4BlockReader{r: r} }

// Read implements io.Reader.
func (z *LZ4BlockReader) Read(p []byte) (int, error) {
	return z.read(p, z.nextBlock)
}

// nextBlock reads one block into z.buf. It returns io.EOF at a clean end.
func (z *LZ4BlockReader) nextBlock() error {
	z.buf, z.pos = z.buf[:0], 0
	at := z.off
	n, err := io.ReadFull(z.r, z.hdr[:])
	switch {
	case err == io.EOF:
		return io.EOF
	case err == io.ErrUnexpectedEOF:
		return fmt.Errorf("lz4 block at offset %d: stream ends inside the block header (%d of %d bytes): %w", at, n, lz4BlockHeaderLen, io.ErrUnexpectedEOF)
	case err != nil:
		return fmt.Errorf("lz4 block at offset %d: %w", at, err)
	}
	if string(z.hdr[:8]) != lz4BlockMagic {
		return fmt.Errorf("lz4 block at offset %d: bad magic %q", at, z.hdr[:8])
	}
	token := z.hdr[8]
	method, shift := token&0xF0, int(token&0x0F)
	compLen := int32(binary.LittleEndian.Uint32(z.hdr[9:]))
	origLen := int32(binary.LittleEndian.Uint32(z.hdr[13:]))
	check := binary.LittleEndian.Uint32(z.hdr[17:])
	if method != lz4MethodRaw && method != lz4MethodLZ4 {
		return fmt.Errorf("lz4 block at offset %d: unknown method 0x%02x", at, method)
	}
	maxLen := int32(1) << (shift + 10)
	if shift > lz4MaxBlockShift || origLen < 0 || compLen < 0 || origLen > maxLen || int(compLen) > lz4.CompressBlockBound(int(maxLen)) ||
		(origLen == 0) != (compLen == 0) || (method == lz4MethodRaw && origLen != compLen) {
		return fmt.Errorf("lz4 block at offset %d: inconsistent header (token 0x%02x, compressed %d, decompressed %d)", at, token, compLen, origLen)
	}
	z.off += lz4BlockHeaderLen + int64(compLen)
	if origLen == 0 {
		if check != 0 {
			return fmt.Errorf("lz4 block at offset %d: end-of-stream marker has checksum 0x%08x", at, check)
		}
		return nil // end of one stream; another may follow
	}
	if cap(z.comp) < int(compLen) {
		z.comp = make([]byte, compLen)
	}
	comp := z.comp[:compLen]
	if n, err := io.ReadFull(z.r, comp); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return fmt.Errorf("lz4 block at offset %d: stream ends inside the block (%d of %d bytes): %w", at, n, compLen, io.ErrUnexpectedEOF)
		}
		return fmt.Errorf("lz4 block at offset %d: %w", at, err)
	}
	if cap(z.buf) < int(origLen) {
		z.buf = make([]byte, origLen)
	}
	z.buf = z.buf[:origLen]
	if method == lz4MethodRaw {
		copy(z.buf, comp)
	} else {
		n, err := lz4.UncompressBlock(comp, z.buf)
		if err != nil {
			z.buf = z.buf[:0]
			return fmt.Errorf("lz4 block at offset %d: decompressing: %w", at, err)
		}
		if n != int(origLen) {
			z.buf = z.buf[:0]
			return fmt.Errorf("lz4 block at offset %d: decompressed %d bytes, header says %d", at, n, origLen)
		}
	}
	if sum := xxhash.Checksum32S(z.buf, lz4ChecksumSeed) & lz4ChecksumMask; sum != check {
		z.buf = z.buf[:0]
		return fmt.Errorf("lz4 block at offset %d: checksum mismatch (stored 0x%08x, computed 0x%08x)", at, check, sum)
	}
	return nil
}
