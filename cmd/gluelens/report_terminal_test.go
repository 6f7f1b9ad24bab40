package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// An HTML report asked for without -o on a terminal is a usage error
// (exit 2) that says how to write it, and writes nothing to the terminal;
// the same report piped is written.
func TestReportHTMLNotToATerminal(t *testing.T) {
	tty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Fatalf("opening a pseudo-terminal: %v", err)
	}
	defer tty.Close()
	if !isTerminal(tty) {
		t.Fatal("/dev/ptmx is not seen as a terminal")
	}
	var errOut bytes.Buffer
	code := run(context.Background(), []string{"--db", t.TempDir() + "/x.duckdb", "report", "capacity", "--from", "2026-11-16", "--to", "2026-11-23"}, strings.NewReader(""), tty, &errOut)
	if code != exitUsage {
		t.Errorf("exit %d, want %d (usage); stderr %q", code, exitUsage, errOut.String())
	}
	if !strings.Contains(errOut.String(), "-o report.html") {
		t.Errorf("stderr %q does not say how to write the report", errOut.String())
	}
}
