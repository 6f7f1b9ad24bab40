package ingest

import (
	"fmt"
	"sync"

	"github.com/gluelens/gluelens/internal/store"
)

// writeQueueLen is how many appends (a row, or a Columns of up to 8,192
// rows) may wait for the stream writer: with Spark task rows about 11 MB,
// enough to keep the decoder going while DuckDB compresses a full row group
// (122,880 rows), which takes as long as decoding some 30,000.
const writeQueueLen = 4

// writeQueue hands a streamed object's rows to its ObjectWriter, in order,
// on a goroutine of its own: a decoder's rows are stored while it decodes
// the next ones, instead of the decoder waiting for each insert. The sink
// owns the rows it is given (Sink), so they are queued as they are.
type writeQueue struct {
	rows chan bufRow
	done chan struct{}

	mu  sync.Mutex
	err error // the writer's first error; later rows are dropped
}

func newWriteQueue(w *store.ObjectWriter) *writeQueue {
	q := &writeQueue{rows: make(chan bufRow, writeQueueLen), done: make(chan struct{})}
	go func() {
		defer close(q.done)
		for r := range q.rows {
			if q.failed() != nil {
				continue
			}
			var err error
			if r.cols != nil {
				err = w.AppendColumns(r.cols)
			} else {
				err = w.Append(r.row)
			}
			if err != nil {
				q.mu.Lock()
				q.err = err
				q.mu.Unlock()
			}
		}
	}()
	return q
}

func (q *writeQueue) failed() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.err
}

// put queues r, or returns the error that stopped the writer (on rows
// queued before r).
func (q *writeQueue) put(r bufRow) error {
	if err := q.failed(); err != nil {
		return fmt.Errorf("storing earlier rows: %w", err)
	}
	q.rows <- r
	return nil
}

// close waits for the queued rows to be written and returns the writer's
// first error.
func (q *writeQueue) close() error {
	close(q.rows)
	<-q.done
	return q.failed()
}
