package sparklog_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// spaced rewrites compact JSON lines the way Python's json.dumps writes them:
// ", " between members and ": " after keys (outside strings only).
func spaced(plain []byte) []byte {
	out := make([]byte, 0, len(plain)+len(plain)/4)
	in, esc := false, false
	for _, c := range plain {
		out = append(out, c)
		switch {
		case esc:
			esc = false
		case in && c == '\\':
			esc = true
		case c == '"':
			in = !in
		case !in && (c == ':' || c == ','):
			out = append(out, ' ')
		}
	}
	return out
}

// TestRealLogsWithSpaces decodes real logs rewritten with the whitespace
// json.dumps puts in, and expects the same figures as the compact logs.
func TestRealLogsWithSpaces(t *testing.T) {
	for _, want := range goldens {
		if want.path[0] != "spark-events" {
			continue // the small plain logs: every event kind, in a second or so
		}
		t.Run(want.path[len(want.path)-1], func(t *testing.T) {
			plain := plainOf(t, realFile(t, want.path...))
			ref := computeReference(t, plain)
			s := newSink()
			if err := decodeBytes(t, strings.Join(want.path[1:], "/"), spaced(plain), s); err != nil {
				t.Fatalf("decoding: %v", err)
			}
			checkAgainst(t, want, ref, summarize(t, s), s)
		})
	}
}

// TestUnknownEventIsSkipped: a third-party listener's event is an unknown
// event (skipped), not a bad line, in either spacing.
func TestUnknownEventIsSkipped(t *testing.T) {
	log := lines(
		`{"Event": "SparkListenerLogStart", "Spark Version": "3.3.0"}`,
		`{"Event":"SparkListenerApplicationStart","App Name":"x","App ID":"app-1","Timestamp":1000,"User":"u"}`,
		`{"Event": "DataMechanicsLogComplete"}`,
		`{"Event":"DataMechanicsLogComplete"}`,
		`{ "Event" : "SparkListenerApplicationEnd" , "Timestamp" : 2000 }`,
	)
	s := newSink()
	if err := decodeBytes(t, "app-1", log, s); err != nil {
		t.Fatal(err)
	}
	if len(s.bad) != 0 {
		t.Errorf("bad lines %v, want none", s.bad)
	}
	if s.skipped != 2 {
		t.Errorf("%d lines skipped, want the 2 unknown events", s.skipped)
	}
	apps := s.rows["spark_apps"]
	if len(apps) != 1 {
		t.Fatalf("%d apps", len(apps))
	}
	if v := get("spark_apps", apps[0], "spark_version"); v != "3.3.0" {
		t.Errorf("spark_version %v (the spaced LogStart was not read)", v)
	}
	if v := get("spark_apps", apps[0], "end_time"); v == nil {
		t.Errorf("end_time missing: the spaced ApplicationEnd was not read")
	}
}

// TestSpacedFileAndThirdPartyEvents loads testdata/hostile/spark-spaced-thirdparty.json
// (crafted for issue 17): events written with json.dumps spacing and two
// third-party listener events. The task loads, the two foreign events are
// skipped as unknown, no line is bad.
func TestSpacedFileAndThirdPartyEvents(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "hostile", "spark-spaced-thirdparty.json"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "app-spaced"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	st := openStore(t)
	sum := run(t, st, dir, false)
	if sum.Failed != 0 || sum.Bad != 0 || sum.Skipped != 2 {
		t.Errorf("%d failed, %d bad, %d skipped; want 0, 0 and the 2 third-party events", sum.Failed, sum.Bad, sum.Skipped)
	}
	if got := scalar[string](t, st, "SELECT app_name || ' ' || (SELECT count(*) FROM spark_tasks) || ' ' || completed FROM spark_apps"); got != "spaced 1 true" {
		t.Errorf("app %q, want spaced, 1 task, completed", got)
	}
}
