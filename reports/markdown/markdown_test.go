package markdown

import "testing"

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
