package facts

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/gluelens/gluelens/internal/evidencetest"
	"github.com/gluelens/gluelens/internal/reportfixture"
	"github.com/gluelens/gluelens/internal/store"
)

// The evidence, by hand (2026-11-02 UTC): subnet S (/28, 11 usable); job J
// (role R, connection c → S, 2 workers).
//
//	run A 07:00:00–07:10:00 SUCCEEDED: ENIs a1 07:00:30→07:20:00, a2 07:00:40→07:40:00
//	ENI c 07:20:00→07:25:00 (created as a1 is deleted: the swap nets to no change)
//	ENI b 07:30:00→07:40:00
//	run F 07:34:00–07:36:00 FAILED for lack of IPs; its create refused at 07:35:00
//
// S in use: 07:00:30 1 · 07:00:40 2 · 07:25 1 · 07:30 2 · 07:35 11 (the refusal proves S full: 9 IPs
// unaccounted for by the evidence until S's next change) · 07:40 0.
func fixture(t *testing.T) *store.Store {
	at := evidencetest.Clock(t)
	var e evidencetest.Evidence
	e.Subnet("S", "10.0.0.0/28")
	e.Connection("c", "S")
	e.Job("J", "R", 2, time.Time{}, "c")
	e.AddRun(evidencetest.Run{ID: "A", Job: "J", Start: at("07:00:00"), End: at("07:10:00"), State: "SUCCEEDED", Workers: 2})
	e.AddRun(evidencetest.Run{ID: "F", Job: "J", Start: at("07:34:00"), End: at("07:36:00"), State: "FAILED", Error: evidencetest.RunRefusedError, Workers: 2})
	e.Create(at("07:00:30"), "S", "a1", "R")
	e.Create(at("07:00:40"), "S", "a2", "R")
	e.Delete(at("07:20:00"), "a1", "R")
	e.Create(at("07:20:00"), "S", "c", "R")
	e.Delete(at("07:25:00"), "c", "R")
	e.Create(at("07:30:00"), "S", "b", "R")
	e.Refused(at("07:35:00"), "S", "f-1", "R")
	e.Delete(at("07:40:00"), "a2", "R")
	e.Delete(at("07:40:00"), "b", "R")
	return reportfixture.Store(t, "facts.duckdb", e.Write(t, filepath.Join(t.TempDir(), "ev")))
}

func TestOccupancy(t *testing.T) {
	st := fixture(t)
	at := evidencetest.Clock(t)
	type s struct {
		from, to string // to "": open
		inUse    int64
		unacc    int64
	}
	for _, c := range []struct {
		w    Window
		want []s
	}{
		{Window{}, []s{{"07:00:30", "07:00:40", 1, 0}, {"07:00:40", "07:25:00", 2, 0}, {"07:25:00", "07:30:00", 1, 0}, {"07:30:00", "07:35:00", 2, 0}, {"07:35:00", "07:40:00", 11, 9}, {"07:40:00", "", 0, 0}}},
		{Window{From: at("07:10:00"), To: at("07:35:00")}, []s{{"07:10:00", "07:25:00", 2, 0}, {"07:25:00", "07:30:00", 1, 0}, {"07:30:00", "07:35:00", 2, 0}}},
		{Window{From: at("07:50:00"), To: at("08:00:00")}, []s{{"07:50:00", "08:00:00", 0, 0}}},
	} {
		occ, err := Occupancy(context.Background(), st, c.w)
		if err != nil {
			t.Fatal(err)
		}
		got := occ["S"]
		if len(occ) != 1 || len(got) != len(c.want) {
			t.Fatalf("window %v: occupancy = %+v, want S: %v", c.w, occ, c.want)
		}
		for i, w := range c.want {
			g := got[i]
			toOK := (w.to == "" && g.To == nil) || (w.to != "" && g.To != nil && g.To.Equal(at(w.to)))
			if !g.From.Equal(at(w.from)) || !toOK || g.InUse != w.inUse || g.Unaccounted != w.unacc {
				t.Errorf("window %v step %d = %v→%v %d (%d unaccounted), want %v", c.w, i, g.From, g.To, g.InUse, g.Unaccounted, w)
			}
		}
	}
}

