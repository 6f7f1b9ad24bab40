package s3src

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestLocalPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mirror")
	tests := []struct {
		key  string
		want string // relative to dir; empty means refused
	}{
		{"AWSLogs/111111111111/CloudTrail/us-east-1/2026/11/02/f.json.gz", "AWSLogs/111111111111/CloudTrail/us-east-1/2026/11/02/f.json.gz"},
		{"sparkui/spark-application-1700000000000.inprogress", "sparkui/spark-application-1700000000000.inprogress"},
		{"dir/ünïcode name.json", "dir/ünïcode name.json"},
		{"..", ""},
		{"../escape", ""},
		{"a/../../escape", ""},
		{"a/./b", ""},
		{"/etc/passwd", ""},
		{"a//b", ""},
		{"folder/", ""},
		{"", ""},
		{"a\\..\\b", ""},
		{"nul\x00byte", ""},
		{"new\nline", ""},
		{"esc\x1b[2J", ""},
		{"bad\xffutf8", ""},
		{strings.Repeat("x", 256), ""},
		{strings.Repeat("x", 255), strings.Repeat("x", 255)},
		{"...", "..."},
		{"a..b/c..", "a..b/c.."},
	}
	for _, tc := range tests {
		got, err := LocalPath(dir, tc.key)
		if tc.want == "" {
			if err == nil {
				t.Errorf("LocalPath(%q) = %q, want an error", tc.key, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("LocalPath(%q): %v", tc.key, err)
			continue
		}
		if want := filepath.Join(dir, filepath.FromSlash(tc.want)); got != want {
			t.Errorf("LocalPath(%q) = %q, want %q", tc.key, got, want)
		}
	}
}

// FuzzLocalPath: whatever the key, an accepted path lies strictly inside dir.
func FuzzLocalPath(f *testing.F) {
	for _, seed := range []string{"a/b", "../x", "/abs", "a/../b", "a\\b", "x\x00", "ok.json.gz", "a/./b", "....//..", "\u202e/evil"} {
		f.Add(seed)
	}
	dir := filepath.Join(f.TempDir(), "mirror")
	f.Fuzz(func(t *testing.T, key string) {
		p, err := LocalPath(dir, key)
		if err != nil {
			if !strings.Contains(err.Error(), "mapping key") {
				t.Fatalf("error does not say what failed: %v", err)
			}
			return
		}
		rel, rerr := filepath.Rel(dir, p)
		if rerr != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
			t.Fatalf("LocalPath(%q) = %q leaves %q", key, p, dir)
		}
		if filepath.ToSlash(rel) != key {
			t.Fatalf("LocalPath(%q) = %q: the key was rewritten", key, p)
		}
	})
}

func TestParseURI(t *testing.T) {
	tests := []struct {
		uri, bucket, prefix string
		ok                  bool
	}{
		{"s3://trail", "trail", "", true},
		{"s3://trail/", "trail", "", true},
		{"s3://trail/AWSLogs/o-abc123/", "trail", "AWSLogs/o-abc123/", true},
		{"s3:///key", "", "", false},
		{"https://trail/x", "", "", false},
		{"trail/x", "", "", false},
	}
	for _, tc := range tests {
		b, p, err := ParseURI(tc.uri)
		if (err == nil) != tc.ok || b != tc.bucket || p != tc.prefix {
			t.Errorf("ParseURI(%q) = %q, %q, %v", tc.uri, b, p, err)
		}
	}
}

func TestCheckEndpoint(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"http://127.0.0.1:9000", true},
		{"https://minio.example.com", true},
		{"http://user:s3cr3t@127.0.0.1:9000", false},
		{"ftp://host", false},
		{"127.0.0.1:9000", false},
	}
	for _, tc := range tests {
		err := checkEndpoint(tc.url)
		if (err == nil) != tc.ok {
			t.Errorf("checkEndpoint(%q) = %v", tc.url, err)
		}
		if err != nil && strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("error shows the password: %v", err)
		}
	}
}

