package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"

	"golang.org/x/sync/semaphore"
)

// Memory and disk limits per object. The decoders of whole JSON documents
// (CloudTrail files, AWS CLI output) read the decompressed object into
// memory; Spark event logs stream line by line (sparklog bounds a line);
// evidence-pack Parquet files are buffered in memory or spilled to a
// temporary file (parquetpack bounds the spill). An object over its limit
// fails alone with an error naming the limit; the rest of the run goes on.
//
// The memory of object buffers is budgeted for the whole process, not per
// worker, so the bound does not grow with --workers or --parallel (an S3
// ingest runs up to 64 workers):
//
//   - every buffer starts with at most FreeBuffer bytes of its own;
//   - beyond that, buffers of all workers together draw at most
//     SharedBudget bytes from one shared pool (TakeShared);
//   - a whole-document object that finds the pool empty waits for the
//     process's one large-object slot, whose holder may grow to
//     MaxWholeObject bytes (twice that while its chunks are joined) and
//     never waits for anything else, so the waiting always ends;
//   - a Parquet file that finds the pool empty is spilled to disk at once.
//
// Whole-document buffers therefore hold at most SharedBudget +
// 2×MaxWholeObject (320 MiB) at any time, whatever the number of workers.
const (
	// MaxWholeObject is the largest decompressed object a whole-document
	// decoder reads: CloudTrail delivers a trail's events about every five
	// minutes in files of a few MB, and AWS CLI output of a whole account's
	// runs is tens of MB.
	MaxWholeObject = 128 << 20
	// SharedBudget is how many bytes the object buffers of all workers
	// together may hold beyond their first FreeBuffer bytes, outside the
	// large-object slot.
	SharedBudget = 64 << 20
	// FreeBuffer is what a buffer may hold before it draws from the pool.
	FreeBuffer = 1 << 20
	// Chunk is the unit in which buffers grow and draw from the pool.
	Chunk = 4 << 20
)

// ErrTooLarge is wrapped by the error of an object over a size limit.
var ErrTooLarge = errors.New("object over the size limit")

// largeSlot is the one slot for a whole-document object the shared pool
// cannot hold.
var largeSlot = make(chan struct{}, 1)

// shared is the pool of SharedBudget bytes.
var shared = semaphore.NewWeighted(SharedBudget)

// TakeShared takes n bytes from the process's shared buffer pool if they
// are free now, without waiting, and reports whether it did. Bytes taken
// are given back with GiveShared.
func TakeShared(n int64) bool { return shared.TryAcquire(n) }

// GiveShared gives back n bytes taken with TakeShared.
func GiveShared(n int64) { shared.Release(n) }

// ReadWhole reads the decompressed object r into buf (reused when it has
// room) and returns it. It fails, wrapping ErrTooLarge, past max bytes
// (MaxWholeObject when max <= 0). Beyond buf's capacity (or FreeBuffer)
// the bytes come from the shared pool, or else from the process's single
// large-object slot, held until release is called; release must be called
// once the object's bytes are no longer used, also on error.
//
// Past buf's capacity the bytes are read in fixed chunks and joined once at
// the end: no buffer is regrown and copied again and again, so an object
// of n bytes costs about 2n at the join and n after it.
func ReadWhole(ctx context.Context, r io.Reader, buf []byte, max int64) (b []byte, release func(), err error) {
	if max <= 0 {
		max = MaxWholeObject
	}
	held, taken := false, int64(0)
	release = func() {
		if held {
			held = false
			<-largeSlot
		}
		if taken > 0 {
			GiveShared(taken)
			taken = 0
		}
	}
	// grow makes room for n more bytes: from the pool, or else by holding
	// the large slot (waiting for it).
	grow := func(n int64) error {
		if held {
			return nil
		}
		if TakeShared(n) {
			taken += n
			return nil
		}
		select {
		case largeSlot <- struct{}{}:
			held = true
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	tooLarge := func() error {
		return fmt.Errorf("reading: %w: more than %d MiB decompressed", ErrTooLarge, max>>20)
	}
	b = buf[:0]
	if cap(b) < FreeBuffer {
		b = make([]byte, 0, FreeBuffer)
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
	chunks := [][]byte{b}
	total := int64(len(b))
	for !done {
		if total > max {
			return nil, release, tooLarge()
		}
		if err := grow(Chunk); err != nil {
			return nil, release, err
		}
		var c []byte
		if c, done, err = fill(make([]byte, 0, Chunk)); err != nil {
			return nil, release, err
		}
		chunks = append(chunks, c)
		total += int64(len(c))
	}
	if total > max {
		return nil, release, tooLarge()
	}
	if err := grow(total); err != nil {
		return nil, release, err
	}
	b = make([]byte, 0, total)
	for i, c := range chunks {
		b = append(b, c...)
		chunks[i] = nil
	}
	return b, release, nil
}
