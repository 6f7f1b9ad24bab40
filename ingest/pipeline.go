package ingest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/gluelens/gluelens/ingest/codec"
	"github.com/gluelens/gluelens/internal/store"
)

// Options tune a run.
type Options struct {
	Decoders []Decoder
	// Workers decode objects in parallel; 0 means GOMAXPROCS.
	Workers int
	// Force re-reads objects the manifest says are already loaded.
	Force bool
	// Strict turns any bad record into a failure of its object.
	Strict bool
	// Group, when set, maps an object key to a composite group (rolling
	// event-log directories). Objects of one group are read in order as one.
	Group func(key string) (group string, order int, ok bool)
	// Progress, when set, is told about every object finished or skipped.
	Progress func(o Object, res ObjectResult)
	// Planned, when set, is told once, after every source was listed and
	// before any object is read, how many objects and stored bytes the run
	// will go through (unchanged objects included).
	Planned func(objects int, bytes int64)
	// MaxIssues caps the issues recorded per object (the counts stay exact).
	MaxIssues int
	// BufferRows is how many rows of one object are buffered before the
	// object takes the loader and streams into it; 0 means 20,000.
	BufferRows int

	hashContent bool // Input.HashContent for every object of the run
}

// ObjectResult is what happened to one object.
type ObjectResult struct {
	Entry     store.ManifestEntry
	Unchanged bool          // skipped: the manifest already had it
	Bytes     int64         // stored bytes read
	Err       error         // failure (also in Entry.Error)
	Issues    []store.Issue // first MaxIssues problems
}

// Summary totals a run.
type Summary struct {
	Objects    int
	Unchanged  int
	Loaded     int
	Ignored    int
	Duplicate  int
	Failed     int
	Bytes      int64
	Kept       int64
	Skipped    int64
	Bad        int64
	Duplicates int64
	Retries    int64 // requests a source had to repeat (see RetryCounter)
	Elapsed    time.Duration
	Failures   []ObjectResult // objects that failed, in URI order
	Warnings   []string       // one line per object with bad records or warnings
	ByKind     map[string]int
	// IgnoredReasons counts ignored objects by reason (digest file, unrecognised content, ...).
	IgnoredReasons map[string]int
}

// RetryCounter is implemented by sources that retry failed requests (S3);
// Run adds their count to Summary.Retries.
type RetryCounter interface {
	Retries() int64
}

// OK reports whether everything was ingested without failures.
func (s Summary) OK() bool { return s.Failed == 0 }

// Run ingests every object of the sources into st. It works in stages,
// each a function with one job: listObjects walks the sources,
// groupObjects joins the parts of composite objects, planRun decides how
// the objects will be read, decodeAll runs the decode workers (skipping
// objects the manifest already has) and the committer owns the loader:
// one object at a time loads what it decoded (committer.withLoader), and
// batches become durable at each flush.
func Run(ctx context.Context, st *store.Store, sources []Source, opt Options) (Summary, error) {
	start := time.Now()
	opt = opt.withDefaults()
	manifest, err := st.Manifest(ctx)
	if err != nil {
		return Summary{}, err
	}
	listed, empty, err := listObjects(ctx, sources)
	if err != nil {
		return Summary{}, err
	}
	jobs := groupObjects(listed, opt.Group)
	if opt, err = planRun(ctx, st, jobs, opt); err != nil {
		return Summary{}, err
	}
	loader, err := st.NewLoader(ctx)
	if err != nil {
		return Summary{}, err
	}
	sum := Summary{ByKind: map[string]int{}, Warnings: empty}
	c := newCommitter(loader, sum.recorder(opt.Progress))
	decodeAll(ctx, jobs, manifest, opt, c)
	for _, src := range sources {
		if rc, ok := src.(RetryCounter); ok {
			sum.Retries += rc.Retries()
		}
	}
	if err := c.finish(ctx); err != nil {
		return sum, err
	}
	sort.Slice(sum.Failures, func(i, j int) bool { return sum.Failures[i].Entry.URI < sum.Failures[j].Entry.URI })
	sort.Strings(sum.Warnings)
	sum.Elapsed = time.Since(start)
	return sum, nil
}

// withDefaults fills the options left zero.
func (opt Options) withDefaults() Options {
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.MaxIssues <= 0 {
		opt.MaxIssues = 100
	}
	if opt.BufferRows <= 0 {
		opt.BufferRows = 20000
	}
	return opt
}

// job is one object to read and the source that holds it.
type job struct {
	src Source
	obj Object
}

