package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
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

// TestDecompressionBombsStayBounded ingests small gzip bombs, one per
// decoder: a CloudTrail-named .json.gz and a get-job-runs file inflating to
// 150 MB of spaces, a .parquet.gz inflating to 100 MB of zeros, a Spark log
// with a 100 MB line of an event gluelens does not read and a 40 MB
// TaskEnd line. Every bomb object fails alone (or its line is skipped),
// named, and the process's peak RSS stays under the 1 GB the README
// states; the temporary folder holds nothing afterwards.
func TestDecompressionBombsStayBounded(t *testing.T) {
	dir := t.TempDir()
	ev := filepath.Join(dir, "ev")
	const big = 150 << 20
	ct := filepath.Join(ev, "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/02/111122223333_CloudTrail_us-east-1_20261102T0000Z_bomb.json.gz")
	gzipFile(t, ct, `{"Records":[`, ' ', big, `]}`)
	gzipFile(t, filepath.Join(ev, "glue/get-job-runs/bomb.json.gz"), `{"JobRuns":[`, ' ', big, `]}`)
	gzipFile(t, filepath.Join(ev, "pack/table=eni_events/part-0.parquet.gz"), "PAR1", 0, 100<<20, "")
	gzipFile(t, filepath.Join(ev, "spark/app-1.gz"),
		`{"Event":"SparkListenerApplicationStart","App Name":"x","App ID":"app-1","Timestamp":1000,"User":"u"}`+"\n"+
			`{"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart","physicalPlanDescription":"`, 'a', 100<<20,
		`"}`+"\n"+`{"Event":"SparkListenerTaskEnd","Stage ID":0,"Task Info":{"Task ID":1,"Note":"`+strings.Repeat("b", 40<<20)+`"}}`+"\n"+
			`{"Event":"SparkListenerApplicationEnd","Timestamp":2000}`+"\n")
	for _, p := range []string{ct} {
		if st, err := os.Stat(p); err != nil || st.Size() > 2<<20 {
			t.Fatalf("bomb %s is not small: %v %v", p, st.Size(), err)
		}
	}
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	c := cliProcess("--db", filepath.Join(dir, "g.duckdb"), "ingest", ev)
	c.Env = append(c.Env, "TMPDIR="+tmp)
	var stderr bytes.Buffer
	c.Stdout, c.Stderr = io.Discard, &stderr
	err := c.Run()
	code := c.ProcessState.ExitCode()
	rss := c.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10 // KiB on Linux
	t.Logf("exit %d, peak RSS %d MiB\n%s", code, rss>>20, stderr.String())
	if err != nil && code != exitPartial {
		t.Fatalf("exit %d (%v), want %d", code, err, exitPartial)
	}
	if rss >= 1<<30 {
		t.Errorf("peak RSS %d MiB, the bound is 1 GiB", rss>>20)
	}
	out := stderr.String()
	for _, want := range []string{"bomb.json.gz", "part-0.parquet.gz", "object over the size limit"} {
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
	random := make([]byte, 4096)
	for i := range random {
		random[i] = byte(i*7919 + i>>3) // fixed, not JSON, no codec magic
	}
	random[0] = 0x9c
	allBad := strings.Repeat(`{"eventVersion":"1.08","eventName":"CreateNetworkInterface","eventSource":"ec2.amazonaws.com","eventID":"e"}`+"\n", 3)
	lz4Frame := append([]byte{0x04, 0x22, 0x4d, 0x18, 0x64, 0x40, 0xa7}, random[:200]...)
	os.MkdirAll(filepath.Join(dir, "empty"), 0o755)
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"every record bad", []string{"ingest", write("bad/trail.jsonl", []byte(allBad))}, exitPartial, "every record is bad (3)"},
		{"random bytes in a .json.gz", []string{"ingest", write("rnd/x.json.gz", random)}, exitPartial, "binary content under an evidence name"},
		{"LZ4 frame Spark log", []string{"ingest", write("lz4/app-20261102-0001.lz4", lz4Frame)}, exitPartial, "LZ4 frame format"},
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
