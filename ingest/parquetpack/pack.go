// Package parquetpack writes and reads evidence packs: every normalized
// gluelens table as a Hive-partitioned Parquet dataset that DuckDB, Athena,
// Spark or pandas open directly, and that `gluelens ingest` loads back into
// an identical database.
//
// Layout of a pack:
//
//	_gluelens_manifest.json                      what the pack holds (Manifest)
//	table=<table>/dt=<YYYY-MM-DD>/part-NNNNN.parquet
//	table=<table>/dt=undated/part-NNNNN.parquet
//
// A row's dt is the UTC date of its table's day column (eni_events:
// event_time, glue_runs: started_on, eni_snapshots: observed_at, spark_apps:
// start_time, spark_executors: added_at, spark_stages and spark_jobs:
// submission_time, spark_tasks: launch_time). The rows of one Spark
// application attempt stay in one file per table, because the store merges
// an attempt as one snapshot; their dt is the date of the attempt's
// earliest day-column value in that table. Tables without a natural day
// (glue_jobs, glue_job_connections, glue_connections, subnets,
// ingest_manifest) and rows whose day column is NULL go under dt=undated,
// so dt is a string partition. Each file is written by DuckDB's own
// Parquet writer (one COPY per file) with the columns and types of the
// table's row struct (tables.go), ZSTD compression, UTC microsecond
// timestamps (isAdjustedToUTC=true), every column optional and DuckDB's
// choice of dictionary or plain encoding per column chunk. Each file also carries its table
// and schema version as Parquet key-value metadata, so a file read on its
// own still says what it is.
package parquetpack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gluelens/gluelens/internal/store"
)

// Names and versions of the pack format.
const (
	ManifestName  = "_gluelens_manifest.json"
	Format        = "gluelens-evidence-pack"
	FormatVersion = 1
	Undated       = "undated"

	metaTable         = "gluelens.table"
	metaSchemaVersion = "gluelens.schema_version"
	metaVersion       = "gluelens.version"
	metaFormat        = "gluelens.format_version"
)

// Manifest is the content of _gluelens_manifest.json.
type Manifest struct {
	Format          string       `json:"format"`
	FormatVersion   int          `json:"format_version"`
	GluelensVersion string       `json:"gluelens_version"`
	SchemaVersion   int          `json:"schema_version"` // internal/store schema the tables follow
	CreatedAt       time.Time    `json:"created_at"`
	From            *time.Time   `json:"from,omitempty"` // --from of the export, if any
	To              *time.Time   `json:"to,omitempty"`   // --to of the export (exclusive), if any
	Partitioning    string       `json:"partitioning"`
	Compression     string       `json:"compression"`
	RowGroupRows    int64        `json:"row_group_rows"`
	Tables          []TableEntry `json:"tables"`
}

// TableEntry describes one table of a pack.
type TableEntry struct {
	Name      string        `json:"name"`
	DayColumn string        `json:"day_column,omitempty"` // column dt is taken from; empty = always undated
	Rows      int64         `json:"rows"`
	Columns   []ColumnEntry `json:"columns"`
	Files     []FileEntry   `json:"files"`
}

// ColumnEntry describes one column as written to Parquet.
type ColumnEntry struct {
	Name        string `json:"name"`
	ParquetType string `json:"parquet_type"`           // physical type: BYTE_ARRAY, INT64, INT32, DOUBLE, BOOLEAN
	LogicalType string `json:"logical_type,omitempty"` // e.g. STRING, TIMESTAMP(isAdjustedToUTC=true,unit=MICROS)
	Optional    bool   `json:"optional"`
	Encoding    string `json:"encoding,omitempty"`
}

// FileEntry is one Parquet file of a table.
type FileEntry struct {
	Path  string `json:"path"` // relative to the pack root, slash-separated
	DT    string `json:"dt"`
	Rows  int64  `json:"rows"`
	Bytes int64  `json:"bytes"`
}

// Table returns the entry of a table, if the pack has it.
func (m *Manifest) Table(name string) (TableEntry, bool) {
	for _, t := range m.Tables {
		if t.Name == name {
			return t, true
		}
	}
	return TableEntry{}, false
}

// ErrNewerPack is returned for a pack or pack file written by a gluelens
// whose schema is newer than this one's.
var ErrNewerPack = errors.New("evidence pack schema is newer than this gluelens")

