package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Object statuses recorded in the ingest manifest.
const (
	StatusOK        = "ok"        // loaded (possibly with counted bad or skipped records)
	StatusFailed    = "failed"    // nothing loaded; retried on the next run
	StatusIgnored   = "ignored"   // recognised and deliberately not loaded (digest, insight, unknown)
	StatusDuplicate = "duplicate" // same content as an object already loaded under another URI
)

// ManifestEntry is one row of ingest_manifest: what happened to one input object.
type ManifestEntry struct {
	URI     string
	Size    int64
	ModTime time.Time
	ETag    string
	SHA256  string
	// DecodedSHA256 is the SHA-256 of the decompressed content, when the
	// decoder computed it (CloudTrail log and digest files).
	DecodedSHA256 string
	Kind          string
	Kept          int64
	Skipped       int64
	Bad           int64
	Duplicate     int64
	Status        string
	Error         string
	// IngestedAt is set by the loader.
	IngestedAt time.Time
	// MergeIssues are the warnings the merge into the tables found for
	// this object (copies of one key with different content), set by
	// Flush. They are in ingest_issues with the decoder's issues; they are
	// not a manifest column.
	MergeIssues []Issue
}

// Done reports whether the entry needs no further ingest.
func (e ManifestEntry) Done() bool { return e.Status != StatusFailed }

