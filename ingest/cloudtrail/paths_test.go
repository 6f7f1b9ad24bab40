package cloudtrail_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/gluelens/gluelens/internal/testutil"
)

// compactFirst renders r compactly with eventVersion as the first key, as
// CloudTrail writes records (json.Marshal alone would sort the keys).
func compactFirst(t *testing.T, r map[string]any) string {
	t.Helper()
	v, ok := r["eventVersion"]
	if !ok {
		b, _ := json.Marshal(r)
		return string(b)
	}
	rest := map[string]any{}
	for k, x := range r {
		if k != "eventVersion" {
			rest[k] = x
		}
	}
	vb, _ := json.Marshal(v)
	b, _ := json.Marshal(rest)
	return `{"eventVersion":` + string(vb) + "," + string(b[1:])
}

// TestSplitMatchesScanner feeds the same records through the record-start
// split (compact, eventVersion first) and the structural scanner (indented,
// keys sorted), and, with a record that nests a {"eventVersion": object,
// through the split's fallback. All three must agree.
func TestSplitMatchesScanner(t *testing.T) {
	recs := []map[string]any{
		record(func(r map[string]any) { r["eventName"], r["eventID"] = "DescribeInstances", "o1" }),
		record(func(r map[string]any) { r["eventID"], r["responseElements"] = "c1", created("items", 2) }),
		record(func(r map[string]any) { r["eventID"] = "t1"; delete(r, "eventTime") }),
		record(func(r map[string]any) { r["eventName"], r["eventID"] = "DescribeNetworkInterfaces", "o2" }),
		record(func(r map[string]any) {
			r["eventID"], r["eventName"] = "d1", "DeleteNetworkInterface"
			r["requestParameters"] = map[string]any{"networkInterfaceId": "eni-1"}
		}),
		record(func(r map[string]any) { r["eventName"], r["eventID"] = "GetObject", "o3" }),
	}
	var compact []string
	for _, r := range recs {
		compact = append(compact, compactFirst(t, r))
	}
	split := `{"Records":[` + strings.Join(compact, ",") + "]}"
	indented, _ := json.MarshalIndent(map[string]any{"Records": recs}, "", "  ")
	nested := record(func(r map[string]any) {
		r["eventID"] = "n1"
		r["requestParameters"].(map[string]any)["x"] = map[string]any{"eventVersion": "nested"}
	})
	fallback := `{"Records":[` + strings.Join(append(append([]string{}, compact...), compactFirst(t, nested)), ",") + "]}"

	run := func(name, data string) *testutil.Sink {
		sink := testutil.NewSink()
		if err := decode(t, "f.json", []byte(data), sink); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return sink
	}
	a, b, c := run("split", split), run("scanner", string(indented)), run("fallback", fallback)
	if !strings.Contains(fallback, `"x":{"eventVersion":"nested"}`) {
		t.Fatal("the nested record does not nest a record start")
	}
	if len(a.Rows["eni_events"]) != 2 || a.Skipped != 3 || len(a.Bads) != 1 || a.Bads[0].Record != 2 {
		t.Fatalf("split: rows %d skipped %d bad %v; want 2, 3, [record 2]", len(a.Rows["eni_events"]), a.Skipped, a.Bads)
	}
	if !reflect.DeepEqual(a.Rows, b.Rows) || a.Skipped != b.Skipped || !reflect.DeepEqual(a.Bads, b.Bads) {
		t.Errorf("split and scanner disagree:\n%v %d %v\n%v %d %v", a.Rows, a.Skipped, a.Bads, b.Rows, b.Skipped, b.Bads)
	}
	if !reflect.DeepEqual(a.Rows["eni_events"], c.Rows["eni_events"][:2]) || len(c.Rows["eni_events"]) != 3 || c.Skipped != 3 {
		t.Errorf("fallback: rows %d skipped %d, want the split's rows plus n1 and 3 skipped", len(c.Rows["eni_events"]), c.Skipped)
	}
}

func TestUnusualShapes(t *testing.T) {
	eni, _ := json.Marshal(record(func(r map[string]any) { r["eventID"] = "u1" }))
	other, _ := json.MarshalIndent(record(func(r map[string]any) { r["eventName"] = "GetObject" }), "", "  ")
	tests := []struct {
		name    string
		data    string
		rows    int
		skipped int64
		ignored bool
		err     string
	}{
		{name: "UTF-8 BOM", data: "\xef\xbb\xbf" + `{"Records":[` + string(eni) + `]}`, rows: 1},
		{name: "Records after another key", data: `{"x":1,"Records":[` + string(eni) + `]}`, rows: 1},
		{name: "Records after another key, no ENI", data: `{"x":1,"Records":[{"eventVersion":"1.0"}]}`, skipped: 1},
		{name: "lookup-events after NextToken", data: string(lookupDoc(t, eni)[:1]) + `"NextToken":"t",` + string(lookupDoc(t, eni)[1:]), rows: 1},
		{name: "lookup-events without ENI", data: `{"Events":[{"CloudTrailEvent":"{}"},{"CloudTrailEvent":"{}"}]}`, skipped: 2},
		{name: "two pretty records without ENI", data: string(other) + "\n" + string(other), skipped: 2},
		{name: "two pretty records, second with ENI", data: string(other) + "\n" + string(eni), rows: 1, skipped: 1},
		{name: "bare insight record", data: `{"eventID":"i","eventTime":"2019-11-14T00:51:00Z","insightDetails":{}}`, ignored: true},
		{name: "digest with keys reordered", data: `{"digestEndTime":"x","digestStartTime":"y","logFiles":[]}`, ignored: true},
		{name: "something else", data: `{"foo":1}`, err: "not a CloudTrail log file"},
		{name: "broken lookup-events", data: `{"Events":[{"CloudTrailEvent":"NetworkInterface"},]}`, err: "invalid JSON at line 1, column 51: invalid character ']'"}, // the ]
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := testutil.NewSink()
			err := decode(t, "f.json", []byte(tt.data), sink)
			switch {
			case tt.ignored:
				if err == nil || !strings.Contains(err.Error(), "ignored") {
					t.Fatalf("err = %v, want ignored", err)
				}
				return
			case tt.err != "":
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			if n := len(sink.Rows["eni_events"]); n != tt.rows || sink.Skipped != tt.skipped {
				t.Errorf("rows %d skipped %d, want %d and %d", n, sink.Skipped, tt.rows, tt.skipped)
			}
		})
	}
}