// listObjects walks every source in order. A source with no objects is
// not an error: it gets a line in empty, the run's warnings.
func listObjects(ctx context.Context, sources []Source) (listed []job, empty []string, err error) {
	for _, src := range sources {
		before := len(listed)
		err := src.Walk(ctx, func(o Object) error {
			listed = append(listed, job{src: src, obj: o})
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
		if len(listed) == before {
			empty = append(empty, fmt.Sprintf("%v: no objects found", src))
		}
	}
	return listed, empty, nil
}

// groupObjects joins the objects that group (Options.Group) maps to one
// composite group into one composite object, in the place of its first
// part, its parts in their order (a rolling event-log directory). The
// composite's size is the parts' sum, its time the latest, its ETag the
// parts' joined with "+".
func groupObjects(listed []job, group func(key string) (string, int, bool)) []job {
	if group == nil {
		return listed
	}
	type part struct {
		order int
		obj   Object
	}
	var jobs []job
	at := map[string]int{} // group → index in jobs
	parts := map[string][]part{}
	for _, j := range listed {
		g, order, ok := group(j.obj.Key)
		if !ok {
			jobs = append(jobs, j)
			continue
		}
		gkey := fmt.Sprintf("%p|%s", j.src, g)
		if _, seen := at[gkey]; !seen {
			at[gkey] = len(jobs)
			uri := strings.TrimSuffix(j.obj.URI, j.obj.Key) + g
			jobs = append(jobs, job{src: j.src, obj: Object{URI: uri, Key: g}})
		}
		parts[gkey] = append(parts[gkey], part{order, j.obj})
	}
	for gkey, idx := range at {
		ps := parts[gkey]
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].order < ps[j].order })
		o := &jobs[idx].obj
		var etags []string
		for _, p := range ps {
			o.Parts = append(o.Parts, p.obj)
			o.Size += p.obj.Size
			if p.obj.ModTime.After(o.ModTime) {
				o.ModTime = p.obj.ModTime
			}
			etags = append(etags, p.obj.ETag)
		}
		if strings.Join(etags, "") != "" {
			o.ETag = strings.Join(etags, "+")
		}
	}
	return jobs
}

// planRun decides how the run reads its objects (whether CloudTrail log
// files are hashed for verify) and tells Options.Planned what it will go
// through.
func planRun(ctx context.Context, st *store.Store, jobs []job, opt Options) (Options, error) {
	keys := make([]string, len(jobs))
	var total int64
	for i, j := range jobs {
		keys[i] = j.obj.Key
		total += j.obj.Size
	}
	var err error
	if opt.hashContent, err = digestsInPlay(ctx, st, keys); err != nil {
		return opt, err
	}
	if opt.Planned != nil {
		opt.Planned(len(jobs), total)
	}
	return opt, nil
}

