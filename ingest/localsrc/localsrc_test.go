package localsrc_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/localsrc"
)

func walk(t *testing.T, root string) (*localsrc.Source, []ingest.Object) {
	t.Helper()
	s, err := localsrc.New(root)
	if err != nil {
		t.Fatal(err)
	}
	var objs []ingest.Object
	if err := s.Walk(context.Background(), func(o ingest.Object) error {
		objs = append(objs, o)
		return nil
	}); err != nil {
		t.Fatalf("walk: %v", err)
	}
	return s, objs
}

func keys(objs []ingest.Object) []string {
	var k []string
	for _, o := range objs {
		k = append(k, o.Key)
	}
	return k
}

// TestSymlinksAndUnreadableEntries: symbolic links are followed (a
// symlinked root, a linked file, a linked folder), a link loop is entered
// once, and an entry that cannot be read (a dangling link) is listed so
// that opening it fails with the reason, alone.
func TestSymlinksAndUnreadableEntries(t *testing.T) {
	base := t.TempDir()
	real := filepath.Join(base, "real")
	other := filepath.Join(base, "other")
	for _, d := range []string{filepath.Join(real, "sub"), other} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(real, "a.json"), "{}")
	write(filepath.Join(real, "sub", "b.json"), "{}")
	write(filepath.Join(other, "c.json"), "{}")
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Symlink(filepath.Join(other, "c.json"), filepath.Join(real, "linked-file.json")))
	must(os.Symlink(other, filepath.Join(real, "linked-dir")))
	must(os.Symlink(real, filepath.Join(real, "sub", "loop")))                          // back up: a loop
	must(os.Symlink(filepath.Join(base, "gone"), filepath.Join(real, "dangling.json"))) // unreadable
	rootLink := filepath.Join(base, "root-link")
	must(os.Symlink(real, rootLink))

	for _, root := range []string{real, rootLink} {
		s, objs := walk(t, root)
		want := []string{"a.json", "dangling.json", "linked-dir/c.json", "linked-file.json", "sub/b.json"}
		if got := keys(objs); !slices.Equal(got, want) {
			t.Errorf("%s: keys %q, want %q", root, got, want)
		}
		for _, o := range objs {
			rc, err := s.Open(context.Background(), o)
			if o.Key == "dangling.json" {
				if err == nil || !strings.Contains(err.Error(), "dangling.json") {
					t.Errorf("dangling link: open err = %v, want one naming it", err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", o.Key, err)
				continue
			}
			rc.Close()
		}
	}
	// A symlinked single file as the root.
	if _, objs := walk(t, filepath.Join(real, "linked-file.json")); !slices.Equal(keys(objs), []string{"linked-file.json"}) {
		t.Errorf("a linked file as root: %q", keys(objs))
	}
}
