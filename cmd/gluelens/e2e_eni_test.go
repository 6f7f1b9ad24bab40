package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"
)

// cli runs gluelens with args and returns stdout; it fails the test on a
// non-zero exit status.
func cli(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run(context.Background(), args, nil, &out, &errOut); code != 0 {
		t.Fatalf("gluelens %v: exit %d\n%s", args, code, errOut.String())
	}
	return out.String()
}

// truthFile is the part of internal/synth's truth.json this test checks.
type truthFile struct {
	Subnets []struct {
		SubnetID     string `json:"subnet_id"`
		UsableIPs    int64  `json:"usable_ips"`
		PeakInUse    int64  `json:"peak_in_use"`
		PeakAt       string `json:"peak_at"`
		Failed       int64  `json:"failed_creates"`
		SecondsAbove int64  `json:"seconds_at_or_above_90pct"`
	} `json:"subnets"`
	FailedCreates []struct {
		At          string   `json:"at"`
		SubnetID    string   `json:"subnet_id"`
		JobName     string   `json:"job_name"`
		JobRunID    string   `json:"job_run_id"`
		InUse       int64    `json:"in_use"`
		Running     int64    `json:"held_by_running_runs"`
		Finished    int64    `json:"held_by_finished_runs"`
		NonGlue     int64    `json:"held_by_non_glue"`
		Unattrib    int64    `json:"unattributed"`
		FinishedMin *float64 `json:"finished_runs_min_minutes_ago"`
		FinishedMax *float64 `json:"finished_runs_max_minutes_ago"`
	} `json:"failed_creates"`
	Linger struct {
		Count int64   `json:"count"`
		P50   float64 `json:"p50"`
		P95   float64 `json:"p95"`
		Max   float64 `json:"max"`
	} `json:"linger_minutes"`
}

func readTruth(t *testing.T, dir string) truthFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Clean(dir) + ".truth.json")
	if err != nil {
		t.Fatal(err)
	}
	var tr truthFile
	if err := json.Unmarshal(b, &tr); err != nil {
		t.Fatal(err)
	}
	if len(tr.Subnets) == 0 || len(tr.FailedCreates) == 0 || tr.Linger.Count == 0 {
		t.Fatalf("truth.json lacks subnets, failures or linger: %s", b)
	}
	return tr
}

