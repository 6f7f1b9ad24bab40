package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain lets the test binary stand in for the gluelens command when
// GLUELENS_TEST_AS_CLI=1, so shell examples from the docs run against the
// code under test without building a second binary.
func TestMain(m *testing.M) {
	if os.Getenv("GLUELENS_TEST_AS_CLI") == "1" {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// The shell example of docs/synth.md ("Using gluelens sample logs in your
// tests") runs as written, with `gluelens` on the PATH.
func TestDocsShellExample(t *testing.T) {
	doc, err := os.ReadFile("../../docs/synth.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	i := strings.Index(s, "**From a shell**")
	if i < 0 {
		t.Fatal(`docs/synth.md has no "**From a shell**" example`)
	}
	s = s[i:]
	start := strings.Index(s, "```sh\n")
	end := strings.Index(s[start+6:], "```")
	if start < 0 || end < 0 {
		t.Fatal("no sh block after **From a shell**")
	}
	script := s[start+6 : start+6+end]
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	wrapper := "#!/bin/sh\nGLUELENS_TEST_AS_CLI=1 exec '" + exe + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "gluelens"), []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "-e", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the documented example failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "refused creates found") || !strings.Contains(string(out), "_CloudTrail_us-east-1_20270104T") {
		t.Errorf("the documented example printed:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "evidence", "truth.json")); err == nil {
		t.Error("the truth was written inside the evidence folder")
	}
}
