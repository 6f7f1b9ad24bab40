// Package sparklog decodes Spark event logs — JSON lines of SparkListener
// events written by Spark 1.x–4.x, plain or compressed, single files or
// rolling directories, complete, in progress or cut short — into the
// spark_apps, spark_executors, spark_stages, spark_tasks and spark_jobs
// tables (internal/store/schema/010_spark.sql).
//
// Only the events those tables need are unmarshalled; every other line is
// recognised by a byte scan of its "Event" name and counted as skipped.
// Memory stays bounded by the live state of the application (executors,
// active stages and jobs, running tasks): a task row is emitted as soon as
// its TaskEnd is read.
package sparklog

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/internal/jsonscan"
	"github.com/gluelens/gluelens/internal/store"
	"github.com/goccy/go-json"
	"golang.org/x/sync/semaphore"
)

// Kind is the decoder's name in the ingest manifest.
const Kind = "spark-eventlog"

// maxLine bounds one line of an event the decoder reads; a longer one is
// counted as bad and skipped. A line of an event it does not read (SQL plans,
// third-party listeners) is skipped unread at any length once it passes
// skipLongAfter bytes, so the memory a log can take is bounded by
// maxLine per batch in flight, whatever the log holds.
//
// A line of an event it reads that passes skipLongAfter bytes needs the
// process's one long-line token (held until its batch is applied), so
// however many logs are read at once, one such line at a time is in
// memory: its bytes as read, its copy in the batch and the decoded event,
// about 5×maxLine.
const (
	maxLine       = 16 << 20
	skipLongAfter = 1 << 20
)

// longLine is the process's one token for a line past skipLongAfter.
var longLine = make(chan struct{}, 1)

// readEvents are the events whose lines are decoded (see process and the
// task decoders); every other line is counted as skipped.
var readEvents = map[string]bool{
	"SparkListenerTaskStart": true, "SparkListenerTaskEnd": true,
	"SparkListenerStageSubmitted": true, "SparkListenerStageCompleted": true,
	"SparkListenerJobStart": true, "SparkListenerJobEnd": true,
	"SparkListenerExecutorAdded": true, "SparkListenerExecutorRemoved": true,
	"SparkListenerApplicationStart": true, "SparkListenerApplicationEnd": true,
	"SparkListenerEnvironmentUpdate": true, "SparkListenerLogStart": true,
}

// Decoder reads Spark event logs.
type Decoder struct{}

// Kind implements ingest.Decoder.
func (Decoder) Kind() string { return Kind }

// Sniff claims content whose first JSON object starts with an "Event" key,
// as every Spark event-log line does.
func (Decoder) Sniff(key string, head []byte) bool {
	if len(head) == 0 || head[0] != '{' {
		return false
	}
	rest := bytes.TrimLeft(head[1:], " \t\r\n")
	return bytes.HasPrefix(rest, []byte(`"Event"`))
}

// Decode implements ingest.Decoder.
func (Decoder) Decode(ctx context.Context, in *ingest.Input, out ingest.Sink) error {
	d := newDecoder(in, out)
	if err := d.run(ctx); err != nil {
		return err
	}
	return d.finish()
}

type executor struct {
	host    string
	cores   int64
	addedAt int64
}

type stageKey struct{ id, attempt int64 }

type decoder struct {
	in  *ingest.Input
	out ingest.Sink

	line    int64 // 1-based number of the line being read
	events  int64 // non-empty lines read: the log_events version of every row
	skipped int64
	bad     int64
	trunc   bool

	appID, attemptID string
	idFixed          bool // rows were emitted: the id can no longer change
	sawStart         bool
	app              appStart
	sparkVersion     string
	endTime          int64
	props            json.RawMessage

	executors map[string]*executor
	stages    map[stageKey]*stageInfo
	jobs      map[int64]*jobStart
	tasks     map[int64]taskStart // started, not ended; held by value: no allocation per task
	// mapOutputs remembers the metrics of successful shuffle-map tasks of
	// stage attempts still running: Spark repeats such a task's TaskEnd with
	// reason Resubmitted and no metrics when its executor is lost, and the
	// row must still say what the task wrote. Dropped when the stage completes.
	mapOutputs map[stageKey]map[int64]*taskMetrics

	vals valueIssues // values stored as NULL (values.go)

	se stageEvent // reused event target

	// taskRows holds spark_tasks rows until taskBatch of them are handed
	// to the sink together (store.Columns); taskRowsLine is the line of
	// its first row.
	taskRows     *store.Columns
	taskRowsLine int64
	task         taskRow // reused for every task row
}