// decodeAll hands the jobs to opt.Workers decode workers, in order, and
// returns when every worker is done. An object the manifest already has
// unchanged is recorded as such and not read (unless opt.Force). After a
// fatal error (c.failed) or a cancelled ctx no further object is started.
func decodeAll(ctx context.Context, jobs []job, manifest map[string]store.ManifestEntry, opt Options, c *committer) {
	work := make(chan job)
	var wg sync.WaitGroup
	for range opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				if ctx.Err() != nil || c.failed() {
					continue
				}
				if err := processObject(ctx, j.src, j.obj, opt, c); err != nil {
					c.setFatal(err)
				}
			}
		}()
	}
	for _, j := range jobs {
		if !opt.Force {
			if prev, ok := manifest[j.obj.URI]; ok && prev.Done() && unchanged(prev, j.obj) {
				c.record(j.obj, ObjectResult{Entry: prev, Unchanged: true})
				continue
			}
		}
		if c.failed() {
			break
		}
		select {
		case work <- j:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
}

// digestsInPlay reports whether CloudTrail digest files are among the
// objects of the run or already in the database: then log files are hashed
// for gluelens verify (Input.HashContent).
func digestsInPlay(ctx context.Context, st *store.Store, keys []string) (bool, error) {
	for _, k := range keys {
		if strings.Contains(k, "CloudTrail-Digest") {
			return true, nil
		}
	}
	has, err := st.HasRows(ctx, "cloudtrail_digests")
	if err != nil {
		return false, fmt.Errorf("looking for CloudTrail digest files in the database: %w", err)
	}
	return has, nil
}

// recorder returns the function that adds an object's result to sum and
// tells progress; objects finish on many goroutines, so it serialises them.
func (sum *Summary) recorder(progress func(Object, ObjectResult)) func(Object, ObjectResult) {
	var mu sync.Mutex
	return func(o Object, res ObjectResult) {
		mu.Lock()
		defer mu.Unlock()
		sum.add(o, res)
		if progress != nil {
			progress(o, res)
		}
	}
}

func (sum *Summary) add(o Object, res ObjectResult) {
	sum.Objects++
	sum.Bytes += res.Bytes
	switch {
	case res.Unchanged:
		sum.Unchanged++
	case res.Entry.Status == store.StatusOK:
		sum.Loaded++
	case res.Entry.Status == store.StatusIgnored:
		sum.Ignored++
		if sum.IgnoredReasons == nil {
			sum.IgnoredReasons = map[string]int{}
		}
		sum.IgnoredReasons[res.Entry.Error]++
		if res.Entry.Error == ErrUnknownFormat.Error() {
			sum.Warnings = append(sum.Warnings, o.URI+": "+ErrUnknownFormat.Error()+"; not loaded")
		}
	case res.Entry.Status == store.StatusDuplicate:
		sum.Duplicate++
	default:
		sum.Failed++
		sum.Failures = append(sum.Failures, res)
	}
	if res.Unchanged {
		return
	}
	sum.Kept += res.Entry.Kept
	sum.Skipped += res.Entry.Skipped
	sum.Bad += res.Entry.Bad
	sum.Duplicates += res.Entry.Duplicate
	if res.Entry.Kind != "" {
		sum.ByKind[res.Entry.Kind]++
	}
	if res.Entry.Status == store.StatusOK && (res.Entry.Bad > 0 || len(res.Issues) > 0) {
		first := ""
		if len(res.Issues) > 0 {
			first = ": first: " + res.Issues[0].Message
		}
		sum.Warnings = append(sum.Warnings, fmt.Sprintf("%s: %d bad record(s), %d note(s)%s", o.URI, res.Entry.Bad, len(res.Issues), first))
	}
	if n := len(res.Entry.MergeIssues); n > 0 {
		sum.Warnings = append(sum.Warnings, fmt.Sprintf("%s: %d record(s) conflict with another copy of the same key: first: %s", o.URI, n, res.Entry.MergeIssues[0].Message))
	}
}

// committer owns the loader: one object at a time has it (withLoader),
// and it reports objects once their batch is durable.
type committer struct {
	mu        sync.Mutex // held by withLoader, and only there
	loader    *store.Loader
	lastFlush time.Time
	staged    int64
	waiting   map[int64]waitingResult // by position in the batch
	next      int64
	record    func(Object, ObjectResult)

	fatalMu sync.Mutex
	fatal   error
}

type waitingResult struct {
	obj Object
	res ObjectResult
}

func newCommitter(loader *store.Loader, record func(Object, ObjectResult)) *committer {
	return &committer{loader: loader, lastFlush: time.Now(), waiting: map[int64]waitingResult{}, record: record}
}

// withLoader runs fn with the loader to itself. It is the one place the
// loader's lock is taken and released.
func (c *committer) withLoader(fn func(l *store.Loader) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return fn(c.loader)
}

// finish ends the run's loading: the last batch is flushed (also after a
// source that stopped the run: what was read is kept) and the loader
// closed. It returns the run's fatal error, if any.
func (c *committer) finish(ctx context.Context) error {
	return c.withLoader(func(l *store.Loader) error {
		if err := c.fatalErr(); err != nil {
			if errors.Is(err, ErrStopRun) && ctx.Err() == nil {
				// The source gave up, the database did not: keep what was read.
				_ = c.flush(ctx)
			}
			_ = l.Close(ctx)
			return err
		}
		if err := ctx.Err(); err != nil {
			_ = l.Close(ctx)
			return err
		}
		if err := c.flush(ctx); err != nil {
			_ = l.Close(ctx)
			return err
		}
		return l.Close(ctx)
	})
}

func (c *committer) setFatal(err error) {
	c.fatalMu.Lock()
	defer c.fatalMu.Unlock()
	if c.fatal == nil {
		c.fatal = err
	}
}

func (c *committer) fatalErr() error {
	c.fatalMu.Lock()
	defer c.fatalMu.Unlock()
	return c.fatal
}

func (c *committer) failed() bool { return c.fatalErr() != nil }

// queued notes an object committed or aborted into the loader (c.mu held).
func (c *committer) queued(o Object, res ObjectResult, rows int64) {
	c.waiting[c.next] = waitingResult{o, res}
	c.next++
	c.staged += rows
}

// maybeFlush flushes when the batch is big or old enough (c.mu held).
func (c *committer) maybeFlush(ctx context.Context, force bool) error {
	if force || c.loader.Pending() >= 512 || c.staged >= 200_000 || time.Since(c.lastFlush) > 2*time.Second {
		return c.flush(ctx)
	}
	return nil
}

// flush makes the batch durable and reports its objects (c.mu held).
func (c *committer) flush(ctx context.Context) error {
	entries, err := c.loader.Flush(ctx)
	if err != nil {
		return err
	}
	if len(entries) != len(c.waiting) {
		return fmt.Errorf("loader flushed %d objects, %d were queued", len(entries), len(c.waiting))
	}
	for i, e := range entries {
		w := c.waiting[int64(i)]
		w.res.Entry = e
		c.record(w.obj, w.res)
	}
	c.waiting = map[int64]waitingResult{}
	c.next = 0
	c.staged = 0
	c.lastFlush = time.Now()
	return nil
}

func unchanged(prev store.ManifestEntry, o Object) bool {
	if prev.Size != o.Size {
		return false
	}
	if o.ETag != "" || prev.ETag != "" {
		return prev.ETag == o.ETag
	}
	return prev.ModTime.Equal(o.ModTime.UTC().Truncate(time.Microsecond))
}

// objectSink buffers the rows of one object. When they outgrow
// Options.BufferRows it asks for the loader (full) and, once lent a
// stream writer (lend), writes the rest straight into it.
type objectSink struct {
	opt     *Options
	full    chan struct{}   // the buffer is full: the object streams
	lend    chan lentWriter // the writer to stream into
	w       *store.ObjectWriter
	q       *writeQueue // rows on their way into w, once the object streams
	buf     []bufRow
	bufRows int
	kept    int64
	skipped int64
	bad     int64
	issues  []store.Issue
	nIssues int
	decoded string // SHA-256 of the decompressed content, when the decoder computed it
	// firstBad is the first bad record's error, for an object whose
	// records are all bad.
	firstBad string
	// utf8Fixed counts string values that held invalid UTF-8, the first
	// in table utf8Table.
	utf8Fixed int
	utf8Table string
	// checkParquet gives a Parquet file its checking read without the
	// loader (store.Loader.CheckParquet).
	checkParquet func(*store.ParquetFile) error
}

// DecodedSHA256 implements DecodedHashSink.
func (s *objectSink) DecodedSHA256(hexDigest string) { s.decoded = hexDigest }

// bufRow is one buffered row, or buffered rows held column by column.
type bufRow struct {
	row  store.Row
	cols *store.Columns
}

// Append implements Sink.
func (s *objectSink) Append(r store.Row) error {
	s.kept++
	if n := store.FixUTF8(r); n > 0 {
		s.badUTF8(r.Table(), n)
	}
	if s.w == nil {
		s.buf = append(s.buf, bufRow{row: r})
		return s.buffered(1)
	}
	if s.q != nil {
		return s.q.put(bufRow{row: r})
	}
	return s.w.Append(r)
}

// AppendColumns implements Sink.
func (s *objectSink) AppendColumns(c *store.Columns) error {
	s.kept += int64(c.Len())
	if n := c.FixUTF8(); n > 0 {
		s.badUTF8(c.Table(), n)
	}
	if s.w == nil {
		s.buf = append(s.buf, bufRow{cols: c})
		return s.buffered(c.Len())
	}
	if s.q != nil {
		return s.q.put(bufRow{cols: c})
	}
	return s.w.AppendColumns(c)
}

// AppendParquet implements ParquetSink: the object streams at once, and
// the loader takes the file.
func (s *objectSink) AppendParquet(f store.ParquetFile) error {
	// The checking read comes before asking for the loader, which another
	// object may hold meanwhile.
	if err := s.checkParquet(&f); err != nil {
		release(f)
		return err
	}
	if s.w == nil {
		s.full <- struct{}{}
		lent := <-s.lend
		if lent.err != nil {
			release(f)
			return lent.err
		}
		if err := s.writeTo(lent.w); err != nil {
			release(f)
			return err
		}
	}
	// Rows queued for the writer go in first.
	if err := s.drain(); err != nil {
		release(f)
		return err
	}
	n, err := s.w.AppendParquet(f)
	s.kept += n
	return err
}

// release gives up a Parquet file the loader did not take.
func release(f store.ParquetFile) {
	if f.Release != nil {
		f.Release()
	}
}

// lentWriter is the stream writer processObject lends a full sink, or the
// error that kept it from opening one.
type lentWriter struct {
	w   *store.ObjectWriter
	err error
}

func newObjectSink(opt *Options) *objectSink {
	return &objectSink{opt: opt, full: make(chan struct{}), lend: make(chan lentWriter)}
}

// buffered counts n more buffered rows and, when the buffer is full, waits
// for a stream writer and moves the buffered rows into it.
func (s *objectSink) buffered(n int) error {
	s.bufRows += n
	if s.bufRows < s.opt.BufferRows {
		return nil
	}
	s.full <- struct{}{}
	lent := <-s.lend
	if lent.err != nil {
		return lent.err
	}
	if err := s.writeTo(lent.w); err != nil {
		return err
	}
	// The object streams: its later rows go into the writer on a
	// goroutine of its own, so that the decoder goes on while DuckDB
	// stores the rows before them.
	s.q = newWriteQueue(lent.w)
	return nil
}

// drain waits until the rows queued for the stream writer are in it and
// returns the first error the writer gave. The decoder must be done.
func (s *objectSink) drain() error {
	if s.q == nil {
		return nil
	}
	q := s.q
	s.q = nil
	return q.close()
}

// writeTo moves the buffered rows into w, which takes the object's later
// rows directly.
func (s *objectSink) writeTo(w *store.ObjectWriter) error {
	s.w = w
	for _, r := range s.buf {
		var err error
		if r.cols != nil {
			err = w.AppendColumns(r.cols)
		} else {
			err = w.Append(r.row)
		}
		if err != nil {
			return err
		}
	}
	s.buf, s.bufRows = nil, 0
	return nil
}

// badUTF8 counts values of table that held invalid UTF-8: they are kept
// with U+FFFD replacement characters (DuckDB's VARCHAR is UTF-8) and the
// object gets a warning saying how many.
func (s *objectSink) badUTF8(table string, n int) {
	if s.utf8Fixed == 0 {
		s.utf8Table = table
	}
	s.utf8Fixed += n
}

func (s *objectSink) SkipRecords(n int64) { s.skipped += n }

func (s *objectSink) Bad(record int64, err error) error {
	s.bad++
	if s.firstBad == "" {
		s.firstBad = err.Error()
	}
	s.issue(record, "bad", err.Error())
	if s.opt.Strict {
		return &RecordError{Record: record, Err: err}
	}
	return nil
}

func (s *objectSink) Warn(record int64, msg string) { s.issue(record, "warning", msg) }

func (s *objectSink) issue(record int64, sev, msg string) {
	s.nIssues++
	if len(s.issues) < s.opt.MaxIssues {
		s.issues = append(s.issues, store.Issue{Record: record, Severity: sev, Message: msg})
	}
}

// hashingReader passes reads through and hashes the bytes. Past the first
// hashInline bytes the hashing moves to a goroutine of its own, fed with
// copies in hashBlock-sized blocks, so that on a large object it overlaps
// the decoding instead of adding to it.
type hashingReader struct {
	r io.Reader
	h hash.Hash
	n int64

	blocks chan []byte // filled blocks, to the hashing goroutine
	free   chan []byte // hashed blocks, back for reuse
	cur    []byte      // the block being filled
	done   chan struct{}
}

const (
	hashInline = 1 << 20
	hashBlock  = 1 << 20
	hashBlocks = 4 // blocks in flight at most
)

func newHashingReader() *hashingReader { return &hashingReader{h: sha256.New()} }

func (h *hashingReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.write(p[:n])
	return n, err
}

func (h *hashingReader) write(p []byte) {
	h.n += int64(len(p))
	if h.blocks == nil {
		if h.n <= hashInline {
			h.h.Write(p)
			return
		}
		h.start()
	}
	for len(p) > 0 {
		k := copy(h.cur[len(h.cur):cap(h.cur)], p)
		h.cur, p = h.cur[:len(h.cur)+k], p[k:]
		if len(h.cur) == cap(h.cur) {
			h.blocks <- h.cur
			h.cur = (<-h.free)[:0]
		}
	}
}

func (h *hashingReader) start() {
	h.blocks = make(chan []byte, hashBlocks)
	h.free = make(chan []byte, hashBlocks+1)
	for range hashBlocks {
		h.free <- make([]byte, 0, hashBlock)
	}
	h.cur = make([]byte, 0, hashBlock)
	h.done = make(chan struct{})
	go func() {
		defer close(h.done)
		for b := range h.blocks {
			h.h.Write(b)
			h.free <- b
		}
	}()
}

// sum returns the hex digest of everything read; the reader is done.
func (h *hashingReader) sum() string {
	if h.blocks != nil {
		if len(h.cur) > 0 {
			h.blocks <- h.cur
		}
		close(h.blocks)
		<-h.done
		h.blocks = nil
	}
	return hex.EncodeToString(h.h.Sum(nil))
}

// decoded is what decoding an object came to.
type decoded struct {
	kind string
	err  error
}

// processObject decodes one object and queues it in the loader. The
// decoder runs on a goroutine of its own, its rows buffered in an
// objectSink; the object takes the loader when the decoder is done, or as
// soon as the buffer is full, and then streams the rest into it
// (store.Loader.BeginStream), keeping the loader until it is done. A
// non-nil error means the database itself failed and the run must stop;
// input problems are recorded against the object.
func processObject(ctx context.Context, src Source, o Object, opt Options, c *committer) error {
	sink := newObjectSink(&opt)
	sink.checkParquet = func(f *store.ParquetFile) error { return c.loader.CheckParquet(ctx, f) }
	hr := newHashingReader()
	done := make(chan decoded, 1)
	go func() {
		kind, err := decodeObject(ctx, src, o, opt, sink, hr)
		done <- decoded{kind, err}
	}()
	select {
	case d := <-done:
		entry, res := sink.result(o, hr, d)
		return c.withLoader(func(l *store.Loader) error {
			w, err := l.Begin(ctx)
			if err != nil {
				return err
			}
			return c.queue(ctx, w, o, sink, d, entry, res)
		})
	case <-sink.full:
		return c.withLoader(func(l *store.Loader) error {
			w, err := l.BeginStream(ctx)
			sink.lend <- lentWriter{w, err}
			d := <-done
			if err != nil {
				return err
			}
			if qerr := sink.drain(); qerr != nil && d.err == nil {
				d.err = fmt.Errorf("loading rows: %w", qerr)
			}
			entry, res := sink.result(o, hr, d)
			return c.queue(ctx, w, o, sink, d, entry, res)
		})
	}
}

// queue records a decoded object in the loader through w (the loader
// held): committed with its rows, or aborted as ignored or failed. Then
// the batch is flushed if it is due.
func (c *committer) queue(ctx context.Context, w *store.ObjectWriter, o Object, sink *objectSink, d decoded, entry store.ManifestEntry, res ObjectResult) error {
	var err error
	switch {
	case d.err != nil && IsIgnored(d.err):
		var ie *IgnoredError
		errors.As(d.err, &ie)
		entry.Status = store.StatusIgnored
		entry.Error = ie.Reason
		err = w.Abort(entry, nil, res.Issues)
	case d.err != nil:
		err = w.Abort(entry, res.Err, res.Issues)
	default:
		if err = sink.writeTo(w); err != nil {
			return fmt.Errorf("loading %s: %w", o.URI, err)
		}
		err = w.Commit(entry, res.Issues)
	}
	if err != nil {
		return fmt.Errorf("loading %s: %w", o.URI, err)
	}
	c.queued(o, res, w.Staged())
	if errors.Is(d.err, ErrStopRun) {
		return fmt.Errorf("reading %s: %w", o.URI, d.err)
	}
	return c.maybeFlush(ctx, o.Size > 64<<20)
}

// result is the manifest entry and the result of a decoded object, as far
// as the sink knows them (the loader fills in duplicates at its flush).
func (s *objectSink) result(o Object, hr *hashingReader, d decoded) (store.ManifestEntry, ObjectResult) {
	entry := store.ManifestEntry{URI: o.URI, Size: o.Size, ModTime: o.ModTime.UTC().Truncate(time.Microsecond), ETag: o.ETag,
		Status: store.StatusOK, Kind: d.kind, SHA256: hr.sum(), DecodedSHA256: s.decoded}
	if s.utf8Fixed > 0 {
		s.Warn(-1, fmt.Sprintf("%d value(s) held invalid UTF-8 (the first in %s): kept with U+FFFD replacement characters", s.utf8Fixed, s.utf8Table))
	}
	entry.Kept, entry.Skipped, entry.Bad = s.kept, s.skipped, s.bad
	res := ObjectResult{Bytes: hr.n}
	if s.nIssues > len(s.issues) {
		s.issues = append(s.issues, store.Issue{Record: -1, Severity: "warning", Message: fmt.Sprintf("%d more issue(s) not recorded", s.nIssues-len(s.issues))})
	}
	res.Issues = s.issues
	if d.err != nil && !IsIgnored(d.err) {
		res.Err = fmt.Errorf("ingesting %s: %w", o.URI, d.err)
		res.Issues = append(res.Issues, store.Issue{Record: recordOf(d.err), Severity: "fatal", Message: d.err.Error()})
	}
	return entry, res
}

func recordOf(err error) int64 {
	var re *RecordError
	if errors.As(err, &re) {
		return re.Record
	}
	return -1
}

// decodeObject opens, decompresses, sniffs and decodes o; returns the kind.
func decodeObject(ctx context.Context, src Source, o Object, opt Options, sink Sink, hr *hashingReader) (string, error) {
	ps := newParts(ctx, src, o, hr)
	defer ps.close()
	first, err := ps.open()
	if err != nil {
		return "", err
	}
	cut := 0
	cr := &chainReader{cur: first, next: ps.open, more: ps.more,
		onCut: func(e error) {
			cut++
			sink.Warn(-1, fmt.Sprintf("part %s ends early (%v): the rest of that part is lost; reading goes on with the next part", ps.list[ps.next-1].Key, e))
		}}
	br := bufio.NewReaderSize(cr, 256<<10)
	peek := func() ([]byte, error) {
		head, err := br.Peek(4096)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("reading: %w", err)
		}
		return head, nil
	}
	head, err := peek()
	if err != nil {
		return "", err
	}
	if enc := utf16Of(head); enc != nil {
		// Windows tools save text as UTF-16 with a byte order mark
		// (PowerShell's `aws glue get-job-runs > runs.json`, Notepad's
		// "Unicode"); the decoders read UTF-8.
		br = bufio.NewReaderSize(transform.NewReader(br, enc.NewDecoder()), 256<<10)
		if head, err = peek(); err != nil {
			return "", err
		}
	}
	head = trimHead(head)
	var chosen Decoder
	for _, d := range opt.Decoders {
		if d.Sniff(o.Key, head) {
			chosen = d
			break
		}
	}
	if chosen == nil {
		// Drain so the content hash covers the object.
		_, _ = io.Copy(io.Discard, br)
		if len(bytes.TrimSpace(head)) == 0 {
			if strings.HasSuffix(strings.ToLower(o.Key), ".parquet") {
				// No Parquet file is empty: a part an interrupted export left.
				return "", errors.New("empty Parquet file (a part left by an export that did not finish?)")
			}
			return "", Ignore("empty object")
		}
		if err := unclaimed(o.Key, ps.codec, head); err != nil {
			return "", err
		}
		return "", Ignore(ErrUnknownFormat.Error())
	}
	in := &Input{Object: o, Codec: ps.codec, R: br, PartNames: ps.names(), Metadata: ps.meta, HashContent: opt.hashContent,
		OpenSibling: func(ctx context.Context, key string) (io.ReadCloser, error) {
			return src.Open(ctx, Object{Key: key, URI: strings.TrimSuffix(o.URI, o.Key) + key})
		}}
	if len(o.Parts) > 0 {
		in.CutParts = func() int { return cut }
	}
	if err := chosen.Decode(ctx, in, sink); err != nil {
		return chosen.Kind(), err
	}
	if sink, ok := sink.(*objectSink); ok && sink.bad > 0 && sink.kept == 0 && sink.skipped == 0 {
		return chosen.Kind(), fmt.Errorf("decoding: every record is bad (%d); the first: %s", sink.bad, sink.firstBad)
	}
	// Drain what the decoder left (trailing whitespace) for the hash. A
	// stream cut short was seen by the decoder, which returned without
	// error: it kept what was whole and marked the object truncated
	// (sparklog), so the cut is not raised again here.
	if _, err := io.Copy(io.Discard, br); err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return chosen.Kind(), err
	}
	return chosen.Kind(), nil
}

