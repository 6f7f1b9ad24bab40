package sparklog

import (
	"bytes"
	"errors"
	"fmt"
	"math"

	"github.com/gluelens/gluelens/ingest/internal/jsonscan"
	"github.com/goccy/go-json"
)

// TaskStart and TaskEnd lines are nearly all of an event log's bytes, and
// most of a TaskEnd line is what gluelens does not keep: the Accumulables
// array and the Task Executor Metrics object. The decoders below walk such a
// line once, read the members the tables need straight into taskEnd and
// taskStart, and step over every other value with jsonscan, which checks the
// structure of what it skips (brackets, strings, stray bytes) without
// building anything. A general-purpose unmarshaller spends most of its time
// on those skipped parts.
//
// They follow the rules of the unmarshaller they replace, so a line decodes
// to the same struct either way (decoder_test.go checks this on every real
// log and under fuzzing): keys match exactly or else case-insensitively,
// the last of repeated keys wins, null leaves a field as it was (and sets a
// pointer to nil), a number with a fraction or exponent or out of range for
// int64 is an error (the one departure: that unmarshaller wraps an
// out-of-range integer around; see errOutOfRange), and strings with escapes or non-ASCII bytes are decoded
// by that unmarshaller itself.

// errOutOfRange is a number too large for int64. Here the scanner differs
// from goccy/go-json on purpose: that library wraps such a number around
// silently (2^63 reads as -2^63, which is the decoder's "absent" marker).
var errOutOfRange = errors.New("number out of range for int64")

// lineScanner reads one JSON line.
type lineScanner struct {
	b []byte
	i int
	// strs holds the values of str fields seen before (hosts, executor ids,
	// reasons repeat on every line), so each is allocated once; nil: none.
	strs map[string]string
	// keys guesses each object's member names from the last object of its
	// kind; nil: no guessing.
	keys *keyGuesses
}

// scanCache is what the decoding of one line passes on to the next on the
// same goroutine: interned string values and the key guesses.
type scanCache struct {
	strs map[string]string
	keys keyGuesses
}

func newScanCache() *scanCache { return &scanCache{strs: map[string]string{}} }

// Spark writes the members of an object of a kind in the same order on
// every line, so the key at a member's position is nearly always the key
// the last object of that kind had there. keyGuess remembers those keys
// as written (with their quotes) and which name each is: when the line
// holds exactly those bytes at the member's start, the key is that one,
// ending where they end (a key without a backslash ends at its first
// quote), and neither its scan nor its lookup is needed. Any other key
// is read as usual and replaces the guess from that position on.
type keyGuess struct {
	raw [][]byte
	idx []int
}

// keyGuesses holds a guess per fieldSet.
type keyGuesses [maxFieldSets]keyGuess

// maxGuessed bounds the members of one object a guess remembers, and
// maxGuessedKey the length of a key it remembers (with its quotes).
const (
	maxGuessed    = 64
	maxGuessedKey = 66
)

func newLineScanner(line []byte, c *scanCache) lineScanner {
	if c == nil {
		return lineScanner{b: line}
	}
	return lineScanner{b: line, strs: c.strs, keys: &c.keys}
}

// maxInterned bounds lineScanner.strs.
const maxInterned = 4096

func (s *lineScanner) errAt(i int, format string, args ...any) error {
	return fmt.Errorf("offset %d: %s", i, fmt.Sprintf(format, args...))
}

func (s *lineScanner) found(i int) string {
	if i >= len(s.b) {
		return "end of line"
	}
	return fmt.Sprintf("%q", s.b[i])
}

// fieldSet finds a member name among the few a struct keeps, by length
// first: most keys of a line are not kept and have no name of their length.
type fieldSet struct {
	names []string
	byLen [32][]uint8 // indexes into names, by name length
	id    int         // its keyGuesses slot
}

// fieldSets counts the fieldSets made, which are package variables: each
// has a keyGuesses slot.
var fieldSets int

const maxFieldSets = 16

func newFieldSet(names ...string) *fieldSet {
	if fieldSets == maxFieldSets {
		panic("sparklog: more fieldSets than keyGuesses has slots")
	}
	f := &fieldSet{names: names, id: fieldSets}
	fieldSets++
	for i, n := range names {
		f.byLen[len(n)] = append(f.byLen[len(n)], uint8(i))
	}
	return f
}