func jsonRows(t *testing.T, s string) []map[string]any {
	t.Helper()
	var rows []map[string]any
	if err := json.Unmarshal([]byte(s), &rows); err != nil {
		t.Fatalf("decoding CLI JSON: %v\n%s", err, s)
	}
	return rows
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func sameInstant(t *testing.T, got any, want string) bool {
	t.Helper()
	gs, _ := got.(string)
	g, err1 := time.Parse(time.RFC3339, gs)
	w, err2 := time.Parse(time.RFC3339, want)
	return err1 == nil && err2 == nil && g.Equal(w)
}

// TestIPExhaustionScenarioMatchesTruth runs the whole ENI story through the
// CLI: synth → ingest → views, and compares with the generator's own
// simulation (truth.json), which never uses the analysis code.
func TestIPExhaustionScenarioMatchesTruth(t *testing.T) {
	dir := t.TempDir()
	evidence := filepath.Join(dir, "evidence")
	db := filepath.Join(dir, "g.duckdb")
	cli(t, "synth", "ip-exhaustion", "--out", evidence, "--seed", "7", "--eni-share", "0")
	tr := readTruth(t, evidence)
	cli(t, "--db", db, "ingest", "--quiet", evidence)

	subnets := jsonRows(t, cli(t, "--db", db, "eni", "subnets", "--format", "json"))
	bySubnet := map[string]map[string]any{}
	for _, r := range subnets {
		bySubnet[r["subnet_id"].(string)] = r
	}
	for _, want := range tr.Subnets {
		got, ok := bySubnet[want.SubnetID]
		if !ok {
			t.Errorf("subnet %s missing from eni subnets", want.SubnetID)
			continue
		}
		if int64(got["peak_in_use"].(float64)) != want.PeakInUse || !sameInstant(t, got["peak_at"], want.PeakAt) ||
			int64(got["failed_creates"].(float64)) != want.Failed || int64(got["usable_ips"].(float64)) != want.UsableIPs ||
			int64(got["seconds_above_90pct"].(float64)) != want.SecondsAbove {
			t.Errorf("subnet %s: got peak %v at %v, %v failed, %v usable, %vs ≥90%%; truth %+v",
				want.SubnetID, got["peak_in_use"], got["peak_at"], got["failed_creates"], got["usable_ips"], got["seconds_above_90pct"], want)
		}
	}

	events := jsonRows(t, cli(t, "--db", db, "eni", "exhaustion", "--format", "json"))
	if len(events) != len(tr.FailedCreates) {
		t.Fatalf("got %d exhaustion events, truth has %d failed creates", len(events), len(tr.FailedCreates))
	}
	for i, want := range tr.FailedCreates {
		got := events[i]
		if !sameInstant(t, got["at"], want.At) || got["subnet_id"] != want.SubnetID || got["job_run_id"] != want.JobRunID || got["job_name"] != want.JobName {
			t.Errorf("failure %d: got %v %v %v %v, truth %s %s %s %s", i, got["at"], got["subnet_id"], got["job_run_id"], got["job_name"], want.At, want.SubnetID, want.JobRunID, want.JobName)
		}
		split := [5]int64{int64(got["in_use"].(float64)), int64(got["held_by_running_runs"].(float64)), int64(got["held_by_finished_runs"].(float64)), int64(got["held_by_non_glue"].(float64)), int64(got["unattributed"].(float64))}
		if split != [5]int64{want.InUse, want.Running, want.Finished, want.NonGlue, want.Unattrib} {
			t.Errorf("failure %d at %s: in use/running/finished/non-glue/unattributed = %v, truth %v", i, want.At, split, [5]int64{want.InUse, want.Running, want.Finished, want.NonGlue, want.Unattrib})
		}
		if want.FinishedMin != nil {
			gmin, _ := got["finished_min_minutes_ago"].(float64)
			gmax, _ := got["finished_max_minutes_ago"].(float64)
			if !near(gmin, *want.FinishedMin) || !near(gmax, *want.FinishedMax) {
				t.Errorf("failure %d: finished runs %v–%v min ago, truth %v–%v", i, gmin, gmax, *want.FinishedMin, *want.FinishedMax)
			}
		}
	}

	linger := jsonRows(t, cli(t, "--db", db, "query", "--format", "json",
		`SELECT count(*) AS n, quantile_cont(linger_minutes, 0.5) AS p50, quantile_cont(linger_minutes, 0.95) AS p95, max(linger_minutes) AS mx
		 FROM eni_lifetimes WHERE requester = 'glue' AND created_at IS NOT NULL AND deleted_at IS NOT NULL AND linger_minutes IS NOT NULL`))
	l := linger[0]
	if int64(l["n"].(float64)) != tr.Linger.Count || !near(l["p50"].(float64), tr.Linger.P50) || !near(l["p95"].(float64), tr.Linger.P95) || !near(l["mx"].(float64), tr.Linger.Max) {
		t.Errorf("linger = %v, truth %+v", l, tr.Linger)
	}
}

// tableCounts returns the row count of every loaded table.
func tableCounts(t *testing.T, db string) map[string]float64 {
	t.Helper()
	rows := jsonRows(t, cli(t, "--db", db, "query", "--format", "json",
		`SELECT table_name, estimated_size FROM duckdb_tables() WHERE schema_name = 'main' AND table_name <> 'gluelens_meta' ORDER BY table_name`))
	out := map[string]float64{}
	for _, r := range rows {
		name := r["table_name"].(string)
		n := jsonRows(t, cli(t, "--db", db, "query", "--format", "json", "SELECT count(*) AS n FROM "+name))
		out[name] = n[0]["n"].(float64)
	}
	return out
}

// TestReingestAndOrderIndependence: a second ingest changes nothing, and
// ingesting the same files one by one in reverse order gives the same answers.
func TestReingestAndOrderIndependence(t *testing.T) {
	dir := t.TempDir()
	evidence := filepath.Join(dir, "evidence")
	cli(t, "synth", "ip-exhaustion", "--out", evidence, "--seed", "3", "--eni-share", "0")
	dbA := filepath.Join(dir, "a.duckdb")
	cli(t, "--db", dbA, "ingest", "--quiet", evidence)
	before := tableCounts(t, dbA)
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"--db", dbA, "ingest", evidence}, nil, &out, &errOut); code != 0 {
		t.Fatalf("re-ingest exit %d: %s", code, errOut.String())
	}
	if !bytes.Contains(errOut.Bytes(), []byte(" 0 loaded,")) {
		t.Errorf("re-ingest loaded something: %s", errOut.String())
	}
	after := tableCounts(t, dbA)
	for k, v := range before {
		if k == "ingest_manifest" || k == "ingest_issues" {
			continue
		}
		if after[k] != v {
			t.Errorf("table %s: %v rows before re-ingest, %v after", k, v, after[k])
		}
	}

	var files []string
	err := filepath.Walk(evidence, func(p string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(files)))
	dbB := filepath.Join(dir, "b.duckdb")
	cli(t, append([]string{"--db", dbB, "ingest", "--quiet", "--workers", "1"}, files...)...)
	for _, q := range [][]string{{"eni", "subnets"}, {"eni", "exhaustion"}, {"eni", "lifetimes"}, {"runs"}} {
		a := cli(t, append(append([]string{"--db", dbA}, q...), "--format", "csv")...)
		b := cli(t, append(append([]string{"--db", dbB}, q...), "--format", "csv")...)
		if a != b {
			t.Errorf("%v differs between directory order and reverse file order", q)
		}
	}
	countsB := tableCounts(t, dbB)
	for k, v := range before {
		if k == "ingest_manifest" || k == "ingest_issues" {
			continue
		}
		if countsB[k] != v {
			t.Errorf("table %s: %v rows in directory order, %v in reverse order", k, v, countsB[k])
		}
	}
}
