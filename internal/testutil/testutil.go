// Package testutil holds helpers shared by tests: locating the shared real
// sample data (read in place, never copied) and the repository root.
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

// RealData returns the path of a file or directory under ../shared/realdata
// (beside the repository). The test fails — it is not skipped — when the
// shared data is missing: CI always has it.
func RealData(t testing.TB, rel ...string) string {
	t.Helper()
	base := os.Getenv("GLUELENS_REALDATA")
	if base == "" {
		base = filepath.Join(filepath.Dir(RepoRoot(t)), "shared", "realdata")
	}
	p := filepath.Join(append([]string{base}, rel...)...)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("shared real data missing: %v (set GLUELENS_REALDATA to its folder)", err)
	}
	return p
}
