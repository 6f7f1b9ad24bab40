// Package localsrc lists and opens input objects on the local filesystem:
// single files or directories walked recursively.
package localsrc

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/gluelens/gluelens/ingest"
)

// Source is a local file or directory.
type Source struct {
	Root string

	mu      sync.Mutex
	listErr map[string]error // entries that could not be listed, by URI
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
// Symbolic links are followed (the root included), each folder once: a
// link back to a folder already on the way down, or already walked, is a
// loop and is not entered again. An entry that cannot be read (a folder
// without permission, a dangling link) does not stop the walk: it is
// passed to fn as an object whose Open fails with the reason, so it fails
// alone, named, and the rest loads.
func (s *Source) Walk(ctx context.Context, fn func(ingest.Object) error) error {
	var objs []ingest.Object
	seen := map[fileID]bool{}
	fail := func(p string, err error) {
		rel, _ := filepath.Rel(s.Root, p)
		s.mu.Lock()
		if s.listErr == nil {
			s.listErr = map[string]error{}
		}
		s.listErr[p] = err
		s.mu.Unlock()
		objs = append(objs, ingest.Object{URI: p, Key: filepath.ToSlash(rel)})
	}
	var walk func(p, rel string, depth int) error
	walk = func(p, rel string, depth int) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		info, err := os.Stat(p) // follows links
		if err != nil {
			fail(p, fmt.Errorf("listing %s: %w", p, err))
			return nil
		}
		if info.Mode().IsRegular() {
			key := filepath.ToSlash(rel)
			if rel == "." {
				key = filepath.Base(p)
			}
			objs = append(objs, ingest.Object{URI: p, Key: key, Size: info.Size(), ModTime: info.ModTime().UTC()})
			return nil
		}
		if !info.IsDir() {
			return nil // devices, sockets, pipes
		}
		id, ok := idOf(info)
		if ok {
			if seen[id] {
				return nil // a link loop, or a folder reached twice through links
			}
			seen[id] = true
		}
		if depth > 64 {
			fail(p, fmt.Errorf("listing %s: more than 64 folders deep (a link loop?)", p))
			return nil
		}
		ents, err := os.ReadDir(p)
		if err != nil {
			fail(p, fmt.Errorf("listing %s: %w", p, err))
			return nil
		}
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".") {
				continue
			}
			if err := walk(filepath.Join(p, e.Name()), filepath.Join(rel, e.Name()), depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(s.Root, ".", 0); err != nil {
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

// Open opens the file, or returns why its entry could not be listed.
func (s *Source) Open(_ context.Context, o ingest.Object) (io.ReadCloser, error) {
	s.mu.Lock()
	err := s.listErr[o.URI]
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return os.Open(o.URI)
}

// fileID identifies a folder across the links that reach it.
type fileID struct{ dev, ino uint64 }