// TestHolderSteps: a1 and a2 belong to run A (completed 07:10), b and c to
// no run. By hand: 07:00:30 running 1 · 07:00:40 running 2 · 07:10 A ends:
// lingering 2 · 07:20 a1 deleted, c created: lingering 1, unattributed 1 ·
// 07:25 c deleted: unattributed 0 · 07:30 b: unattributed 1 · 07:40 none.
// At every step the split adds up to the occupancy less its unaccounted IPs.
func TestHolderSteps(t *testing.T) {
	st := fixture(t)
	at := evidencetest.Clock(t)
	ctx := context.Background()
	type s struct {
		from                                   string
		running, lingering, nonGlue, unattribd int64
	}
	for _, c := range []struct {
		w    Window
		want []s
	}{
		{Window{}, []s{{"07:00:30", 1, 0, 0, 0}, {"07:00:40", 2, 0, 0, 0}, {"07:10:00", 0, 2, 0, 0}, {"07:20:00", 0, 1, 0, 1},
			{"07:25:00", 0, 1, 0, 0}, {"07:30:00", 0, 1, 0, 1}, {"07:40:00", 0, 0, 0, 0}}},
		{Window{From: at("07:15:00"), To: at("07:35:00")}, []s{{"07:15:00", 0, 2, 0, 0}, {"07:20:00", 0, 1, 0, 1},
			{"07:25:00", 0, 1, 0, 0}, {"07:30:00", 0, 1, 0, 1}}},
	} {
		steps, err := HolderSteps(ctx, st, c.w)
		if err != nil {
			t.Fatal(err)
		}
		got := steps["S"]
		if len(steps) != 1 || len(got) != len(c.want) {
			t.Fatalf("window %v: steps = %+v, want S: %v", c.w, steps, c.want)
		}
		for i, w := range c.want {
			g := got[i]
			if !g.From.Equal(at(w.from)) || g.Running != w.running || g.Lingering != w.lingering || g.NonGlue != w.nonGlue || g.Unattributed != w.unattribd {
				t.Errorf("window %v step %d = %+v, want %v", c.w, i, g, w)
			}
		}
	}
	occ, err := Occupancy(ctx, st, Window{})
	if err != nil {
		t.Fatal(err)
	}
	steps, err := HolderSteps(ctx, st, Window{})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range steps["S"] {
		for _, o := range occ["S"] {
			if !o.From.After(h.From) && (o.To == nil || h.From.Before(*o.To)) {
				if sum := h.Running + h.Lingering + h.NonGlue + h.Unattributed; sum != o.InUse-o.Unaccounted {
					t.Errorf("at %v the split adds up to %d, the occupancy less unaccounted is %d", h.From, sum, o.InUse-o.Unaccounted)
				}
			}
		}
	}
}

func TestReaders(t *testing.T) {
	st := fixture(t)
	ctx := context.Background()
	at := evidencetest.Clock(t)
	b, err := ReadBounds(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if !b.EvidenceStart.Equal(at("07:00:30")) || !b.EvidenceEnd.Equal(at("07:40:00")) || !b.RunsStart.Equal(at("07:00:00")) || !b.RunsEnd.Equal(at("07:36:00")) {
		t.Errorf("bounds = %v %v %v %v", b.EvidenceStart, b.EvidenceEnd, b.RunsStart, b.RunsEnd)
	}
	subs, err := Subnets(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != 1 || subs[0].ID != "S" || *subs[0].Usable != 11 || *subs[0].Prefix != 28 {
		t.Errorf("subnets = %+v, want S /28 with 11 usable", subs)
	}
	hs, err := Holdings(ctx, st, Window{From: at("07:26:00"), To: at("07:50:00")}, "S")
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 2 || hs[0].ENIID != "a2" || hs[1].ENIID != "b" || *hs[0].JobRunID != "A" || *hs[0].LingerMinutes != 30 {
		t.Errorf("holdings after 07:26 = %+v, want a2 (run A, linger 30 min) and b", hs)
	}
	if other, err := Holdings(ctx, st, Window{}, "T"); err != nil || len(other) != 0 {
		t.Errorf("holdings in T = %v, %v; want none", other, err)
	}
	ref, err := RefusedCreates(ctx, st, Window{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ref) != 1 || *ref[0].EventID != "f-1" || !ref[0].At.Equal(at("07:35:00")) || ref[0].JobRunID == nil || *ref[0].JobRunID != "F" {
		t.Errorf("refused = %+v, want f-1 at 07:35 of run F", ref)
	}
	if ref, err := RefusedCreates(ctx, st, Window{To: at("07:35:00")}); err != nil || len(ref) != 0 {
		t.Errorf("refused before 07:35 = %v, %v; want none", ref, err)
	}
	runs, err := Runs(ctx, st, Window{From: at("07:30:00")})
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || runs[0].RunID != "F" || !runs[0].FailedForIPs || runs[0].Workers != 2 || *runs[0].SubnetID != "S" {
		t.Errorf("runs from 07:30 = %+v, want F (failed for IPs, 2 workers, in S)", runs)
	}
	run, err := RunByID(ctx, st, "A")
	if err != nil || run == nil || *run.State != "SUCCEEDED" || !run.CompletedOn.Equal(at("07:10:00")) {
		t.Errorf("run A = %+v, %v", run, err)
	}
	if run, err := RunByID(ctx, st, "nope"); err != nil || run != nil {
		t.Errorf("run nope = %+v, %v; want none", run, err)
	}
}