// evidenceExt are the name endings of objects that are evidence by name:
// content no decoder claims under such a name is a failure when it is not
// text, rather than an unrelated file passed over.
var evidenceExt = []string{".json", ".jsonl", ".gz", ".zst", ".zstd", ".lz4", ".snappy", ".lzf", ".parquet", ".inprogress"}

// lz4Frame starts the LZ4 frame format of the lz4 tool, which Spark does not write.
var lz4Frame = []byte{0x04, 0x22, 0x4d, 0x18}

// unclaimed returns the failure of an object no decoder claims when its
// name says it is evidence and its content is binary (random bytes in a
// .json.gz, a .lz4 in the lz4 tool's frame format); nil when it is text
// no decoder reads, which is ignored with a warning.
func unclaimed(key, codecName string, head []byte) error {
	name := strings.ToLower(key)
	evidence := false
	for _, ext := range evidenceExt {
		if strings.HasSuffix(name, ext) {
			evidence = true
		}
	}
	if !evidence {
		return nil
	}
	if bytes.HasPrefix(head, lz4Frame) {
		return fmt.Errorf("%w: LZ4 frame format (the lz4 tool's); Spark writes LZ4 block streams (spark.io.compression.codec=lz4), decompress it with lz4 -d first", ErrUnknownFormat)
	}
	if !utf8.Valid(head[:validPrefix(head)]) || bytes.ContainsFunc(head, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\r' && r != '\t' }) {
		what := "not JSON, and no known compression"
		if codecName != "plain" {
			what = codecName + "-compressed, and not JSON inside"
		}
		return fmt.Errorf("%w: binary content under an evidence name (%s)", ErrUnknownFormat, what)
	}
	return nil
}

