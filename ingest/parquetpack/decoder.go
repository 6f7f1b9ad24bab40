package parquetpack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/parquet-go/parquet-go"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/internal/store"
)

// Decoder loads the files of an evidence pack (kind "evidence-pack"). It
// claims objects starting with the Parquet magic PAR1 and objects named
// _gluelens_manifest.json.
//
// Parquet needs random access but the pipeline hands decoders a stream, so
// a file is buffered in memory up to MemoryLimit bytes and spilled to a
// temporary file (removed afterwards) beyond that. The table comes from the
// file's gluelens.table metadata, checked against the key's table=…/ path
// element; a Parquet file with neither, or with a column its table does
// not have, is not ours and fails with an error naming the column. Rows of
// ingest_manifest are provenance of the exporting database and are not
// loaded (the object is recorded as ignored).
//
// Known limit: parquet-go's thrift decoder allocates a length-prefixed
// field before reading it, so a corrupt file (found by fuzzing) can make a
// single Decode allocate up to 2 GiB before it fails with an error. It
// still fails cleanly, but ingest Parquet from unknown sources only where
// that much memory is available.
type Decoder struct {
	// MemoryLimit is the largest file buffered in memory; 0 means 64 MiB.
	MemoryLimit int64
	// SpillLimit is the largest file spilled to disk; 0 means MaxSpill.
	// A larger file, or a compressed one (.parquet.gz) that inflates more
	// than MaxInflation times past MemoryLimit, fails alone.
	SpillLimit int64
	// TempDir receives spilled files; "" means os.TempDir().
	TempDir string

	mu        sync.Mutex
	manifests map[string]manifestResult // by pack root URI
}

type manifestResult struct {
	m   *Manifest
	err error
}

// packManifest reads (once per pack) the manifest of the pack a file whose
// key has a table=… element belongs to.
func (d *Decoder) packManifest(ctx context.Context, in *ingest.Input, root string) (*Manifest, error) {
	key := ManifestName
	if root != "" {
		key = root + "/" + ManifestName
	}
	uri := strings.TrimSuffix(in.URI, in.Key) + key
	d.mu.Lock()
	defer d.mu.Unlock()
	if r, ok := d.manifests[uri]; ok {
		return r.m, r.err
	}
	m, err := func() (*Manifest, error) {
		rc, err := in.OpenSibling(ctx, key)
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		b, err := io.ReadAll(io.LimitReader(rc, 64<<20))
		if err != nil {
			return nil, err
		}
		return ParseManifest(b)
	}()
	if err != nil {
		err = fmt.Errorf("the pack has no readable %s (an export that did not finish?): %w", ManifestName, err)
	}
	if d.manifests == nil {
		d.manifests = map[string]manifestResult{}
	}
	d.manifests[uri] = manifestResult{m, err}
	return m, err
}

// packPath splits a pack file's key into the pack root and the path the
// manifest lists it under (from the table=… element on); ok is false for
// a file outside the pack layout.
func packPath(key string) (root, rel string, ok bool) {
	parts := strings.Split(key, "/")
	for i := len(parts) - 1; i >= 0; i-- {
		if strings.HasPrefix(parts[i], "table=") {
			return strings.Join(parts[:i], "/"), strings.Join(parts[i:], "/"), true
		}
	}
	return "", "", false
}

// checkListed checks a pack file against its manifest: listed, with the
// stored size the manifest gives. It returns the entry (rows are checked
// once the file is open).
func checkListed(m *Manifest, rel string, size int64) (FileEntry, error) {
	for _, t := range m.Tables {
		for _, f := range t.Files {
			if f.Path != rel {
				continue
			}
			if f.Bytes != size {
				return f, fmt.Errorf("reading parquet: %s is %d bytes, the pack's manifest says %d (cut short or replaced)", rel, size, f.Bytes)
			}
			return f, nil
		}
	}
	return FileEntry{}, fmt.Errorf("reading parquet: %s is not listed in the pack's %s (left by an export that did not finish, or added later)", rel, ManifestName)
}

