package sparklog_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hostileFile reads a crafted input of testdata/hostile.
func hostileFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "hostile", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// completeTaskEnds counts the TaskEnd lines of a cut gzip stream that end
// in a newline before the stream breaks off.
func completeTaskEnds(t *testing.T, gz []byte) int64 {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	br := bufio.NewReader(zr)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return n
		}
		if strings.Contains(line, `"Event":"SparkListenerTaskEnd"`) {
			n++
		}
	}
}

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
		// Crafted for issue 17 (testdata/hostile/README.md): a 400-task
		// log cut at 60 % of its zstd and gzip streams.
		{"app-cut.zstd.inprogress", hostileFile(t, "spark-cut.zstd.inprogress")},
		{"app-cut.gz", hostileFile(t, "spark-cut.gz")},
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
			n := scalar[int64](t, st, "SELECT count(*) FROM spark_tasks WHERE end_reason IS NOT NULL")
			if n == 0 {
				t.Errorf("no ended task kept from the readable part")
			}
			if tc.name == "app-cut.gz" {
				// Every TaskEnd line the standard library's gzip reader
				// delivers whole before the cut is a task.
				if want := completeTaskEnds(t, tc.data); n != want {
					t.Errorf("%d tasks, want the %d complete TaskEnd lines before the cut", n, want)
				}
			}
		})
	}
}
