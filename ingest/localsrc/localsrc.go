// Package localsrc lists and opens input objects on the local filesystem:
// single files or directories walked recursively.
package localsrc

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/gluelens/gluelens/ingest"
)

// Source is a local file or directory.
type Source struct {
	Root string
}

// New returns a source for path, which must exist.
func New(path string) (*Source, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("resolving %s: %w", path, err)
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return &Source{Root: abs}, nil
}

// String names the source.
func (s *Source) String() string { return s.Root }

// Walk calls fn for every regular file under the root in lexical order.
// Hidden files (names starting with '.') and directories are skipped.
func (s *Source) Walk(ctx context.Context, fn func(ingest.Object) error) error {
	var objs []ingest.Object
	err := filepath.WalkDir(s.Root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("listing %s: %w", p, err)
		}
		if p != s.Root && len(d.Name()) > 0 && d.Name()[0] == '.' {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return fmt.Errorf("listing %s: %w", p, err)
		}
		rel, _ := filepath.Rel(s.Root, p)
		if rel == "." {
			rel = filepath.Base(p)
		}
		objs = append(objs, ingest.Object{URI: p, Key: filepath.ToSlash(rel), Size: info.Size(), ModTime: info.ModTime().UTC()})
		return nil
	})
	if err != nil {
		return err
	}
	sort.Slice(objs, func(i, j int) bool { return objs[i].URI < objs[j].URI })
	for _, o := range objs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(o); err != nil {
			return err
		}
	}
	return nil
}

// Open opens the file.
func (s *Source) Open(_ context.Context, o ingest.Object) (io.ReadCloser, error) {
	return os.Open(o.URI)
}
