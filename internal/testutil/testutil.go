// Package testutil holds helpers shared by tests: locating the real sample
// data kept in the repository's testdata/realdata and the repository root.
package testutil

import (
	"os"
	"path/filepath"
	"testing"
)

// RepoRoot returns the directory holding go.mod.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}

// RealData returns the path of a file or directory under testdata/realdata at
// the top of the repository (the real samples and their provenance, listed in
// testdata/SOURCES.md). The test fails, it is not skipped, when the path is
// missing: every clone has it.
func RealData(t testing.TB, rel ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{RepoRoot(t), "testdata", "realdata"}, rel...)...)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("real sample missing from testdata/realdata: %v", err)
	}
	return p
}
