package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
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
	URI       string
	Size      int64
	ModTime   time.Time
	ETag      string
	SHA256    string
	Kind      string
	Kept      int64
	Skipped   int64
	Bad       int64
	Duplicate int64
	Status    string
	Error     string
	// IngestedAt is set by the loader.
	IngestedAt time.Time
}

// Done reports whether the entry needs no further ingest.
func (e ManifestEntry) Done() bool { return e.Status != StatusFailed }

// Manifest returns every manifest entry keyed by URI.
func (s *Store) Manifest(ctx context.Context) (map[string]ManifestEntry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT uri, size, mtime, etag, content_sha256, kind,
		records_kept, records_skipped, records_bad, records_duplicate, status, error, ingested_at FROM ingest_manifest`)
	if err != nil {
		return nil, fmt.Errorf("reading ingest manifest: %w", err)
	}
	defer rows.Close()
	out := map[string]ManifestEntry{}
	for rows.Next() {
		var e ManifestEntry
		var mtime sql.NullTime
		var etag, sha, kind, errText sql.NullString
		if err := rows.Scan(&e.URI, &e.Size, &mtime, &etag, &sha, &kind, &e.Kept, &e.Skipped, &e.Bad, &e.Duplicate, &e.Status, &errText, &e.IngestedAt); err != nil {
			return nil, fmt.Errorf("reading ingest manifest: %w", err)
		}
		e.ModTime, e.ETag, e.SHA256, e.Kind, e.Error = mtime.Time, etag.String, sha.String, kind.String, errText.String
		out[e.URI] = e
	}
	return out, rows.Err()
}

// Loader bulk-loads input objects. It owns one connection; rows of an object
// are staged with DuckDB appenders and merged into their tables when the
// object commits, so an object is either wholly loaded or not at all.
// Several objects share one transaction until Flush. A Loader is not safe
// for concurrent use.
type Loader struct {
	s         *Store
	conn      *sql.Conn
	appenders map[string]*duckdb.Appender
	inTx      bool
	pending   int
	now       func() time.Time
}

// NewLoader opens a loader on a dedicated connection.
func (s *Store) NewLoader(ctx context.Context) (*Loader, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("opening loader connection: %w", err)
	}
	l := &Loader{s: s, conn: conn, appenders: map[string]*duckdb.Appender{}, now: func() time.Time { return time.Now().UTC() }}
	for _, t := range Tables() {
		q := fmt.Sprintf(`CREATE TEMP TABLE IF NOT EXISTS %s AS SELECT * FROM %s LIMIT 0`, stageName(t.Name), t.Name)
		if _, err := conn.ExecContext(ctx, q); err != nil {
			conn.Close()
			return nil, fmt.Errorf("creating staging table for %s: %w", t.Name, err)
		}
	}
	return l, nil
}

func (l *Loader) appender(table string) (*duckdb.Appender, error) {
	if a, ok := l.appenders[table]; ok {
		return a, nil
	}
	if _, ok := tableSpec(table); !ok {
		return nil, fmt.Errorf("table %q is not registered for loading", table)
	}
	var a *duckdb.Appender
	err := l.conn.Raw(func(dc any) error {
		var err error
		a, err = duckdb.NewAppender(dc.(driver.Conn), "temp", "main", stageName(table))
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

// Pending is the number of objects committed into the open transaction.
func (l *Loader) Pending() int { return l.pending }

// Flush commits the open transaction: every object committed since the last
// Flush becomes durable together.
func (l *Loader) Flush(ctx context.Context) error {
	if !l.inTx {
		return nil
	}
	l.inTx = false
	l.pending = 0
	if _, err := l.conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("committing ingest transaction: %w", err)
	}
	return nil
}

// Rollback abandons every object since the last Flush.
func (l *Loader) Rollback(ctx context.Context) error {
	if !l.inTx {
		return nil
	}
	l.inTx = false
	l.pending = 0
	for _, a := range l.appenders {
		_ = a.Clear()
	}
	_, err := l.conn.ExecContext(ctx, "ROLLBACK")
	return err
}

// Close flushes and releases the loader.
func (l *Loader) Close(ctx context.Context) error {
	err := l.Flush(ctx)
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
	l       *Loader
	ctx     context.Context
	touched map[string]bool
	staged  int64
}

// Begin starts an object. Its rows are invisible until Commit.
func (l *Loader) Begin(ctx context.Context) (*ObjectWriter, error) {
	if err := l.begin(ctx); err != nil {
		return nil, err
	}
	return &ObjectWriter{l: l, ctx: ctx, touched: map[string]bool{}}, nil
}

// Append stages one row for table; values follow the table's column order.
func (w *ObjectWriter) Append(table string, values ...any) error {
	a, err := w.l.appender(table)
	if err != nil {
		return err
	}
	args := make([]driver.Value, len(values))
	for i, v := range values {
		args[i] = v
	}
	if err := a.AppendRow(args...); err != nil {
		return fmt.Errorf("appending to %s: %w", table, err)
	}
	w.touched[table] = true
	w.staged++
	return nil
}

// Staged is the number of rows appended so far.
func (w *ObjectWriter) Staged() int64 { return w.staged }

func (w *ObjectWriter) flushAppenders() error {
	for t := range w.touched {
		if err := w.l.appenders[t].Flush(); err != nil {
			return fmt.Errorf("flushing %s: %w", t, err)
		}
	}
	return nil
}

func (w *ObjectWriter) clearStage() error {
	for t := range w.touched {
		if _, err := w.l.conn.ExecContext(w.ctx, "DELETE FROM "+stageName(t)); err != nil {
			return fmt.Errorf("clearing staging table for %s: %w", t, err)
		}
	}
	return nil
}

// Issue is a problem found in one record of an object.
type Issue struct {
	Record   int64 // record index or line number; -1 for the object as a whole
	Severity string
	Message  string
}

// Commit merges the object's staged rows into their tables and records the
// object in the manifest. Duplicates dropped by the merge are added to
// e.Duplicate. If another URI with the same content hash is already loaded,
// nothing is merged and the object is recorded as a duplicate.
func (w *ObjectWriter) Commit(e ManifestEntry, issues []Issue) (ManifestEntry, error) {
	ctx := w.ctx
	if err := w.flushAppenders(); err != nil {
		return e, w.fail(err)
	}
	if e.SHA256 != "" && e.Status == StatusOK {
		var other string
		err := w.l.conn.QueryRowContext(ctx, `SELECT uri FROM ingest_manifest WHERE content_sha256 = ? AND uri <> ? AND status = 'ok' LIMIT 1`, e.SHA256, e.URI).Scan(&other)
		switch {
		case err == nil:
			e.Status = StatusDuplicate
			e.Error = "same content as " + other
			e.Duplicate += e.Kept
			e.Kept = 0
		case !errors.Is(err, sql.ErrNoRows):
			return e, w.fail(fmt.Errorf("checking manifest: %w", err))
		}
	}
	if e.Status == StatusOK {
		for t := range w.touched {
			spec, _ := tableSpec(t)
			var staged int64
			if err := w.l.conn.QueryRowContext(ctx, "SELECT count(*) FROM "+stageName(t)).Scan(&staged); err != nil {
				return e, w.fail(err)
			}
			var inserted int64
			for _, q := range spec.mergeSQL() {
				res, err := w.l.conn.ExecContext(ctx, q)
				if err != nil {
					return e, w.fail(fmt.Errorf("merging %s: %w", t, err))
				}
				inserted, _ = res.RowsAffected()
			}
			if spec.Policy != Append && staged > inserted {
				e.Duplicate += staged - inserted
			}
		}
	}
	if err := w.clearStage(); err != nil {
		return e, w.fail(err)
	}
	if err := w.l.recordObject(ctx, &e, issues); err != nil {
		return e, w.fail(err)
	}
	w.l.pending++
	return e, nil
}

// fail abandons the whole open transaction: something went wrong in the
// database itself, not in the input.
func (w *ObjectWriter) fail(err error) error {
	_ = w.l.Rollback(w.ctx)
	return err
}

// Abort drops the object's staged rows and records it as failed with the
// given error (and any issues found before the failure), or as ignored when
// e.Status is StatusIgnored.
func (w *ObjectWriter) Abort(e ManifestEntry, cause error, issues []Issue) (ManifestEntry, error) {
	for t := range w.touched {
		_ = w.l.appenders[t].Clear()
	}
	if err := w.clearStage(); err != nil {
		return e, w.fail(err)
	}
	if e.Status != StatusIgnored {
		e.Status = StatusFailed
	}
	e.Kept = 0
	if cause != nil {
		e.Error = cause.Error()
	}
	if err := w.l.recordObject(w.ctx, &e, issues); err != nil {
		return e, w.fail(err)
	}
	w.l.pending++
	return e, nil
}

func (l *Loader) recordObject(ctx context.Context, e *ManifestEntry, issues []Issue) error {
	e.IngestedAt = l.now()
	if _, err := l.conn.ExecContext(ctx, `DELETE FROM ingest_manifest WHERE uri = ?`, e.URI); err != nil {
		return fmt.Errorf("updating manifest: %w", err)
	}
	if _, err := l.conn.ExecContext(ctx, `DELETE FROM ingest_issues WHERE uri = ?`, e.URI); err != nil {
		return fmt.Errorf("updating manifest: %w", err)
	}
	var mtime any
	if !e.ModTime.IsZero() {
		mtime = e.ModTime.UTC()
	}
	if _, err := l.conn.ExecContext(ctx, `INSERT INTO ingest_manifest VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.URI, e.Size, mtime, nullIfEmpty(e.ETag), nullIfEmpty(e.SHA256), nullIfEmpty(e.Kind),
		e.Kept, e.Skipped, e.Bad, e.Duplicate, e.Status, nullIfEmpty(e.Error), e.IngestedAt, Version); err != nil {
		return fmt.Errorf("updating manifest: %w", err)
	}
	for _, is := range issues {
		if _, err := l.conn.ExecContext(ctx, `INSERT INTO ingest_issues VALUES (?, ?, ?, ?)`, e.URI, is.Record, is.Severity, is.Message); err != nil {
			return fmt.Errorf("recording issues: %w", err)
		}
	}
	return nil
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Version is the gluelens version recorded in the manifest; cmd sets it.
var Version = "dev"

