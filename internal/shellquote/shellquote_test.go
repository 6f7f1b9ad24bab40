package shellquote

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// hostile are words an attacker can put in a job name, a tag or a log.
var hostile = []string{
	"ingest';touch pwned;echo '",
	`"; touch pwned; echo "`,
	"$(touch pwned)",
	"`touch pwned`",
	"a b\tc\nd",
	"*",
	"~root",
	"x;touch pwned",
	"x|touch pwned",
	"x&&touch pwned",
	"!!",
	"=ls",
	"%1",
	"{a,b}",
	"'",
	"''",
	`\`,
	"",
	"-rf",
	"\x00nul-free?", // NUL cannot be an argv byte; stripped below
	"ünïcødé ✓",
	"${IFS}touch${IFS}pwned",
	"#comment",
}

func TestQuoteTable(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"subnet-0abc", "subnet-0abc"},
		{"", "''"},
		{"a b", "'a b'"},
		{"it's", `'it'\''s'`},
		{"=x", "'=x'"},
		{"$HOME", "'$HOME'"},
		{"k=v,w", "k=v,w"},
	} {
		if got := Quote(tc.in); got != tc.want {
			t.Errorf("Quote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// TestJoinRoundTripsThroughBash checks, for every hostile word, that the
// line Join builds parses (bash -n) and, run with a harmless command in
// argv[0]'s place, passes exactly the original words and runs nothing else.
func TestJoinRoundTripsThroughBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatalf("bash is needed for this test: %v", err)
	}
	for _, w := range hostile {
		w = strings.ReplaceAll(w, "\x00", "")
		dir := t.TempDir()
		line := Join("printf", "%s\\0", "before", w, "after")
		if out, err := exec.Command(bash, "-n", "-c", line).CombinedOutput(); err != nil {
			t.Errorf("bash -n rejects %s: %v %s", line, err, out)
			continue
		}
		cmd := exec.Command(bash, "-c", line)
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil {
			t.Errorf("running %s: %v", line, err)
			continue
		}
		want := "before\x00" + w + "\x00after\x00"
		if string(out) != want {
			t.Errorf("%q: the command received %q, want %q", w, out, want)
		}
		if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
			t.Errorf("%q: the line %s ran an injected command", w, line)
		}
	}
}
