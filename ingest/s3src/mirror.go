package s3src

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"time"
)

// mirror keeps a local copy of every object read, under the key's path in
// a folder (--download-to). Files are written through an os.Root, so
// neither the key nor a symbolic link inside the folder can lead outside
// it, and appear under their final name only once the whole body was read.
type mirror struct {
	dir  string
	root *os.Root
}

func openMirror(dir string) (*mirror, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating download folder: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("opening download folder: %w", err)
	}
	return &mirror{dir: dir, root: root}, nil
}

// check refuses keys LocalPath refuses, before anything is fetched.
func (m *mirror) check(key string) error {
	_, err := LocalPath(m.dir, key)
	return err
}

// wrap copies what is read from rc into the mirror file for key.
// The file gets the object's LastModified as its modification time, so an
// ingest of the copy dates what the object dates by it (eni_snapshots'
// observed_at) exactly as the ingest from S3 does.
func (m *mirror) wrap(key string, modTime time.Time, rc io.ReadCloser) (io.ReadCloser, error) {
	if err := m.check(key); err != nil {
		return nil, err
	}
	if err := m.root.MkdirAll(path.Dir(key), 0o755); err != nil {
		return nil, fmt.Errorf("mirroring %s: %w", key, err)
	}
	var suffix [6]byte
	rand.Read(suffix[:])
	tmp := path.Join(path.Dir(key), ".gluelens-partial-"+hex.EncodeToString(suffix[:]))
	f, err := m.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("mirroring %s: %w", key, err)
	}
	return &teeBody{m: m, rc: rc, f: f, key: key, tmp: tmp, modTime: modTime}, nil
}

// teeBody writes every byte read to a partial file and renames it to the
// key once the body ends; a body closed early leaves no file behind.
type teeBody struct {
	m    *mirror
	rc   io.ReadCloser
	f    *os.File
	key  string
	tmp  string
	done bool

	modTime time.Time
}

// Metadata passes on the mirrored body's user metadata (ingest.MetadataReader).
func (t *teeBody) Metadata() map[string]string {
	if mr, ok := t.rc.(interface{ Metadata() map[string]string }); ok {
		return mr.Metadata()
	}
	return nil
}

func (t *teeBody) Read(p []byte) (int, error) {
	n, err := t.rc.Read(p)
	if n > 0 && t.f != nil {
		if _, werr := t.f.Write(p[:n]); werr != nil {
			return n, fmt.Errorf("mirroring %s: %w", t.key, werr)
		}
	}
	if err == io.EOF && !t.done {
		t.done = true
		cerr := t.f.Close()
		t.f = nil
		if cerr == nil && !t.modTime.IsZero() {
			cerr = t.m.root.Chtimes(t.tmp, t.modTime, t.modTime)
		}
		if cerr == nil {
			cerr = t.m.root.Rename(t.tmp, t.key)
		}
		if cerr != nil {
			t.m.root.Remove(t.tmp)
			return n, fmt.Errorf("mirroring %s: %w", t.key, cerr)
		}
	}
	return n, err
}

func (t *teeBody) Close() error {
	err := t.rc.Close()
	if t.f != nil {
		t.f.Close()
		t.f = nil
		t.m.root.Remove(t.tmp)
	}
	return err
}
