package parquetpack

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/gluelens/gluelens/internal/store"
)

// exportTable writes one table's files with DuckDB's own Parquet writer:
// store.Split cuts the rows spec selects into files (by UTC day of the
// table's day column, at most FileRows rows, a Spark application attempt
// whole), and each file is one COPY of its rows, in the spec's order, to a
// local file that then takes its place in the destination.
func exportTable(ctx context.Context, st *store.Store, l *layout, spec store.ReadSpec, pw *packWriter) (TableEntry, error) {
	entry := TableEntry{Name: l.Table, DayColumn: l.Day, Columns: columnsOf(l)}
	spec.As = exportTypes(l)
	splits, err := st.Split(ctx, spec, l.Day, pw.opt.FileRows)
	if err != nil {
		return entry, err
	}
	meta := [][2]string{
		{metaTable, l.Table},
		{metaSchemaVersion, strconv.Itoa(store.SchemaVersion())},
		{metaFormat, strconv.Itoa(FormatVersion)},
		{metaVersion, store.Version},
	}
	type job struct {
		key   string
		dt    string
		split store.FileSplit
	}
	jobs := make([]job, len(splits))
	parts := map[string]int{}
	for i, s := range splits {
		dt := Undated
		if !s.Day.IsZero() {
			dt = s.Day.Format(time.DateOnly)
		}
		jobs[i] = job{key: path.Join("table="+l.Table, "dt="+dt, fmt.Sprintf("part-%05d.parquet", parts[dt])), dt: dt, split: s}
		parts[dt]++
	}
	// One file on every core when there is one file; else files side by
	// side, one core each: DuckDB spreads a small COPY over its threads at
	// a cost that outweighs the gain (10 days of eni_events: 3.3 CPU s on
	// two threads, 1.9 on one).
	cores := runtime.GOMAXPROCS(0)
	workers := max(1, min(cores, len(jobs)))
	files := make([]FileEntry, len(jobs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	err = st.WithThreads(ctx, max(1, cores/workers), func() error {
		for i, j := range jobs {
			g.Go(func() error {
				f, err := pw.writePart(gctx, st, j.key, store.ParquetCopy{Spec: j.split.Spec, RowGroupRows: pw.opt.RowGroupRows, Metadata: meta}, j.split.Rows)
				f.DT = j.dt
				files[i] = f
				return err
			})
		}
		return g.Wait()
	})
	if err != nil {
		return entry, err
	}
	for _, f := range files {
		entry.Files = append(entry.Files, f)
		entry.Rows += f.Rows
	}
	return entry, nil
}

// placer is a Dest that takes a finished local file as a part without
// copying it: tempPath names where the file may be written, place moves
// it to key, and Abort(key) removes it if place is never called.
type placer interface {
	tempPath(key string) (string, error)
	place(ctx context.Context, key, tmp string) (int64, error)
}

// writePart writes one part: DuckDB's COPY into a temporary local file,
// then the file in place under key. want is the number of rows the part
// must hold.
func (pw *packWriter) writePart(ctx context.Context, st *store.Store, key string, c store.ParquetCopy, want int64) (FileEntry, error) {
	pl, ok := pw.dest.(placer)
	if !ok {
		pl = &copyPlacer{pw: pw}
	}
	tmp, err := pl.tempPath(key)
	if err != nil {
		return FileEntry{}, err
	}
	c.Path = tmp
	rows, err := st.CopyParquet(ctx, c)
	if err == nil && rows != want {
		err = fmt.Errorf("writing %s: %d rows written, %d expected (the table changed during the export?)", key, rows, want)
	}
	if err != nil {
		os.Remove(tmp)
		pw.dest.Abort(key)
		return FileEntry{}, err
	}
	n, err := pl.place(ctx, key, tmp)
	if err != nil {
		os.Remove(tmp)
		pw.dest.Abort(key)
		return FileEntry{}, err
	}
	return FileEntry{Path: key, Rows: rows, Bytes: n}, nil
}

// copyPlacer stages parts for a Dest that only takes a stream: the file is
// written in the export's temporary folder and copied to Create(key).
type copyPlacer struct{ pw *packWriter }

func (c *copyPlacer) tempPath(key string) (string, error) {
	c.pw.mu.Lock()
	defer c.pw.mu.Unlock()
	if c.pw.tmp == "" {
		dir, err := os.MkdirTemp("", "gluelens-export-")
		if err != nil {
			return "", fmt.Errorf("creating a temporary folder for %s: %w", key, err)
		}
		c.pw.tmp = dir
	}
	return filepath.Join(c.pw.tmp, fmt.Sprintf("part-%d.parquet", tmpSeq.Add(1))), nil
}

func (c *copyPlacer) place(ctx context.Context, key, tmp string) (int64, error) {
	defer os.Remove(tmp)
	src, err := os.Open(tmp)
	if err != nil {
		return 0, fmt.Errorf("writing %s: %w", key, err)
	}
	defer src.Close()
	dst, err := c.pw.dest.Create(ctx, key)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(dst, src)
	if err != nil {
		dst.Close()
		return 0, fmt.Errorf("writing %s: %w", key, err)
	}
	if err := dst.Close(); err != nil {
		return 0, fmt.Errorf("writing %s: %w", key, err)
	}
	return n, nil
}

// tempPath implements placer: a hidden name beside the part's, which the
// pack's readers skip and Abort removes.
func (d DirDest) tempPath(key string) (string, error) {
	p := filepath.Join(d.Dir, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return "", fmt.Errorf("creating %s: %w", p, err)
	}
	return filepath.Join(filepath.Dir(p), fmt.Sprintf(".%s.%d-%d.tmp", filepath.Base(p), os.Getpid(), tmpSeq.Add(1))), nil
}

// place implements placer: the file is synced and renamed to its name.
func (d DirDest) place(_ context.Context, key, tmp string) (int64, error) {
	p := filepath.Join(d.Dir, filepath.FromSlash(key))
	f, err := os.OpenFile(tmp, os.O_RDWR, 0)
	if err != nil {
		return 0, fmt.Errorf("writing %s: %w", p, err)
	}
	info, err := f.Stat()
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, p)
	}
	if err != nil {
		return 0, fmt.Errorf("writing %s: %w", p, err)
	}
	return info.Size(), nil
}