func TestWindowDays(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		from, to string
		want     []string
	}{
		// A day of slack each side; To is exclusive, so midnight ends the
		// previous day.
		{"2026-11-02T07:00:00Z", "2026-11-02T08:00:00Z", []string{"2026/11/01/", "2026/11/02/", "2026/11/03/"}},
		{"2026-11-02T00:00:00Z", "2026-11-03T00:00:00Z", []string{"2026/11/01/", "2026/11/02/", "2026/11/03/"}},
		{"2026-12-31T23:00:00Z", "2027-01-01T00:00:01Z", []string{"2026/12/30/", "2026/12/31/", "2027/01/01/", "2027/01/02/"}},
		{"2026-11-02T01:00:00+05:00", "2026-11-02T02:00:00+05:00", []string{"2026/10/31/", "2026/11/01/", "2026/11/02/"}},
	}
	for _, tc := range tests {
		if got := newWindow(at(tc.from), at(tc.to)).days(); !slices.Equal(got, tc.want) {
			t.Errorf("days(%s, %s) = %q, want %q", tc.from, tc.to, got, tc.want)
		}
	}
}

func TestKeyLayout(t *testing.T) {
	tests := []struct {
		key                              string
		lvl                              level
		org, account, service, region, d string
	}{
		{"AWSLogs/111111111111/CloudTrail/us-east-1/2026/11/02/f.json.gz", levelDay, "", "111111111111", "CloudTrail", "us-east-1", "2026-11-02"},
		{"trail/AWSLogs/o-abc123/222222222222/CloudTrail/eu-west-1/2026/11/02/f.json.gz", levelDay, "o-abc123", "222222222222", "CloudTrail", "eu-west-1", "2026-11-02"},
		{"AWSLogs/111111111111/CloudTrail-Digest/us-east-1/2026/11/02/d.json.gz", levelDay, "", "111111111111", "CloudTrail-Digest", "us-east-1", "2026-11-02"},
		{"AWSLogs/111111111111/CloudTrail/us-east-1/2026/f.json.gz", levelYear, "", "111111111111", "CloudTrail", "us-east-1", ""},
		{"sparkui/spark-application-1", levelNone, "", "", "", "", ""},
	}
	for _, tc := range tests {
		l := keyLayout(tc.key)
		d := ""
		if t, ok := l.day(); ok {
			d = t.Format("2006-01-02")
		}
		if l.level != tc.lvl || l.org != tc.org || l.account != tc.account || l.service != tc.service || l.region != tc.region || d != tc.d {
			t.Errorf("keyLayout(%q) = %+v (day %q)", tc.key, l, d)
		}
	}
}

// FuzzKeep: any key is either kept or not, never a panic, and a key kept
// with a window has no day folder outside it.
func FuzzKeep(f *testing.F) {
	for _, seed := range []string{
		"AWSLogs/111111111111/CloudTrail/us-east-1/2026/11/02/f.json.gz",
		"x/AWSLogs/o-abc/222222222222/CloudTrail-Digest/eu-west-1/2026/11/02/d.json.gz",
		"AWSLogs/o-/", "AWSLogs//CloudTrail//9999/99/99/f", "AWSLogs/1/CloudTrail/r/2026/02/30/f", "sparkui/x", "",
	} {
		f.Add(seed)
	}
	from, _ := time.Parse(time.RFC3339, "2026-11-02T00:00:00Z")
	src, err := New(nil, "s3://b/", Options{From: from, To: from.Add(day), Regions: []string{"us-east-1"}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if !src.keep(key) {
			return
		}
		l := keyLayout(key)
		if l.service == serviceDigest || l.service == serviceInsight {
			t.Fatalf("kept %q", key)
		}
		if d, ok := l.day(); ok && l.service == serviceCloudTrail && (d.Before(from.Add(-day)) || d.After(from.Add(day))) {
			t.Fatalf("kept %q outside the window", key)
		}
	})
}
