package ingest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/awscli"
	"github.com/gluelens/gluelens/ingest/localsrc"
	"github.com/gluelens/gluelens/internal/store"
	"github.com/gluelens/gluelens/internal/testutil"
)

// utf16Bytes encodes s as UTF-16 with a byte order mark, the way
// PowerShell's > and Notepad's "Unicode" save text.
func utf16Bytes(s string, bigEndian bool) []byte {
	out := []byte{0xff, 0xfe}
	if bigEndian {
		out = []byte{0xfe, 0xff}
	}
	for _, c := range utf16.Encode([]rune(s)) {
		if bigEndian {
			out = append(out, byte(c>>8), byte(c))
		} else {
			out = append(out, byte(c), byte(c>>8))
		}
	}
	return out
}

// TestRunReadsUTF16: the real get-job-runs sample saved as UTF-16 (either
// byte order, plain or gzipped) loads the same runs as its UTF-8 form,
// including a job name outside ASCII and outside the Basic Multilingual
// Plane (a surrogate pair in UTF-16); the content hash is of the bytes as
// stored.
func TestRunReadsUTF16(t *testing.T) {
	orig, err := os.ReadFile(testutil.RealData(t, "glue", "get-job-runs.output.repaired.json"))
	if err != nil {
		t.Fatal(err)
	}
	const name = "my-testing-job-größe-✓-😀"
	text := strings.ReplaceAll(string(orig), `"my-testing-job"`, `"`+name+`"`)
	if text == string(orig) {
		t.Fatal("the sample no longer names my-testing-job")
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(utf16Bytes(text, false))
	zw.Close()
	files := map[string][]byte{
		"utf8.json":       []byte(text),
		"utf16le.json":    utf16Bytes(text, false),
		"utf16be.json":    utf16Bytes(text, true),
		"utf16le.json.gz": gz.Bytes(),
	}
	runs := map[string]string{}
	for file, data := range files {
		dir := t.TempDir()
		p := filepath.Join(dir, file)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		st, err := store.Open(context.Background(), filepath.Join(dir, "t.duckdb"))
		if err != nil {
			t.Fatal(err)
		}
		src, err := localsrc.New(p)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := ingest.Run(context.Background(), st, []ingest.Source{src}, ingest.Options{Decoders: []ingest.Decoder{awscli.GlueJobRuns()}})
		if err != nil || !sum.OK() || sum.Kept == 0 {
			t.Fatalf("%s: %+v, %v", file, sum, err)
		}
		var rows []string
		r, err := st.DB().Query(`SELECT run_id, job_name, state FROM glue_runs ORDER BY ALL`)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			var id, job, state string
			if err := r.Scan(&id, &job, &state); err != nil {
				t.Fatal(err)
			}
			rows = append(rows, fmt.Sprintf("%s %s %s", id, job, state))
		}
		r.Close()
		var hash string
		if err := st.DB().QueryRow(`SELECT content_sha256 FROM ingest_manifest`).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("%x", sha256.Sum256(data)); hash != want {
			t.Errorf("%s: content hash %s, want %s (of the stored bytes)", file, hash, want)
		}
		st.Close()
		runs[file] = strings.Join(rows, "\n")
		if !strings.Contains(runs[file], " "+name+" ") {
			t.Errorf("%s: no run of job %q in\n%s", file, name, runs[file])
		}
	}
	for file, got := range runs {
		if got != runs["utf8.json"] {
			t.Errorf("%s loaded\n%s\nwant what utf8.json loaded:\n%s", file, got, runs["utf8.json"])
		}
	}
}
