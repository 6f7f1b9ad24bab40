package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// gzipFile writes head, then n copies of fill, then tail, gzip-compressed,
// to path (creating its folder).
func gzipFile(t *testing.T, path, head string, fill byte, n int, tail string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	zw.Write([]byte(head))
	block := bytes.Repeat([]byte{fill}, 1<<20)
	for ; n >= len(block); n -= len(block) {
		zw.Write(block)
	}
	zw.Write(block[:n])
	zw.Write([]byte(tail))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// copyHostile copies testdata/hostile/name to path (creating its folder).
func copyHostile(t *testing.T, name, path string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "hostile", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// writePeakRSS writes the process's peak RSS (VmHWM of /proc/self/status,
// in KiB) to the file GLUELENS_TEST_PEAK_RSS names, if any. A test reads
// it instead of the child's rusage: Linux starts a child's ru_maxrss at
// the RSS of the parent it was forked from (its memory before exec), so
// after other tests grew the test process, rusage reported that (994 MiB
// and 1024 MiB in suite runs) rather than the child's own peak.
func writePeakRSS() {
	path := os.Getenv("GLUELENS_TEST_PEAK_RSS")
	if path == "" {
		return
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			os.WriteFile(path, []byte(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB"))), 0o644)
		}
	}
}

// peakRSS is the child's own peak RSS in bytes, from writePeakRSS's file.
func peakRSS(t *testing.T, path string) int64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the child did not report its peak RSS (Linux /proc/self/status): %v", err)
	}
	kib, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		t.Fatalf("peak RSS %q: %v", b, err)
	}
	return kib << 10
}

// TestDecompressionBombsStayBounded ingests the gzip bombs of
// testdata/hostile (README there), several copies of each under 8
// workers: CloudTrail-named .json.gz and get-job-runs files inflating to
// 130 MiB of spaces, .parquet.gz files inflating to 70 MiB of zeros, and
// Spark logs with a 20 MiB line of an event gluelens does not read, a
// 17 MiB TaskEnd line and a 15 MiB TaskEnd line it reads. Every bomb
// object fails alone, named, the long lines are skipped or bad alone, the
// 15 MiB task is loaded, and the process's peak RSS stays under the 1 GB
// the README states, with room to spare: object buffers are budgeted per
// process, not per worker (ingest/limits.go). The temporary folder holds
// nothing afterwards.
func TestDecompressionBombsStayBounded(t *testing.T) {
	dir := t.TempDir()
	ev := filepath.Join(dir, "ev")
	for i := range 3 {
		copyHostile(t, "bomb-cloudtrail.json.gz", filepath.Join(ev, fmt.Sprintf("AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/02/111122223333_CloudTrail_us-east-1_20261102T0000Z_bomb%d.json.gz", i)))
		copyHostile(t, "bomb-get-job-runs.json.gz", filepath.Join(ev, fmt.Sprintf("glue/get-job-runs/bomb%d.json.gz", i)))
		copyHostile(t, "bomb-eni-events.parquet.gz", filepath.Join(ev, fmt.Sprintf("pack%d/table=eni_events/part-0.parquet.gz", i)))
	}
	copyHostile(t, "bomb-spark-long-lines.gz", filepath.Join(ev, "spark/app-1.gz"))
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "g.duckdb")
	c := cliProcess("--db", db, "ingest", "--workers", "8", ev)
	hwm := filepath.Join(dir, "peak-rss")
	c.Env = append(c.Env, "TMPDIR="+tmp, "GLUELENS_TEST_PEAK_RSS="+hwm)
	var stderr bytes.Buffer
	c.Stdout, c.Stderr = io.Discard, &stderr
	err := c.Run()
	code := c.ProcessState.ExitCode()
	rss := peakRSS(t, hwm)
	t.Logf("exit %d, peak RSS %d MiB (rusage, which counts the parent test process: %d MiB)\n%s",
		code, rss>>20, c.ProcessState.SysUsage().(*syscall.Rusage).Maxrss>>10, stderr.String())
	if err != nil && code != exitPartial {
		t.Fatalf("exit %d (%v), want %d", code, err, exitPartial)
	}
	// The bound the README states is 1 GB (953 MiB). The budget
	// (ingest/limits.go) keeps a run like this one at 410–520 MiB on an idle
	// machine; on a loaded one the Go collector and DuckDB lag behind (812 MiB
	// seen once), so the test holds the stated bound, not the typical figure.
	if rss >= 1e9 {
		t.Errorf("peak RSS %d MiB, over the stated bound of 1 GB (953 MiB)", rss>>20)
	}
	out := stderr.String()
	if n := strings.Count(out, "object over the size limit"); n != 9 {
		t.Errorf("%d objects over the size limit, want the 9 bombs", n)
	}
	for _, want := range []string{"bomb0.json.gz", "bomb2.json.gz", "part-0.parquet.gz"} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr does not name %q", want)
		}
	}
	if strings.Contains(out, "app-1.gz: ") && strings.Contains(out, "ingesting "+filepath.Join(ev, "spark/app-1.gz")) {
		t.Errorf("the Spark log failed as a whole; its long lines should be skipped or bad alone")
	}
	if ents, _ := os.ReadDir(tmp); len(ents) != 0 {
		t.Errorf("temporary files left: %v", ents)
	}
	tasks := cli(t, "--db", db, "query", "--format", "csv", "SELECT task_id FROM spark_tasks ORDER BY task_id")
	if strings.TrimSpace(tasks) != "task_id\n2" {
		t.Errorf("spark_tasks holds %q, want task 2 only (its 15 MiB line is read; task 1's 17 MiB line is bad)", tasks)
	}
}

