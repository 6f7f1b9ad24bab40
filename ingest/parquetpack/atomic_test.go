package parquetpack_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/parquetpack"
)

// TestPackIntegrity: a pack is written under temporary names with the
// manifest last, and ingest refuses a pack file when the pack has no
// manifest, when the file is not listed in it, or when its size differs
// from what the manifest says — each fails, named, instead of loading part
// of the evidence as if it were all.
func TestPackIntegrity(t *testing.T) {
	a, _ := fixtureDB(t)
	defer a.Close()
	pack := filepath.Join(t.TempDir(), "pack")
	m := exportTo(t, a, pack, parquetpack.Options{Tables: []string{"eni_events", "glue_runs"}})
	var parts []string
	for _, tb := range m.Tables {
		for _, f := range tb.Files {
			parts = append(parts, f.Path)
		}
	}
	if len(parts) < 2 {
		t.Fatalf("the pack has %d parts, want at least 2", len(parts))
	}
	// No temporary file is left next to the parts.
	filepath.WalkDir(pack, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".") {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})

	ingestOne := func(t *testing.T, dir string) ingest.Summary {
		st := openStore(t, filepath.Join(t.TempDir(), "b.duckdb"))
		defer st.Close()
		return ingestPaths(t, st, []ingest.Decoder{&parquetpack.Decoder{}}, dir)
	}
	copyPack := func(t *testing.T) string {
		dst := filepath.Join(t.TempDir(), "pack")
		if err := os.CopyFS(dst, os.DirFS(pack)); err != nil {
			t.Fatal(err)
		}
		return dst
	}
	failures := func(sum ingest.Summary) string {
		var b strings.Builder
		for _, f := range sum.Failures {
			b.WriteString(f.Err.Error() + "\n")
		}
		return b.String()
	}

	t.Run("complete", func(t *testing.T) {
		if sum := ingestOne(t, pack); sum.Failed != 0 || sum.Loaded != len(parts) {
			t.Errorf("complete pack: %d loaded, %d failed, want %d and 0: %s", sum.Loaded, sum.Failed, len(parts), failures(sum))
		}
	})
	t.Run("no manifest", func(t *testing.T) {
		dir := copyPack(t)
		os.Remove(filepath.Join(dir, parquetpack.ManifestName))
		sum := ingestOne(t, dir)
		if sum.Failed != len(parts) || sum.Loaded != 0 || !strings.Contains(failures(sum), "has no readable _gluelens_manifest.json") {
			t.Errorf("pack without manifest: %d loaded, %d failed, want 0 and %d:\n%s", sum.Loaded, sum.Failed, len(parts), failures(sum))
		}
	})
	t.Run("part replaced", func(t *testing.T) {
		// A valid part of the same table and name, but another export's:
		// fewer rows, another size. Only the manifest can tell.
		dir := copyPack(t)
		otherDir := t.TempDir()
		other := exportTo(t, a, otherDir, parquetpack.Options{Tables: []string{"eni_events"},
			From: time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 2, 6, 30, 0, 0, time.UTC)})
		tm, _ := other.Table("eni_events")
		if len(tm.Files) == 0 {
			t.Fatal("the windowed export wrote no eni_events file")
		}
		f := tm.Files[0]
		full, _ := m.Table("eni_events")
		var orig parquetpack.FileEntry
		for _, g := range full.Files {
			if g.Path == f.Path {
				orig = g
			}
		}
		if orig.Path == "" || orig.Rows == f.Rows {
			t.Fatalf("no part of the full pack at %s with other rows (%+v vs %+v)", f.Path, orig, f)
		}
		b, err := os.ReadFile(filepath.Join(otherDir, filepath.FromSlash(f.Path)))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, filepath.FromSlash(f.Path)), b, 0o644)
		sum := ingestOne(t, dir)
		if sum.Failed != 1 || !strings.Contains(failures(sum), "the pack's manifest says") || !strings.Contains(failures(sum), f.Path) {
			t.Errorf("replaced part: %d failed, want 1 naming %s:\n%s", sum.Failed, f.Path, failures(sum))
		}
	})
	t.Run("corrupt page", func(t *testing.T) {
		// A part of the right size whose data pages are damaged (a disk or
		// transfer error): its footer reads, so the manifest checks pass,
		// and DuckDB's reader meets the damage. The part fails alone,
		// named; the others load; none of its rows are kept.
		dir := copyPack(t)
		var big parquetpack.FileEntry
		for _, tb := range m.Tables {
			for _, f := range tb.Files {
				if f.Bytes > big.Bytes {
					big = f
				}
			}
		}
		p := filepath.Join(dir, filepath.FromSlash(big.Path))
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for i := 4; i < len(b)/2; i++ { // the first half: column chunks, not the footer
			b[i] = 0xff
		}
		os.WriteFile(p, b, 0o644)
		st := openStore(t, filepath.Join(t.TempDir(), "b.duckdb"))
		defer st.Close()
		sum := ingestPaths(t, st, []ingest.Decoder{&parquetpack.Decoder{}}, dir)
		if sum.Failed != 1 || sum.Loaded != len(parts)-1 || !strings.HasSuffix(sum.Failures[0].Entry.URI, big.Path) || !strings.Contains(failures(sum), "reading parquet") {
			t.Fatalf("corrupt part %s: %d loaded, %d failed, want %d and 1 naming it:\n%s", big.Path, sum.Loaded, sum.Failed, len(parts)-1, failures(sum))
		}
		t.Logf("corrupt part: %s", failures(sum))
		var rows, want int64
		for _, tb := range m.Tables {
			want += tb.Rows
		}
		want -= big.Rows
		if err := st.DB().QueryRow(`SELECT (SELECT count(*) FROM eni_events) + (SELECT count(*) FROM glue_runs)`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if rows != want {
			t.Errorf("%d rows loaded, want %d (every part but the corrupt one)", rows, want)
		}
	})
	t.Run("empty part", func(t *testing.T) {
		// What an interrupted export used to leave: a 0-byte part.
		dir := copyPack(t)
		os.WriteFile(filepath.Join(dir, filepath.FromSlash(parts[0])), nil, 0o644)
		if sum := ingestOne(t, dir); sum.Failed != 1 {
			t.Errorf("empty part: %d failed, want 1:\n%s", sum.Failed, failures(sum))
		}
	})
	t.Run("part not listed", func(t *testing.T) {
		dir := copyPack(t)
		extra := filepath.Join(dir, "table=eni_events", "dt=undated", "part-09999.parquet")
		os.MkdirAll(filepath.Dir(extra), 0o755)
		b, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(parts[0])))
		os.WriteFile(extra, b, 0o644)
		sum := ingestOne(t, dir)
		if sum.Failed != 1 || !strings.Contains(failures(sum), "is not listed") {
			t.Errorf("unlisted part: %d failed, want 1:\n%s", sum.Failed, failures(sum))
		}
	})
	t.Run("interrupted write", func(t *testing.T) {
		// A part being written when the export is killed exists only under
		// its hidden temporary name; ingest does not see it.
		dir := t.TempDir()
		w, err := parquetpack.DirDest{Dir: dir}.Create(context.Background(), "table=eni_events/dt=undated/part-00000.parquet")
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("PAR1 half a file"))
		if _, err := os.Stat(filepath.Join(dir, "table=eni_events", "dt=undated", "part-00000.parquet")); !os.IsNotExist(err) {
			t.Errorf("a part not closed exists under its final name (%v)", err)
		}
		parquetpack.DirDest{Dir: dir}.Abort("table=eni_events/dt=undated/part-00000.parquet")
		ents, _ := os.ReadDir(filepath.Join(dir, "table=eni_events", "dt=undated"))
		if len(ents) != 0 {
			t.Errorf("Abort left %v", ents)
		}
	})
}
