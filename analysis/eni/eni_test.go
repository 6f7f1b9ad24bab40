package eni

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/gluelens/gluelens/internal/store"
	"github.com/gluelens/gluelens/internal/testutil"
)

// The fixture, by hand (all times 2026-11-02 UTC):
//
//	subnet S (/28, 11 usable): job ingest-a (role R1, connection conn-a → S, 2 workers)
//	  run A  07:00:00–07:10:00 SUCCEEDED, ENIs a1 07:00:30→08:10:00, a2 07:00:40→08:20:00
//	  run A2 07:14:30–07:15:10 FAILED (no free IPs); its create fails at 07:15:00
//	  run C  08:59:00–09:00:00 FAILED (no free IPs), no failed create in the trail
//	job ingest-b (role R2, no connection: subnet inferred from its ENIs)
//	  run B  07:05:00–07:30:00, ENI b1 07:05:20→07:40:00 (the delete at 07:45 was corrected to 07:40)
//	Lambda ENI l1 created 06:50:00, never deleted; ENI p1 (2 IPs, in a snapshot, no create) deleted 07:20:00.
//	subnet T (/29, 3 usable): Lambda ENI l2 with 3 IPs 07:00:00→07:30:00.
//
// Evidence start = 06:50:00 (earliest ENI record), end = 08:20:00.
// S in use: 06:50 3 (l1+p1) · 07:00:30 4 · 07:00:40 5 · 07:05:20 6 · 07:20 4 · 07:40 3 · 08:10 2 · 08:20 1.
// The refused create at 07:15:00 proves S full: the evidence explains 6, so 5 IPs are unaccounted
// for from 07:15:00 until S's next change (07:20) and S is at 11 then: peak S = 11 at 07:15:00,
// 300 s ≥ 90 % of 11 = 9.9. Peak T = 3 at 07:00 for 1800 s ≥ 2.7.
// At 07:15:00 S holds l1 1 (non-Glue) + p1 2 (unattributed) + a1,a2 2 (run A ended 5 min before) + b1 1 (running) = 6.
// At 09:00:00 S holds l1 only = 1.
// Linger: a1 60 min, a2 70 min, b1 10 min.
func fixture(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "f.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	l, err := st.NewLoader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w, err := l.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	at := func(hhmmss string) time.Time {
		tm, err := time.Parse("2006-01-02 15:04:05", "2026-11-02 "+hhmmss)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	add := func(table string, v ...any) {
		t.Helper()
		if err := w.Append(testutil.MustRow(table, v...)); err != nil {
			t.Fatal(err)
		}
	}
	r1 := "arn:aws:iam::111122223333:role/R1"
	r2 := "arn:aws:iam::111122223333:role/service-role/R2"
	ev := func(id, when, name string, subnet, eni, ips any, requester, role, errCode, failure, original any) {
		add("eni_events", id, at(when), name, "111122223333", "us-east-1", subnet, nil, nil, eni, nil, ips,
			nil, requester, role, nil, nil, nil, errCode, nil, failure, nil, nil, original, "fixture", int32(0))
	}
	ev("c-a1", "07:00:30", "CreateNetworkInterface", "S", "a1", int32(1), "glue", r1, nil, nil, nil)
	ev("c-a2", "07:00:40", "CreateNetworkInterface", "S", "a2", int32(1), "glue", r1, nil, nil, nil)
	ev("c-b1", "07:05:20", "CreateNetworkInterface", "S", "b1", int32(1), "glue", r2, nil, nil, nil)
	ev("c-l1", "06:50:00", "CreateNetworkInterface", "S", "l1", int32(1), "lambda", nil, nil, nil, nil)
	ev("c-l2", "07:00:00", "CreateNetworkInterface", "T", "l2", int32(3), "lambda", nil, nil, nil, nil)
	ev("f-1", "07:15:00", "CreateNetworkInterface", "S", nil, nil, "glue", r1, "Client.InsufficientFreeAddressesInSubnet", "ip_exhaustion", nil)
	ev("d-a1", "08:10:00", "DeleteNetworkInterface", nil, "a1", nil, "glue", r1, nil, nil, nil)
	ev("d-a2", "08:20:00", "DeleteNetworkInterface", nil, "a2", nil, "glue", r1, nil, nil, nil)
	ev("d-b1-orig", "07:45:00", "DeleteNetworkInterface", nil, "b1", nil, "glue", r2, nil, nil, nil)
	ev("d-b1-fix", "07:40:00", "DeleteNetworkInterface", nil, "b1", nil, "glue", r2, nil, nil, "d-b1-orig")
	ev("d-p1", "07:20:00", "DeleteNetworkInterface", nil, "p1", nil, nil, nil, nil, nil, nil)
	ev("d-l2", "07:30:00", "DeleteNetworkInterface", nil, "l2", nil, nil, nil, nil, nil, nil)

	run := func(id, job, start, end, state string, failure any) {
		add("glue_runs", id, job, int32(0), nil, nil, at(start), at(end), at(end), state, nil, nil, nil, nil,
			"G.1X", int32(2), "4.0", nil, nil, nil, failure, "fixture")
	}
	run("A", "ingest-a", "07:00:00", "07:10:00", "SUCCEEDED", nil)
	run("A2", "ingest-a", "07:14:30", "07:15:10", "FAILED", "ip_exhaustion")
	run("C", "ingest-a", "08:59:00", "09:00:00", "FAILED", "ip_exhaustion")
	run("B", "ingest-b", "07:05:00", "07:30:00", "SUCCEEDED", nil)
	add("glue_jobs", "ingest-a", "R1", "G.1X", int32(2), nil, "4.0", nil, nil, "fixture")
	add("glue_jobs", "ingest-b", r2, "G.1X", int32(2), nil, "4.0", nil, nil, "fixture")
	add("glue_job_connections", "ingest-a", int32(0), "conn-a", nil)
	add("glue_connections", "conn-a", "NETWORK", "S", nil, nil, nil, "fixture")
	add("subnets", "S", "vpc-1", "10.0.0.0/28", int32(28), int32(11), nil, nil, nil, nil, "fixture")
	add("subnets", "T", "vpc-1", "10.0.1.0/29", int32(29), int32(3), nil, nil, nil, nil, "fixture")
	add("eni_snapshots", "p1", at("06:45:00"), "S", "vpc-1", nil, "in-use", nil, nil, nil, nil, nil, int32(2), "fixture")
	if err := w.Commit(store.ManifestEntry{URI: "fixture", Status: store.StatusOK}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestSubnets(t *testing.T) {
	st := fixture(t)
	got, err := Subnets(context.Background(), st, Window{})
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		peak     int64
		peakAt   string
		above90  int64
		failures int64
		usable   int64
	}
	wants := map[string]want{
		"S": {11, "2026-11-02T07:15:00Z", 300, 1, 11},
		"T": {3, "2026-11-02T07:00:00Z", 1800, 0, 3},
	}
	if len(got) != len(wants) {
		t.Fatalf("got %d subnets, want %d: %+v", len(got), len(wants), got)
	}
	if got[0].SubnetID != "S" {
		t.Errorf("first subnet = %s, want S (it had failures)", got[0].SubnetID)
	}
	for _, g := range got {
		w := wants[g.SubnetID]
		if g.PeakInUse != w.peak || g.PeakAt == nil || !g.PeakAt.Equal(ts(w.peakAt)) || g.SecondsAbove90 != w.above90 || g.FailedCreates != w.failures || g.UsableIPs == nil || *g.UsableIPs != w.usable {
			t.Errorf("%s: got peak %d at %v, %ds above 90%%, %d failures; want %+v", g.SubnetID, g.PeakInUse, g.PeakAt, g.SecondsAbove90, g.FailedCreates, w)
		}
	}
	// A window that starts inside a step counts the step from the window start.
	got, err = Subnets(context.Background(), st, Window{From: ts("2026-11-02T07:25:00Z"), To: ts("2026-11-02T08:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range got {
		switch g.SubnetID {
		case "S": // 4 from 07:20 until b1's delete at 07:40
			if g.PeakInUse != 4 || !g.PeakAt.Equal(ts("2026-11-02T07:25:00Z")) || g.FailedCreates != 0 {
				t.Errorf("S in window: %+v", g)
			}
		case "T": // 3 from 07:25 to 07:30 = 300 s above 90 %
			if g.PeakInUse != 3 || g.SecondsAbove90 != 300 {
				t.Errorf("T in window: peak %d, %d s above 90%%", g.PeakInUse, g.SecondsAbove90)
			}
		}
	}
}

func TestExhaustions(t *testing.T) {
	st := fixture(t)
	got, err := Exhaustions(context.Background(), st, Window{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d exhaustion events, want 2: %+v", len(got), got)
	}
	e := got[0]
	if !e.At.Equal(ts("2026-11-02T07:15:00Z")) || e.Source != "cloudtrail" || deref(e.JobRunID) != "A2" || deref(e.JobName) != "ingest-a" ||
		e.InUse != 11 || e.Unaccounted != 5 || e.Confidence != "ambiguous" || e.AttributionConfidence != "exact" ||
		e.HeldByRunningRuns != 1 || e.HeldByFinishedRuns != 2 || e.HeldByNonGlue != 1 || e.Unattributed != 2 ||
		e.FinishedMinMinutesAgo == nil || *e.FinishedMinMinutesAgo != 5 || *e.FinishedMaxMinutesAgo != 5 {
		t.Errorf("failed create: %+v", e)
	}
	e = got[1]
	if !e.At.Equal(ts("2026-11-02T09:00:00Z")) || e.Source != "glue_run" || deref(e.JobRunID) != "C" || deref(e.SubnetID) != "S" ||
		e.InUse != 1 || e.HeldByNonGlue != 1 || e.HeldByRunningRuns+e.HeldByFinishedRuns+e.Unattributed+e.Unaccounted != 0 {
		t.Errorf("failed run without create record: %+v", e)
	}
}

func TestAtAndLifetimes(t *testing.T) {
	st := fixture(t)
	ctx := context.Background()
	holders, err := At(ctx, st, "S", ts("2026-11-02T07:15:00Z"))
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	ips := int64(0)
	for _, h := range holders {
		states[h.ENIID] = h.State
		ips += h.IPCount
	}
	// 6 IPs the evidence explains and 5 unaccounted for: the create refused at 07:15:00 proves all 11 in use.
	want := map[string]string{"a1": "lingering", "a2": "lingering", "b1": "running", "l1": "non-glue", "p1": "unattributed",
		"(unaccounted for by the evidence)": "unaccounted"}
	if ips != 11 {
		t.Errorf("holders hold %d IPs, want 11", ips)
	}
	if len(states) != len(want) {
		t.Fatalf("holders = %v, want %v", states, want)
	}
	for k, v := range want {
		if states[k] != v {
			t.Errorf("%s state = %s, want %s", k, states[k], v)
		}
	}
	lives, err := Lifetimes(ctx, st, Window{}, "")
	if err != nil {
		t.Fatal(err)
	}
	linger := map[string]float64{}
	conf := map[string]string{}
	for _, l := range lives {
		if l.LingerMinutes != nil {
			linger[l.ENIID] = *l.LingerMinutes
		}
		conf[l.ENIID] = deref(l.AttributionConfidence)
	}
	if linger["a1"] != 60 || linger["a2"] != 70 || linger["b1"] != 10 || len(linger) != 3 {
		t.Errorf("linger = %v, want a1 60, a2 70, b1 10", linger)
	}
	// a1: role and connection subnet known, one candidate → exact; b1: subnet inferred → high.
	if conf["a1"] != "exact" || conf["b1"] != "high" || conf["p1"] != "none" || conf["l1"] != "" {
		t.Errorf("confidence = %v", conf)
	}
}

func deref[T any](p *T) T {
	var z T
	if p == nil {
		return z
	}
	return *p
}
