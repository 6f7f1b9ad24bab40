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

// unquote reads one word as a POSIX shell does, for the quoting Quote
// produces: plain safe bytes and single-quoted runs, with \' between them.
func unquote(w string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(w); {
		switch {
		case w[i] == '\'':
			j := strings.IndexByte(w[i+1:], '\'')
			if j < 0 {
				return "", false
			}
			b.WriteString(w[i+1 : i+1+j])
			i += j + 2
		case w[i] == '\\' && i+1 < len(w):
			b.WriteByte(w[i+1])
			i += 2
		case safe(w[i]):
			b.WriteByte(w[i])
			i++
		default:
			return "", false
		}
	}
	return b.String(), true
}

// FuzzQuote: every string comes back unchanged from the word Quote makes,
// and that word has no byte a shell would act on outside quotes.
func FuzzQuote(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := Quote(s)
		got, ok := unquote(q)
		if !ok || got != s {
			t.Fatalf("Quote(%q) = %s reads back as %q (ok %v)", s, q, got, ok)
		}
	})
}
