package synthetic_test

import (
	"os"
	"strings"
	"testing"
)

// docs/synth.md shows Example verbatim: the documented Go example is the
// one go test runs.
func TestDocsShowTheExample(t *testing.T) {
	src, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../../docs/synth.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	i := strings.Index(s, "func Example() {")
	if i < 0 {
		t.Fatal("example_test.go has no Example function")
	}
	body := s[i:]
	if !strings.Contains(string(doc), "```go\n"+body+"```") {
		t.Errorf("docs/synth.md does not show example_test.go's Example verbatim; copy it from %q on", "func Example() {")
	}
}
