package ingest

import (
	"context"
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"testing"
)

// zeros yields n zero bytes, adds what it hands out to held and keeps
// held's highest value in peak.
type zeros struct {
	n          int64
	held, peak *atomic.Int64
}

func (z *zeros) Read(p []byte) (int, error) {
	if z.n == 0 {
		return 0, io.EOF
	}
	k := int64(len(p))
	k = min(k, z.n)
	clear(p[:k])
	z.n -= k
	h := z.held.Add(k)
	for {
		p := z.peak.Load()
		if h <= p || z.peak.CompareAndSwap(p, h) {
			break
		}
	}
	return int(k), nil
}

// TestReadWholeBudgetIsPerProcess: however many workers read large
// objects at once, the bytes read and not yet released stay within the
// shared pool, one large object and each worker's free first buffer —
// the bound does not grow with the number of workers. Objects over the
// limit fail with ErrTooLarge and give everything back.
func TestReadWholeBudgetIsPerProcess(t *testing.T) {
	for _, tc := range []struct {
		name    string
		workers int
		size    int64
		fail    bool
	}{
		{"16 workers, 40 MiB objects", 16, 40 << 20, false},
		{"8 workers, 20 MiB objects", 8, 20 << 20, false},
		{"4 workers, bombs", 4, MaxWholeObject + 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var held, peak atomic.Int64
			var wg sync.WaitGroup
			errs := make(chan error, tc.workers)
			for range tc.workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					z := &zeros{n: tc.size, held: &held, peak: &peak}
					b, release, err := ReadWhole(context.Background(), z, nil, 0)
					if err == nil && int64(len(b)) != tc.size {
						err = errors.New("short read")
					}
					held.Add(-(tc.size - z.n))
					release()
					errs <- err
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if tc.fail != errors.Is(err, ErrTooLarge) || (!tc.fail && err != nil) {
					t.Errorf("error %v, want too large: %v", err, tc.fail)
				}
			}
			bound := int64(SharedBudget + MaxWholeObject + tc.workers*FreeBuffer + 2*Chunk)
			if p := peak.Load(); p > bound {
				t.Errorf("%d MiB read and held at once, the bound is %d MiB", p>>20, bound>>20)
			}
			// Everything is given back: the whole pool is free again.
			if !TakeShared(SharedBudget) {
				t.Fatal("the shared pool was not given back")
			}
			GiveShared(SharedBudget)
		})
	}
}
