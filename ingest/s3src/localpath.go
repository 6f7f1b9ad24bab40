package s3src

import (
	"fmt"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNameBytes is the longest file or folder name most filesystems take.
const maxNameBytes = 255

// LocalPath returns where the object key belongs inside dir, refusing keys
// that could leave dir or that a filesystem would mangle. S3 keys are
// untrusted bytes: a key is refused when it is empty, absolute (starts with
// "/"), names a folder (ends with "/"), has an empty, "." or ".." segment,
// contains a backslash, a NUL or another control character, is not UTF-8,
// or has a segment longer than 255 bytes. The result is always dir joined
// with the key's segments, so it cannot be outside dir; write through an
// os.Root opened on dir to be safe from symbolic links already in dir too.
func LocalPath(dir, key string) (string, error) {
	if err := checkKey(key); err != nil {
		return "", fmt.Errorf("mapping key %q to a local path: %w", key, err)
	}
	parts := append([]string{dir}, strings.Split(key, "/")...)
	p := filepath.Join(parts...)
	rel, err := filepath.Rel(filepath.Clean(dir), p)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", fmt.Errorf("mapping key %q to a local path: it leaves %s", key, dir)
	}
	return p, nil
}

func checkKey(key string) error {
	switch {
	case key == "":
		return fmt.Errorf("empty key")
	case !utf8.ValidString(key):
		return fmt.Errorf("not UTF-8")
	case strings.HasPrefix(key, "/"):
		return fmt.Errorf("absolute key")
	case strings.HasSuffix(key, "/"):
		return fmt.Errorf("names a folder")
	}
	for _, r := range key {
		if r == '\\' {
			return fmt.Errorf("contains a backslash")
		}
		if unicode.IsControl(r) {
			return fmt.Errorf("contains control character %U", r)
		}
	}
	for _, seg := range strings.Split(key, "/") {
		switch {
		case seg == "":
			return fmt.Errorf("empty path segment")
		case seg == "." || seg == "..":
			return fmt.Errorf("%q path segment", seg)
		case len(seg) > maxNameBytes:
			return fmt.Errorf("segment longer than %d bytes", maxNameBytes)
		}
	}
	return nil
}
