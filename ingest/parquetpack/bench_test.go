package parquetpack_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/parquetpack"
	"github.com/gluelens/gluelens/internal/store"
)

// benchRows is the size of each benchmark table; GLUELENS_BENCH_ROWS
// overrides the default of 200,000.
func benchRows(b *testing.B) int {
	if s := os.Getenv("GLUELENS_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		return n
	}
	return 200_000
}

// benchDB fills eni_events and spark_tasks with testdata/bench_*.sql.
func benchDB(b *testing.B, rows int) *store.Store {
	b.Helper()
	st := openStore(b, filepath.Join(b.TempDir(), "bench.duckdb"))
	for _, f := range []string{"bench_eni_events.sql", "bench_spark_tasks.sql"} {
		q, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.DB().ExecContext(context.Background(), strings.ReplaceAll(string(q), "__ROWS__", strconv.Itoa(rows))); err != nil {
			b.Fatalf("%s: %v", f, err)
		}
	}
	return st
}

func dirBytes(b *testing.B, dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n
}

// BenchmarkExport writes one table as a pack (dt partitions, each file a
// DuckDB COPY with ZSTD, the manifest). SetBytes is the Parquet output, so MB/s is output
// throughput; rows/s and file-bytes are reported too.
func BenchmarkExport(b *testing.B) {
	rows := benchRows(b)
	st := benchDB(b, rows)
	defer st.Close()
	for _, table := range []string{"eni_events", "spark_tasks"} {
		b.Run(table, func(b *testing.B) {
			b.ReportAllocs()
			var size int64
			start, cpu0 := time.Now(), cpuTime()
			for i := 0; i < b.N; i++ {
				dir := filepath.Join(b.TempDir(), fmt.Sprint(i))
				if _, err := parquetpack.Export(context.Background(), st, parquetpack.DirDest{Dir: dir}, parquetpack.Options{Tables: []string{table}}); err != nil {
					b.Fatal(err)
				}
				size = dirBytes(b, dir)
				os.RemoveAll(dir)
			}
			b.SetBytes(size)
			b.ReportMetric(float64(rows)*float64(b.N)/time.Since(start).Seconds(), "rows/s")
			b.ReportMetric(float64(size), "file-bytes")
			b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}

// BenchmarkDuckDBCopy is the reference: DuckDB's own Parquet writer on the
// same rows, COPY (SELECT …) TO '…' (FORMAT PARQUET, COMPRESSION ZSTD),
// one file, no partitioning.
func BenchmarkDuckDBCopy(b *testing.B) {
	rows := benchRows(b)
	st := benchDB(b, rows)
	defer st.Close()
	for _, table := range []string{"eni_events", "spark_tasks"} {
		b.Run(table, func(b *testing.B) {
			b.ReportAllocs()
			var size int64
			start, cpu0 := time.Now(), cpuTime()
			for i := 0; i < b.N; i++ {
				p := filepath.Join(b.TempDir(), fmt.Sprintf("%s-%d.parquet", table, i))
				q := fmt.Sprintf(`COPY (SELECT * FROM %s) TO '%s' (FORMAT PARQUET, COMPRESSION ZSTD)`, table, p)
				if _, err := st.DB().ExecContext(context.Background(), q); err != nil {
					b.Fatal(err)
				}
				info, err := os.Stat(p)
				if err != nil {
					b.Fatal(err)
				}
				size = info.Size()
				os.Remove(p)
			}
			b.SetBytes(size)
			b.ReportMetric(float64(rows)*float64(b.N)/time.Since(start).Seconds(), "rows/s")
			b.ReportMetric(float64(size), "file-bytes")
			b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}

// BenchmarkIngestPack loads an exported pack into a fresh database through
// the pipeline and the decoder; SetBytes is the pack size.
func BenchmarkIngestPack(b *testing.B) {
	rows := benchRows(b)
	st := benchDB(b, rows)
	pack := filepath.Join(b.TempDir(), "pack")
	if _, err := parquetpack.Export(context.Background(), st, parquetpack.DirDest{Dir: pack}, parquetpack.Options{Tables: []string{"eni_events", "spark_tasks"}}); err != nil {
		b.Fatal(err)
	}
	st.Close()
	size := dirBytes(b, pack)
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	for i := 0; i < b.N; i++ {
		dst := openStore(b, filepath.Join(b.TempDir(), fmt.Sprintf("b%d.duckdb", i)))
		sum := ingestPaths(b, dst, []ingest.Decoder{&parquetpack.Decoder{}}, pack)
		if !sum.OK() || sum.Kept != int64(2*rows) {
			b.Fatalf("ingest: %+v", sum)
		}
		dst.Close()
	}
	b.ReportMetric(float64(2*rows)*float64(b.N)/time.Since(start).Seconds(), "rows/s")
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}

// BenchmarkDecode is the decoder alone: every file of a two-table pack read
// into a sink that only counts (no database). SetBytes is the pack size.
func BenchmarkDecode(b *testing.B) {
	rows := benchRows(b)
	st := benchDB(b, rows)
	pack := filepath.Join(b.TempDir(), "pack")
	m, err := parquetpack.Export(context.Background(), st, parquetpack.DirDest{Dir: pack}, parquetpack.Options{Tables: []string{"eni_events", "spark_tasks"}})
	if err != nil {
		b.Fatal(err)
	}
	st.Close()
	var files [][]byte
	var keys []string
	var size int64
	for _, t := range m.Tables {
		for _, f := range t.Files {
			data, err := os.ReadFile(filepath.Join(pack, filepath.FromSlash(f.Path)))
			if err != nil {
				b.Fatal(err)
			}
			files, keys = append(files, data), append(keys, f.Path)
			size += int64(len(data))
		}
	}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	for i := 0; i < b.N; i++ {
		var s countSink
		for j, data := range files {
			in := &ingest.Input{Object: ingest.Object{Key: keys[j]}, R: bytes.NewReader(data)}
			if err := (&parquetpack.Decoder{}).Decode(context.Background(), in, &s); err != nil {
				b.Fatal(err)
			}
		}
		if s.rows != int64(2*rows) {
			b.Fatalf("decoded %d rows, want %d", s.rows, 2*rows)
		}
	}
	b.ReportMetric(float64(2*rows)*float64(b.N)/time.Since(start).Seconds(), "rows/s")
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}
