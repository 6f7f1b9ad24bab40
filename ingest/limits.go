package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// Memory and disk limits per object. The decoders of whole JSON documents
// (CloudTrail files, AWS CLI output) read the decompressed object into
// memory; Spark event logs stream line by line (sparklog bounds a line);
// evidence-pack Parquet files are buffered in memory or spilled to a
// temporary file (parquetpack bounds the spill). An object over its limit
// fails alone with an error naming the limit; the rest of the run goes on.
const (
	// MaxWholeObject is the largest decompressed object a whole-document
	// decoder reads: CloudTrail delivers a trail's events about every five
	// minutes in files of a few MB, and AWS CLI output of a whole account's
	// runs is tens of MB.
	MaxWholeObject = 128 << 20
	// SharedWholeObject is how much of a whole-document object every
	// worker may hold at once; past it, a worker waits for the process's
	// one large-object slot, so at most one object beyond this size is in
	// memory at a time.
	SharedWholeObject = 32 << 20
)

// ErrTooLarge is wrapped by the error of an object over a size limit.
var ErrTooLarge = errors.New("object over the size limit")

// largeSlot is the one slot for a whole-document object past SharedWholeObject.
var largeSlot = make(chan struct{}, 1)

// ReadWhole reads the decompressed object r into buf (reused when it has
// room) and returns it. It fails, wrapping ErrTooLarge, past max bytes
// (MaxWholeObject when max <= 0). Past SharedWholeObject bytes it holds the
// process's single large-object slot until release is called; release
// must be called once the object's bytes are no longer used, also on error.
//
// Past buf's capacity the bytes are read in fixed chunks and joined once at
// the end: no buffer is regrown and copied again and again, so an object
// of n bytes costs about 2n at the join and n after it.
func ReadWhole(ctx context.Context, r io.Reader, buf []byte, max int64) (b []byte, release func(), err error) {
	if max <= 0 {
		max = MaxWholeObject
	}
	held := false
	release = func() {
		if held {
			held = false
			<-largeSlot
		}
	}
	tooLarge := func() error {
		return fmt.Errorf("reading: %w: more than %d MiB decompressed", ErrTooLarge, max>>20)
	}
	b = buf[:0]
	if cap(b) < 1<<20 {
		b = make([]byte, 0, 1<<20)
	}
	// fill reads into c up to its capacity; done is true at the end of r.
	fill := func(c []byte) ([]byte, bool, error) {
		for len(c) < cap(c) {
			n, err := r.Read(c[len(c):cap(c)])
			c = c[:len(c)+n]
			if err == io.EOF {
				return c, true, nil
			}
			if err != nil {
				return c, false, fmt.Errorf("reading: %w", err)
			}
		}
		return c, false, nil
	}
	b, done, err := fill(b)
	if err != nil || done {
		if int64(len(b)) > max {
			return b, release, tooLarge()
		}
		return b, release, err
	}
	const chunk = 4 << 20
	chunks := [][]byte{b}
	total := int64(len(b))
	for !done {
		if total > max {
			return nil, release, tooLarge()
		}
		if !held && total >= SharedWholeObject {
			select {
			case largeSlot <- struct{}{}:
				held = true
			case <-ctx.Done():
				return nil, release, ctx.Err()
			}
		}
		var c []byte
		if c, done, err = fill(make([]byte, 0, chunk)); err != nil {
			return nil, release, err
		}
		chunks = append(chunks, c)
		total += int64(len(c))
	}
	if total > max {
		return nil, release, tooLarge()
	}
	b = make([]byte, 0, total)
	for i, c := range chunks {
		b = append(b, c...)
		chunks[i] = nil
	}
	return b, release, nil
}
