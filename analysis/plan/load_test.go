package plan

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/gluelens/gluelens/internal/config"
	"github.com/gluelens/gluelens/internal/store"
	"github.com/gluelens/gluelens/internal/testutil"
)

// The fixture, by hand (all times 2026-11-02 UTC):
//
//	subnet S (/28, 11 usable). Job ingest-a (role R1, connection conn-a → S).
//	  run A 07:00:00–07:10:00 SUCCEEDED, 3 workers: ENIs a1 07:00:30→08:10, a2 07:00:40→08:20, a3 07:00:50→08:15
//	  run B 07:14:30–07:15:10 FAILED (no free IPs), 3 workers: ENI b1 07:14:40→08:30, create refused at 07:15:00
//	Lambda ENIs l1 (1 IP, 06:50, never deleted) and f1 (6 IPs, 06:55, never deleted);
//	ENI p1 (1 IP, seen in a snapshot, no create) deleted 07:14:35.
//
// Evidence 06:50:00 → 08:30:00. S in use: 06:50 2 (l1, p1) · 06:55 8 · 07:00:30 9 · 07:00:40 10 ·
// 07:00:50 11 (peak) · 07:14:35 10 · 07:14:40 11 · 07:15:00 refused.
// A's lingers 60, 70, 65 min → median 65 min; A's duration 10 min.
// B: FailAfter = 07:15:10 − 07:15:00 = 10 s; b1 lingers 08:30 − 07:15:10 = 74m50s; it wanted 3 ENIs:
// b1, the refused one and one more (modelled at the refused create's offset, 30 s).
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
	add := func(table string, v ...any) {
		t.Helper()
		if err := w.Append(testutil.MustRow(table, v...)); err != nil {
			t.Fatal(err)
		}
	}
	r1 := "arn:aws:iam::111122223333:role/R1"
	ev := func(id, when, name string, subnet, eni, ips, requester, role, errCode, failure any) {
		add("eni_events", id, at(t, when), name, "111122223333", "us-east-1", subnet, nil, nil, eni, nil, ips,
			nil, requester, role, nil, nil, nil, errCode, nil, failure, nil, nil, nil, "fixture", int32(0))
	}
	ev("c-l1", "06:50:00", "CreateNetworkInterface", "S", "l1", int32(1), "lambda", nil, nil, nil)
	ev("c-f1", "06:55:00", "CreateNetworkInterface", "S", "f1", int32(6), "lambda", nil, nil, nil)
	ev("c-a1", "07:00:30", "CreateNetworkInterface", "S", "a1", int32(1), "glue", r1, nil, nil)
	ev("c-a2", "07:00:40", "CreateNetworkInterface", "S", "a2", int32(1), "glue", r1, nil, nil)
	ev("c-a3", "07:00:50", "CreateNetworkInterface", "S", "a3", int32(1), "glue", r1, nil, nil)
	ev("d-p1", "07:14:35", "DeleteNetworkInterface", nil, "p1", nil, nil, nil, nil, nil)
	ev("c-b1", "07:14:40", "CreateNetworkInterface", "S", "b1", int32(1), "glue", r1, nil, nil)
	ev("f-1", "07:15:00", "CreateNetworkInterface", "S", nil, nil, "glue", r1, "Client.InsufficientFreeAddressesInSubnet", "ip_exhaustion")
	ev("d-a1", "08:10:00", "DeleteNetworkInterface", nil, "a1", nil, "glue", r1, nil, nil)
	ev("d-a2", "08:20:00", "DeleteNetworkInterface", nil, "a2", nil, "glue", r1, nil, nil)
	ev("d-a3", "08:15:00", "DeleteNetworkInterface", nil, "a3", nil, "glue", r1, nil, nil)
	ev("d-b1", "08:30:00", "DeleteNetworkInterface", nil, "b1", nil, "glue", r1, nil, nil)
	run := func(id, start, end, state string, failure any) {
		add("glue_runs", id, "ingest-a", int32(0), nil, nil, at(t, start), at(t, end), at(t, end), state, nil, nil, nil, nil,
			"G.1X", int32(3), "4.0", nil, nil, nil, failure, "fixture")
	}
	run("A", "07:00:00", "07:10:00", "SUCCEEDED", nil)
	run("B", "07:14:30", "07:15:10", "FAILED", "ip_exhaustion")
	add("glue_jobs", "ingest-a", r1, "G.1X", int32(3), nil, "4.0", nil, nil, "fixture")
	add("glue_job_connections", "ingest-a", int32(0), "conn-a", nil)
	add("glue_connections", "conn-a", "NETWORK", "S", nil, nil, nil, "fixture")
	add("subnets", "S", "vpc-1", "10.0.0.0/28", int32(28), int32(11), nil, nil, nil, nil, "fixture")
	add("eni_snapshots", "p1", at(t, "06:45:00"), "S", "vpc-1", nil, "in-use", nil, nil, nil, nil, nil, int32(1), "fixture")
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

