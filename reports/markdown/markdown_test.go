package markdown

import (
	"strings"
	"testing"
)

func TestEscaping(t *testing.T) {
	for _, c := range []struct{ in, esc, code string }{
		{"plain text", "plain text", "`plain text`"},
		{"<script>x</script>", `\<script\>x\</script\>`, "`<script>x</script>`"},
		{"a|b *c* _d_ [e](f)", `a\|b \*c\* \_d\_ \[e\](f)`, "`a|b *c* _d_ [e](f)`"},
		{"line\nbreak", "line break", "`line break`"},
		{"tick ` inside", "tick \\` inside", "``tick ` inside``"},
		{"`edge`", "\\`edge\\`", "`` `edge` ``"},
	} {
		if got := esc(c.in); got != c.esc {
			t.Errorf("esc(%q) = %q, want %q", c.in, got, c.esc)
		}
		if got := code(c.in); got != c.code {
			t.Errorf("code(%q) = %q, want %q", c.in, got, c.code)
		}
	}
}

func TestBlock(t *testing.T) {
	got := block("a: 1\nb: ```x```\n", "  ")
	want := "  ````\n  a: 1\n  b: ```x```\n  ````\n"
	if got != want {
		t.Errorf("block = %q, want %q", got, want)
	}
}

// FuzzEscape: escaped text never keeps an unescaped Markdown or HTML
// metacharacter, and inline code always closes with its own fence.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"<script>", "a|b", "``x``", "`", "line\nbreak", "[x](javascript:y)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := esc(s)
		for i := 0; i < len(e); i++ {
			switch e[i] {
			case '\\':
				i++ // the escaped character
			case '<', '>', '|', '`', '*', '_', '[', ']', '\n', '\r':
				t.Fatalf("esc(%q) = %q keeps %q unescaped", s, e, e[i])
			}
		}
		c := code(s)
		if strings.Trim(c, "`") == "" {
			return // an empty or all-backtick input has no content to close over
		}
		fence := c[:strings.IndexFunc(c, func(r rune) bool { return r != '`' })]
		if !strings.HasSuffix(c, fence) || strings.Contains(c[len(fence):len(c)-len(fence)], fence) {
			t.Fatalf("code(%q) = %q does not close with its fence", s, c)
		}
	})
}