// ParseManifest reads and checks a manifest.
func ParseManifest(b []byte) (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", ManifestName, err)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("decoding %s: format is %q, want %q", ManifestName, m.Format, Format)
	}
	if m.FormatVersion > FormatVersion {
		return nil, fmt.Errorf("decoding %s: %w: pack format %d, this build reads up to %d", ManifestName, ErrNewerPack, m.FormatVersion, FormatVersion)
	}
	if latest := store.SchemaVersion(); m.SchemaVersion > latest {
		return nil, fmt.Errorf("decoding %s: %w: pack has schema %d, this build knows %d", ManifestName, ErrNewerPack, m.SchemaVersion, latest)
	}
	return &m, nil
}

// Default sizes of an export (Options). Row groups of DuckDB's default
// size (60 of its 2,048-row vectors) let its writer compress several at
// once; on the benchmark tables one is about 7 MB compressed for
// spark_tasks and 1.7 MB for eni_events. A file holds at most 4,194,304
// rows, as the packs written before did (4 row groups of 1,048,576).
const (
	DefaultRowGroupRows = 122_880
	DefaultFileRows     = 4 << 20
)

// Dest receives the files of a pack.
type Dest interface {
	// Create opens a new file at key (slash-separated, relative to the
	// pack root). The file exists once Close returns nil.
	Create(ctx context.Context, key string) (io.WriteCloser, error)
	// Abort removes a file whose Close will never be called.
	Abort(key string)
	// String names the destination root.
	String() string
}

// DirDest writes a pack into a local directory. Each file is written under
// a hidden temporary name in its folder and renamed when closed, so an
// interrupted export leaves no part under its final name (the pack's
// readers skip hidden files) and, as the manifest is written last, no
// manifest.
type DirDest struct{ Dir string }

var tmpSeq atomic.Int64

// Create implements Dest.
func (d DirDest) Create(_ context.Context, key string) (io.WriteCloser, error) {
	p := filepath.Join(d.Dir, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", p, err)
	}
	tmp := filepath.Join(filepath.Dir(p), fmt.Sprintf(".%s.%d-%d.tmp", filepath.Base(p), os.Getpid(), tmpSeq.Add(1)))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", p, err)
	}
	return &renamingFile{File: f, final: p}, nil
}

// renamingFile is a file written under a temporary name and renamed to
// final by Close; Abort (through DirDest) removes the temporary file.
type renamingFile struct {
	*os.File
	final  string
	closed bool
}

func (r *renamingFile) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	err := r.File.Sync()
	if cerr := r.File.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(r.File.Name(), r.final)
	}
	if err != nil {
		os.Remove(r.File.Name())
		return fmt.Errorf("writing %s: %w", r.final, err)
	}
	return nil
}

// Abort implements Dest: it removes the part, under its final name if a
// Close renamed it on the way to the abort, and every temporary file of
// this process left under the part's name.
func (d DirDest) Abort(key string) {
	p := filepath.Join(d.Dir, filepath.FromSlash(key))
	_ = os.Remove(p) // a part closed (renamed) on the way to its abort
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(p), fmt.Sprintf(".%s.%d-*.tmp", filepath.Base(p), os.Getpid())))
	for _, m := range matches {
		_ = os.Remove(m)
	}
}

func (d DirDest) String() string { return d.Dir }

// Options tune an export.
type Options struct {
	// From and To (exclusive) restrict time-keyed tables to a window; zero
	// means open on that side. Reference tables (jobs, connections,
	// subnets, the ingest manifest) are always exported whole.
	From, To time.Time
	// RowGroupRows is the row group size DuckDB's writer aims at; 0 means
	// DefaultRowGroupRows.
	RowGroupRows int64
	// FileRows caps the rows of one file (an application attempt's Spark
	// rows excepted); 0 means DefaultFileRows.
	FileRows int64
	// Tables, when set, exports only these tables.
	Tables []string
	// Now is the clock for the manifest's created_at; nil means time.Now.
	Now func() time.Time
}

type packWriter struct {
	dest Dest
	opt  Options
	// tmp holds files on their way to a destination that cannot take a
	// local file in place (see placer); created on first use.
	tmp string
	mu  sync.Mutex // guards tmp
}