// Kind implements ingest.Decoder.
func (d *Decoder) Kind() string { return "evidence-pack" }

var magic = []byte("PAR1")

// Limits of one pack file (see Decoder).
const (
	MaxSpill     = 2 << 30
	MaxInflation = 50
)

// Sniff implements ingest.Decoder.
func (d *Decoder) Sniff(key string, head []byte) bool {
	return bytes.HasPrefix(head, magic) || path.Base(key) == ManifestName
}

// Decode implements ingest.Decoder.
func (d *Decoder) Decode(ctx context.Context, in *ingest.Input, out ingest.Sink) (err error) {
	if path.Base(in.Key) == ManifestName {
		b, err := io.ReadAll(io.LimitReader(in.R, 64<<20))
		if err != nil {
			return fmt.Errorf("reading %s: %w", ManifestName, err)
		}
		m, err := ParseManifest(b)
		if err != nil {
			return err
		}
		var rows int64
		for _, t := range m.Tables {
			rows += t.Rows
		}
		return ingest.Ignore(fmt.Sprintf("evidence-pack manifest: %d tables, %d rows, schema %d, written by gluelens %s", len(m.Tables), rows, m.SchemaVersion, m.GluelensVersion))
	}
	// A sink that reads Parquet itself takes the file from disk: spill it
	// at once rather than hold it in memory and write it out later.
	ps, duck := out.(ingest.ParquetSink)
	limit := d.MemoryLimit
	if limit <= 0 {
		limit = 64 << 20
	}
	if duck {
		limit = 0
	}
	ra, size, cleanup, err := d.buffer(in.R, in.Codec, in.Size, limit)
	if err != nil {
		return err
	}
	handed := false // to the sink, which removes the file when done with it
	defer func() {
		if !handed {
			cleanup()
		}
	}()
	// parquet-go may panic on a corrupt file instead of returning an
	// error; turn that into an error naming the object's problem.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("reading parquet: corrupt file: %v", r)
		}
	}()
	f, err := parquet.OpenFile(ra, size)
	if err != nil {
		return fmt.Errorf("reading parquet: %w", err)
	}
	l, err := identify(in.Key, f)
	if err != nil {
		return err
	}
	// A file a gluelens export wrote (it carries the pack format version)
	// in the pack layout belongs to a pack: the pack's manifest, written
	// last, must list it with its size and rows. Parquet from other tools
	// in a table=… layout has no manifest and is loaded on its own.
	_, fromExport := f.Lookup(metaFormat)
	if fromExport && in.OpenSibling != nil {
		if root, rel, ok := packPath(in.Key); ok {
			m, err := d.packManifest(ctx, in, root)
			if err != nil {
				return fmt.Errorf("reading parquet: %w", err)
			}
			listed, err := checkListed(m, rel, in.Size)
			if err != nil {
				return err
			}
			if f.NumRows() != listed.Rows {
				return fmt.Errorf("reading parquet: %s holds %d rows, the pack's manifest says %d", rel, f.NumRows(), listed.Rows)
			}
		}
	}
	if l.Table == ManifestTable {
		out.SkipRecords(f.NumRows())
		return ingest.Ignore(fmt.Sprintf("ingest manifest of the exporting database (%d rows): provenance, not loaded", f.NumRows()))
	}
	// A file a gluelens export wrote, of the types the table takes, loads
	// through DuckDB's own Parquet reader; other files (another tool's
	// types, an older schema's absent NOT NULL column) through parquet-go.
	if duck && fromExport {
		pf, ok, err := duckFile(f, l)
		if err != nil {
			return fmt.Errorf("loading %s: %w", l.Table, err)
		}
		if ok {
			p, done, err := onDisk(ra, d.TempDir)
			if err != nil {
				return err
			}
			pf.Path = p
			pf.Release = func() { done(); cleanup() }
			handed = true
			err = ps.AppendParquet(pf)
			if spilled, ok := ra.(*os.File); ok {
				spilled.Close() // DuckDB opens the file by its path: no descriptor waits with it for the Flush
			}
			if err != nil {
				return fmt.Errorf("loading %s: %w", l.Table, err)
			}
			return ctx.Err()
		}
	}
	if _, err := loadTable(f, l, out); err != nil {
		return fmt.Errorf("loading %s: %w", l.Table, err)
	}
	return ctx.Err()
}