// validPrefix is len(head) without a UTF-8 sequence cut at its end.
func validPrefix(head []byte) int {
	n := len(head)
	for i := 1; i <= 3 && i <= n; i++ {
		if utf8.RuneStart(head[n-i]) {
			if !utf8.FullRune(head[n-i:]) {
				return n - i
			}
			break
		}
	}
	return n
}

// parts opens the parts of an object (the object itself when it is not
// composite) one after another, each when the one before is read, each
// decompressed on its own (codec.Detect), their stored bytes hashed by hr.
type parts struct {
	ctx   context.Context
	src   Source
	list  []Object
	hr    *hashingReader
	next  int           // index of the next part to open
	cur   io.ReadCloser // the part being read
	codec string        // the first part's codec
	meta  map[string]string
}

func newParts(ctx context.Context, src Source, o Object, hr *hashingReader) *parts {
	list := o.Parts
	if len(list) == 0 {
		list = []Object{o}
	}
	return &parts{ctx: ctx, src: src, list: list, hr: hr}
}

// names are the parts' keys in reading order.
func (ps *parts) names() []string {
	out := make([]string, len(ps.list))
	for i, p := range ps.list {
		out[i] = p.Key
	}
	return out
}

// more reports whether parts remain after the one being read.
func (ps *parts) more() bool { return ps.next < len(ps.list) }