// taskRow is a spark_tasks row being built: row's pointer fields point
// into the fields beside it, so that building a row allocates nothing
// (taskRows copies it at once).
type taskRow struct {
	row                                         store.SparkTask
	stageID, stageAttempt, index, attempt, part int32
	executorID, host, taskType, endReason       string
	launch, finish                              time.Time
	failed, killed, speculative, hasMetrics     bool
	metrics                                     [18]int64
}

// taskBatch is how many task rows are handed to the sink at once.
const taskBatch = 8192

// taskColumns returns the rows the next task row goes to.
func (d *decoder) taskColumns() *store.Columns {
	if d.taskRows == nil {
		d.taskRows = store.NewColumnsOf((*store.SparkTask)(nil), taskBatch)
		d.taskRowsLine = d.line
	}
	return d.taskRows
}

// addTask adds the task row built in d.task and hands the rows over when
// the batch is full.
func (d *decoder) addTask() error {
	c := d.taskColumns()
	c.Add(&d.task.row)
	if c.Len() < taskBatch {
		return nil
	}
	return d.flushTasks()
}

// flushTasks hands the task rows held to the sink.
func (d *decoder) flushTasks() error {
	c := d.taskRows
	if c == nil || c.Len() == 0 {
		return nil
	}
	d.taskRows = nil
	if err := d.out.AppendColumns(c); err != nil {
		return &sinkError{fmt.Errorf("task rows of lines %d to %d: %w", d.taskRowsLine, d.line, err)}
	}
	return nil
}

// optString points p at s, or is nil (NULL) for "".
func optString(p *string, s string) *string {
	if s == "" {
		return nil
	}
	*p = s
	return p
}

func newDecoder(in *ingest.Input, out ingest.Sink) *decoder {
	return &decoder{
		in: in, out: out, endTime: absent,
		executors: map[string]*executor{},
		stages:    map[stageKey]*stageInfo{},
		jobs:      map[int64]*jobStart{},
		tasks:     map[int64]taskStart{},

		mapOutputs: map[stageKey]map[int64]*taskMetrics{},
	}
}

// run reads every line. It returns only fatal errors: a failing reader (other
// than a cut-short stream) or a bad record in strict mode.
//
// The work is a pipeline: one goroutine cuts the stream into batches of
// lines, every core unmarshals the TaskStart and TaskEnd lines of a batch
// (nearly all of the work), and the batches are applied in order here, so
// the result is that of a sequential read. At most inflight batches exist.
func (d *decoder) run(ctx context.Context) error {
	br, ok := d.in.R.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(d.in.R, 1<<20)
	}
	workers := runtime.GOMAXPROCS(0)
	inflight, err := batchSlots.take(ctx, 2*workers)
	if err != nil {
		return err
	}
	defer batchSlots.give(inflight)
	free := make(chan *batch, inflight)
	for range inflight {
		free <- batches.Get().(*batch)
	}
	toParse := make(chan *batch, inflight)
	ordered := make(chan *batch, inflight)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(toParse)
		defer close(ordered)
		r := lineReader{br: br, stop: stop}
		for {
			var b *batch
			select {
			case b = <-free:
			case <-stop:
				return
			}
			b.reset()
			r.fill(b)
			b.parsed = make(chan struct{})
			ordered <- b
			toParse <- b
			if b.end != nil {
				return
			}
		}
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range toParse {
				b.parse()
				close(b.parsed)
			}
		}()
	}
	err = d.applyAll(ctx, ordered, free)
	close(stop)
	for b := range ordered { // let the reader finish a batch it was sending
		<-b.parsed
		putBatch(b)
	}
	wg.Wait()
	for {
		select {
		case b := <-free:
			putBatch(b)
		default:
			return err
		}
	}
}

// applyAll applies the parsed batches in order until the stream ends or an
// error stops it.
func (d *decoder) applyAll(ctx context.Context, ordered <-chan *batch, free chan<- *batch) error {
	for b := range ordered {
		<-b.parsed
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := d.flush(b); err != nil {
			return err
		}
		d.line = b.lastLine
		end := b.end
		b.releaseLong()
		free <- b
		switch {
		case end == nil:
		case errors.Is(end, io.EOF):
			return nil
		case errors.Is(end, io.ErrUnexpectedEOF):
			d.trunc = true
			d.out.Warn(d.line, fmt.Sprintf("compressed stream ends early after line %d: %v", d.line, end))
			return nil
		default:
			return fmt.Errorf("reading line %d: %w", d.line+1, end)
		}
	}
	return nil
}

// lineReader cuts a stream into batches of numbered lines.
type lineReader struct {
	br       *bufio.Reader
	line     int64  // lines read so far
	long     []byte // a line longer than br's buffer
	tooLong  bool
	skipLong bool // the long line is of an event not read: dropped as it streams by
	holding  bool // the long line holds the longLine token
	stop     <-chan struct{}
}

