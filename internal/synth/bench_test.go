package synth

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
)

var logKeyRE = regexp.MustCompile(`^AWSLogs/(\d{12})/CloudTrail/([a-z]{2}-[a-z]+-\d)/(\d{4})/(\d{2})/(\d{2})/(\d{12})_CloudTrail_([a-z]{2}-[a-z]+-\d)_(\d{8})T(\d{4})Z_[A-Za-z0-9]{16}\.json\.gz$`)

// walkCorpus reads every .json.gz under dir and calls fn with its key
// (slash-separated, relative to dir) and decompressed bytes.
func walkCorpus(t testing.TB, dir string, fn func(key string, raw, stored []byte)) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json.gz") {
			return err
		}
		stored, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		zr, err := gzip.NewReader(bytes.NewReader(stored))
		if err != nil {
			return err
		}
		raw, err := io.ReadAll(zr)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fn(filepath.ToSlash(rel), raw, stored)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestBenchCorpus(t *testing.T) {
	const size = 8 << 20
	dir := t.TempDir()
	st, err := WriteBenchCorpus(context.Background(), dir, BenchOptions{Size: size, ENIShare: 0.01, Seed: 5, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	var raw, gzBytes, records, eni int64
	files := 0
	accounts, regions, days := map[string]bool{}, map[string]bool{}, map[string]bool{}
	walkCorpus(t, dir, func(key string, body, stored []byte) {
		files++
		m := logKeyRE.FindStringSubmatch(key)
		if m == nil {
			t.Fatalf("key %s is not in the CloudTrail layout", key)
		}
		if m[1] != m[6] || m[2] != m[7] || m[3]+m[4]+m[5] != m[8] {
			t.Errorf("key %s: folder and file name disagree", key)
		}
		accounts[m[1]], regions[m[2]], days[m[8]] = true, true, true
		var doc struct {
			Records []map[string]any
		}
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		for _, r := range doc.Records {
			for _, f := range []string{"eventID", "eventTime", "eventName", "eventSource", "awsRegion", "recipientAccountId", "userIdentity"} {
				if r[f] == nil {
					t.Fatalf("%s: record without %s", key, f)
				}
			}
			if r["awsRegion"] != m[2] || r["recipientAccountId"] != m[1] {
				t.Fatalf("%s: record of another account or region", key)
			}
			switch r["eventName"] {
			case "CreateNetworkInterface", "DeleteNetworkInterface":
				eni++
			}
		}
		records += int64(len(doc.Records))
		raw += int64(len(body))
		gzBytes += int64(len(stored))
	})
	if files != st.Files || raw != st.RawBytes || gzBytes != st.GzipBytes || records != st.Records || eni != st.ENIRecords {
		t.Errorf("stats %+v, read back files=%d raw=%d gzip=%d records=%d eni=%d", st, files, raw, gzBytes, records, eni)
	}
	// Each file overshoots its planned size by at most one record (≤ 4 KB).
	if raw < size || raw > size+int64(files)*4096 {
		t.Errorf("decompressed size %d, want about %d", raw, size)
	}
	if share := float64(eni) / float64(records); share < 0.008 || share > 0.012 {
		t.Errorf("ENI share %.4f, want about 0.01", share)
	}
	if ratio := float64(raw) / float64(gzBytes); ratio < 12 || ratio > 30 {
		t.Errorf("gzip ratio %.1f, want a realistic 15-25x", ratio)
	}
	if avg := raw / records; avg < 900 || avg > 3000 {
		t.Errorf("average record %d bytes, want 1-3 KB", avg)
	}
	if len(accounts) < 2 || len(regions) < 2 {
		t.Errorf("accounts %v regions %v: want several of each", accounts, regions)
	}

	// Same seed, different parallelism: identical bytes.
	again := t.TempDir()
	if _, err := WriteBenchCorpus(context.Background(), again, BenchOptions{Size: size, ENIShare: 0.01, Seed: 5, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	if a, b := readTree(t, dir), readTree(t, again); !equalTrees(a, b) {
		t.Error("same seed gave different corpora")
	}
}

func readTree(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func equalTrees(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !bytes.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

func TestParseSize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1GiB", 1 << 30, true},
		{"1gib", 1 << 30, true},
		{"500MB", 500_000_000, true},
		{"64MiB", 64 << 20, true},
		{"2G", 2 << 30, true},
		{"1.5KiB", 1536, true},
		{"1048576", 1 << 20, true},
		{" 10 k ", 10240, true},
		{"", 0, false},
		{"GiB", 0, false},
		{"1XB", 0, false},
		{"0", 0, false},
		{"-1MB", 0, false},
		{"2PiB", 0, false},
	} {
		got, err := ParseSize(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d, ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"1GiB", "500MB", "1.5k", "", "9999999999TB", "1e3", "..", "0.0001K"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseSize(s)
		if err == nil && (n < 1 || n > 1<<50) {
			t.Fatalf("ParseSize(%q) = %d without error", s, n)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "parsing size ") {
			t.Fatalf("error %q does not name the input", err)
		}
	})
}

// BenchmarkBenchCorpus measures corpus generation (render + gzip + write)
// in decompressed bytes per second.
func BenchmarkBenchCorpus(b *testing.B) {
	const size = 64 << 20
	b.SetBytes(size)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		st, err := WriteBenchCorpus(context.Background(), dir, BenchOptions{Size: size, ENIShare: 0.005, Seed: uint64(i + 1)})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(st.RawBytes)/float64(st.GzipBytes), "gzip-ratio")
	}
}
