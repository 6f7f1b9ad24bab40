package sparklog_test

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"
)

// TestIngestCutCompressedSingleFile: a single-file Spark log cut short
// inside its zstd or gzip stream (.zstd.inprogress, .gz) is loaded through
// the whole pipeline with every complete event, marked truncated, as a cut
// plain log is — not failed as a whole object.
func TestIngestCutCompressedSingleFile(t *testing.T) {
	zst := realFile(t, tp("NVIDIA__spark-rapids-tools/spark-events-profiling/tasks_executors_fail_compressed_eventlog.zstd")...)
	plain := realFile(t, "spark-events", "local-1430917381534")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(plain)
	zw.Close()
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"app-1.zstd.inprogress", zst[:len(zst)*3/5]},
		{"local-1430917381534.gz", gz.Bytes()[:gz.Len()*3/5]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, tc.name), tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			st := openStore(t)
			sum := run(t, st, dir, false)
			if sum.Failed != 0 || sum.Loaded != 1 {
				t.Fatalf("summary %+v; want the cut log loaded, not failed: %v", sum, sum.Failures)
			}
			if !scalar[bool](t, st, "SELECT truncated FROM spark_apps") {
				t.Errorf("the cut log is not marked truncated")
			}
			if n := scalar[int64](t, st, "SELECT count(*) FROM spark_tasks WHERE end_reason IS NOT NULL"); n == 0 {
				t.Errorf("no ended task kept from the readable part")
			}
		})
	}
}