// Export writes every exported table of st to dest and, last, the
// manifest; a pack without a manifest is incomplete.
func Export(ctx context.Context, st *store.Store, dest Dest, opt Options) (*Manifest, error) {
	if opt.RowGroupRows <= 0 {
		opt.RowGroupRows = DefaultRowGroupRows
	}
	if opt.FileRows <= 0 {
		opt.FileRows = DefaultFileRows
	}
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	if err := CheckLayouts(ctx, st); err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, t := range opt.Tables {
		if _, ok := layoutFor(t); !ok {
			return nil, fmt.Errorf("exporting: no table %q in an evidence pack", t)
		}
		want[t] = true
	}
	m := &Manifest{
		Format: Format, FormatVersion: FormatVersion, GluelensVersion: store.Version,
		SchemaVersion: store.SchemaVersion(), CreatedAt: now().UTC().Truncate(time.Second),
		Partitioning: "table=<name>/dt=<YYYY-MM-DD of the day column, UTC | undated>",
		Compression:  "ZSTD", RowGroupRows: opt.RowGroupRows,
	}
	if !opt.From.IsZero() {
		f := opt.From.UTC()
		m.From = &f
	}
	if !opt.To.IsZero() {
		t := opt.To.UTC()
		m.To = &t
	}
	pw := &packWriter{dest: dest, opt: opt}
	defer func() {
		if pw.tmp != "" {
			os.RemoveAll(pw.tmp)
		}
	}()
	var plans []*tablePlan
	for _, l := range layouts {
		if len(want) > 0 && !want[l.Table] {
			continue
		}
		spec := store.ReadSpec{Table: l.Table, Columns: l.columns}
		if l.Day != "" {
			spec.OrderBy = append(spec.OrderBy, l.Day)
		}
		spec.OrderBy = append(spec.OrderBy, l.Key...)
		if len(l.Group) > 0 {
			spec.GroupBy, spec.GroupOrder = l.Group, l.Day
		}
		if l.Window != "" && (!opt.From.IsZero() || !opt.To.IsZero()) {
			from, to := opt.From, opt.To
			if from.IsZero() {
				from = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
			}
			if to.IsZero() {
				to = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
			}
			spec.Where, spec.Args = l.Window, []any{to.UTC(), from.UTC()}
		}
		p, err := planTable(ctx, st, l, spec, opt)
		if err != nil {
			return nil, fmt.Errorf("exporting %s to %s: %w", l.Table, dest, err)
		}
		plans = append(plans, p)
	}
	if err := writeFiles(ctx, st, plans, pw); err != nil {
		return nil, err
	}
	for _, p := range plans {
		m.Tables = append(m.Tables, p.entry)
	}
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	f, err := dest.Create(ctx, ManifestName)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(body.Bytes()); err != nil {
		f.Close()
		dest.Abort(ManifestName)
		return nil, fmt.Errorf("writing %s: %w", ManifestName, err)
	}
	if err := f.Close(); err != nil {
		dest.Abort(ManifestName)
		return nil, fmt.Errorf("writing %s: %w", ManifestName, err)
	}
	return m, nil
}

// CheckLayouts verifies that every table the store registers for loading
// has a pack layout, and that every layout's columns are exactly the
// table's, in order. A mismatch is a build error, reported before any file
// is written.
func CheckLayouts(ctx context.Context, st *store.Store) error {
	for _, spec := range store.Tables() {
		if _, ok := layoutFor(spec.Name); !ok {
			return fmt.Errorf("checking pack layouts: table %s has no evidence-pack layout in ingest/parquetpack", spec.Name)
		}
	}
	for _, l := range layouts {
		cols, err := st.Columns(ctx, l.Table)
		if err != nil {
			return fmt.Errorf("checking pack layouts: %w", err)
		}
		if len(cols) != len(l.columns) {
			return fmt.Errorf("checking pack layouts: table %s has %d columns, its pack layout %d", l.Table, len(cols), len(l.columns))
		}
		for i, c := range cols {
			if c.Name != l.columns[i] {
				return fmt.Errorf("checking pack layouts: table %s column %d is %s, its pack layout says %s", l.Table, i+1, c.Name, l.columns[i])
			}
		}
	}
	return nil
}