// fill adds lines to b until it is full or the stream ends; then b.end
// holds the reading error (io.EOF at a clean end).
func (r *lineReader) fill(b *batch) {
	for !b.full() {
		chunk, err := r.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			if !r.tooLong && !r.skipLong {
				r.long = append(r.long, chunk...)
				if len(r.long) > skipLongAfter {
					if name, ok := eventName(r.long); ok && !readEvents[string(name)] {
						r.skipLong, r.long = true, nil
					}
				}
				if len(r.long) > maxLine {
					r.tooLong, r.long = true, nil
				}
				if len(r.long) > skipLongAfter && !r.holding {
					select {
					case longLine <- struct{}{}:
						r.holding = true
					case <-r.stop:
						b.end = context.Canceled
						return
					}
				}
				if r.tooLong && r.holding {
					r.holding = false
					<-longLine
				}
			}
			continue
		}
		line := chunk
		if len(r.long) > 0 {
			line = append(r.long, chunk...)
			r.long = r.long[:0]
			if cap(r.long) > 2*skipLongAfter {
				r.long = nil // a long line's buffer is not kept for the next
			}
		}
		if r.holding {
			// The line is copied into b, which now holds the token.
			r.holding, b.long = false, true
		}
		switch {
		case r.skipLong:
			r.skipLong = false
			r.line++
			b.addSkippedLong(r.line)
		case r.tooLong:
			r.tooLong = false
			r.line++
			b.addTooLong(r.line)
		case err != nil:
			if len(bytes.TrimSpace(line)) > 0 {
				r.line++
				// The last line has no newline: keep it if it is whole.
				if json.Valid(line) {
					b.add(r.line, line)
				} else {
					b.addCut(r.line)
				}
			}
		default:
			r.line++
			b.add(r.line, line)
		}
		if err != nil {
			b.end = err
			break
		}
	}
	b.lastLine = r.line
}

// A batch holds up to batchLines lines (or batchBytes bytes) of the log.
const (
	batchLines = 2048
	batchBytes = 8 << 20
)

// batchSlots budgets the line batches of every Spark log being read at
// once, per process rather than per log: 2 per CPU (4 at least), so
// however many logs the workers read, their batches hold at most
// batchSlots×batchBytes of lines (64 MiB on 4 CPUs) besides the one long
// line. A log takes one slot before it reads anything (waiting for it if
// need be) and as many more as are free, up to 2 per CPU, and gives them
// back when it is done. It never waits for a slot while it holds the
// loader (it has its first from the start), so the budget cannot deadlock
// with the ingest's one loader.
var batchSlots = newSlots(max(4, 2*runtime.GOMAXPROCS(0)))

// slots is a counting budget (the semaphore ingest/limits.go also uses)
// that records how many slots are in use and the most ever in use.
type slots struct {
	sem  *semaphore.Weighted
	size int
	mu   sync.Mutex
	used int
	peak int
}

func newSlots(n int) *slots { return &slots{sem: semaphore.NewWeighted(int64(n)), size: n} }

// take waits for one slot, then takes up to want-1 more that are free.
func (s *slots) take(ctx context.Context, want int) (int, error) {
	if err := s.sem.Acquire(ctx, 1); err != nil {
		return 0, err
	}
	n := 1
	for n < want && s.sem.TryAcquire(1) {
		n++
	}
	s.mu.Lock()
	s.used += n
	s.peak = max(s.peak, s.used)
	s.mu.Unlock()
	return n, nil
}

// give returns n slots.
func (s *slots) give(n int) {
	s.mu.Lock()
	s.used -= n
	s.mu.Unlock()
	s.sem.Release(int64(n))
}

type lineKind uint8

const (
	kindOther lineKind = iota
	kindTaskEnd
	kindTaskStart
	kindTooLong     // longer than maxLine: bad
	kindCut         // the last line, cut short: a warning
	kindSkippedLong // a long line of an event not read: skipped
)

type batch struct {
	arena []byte
	start []int // line i is arena[start[i]:start[i+1]]
	num   []int64
	kind  []lineKind
	err   []error
	te    []taskEnd
	tm    []taskMetrics
	ts    []taskStart

	cache    *scanCache    // interned string values and key guesses (see lineScanner)
	end      error         // the reading error after the last line (io.EOF at the end)
	lastLine int64         // lines read from the stream up to the end of this batch
	parsed   chan struct{} // closed when parse is done
	long     bool          // a line holds the longLine token
}

// releaseLong gives back the longLine token if a line of b holds it, with
// the batch's grown buffers.
func (b *batch) releaseLong() {
	if b.long {
		b.long = false
		b.arena = nil
		b.te, b.tm = nil, nil
		<-longLine
	}
}

// batches keeps batches, with their grown buffers, from one log to the
// next: a bucket of small logs does not allocate them for each.
var batches = sync.Pool{New: func() any { return &batch{start: []int{0}, cache: newScanCache()} }}