// index returns the index of key among the names: an exact match, else a
// case-insensitive one, else -1.
func (f *fieldSet) index(key []byte) int {
	if len(key) >= len(f.byLen) {
		return -1
	}
	cands := f.byLen[len(key)]
	for _, i := range cands {
		if string(key) == f.names[i] {
			return int(i)
		}
	}
	for _, i := range cands {
		if bytes.EqualFold(key, []byte(f.names[i])) {
			return int(i)
		}
	}
	return -1
}

// object walks the object at s.i. For each member whose key is in names it
// calls field with the key's index and s.i at the value, which field must
// consume; other values are skipped.
func (s *lineScanner) object(names *fieldSet, field func(int) error) error {
	b := s.b
	i := jsonscan.SkipSpace(b, s.i)
	if i >= len(b) || b[i] != '{' {
		return s.errAt(i, "expected an object, found %s", s.found(i))
	}
	i = jsonscan.SkipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		s.i = i + 1
		return nil
	}
	var g *keyGuess
	if s.keys != nil {
		g = &s.keys[names.id]
	}
	for pos := 0; ; pos++ {
		if i >= len(b) || b[i] != '"' {
			return s.errAt(i, "expected an object key, found %s", s.found(i))
		}
		var key []byte
		var end, f int
		if g != nil && pos < len(g.raw) && bytes.HasPrefix(b[i:], g.raw[pos]) {
			end = i + len(g.raw[pos])
			key, f = b[i+1:end-1], g.idx[pos]
		} else {
			var escaped bool
			var err error
			if end, escaped, err = jsonscan.String(b, i); err != nil {
				return err
			}
			key = b[i+1 : end-1]
			if escaped {
				var k string
				if err := json.Unmarshal(b[i:end], &k); err != nil {
					return s.errAt(i, "reading key: %v", err)
				}
				key = []byte(k)
			}
			f = names.index(key)
			if g != nil && !escaped && pos < maxGuessed && end-i <= maxGuessedKey {
				g.raw, g.idx = append(g.raw[:pos], bytes.Clone(b[i:end])), append(g.idx[:pos], f)
			}
		}
		i = jsonscan.SkipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return s.errAt(i, "expected ':' after key %q, found %s", key, s.found(i))
		}
		s.i = jsonscan.SkipSpace(b, i+1)
		var err error
		if f >= 0 {
			if err := field(f); err != nil {
				return fmt.Errorf("%q: %w", key, err)
			}
		} else if s.i, err = jsonscan.SkipValue(b, s.i); err != nil {
			return err
		}
		i = jsonscan.SkipSpace(b, s.i)
		switch {
		case i < len(b) && b[i] == ',':
			i = jsonscan.SkipSpace(b, i+1)
		case i < len(b) && b[i] == '}':
			s.i = i + 1
			return nil
		default:
			return s.errAt(i, "expected ',' or '}' in object, found %s", s.found(i))
		}
	}
}

// null consumes a null at s.i and reports whether there was one.
func (s *lineScanner) null() bool {
	s.i = jsonscan.SkipSpace(s.b, s.i)
	if bytes.HasPrefix(s.b[s.i:], []byte("null")) {
		s.i += 4
		return true
	}
	return false
}

// integer reads a JSON integer into dst; null leaves dst as it was.
func (s *lineScanner) integer(dst *int64) error {
	if s.null() {
		return nil
	}
	b, i := s.b, s.i
	neg := i < len(b) && b[i] == '-'
	if neg {
		i++
	}
	start := i
	var v uint64
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		d := uint64(b[i] - '0')
		if v > (math.MaxUint64-d)/10 {
			return fmt.Errorf("offset %d: %w", start, errOutOfRange)
		}
		v = v*10 + d
		i++
	}
	if i == start {
		return s.errAt(s.i, "expected an integer, found %s", s.found(s.i))
	}
	if b[start] == '0' && i > start+1 {
		return s.errAt(start, "number with a leading zero")
	}
	if i < len(b) && (b[i] == '.' || b[i] == 'e' || b[i] == 'E') {
		return s.errAt(s.i, "expected an integer, found a number with a fraction or exponent")
	}
	switch {
	case !neg && v <= math.MaxInt64:
		*dst = int64(v)
	case neg && v <= 1<<63:
		*dst = -int64(v-1) - 1
	default:
		return fmt.Errorf("offset %d: %w", start, errOutOfRange)
	}
	s.i = i
	return nil
}