// identify finds the table of a pack file and checks the file fits it.
func identify(key string, f *parquet.File) (*layout, error) {
	fromKey := tableFromKey(key)
	fromMeta, hasMeta := f.Lookup(metaTable)
	table := fromMeta
	switch {
	case hasMeta && fromKey != "" && fromKey != fromMeta:
		return nil, fmt.Errorf("reading parquet: metadata says table %s but the path says table=%s", fromMeta, fromKey)
	case !hasMeta && fromKey == "":
		return nil, errors.New("reading parquet: not a gluelens evidence-pack file: no gluelens.table metadata and no table=… element in its path")
	case !hasMeta:
		table = fromKey
	}
	l, ok := layoutFor(table)
	if !ok {
		return nil, fmt.Errorf("reading parquet: table %q is not part of an evidence pack", table)
	}
	if v, ok := f.Lookup(metaSchemaVersion); ok {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, fmt.Errorf("reading parquet: bad %s metadata %q", metaSchemaVersion, v)
		}
		if latest := store.SchemaVersion(); n > latest {
			return nil, fmt.Errorf("reading parquet: %w: file has schema %d, this build knows %d", ErrNewerPack, n, latest)
		}
	}
	known := map[string]bool{}
	for _, c := range l.columns {
		known[c] = true
	}
	for _, c := range f.Schema().Fields() {
		if !known[c.Name()] {
			return nil, fmt.Errorf("reading parquet: column %q is not a column of %s: not a gluelens evidence-pack file", c.Name(), table)
		}
		if !c.Leaf() {
			return nil, fmt.Errorf("reading parquet: column %q of %s is nested: not a gluelens evidence-pack file", c.Name(), table)
		}
	}
	for _, k := range l.Key {
		if !hasColumn(f, k) {
			return nil, fmt.Errorf("reading parquet: key column %q of %s is missing", k, table)
		}
	}
	return l, nil
}

func hasColumn(f *parquet.File, name string) bool {
	_, ok := f.Schema().Lookup(name)
	return ok
}

// tableFromKey returns the value of the last table=… path element of key.
func tableFromKey(key string) string {
	parts := strings.Split(key, "/")
	for i := len(parts) - 1; i >= 0; i-- {
		if t, ok := strings.CutPrefix(parts[i], "table="); ok {
			return t
		}
	}
	return ""
}

