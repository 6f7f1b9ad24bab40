package sparklog_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/codec"
	"github.com/gluelens/gluelens/ingest/sparklog"
	"github.com/gluelens/gluelens/internal/store"
	"github.com/gluelens/gluelens/internal/testutil"
)

// columns maps each Spark table to its column positions, as its row struct
// in internal/store holds them (checked against the schema there).
var columns = func() map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, r := range []store.Row{(*store.SparkApp)(nil), (*store.SparkExecutor)(nil), (*store.SparkStage)(nil),
		(*store.SparkTask)(nil), (*store.SparkJob)(nil)} {
		cols := map[string]int{}
		for i, f := range store.FieldsOf(r) {
			cols[f.Name] = i
		}
		out[r.Table()] = cols
	}
	return out
}()

type issue struct {
	record int64
	msg    string
}

// memSink collects what a decoder emits.
type memSink struct {
	rows    map[string][][]any
	skipped int64
	bad     []issue
	warn    []issue
	strict  bool
}

func newSink() *memSink { return &memSink{rows: map[string][][]any{}} }

func (s *memSink) Append(r store.Row) error { return s.add(r.Table(), store.Values(r)) }

func (s *memSink) AppendColumns(c *store.Columns) error {
	for i := range c.Len() {
		if err := s.add(c.Table(), c.Row(i)); err != nil {
			return err
		}
	}
	return nil
}

func (s *memSink) add(table string, values []any) error {
	cols, ok := columns[table]
	if !ok {
		return fmt.Errorf("unknown table %s", table)
	}
	if len(values) != len(cols) {
		return fmt.Errorf("%s: %d values for %d columns", table, len(values), len(cols))
	}
	s.rows[table] = append(s.rows[table], values)
	return nil
}
func (s *memSink) SkipRecords(n int64) { s.skipped += n }
func (s *memSink) Bad(record int64, err error) error {
	s.bad = append(s.bad, issue{record, err.Error()})
	if s.strict {
		return &ingest.RecordError{Record: record, Err: err}
	}
	return nil
}
func (s *memSink) Warn(record int64, msg string) { s.warn = append(s.warn, issue{record, msg}) }

// get returns column col of row.
func get(table string, row []any, col string) any {
	i, ok := columns[table][col]
	if !ok {
		panic("no column " + table + "." + col)
	}
	return row[i]
}

// final keeps, per key, the row with the greatest log_events — what the
// store's ReplaceIfNewer merge keeps — in first-seen key order.
func (s *memSink) final(table string, key ...string) [][]any {
	idx := map[string]int{}
	var out [][]any
	for _, r := range s.rows[table] {
		var k strings.Builder
		for _, c := range key {
			fmt.Fprintf(&k, "%v|", get(table, r, c))
		}
		if i, ok := idx[k.String()]; ok {
			if get(table, r, "log_events").(int64) > get(table, out[i], "log_events").(int64) {
				out[i] = r
			}
			continue
		}
		idx[k.String()] = len(out)
		out = append(out, r)
	}
	return out
}

func (s *memSink) tasks() [][]any { return s.final("spark_tasks", "app_id", "attempt_id", "task_id") }

// decodeBytes runs the decoder on content as the pipeline does: codec
// detection, then sniffing, then decoding.
func decodeBytes(t testing.TB, key string, content []byte, sink *memSink) error {
	t.Helper()
	return decodeParts(t, key, [][]byte{content}, nil, sink)
}

func decodeParts(t testing.TB, key string, parts [][]byte, names []string, sink *memSink) error {
	t.Helper()
	var readers []io.Reader
	codecName := ""
	for _, p := range parts {
		rc, name, err := codec.Detect(bufio.NewReader(bytes.NewReader(p)))
		if err != nil {
			t.Fatalf("detecting codec: %v", err)
		}
		if codecName == "" {
			codecName = name
		}
		readers = append(readers, rc)
	}
	br := bufio.NewReaderSize(io.MultiReader(readers...), 256<<10)
	head, _ := br.Peek(4096)
	head = bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	var d sparklog.Decoder
	if !d.Sniff(key, head) {
		t.Fatalf("%s: decoder does not claim the content", key)
	}
	in := &ingest.Input{Object: ingest.Object{URI: "/data/" + key, Key: key}, Codec: codecName, R: br, PartNames: names}
	return d.Decode(context.Background(), in, sink)
}

func realFile(t testing.TB, rel ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(testutil.RealData(t, rel...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