// str reads a JSON string into dst; null leaves dst as it was.
func (s *lineScanner) str(dst *string) error {
	if s.null() {
		return nil
	}
	v, err := s.stringValue(s.strs)
	if err == nil {
		*dst = v
	}
	return err
}

// strPtr reads a JSON string into a new *string; null sets dst to nil.
func (s *lineScanner) strPtr(dst **string) error {
	if s.null() {
		*dst = nil
		return nil
	}
	v, err := s.stringValue(nil)
	if err == nil {
		*dst = &v
	}
	return err
}

// stringValue reads a JSON string, reusing an equal string of strs.
func (s *lineScanner) stringValue(strs map[string]string) (string, error) {
	b, i := s.b, s.i
	if i >= len(b) || b[i] != '"' {
		return "", s.errAt(i, "expected a string, found %s", s.found(i))
	}
	end, escaped, err := jsonscan.String(b, i)
	if err != nil {
		return "", err
	}
	s.i = end
	raw := b[i+1 : end-1]
	if escaped || !printableASCII(raw) {
		var v string
		if err := json.Unmarshal(b[i:end], &v); err != nil {
			return "", s.errAt(i, "reading string: %v", err)
		}
		return v, nil
	}
	if strs == nil {
		return string(raw), nil
	}
	if v, ok := strs[string(raw)]; ok {
		return v, nil
	}
	v := string(raw)
	if len(strs) < maxInterned {
		strs[v] = v
	}
	return v, nil
}

// printableASCII reports whether b holds only bytes 0x20–0x7e: such a
// string without escapes is its own value.
func printableASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// boolean reads true or false into dst; null leaves dst as it was.
func (s *lineScanner) boolean(dst *bool) error {
	rest := s.b[s.i:]
	switch {
	case bytes.HasPrefix(rest, []byte("true")):
		*dst, s.i = true, s.i+4
	case bytes.HasPrefix(rest, []byte("false")):
		*dst, s.i = false, s.i+5
	case bytes.HasPrefix(rest, []byte("null")):
		s.i += 4
	default:
		return s.errAt(s.i, "expected true or false, found %s", s.found(s.i))
	}
	return nil
}

// nested reads an object member into a struct; null leaves it as it was.
func (s *lineScanner) nested(names *fieldSet, field func(int) error) error {
	if s.null() {
		return nil
	}
	return s.object(names, field)
}

// end checks that nothing but whitespace follows the top-level object.
func (s *lineScanner) end() error {
	if i := jsonscan.SkipSpace(s.b, s.i); i < len(s.b) {
		return s.errAt(i, "unexpected %s after the event object", s.found(i))
	}
	return nil
}

var taskInfoFields = newFieldSet("Task ID", "Index", "Attempt", "Partition ID", "Launch Time", "Executor ID",
	"Host", "Speculative", "Finish Time", "Failed", "Killed")

func (s *lineScanner) taskInfo(t *taskInfo) error {
	return s.nested(taskInfoFields, func(f int) error {
		switch f {
		case 0:
			return s.integer(&t.TaskID)
		case 1:
			return s.integer(&t.Index)
		case 2:
			return s.integer(&t.Attempt)
		case 3:
			return s.integer(&t.PartitionID)
		case 4:
			return s.integer(&t.LaunchTime)
		case 5:
			return s.str(&t.ExecutorID)
		case 6:
			return s.str(&t.Host)
		case 7:
			return s.boolean(&t.Speculative)
		case 8:
			return s.integer(&t.FinishTime)
		case 9:
			return s.boolean(&t.Failed)
		default:
			return s.boolean(&t.Killed)
		}
	})
}

var endReasonFields = newFieldSet("Reason", "Description", "Loss Reason", "Kill Reason", "Message")

func (s *lineScanner) endReason(r *endReason) error {
	return s.nested(endReasonFields, func(f int) error {
		switch f {
		case 0:
			return s.str(&r.Reason)
		case 1:
			return s.strPtr(&r.Description)
		case 2:
			return s.strPtr(&r.LossReason)
		case 3:
			return s.strPtr(&r.KillReason)
		default:
			return s.strPtr(&r.Message)
		}
	})
}

