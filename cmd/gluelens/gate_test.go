package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gluelens/gluelens/analysis/plan"
	"github.com/gluelens/gluelens/internal/config"
	"github.com/gluelens/gluelens/internal/fakedynamo"
	"github.com/gluelens/gluelens/internal/fakeec2"
	"github.com/gluelens/gluelens/internal/store"
	"github.com/gluelens/gluelens/launch"
)

// writeSubnets writes aws ec2 describe-subnets output with the given free
// IPs per subnet.
func writeSubnets(t *testing.T, path string, free map[string]int) string {
	t.Helper()
	type sub struct {
		SubnetID  string `json:"SubnetId"`
		State     string `json:"State"`
		Available int    `json:"AvailableIpAddressCount"`
	}
	var doc struct {
		Subnets []sub `json:"Subnets"`
	}
	for id, n := range free {
		doc.Subnets = append(doc.Subnets, sub{id, "available", n})
	}
	sort.Slice(doc.Subnets, func(i, j int) bool { return doc.Subnets[i].SubnetID < doc.Subnets[j].SubnetID })
	b, _ := json.MarshalIndent(doc, "", "  ")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func verdictOf(t *testing.T, out string) launch.Verdict {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1 {
		t.Fatalf("gate printed %d lines, want one JSON line:\n%s", len(lines), out)
	}
	var v launch.Verdict
	if err := json.Unmarshal([]byte(lines[0]), &v); err != nil {
		t.Fatalf("gate output is not JSON: %v\n%s", err, out)
	}
	return v
}

// TestGateReplaysWhatifOnSynthWeek: over the synth week, every decision of
// the gate that whatif --gate thresholds replays — each run start and each
// re-check of a waiting run, with the subnet's free IPs and reservations at
// that instant — is taken again by the gate's own path: its threshold read
// from the database, its subnet resolved from the category, its rule
// (launch.Decide), and for a sample of decisions the whole command with a
// describe-subnets file holding the replay's free IPs at that instant.
func TestGateReplaysWhatifOnSynthWeek(t *testing.T) {
	t.Setenv("GLUELENS_DB", "")
	t.Setenv(config.EnvVar, "")
	dir := t.TempDir()
	db := filepath.Join(dir, "week.duckdb")
	mustCLI(t, "synth", "week", "--out", filepath.Join(dir, "week"), "--seed", "1")
	mustCLI(t, "--db", db, "ingest", "--quiet", filepath.Join(dir, "week"))

	var whatif plan.ReplayResult
	if err := json.Unmarshal([]byte(mustCLI(t, "--db", db, "whatif", "--gate", "thresholds", "--format", "json")), &whatif); err != nil {
		t.Fatal(err)
	}
	g := whatif.GateDelays
	if g == nil || len(g.ThresholdsUsed) == 0 || g.RunsDelayed == 0 {
		t.Fatalf("whatif --gate thresholds: %+v; want a gate that delays runs", g)
	}

	// The replay's decisions, with the numbers each was taken on.
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	d, err := plan.LoadDemand(ctx, st, &config.Config{})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	var checks []plan.GateCheck
	res, err := plan.Replay(d, plan.Alternative{Gate: g.ThresholdsUsed, OnGateCheck: func(c plan.GateCheck) { checks = append(checks, c) }})
	if err != nil {
		t.Fatal(err)
	}
	if res.GateDelays.RunsDelayed != g.RunsDelayed || res.GateDelays.RunsGated != g.RunsGated {
		t.Fatalf("the traced replay delayed %d of %d runs, whatif %d of %d", res.GateDelays.RunsDelayed, res.GateDelays.RunsGated, g.RunsDelayed, g.RunsGated)
	}

	// The gate's threshold and subnet per category, through the command.
	subnets := map[string]bool{}
	for _, c := range checks {
		subnets[c.Subnet] = true
	}
	roomy := map[string]int{}
	for s := range subnets {
		roomy[s] = 10000
	}
	roomyFile := writeSubnets(t, filepath.Join(dir, "roomy.json"), roomy)
	gateThr, gateSubnet := map[string]int{}, map[string]string{}
	for cat, want := range g.ThresholdsUsed {
		out, errOut, code := planCLI("--db", db, "gate", "--category", cat, "--subnets-file", roomyFile)
		if code != exitOK {
			t.Fatalf("gate --category %s: exit %d\n%s%s", cat, code, out, errOut)
		}
		v := verdictOf(t, out)
		if v.Threshold == nil || *v.Threshold != want {
			t.Errorf("gate --category %s: threshold %v, whatif used %d", cat, v.Threshold, want)
			continue
		}
		gateThr[cat], gateSubnet[cat] = *v.Threshold, v.Subnet
	}

	var launches, waits int
	waited := map[string]bool{}
	var sampleLaunch, sampleWait []plan.GateCheck
	for i, c := range checks {
		if gateSubnet[c.Category] != c.Subnet {
			t.Fatalf("check %d: run %s of %s in %s, the gate would read %s", i, c.RunID, c.Category, c.Subnet, gateSubnet[c.Category])
		}
		dec := launch.Decide(gateThr[c.Category], c.Usable-c.InUse, c.Reserved)
		if dec.Launch != c.Launched {
			t.Fatalf("check %d at %s, run %s (%s): %d usable, %d in use, %d reserved, threshold %d: replay launched=%v, gate %+v",
				i, c.At, c.RunID, c.Category, c.Usable, c.InUse, c.Reserved, c.Threshold, c.Launched, dec)
		}
		if c.Launched {
			launches++
			if launches%100 == 1 { // 6 of 581
				sampleLaunch = append(sampleLaunch, c)
			}
		} else {
			waits++
			waited[c.RunID] = true
			if waits%40000 == 1 { // 6 of some 200,000
				sampleWait = append(sampleWait, c)
			}
		}
	}
	delayed := map[string]bool{}
	for _, r := range g.Delayed {
		delayed[r.RunID] = true
	}
	if len(waited) != len(delayed) {
		t.Errorf("the gate said wait to %d runs, whatif delayed %d", len(waited), len(delayed))
	}
	for id := range delayed {
		if !waited[id] {
			t.Errorf("whatif delayed run %s, the gate never said wait to it", id)
		}
	}
	if launches != g.RunsGated-g.RunsBlocked {
		t.Errorf("%d launch decisions, want one per launched run: %d", launches, g.RunsGated-g.RunsBlocked)
	}
	t.Logf("synth week: %d gate decisions (%d launch, %d wait) over %d runs; %d runs told to wait = whatif's %d delayed; thresholds %v",
		len(checks), launches, waits, g.RunsGated, len(waited), g.RunsDelayed, gateThr)

	// The whole command on a sample of instants.
	for i, c := range append(sampleLaunch, sampleWait...) {
		f := writeSubnets(t, filepath.Join(dir, fmt.Sprintf("at-%d.json", i)), map[string]int{c.Subnet: c.Usable - c.InUse})
		out, errOut, code := planCLI("--db", db, "gate", "--category", c.Category, "--subnets-file", f, "--reserved", fmt.Sprint(c.Reserved))
		want := exitGateWait
		if c.Launched {
			want = exitOK
		}
		if code != want {
			t.Errorf("gate at %s for %s (%d free, %d reserved): exit %d, want %d\n%s%s", c.At, c.Category, c.Usable-c.InUse, c.Reserved, code, want, out, errOut)
			continue
		}
		if v := verdictOf(t, out); *v.Headroom != c.Usable-c.InUse-c.Reserved || v.Subnet != c.Subnet {
			t.Errorf("gate at %s: %+v", c.At, v)
		}
	}
	if len(sampleLaunch) == 0 || len(sampleWait) == 0 {
		t.Errorf("sampled %d launch and %d wait decisions; want both", len(sampleLaunch), len(sampleWait))
	}

	// The capacity report's launch advice: the lines it prints publish the
	// thresholds it advises (cut at the week's end with --until).
	rep := filepath.Join(dir, "capacity.json")
	mustCLI(t, "--db", db, "report", "capacity", "--week", "2026-W47", "--format", "json", "-o", rep)
	b, err := os.ReadFile(rep)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Actions struct {
			Advice []struct{ Area, Title, Config string }
		} `json:"actions"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	advised := 0
	for _, a := range doc.Actions.Advice {
		if a.Area != "launch" {
			continue
		}
		advised++
		var cat string
		var thr int
		if _, err := fmt.Sscanf(a.Title, "Hold %s runs until %d IPs are free", &cat, &thr); err != nil {
			t.Fatalf("advice title %q: %v", a.Title, err)
		}
		lines := strings.Split(a.Config, "\n")
		want0 := "gluelens plan thresholds --until 2026-11-23T00:00:00Z --publish dynamodb://gluelens-launch-thresholds --create-table"
		if len(lines) != 2 || lines[0] != want0 || lines[1] != "gluelens gate --category="+cat+" --thresholds dynamodb://gluelens-launch-thresholds" {
			t.Errorf("advice for %s: %q", cat, a.Config)
			continue
		}
		var pub []plan.Threshold
		if err := json.Unmarshal([]byte(mustCLI(t, "--db", db, "plan", "thresholds", "--until", "2026-11-23T00:00:00Z", "--format", "json")), &pub); err != nil {
			t.Fatal(err)
		}
		for _, p := range pub {
			if p.Category == cat && (p.Threshold != thr || !p.WindowEnd.Equal(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))) {
				t.Errorf("the report advises %s %d, plan thresholds --until publishes %d (window end %s)", cat, thr, p.Threshold, p.WindowEnd)
			}
		}
	}
	if advised == 0 {
		t.Error("the capacity report advised no launch threshold")
	}
}

// TestGateAndPublishWithAWS: plan thresholds --publish to dynalite through
// the real SDK, then gate reading the table and EC2 (a loopback server
// answering with recorded XML: 30 free IPs in the scenario's subnet).
func TestGateAndPublishWithAWS(t *testing.T) {
	cliAWSEnv(t)
	t.Setenv(config.EnvVar, "")
	dyn := fakedynamo.Start(t)
	ec2, err := fakeec2.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ec2.Close() })

	dir := t.TempDir()
	db := filepath.Join(dir, "incident.duckdb")
	mustCLI(t, "synth", "ip-exhaustion", "--out", filepath.Join(dir, "ev"), "--seed", "1")
	mustCLI(t, "--db", db, "ingest", "--quiet", filepath.Join(dir, "ev"))
	var ts []plan.Threshold
	if err := json.Unmarshal([]byte(mustCLI(t, "--db", db, "plan", "thresholds", "--format", "json")), &ts); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, th := range ts {
		want[th.Category] = th.Threshold
	}
	// docs/planning.md (hand-checked in e2e_plan_test.go): export 12, ingest 40, transform 25.
	if want["export"] != 12 || want["ingest"] != 40 || want["transform"] != 25 {
		t.Fatalf("thresholds %v", want)
	}
	table := "dynamodb://gluelens-launch-thresholds"

	// Dry run: one PutItem request per category, nothing sent.
	out, errOut, code := planCLI("--db", db, "plan", "thresholds", "--publish", table, "--dry-run")
	if code != exitOK || !strings.Contains(errOut, "nothing sent") {
		t.Fatalf("dry run: exit %d\n%s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(ts) {
		t.Fatalf("dry run printed %d requests, want %d:\n%s", len(lines), len(ts), out)
	}
	for _, l := range lines {
		var req struct {
			TableName           string
			ConditionExpression string
			Item                map[string]map[string]any
		}
		if err := json.Unmarshal([]byte(l), &req); err != nil || req.TableName != "gluelens-launch-thresholds" ||
			!strings.Contains(req.ConditionExpression, "window_end < :we") || req.Item["plan_version"]["N"] == nil {
			t.Errorf("dry-run request %s: %v", l, err)
		}
	}

	// No table yet: publishing fails and names it; --create-table creates it.
	pub := []string{"--db", db, "plan", "thresholds", "--publish", table, "--endpoint-url", dyn.URL, "--region", "eu-west-1"}
	if _, errOut, code := planCLI(pub...); code != exitFailure || !strings.Contains(errOut, table) {
		t.Errorf("publish to a missing table: exit %d\n%s", code, errOut)
	}
	_, errOut, code = planCLI(append(pub, "--create-table")...)
	if code != exitOK || !strings.Contains(errOut, "created "+table) || !strings.Contains(errOut, "published category#ingest: threshold 40") {
		t.Fatalf("publish --create-table: exit %d\n%s", code, errOut)
	}
	if _, _, code := planCLI("--db", db, "plan", "thresholds", "--publish", "dynamodb://x"); code != exitUsage {
		t.Errorf("a bad table name: exit %d, want %d", code, exitUsage)
	}
	if _, _, code := planCLI("--db", db, "plan", "thresholds", "--dry-run"); code != exitUsage {
		t.Errorf("--dry-run without --publish: exit %d, want %d", code, exitUsage)
	}

	gate := func(args ...string) (launch.Verdict, string, int) {
		t.Helper()
		base := []string{"--db", filepath.Join(dir, "absent.duckdb"), "gate", "--thresholds", table, "--dynamodb-endpoint-url", dyn.URL,
			"--ec2-endpoint-url", ec2.URL, "--region", "eu-west-1", "--timeout", "5s"}
		out, errOut, code := planCLI(append(base, args...)...)
		if code == exitUsage {
			return launch.Verdict{}, errOut, code
		}
		return verdictOf(t, out), errOut, code
	}
	// The recorded DescribeSubnets answer has 30 free IPs.
	cases := []struct {
		name     string
		args     []string
		code     int
		decision string
		headroom int
	}{
		{"export launches: 30 ≥ 12", []string{"--category", "export"}, exitOK, "launch", 30},
		{"ingest waits: 30 < 40", []string{"--category", "ingest"}, exitGateWait, "wait", 30},
		{"transform launches: 30 ≥ 25", []string{"--category", "transform"}, exitOK, "launch", 30},
		{"export waits behind 20 reserved: 10 < 12", []string{"--category", "export", "--reserved", "20"}, exitGateWait, "wait", 10},
		{"a job name maps to its category", []string{"--job", "ingest-orders"}, exitGateWait, "wait", 30},
		{"another subnet: 251 free", []string{"--category", "ingest", "--subnet", "subnet-05a6b7c8d9e0f1a2b"}, exitOK, "launch", 251},
	}
	for _, tc := range cases {
		v, errOut, code := gate(tc.args...)
		if code != tc.code || v.Decision != tc.decision || v.Headroom == nil || *v.Headroom != tc.headroom ||
			v.ThresholdSource != table || v.AvailableSource != "ec2 DescribeSubnets" || v.ThresholdWindowEnd == "" {
			t.Errorf("%s: exit %d, %+v\n%s", tc.name, code, v, errOut)
		}
	}
	// Glue ENIs, counted over both recorded pages (by hand in testdata/README.md).
	v, _, code := gate("--category", "export", "--count-glue-enis")
	if code != exitOK || v.GlueENIs == nil || *v.GlueENIs != 3 || *v.GlueIPs != 4 || *v.GlueENIsDetached != 2 {
		t.Errorf("--count-glue-enis: exit %d, %+v", code, v)
	}

	// Errors: unknown category, a slow EC2 under --timeout, and --on-error.
	if v, _, code := gate("--category", "nosuch", "--subnet", "subnet-0d1e2f3a4b5c6d7e8"); code != exitEvidence || v.Decision != "error" || v.Error == "" {
		t.Errorf("unknown category: exit %d, %+v", code, v)
	}
	if v, _, code := gate("--category", "nosuch", "--subnet", "subnet-0d1e2f3a4b5c6d7e8", "--on-error", "launch"); code != exitOK || v.Decision != "launch" || v.Error == "" {
		t.Errorf("unknown category, fail open: exit %d, %+v", code, v)
	}
	ec2.Delay(3 * time.Second)
	start := time.Now()
	for _, tc := range []struct {
		onError, decision string
		code              int
	}{{"fail", "error", exitFailure}, {"wait", "wait", exitGateWait}, {"launch", "launch", exitOK}} {
		v, _, code := gate("--category", "export", "--timeout", "300ms", "--on-error", tc.onError)
		if code != tc.code || v.Decision != tc.decision || v.Error == "" || v.Threshold == nil || *v.Threshold != 12 {
			t.Errorf("slow EC2, --on-error %s: exit %d, %+v", tc.onError, code, v)
		}
	}
	if el := time.Since(start); el > 4*time.Second {
		t.Errorf("three gate calls with --timeout 300ms against a 3 s server took %s", el)
	}
	ec2.Delay(0)

	// The database as the threshold source, free IPs from a file.
	f := writeSubnets(t, filepath.Join(dir, "subnets.json"), map[string]int{"subnet-0d1e2f3a4b5c6d7e8": 39})
	for cat, code := range map[string]int{"export": exitOK, "ingest": exitGateWait} {
		out, errOut, got := planCLI("--db", db, "gate", "--category", cat, "--subnets-file", f)
		if v := verdictOf(t, out); got != code || *v.Threshold != want[cat] || v.ThresholdSource != "database "+db {
			t.Errorf("gate --category %s from the database: exit %d, %+v\n%s", cat, got, v, errOut)
		}
	}
	if out, _, code := planCLI("--db", filepath.Join(dir, "absent.duckdb"), "gate", "--category", "export", "--subnets-file", f); code != exitEvidence ||
		verdictOf(t, out).Decision != "error" {
		t.Errorf("no database: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "absent.duckdb")); err == nil {
		t.Error("the gate created a database")
	}
	for _, bad := range [][]string{{}, {"--category", "a", "--job", "b"}, {"--category", "a", "--on-error", "maybe"},
		{"--category", "a", "--reserved", "-1"}, {"--category", "a", "--subnet", "critical"}, {"--category", "a", "--thresholds", "s3://x"}} {
		if _, _, code := planCLI(append([]string{"--db", db, "gate", "--subnets-file", f}, bad...)...); code != exitUsage {
			t.Errorf("gate %v: exit %d, want %d", bad, code, exitUsage)
		}
	}
}
