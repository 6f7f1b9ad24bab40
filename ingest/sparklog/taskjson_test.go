package sparklog

import (
	"bufio"
	"bytes"
	stdjson "encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"sync"
	"testing"

	"github.com/gluelens/gluelens/ingest/codec"
	"github.com/gluelens/gluelens/internal/testutil"
	"github.com/goccy/go-json"
)

// The hand decoders of taskjson.go must read every TaskStart and TaskEnd
// line into exactly what the general unmarshaller (goccy/go-json, which they
// replaced on the hot path) reads, and fail where it fails.

type taskResult struct {
	end     taskEnd
	metrics taskMetrics
	start   taskStart
	err     bool
	cause   error
}

// viaUnmarshal is the reference: the struct tags of events.go, decoded by goccy/go-json.
func viaUnmarshal(line []byte, isEnd bool) taskResult {
	var r taskResult
	if isEnd {
		r.end.reset(&r.metrics)
		r.err = json.Unmarshal(line, &r.end) != nil
	} else {
		r.start.reset()
		r.err = json.Unmarshal(line, &r.start) != nil
	}
	return r
}

// scannerCache is the scanCache viaScanner carries from line to line, as
// a batch does: the key guesses of one line are tried on the next.
var (
	scannerCacheMu sync.Mutex
	scannerCache   = newScanCache()
)

func viaScanner(line []byte, isEnd bool) taskResult {
	scannerCacheMu.Lock()
	defer scannerCacheMu.Unlock()
	var r taskResult
	if isEnd {
		r.end.reset(&r.metrics)
		r.cause = decodeTaskEnd(line, &r.end, &r.metrics, scannerCache)
	} else {
		r.start.reset()
		r.cause = decodeTaskStart(line, &r.start, scannerCache)
	}
	r.err = r.cause != nil
	return r
}

// sameResult compares two results; a Metrics pointer is compared by what it
// points to (each result points into itself).
func sameResult(a, b taskResult) bool {
	if a.err || b.err {
		return a.err == b.err
	}
	am, bm := a.end.Metrics, b.end.Metrics
	if (am == nil) != (bm == nil) || am != nil && *am != *bm {
		return false
	}
	a.end.Metrics, b.end.Metrics = nil, nil
	return reflect.DeepEqual(a.end, b.end) && reflect.DeepEqual(a.start, b.start)
}

func checkSame(t *testing.T, where string, line []byte, isEnd bool) {
	t.Helper()
	want, got := viaUnmarshal(line, isEnd), viaScanner(line, isEnd)
	if errors.Is(got.cause, errOutOfRange) {
		return // the unmarshaller wraps such numbers around (see errOutOfRange)
	}
	if !sameResult(want, got) {
		t.Errorf("%s: %.300s\nunmarshal: err=%v end=%+v metrics=%+v start=%+v\nscanner:   err=%v end=%+v metrics=%+v start=%+v",
			where, line, want.err, want.end, want.end.Metrics, want.start, got.err, got.end, got.end.Metrics, got.start)
	}
}

