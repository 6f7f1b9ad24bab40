package diskfull

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// readEvents decodes every line of an event log with encoding/json.
func readEvents(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var evs []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var e map[string]any
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		evs = append(evs, e)
	}
	return evs
}

// The SQL execution behind the write: started before its job, AQE's plan
// updates only with AQE on (the last one final), ended after the job; a
// Glue 5.0 log is Spark 3.5 on Java 17 and names the failure at the end.
func TestSQLEvents(t *testing.T) {
	after, err := AfterFixParams(DefaultParams(3))
	if err != nil {
		t.Fatal(err)
	}
	after.Start = time.Date(2026, 11, 9, 2, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name    string
		p       Params
		aqe     bool
		failed  bool
		version string
		java    string
		errMsg  bool
	}{
		{"glue 4.0, AQE off, disk full", DefaultParams(3), false, true, "3.3.0-amzn-1", "1.8.0_382", false},
		{"glue 4.0, AQE on, fixed", after, true, false, "3.3.0-amzn-1", "1.8.0_382", false},
		{"glue 5.0, AQE off, disk full", Glue50(DefaultParams(3)), false, true, "3.5.4-amzn-0", "17.0.13", true},
	} {
		dir := filepath.Join(t.TempDir(), "ev")
		res, err := Write(dir, c.p)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		evs := readEvents(t, res.EventLog)
		var order []string
		var updates []string
		var end map[string]any
		for _, e := range evs {
			name, _ := e["Event"].(string)
			switch name {
			case "SparkListenerLogStart":
				if e["Spark Version"] != c.version {
					t.Errorf("%s: Spark %v, want %s", c.name, e["Spark Version"], c.version)
				}
			case "SparkListenerEnvironmentUpdate":
				jvm, _ := e["JVM Information"].(map[string]any)
				if v, _ := jvm["Java Version"].(string); !strings.HasPrefix(v, c.java) {
					t.Errorf("%s: Java %q, want %s", c.name, v, c.java)
				}
			case "SparkListenerTaskEnd":
				m, _ := e["Task Metrics"].(map[string]any)
				if m == nil {
					break
				}
				sr := m["Shuffle Read Metrics"].(map[string]any)
				if _, push := sr["Push Based Shuffle"]; push != (c.version >= "3.5") {
					t.Errorf("%s: Push Based Shuffle present %v in Spark %s", c.name, push, c.version)
				}
			case sqlStartEvent:
				order = append(order, "sql-start")
				root := e["sparkPlanInfo"].(map[string]any)["nodeName"]
				if (root == "AdaptiveSparkPlan") != c.aqe {
					t.Errorf("%s: plan root %v with AQE %v", c.name, root, c.aqe)
				}
				if desc, _ := e["physicalPlanDescription"].(string); !strings.HasPrefix(desc, "== Physical Plan ==\n") {
					t.Errorf("%s: plan text %.40q", c.name, desc)
				}
			case sqlUpdateEvent:
				updates = append(updates, e["sparkPlanInfo"].(map[string]any)["simpleString"].(string))
			case "SparkListenerJobStart", "SparkListenerJobEnd":
				order = append(order, name)
			case sqlEndEvent:
				order = append(order, "sql-end")
				end = e
			}
		}
		if strings.Join(order, ",") != "sql-start,SparkListenerJobStart,SparkListenerJobEnd,sql-end" {
			t.Errorf("%s: order %v", c.name, order)
		}
		if c.aqe && (len(updates) != 2 || updates[0] != "AdaptiveSparkPlan isFinalPlan=false" || updates[1] != "AdaptiveSparkPlan isFinalPlan=true") {
			t.Errorf("%s: AQE updates %v", c.name, updates)
		}
		if !c.aqe && len(updates) != 0 {
			t.Errorf("%s: AQE updates %v without AQE", c.name, updates)
		}
		msg, has := end["errorMessage"].(string)
		if has != c.errMsg || (has && !strings.Contains(msg, "No space left on device")) {
			t.Errorf("%s: SQLExecutionEnd errorMessage %q (present %v)", c.name, msg, has)
		}
		if (res.Truth.Outcome == "FAILED") != c.failed {
			t.Errorf("%s: outcome %s", c.name, res.Truth.Outcome)
		}
	}
}