// open closes the part being read and opens the next; io.EOF after the last.
func (ps *parts) open() (io.Reader, error) {
	ps.close()
	if ps.next >= len(ps.list) {
		return nil, io.EOF
	}
	p := ps.list[ps.next]
	ps.next++
	raw, err := ps.src.Open(ps.ctx, p)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", p.Key, err)
	}
	if mr, ok := raw.(MetadataReader); ok && ps.meta == nil {
		ps.meta = mr.Metadata()
	}
	ps.hr.r = raw
	br := bufio.NewReaderSize(ps.hr, 256<<10)
	dec, name, err := codec.Detect(br)
	if ps.codec == "" {
		ps.codec = name
	}
	if err != nil {
		raw.Close()
		return nil, fmt.Errorf("reading %s: %w", p.Key, err)
	}
	ps.cur = &stackedCloser{Reader: dec, closers: []io.Closer{dec, raw}}
	return ps.cur, nil
}

// close closes the part being read, if any.
func (ps *parts) close() {
	if ps.cur != nil {
		ps.cur.Close()
		ps.cur = nil
	}
}

type stackedCloser struct {
	io.Reader
	closers []io.Closer
}

func (s *stackedCloser) Close() error {
	var first error
	for _, c := range s.closers {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// chainReader reads the parts of a composite object one after another. A
// part that does not end with a line break gets one, so the last line of a
// part never runs into the first of the next. A part other than the last
// that ends early (io.ErrUnexpectedEOF: a cut compressed stream) is
// reported to onCut and reading goes on with the next part.
type chainReader struct {
	cur   io.Reader
	next  func() (io.Reader, error)
	more  func() bool // parts remain after the current one
	onCut func(error)
	last  byte // the last byte passed on
	owed  bool // a line break is owed before the next part
}

func (c *chainReader) Read(p []byte) (int, error) {
	for {
		if c.owed {
			if len(p) == 0 {
				return 0, nil
			}
			p[0], c.last, c.owed = '\n', '\n', false
			return 1, nil
		}
		if c.cur == nil {
			return 0, io.EOF
		}
		n, err := c.cur.Read(p)
		if n > 0 {
			c.last = p[n-1]
		}
		cutShort := errors.Is(err, io.ErrUnexpectedEOF) && c.more != nil && c.more()
		if err == io.EOF || cutShort {
			if cutShort && c.onCut != nil {
				c.onCut(err)
			}
			nr, nerr := c.next()
			if nerr == io.EOF {
				c.cur = nil
				if n > 0 {
					return n, nil
				}
				return 0, io.EOF
			}
			if nerr != nil {
				c.cur = nil
				return n, nerr
			}
			c.cur = nr
			c.owed = c.last != '\n' && c.last != 0 // 0: nothing passed on yet
			if n > 0 {
				return n, nil
			}
			continue
		}
		return n, err
	}
}

// utf16Of returns the UTF-16 encoding whose byte order mark starts head
// (the decoder drops the mark), or nil.
func utf16Of(head []byte) encoding.Encoding {
	switch {
	case bytes.HasPrefix(head, []byte{0xff, 0xfe}):
		return unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM)
	case bytes.HasPrefix(head, []byte{0xfe, 0xff}):
		return unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM)
	}
	return nil
}

func trimHead(b []byte) []byte {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	return bytes.TrimLeft(b, " \t\r\n")
}
