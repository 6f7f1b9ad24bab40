package parquetpack

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/gluelens/gluelens/internal/store"
)

// tablePlan is one table's part of a pack: its entry and the files it
// is cut into.
type tablePlan struct {
	entry TableEntry
	jobs  []copyJob
}

// copyJob is one file of a pack: the rows of one split, copied to key.
type copyJob struct {
	key   string
	dt    string
	split store.FileSplit
	meta  [][2]string
	file  *FileEntry // where the written file is recorded
}

// planTable cuts the rows spec selects into the table's files: by UTC day
// of the table's day column, at most FileRows rows, a Spark application
// attempt whole (store.Split).
func planTable(ctx context.Context, st *store.Store, l *layout, spec store.ReadSpec, opt Options) (*tablePlan, error) {
	p := &tablePlan{entry: TableEntry{Name: l.Table, DayColumn: l.Day, Columns: columnsOf(l)}}
	spec.As = exportTypes(l)
	splits, err := st.Split(ctx, spec, l.Day, opt.FileRows)
	if err != nil {
		return nil, err
	}
	meta := [][2]string{
		{metaTable, l.Table},
		{metaSchemaVersion, strconv.Itoa(store.SchemaVersion())},
		{metaFormat, strconv.Itoa(FormatVersion)},
		{metaVersion, store.Version},
	}
	p.entry.Files = make([]FileEntry, len(splits))
	parts := map[string]int{}
	for i, s := range splits {
		dt := Undated
		if !s.Day.IsZero() {
			dt = s.Day.Format(time.DateOnly)
		}
		key := path.Join("table="+l.Table, "dt="+dt, fmt.Sprintf("part-%05d.parquet", parts[dt]))
		p.jobs = append(p.jobs, copyJob{key: key, dt: dt, split: s, meta: meta, file: &p.entry.Files[i]})
		parts[dt]++
	}
	return p, nil
}

// writeFiles writes the files of every table with DuckDB's own Parquet
// writer, each one COPY of its rows, in the spec's order, to a local file
// that then takes its place in the destination, and fills in the tables'
// entries.
func writeFiles(ctx context.Context, st *store.Store, plans []*tablePlan, pw *packWriter) error {
	var jobs []copyJob
	for _, p := range plans {
		jobs = append(jobs, p.jobs...)
	}
	// The largest files first, of every table: the last to finish is a
	// small one, so no core waits long for the others at the end, and a
	// large file's sync overlaps the files after it.
	sort.SliceStable(jobs, func(i, j int) bool { return jobs[i].split.Rows > jobs[j].split.Rows })
	// One file on every core when there is one file; else files side by
	// side, one core each: DuckDB spreads a COPY over its threads at a
	// cost that outweighs the gain (10 days of eni_events: 3.3 CPU s on
	// two threads, 1.9 on one; a million Spark tasks: 3.2 and 1.9). A
	// written file is placed (synced and renamed, or uploaded) on a
	// goroutine of its own, so the core goes on with the next COPY
	// instead of waiting for the disk.
	cores := runtime.GOMAXPROCS(0)
	workers := max(1, min(cores, len(jobs)))
	// A failed placing stops the COPYs (pctx); a failed COPY lets the
	// parts already written finish placing (each on pctx, which the end of
	// the COPYs does not cancel).
	places, pctx := errgroup.WithContext(ctx)
	places.SetLimit(placing)
	g, gctx := errgroup.WithContext(pctx)
	g.SetLimit(workers)
	err := st.WithThreads(ctx, max(1, cores/workers), func() error {
		for _, j := range jobs {
			g.Go(func() error {
				c := store.ParquetCopy{Spec: j.split.Spec, RowGroupRows: pw.opt.RowGroupRows, Metadata: j.meta, ZSTDLevel: zstdLevel}
				tmp, rows, err := pw.copyPart(gctx, st, j.key, c, j.split.Rows)
				if err != nil {
					return fmt.Errorf("exporting %s to %s: %w", j.split.Spec.Table, pw.dest, err)
				}
				places.Go(func() error {
					f, err := pw.placePart(pctx, j.key, tmp, rows)
					f.DT = j.dt
					*j.file = f
					if err != nil {
						return fmt.Errorf("exporting %s to %s: %w", j.split.Spec.Table, pw.dest, err)
					}
					return nil
				})
				return nil
			})
		}
		return g.Wait()
	})
	// Every placing goroutine ends before the entries are read.
	if perr := places.Wait(); err == nil {
		err = perr
	}
	if err != nil {
		return err
	}
	for _, p := range plans {
		for _, f := range p.entry.Files {
			p.entry.Rows += f.Rows
		}
	}
	return nil
}

// zstdLevel is the ZSTD level of a pack's pages. DuckDB compresses each
// page on its own, and on the pages of gluelens tables level 2 gives
// smaller files than its default, 3, in less time. Measured 2026-12-03
// (whole pack, bytes, levels 3 / 2 / 1): 1M eni_events 13.85 / 12.13 /
// 14.77 MB, 1M spark_tasks 56.9 / 54.9 / 56.8 MB, the demo week 1.173 /
// 1.158 / 1.152 MB, a CloudTrail day 334 / 331 / 327 kB; the export of
// the first two, medians of 5: 2.36 / 2.16 / 2.17 s.
const zstdLevel = 2

// placing is how many written parts may be placed at once: syncing a
// file waits on the disk and an upload on the network, not on a core.
const placing = 4

// placer is a Dest that takes a finished local file as a part without
// copying it: tempPath names where the file may be written, place moves
// it to key, and Abort(key) removes it if place is never called.
type placer interface {
	tempPath(key string) (string, error)
	place(ctx context.Context, key, tmp string) (int64, error)
}

// copyPart writes one part's rows with DuckDB's COPY into a temporary
// local file and returns its path and row count; want is the number of
// rows the part must hold.
func (pw *packWriter) copyPart(ctx context.Context, st *store.Store, key string, c store.ParquetCopy, want int64) (string, int64, error) {
	tmp, err := pw.placer().tempPath(key)
	if err != nil {
		return "", 0, err
	}
	c.Path = tmp
	rows, err := st.CopyParquet(ctx, c)
	if err == nil && rows != want {
		err = fmt.Errorf("writing %s: %d rows written, %d expected (the table changed during the export?)", key, rows, want)
	}
	if err != nil {
		os.Remove(tmp)
		pw.dest.Abort(key)
		return "", 0, err
	}
	return tmp, rows, nil
}

// placePart puts the written file tmp in place under key.
func (pw *packWriter) placePart(ctx context.Context, key, tmp string, rows int64) (FileEntry, error) {
	n, err := pw.placer().place(ctx, key, tmp)
	if err != nil {
		os.Remove(tmp)
		pw.dest.Abort(key)
		return FileEntry{}, err
	}
	return FileEntry{Path: key, Rows: rows, Bytes: n}, nil
}

// placer returns how parts reach the destination: in place when it takes
// a local file, else staged and copied (copyPlacer).
func (pw *packWriter) placer() placer {
	if pl, ok := pw.dest.(placer); ok {
		return pl
	}
	return &copyPlacer{pw: pw}
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
