package html

import (
	"strings"
	"testing"
)

// A run id in an advice sentence is shown short with the full id on
// hover, 12 characters as in the HTML tables; everything else stays
// escaped text.
func TestShortRunIDs(t *testing.T) {
	full := "jr_7353c865" + strings.Repeat("0f", 26) + "beef"
	for _, c := range []struct{ in, want string }{
		{"the most one run asked for, 10 (run " + full + ", started 2026-11-02 00:58 UTC)",
			`the most one run asked for, 10 (run <span class="run-id" title="` + full + `">jr_7353c8650…</span>, started 2026-11-02 00:58 UTC)`},
		{"<b>" + full + "</b> & " + full, `&lt;b&gt;<span class="run-id" title="` + full + `">jr_7353c8650…</span>&lt;/b&gt; &amp; <span class="run-id" title="` + full + `">jr_7353c8650…</span>`},
		// Not a run id: too short, or part of a longer word.
		{"jr_1234 and xjr_" + strings.Repeat("a", 20), "jr_1234 and xjr_" + strings.Repeat("a", 20)},
	} {
		if got := string(shortRunIDs(c.in)); got != c.want {
			t.Errorf("shortRunIDs(%q)\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}
