package synthetic_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/gluelens/gluelens/ingest/synthetic"
)

// goldenChecksum is Tree.Checksum of IPExhaustion(Options{Seed: 1,
// ENIShare: 0.01}) — every path, modification time and byte of the tree.
//
// How it was obtained: by running this generator once (linux/amd64,
// Go 1.26) when the test was written, and checking it again with
// GOARCH=386 (32-bit ints) and with GOMAXPROCS=1 on the same machine:
// the same value. It is a
// tripwire, not a statement about the content — the content is checked
// against AWS's formats and the truth re-derived from the files by
// internal/synth's tests. The value changes whenever any byte of the
// scenario changes on purpose (a new field in a record, another noise
// mix, another digest layout, the key derivation); then re-run, check the
// diff of a written tree is the intended one, and paste the new value.
// It must never change because of the platform, the Go release (the PCG
// stream of math/rand/v2 and klauspost/compress's gzip output are fixed
// for a fixed module version), the number of CPUs or the scheduling of
// the parallel file rendering.
const goldenChecksum = "b89cd4118ade527a2d64740ab530f87f856445460373517192521ea3d3759830"

func TestGoldenChecksum(t *testing.T) {
	tree, err := synthetic.IPExhaustion(synthetic.Options{Seed: 1, ENIShare: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	if got := tree.Checksum(); got != goldenChecksum {
		t.Errorf("checksum of seed 1 is %s, want %s (see the comment of goldenChecksum)", got, goldenChecksum)
	}
	again, err := synthetic.IPExhaustion(synthetic.Options{Seed: 1, ENIShare: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	if again.Checksum() != tree.Checksum() {
		t.Error("the same seed gave two different trees in one process")
	}
	other, err := synthetic.IPExhaustion(synthetic.Options{Seed: 2, ENIShare: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	if other.Checksum() == tree.Checksum() {
		t.Error("seeds 1 and 2 gave the same tree")
	}
}

// The written tree holds exactly the files and modification times the
// Tree lists, and the truth lies beside it, not inside.
func TestWriteDir(t *testing.T) {
	tree, err := synthetic.IPExhaustion(synthetic.Options{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "evidence")
	if err := tree.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	if err := tree.WriteTruth(synthetic.TruthPath(dir)); err != nil {
		t.Fatal(err)
	}
	n := 0
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(tree.Files) {
		t.Errorf("%d files on disk, the tree lists %d", n, len(tree.Files))
	}
	for _, f := range tree.Files[:3] {
		st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f.Path)))
		if err != nil {
			t.Fatal(err)
		}
		if !st.ModTime().Equal(f.ModTime) || st.Size() != int64(len(f.Data)) {
			t.Errorf("%s: mtime %s size %d, want %s %d", f.Path, st.ModTime(), st.Size(), f.ModTime, len(f.Data))
		}
	}
	b, err := os.ReadFile(dir + ".truth.json")
	if err != nil {
		t.Fatal(err)
	}
	var tr synthetic.Truth
	if err := json.Unmarshal(b, &tr); err != nil {
		t.Fatal(err)
	}
	if tr.Seed != 3 || len(tr.FailedCreates) != len(tree.Truth.FailedCreates) || len(tr.FailedCreates) == 0 {
		t.Errorf("truth file: seed %d, %d failed creates; tree: %d", tr.Seed, len(tr.FailedCreates), len(tree.Truth.FailedCreates))
	}
}
