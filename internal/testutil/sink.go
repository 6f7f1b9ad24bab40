package testutil

import (
	"fmt"
	"sync"

	"github.com/gluelens/gluelens/internal/store"
)

// Sink is an ingest.Sink that keeps everything in memory for tests.
type Sink struct {
	mu      sync.Mutex
	Rows    map[string][][]any // table → rows in arrival order, as store.Values gives them
	Skipped int64
	Bads    []RecordIssue
	Warns   []RecordIssue
	// Strict makes Bad return an error, as ingest --strict does.
	Strict bool
}

// RecordIssue is one Bad or Warn call.
type RecordIssue struct {
	Record int64
	Msg    string
}

// NewSink returns an empty Sink.
func NewSink() *Sink { return &Sink{Rows: map[string][][]any{}} }

// Append implements ingest.Sink.
func (s *Sink) Append(r store.Row) error {
	s.add(r.Table(), store.Values(r))
	return nil
}

// AppendColumns implements ingest.Sink.
func (s *Sink) AppendColumns(c *store.Columns) error {
	for i := range c.Len() {
		s.add(c.Table(), c.Row(i))
	}
	return nil
}

func (s *Sink) add(table string, values []any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Rows == nil {
		s.Rows = map[string][][]any{}
	}
	s.Rows[table] = append(s.Rows[table], values)
}

// SkipRecords implements ingest.Sink.
func (s *Sink) SkipRecords(n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Skipped += n
}

// Bad implements ingest.Sink.
func (s *Sink) Bad(record int64, err error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Bads = append(s.Bads, RecordIssue{record, err.Error()})
	if s.Strict {
		return fmt.Errorf("record %d: %w", record, err)
	}
	return nil
}

// Warn implements ingest.Sink.
func (s *Sink) Warn(record int64, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Warns = append(s.Warns, RecordIssue{record, msg})
}