// buffer makes r randomly accessible: in memory up to limit bytes, else in a
// temporary file of at most SpillLimit bytes. stored is the object's
// stored size; a compressed object inflating past MaxInflation times it is
// refused as a bomb before more than MemoryLimit bytes are spilled.
//
// Beyond its first ingest.FreeBuffer bytes the in-memory copy draws on the
// process's shared buffer pool (ingest.TakeShared), in chunks that are
// never regrown; when the pool is empty the file is spilled at once, so
// Parquet files never wait for memory and never hold more than the pool.
func (d *Decoder) buffer(r io.Reader, codec string, stored, limit int64) (io.ReaderAt, int64, func(), error) {
	spill := d.SpillLimit
	if spill <= 0 {
		spill = MaxSpill
	}
	mem := &chunks{}
	var taken int64
	give := func() {
		if taken > 0 {
			ingest.GiveShared(taken)
			taken = 0
		}
	}
	var n int64
	eof := false
	for n <= limit {
		want := int64(ingest.Chunk)
		if n == 0 {
			want = ingest.FreeBuffer
		} else if !ingest.TakeShared(want) {
			break
		} else {
			taken += want
		}
		c := make([]byte, want)
		k, err := io.ReadFull(r, c)
		mem.add(c[:k])
		n += int64(k)
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			eof = true
			break
		}
		if err != nil {
			give()
			return nil, 0, nil, fmt.Errorf("reading parquet: %w", err)
		}
	}
	if eof && n <= limit {
		return mem, n, give, nil
	}
	if codec != "" && codec != "plain" && stored > 0 && n > MaxInflation*stored {
		give()
		return nil, 0, nil, fmt.Errorf("reading parquet: %w: %s-compressed %d bytes inflate to more than %d bytes (over %d times)", ingest.ErrTooLarge, codec, stored, MaxInflation*stored, MaxInflation)
	}
	if stored > 0 && (codec == "" || codec == "plain") && stored > spill {
		give()
		return nil, 0, nil, fmt.Errorf("reading parquet: %w: %d MiB, the limit is %d MiB", ingest.ErrTooLarge, stored>>20, spill>>20)
	}
	tmp, err := os.CreateTemp(d.TempDir, "gluelens-pack-*.parquet")
	if err != nil {
		give()
		return nil, 0, nil, fmt.Errorf("spilling parquet to a temporary file: %w", err)
	}
	cleanup := func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}
	for _, c := range mem.c {
		if _, err := tmp.Write(c); err != nil {
			cleanup()
			give()
			return nil, 0, nil, fmt.Errorf("spilling parquet to %s: %w", tmp.Name(), err)
		}
	}
	mem = nil
	give()
	// Past the inflation bound of a compressed object, or the spill limit,
	// the file is refused (the bytes written so far are removed).
	max := spill
	if codec != "" && codec != "plain" && stored > 0 && MaxInflation*stored < max {
		max = MaxInflation * stored
	}
	if eof {
		return tmp, n, cleanup, nil
	}
	rest, err := io.Copy(tmp, io.LimitReader(r, max-n+1))
	if err != nil {
		cleanup()
		return nil, 0, nil, fmt.Errorf("spilling parquet to %s: %w", tmp.Name(), err)
	}
	if n+rest > max {
		cleanup()
		return nil, 0, nil, fmt.Errorf("reading parquet: %w: more than %d MiB decompressed from %d stored bytes", ingest.ErrTooLarge, max>>20, stored)
	}
	return tmp, n + rest, cleanup, nil
}

// chunks is a file held in memory as chunks that are never joined.
type chunks struct {
	c   [][]byte
	off []int64 // off[i] is the offset of c[i]
	n   int64
}

func (m *chunks) add(b []byte) {
	m.c = append(m.c, b)
	m.off = append(m.off, m.n)
	m.n += int64(len(b))
}

// ReadAt implements io.ReaderAt.
func (m *chunks) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("reading at %d: negative offset", off)
	}
	if off >= m.n {
		return 0, io.EOF
	}
	i := sort.Search(len(m.off), func(i int) bool { return m.off[i] > off }) - 1
	read := 0
	for read < len(p) && i < len(m.c) {
		k := copy(p[read:], m.c[i][off-m.off[i]:])
		read += k
		off += int64(k)
		i++
	}
	if read < len(p) {
		return read, io.EOF
	}
	return read, nil
}

// onDisk returns the path of a buffered file (see buffer), writing one
// held in memory to a temporary file first; done removes that file.
func onDisk(ra io.ReaderAt, dir string) (string, func(), error) {
	if f, ok := ra.(*os.File); ok {
		return f.Name(), func() {}, nil
	}
	mem := ra.(*chunks)
	tmp, err := os.CreateTemp(dir, "gluelens-pack-*.parquet")
	if err != nil {
		return "", nil, fmt.Errorf("writing parquet to a temporary file: %w", err)
	}
	done := func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}
	for _, c := range mem.c {
		if _, err := tmp.Write(c); err != nil {
			done()
			return "", nil, fmt.Errorf("writing parquet to %s: %w", tmp.Name(), err)
		}
	}
	return tmp.Name(), done, nil
}