// TestExitStatuses: each outcome has its documented exit status (README
// "Exit status"): an object failed is 3, nothing found 6, a missing
// argument 2 like an unknown flag, a signal 130.
func TestExitStatuses(t *testing.T) {
	dir := t.TempDir()
	write := func(rel string, b []byte) string {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Crafted inputs of testdata/hostile (README there).
	hostile := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "hostile", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	random, allBad, lz4Frame := hostile("random-bytes.json.gz"), hostile("all-bad-records.jsonl"), hostile("lz4-frame.lz4")
	os.MkdirAll(filepath.Join(dir, "empty"), 0o755)
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"every record bad", []string{"ingest", write("bad/trail.jsonl", allBad)}, exitPartial, "every record is bad (3)"},
		{"random bytes in a .json.gz", []string{"ingest", write("rnd/x.json.gz", random)}, exitPartial, "binary content under an evidence name"},
		{"LZ4 frame Spark log", []string{"ingest", write("lz4/app-20261102-0001.lz4", lz4Frame)}, exitPartial, "LZ4 frame format"},
		{"interrupted evidence pack", []string{"ingest", filepath.Join("..", "..", "testdata", "hostile", "interrupted-pack")}, exitPartial, "empty Parquet file (a part left by an export that did not finish?)"},
		{"no objects found", []string{"ingest", filepath.Join(dir, "empty")}, exitNotFound, "no objects found"},
		{"missing argument", []string{"ingest"}, exitUsage, "requires at least 1 arg"},
		{"missing query", []string{"query"}, exitUsage, "accepts 1 arg"},
		{"unknown flag", []string{"ingest", "--no-such-flag", "x"}, exitUsage, "unknown flag"},
		{"unknown command", []string{"no-such-command"}, exitUsage, "unknown command"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "g.duckdb")
			_, stderr, code := runCode(append([]string{"--db", db}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.msg) {
				t.Errorf("exit %d, want %d; stderr should say %q:\n%s", code, tc.code, tc.msg, stderr)
			}
		})
	}

	t.Run("canceled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var out, errOut bytes.Buffer
		code := run(ctx, []string{"--db", filepath.Join(t.TempDir(), "g.duckdb"), "ingest", filepath.Join(dir, "bad")}, nil, &out, &errOut)
		if code != exitInterrupted || !strings.Contains(errOut.String(), "interrupted") || strings.Contains(errOut.String(), "context canceled") {
			t.Errorf("exit %d, want %d with a clean message:\n%s", code, exitInterrupted, errOut.String())
		}
	})

	t.Run("SIGTERM", func(t *testing.T) {
		// A slow object (100 MB of spaces in a Records file) gives time to signal.
		ev := filepath.Join(t.TempDir(), "ev")
		gzipFile(t, filepath.Join(ev, "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/02/slow_CloudTrail.json.gz"), `{"Records":[`, ' ', 100<<20, `]}`)
		c := cliProcess("--db", filepath.Join(t.TempDir(), "g.duckdb"), "ingest", ev)
		var stderr bytes.Buffer
		c.Stderr = &stderr
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		finishedFirst := c.Process.Signal(syscall.SIGTERM) != nil
		_ = c.Wait()
		code := c.ProcessState.ExitCode()
		switch {
		case finishedFirst && code == exitOK:
			t.Logf("the ingest finished before the signal; nothing to check")
		case code != exitInterrupted:
			t.Errorf("exit %d after SIGTERM, want %d:\n%s", code, exitInterrupted, stderr.String())
		case !strings.Contains(stderr.String(), "gluelens: interrupted") || strings.Contains(stderr.String(), "context canceled"):
			t.Errorf("no clean message after SIGTERM:\n%s", stderr.String())
		}
	})
}

// TestIngestProgressAndDeadline: with stderr not a terminal, an ingest
// prints a progress line at intervals; --deadline stops it with exit 1 and
// a message saying what is kept.
func TestIngestProgressAndDeadline(t *testing.T) {
	ev := filepath.Join(t.TempDir(), "ev")
	for i := range 3 {
		gzipFile(t, filepath.Join(ev, fmt.Sprintf("AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/02/slow%d_CloudTrail.json.gz", i)), `{"Records":[`, ' ', 100<<20, `]}`)
	}
	_, stderr, code := runCode("--db", filepath.Join(t.TempDir(), "g.duckdb"), "ingest", "--workers", "1", "--progress-every", "100ms", ev)
	if code != exitOK || !strings.Contains(stderr, "progress: ") || !strings.Contains(stderr, "/3 objects") {
		t.Errorf("exit %d; want 0 and progress lines:\n%s", code, stderr)
	}
	_, stderr, code = runCode("--db", filepath.Join(t.TempDir(), "g.duckdb"), "ingest", "--workers", "1", "--deadline", "200ms", ev)
	if code != exitFailure || !strings.Contains(stderr, "stopped at its --deadline of 200ms") {
		t.Errorf("exit %d; want %d and the deadline named:\n%s", code, exitFailure, stderr)
	}
}
