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

// Run ingests every object of the sources into st.
func Run(ctx context.Context, st *store.Store, sources []Source, opt Options) (Summary, error) {
	start := time.Now()
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.MaxIssues <= 0 {
		opt.MaxIssues = 100
	}
	if opt.BufferRows <= 0 {
		opt.BufferRows = 20000
	}
	manifest, err := st.Manifest(ctx)
	if err != nil {
		return Summary{}, err
	}
	type job struct {
		src Source
		obj Object
	}
	var jobs []job
	groups := map[string]int{} // group → index in jobs
	type part struct {
		order int
		obj   Object
	}
	groupParts := map[string][]part{}
	var empty []string
	for _, src := range sources {
		before := len(jobs)
		err := src.Walk(ctx, func(o Object) error {
			if opt.Group != nil {
				if g, order, ok := opt.Group(o.Key); ok {
					gkey := fmt.Sprintf("%p|%s", src, g)
					if _, seen := groups[gkey]; !seen {
						groups[gkey] = len(jobs)
						uri := strings.TrimSuffix(o.URI, o.Key) + g
						jobs = append(jobs, job{src: src, obj: Object{URI: uri, Key: g}})
					}
					groupParts[gkey] = append(groupParts[gkey], part{order, o})
					return nil
				}
			}
			jobs = append(jobs, job{src: src, obj: o})
			return nil
		})
		if err != nil {
			return Summary{}, err
		}
		if len(jobs) == before {
			empty = append(empty, fmt.Sprintf("%v: no objects found", src))
		}
	}
	for gkey, idx := range groups {
		ps := groupParts[gkey]
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

	keys := make([]string, len(jobs))
	for i, j := range jobs {
		keys[i] = j.obj.Key
	}
	if opt.hashContent, err = digestsInPlay(ctx, st, keys); err != nil {
		return Summary{}, err
	}
	if opt.Planned != nil {
		var total int64
		for _, j := range jobs {
			total += j.obj.Size
		}
		opt.Planned(len(jobs), total)
	}

	loader, err := st.NewLoader(ctx)
	if err != nil {
		return Summary{}, err
	}
	sum := Summary{ByKind: map[string]int{}, Warnings: empty}
	var sumMu sync.Mutex
	record := func(o Object, res ObjectResult) {
		sumMu.Lock()
		defer sumMu.Unlock()
		sum.add(o, res)
		if opt.Progress != nil {
			opt.Progress(o, res)
		}
	}
	c := &committer{loader: loader, lastFlush: time.Now(), waiting: map[int64]waitingResult{}, record: record}

	work := make(chan job)
	var wg sync.WaitGroup
	for i := 0; i < opt.Workers; i++ {
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
				record(j.obj, ObjectResult{Entry: prev, Unchanged: true})
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
	for _, src := range sources {
		if rc, ok := src.(RetryCounter); ok {
			sum.Retries += rc.Retries()
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.fatalErr(); err != nil {
		if errors.Is(err, ErrStopRun) && ctx.Err() == nil {
			// The source gave up, the database did not: keep what was read.
			_ = c.flush(ctx)
		}
		_ = loader.Close(ctx)
		return sum, err
	}
	if err := ctx.Err(); err != nil {
		_ = loader.Close(ctx)
		return sum, err
	}
	if err := c.flush(ctx); err != nil {
		_ = loader.Close(ctx)
		return sum, err
	}
	if err := loader.Close(ctx); err != nil {
		return sum, err
	}
	sort.Slice(sum.Failures, func(i, j int) bool { return sum.Failures[i].Entry.URI < sum.Failures[j].Entry.URI })
	sort.Strings(sum.Warnings)
	sum.Elapsed = time.Since(start)
	return sum, nil
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
}

// committer serialises access to the loader and reports objects once their
// batch is durable.
type committer struct {
	mu        sync.Mutex // held while an object writes into the loader
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

// objectSink buffers rows of one object, then streams them into the loader.
type objectSink struct {
	ctx     context.Context
	opt     *Options
	c       *committer
	locked  bool
	w       *store.ObjectWriter
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
	return s.w.AppendColumns(c)
}

// buffered counts n more buffered rows and, when the buffer is full, moves
// the object to the loader for streaming.
func (s *objectSink) buffered(n int) error {
	s.bufRows += n
	if s.bufRows < s.opt.BufferRows {
		return nil
	}
	return s.takeLoader(true)
}

// takeLoader locks the loader for this object and moves buffered rows in.
// A large object (stream: its rows outgrew the buffer) keeps the loader
// until it is done, and its rows may go straight into their tables
// (store.Loader.BeginStream).
func (s *objectSink) takeLoader(stream bool) error {
	if !s.locked {
		s.c.mu.Lock()
		s.locked = true
	}
	if s.w == nil {
		begin := s.c.loader.Begin
		if stream {
			begin = s.c.loader.BeginStream
		}
		w, err := begin(s.ctx)
		if err != nil {
			return err
		}
		s.w = w
	}
	for _, r := range s.buf {
		var err error
		if r.cols != nil {
			err = s.w.AppendColumns(r.cols)
		} else {
			err = s.w.Append(r.row)
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

// processObject decodes one object and queues it in the loader. A non-nil
// error means the database itself failed and the run must stop; input
// problems are recorded against the object.
func processObject(ctx context.Context, src Source, o Object, opt Options, c *committer) error {
	entry := store.ManifestEntry{URI: o.URI, Size: o.Size, ModTime: o.ModTime.UTC().Truncate(time.Microsecond), ETag: o.ETag, Status: store.StatusOK}
	sink := &objectSink{ctx: ctx, opt: &opt, c: c}
	hr := newHashingReader()
	kind, decErr := decodeObject(ctx, src, o, opt, sink, hr)
	entry.Kind = kind
	entry.SHA256 = hr.sum()
	if sink.utf8Fixed > 0 {
		sink.Warn(-1, fmt.Sprintf("%d value(s) held invalid UTF-8 (the first in %s): kept with U+FFFD replacement characters", sink.utf8Fixed, sink.utf8Table))
	}
	entry.Kept, entry.Skipped, entry.Bad = sink.kept, sink.skipped, sink.bad
	entry.DecodedSHA256 = sink.decoded
	res := ObjectResult{Bytes: hr.n}
	if sink.nIssues > len(sink.issues) {
		sink.issues = append(sink.issues, store.Issue{Record: -1, Severity: "warning", Message: fmt.Sprintf("%d more issue(s) not recorded", sink.nIssues-len(sink.issues))})
	}
	res.Issues = sink.issues

	if !sink.locked {
		c.mu.Lock()
		sink.locked = true
	}
	defer c.mu.Unlock()
	var err error
	if sink.w == nil {
		if sink.w, err = c.loader.Begin(ctx); err != nil {
			return err
		}
	}
	switch {
	case decErr != nil && IsIgnored(decErr):
		var ie *IgnoredError
		errors.As(decErr, &ie)
		entry.Status = store.StatusIgnored
		entry.Error = ie.Reason
		sink.buf = nil
		err = sink.w.Abort(entry, nil, res.Issues)
	case decErr != nil:
		wrapped := fmt.Errorf("ingesting %s: %w", o.URI, decErr)
		res.Err = wrapped
		res.Issues = append(res.Issues, store.Issue{Record: recordOf(decErr), Severity: "fatal", Message: decErr.Error()})
		sink.buf = nil
		err = sink.w.Abort(entry, wrapped, res.Issues)
	default:
		if err = sink.takeLoader(false); err != nil {
			return fmt.Errorf("loading %s: %w", o.URI, err)
		}
		err = sink.w.Commit(entry, res.Issues)
	}
	if err != nil {
		return fmt.Errorf("loading %s: %w", o.URI, err)
	}
	c.queued(o, res, sink.w.Staged())
	if errors.Is(decErr, ErrStopRun) {
		return fmt.Errorf("reading %s: %w", o.URI, decErr)
	}
	return c.maybeFlush(ctx, o.Size > 64<<20)
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
	parts := o.Parts
	if len(parts) == 0 {
		parts = []Object{o}
	}
	var names []string
	for _, p := range parts {
		names = append(names, p.Key)
	}
	// Open every part lazily, decompressing each on its own.
	var current io.ReadCloser
	idx := 0
	var openErr error
	codecName := ""
	var meta map[string]string
	next := func() (io.Reader, error) {
		if current != nil {
			current.Close()
			current = nil
		}
		if idx >= len(parts) {
			return nil, io.EOF
		}
		p := parts[idx]
		idx++
		raw, err := src.Open(ctx, p)
		if err != nil {
			return nil, fmt.Errorf("opening %s: %w", p.Key, err)
		}
		if mr, ok := raw.(MetadataReader); ok && meta == nil {
			meta = mr.Metadata()
		}
		hr.r = raw
		br := bufio.NewReaderSize(hr, 256<<10)
		dec, name, err := codec.Detect(br)
		if codecName == "" {
			codecName = name
		}
		if err != nil {
			raw.Close()
			return nil, fmt.Errorf("reading %s: %w", p.Key, err)
		}
		current = &stackedCloser{Reader: dec, closers: []io.Closer{dec, raw}}
		return current, nil
	}
	defer func() {
		if current != nil {
			current.Close()
		}
	}()
	first, err := next()
	if err != nil {
		return "", err
	}
	cut := 0
	cr := &chainReader{cur: first, next: next, onErr: func(e error) { openErr = e },
		more: func() bool { return idx < len(parts) },
		onCut: func(e error) {
			cut++
			sink.Warn(-1, fmt.Sprintf("part %s ends early (%v): the rest of that part is lost; reading goes on with the next part", parts[idx-1].Key, e))
		}}
	br := bufio.NewReaderSize(cr, 256<<10)
	peek := func() ([]byte, error) {
		head, err := br.Peek(4096)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			if openErr != nil {
				return nil, openErr
			}
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
		if err := unclaimed(o.Key, codecName, head); err != nil {
			return "", err
		}
		return "", Ignore(ErrUnknownFormat.Error())
	}
	in := &Input{Object: o, Codec: codecName, R: br, PartNames: names, Metadata: meta, HashContent: opt.hashContent,
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
	if openErr != nil {
		return chosen.Kind(), openErr
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
	onErr func(error)
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
