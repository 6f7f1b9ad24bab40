package sparklog_test

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/sparklog"
	"github.com/gluelens/gluelens/internal/store"
)

// countSink keeps nothing: the benchmarks measure the decoder alone. It
// takes task rows column by column, as the ingest pipeline does.
type countSink struct{ rows, skipped int64 }

func (s *countSink) Append(store.Row) error               { s.rows++; return nil }
func (s *countSink) AppendColumns(c *store.Columns) error { s.rows += int64(c.Len()); return nil }
func (s *countSink) SkipRecords(n int64)                  { s.skipped += n }
func (s *countSink) Bad(int64, error) error               { return nil }
func (s *countSink) Warn(int64, string)                   {}

func benchDecode(b *testing.B, plain []byte) {
	b.SetBytes(int64(len(plain)))
	b.ReportAllocs()
	var s countSink
	for b.Loop() {
		in := &ingest.Input{Object: ingest.Object{URI: "/b", Key: "b"}, Codec: "plain", R: bufio.NewReaderSize(bytes.NewReader(plain), 256<<10)}
		if err := (sparklog.Decoder{}).Decode(context.Background(), in, &s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(s.rows)/float64(b.N), "rows/op")
}

// BenchmarkDecodeRealLog: Spark 3.5.3 (Dataproc NDS q72), 48 MB, 27,321 events.
func BenchmarkDecodeRealLog(b *testing.B) {
	benchDecode(b, plainOf(b, realFile(b, "spark-events-thirdparty", "NVIDIA__spark-rapids-tools", "spark-events-qualification", "nds_q72_dataproc_2_2.zstd")))
}

// BenchmarkDecodeLargeLog: a generated log of 200,000 tasks (~560 MB) made
// of the real TaskStart/TaskEnd lines of a Spark 3.3 log with fresh task ids,
// or the plain event log GLUELENS_BENCH_SPARKLOG names (make bench passes
// its corpus, to time the decoder alone on the bytes it times DuckDB's
// reader on: no file reads, no hashing, no database).
func BenchmarkDecodeLargeLog(b *testing.B) {
	b.StopTimer()
	var plain []byte
	if p := os.Getenv("GLUELENS_BENCH_SPARKLOG"); p != "" {
		var err error
		if plain, err = os.ReadFile(p); err != nil {
			b.Fatal(err)
		}
	} else {
		plain = generateLargeLog(b, 200_000)
	}
	b.StartTimer()
	benchDecode(b, plain)
}

func generateLargeLog(b *testing.B, tasks int) []byte {
	src := plainOf(b, realFile(b, "spark-events-thirdparty", "NVIDIA__spark-rapids-tools", "spark-events-profiling", "gpu_oom_eventlog.zstd"))
	var header, starts, ends [][]byte
	for _, l := range bytes.SplitAfter(src, []byte("\n")) {
		switch {
		case bytes.Contains(l, []byte(`"Event":"SparkListenerTaskStart"`)):
			starts = append(starts, l)
		case bytes.Contains(l, []byte(`"Event":"SparkListenerTaskEnd"`)):
			ends = append(ends, l)
		case len(starts) == 0:
			header = append(header, l)
		}
	}
	var out bytes.Buffer
	for _, l := range header {
		out.Write(l)
	}
	idKey := []byte(`"Task ID":`)
	renumber := func(l []byte, id int) {
		i := bytes.Index(l, idKey) + len(idKey)
		j := i
		for l[j] >= '0' && l[j] <= '9' {
			j++
		}
		out.Write(l[:i])
		out.WriteString(strconv.Itoa(id))
		out.Write(l[j:])
	}
	for id := 0; id < tasks; id++ {
		renumber(starts[id%len(starts)], id)
		renumber(ends[id%len(ends)], id)
	}
	return out.Bytes()
}

// BenchmarkDuckDBReadJSON is the yardstick of the decoder's speed: DuckDB's
// read_json extracting the same TaskEnd fields from the same 48 MB log
// (DuckDB may use every core; the decoder uses one).
func BenchmarkDuckDBReadJSON(b *testing.B) {
	plain := plainOf(b, realFile(b, "spark-events-thirdparty", "NVIDIA__spark-rapids-tools", "spark-events-qualification", "nds_q72_dataproc_2_2.zstd"))
	path := filepath.Join(b.TempDir(), "nds_q72.json")
	if err := os.WriteFile(path, plain, 0o644); err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "b.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	const q = `SELECT count(*), sum(m."Shuffle Write Metrics"."Shuffle Bytes Written"), sum(m."Memory Bytes Spilled"),
		max(i."Finish Time"), count(DISTINCT r."Reason")
	FROM (SELECT "Task Metrics" AS m, "Task Info" AS i, "Task End Reason" AS r FROM read_json(?, format = 'newline_delimited',
		maximum_object_size = 268435456, ignore_errors = true,
		columns = {'Event': 'VARCHAR', 'Stage ID': 'BIGINT', 'Stage Attempt ID': 'BIGINT', 'Task Type': 'VARCHAR',
			'Task End Reason': 'STRUCT("Reason" VARCHAR, "Description" VARCHAR, "Loss Reason" VARCHAR, "Kill Reason" VARCHAR, "Message" VARCHAR)',
			'Task Info': 'STRUCT("Task ID" BIGINT, "Index" BIGINT, "Attempt" BIGINT, "Partition ID" BIGINT, "Launch Time" BIGINT, "Executor ID" VARCHAR, "Host" VARCHAR, "Speculative" BOOLEAN, "Finish Time" BIGINT, "Failed" BOOLEAN, "Killed" BOOLEAN)',
			'Task Metrics': 'STRUCT("Executor Run Time" BIGINT, "Executor CPU Time" BIGINT, "JVM GC Time" BIGINT, "Result Size" BIGINT, "Peak Execution Memory" BIGINT, "Memory Bytes Spilled" BIGINT, "Disk Bytes Spilled" BIGINT, "Shuffle Read Metrics" STRUCT("Remote Bytes Read" BIGINT, "Local Bytes Read" BIGINT, "Remote Bytes Read To Disk" BIGINT, "Total Records Read" BIGINT), "Shuffle Write Metrics" STRUCT("Shuffle Bytes Written" BIGINT, "Shuffle Records Written" BIGINT, "Shuffle Write Time" BIGINT), "Input Metrics" STRUCT("Bytes Read" BIGINT, "Records Read" BIGINT), "Output Metrics" STRUCT("Bytes Written" BIGINT, "Records Written" BIGINT))'})
		WHERE "Event" = 'SparkListenerTaskEnd')`
	b.SetBytes(int64(len(plain)))
	b.ReportAllocs()
	for b.Loop() {
		var n, w, spill, finish, reasons int64
		if err := st.DB().QueryRowContext(context.Background(), q, path).Scan(&n, &w, &spill, &finish, &reasons); err != nil {
			b.Fatal(err)
		}
		if n != 13504 || w != 20593218111 {
			b.Fatalf("read_json: %d task ends, %d shuffle bytes; want 13504, 20593218111 (SOURCES.md)", n, w)
		}
	}
}
