package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sample = `categories:
  - name: critical
    jobs: ["ingest-*", "transform-*"]
    subnet: critical
    worker_disk: {G.2X: 70GB}
  - name: adhoc
    jobs: ["export-*"]
    subnet: adhoc
subnets:
  critical: /26
  adhoc: 10.0.2.0/27
plan:
  window_days: 7
  buffer: lingering
  headroom: 25%
`

func TestParseSample(t *testing.T) {
	c, err := Parse([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ job, want string }{
		{"ingest-orders", "critical"},
		{"transform-daily", "critical"},
		{"export-s3", "adhoc"},
		{"report_weekly", "report"}, // no rule: prefix before '_'
		{"standalone", "standalone"},
	} {
		if got := c.CategoryOf(tc.job); got != tc.want {
			t.Errorf("CategoryOf(%q) = %q, want %q", tc.job, got, tc.want)
		}
	}
	if got := c.Split(); len(got) != 2 || got["critical"][0] != "critical" || got["adhoc"][0] != "adhoc" {
		t.Errorf("Split() = %v", got)
	}
	if n, ok := c.WorkerDisk("critical", "G.2X"); !ok || n != 70_000_000_000 {
		t.Errorf("WorkerDisk(critical, G.2X) = %d, %v; want 70e9", n, ok)
	}
	if _, ok := c.WorkerDisk("adhoc", "G.2X"); ok {
		t.Error("WorkerDisk(adhoc) should have no override")
	}
	if c.Plan.WindowDays != 7 || c.Plan.Headroom != "25%" {
		t.Errorf("plan = %+v", c.Plan)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      []string // substrings of the error
	}{
		{"unknown top-level key", "categories: []\nsubnetz: {}\n", []string{"line 2", "subnetz"}},
		{"unknown category key", "categories:\n  - name: a\n    jobs: [a-*]\n    subnett: x\n", []string{"line 4", "subnett"}},
		{"bad yaml", "categories:\n  - name: a\n    jobs: [a-*\n", []string{"line "}},
		{"tab indentation", "categories:\n\t- name: a\n", []string{"line 2"}},
		{"missing name", "categories:\n  - jobs: [a-*]\n", []string{"line 2", "no name"}},
		{"duplicate category", "categories:\n  - name: a\n    jobs: [a-*]\n  - name: a\n    jobs: [b-*]\n", []string{"line 4", "defined twice"}},
		{"bad pattern", "categories:\n  - name: a\n    jobs: [\"[x\"]\n", []string{"line 3", "bad job pattern"}},
		{"bad disk", "categories:\n  - name: a\n    jobs: [a-*]\n    worker_disk: {G.2X: lots}\n", []string{"line 4", "worker_disk G.2X"}},
		{"bad subnet size", "subnets:\n  critical: /30\n", []string{"line 2", "/16 to /28"}},
		{"bad headroom", "plan:\n  headroom: lots\n", []string{"line 2", "percentage"}},
		{"bad buffer", "plan:\n  buffer: -3\n", []string{"line 2", "buffer"}},
		{"wrong type", "plan:\n  window_days: many\n", []string{"line 2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.doc))
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestLoadNamesFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "g.yaml")
	if err := os.WriteFile(p, []byte("categories:\n  - name: a\n    jobz: [x]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(p)
	if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("Load error = %v; want the file name and line 3", err)
	}
}

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv(EnvVar, "")
	c, err := Resolve("")
	if err != nil || c.Source != "" || c.CategoryOf("etl-x") != "etl" {
		t.Fatalf("no file: %+v, %v", c, err)
	}
	if err := os.WriteFile(DefaultFile, []byte(sample), 0o644); err != nil {
		t.Fatal(err)
	}
	if c, err = Resolve(""); err != nil || c.Source != DefaultFile {
		t.Fatalf("working-dir file: %+v, %v", c, err)
	}
	other := filepath.Join(dir, "other.yaml")
	os.WriteFile(other, []byte("categories: []\n"), 0o644)
	t.Setenv(EnvVar, other)
	if c, err = Resolve(""); err != nil || c.Source != other {
		t.Fatalf("env file: %+v, %v", c, err)
	}
	if _, err = Resolve(filepath.Join(dir, "missing.yaml")); err == nil {
		t.Fatal("an explicit missing file must be an error")
	}
}

func TestParseValues(t *testing.T) {
	sizes := map[string]int64{"70GB": 70e9, "512MiB": 512 << 20, "1 TB": 1e12, "1024": 1024, "1.5GB": 1.5e9}
	for in, want := range sizes {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	prefixes := map[string]int{"/26": 26, "24": 24, "10.0.0.0/28": 28, "/16": 16}
	for in, want := range prefixes {
		if got, err := ParsePrefix(in); err != nil || got != want {
			t.Errorf("ParsePrefix(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	pcts := map[string]float64{"25%": 0.25, "0.25": 0.25, "25": 0.25, "0%": 0, "150%": 1.5}
	for in, want := range pcts {
		if got, err := ParsePercent(in); err != nil || got != want {
			t.Errorf("ParsePercent(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	bufs := map[string]int{"lingering": -1, "none": 0, "6": 6}
	for in, want := range bufs {
		if got, err := ParseBuffer(in); err != nil || got != want {
			t.Errorf("ParseBuffer(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}

// FuzzParse: any input gives a config or an error, never a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte("categories:\n  - name: a\n    jobs: [\"[x\"]\n"))
	f.Add([]byte("subnets: {a: /26, b: 10.0.0.0/30}\nplan: {headroom: 25%, buffer: lingering}\n"))
	f.Add([]byte("categories:\n  - name: a\n    jobs: [a-*]\n    worker_disk: {G.2X: 70GB, \"it's\": 1TB}\n"))
	f.Add([]byte("\t- :\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err == nil {
			c.CategoryOf("ingest-orders")
			c.Split()
		}
	})
}
