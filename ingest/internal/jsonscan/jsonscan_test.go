package jsonscan

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestSkipValue(t *testing.T) {
	tests := []struct {
		in  string
		end int    // expected end offset when err is ""
		err string // substring of the error
	}{
		{in: `"abc" x`, end: 5},
		{in: `"a\"b" x`, end: 6},
		{in: `"a\\" x`, end: 5},
		{in: `"a\\\"" x`, end: 7},
		{in: `{"a":[1,{"b":"}"}],"c":null} x`, end: 28},
		{in: `[[],{}]`, end: 7},
		{in: `true,`, end: 4},
		{in: `-1.5e3]`, end: 6},
		{in: `{"a":[}`, err: "unexpected '}'"},
		{in: `{"a":1`, err: "input ends inside the object opened at line 1, column 1"},
		{in: `"abc`, err: "input ends inside the string opened at line 1, column 1"},
		{in: "{\u00a0}", err: `unexpected '\u00a0' outside a string`},
		{in: `{"a":x}`, err: "unexpected 'x' outside a string"},
		{in: `}`, err: "expected a value, found '}'"},
		{in: ``, err: "found end of input"},
	}
	for _, tt := range tests {
		end, err := SkipValue([]byte(tt.in), 0)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("SkipValue(%q) err = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || end != tt.end {
			t.Errorf("SkipValue(%q) = %d, %v; want %d", tt.in, end, err, tt.end)
		}
	}
}

func TestObjectArrayStream(t *testing.T) {
	doc := []byte(` {"x": 1, "Records": [ {"a":1} , "s", [2] ], "y": {"z":[]} } `)
	var keys []string
	var elems []string
	end, err := Object(doc, 1, func(key []byte, v int) (int, error) {
		keys = append(keys, string(key))
		if string(key) != "Records" {
			return -1, nil
		}
		return Array(doc, v, func(n, s, e int) error {
			elems = append(elems, string(doc[s:e]))
			return nil
		})
	})
	if err != nil || end != len(doc)-1 {
		t.Fatalf("Object = %d, %v", end, err)
	}
	if strings.Join(keys, ",") != "x,Records,y" || strings.Join(elems, "|") != `{"a":1}|"s"|[2]` {
		t.Errorf("keys %v elements %v", keys, elems)
	}
	var vals []string
	if err := Stream([]byte("{\"a\":1}\n[2]\n\n\"s\" 3"), func(n, s, e int) error {
		vals = append(vals, "x")
		return nil
	}); err != nil || len(vals) != 4 {
		t.Errorf("Stream: %d values, %v", len(vals), err)
	}
	for _, bad := range []string{`{"a" 1}`, `{"a":1 "b":2}`, `{1:2}`, `[1 2]`} {
		if _, err := Object([]byte(bad), 0, func([]byte, int) (int, error) { return -1, nil }); err == nil {
			if _, err := Array([]byte(bad), 0, func(int, int, int) error { return nil }); err == nil {
				t.Errorf("%s accepted", bad)
			}
		}
	}
}

func TestFirstKey(t *testing.T) {
	for in, want := range map[string]string{
		` { "Records" : [`: "Records",
		`{"a\"b":1}`:       `a\"b`,
		`[{"a":1}]`:        "",
		`{}`:               "",
		`{"unterminated`:   "",
		``:                 "",
	} {
		if got := FirstKey([]byte(in)); got != want {
			t.Errorf("FirstKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNewlineInString(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{`{"a":"b"}`, -1},
		{"{\"a\":\"b\"}\n", -1},
		{"{\n  \"a\": \"b\"\n}\n", -1},
		{"{\n  \"a\": \"b\\\"\"\n}", -1},
		{"{\n  \"a\": \"b\nc\"\n}", 11},
		{"{\n  \"a\": \"b\\\\\nc\"\n}", 13},
		{"{\n  \"a\": \"x\\\\\", \"b\": \"y\"\n}", -1},
		{"{\xff\n\"a\": 1}", -1},
	}
	for _, tt := range tests {
		if got := NewlineInString([]byte(tt.in)); got != tt.want {
			t.Errorf("NewlineInString(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestLocate(t *testing.T) {
	doc := []byte("{\n  \"a\": [1,\n  2,}\n")
	var v any
	err := Locate(doc, 0, json.Unmarshal(doc, &v))
	var pe *PositionError
	if !asPosition(err, &pe) || pe.Line != 3 || pe.Column != 5 {
		t.Fatalf("Locate = %v, want line 3, column 5", err)
	}
	if line, col := Position([]byte("ab\ncd"), 4); line != 2 || col != 2 {
		t.Errorf("Position = %d:%d, want 2:2", line, col)
	}
}

func asPosition(err error, pe **PositionError) bool {
	p, ok := err.(*PositionError)
	*pe = p
	return ok
}

// FuzzSkipValue checks the scanner against encoding/json: every valid
// document must scan as exactly one value, and nothing may panic.
func FuzzSkipValue(f *testing.F) {
	for _, s := range []string{`{"a":[1,"]",{"b":"\"}"}]}`, `"\\"`, `[1,2`, "{\"a\":\"b\nc\"}", `  3 `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		i := SkipSpace(data, 0)
		end, err := SkipValue(data, i)
		if json.Valid(data) {
			if err != nil || SkipSpace(data, end) != len(data) {
				t.Fatalf("valid JSON %q: end %d err %v", data, end, err)
			}
		}
		_ = NewlineInString(data)
		_ = FirstKey(data)
	})
}

// BenchmarkSkipTaskEnd skips a 3.4 KB Spark TaskEnd line, most of it the
// Accumulables array: the shape of nearly all of an event log's bytes.
func BenchmarkSkipTaskEnd(b *testing.B) {
	var acc strings.Builder
	acc.WriteString(`{"Event":"SparkListenerTaskEnd","Task Info":{"Task ID":7,"Accumulables":[`)
	for i := range 13 {
		if i > 0 {
			acc.WriteByte(',')
		}
		fmt.Fprintf(&acc, `{"ID":%d,"Name":"internal.metrics.shuffle.write.bytesWritten","Update":45520164,"Value":45520164,"Internal":true,"Count Failed Values":true}`, 100+i)
	}
	acc.WriteString(`]},"Task Executor Metrics":{"JVMHeapMemory":6442450944,"JVMOffHeapMemory":212680704,"OnHeapExecutionMemory":1503238553,"OffHeapExecutionMemory":0,"OnHeapStorageMemory":28514,"OffHeapStorageMemory":0,"OnHeapUnifiedMemory":1503267067,"OffHeapUnifiedMemory":0,"DirectPoolMemory":104857600,"MappedPoolMemory":0,"ProcessTreeJVMVMemory":0,"ProcessTreeJVMRSSMemory":0,"MinorGCCount":40,"MinorGCTime":2100,"MajorGCCount":3,"MajorGCTime":900,"TotalGCTime":3000}}`)
	line := []byte(acc.String())
	if !json.Valid(line) {
		b.Fatal("invalid benchmark line")
	}
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		if end, err := SkipValue(line, 0); err != nil || end != len(line) {
			b.Fatal(end, err)
		}
	}
}
