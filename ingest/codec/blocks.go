package codec

// blockBuffer serves the decompressed bytes of one block at a time for the
// block-framed readers (LZ4Block, snappy-java, LZF). next refills buf (and
// resets pos) or returns io.EOF at a clean end; its first error sticks.
type blockBuffer struct {
	buf []byte // decompressed bytes of the current block
	pos int
	err error
}

func (b *blockBuffer) read(p []byte, next func() error) (int, error) {
	for b.pos == len(b.buf) {
		if b.err != nil {
			return 0, b.err
		}
		b.err = next()
	}
	n := copy(p, b.buf[b.pos:])
	b.pos += n
	return n, nil
}