func at(t *testing.T, hhmmss string) time.Time {
	t.Helper()
	tm, err := time.Parse("2006-01-02 15:04:05", "2026-11-02 "+hhmmss)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestLoadDemand(t *testing.T) {
	st := fixture(t)
	d, err := LoadDemand(context.Background(), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Start.Equal(at(t, "06:50:00")) || !d.End.Equal(at(t, "08:30:00")) || d.FailAfter != 10*time.Second {
		t.Errorf("bounds %s → %s, fail after %s", d.Start, d.End, d.FailAfter)
	}
	if s := d.Subnets["S"]; s.Prefix != 28 || s.Usable != 11 {
		t.Errorf("subnet S = %+v", s)
	}
	if len(d.Runs) != 2 {
		t.Fatalf("runs = %+v", d.Runs)
	}
	a, b := d.Runs[0], d.Runs[1]
	wantA := []Attempt{
		{ENI: "a1", Offset: 30 * time.Second, IPs: 1, Linger: 60 * time.Minute},
		{ENI: "a2", Offset: 40 * time.Second, IPs: 1, Linger: 70 * time.Minute},
		{ENI: "a3", Offset: 50 * time.Second, IPs: 1, Linger: 65 * time.Minute},
	}
	if a.ID != "A" || a.Category != "ingest" || a.Subnet != "S" || a.Duration != 10*time.Minute || a.FailedForIPs || a.Modelled || !equalAttempts(a.Attempts, wantA) {
		t.Errorf("run A = %+v", a)
	}
	wantB := []Attempt{
		{ENI: "b1", Offset: 10 * time.Second, IPs: 1, Linger: 74*time.Minute + 50*time.Second},
		{EventID: "f-1", Offset: 30 * time.Second, IPs: 1, Linger: 65 * time.Minute, Refused: true},
		{Offset: 30 * time.Second, IPs: 1, Linger: 65 * time.Minute, Modelled: true},
	}
	if b.ID != "B" || !b.FailedForIPs || !b.Modelled || b.FailAfter != 10*time.Second || b.Duration != 10*time.Minute ||
		!b.RecordedEnd.Equal(at(t, "07:15:10")) || b.Workers != 3 || !equalAttempts(b.Attempts, wantB) {
		t.Errorf("run B = %+v", b)
	}
	wantBG := []Hold{
		{ENI: "l1", Subnet: "S", Requester: "lambda", From: at(t, "06:50:00"), IPs: 1},
		{ENI: "p1", Subnet: "S", From: at(t, "06:50:00"), To: at(t, "07:14:35"), IPs: 1},
		{ENI: "f1", Subnet: "S", Requester: "lambda", From: at(t, "06:55:00"), IPs: 6},
	}
	if len(d.Background) != len(wantBG) {
		t.Fatalf("background = %+v", d.Background)
	}
	for i, w := range wantBG {
		g := d.Background[i]
		if g.ENI != w.ENI || g.Subnet != w.Subnet || g.Requester != w.Requester || !g.From.Equal(w.From) || !g.To.Equal(w.To) || g.IPs != w.IPs {
			t.Errorf("background %d = %+v, want %+v", i, g, w)
		}
	}

	res, err := Replay(d, Alternative{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) != 1 || res.Failures[0].RunID != "B" || !res.Failures[0].At.Equal(at(t, "07:15:00")) || !res.Failures[0].Recorded {
		t.Errorf("recorded replay failures = %+v, want B at 07:15:00", res.Failures)
	}
	if s := res.Subnets[0]; s.Subnet != "S" || s.PeakInUse != 11 || !s.PeakAt.Equal(at(t, "07:00:50")) {
		t.Errorf("replay S = %+v, want peak 11 at 07:00:50", s)
	}
}

func equalAttempts(got, want []Attempt) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

func TestCheckCapacity(t *testing.T) {
	st := fixture(t)
	checks, err := CheckCapacity(context.Background(), st, CapacityLimits{MinHeadroom: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	if len(checks) != 1 {
		t.Fatalf("checks = %+v", checks)
	}
	c := checks[0]
	want := "S: peak 11 of 11 usable IPs at 2026-11-02T07:00:50Z leaves 0.0% headroom (< 20%); 1 failure(s) for lack of IPs (> 0 allowed)"
	if c.OK || c.Reason != want || *c.HeadroomPct != 0 || c.Failures != 1 {
		t.Errorf("check = %+v\nwant reason %q", c, want)
	}
	checks, _ = CheckCapacity(context.Background(), st, CapacityLimits{MinHeadroom: 0, MaxFailures: 1})
	if !checks[0].OK {
		t.Errorf("lenient check = %+v", checks[0])
	}
}

func TestCategories(t *testing.T) {
	st := fixture(t)
	cfg, err := config.Parse([]byte("categories:\n  - name: critical\n    jobs: [ingest-*]\n"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := Categories(context.Background(), st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Category != "critical" || rows[0].Rule != "config: ingest-*" || rows[0].Runs != 2 ||
		rows[0].FailedForIPs != 1 || rows[0].Subnet == nil || *rows[0].Subnet != "S" {
		t.Errorf("categories = %+v", rows)
	}
}