// putBatch returns b to the pool unless a very long line grew its arena.
func putBatch(b *batch) {
	b.releaseLong()
	if cap(b.arena) <= 2*batchBytes {
		b.reset()
		batches.Put(b)
	}
}

func (b *batch) len() int { return len(b.num) }

func (b *batch) full() bool { return b.len() >= batchLines || len(b.arena) >= batchBytes }

func (b *batch) line(i int) []byte { return b.arena[b.start[i]:b.start[i+1]] }

func (b *batch) push(num int64, line []byte, k lineKind) {
	b.arena = append(b.arena, line...)
	b.start = append(b.start, len(b.arena))
	b.num = append(b.num, num)
	b.kind = append(b.kind, k)
}

func (b *batch) add(num int64, line []byte) {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return
	}
	k := kindOther
	if name, ok := eventName(line); ok {
		switch string(name) {
		case "SparkListenerTaskEnd":
			k = kindTaskEnd
		case "SparkListenerTaskStart":
			k = kindTaskStart
		}
	}
	b.push(num, line, k)
}

func (b *batch) addTooLong(num int64)     { b.push(num, nil, kindTooLong) }
func (b *batch) addCut(num int64)         { b.push(num, nil, kindCut) }
func (b *batch) addSkippedLong(num int64) { b.push(num, nil, kindSkippedLong) }

func (b *batch) reset() {
	b.arena, b.start = b.arena[:0], b.start[:1]
	b.num, b.kind = b.num[:0], b.kind[:0]
	b.end = nil
}

// parse decodes the task events of the batch.
func (b *batch) parse() {
	n := b.len()
	b.err = slices.Grow(b.err[:0], n)[:n]
	b.te = slices.Grow(b.te[:0], n)[:n]
	b.tm = slices.Grow(b.tm[:0], n)[:n]
	b.ts = slices.Grow(b.ts[:0], n)[:n]
	for i := range n {
		switch b.kind[i] {
		case kindTaskEnd:
			b.te[i].reset(&b.tm[i])
			b.err[i] = decodeTaskEnd(b.line(i), &b.te[i], &b.tm[i], b.cache)
		case kindTaskStart:
			b.ts[i].reset()
			b.err[i] = decodeTaskStart(b.line(i), &b.ts[i], b.cache)
		default:
			b.err[i] = nil
		}
	}
}