// TestTaskLinesOfRealLogs decodes every TaskStart and TaskEnd line of every
// real event log both ways.
func TestTaskLinesOfRealLogs(t *testing.T) {
	var files, ends, starts int
	for _, dir := range []string{"spark-events", "spark-events-thirdparty"} {
		root := testutil.RealData(t, dir)
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			files++
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			dec, _, err := codec.Detect(bufio.NewReader(f))
			if err != nil {
				return nil // not a log this test reads (a marker or an unknown codec)
			}
			plain, err := io.ReadAll(dec)
			if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Logf("%s: read %d bytes, then %v", path, len(plain), err)
			}
			for n, line := range bytes.Split(plain, []byte("\n")) {
				line = bytes.TrimSpace(line)
				name, ok := eventName(line)
				if !ok {
					continue
				}
				switch string(name) {
				case "SparkListenerTaskEnd":
					ends++
					checkSame(t, path+":"+strconv.Itoa(n+1), line, true)
				case "SparkListenerTaskStart":
					starts++
					checkSame(t, path+":"+strconv.Itoa(n+1), line, false)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// The real logs hold tens of thousands of task lines (SOURCES.md).
	if ends < 20000 || starts < 20000 {
		t.Fatalf("only %d TaskEnd and %d TaskStart lines in %d files", ends, starts, files)
	}
	t.Logf("%d files, %d TaskEnd and %d TaskStart lines decode alike", files, ends, starts)
}

// taskLineCases are the edge cases of the JSON grammar and of the
// unmarshaller's rules, each decoded both ways.
var taskLineCases = []struct {
	name string
	line string
	end  bool
}{
	{"complete", `{"Event":"SparkListenerTaskEnd","Stage ID":3,"Stage Attempt ID":1,"Task Type":"ResultTask","Task End Reason":{"Reason":"ExceptionFailure","Description":"java.io.IOException: No space left on device","Stack Trace":[{"Declaring Class":"x"}]},"Task Info":{"Task ID":9,"Index":2,"Attempt":1,"Partition ID":2,"Launch Time":1,"Executor ID":"4","Host":"h","Locality":"ANY","Speculative":true,"Getting Result Time":0,"Finish Time":5,"Failed":true,"Killed":false,"Accumulables":[{"ID":1,"Name":"a]b}c\"d","Value":"[{"}]},"Task Executor Metrics":{"JVMHeapMemory":1},"Task Metrics":{"Executor Run Time":7,"Executor CPU Time":8,"JVM GC Time":9,"Result Size":10,"Peak Execution Memory":11,"Memory Bytes Spilled":12,"Disk Bytes Spilled":13,"Shuffle Read Metrics":{"Remote Bytes Read":14,"Local Bytes Read":15,"Remote Bytes Read To Disk":16,"Total Records Read":17},"Shuffle Write Metrics":{"Shuffle Bytes Written":18,"Shuffle Records Written":19,"Shuffle Write Time":20},"Input Metrics":{"Bytes Read":21,"Records Read":22},"Output Metrics":{"Bytes Written":23,"Records Written":24},"Updated Blocks":[]}}`, true},
	{"start", `{"Event":"SparkListenerTaskStart","Stage ID":0,"Stage Attempt ID":0,"Task Info":{"Task ID":1,"Index":0,"Attempt":0,"Launch Time":1422981759269,"Executor ID":"<driver>","Host":"localhost","Locality":"PROCESS_LOCAL","Speculative":false,"Getting Result Time":0,"Finish Time":0,"Failed":false,"Accumulables":[]}}`, false},
	{"whitespace everywhere", " { \"Stage ID\" : 1 ,\t\"Task Info\" : { \"Task ID\" : -5 , \"Host\" : \"a b\" } , \"Task Metrics\" : { \"Result Size\" : 0 } } ", true},
	{"null metrics", `{"Task Info":{"Task ID":1},"Task Metrics":null}`, true},
	{"null then object metrics", `{"Task Metrics":null,"Task Metrics":{"Result Size":3},"Task Info":{"Task ID":1}}`, true},
	{"null fields", `{"Stage ID":null,"Task Type":null,"Task End Reason":{"Reason":null,"Description":null},"Task Info":{"Task ID":null,"Host":null,"Failed":null},"Task Metrics":{"Shuffle Read Metrics":null}}`, true},
	{"null nested", `{"Task Info":null,"Task End Reason":null}`, true},
	{"repeated key, last wins", `{"Stage ID":1,"Stage ID":2,"Task Info":{"Host":"a","Host":"b"}}`, true},
	{"keys in other case", `{"stage id":4,"TASK INFO":{"task id":6,"executor id":"x"},"task metrics":{"result size":1}}`, true},
	{"escaped strings", `{"Task Type":"Shuffle\u004dapTask","Task End Reason":{"Reason":"ExceptionFailure","Description":"a\"b\\c\nd\u00e9\ud83d\ude00"},"Task Info":{"Host":"h\/1"}}`, true},
	{"escaped key", `{"Stage\u0020ID":7}`, true},
	{"non-ASCII string", `{"Task Info":{"Host":"hôte-1"}}`, true},
	{"invalid UTF-8 string", "{\"Task Info\":{\"Host\":\"h\xff\xfe\"}}", true},
	{"negative and extreme integers", `{"Stage ID":-9223372036854775808,"Task Info":{"Task ID":9223372036854775807,"Launch Time":-1}}`, true},
	{"integer overflow", `{"Task Info":{"Task ID":9223372036854775808}}`, true},
	{"negative overflow", `{"Stage ID":-9223372036854775809}`, true},
	{"fraction", `{"Stage ID":1.5}`, true},
	{"exponent", `{"Task Info":{"Launch Time":1e3}}`, true},
	{"string for integer", `{"Task Info":{"Task ID":"1"}}`, true},
	{"integer for string", `{"Task Type":5}`, true},
	{"integer for bool", `{"Task Info":{"Failed":1}}`, true},
	{"array for object", `{"Task Info":[1]}`, true},
	{"number for metrics", `{"Task Metrics":5}`, true},
	{"truncated", `{"Stage ID":1,"Task Info":{"Task ID":1,"Accumulables":[{"ID":1,"Name":"x`, true},
	{"truncated in kept value", `{"Stage ID":12`, true},
	{"mismatched brackets", `{"Task Info":{"Accumulables":[{"ID":1}}}`, true},
	{"trailing garbage", `{"Stage ID":1} x`, true},
	{"two objects", `{"Stage ID":1}{"Stage ID":2}`, true},
	{"not an object", `[{"Stage ID":1}]`, true},
	{"empty object", `{}`, true},
	{"null line", ` null `, true},
	{"missing colon", `{"Stage ID" 1}`, true},
	{"missing comma", `{"Stage ID":1 "Task Type":"x"}`, true},
	{"trailing comma", `{"Stage ID":1,}`, true},
	{"bare word", `{"Task Info":{"Failed":tru}}`, true},
}

func TestTaskLineCases(t *testing.T) {
	for _, tt := range taskLineCases {
		t.Run(tt.name, func(t *testing.T) { checkSame(t, tt.name, []byte(tt.line), tt.end) })
	}
	// Spot checks that the reference itself reads what the cases expect.
	r := viaScanner([]byte(taskLineCases[0].line), true)
	if r.err || r.end.Info.TaskID != 9 || r.end.Metrics.Output.RecordsWritten != 24 ||
		*r.end.Reason.Description != "java.io.IOException: No space left on device" || r.end.Info.Host != "h" {
		t.Errorf("complete line read as %+v %+v", r.end, r.end.Metrics)
	}
	if r := viaScanner([]byte(`{"Task Metrics":null}`), true); r.err || r.end.Metrics != nil {
		t.Errorf("null metrics: %+v", r)
	}
	for _, line := range []string{`{"Task Info":{"Task ID":9223372036854775808}}`, `{"Stage ID":-9223372036854775809}`, `{"Stage ID":99999999999999999999999}`} {
		if r := viaScanner([]byte(line), true); !errors.Is(r.cause, errOutOfRange) {
			t.Errorf("%s: error %v, want out of range", line, r.cause)
		}
	}
}

// FuzzTaskLine: on any valid JSON (by encoding/json's grammar) the two decoders agree; on anything else
// the scanner neither panics nor accepts what has unbalanced brackets.
func FuzzTaskLine(f *testing.F) {
	for _, tt := range taskLineCases {
		f.Add([]byte(tt.line), tt.end)
	}
	f.Fuzz(func(t *testing.T, line []byte, isEnd bool) {
		got := viaScanner(line, isEnd)
		if stdjson.Valid(line) && !errors.Is(got.cause, errOutOfRange) {
			if want := viaUnmarshal(line, isEnd); !sameResult(want, got) {
				t.Fatalf("valid JSON %q: unmarshal err=%v %+v %+v, scanner err=%v %+v %+v",
					line, want.err, want.end, want.start, got.err, got.end, got.start)
			}
		}
	})
}

// BenchmarkDecodeTaskEnd decodes the TaskEnd lines of a real Spark 3.x log
// (NVIDIA gpu_oom_eventlog: accumulables, executor metrics and all).
func BenchmarkDecodeTaskEnd(b *testing.B) {
	f, err := os.Open(testutil.RealData(b, "spark-events-thirdparty", "NVIDIA__spark-rapids-tools", "spark-events-profiling", "gpu_oom_eventlog.zstd"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	dec, _, err := codec.Detect(bufio.NewReader(f))
	if err != nil {
		b.Fatal(err)
	}
	plain, err := io.ReadAll(dec)
	if err != nil {
		b.Fatal(err)
	}
	var lines [][]byte
	size := 0
	for _, l := range bytes.Split(plain, []byte("\n")) {
		if name, ok := eventName(l); ok && string(name) == "SparkListenerTaskEnd" {
			lines = append(lines, l)
			size += len(l)
		}
	}
	b.SetBytes(int64(size))
	c := newScanCache()
	var t taskEnd
	var m taskMetrics
	for b.Loop() {
		for _, l := range lines {
			t.reset(&m)
			if err := decodeTaskEnd(l, &t, &m, c); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(lines)), "ns/line")
}

// TestKeyGuesses: after a line teaches the key guesses Spark's order, lines
// whose keys at the same places differ in a way a byte comparison could
// mistake (a longer key with the guessed one as its prefix, another case,
// an escape, a key dropped or repeated) still decode as the unmarshaller
// decodes them, and a guessed key decodes the same as a scanned one.
func TestKeyGuesses(t *testing.T) {
	c := newScanCache()
	decode := func(line string) (taskEnd, taskMetrics, error) {
		var te taskEnd
		var tm taskMetrics
		te.reset(&tm)
		err := decodeTaskEnd([]byte(line), &te, &tm, c)
		return te, tm, err
	}
	canonical := `{"Event":"SparkListenerTaskEnd","Stage ID":3,"Stage Attempt ID":0,"Task Type":"ResultTask","Task Info":{"Task ID":41,"Index":7,"Attempt":0,"Host":"h1","Finish Time":5},"Task Metrics":{"Executor Run Time":11,"Input Metrics":{"Bytes Read":12,"Records Read":13}}}`
	first, _, err := decode(canonical)
	if err != nil {
		t.Fatal(err)
	}
	if g := c.keys[taskInfoFields.id]; len(g.raw) != 5 || string(g.raw[0]) != `"Task ID"` || g.idx[0] != 0 {
		t.Fatalf("guesses for Task Info after the first line: %q %v", g.raw, g.idx)
	}
	again, _, err := decode(canonical)
	if err != nil || again.Info != first.Info || again.StageID != 3 {
		t.Errorf("the same line read with guesses: %+v, %v; first read %+v", again.Info, err, first.Info)
	}
	for _, line := range []string{
		`{"Event":"SparkListenerTaskEnd","Stage ID":3,"Stage Attempt ID":0,"Task Type":"ResultTask","Task Info":{"Task IDs":41,"Index":7,"Attempt":0,"Host":"h1","Finish Time":5}}`,
		`{"Event":"SparkListenerTaskEnd","Stage ID":3,"Stage Attempt ID":0,"Task Type":"ResultTask","Task Info":{"task id":42,"Index":7,"Attempt":0,"Host":"h1","Finish Time":5}}`,
		`{"Event":"SparkListenerTaskEnd","Stage ID":3,"Stage Attempt ID":0,"Task Type":"ResultTask","Task Info":{"Task\u0020ID":43,"Index":7,"Attempt":0,"Host":"h1","Finish Time":5}}`,
		`{"Event":"SparkListenerTaskEnd","Stage ID":3,"Stage Attempt ID":0,"Task Type":"ResultTask","Task Info":{"Index":7,"Task ID":44,"Attempt":0,"Host":"h1","Finish Time":5}}`,
		`{"Event":"SparkListenerTaskEnd","Stage ID":3,"Stage Attempt ID":0,"Task Type":"ResultTask","Task Info":{"Task ID":45,"Index":7,"Task ID":46,"Host":"h1","Finish Time":5}}`,
		`{"Event":"SparkListenerTaskEnd","Stage ID":3,"Stage Attempt ID":0,"Task Type":"ResultTask","Task Info":{"Task ID":47,"Index":7,"Attempt":0,"Host":"h1","Finish Time":5,"Killed":true}}`,
		`{"Event":"SparkListenerTaskEnd","Stage ID":3,"Stage Attempt ID":0,"Task Type":"ResultTask","Task Info":{"Task ID":48,"Index":7,"Attempt":0,"Host":"h1","Finish Time":5}}`,
	} {
		checkSame(t, "after the canonical line", []byte(line), true)
		want := viaUnmarshal([]byte(line), true)
		got, _, err := decode(line)
		if err != nil || got.Info != want.end.Info {
			t.Errorf("%s\nwith this test's guesses: %+v, %v; want %+v", line, got.Info, err, want.end.Info)
		}
		decode(canonical) // teach the canonical order again
	}
}