// Manifest returns every manifest entry keyed by URI.
func (s *Store) Manifest(ctx context.Context) (map[string]ManifestEntry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT uri, size, mtime, etag, content_sha256, kind,
		records_kept, records_skipped, records_bad, records_duplicate, status, error, ingested_at, decoded_sha256 FROM ingest_manifest`)
	if err != nil {
		return nil, fmt.Errorf("reading ingest manifest: %w", err)
	}
	defer rows.Close()
	out := map[string]ManifestEntry{}
	for rows.Next() {
		var e ManifestEntry
		var mtime sql.NullTime
		var etag, sha, kind, errText, decoded sql.NullString
		if err := rows.Scan(&e.URI, &e.Size, &mtime, &etag, &sha, &kind, &e.Kept, &e.Skipped, &e.Bad, &e.Duplicate, &e.Status, &errText, &e.IngestedAt, &decoded); err != nil {
			return nil, fmt.Errorf("reading ingest manifest: %w", err)
		}
		e.ModTime, e.ETag, e.SHA256, e.Kind, e.Error = mtime.Time, etag.String, sha.String, kind.String, errText.String
		e.DecodedSHA256 = decoded.String
		out[e.URI] = e
	}
	return out, rows.Err()
}

// Loader bulk-loads input objects. It owns one connection. Rows of an object
// are staged (tagged with the object's sequence number) with DuckDB
// appenders, or, when a decoder hands them over as Columns, with the
// gluelens_rows table function, and merged into their tables in batches at
// Flush, inside one transaction with the objects' manifest rows, so an object
// is either wholly loaded or not at all. A Loader is not safe for concurrent
// use.
type Loader struct {
	s         *Store
	conn      *sql.Conn
	appenders map[string]*duckdb.Appender
	inTx      bool
	seq       int64
	pending   []*pendingObject
	touched   map[string]bool
	waiting   map[string][]*waitingFile // Parquet files whose rows go in at the Flush, by table
	hashes    map[string]string         // content_sha256 → URI of loaded objects
	derived   bool                      // evidence behind eni_attribution changed
	now       func() time.Time
	threads   int64 // DuckDB's thread count before the loader set it to 1
	rowGroups int64 // DuckDB's write_buffer_row_group_count before the loader set it to 1
}

type pendingObject struct {
	seq    int64
	entry  ManifestEntry
	issues []Issue
	merged []Issue          // issues the merge found, also in issues
	staged map[string]int64 // rows staged per table
}

// NewLoader opens a loader on a dedicated connection.
func (s *Store) NewLoader(ctx context.Context) (*Loader, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("opening loader connection: %w", err)
	}
	l := &Loader{s: s, conn: conn, appenders: map[string]*duckdb.Appender{}, touched: map[string]bool{},
		waiting: map[string][]*waitingFile{},
		hashes:  map[string]string{}, now: func() time.Time { return time.Now().UTC() }}
	if err := registerRowsFunction(conn); err != nil {
		conn.Close()
		return nil, fmt.Errorf("registering %s: %w", rowsFunction, err)
	}
	// Load with one DuckDB thread. Every statement of a load is one
	// pipeline fed from Go (a chunk table function or the appender), so a
	// second thread finds no work and spins waiting for some: measured 0.45
	// CPU-s of 4.5 on a 200,000-task event log on two cores, and nothing
	// on the CloudTrail loads. Close gives the threads back.
	if err := conn.QueryRowContext(ctx, `SELECT current_setting('threads')`).Scan(&l.threads); err != nil {
		conn.Close()
		return nil, fmt.Errorf("reading DuckDB's thread count: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `SET threads = 1`); err != nil {
		conn.Close()
		return nil, fmt.Errorf("setting DuckDB's thread count: %w", err)
	}
	// Rows inserted into a table in a transaction are compressed and
	// written a row group (122,880 rows) at a time; DuckDB holds up to
	// write_buffer_row_group_count (5) full ones back, to write them
	// together at the commit on several threads. With the one thread,
	// that only moved the compression of a large object's rows to its
	// commit, after the decoding, where nothing runs beside it: 0.37 of
	// 0.39 CPU-s of the commit of a 200,000-task event log, against 0.14
	// with 1. Written as each fills, the work overlaps the decoding and
	// DuckDB holds one row group of the object in memory instead of five.
	if err := conn.QueryRowContext(ctx, `SELECT current_setting('write_buffer_row_group_count')`).Scan(&l.rowGroups); err != nil {
		conn.Close()
		return nil, fmt.Errorf("reading DuckDB's write buffer: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `SET write_buffer_row_group_count = 1`); err != nil {
		conn.Close()
		return nil, fmt.Errorf("setting DuckDB's write buffer: %w", err)
	}
	// Bound DuckDB's memory while loading, so a multi-gigabyte event log
	// spills staged rows to disk instead of growing the process.
	if _, err := conn.ExecContext(ctx, `SET memory_limit = '`+LoaderMemoryLimit+`'`); err != nil {
		conn.Close()
		return nil, fmt.Errorf("limiting loader memory: %w", err)
	}
	for _, t := range Tables() {
		q := fmt.Sprintf(`CREATE TEMP TABLE IF NOT EXISTS %s AS SELECT *, 0::BIGINT AS _obj FROM %s LIMIT 0`, stageName(t.Name), t.Name)
		if _, err := conn.ExecContext(ctx, q); err != nil {
			conn.Close()
			return nil, fmt.Errorf("creating staging table for %s: %w", t.Name, err)
		}
	}
	for _, q := range []string{
		`CREATE TEMP TABLE IF NOT EXISTS stage_ingest_manifest AS SELECT * FROM ingest_manifest LIMIT 0`,
		`CREATE TEMP TABLE IF NOT EXISTS stage_ingest_issues AS SELECT * FROM ingest_issues LIMIT 0`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			conn.Close()
			return nil, fmt.Errorf("creating manifest staging tables: %w", err)
		}
	}
	rows, err := conn.QueryContext(ctx, `SELECT content_sha256, uri FROM ingest_manifest WHERE status = 'ok' AND content_sha256 IS NOT NULL`)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("reading ingest manifest: %w", err)
	}
	for rows.Next() {
		var h, u string
		if err := rows.Scan(&h, &u); err != nil {
			rows.Close()
			conn.Close()
			return nil, err
		}
		l.hashes[h] = u
	}
	rows.Close()
	return l, nil
}

func (l *Loader) appender(table string) (*duckdb.Appender, error) {
	if a, ok := l.appenders[table]; ok {
		return a, nil
	}
	catalog := "temp" // staging tables
	if !strings.HasPrefix(table, "stage_") {
		catalog = "" // a table itself (BeginStream)
	}
	var a *duckdb.Appender
	err := l.conn.Raw(func(dc any) error {
		var err error
		a, err = duckdb.NewAppender(dc.(driver.Conn), catalog, "main", table)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("opening appender for %s: %w", table, err)
	}
	l.appenders[table] = a
	return a, nil
}

func (l *Loader) begin(ctx context.Context) error {
	if l.inTx {
		return nil
	}
	if _, err := l.conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return fmt.Errorf("beginning transaction: %w", err)
	}
	l.inTx = true
	return nil
}

// Pending is the number of objects committed since the last Flush.
func (l *Loader) Pending() int { return len(l.pending) }

// Flush merges every pending object into its tables, writes their manifest
// rows and commits. It returns the final manifest entries (with duplicate
// counts), in commit order.
func (l *Loader) Flush(ctx context.Context) ([]ManifestEntry, error) {
	if !l.inTx {
		return nil, nil
	}
	out, err := l.flush(ctx)
	if err != nil {
		_ = l.Rollback(ctx)
		return nil, err
	}
	return out, nil
}

func (l *Loader) flush(ctx context.Context) ([]ManifestEntry, error) {
	for _, a := range l.appenders {
		if err := a.Flush(); err != nil {
			return nil, fmt.Errorf("flushing staged rows: %w", err)
		}
	}
	for t := range l.touched {
		if attributionInputs[t] && !l.derived {
			// In this transaction: a process stopped before Close rebuilt
			// the attribution leaves the mark for the next one.
			if err := markAttributionStale(ctx, l.conn); err != nil {
				return nil, err
			}
			l.derived = true
		}
		spec, _ := tableSpec(t)
		if err := l.loadWaiting(ctx, spec); err != nil {
			return nil, fmt.Errorf("loading %s: %w", t, err)
		}
		kept, err := l.merge(ctx, spec)
		if err != nil {
			return nil, fmt.Errorf("merging %s: %w", t, err)
		}
		if spec.Policy != Append {
			for _, p := range l.pending {
				if p.entry.Status == StatusOK {
					// records_kept counts rows loaded: a staged row not
					// kept moves to the duplicates.
					dup := p.staged[t] - kept[p.seq]
					p.entry.Duplicate += dup
					p.entry.Kept -= dup
				}
			}
		}
		if _, err := l.conn.ExecContext(ctx, "DELETE FROM "+stageName(t)); err != nil {
			return nil, fmt.Errorf("clearing staging table for %s: %w", t, err)
		}
	}
	ma, err := l.appender("stage_ingest_manifest")
	if err != nil {
		return nil, err
	}
	ia, err := l.appender("stage_ingest_issues")
	if err != nil {
		return nil, err
	}
	if err := l.carryKept(ctx); err != nil {
		return nil, err
	}
	out := make([]ManifestEntry, 0, len(l.pending))
	for _, p := range l.pending {
		e := &p.entry
		e.IngestedAt = l.now()
		e.MergeIssues = p.merged
		if err := appendRow(ma, e.row()); err != nil {
			return nil, fmt.Errorf("recording %s in the manifest: %w", e.URI, err)
		}
		for _, is := range p.issues {
			if err := appendRow(ia, &IngestIssue{URI: e.URI, Record: &is.Record, Severity: is.Severity, Message: is.Message}); err != nil {
				return nil, fmt.Errorf("recording issues of %s: %w", e.URI, err)
			}
		}
		out = append(out, *e)
	}
	if err := ma.Flush(); err != nil {
		return nil, fmt.Errorf("recording manifest: %w", err)
	}
	if err := ia.Flush(); err != nil {
		return nil, fmt.Errorf("recording issues: %w", err)
	}
	for _, q := range []string{
		`DELETE FROM ingest_manifest WHERE uri IN (SELECT uri FROM stage_ingest_manifest)`,
		`DELETE FROM ingest_issues WHERE uri IN (SELECT uri FROM stage_ingest_manifest)`,
		`INSERT INTO ingest_manifest SELECT * FROM stage_ingest_manifest`,
		`INSERT INTO ingest_issues SELECT * FROM stage_ingest_issues`,
		`DELETE FROM stage_ingest_manifest`,
		`DELETE FROM stage_ingest_issues`,
		`COMMIT`,
	} {
		if _, err := l.conn.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("recording manifest: %w", err)
		}
	}
	l.inTx = false
	l.pending = nil
	l.touched = map[string]bool{}
	l.releaseWaiting()
	for _, e := range out {
		if e.Status == StatusOK && e.SHA256 != "" {
			l.hashes[e.SHA256] = e.URI
		}
	}
	return out, nil
}

// carryKept keeps records_kept the rows loaded from an object when it is
// read again unchanged (ingest --force): its rows are already in the
// tables, loaded by the earlier read, so they are its own, not duplicates.
// The earlier manifest row (same URI and content hash) says how many.
func (l *Loader) carryKept(ctx context.Context) error {
	for _, p := range l.pending {
		e := &p.entry
		if e.Status != StatusOK || e.Duplicate == 0 || e.SHA256 == "" {
			continue
		}
		var before int64
		err := l.conn.QueryRowContext(ctx, `SELECT records_kept FROM ingest_manifest WHERE uri = ? AND content_sha256 = ? AND status = 'ok'`, e.URI, e.SHA256).Scan(&before)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return fmt.Errorf("reading the manifest of %s: %w", e.URI, err)
		}
		n := min(before, e.Duplicate)
		e.Kept += n
		e.Duplicate -= n
	}
	return nil
}

// merge moves the staged rows of one table into it by its policy and
// returns how many rows of each object were kept (not duplicates).
//
// The stage is reduced to one row per key (greatest Version, then the
// earliest object) only when it repeats a key; otherwise it is used as it
// is: no window, no copy. When no row of the table shares a key with the
// stage (a fresh database, a new day of CloudTrail, a new Spark
// application: the common case, and the case of a multi-million-row
// event log) every staged row is kept and goes in without the anti-join
// against the whole table; the kept counts are the staged counts.
func (l *Loader) merge(ctx context.Context, spec TableSpec) (map[int64]int64, error) {
	stage := stageName(spec.Name)
	kept := map[int64]int64{}
	if spec.Policy == Append {
		_, err := l.conn.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %s SELECT * EXCLUDE (_obj) FROM %s`, spec.Name, stage))
		return kept, err
	}
	var objects, single int64
	if err := l.conn.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(DISTINCT _obj), coalesce(min(_obj), 0) FROM %s`, stage)).Scan(&objects, &single); err != nil {
		return nil, err
	}
	if objects == 0 {
		return kept, nil
	}
	if len(spec.Provenance) > 0 {
		contested, err := l.contested(ctx, spec, stage)
		if err != nil {
			return nil, err
		}
		if contested {
			return l.mergeByContent(ctx, spec, stage)
		}
	}
	key := strings.Join(spec.Key, ", ")
	repeated, err := l.repeatedKeys(ctx, spec, stage, "true")
	if err != nil {
		return nil, err
	}
	src := stage
	if repeated > 0 {
		if _, err := l.conn.ExecContext(ctx, fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE merge_src AS SELECT * FROM %s
			QUALIFY row_number() OVER (PARTITION BY %s ORDER BY %s) = 1`, stage, key, spec.keepFirst("_obj"))); err != nil {
			return nil, err
		}
		src = "merge_src"
	}
	match := spec.joinEq("t", "s")
	var overlap bool
	if err := l.conn.QueryRowContext(ctx, fmt.Sprintf(`SELECT EXISTS (SELECT 1 FROM %s t WHERE EXISTS (SELECT 1 FROM %s s WHERE %s))`,
		spec.Name, src, match)).Scan(&overlap); err != nil {
		return nil, err
	}
	if spec.Policy == ReplaceIfNewer && overlap {
		v := spec.Version
		q := fmt.Sprintf(`DELETE FROM %s t WHERE EXISTS (SELECT 1 FROM %s s WHERE %s AND (s.%s > t.%s OR (t.%s IS NULL AND s.%s IS NOT NULL)))`,
			spec.Name, src, match, v, v, v, v)
		if _, err := l.conn.ExecContext(ctx, q); err != nil {
			return nil, err
		}
	}
	fresh := "FROM " + src + " s"
	if overlap {
		fresh = fmt.Sprintf(`FROM %s s WHERE NOT EXISTS (SELECT 1 FROM %s t WHERE %s)`, src, spec.Name, match)
	}
	if objects > 1 {
		rows, err := l.conn.QueryContext(ctx, `SELECT _obj, count(*) `+fresh+` GROUP BY _obj`)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var seq, n int64
			if err := rows.Scan(&seq, &n); err != nil {
				rows.Close()
				return nil, err
			}
			kept[seq] = n
		}
		rows.Close()
	}
	res, err := l.conn.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %s SELECT s.* EXCLUDE (_obj) %s`, spec.Name, fresh))
	if err != nil {
		return nil, err
	}
	if objects == 1 {
		kept[single], _ = res.RowsAffected()
	}
	return kept, nil
}

// Rollback abandons every object since the last Flush.
func (l *Loader) Rollback(ctx context.Context) error {
	for _, a := range l.appenders {
		_ = a.Clear()
	}
	l.releaseWaiting()
	if !l.inTx {
		return nil
	}
	l.inTx = false
	l.pending = nil
	l.touched = map[string]bool{}
	_, err := l.conn.ExecContext(ctx, "ROLLBACK")
	return err
}

// Close releases the loader. Pending objects must have been flushed; any
// that were not are rolled back. When eni_attribution is marked stale (by
// this loader's flushes, or by an earlier process stopped before it
// rebuilt it) it is rebuilt first, clearing the mark in the same
// transaction.
func (l *Loader) Close(ctx context.Context) error {
	var err error
	if l.inTx {
		err = l.Rollback(ctx)
	}
	if _, terr := l.conn.ExecContext(ctx, fmt.Sprintf(`SET threads = %d`, l.threads)); terr != nil && err == nil {
		err = fmt.Errorf("restoring DuckDB's thread count: %w", terr)
	}
	if _, terr := l.conn.ExecContext(ctx, fmt.Sprintf(`SET write_buffer_row_group_count = %d`, l.rowGroups)); terr != nil && err == nil {
		err = fmt.Errorf("restoring DuckDB's write buffer: %w", terr)
	}
	if err == nil {
		stale := l.derived
		if !stale {
			stale, err = attributionIsStale(ctx, l.conn)
		}
		if err == nil && stale {
			err = refreshAttribution(ctx, l.conn)
		}
	}
	for _, a := range l.appenders {
		if cerr := a.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	if cerr := l.conn.Close(); cerr != nil && err == nil {
		err = cerr
	}
	return err
}

// ObjectWriter receives the rows of one input object.
type ObjectWriter struct {
	l      *Loader
	ctx    context.Context
	seq    int64
	staged map[string]int64
	args   []driver.Value // reused for each staged row
	vals   []any          // reused for each appended row's values

	stream bool
	direct map[string]*directRows
}

// directRows are the rows of one table that a streamed object appended to
// the table itself (see TableSpec.Partition).
type directRows struct {
	on        bool  // false: the table already holds the partition, so rows are staged
	partition []any // the values of the partition columns
	where     string
	rows      int64
	// stopped: a row of another partition came (a file of an evidence pack
	// holds many Spark applications); it and every later row are staged
	// and merged, over the rows already appended directly.
	stopped bool
}

// holds reports whether a row with these leading values is of d's partition.
func (d *directRows) holds(values []any) bool {
	for i, v := range d.partition {
		if !samePartition(v, values[i]) {
			return false
		}
	}
	return true
}

// holdsAll reports whether every row of c is of d's partition.
func (d *directRows) holdsAll(c *Columns) bool {
	for i, v := range d.partition {
		if !c.allEqual(i, v) {
			return false
		}
	}
	return true
}

// Begin starts an object. Its rows are invisible until the Flush after its Commit.
func (l *Loader) Begin(ctx context.Context) (*ObjectWriter, error) {
	if err := l.begin(ctx); err != nil {
		return nil, err
	}
	l.seq++
	return &ObjectWriter{l: l, ctx: ctx, seq: l.seq, staged: map[string]int64{}, direct: map[string]*directRows{}}, nil
}

// BeginStream starts a large object. Rows for a table with a Partition whose
// partition the table does not hold yet are appended to the table itself:
// no staging copy and no merge, and DuckDB compresses them while the object
// is still being read. Commit removes the object's repeated keys by the
// table's policy; Abort, or a Commit that finds the content already loaded,
// deletes the rows again. The transaction keeps it all invisible until Flush.
// If a row of another partition comes (the object is not one partition,
// like a file of an evidence pack), it and the table's later rows are
// staged and merged as in Begin, over those appended already.
func (l *Loader) BeginStream(ctx context.Context) (*ObjectWriter, error) {
	w, err := l.Begin(ctx)
	if err == nil {
		w.stream = true
	}
	return w, err
}

// Append stages r, or appends it to its table directly (see BeginStream).
// The writer does not keep r: the caller may reuse it once Append returns.
func (w *ObjectWriter) Append(r Row) error {
	t := rowTypeOf(r)
	w.vals = t.values(r, w.vals[:0])
	return w.append(t.table, w.vals)
}

// append stages one row for table; values follow the table's column order.
func (w *ObjectWriter) append(table string, values []any) error {
	spec, ok := tableSpec(table)
	if !ok {
		return fmt.Errorf("table %q is not registered for loading", table)
	}
	if w.stream && spec.Partition > 0 {
		d, err := w.directFor(spec, values)
		if err != nil {
			return err
		}
		if d.on && !d.stopped {
			if d.holds(values) {
				return w.appendDirect(spec, d, values)
			}
			d.stopped = true
		}
	}
	a, err := w.l.appender(stageName(table))
	if err != nil {
		return err
	}
	args := w.rowArgs(values)
	args = append(args, w.seq)
	w.args = args
	if err := a.AppendRow(args...); err != nil {
		return fmt.Errorf("appending to %s: %w", table, err)
	}
	w.l.touched[table] = true
	w.staged[table]++
	return nil
}

// AppendColumns stages the rows of c, or appends them to their table
// directly as Append would. The caller may reuse c once it returns.
func (w *ObjectWriter) AppendColumns(c *Columns) error {
	spec, ok := tableSpec(c.table)
	if !ok {
		return fmt.Errorf("table %q is not registered for loading", c.table)
	}
	if c.rows == 0 {
		return nil
	}
	if c.col != 0 {
		return fmt.Errorf("appending to %s: the last row is not complete", c.table)
	}
	if w.stream && spec.Partition > 0 {
		first := make([]any, min(spec.Partition, len(c.kinds)))
		for i := range first {
			first[i] = c.Value(0, i)
		}
		d, err := w.directFor(spec, first)
		if err != nil {
			return err
		}
		if d.on && !d.stopped && !d.holdsAll(c) {
			d.stopped = true // as in Append: this batch and the rest are staged
		}
		if d.on && !d.stopped {
			if err := w.flushAppender(spec.Name); err != nil {
				return err
			}
			if err := w.l.insertColumns(w.ctx, spec.Name, "", c); err != nil {
				return err
			}
			w.l.touched[spec.Name] = true
			d.rows += int64(c.rows)
			return nil
		}
	}
	stage := stageName(c.table)
	if err := w.flushAppender(stage); err != nil {
		return err
	}
	if err := w.l.insertColumns(w.ctx, "temp.main."+stage, fmt.Sprintf(", %d::BIGINT", w.seq), c); err != nil {
		return err
	}
	w.l.touched[c.table] = true
	w.staged[c.table] += int64(c.rows)
	return nil
}

// flushAppender hands DuckDB the rows appended to table one by one, so
// that rows inserted next come after them.
func (w *ObjectWriter) flushAppender(table string) error { return w.l.flushAppender(table) }

// directFor decides, at a table's first row in a streamed object, whether
// its rows go to the table directly.
func (w *ObjectWriter) directFor(spec TableSpec, values []any) (*directRows, error) {
	if d := w.direct[spec.Name]; d != nil {
		return d, nil
	}
	d := &directRows{}
	w.direct[spec.Name] = d
	if len(values) < spec.Partition {
		return d, nil
	}
	fields := FieldsOf(spec.Row)
	var conds []string
	for i, k := range spec.Key[:spec.Partition] {
		if i >= len(fields) || fields[i].Name != k {
			return nil, fmt.Errorf("table %s: partition column %s is not column %d", spec.Name, k, i+1)
		}
		if values[i] == nil {
			return d, nil // NULL never equals: stage
		}
		conds = append(conds, k+" = ?")
	}
	d.partition = append([]any(nil), values[:spec.Partition]...)
	d.where = strings.Join(conds, " AND ")
	var held int64
	q := fmt.Sprintf(`SELECT count(*) FROM (SELECT 1 FROM %s WHERE %s LIMIT 1)`, spec.Name, d.where)
	if err := w.l.conn.QueryRowContext(w.ctx, q, d.partition...).Scan(&held); err != nil {
		return nil, fmt.Errorf("looking up %s in %s: %w", d.where, spec.Name, err)
	}
	d.on = held == 0
	return d, nil
}

func (w *ObjectWriter) appendDirect(spec TableSpec, d *directRows, values []any) error {
	a, err := w.l.appender(spec.Name)
	if err != nil {
		return err
	}
	args := w.rowArgs(values)
	if err := a.AppendRow(args...); err != nil {
		return fmt.Errorf("appending to %s: %w", spec.Name, err)
	}
	w.l.touched[spec.Name] = true
	d.rows++
	return nil
}

// repeatedKeys counts the keys of spec that more than one row of from
// (filtered by where) holds.
func (l *Loader) repeatedKeys(ctx context.Context, spec TableSpec, from, where string, args ...any) (int64, error) {
	return l.repeated(ctx, spec.Key, from, where, args...)
}

// repeated counts the values of the columns key that more than one row of
// from (filtered by where) holds.
func (l *Loader) repeated(ctx context.Context, key []string, from, where string, args ...any) (int64, error) {
	var n int64
	q := fmt.Sprintf(`SELECT count(*) FROM (SELECT 1 FROM %s WHERE %s GROUP BY %s HAVING count(*) > 1)`, from, where, strings.Join(key, ", "))
	err := l.conn.QueryRowContext(ctx, q, args...).Scan(&n)
	return n, err
}

// rowArgs copies values into the writer's reused argument slice.
func (w *ObjectWriter) rowArgs(values []any) []driver.Value {
	args := w.args[:0]
	for _, v := range values {
		args = append(args, v)
	}
	w.args = args
	return args
}

func samePartition(a, b any) bool {
	as, aok := a.(string)
	bs, bok := b.(string)
	if aok && bok {
		return as == bs
	}
	return reflect.DeepEqual(a, b)
}

// settleDirect makes the rows appended directly visible to queries and
// removes the object's repeated keys by each table's policy. It returns how
// many rows it removed.
func (w *ObjectWriter) settleDirect() (int64, error) {
	var removed int64
	for table, d := range w.direct {
		if !d.on || d.rows == 0 {
			continue
		}
		if err := w.flushAppender(table); err != nil {
			return 0, err
		}
		spec, _ := tableSpec(table)
		if spec.Policy == Append {
			continue
		}
		// Every row here has the partition's values: grouping by the rest
		// of the key (a Spark task id, not the application's strings
		// with it) finds the same repeats for less hashing.
		key := spec.Key[spec.Partition:]
		if len(key) == 0 {
			key = spec.Key
		}
		repeated, err := w.l.repeated(w.ctx, key, table, d.where, d.partition...)
		if err != nil {
			return 0, fmt.Errorf("checking repeated keys in %s: %w", table, err)
		}
		if repeated == 0 {
			continue
		}
		res, err := w.l.conn.ExecContext(w.ctx, fmt.Sprintf(`DELETE FROM %s WHERE rowid IN (SELECT rowid FROM (
			SELECT rowid, row_number() OVER (PARTITION BY %s ORDER BY %s) AS n FROM %s WHERE %s) WHERE n > 1)`,
			table, strings.Join(spec.Key, ", "), spec.keepFirst("rowid"), table, d.where), d.partition...)
		if err != nil {
			return 0, fmt.Errorf("removing repeated keys from %s: %w", table, err)
		}
		n, _ := res.RowsAffected()
		removed += n
	}
	return removed, nil
}

// dropDirect deletes the rows appended directly: the partition was not in
// the table before the object began, so they are all of its rows there.
func (w *ObjectWriter) dropDirect() error {
	for table, d := range w.direct {
		if !d.on || d.rows == 0 {
			continue
		}
		if err := w.flushAppender(table); err != nil {
			return err
		}
		if _, err := w.l.conn.ExecContext(w.ctx, fmt.Sprintf(`DELETE FROM %s WHERE %s`, table, d.where), d.partition...); err != nil {
			return fmt.Errorf("dropping rows of %s: %w", table, err)
		}
	}
	w.direct = map[string]*directRows{}
	return nil
}

// Staged is the number of rows appended so far.
func (w *ObjectWriter) Staged() int64 {
	var n int64
	for _, c := range w.staged {
		n += c
	}
	return n
}

// Issue is a problem found in one record of an object.
type Issue struct {
	Record   int64 // record index or line number; -1 for the object as a whole
	Severity string
	Message  string
}

// Commit queues the object's staged rows for the next Flush. If an object
// with the same content hash is already loaded under another URI, its rows
// are dropped and it is recorded as a duplicate.
func (w *ObjectWriter) Commit(e ManifestEntry, issues []Issue) error {
	if e.Status == StatusOK && e.SHA256 != "" {
		other, seen := w.l.hashes[e.SHA256]
		if !seen {
			for _, p := range w.l.pending {
				if p.entry.SHA256 == e.SHA256 && p.entry.Status == StatusOK && p.entry.URI != e.URI {
					other, seen = p.entry.URI, true
					break
				}
			}
		}
		if seen && other != e.URI {
			if err := w.dropStaged(); err != nil {
				return err
			}
			if err := w.dropDirect(); err != nil {
				return err
			}
			w.dropWaiting()
			e.Status = StatusDuplicate
			e.Error = "same content as " + other
			// Every record it holds is one of the other's: a duplicate,
			// so the counts still add up to the records read.
			e.Duplicate += e.Kept + e.Bad + e.Skipped
			e.Kept, e.Bad, e.Skipped = 0, 0, 0
			issues = nil
		}
	}
	if e.Status == StatusOK {
		removed, err := w.settleDirect()
		if err != nil {
			return err
		}
		e.Duplicate += removed
		e.Kept -= removed
	}
	w.l.pending = append(w.l.pending, &pendingObject{seq: w.seq, entry: e, issues: issues, staged: w.staged})
	return nil
}

func (w *ObjectWriter) dropStaged() error {
	for t := range w.staged {
		if err := w.flushAppender(stageName(t)); err != nil {
			return err
		}
		if _, err := w.l.conn.ExecContext(w.ctx, fmt.Sprintf("DELETE FROM %s WHERE _obj = ?", stageName(t)), w.seq); err != nil {
			return fmt.Errorf("dropping staged rows: %w", err)
		}
	}
	w.staged = map[string]int64{}
	return nil
}

// Abort drops the object's staged rows and queues it as failed with the
// given error (and any issues found before the failure), or as ignored when
// e.Status is StatusIgnored.
func (w *ObjectWriter) Abort(e ManifestEntry, cause error, issues []Issue) error {
	if err := w.dropStaged(); err != nil {
		return err
	}
	if err := w.dropDirect(); err != nil {
		return err
	}
	w.dropWaiting()
	if e.Status != StatusIgnored {
		e.Status = StatusFailed
	}
	e.Kept = 0
	if cause != nil {
		e.Error = cause.Error()
	}
	w.l.pending = append(w.l.pending, &pendingObject{seq: w.seq, entry: e, issues: issues, staged: w.staged})
	return nil
}

// row is the manifest row of e.
func (e *ManifestEntry) row() *IngestManifestRow {
	r := &IngestManifestRow{URI: e.URI, Size: &e.Size, ETag: OptString(e.ETag), ContentSHA256: OptString(e.SHA256),
		Kind: OptString(e.Kind), RecordsKept: e.Kept, RecordsSkipped: e.Skipped, RecordsBad: e.Bad, RecordsDuplicate: e.Duplicate,
		Status: e.Status, Error: OptString(e.Error), IngestedAt: e.IngestedAt, GluelensVersion: OptString(Version),
		DecodedSHA256: OptString(e.DecodedSHA256)}
	if !e.ModTime.IsZero() {
		r.Mtime = &e.ModTime
	}
	return r
}

// appendRow appends r to a (an appender of r's table or its staging table).
func appendRow(a *duckdb.Appender, r Row) error {
	vals := rowTypeOf(r).values(r, nil)
	args := make([]driver.Value, len(vals))
	for i, v := range vals {
		args[i] = v
	}
	return a.AppendRow(args...)
}

// attributionInputs are the tables the eni_attribution_rule view reads.
var attributionInputs = map[string]bool{
	"eni_events": true, "glue_runs": true, "glue_jobs": true, "glue_job_connections": true, "glue_connections": true,
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// attributionSelect computes eni_attribution's rows from its rule.
const attributionSelect = `SELECT event_id, eni_id, job_run_id, method, confidence, candidate_runs FROM eni_attribution_rule`

// refreshAttribution rebuilds eni_attribution from its rule and clears its
// stale mark, in one transaction.
func refreshAttribution(ctx context.Context, db execer) error {
	for _, q := range []string{
		`BEGIN TRANSACTION`,
		`DELETE FROM eni_attribution`,
		`INSERT INTO eni_attribution ` + attributionSelect,
		`DELETE FROM gluelens_meta WHERE key = '` + attributionStaleKey + `'`,
		`COMMIT`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			_, _ = db.ExecContext(ctx, `ROLLBACK`)
			return fmt.Errorf("rebuilding eni_attribution: %w", err)
		}
	}
	return nil
}

// RefreshDerived rebuilds the materialised eni_attribution table. Loaders do
// it when they close; call it after changing evidence tables by other means.
func (s *Store) RefreshDerived(ctx context.Context) error {
	if s.readOnly {
		return errReadOnly
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return refreshAttribution(ctx, conn)
}

// LoaderMemoryLimit is DuckDB's memory_limit while a loader is open.
var LoaderMemoryLimit = "512MB"

// Version is the gluelens version recorded in the manifest; cmd sets it.
var Version = "dev"