// flush applies the parsed batch in line order.
func (d *decoder) flush(b *batch) error {
	for i := range b.len() {
		d.line = b.num[i]
		var err error
		switch b.kind[i] {
		case kindTooLong:
			d.events++
			err = d.badLine(fmt.Errorf("line longer than %d bytes", maxLine))
		case kindSkippedLong:
			d.events++
			d.skipped++
		case kindCut:
			d.trunc = true
			d.out.Warn(d.line, fmt.Sprintf("log ends mid-line at line %d (in-progress or cut-short log): the partial line was dropped", d.line))
		case kindTaskEnd:
			d.events++
			if b.err[i] != nil {
				err = d.badLine(fmt.Errorf("SparkListenerTaskEnd: %w", b.err[i]))
			} else if err = d.taskEnd(&b.te[i]); err != nil {
				err = d.stopOrBad("SparkListenerTaskEnd", err)
			}
		case kindTaskStart:
			d.events++
			if b.err[i] != nil {
				err = d.badLine(fmt.Errorf("SparkListenerTaskStart: %w", b.err[i]))
			} else if err = d.taskStart(&b.ts[i]); err != nil {
				err = d.stopOrBad("SparkListenerTaskStart", err)
			}
		default:
			err = d.process(b.line(i))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// stopOrBad turns an error from handling event name into a bad line, unless
// it is the sink asking to stop.
func (d *decoder) stopOrBad(name string, err error) error {
	var sinkErr *sinkError
	if errors.As(err, &sinkErr) {
		return sinkErr.err
	}
	return d.badLine(fmt.Errorf("%s: %w", name, err))
}

// requireID fails when a key column's field was not in the event.
func requireID(field string, v int64) error {
	if v == absent {
		return fmt.Errorf("missing %q", field)
	}
	return nil
}

var eventKey = []byte(`"Event"`)

// eventName finds the "Event" value by a byte scan, without parsing the
// line. JSON whitespace may surround the colon (`{"Event": "…"}` as
// json.dumps and jq write it); Spark's compact form is the first match.
func eventName(line []byte) ([]byte, bool) {
	for off := 0; ; {
		i := bytes.Index(line[off:], eventKey)
		if i < 0 {
			return nil, false
		}
		j := off + i + len(eventKey)
		if j < len(line) && line[j] == ':' && j+1 < len(line) && line[j+1] == '"' {
			j += 2
		} else {
			j = jsonscan.SkipSpace(line, j)
			if j >= len(line) || line[j] != ':' {
				off = j
				continue
			}
			if j = jsonscan.SkipSpace(line, j+1); j >= len(line) || line[j] != '"' {
				off = j
				continue
			}
			j++
		}
		rest := line[j:]
		k := bytes.IndexByte(rest, '"')
		if k < 0 {
			return nil, false
		}
		return rest[:k], true
	}
}

func (d *decoder) badLine(err error) error {
	d.bad++
	return d.out.Bad(d.line, fmt.Errorf("decoding line %d: %w", d.line, err))
}

// process handles a line other than TaskStart and TaskEnd. It returns an
// error only when the sink says to stop.
func (d *decoder) process(line []byte) error {
	d.events++
	name, ok := eventName(line)
	if !ok {
		return d.badLine(errors.New(`no "Event" name`))
	}
	var err error
	switch string(name) {
	case "SparkListenerStageSubmitted":
		d.se.reset()
		if err = json.Unmarshal(line, &d.se); err == nil {
			if err = stageKeyOK(&d.se.Info); err == nil {
				info := d.se.Info
				d.stages[stageKey{info.StageID, info.StageAttempt}] = &info
			}
		}
	case "SparkListenerStageCompleted":
		d.se.reset()
		if err = json.Unmarshal(line, &d.se); err == nil {
			if err = stageKeyOK(&d.se.Info); err == nil {
				delete(d.stages, stageKey{d.se.Info.StageID, d.se.Info.StageAttempt})
				delete(d.mapOutputs, stageKey{d.se.Info.StageID, d.se.Info.StageAttempt})
				err = d.emitStage(&d.se.Info, false)
			}
		}
	case "SparkListenerJobStart":
		j := &jobStart{JobID: absent, SubmissionTime: absent}
		if err = json.Unmarshal(line, j); err == nil {
			if err = jobKeyOK(j.JobID); err == nil {
				d.jobs[j.JobID] = j
			}
		}
	case "SparkListenerJobEnd":
		e := jobEnd{JobID: absent, CompletionTime: absent}
		if err = json.Unmarshal(line, &e); err == nil {
			if err = jobKeyOK(e.JobID); err == nil {
				err = d.jobEnd(&e)
			}
		}
	case "SparkListenerExecutorAdded":
		var e executorAdded
		if err = json.Unmarshal(line, &e); err == nil {
			if e.ExecutorID == "" {
				err = errors.New(`missing "Executor ID"`)
			} else {
				d.executors[e.ExecutorID] = &executor{host: e.Info.Host, cores: e.Info.TotalCores, addedAt: e.Timestamp}
			}
		}
	case "SparkListenerExecutorRemoved":
		var e executorRemoved
		if err = json.Unmarshal(line, &e); err == nil {
			if e.ExecutorID == "" {
				err = errors.New(`missing "Executor ID"`)
			} else {
				err = d.executorRemoved(&e)
			}
		}
	case "SparkListenerApplicationStart":
		var e appStart
		if err = json.Unmarshal(line, &e); err == nil {
			d.appStart(&e)
		}
	case "SparkListenerApplicationEnd":
		var e appEnd
		if err = json.Unmarshal(line, &e); err == nil {
			d.endTime = e.Timestamp
		}
	case "SparkListenerEnvironmentUpdate":
		var e envUpdate
		if err = json.Unmarshal(line, &e); err == nil && len(e.SparkProperties) > 0 {
			d.props = e.SparkProperties
		}
	case "SparkListenerLogStart":
		var e logStart
		if err = json.Unmarshal(line, &e); err == nil {
			d.sparkVersion = e.SparkVersion
		}
	default:
		d.skipped++
		return nil
	}
	if err != nil {
		return d.stopOrBad(string(name), err)
	}
	return nil
}

// sinkError carries a failure of Sink.Append, which must stop the decoder
// rather than count a bad line.
type sinkError struct{ err error }

func (e *sinkError) Error() string { return e.err.Error() }

func (d *decoder) appendRow(r store.Row) error {
	if err := d.out.Append(r); err != nil {
		return &sinkError{fmt.Errorf("line %d: %w", d.line, err)}
	}
	return nil
}

func (d *decoder) appStart(e *appStart) {
	if d.sawStart {
		if e.AppID != d.app.AppID || e.AttemptID != d.app.AttemptID {
			d.out.Warn(d.line, fmt.Sprintf("second SparkListenerApplicationStart at line %d (app %q attempt %q) ignored: the log belongs to app %q attempt %q", d.line, e.AppID, e.AttemptID, d.app.AppID, d.app.AttemptID))
		}
		return
	}
	d.sawStart = true
	d.app = *e
	if d.idFixed {
		if e.AppID != d.appID || e.AttemptID != d.attemptID {
			d.out.Warn(d.line, fmt.Sprintf("SparkListenerApplicationStart at line %d names app %q attempt %q, but rows before it were stored under %q", d.line, e.AppID, e.AttemptID, d.appID))
		}
		return
	}
	d.appID, d.attemptID = e.AppID, e.AttemptID
	if d.appID == "" {
		d.appID = nameAppID(d.in.Key)
		d.out.Warn(d.line, fmt.Sprintf("SparkListenerApplicationStart has no App ID: using %q from the object name", d.appID))
	}
}

// key returns the (app_id, attempt_id) of rows emitted now. Before any
// ApplicationStart was read it falls back to the object name, once.
func (d *decoder) key() (string, string) {
	if !d.idFixed {
		d.idFixed = true
		if !d.sawStart {
			d.appID = nameAppID(d.in.Key)
			d.out.Warn(d.line, fmt.Sprintf("no SparkListenerApplicationStart before line %d: rows are stored under app id %q from the object name", d.line, d.appID))
		}
	}
	return d.appID, d.attemptID
}

func (d *decoder) taskStart(ts *taskStart) error {
	if err := requireID("Task ID", ts.Info.TaskID); err != nil {
		return err
	}
	d.tasks[ts.Info.TaskID] = *ts
	return nil
}

func (d *decoder) taskEnd(t *taskEnd) error {
	if err := requireID("Task ID", t.Info.TaskID); err != nil {
		return err
	}
	delete(d.tasks, t.Info.TaskID)
	m := &absentMetrics
	has := t.hasMetrics()
	if has {
		m = t.Metrics
	}
	sk := stageKey{t.StageID, t.StageAttempt}
	switch {
	case has && t.Reason.Reason == "Success" && t.TaskType == "ShuffleMapTask":
		outs := d.mapOutputs[sk]
		if outs == nil {
			outs = map[int64]*taskMetrics{}
			d.mapOutputs[sk] = outs
		}
		kept := *t.Metrics
		outs[t.Info.TaskID] = &kept
	case !has && t.Reason.Reason == "Resubmitted":
		if prev := d.mapOutputs[sk][t.Info.TaskID]; prev != nil {
			m, has = prev, true
			delete(d.mapOutputs[sk], t.Info.TaskID)
		}
	}
	tr := d.taskStarted(t.StageID, t.StageAttempt, &t.Info)
	r := &tr.row
	r.FinishTime = d.optTime(&tr.finish, "Finish Time", t.Info.FinishTime)
	r.TaskType = optString(&tr.taskType, t.TaskType)
	r.EndReason = optString(&tr.endReason, t.Reason.Reason)
	r.ErrorDescription = t.Reason.errorText()
	tr.hasMetrics = has
	r.HasMetrics = &tr.hasMetrics
	v := &tr.metrics
	r.ExecutorRunTimeMs = d.metric(&v[0], "Executor Run Time", m.ExecutorRunTime)
	r.ExecutorCPUTimeNs = d.metric(&v[1], "Executor CPU Time", m.ExecutorCPUTime)
	r.JvmGCTimeMs = d.metric(&v[2], "JVM GC Time", m.JVMGCTime)
	r.ResultSize = d.metric(&v[3], "Result Size", m.ResultSize)
	r.PeakExecutionMemory = d.metric(&v[4], "Peak Execution Memory", m.PeakExecutionMemory)
	r.MemoryBytesSpilled = d.metric(&v[5], "Memory Bytes Spilled", m.MemoryBytesSpilled)
	r.DiskBytesSpilled = d.metric(&v[6], "Disk Bytes Spilled", m.DiskBytesSpilled)
	r.ShuffleBytesWritten = d.metric(&v[7], "Shuffle Bytes Written", m.ShuffleWrite.BytesWritten)
	r.ShuffleRecordsWritten = d.metric(&v[8], "Shuffle Records Written", m.ShuffleWrite.RecordsWritten)
	r.ShuffleWriteTimeNs = d.metric(&v[9], "Shuffle Write Time", m.ShuffleWrite.WriteTime)
	r.ShuffleRemoteBytesRead = d.metric(&v[10], "Remote Bytes Read", m.ShuffleRead.RemoteBytesRead)
	r.ShuffleLocalBytesRead = d.metric(&v[11], "Local Bytes Read", m.ShuffleRead.LocalBytesRead)
	r.ShuffleRemoteBytesReadToDisk = d.metric(&v[12], "Remote Bytes Read To Disk", m.ShuffleRead.RemoteBytesReadToDisk)
	r.ShuffleRecordsRead = d.metric(&v[13], "Total Records Read", m.ShuffleRead.TotalRecordsRead)
	r.InputBytes = d.metric(&v[14], "Bytes Read", m.Input.BytesRead)
	r.InputRecords = d.metric(&v[15], "Records Read", m.Input.RecordsRead)
	r.OutputBytes = d.metric(&v[16], "Bytes Written", m.Output.BytesWritten)
	r.OutputRecords = d.metric(&v[17], "Records Written", m.Output.RecordsWritten)
	return d.addTask()
}

// taskStarted starts d.task with what a task's TaskStart already says:
// app_id to launch_time, failed, killed and speculative, and log_events;
// the columns its TaskEnd says are NULL, has_metrics false.
func (d *decoder) taskStarted(stageID, stageAttempt int64, info *taskInfo) *taskRow {
	app, attempt := d.key()
	tr := &d.task
	part, partField := info.PartitionID, "Partition ID"
	if part == absent || part < 0 {
		part, partField = info.Index, "Index"
	}
	tr.failed, tr.killed, tr.speculative, tr.hasMetrics = info.Failed, info.Killed, info.Speculative, false
	tr.row = store.SparkTask{AppID: app, AttemptID: attempt, TaskID: info.TaskID,
		StageID: d.int32Of(&tr.stageID, "Stage ID", stageID), StageAttempt: d.int32Of(&tr.stageAttempt, "Stage Attempt ID", stageAttempt),
		TaskIndex: d.int32Of(&tr.index, "Index", info.Index), TaskAttempt: d.int32Of(&tr.attempt, "Attempt", info.Attempt),
		PartitionID: d.int32Of(&tr.part, partField, part),
		ExecutorID:  optString(&tr.executorID, info.ExecutorID), Host: optString(&tr.host, info.Host),
		LaunchTime: d.optTime(&tr.launch, "Launch Time", info.LaunchTime),
		Failed:     &tr.failed, Killed: &tr.killed, Speculative: &tr.speculative, HasMetrics: &tr.hasMetrics,
		LogEvents: d.events}
	return tr
}

// emitOpenTask writes a task that started and never ended.
func (d *decoder) emitOpenTask(t *taskStart) error {
	d.taskStarted(t.StageID, t.StageAttempt, &t.Info)
	return d.addTask()
}

func (d *decoder) emitStage(s *stageInfo, active bool) error {
	app, attempt := d.key()
	status := "complete"
	var failure *string
	switch {
	case active:
		status = "active"
	case s.FailureReason != nil:
		status, failure = "failed", s.FailureReason
	}
	return d.appendRow(&store.SparkStage{AppID: app, AttemptID: attempt, StageID: int32(s.StageID), StageAttempt: int32(s.StageAttempt),
		StageName: nullStr(s.StageName), NumTasks: d.int32Of(new(int32), "Number of Tasks", s.NumTasks), ParentIDs: rawArray(s.ParentIDs),
		SubmissionTime: d.msTime("Submission Time", s.SubmissionTime), CompletionTime: d.msTime("Completion Time", s.CompletionTime), FailureReason: failure,
		Status: &status, LogEvents: d.events})
}

func (d *decoder) jobEnd(e *jobEnd) error {
	app, attempt := d.key()
	start := d.jobs[e.JobID]
	delete(d.jobs, e.JobID)
	r := &store.SparkJob{AppID: app, AttemptID: attempt, JobID: int32(e.JobID), CompletionTime: d.msTime("Completion Time", e.CompletionTime),
		Result: nullStr(e.Result.Result), FailureReason: e.Result.Exception.Message, LogEvents: d.events}
	if start != nil {
		r.SubmissionTime, r.StageIDs = d.msTime("Submission Time", start.SubmissionTime), rawArray(start.StageIDs)
	}
	return d.appendRow(r)
}

func (d *decoder) executorRemoved(e *executorRemoved) error {
	app, attempt := d.key()
	x := d.executors[e.ExecutorID]
	delete(d.executors, e.ExecutorID)
	r := &store.SparkExecutor{AppID: app, AttemptID: attempt, ExecutorID: e.ExecutorID,
		RemovedAt: d.msTime("Timestamp", e.Timestamp), RemovedReason: nullStr(e.Reason), LogEvents: d.events}
	if x != nil {
		r.Host, r.TotalCores, r.AddedAt = nullStr(x.host), d.int32Of(new(int32), "Total Cores", x.cores), d.msTime("Timestamp", x.addedAt)
	}
	return d.appendRow(r)
}

// finish emits what is still open (executors, stages, jobs, tasks) and the
// application row.
func (d *decoder) finish() error {
	if d.in.CutParts != nil && d.in.CutParts() > 0 {
		d.trunc = true // a rolling part was cut (the pipeline warned, naming it)
	}
	app, attempt := d.key()
	for _, id := range sortedKeys(d.executors) {
		x := d.executors[id]
		if err := d.appendRow(&store.SparkExecutor{AppID: app, AttemptID: attempt, ExecutorID: id, Host: nullStr(x.host),
			TotalCores: d.int32Of(new(int32), "Total Cores", x.cores), AddedAt: d.msTime("Timestamp", x.addedAt), LogEvents: d.events}); err != nil {
			return err.(*sinkError).err
		}
	}
	stageKeys := make([]stageKey, 0, len(d.stages))
	for k := range d.stages {
		stageKeys = append(stageKeys, k)
	}
	sort.Slice(stageKeys, func(i, j int) bool {
		a, b := stageKeys[i], stageKeys[j]
		return a.id < b.id || a.id == b.id && a.attempt < b.attempt
	})
	for _, k := range stageKeys {
		if err := d.emitStage(d.stages[k], true); err != nil {
			return err.(*sinkError).err
		}
	}
	for _, id := range sortedKeys(d.jobs) {
		j := d.jobs[id]
		if err := d.appendRow(&store.SparkJob{AppID: app, AttemptID: attempt, JobID: int32(id), SubmissionTime: d.msTime("Submission Time", j.SubmissionTime),
			StageIDs: rawArray(j.StageIDs), LogEvents: d.events}); err != nil {
			return err.(*sinkError).err
		}
	}
	for _, id := range sortedKeys(d.tasks) {
		t := d.tasks[id]
		if err := d.emitOpenTask(&t); err != nil {
			return err.(*sinkError).err
		}
	}
	if err := d.flushTasks(); err != nil {
		return err.(*sinkError).err
	}
	if err := d.emitApp(app, attempt); err != nil {
		return err.(*sinkError).err
	}
	d.out.SkipRecords(d.skipped)
	d.warnValues()
	return nil
}

func (d *decoder) emitApp(app, attempt string) error {
	var conf appConf
	var propsText *string
	if len(d.props) > 0 {
		props := map[string]string{}
		if err := json.Unmarshal(d.props, &props); err != nil {
			d.out.Warn(-1, fmt.Sprintf("reading Spark Properties: %v", err))
		} else {
			conf = parseConf(props)
			for _, p := range conf.problems {
				d.out.Warn(-1, p)
			}
		}
		propsText = store.Ptr(string(d.props))
	}
	codec := d.in.Codec
	if codec == "" {
		codec = "plain"
	}
	version := d.sparkVersion
	for _, p := range d.in.PartNames {
		base := path.Base(p)
		if v, ok := strings.CutPrefix(base, legacyVersion); ok && version == "" {
			version = v
		}
		if c, ok := strings.CutPrefix(base, legacyCodec); ok {
			// The markers come first and are empty, so the pipeline's codec
			// is theirs ("plain"); the marker names the log's codec class.
			codec = legacyCodecName(c)
		}
	}
	// Completed means the log holds SparkListenerApplicationEnd. The file
	// names (.inprogress, appstatus, APPLICATION_COMPLETE) are not needed
	// for it: Spark renames only after writing that event, and a renamed
	// copy with the same bytes is a duplicate the loader does not re-read.
	completed := d.endTime != absent
	r := &store.SparkApp{AppID: app, AttemptID: attempt, SparkVersion: nullStr(version), EndTime: d.msTime("Timestamp", d.endTime), Completed: &completed,
		GlueJobName: conf.glueJobName, GlueJobRunID: conf.glueJobRunID, ShufflePartitions: conf.shufflePartitions,
		IOCompressionCodec: conf.ioCodec, EventlogCodec: &codec, AdaptiveEnabled: conf.adaptive,
		AdaptiveCoalesceEnabled: conf.coalesce, AdaptiveSkewjoinEnabled: conf.skew, AdvisoryPartitionBytes: conf.advisoryBytes,
		ExecutorCores: conf.executorCores, ExecutorMemory: conf.executorMemory, SparkProperties: propsText,
		BadLines: &d.bad, Truncated: &d.trunc, SourceURI: &d.in.URI, LogEvents: d.events}
	if d.sawStart {
		r.AppName, r.SparkUser, r.StartTime = nullStr(d.app.AppName), nullStr(d.app.User), d.msTime("Timestamp", d.app.Timestamp)
	}
	return d.appendRow(r)
}

// legacyCodecName maps a Spark ≤ 1.2 COMPRESSION_CODEC_<class> marker to
// the codec's short name: org.apache.spark.io.LZFCompressionCodec → "lzf".
func legacyCodecName(class string) string {
	name := class[strings.LastIndexByte(class, '.')+1:]
	return strings.ToLower(strings.TrimSuffix(name, "CompressionCodec"))
}

func sortedKeys[K string | int64, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// nullStr maps "" to NULL.
var nullStr = store.OptString

// rawArray keeps a JSON array as written ("[0,1]"); absent or null is NULL.
func rawArray(b json.RawMessage) *string {
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	return store.Ptr(string(b))
}