var (
	metricsFields = newFieldSet("Executor Run Time", "Executor CPU Time", "JVM GC Time", "Result Size",
		"Peak Execution Memory", "Memory Bytes Spilled", "Disk Bytes Spilled",
		"Shuffle Read Metrics", "Shuffle Write Metrics", "Input Metrics", "Output Metrics")
	shuffleReadFields  = newFieldSet("Remote Bytes Read", "Local Bytes Read", "Remote Bytes Read To Disk", "Total Records Read")
	shuffleWriteFields = newFieldSet("Shuffle Bytes Written", "Shuffle Records Written", "Shuffle Write Time")
	inputFields        = newFieldSet("Bytes Read", "Records Read")
	outputFields       = newFieldSet("Bytes Written", "Records Written")
)

// integers reads an object whose kept members are all integers.
func (s *lineScanner) integers(names *fieldSet, dst ...*int64) error {
	return s.nested(names, func(f int) error { return s.integer(dst[f]) })
}

// metrics reads "Task Metrics" into *m; null sets t.Metrics to nil.
func (s *lineScanner) metrics(t *taskEnd, m *taskMetrics) error {
	if s.null() {
		t.Metrics = nil
		return nil
	}
	if t.Metrics == nil {
		*m = taskMetrics{}
		t.Metrics = m
	}
	m = t.Metrics
	return s.object(metricsFields, func(f int) error {
		switch f {
		case 0:
			return s.integer(&m.ExecutorRunTime)
		case 1:
			return s.integer(&m.ExecutorCPUTime)
		case 2:
			return s.integer(&m.JVMGCTime)
		case 3:
			return s.integer(&m.ResultSize)
		case 4:
			return s.integer(&m.PeakExecutionMemory)
		case 5:
			return s.integer(&m.MemoryBytesSpilled)
		case 6:
			return s.integer(&m.DiskBytesSpilled)
		case 7:
			r := &m.ShuffleRead
			return s.integers(shuffleReadFields, &r.RemoteBytesRead, &r.LocalBytesRead, &r.RemoteBytesReadToDisk, &r.TotalRecordsRead)
		case 8:
			w := &m.ShuffleWrite
			return s.integers(shuffleWriteFields, &w.BytesWritten, &w.RecordsWritten, &w.WriteTime)
		case 9:
			return s.integers(inputFields, &m.Input.BytesRead, &m.Input.RecordsRead)
		default:
			return s.integers(outputFields, &m.Output.BytesWritten, &m.Output.RecordsWritten)
		}
	})
}

var taskEndFields = newFieldSet("Stage ID", "Stage Attempt ID", "Task Type", "Task End Reason", "Task Info", "Task Metrics")

// decodeTaskEnd reads a SparkListenerTaskEnd line into t, which reset has
// prepared with metrics as the target of "Task Metrics". c, if not nil,
// interns the values of string fields and guesses keys (see keyGuess).
func decodeTaskEnd(line []byte, t *taskEnd, metrics *taskMetrics, c *scanCache) error {
	s := newLineScanner(line, c)
	err := s.nested(taskEndFields, func(f int) error {
		switch f {
		case 0:
			return s.integer(&t.StageID)
		case 1:
			return s.integer(&t.StageAttempt)
		case 2:
			return s.str(&t.TaskType)
		case 3:
			return s.endReason(&t.Reason)
		case 4:
			return s.taskInfo(&t.Info)
		default:
			return s.metrics(t, metrics)
		}
	})
	if err != nil {
		return err
	}
	return s.end()
}

var taskStartFields = newFieldSet("Stage ID", "Stage Attempt ID", "Task Info")

// decodeTaskStart reads a SparkListenerTaskStart line into t (after reset).
func decodeTaskStart(line []byte, t *taskStart, c *scanCache) error {
	s := newLineScanner(line, c)
	err := s.nested(taskStartFields, func(f int) error {
		switch f {
		case 0:
			return s.integer(&t.StageID)
		case 1:
			return s.integer(&t.StageAttempt)
		default:
			return s.taskInfo(&t.Info)
		}
	})
	if err != nil {
		return err
	}
	return s.end()
}
