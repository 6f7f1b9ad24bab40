package synth

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHard checks each knob of Hard against the written files, with
// encoding/json readers only, and the per-run truth against the
// simulation's counts.
func TestHard(t *testing.T) {
	s, err := Customize(Options{Hard: Hard{DeleteOnly: 3, SharedRole: true, ClockSkew: 45 * time.Second, CreateLag: 150 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	out, err := Generate(s, 2)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "ev")
	if err := writeAll(out, dir); err != nil {
		t.Fatal(err)
	}
	tr := out.Truth
	ev := loadEvidence(t, dir)

	// Delete-only ENIs: deletes without a create, absent from the snapshot.
	created := map[string]bool{}
	var deletes []ctRecord
	for _, r := range ev.records {
		switch r.EventName {
		case "CreateNetworkInterface":
			if r.ResponseElements != nil && r.ResponseElements.NetworkInterface != nil {
				created[r.ResponseElements.NetworkInterface.NetworkInterfaceID] = true
			}
		case "DeleteNetworkInterface":
			deletes = append(deletes, r)
		}
	}
	var orphans []ctRecord
	for _, d := range deletes {
		if !created[d.RequestParameters.NetworkInterfaceID] {
			orphans = append(orphans, d)
		}
	}
	inSnap := 0
	for _, p := range tr.Preexisting {
		if p.InSnapshot {
			inSnap++
			if ev.preSubnet[p.ENIID] != p.SubnetID {
				t.Errorf("pre-existing %s: snapshot subnet %q, truth %s", p.ENIID, ev.preSubnet[p.ENIID], p.SubnetID)
			}
		}
		if p.SubnetID != "subnet-0d1e2f3a4b5c6d7e8" || p.Deleted == nil {
			t.Errorf("pre-existing %+v: want the shared /26, deleted during the evidence", p)
		}
	}
	if len(tr.Preexisting) != 4 || inSnap != 1 {
		t.Errorf("truth lists %d pre-existing ENIs, %d in the snapshot; want 4 and 1", len(tr.Preexisting), inSnap)
	}
	if len(orphans) != 4 || len(ev.preSubnet) != 1 || tr.Counts.PreexistingENIs != 4 {
		t.Errorf("%d deletes without a create, %d ENIs in the snapshot, truth %d pre-existing; want 4, 1, 4", len(orphans), len(ev.preSubnet), tr.Counts.PreexistingENIs)
	}
	// At every refused create, unattributed = the orphans not yet deleted.
	for _, f := range tr.FailedCreates {
		alive := 0
		for _, d := range orphans {
			if d.at.After(f.At.Time) {
				alive++
			}
		}
		if f.Unattributed != alive {
			t.Errorf("refused create at %s: unattributed %d, %d delete-only ENIs still alive", f.At, f.Unattributed, alive)
		}
	}
	// Shared role: export-* jobs run under transform-*'s role.
	if ev.jobRole["export-finance"] != ev.jobRole["transform-sessions"] || !strings.HasSuffix(ev.jobRole["export-finance"], "role/glue-transform-role") {
		t.Errorf("roles: export %s, transform %s", ev.jobRole["export-finance"], ev.jobRole["transform-sessions"])
	}
	// Clock skew: every get-job-runs StartedOn is the true start + 45 s.
	if tr.GlueClockSkewSeconds != 45 || len(tr.Runs) != len(ev.runs) {
		t.Fatalf("skew %v, %d runs in the truth, %d in get-job-runs", tr.GlueClockSkewSeconds, len(tr.Runs), len(ev.runs))
	}
	sumENIs := 0
	for _, r := range tr.Runs {
		got := ev.runs[r.JobRunID]
		if got == nil || got.started.Sub(r.StartedOn.Time) != 45*time.Second {
			t.Errorf("run %s: get-job-runs started %v, true %s", r.JobRunID, got, r.StartedOn)
			continue
		}
		if r.CompletedOn != nil && got.completed.Sub(r.CompletedOn.Time) != 45*time.Second {
			t.Errorf("run %s: get-job-runs completed %s, true %s", r.JobRunID, got.completed, r.CompletedOn)
		}
		if r.ENIs != len(r.ENIIDs) || r.ENIs > r.Workers || (!r.Failed && r.ENIs != r.Workers) || (r.Failed && r.ENIs >= r.Workers) {
			t.Errorf("run %s: %d ENIs (%d ids) of %d workers, failed %v", r.JobRunID, r.ENIs, len(r.ENIIDs), r.Workers, r.Failed)
		}
		sumENIs += r.ENIs
	}
	if sumENIs != tr.Counts.GlueENIs {
		t.Errorf("runs hold %d ENIs, truth counts %d Glue ENIs", sumENIs, tr.Counts.GlueENIs)
	}
	// Creation lag: creates come up to 150 s after the true start, some after 60 s.
	createdAt := map[string]time.Time{}
	for _, r := range ev.records {
		if r.EventName == "CreateNetworkInterface" && r.ResponseElements != nil && r.ResponseElements.NetworkInterface != nil {
			createdAt[r.ResponseElements.NetworkInterface.NetworkInterfaceID] = r.at
		}
	}
	late := 0
	for _, r := range tr.Runs {
		for _, id := range r.ENIIDs {
			lag := createdAt[id].Sub(r.StartedOn.Time)
			if lag < 5*time.Second || lag > 151*time.Second {
				t.Errorf("ENI %s of run %s created %s after the start", id, r.JobRunID, lag)
			}
			if lag > 60*time.Second {
				late++
			}
		}
	}
	if late == 0 {
		t.Error("no ENI created more than 60 s after its run's start")
	}
	if len(tr.FailedCreates) == 0 {
		t.Error("no refused create")
	}
}

func TestHardRefuses(t *testing.T) {
	for _, h := range []Hard{{DeleteOnly: 50}, {ClockSkew: time.Hour}, {CreateLag: 4 * time.Minute}} {
		if _, err := Customize(Options{Hard: h}); err == nil {
			t.Errorf("%+v accepted", h)
		}
	}
}

// Two runs refused seconds apart, a re-pointed job, more categories and
// roles: the truth against the written files.
func TestHardMore(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		s, err := Customize(Options{Hard: Hard{CloseFailures: true, Repoint: true, ExtraCategories: 3}})
		if err != nil {
			t.Fatal(err)
		}
		out, err := Generate(s, seed)
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), "ev")
		if err := writeAll(out, dir); err != nil {
			t.Fatal(err)
		}
		tr := out.Truth
		ev := loadEvidence(t, dir)

		// adhoc-a and adhoc-b: refused within a minute of each other.
		var adhoc []FailedCreate
		for _, f := range tr.FailedCreates {
			if strings.HasPrefix(f.JobName, "adhoc-") {
				adhoc = append(adhoc, f)
			}
		}
		if len(adhoc) != 2 || adhoc[0].JobName == adhoc[1].JobName || adhoc[1].At.Sub(adhoc[0].At.Time) > time.Minute || adhoc[0].SubnetID != adhoc[1].SubnetID {
			t.Errorf("seed %d: adhoc refusals %+v, want two runs refused within a minute in one subnet", seed, adhoc)
		}
		// The re-pointed job: get-jobs names only the new subnet's connection,
		// yet its morning runs created their ENIs in the old one.
		newSubnet := ev.jobSubnet["ingest-orders"]
		if newSubnet == "" || newSubnet == "subnet-0d1e2f3a4b5c6d7e8" {
			t.Fatalf("seed %d: get-jobs puts ingest-orders in %q", seed, newSubnet)
		}
		before, after := 0, 0
		for _, r := range tr.Runs {
			if r.JobName != "ingest-orders" {
				continue
			}
			moved := !r.StartedOn.Before(time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC))
			if want := map[bool]string{false: "subnet-0d1e2f3a4b5c6d7e8", true: newSubnet}[moved]; r.SubnetID != want {
				t.Errorf("seed %d: run %s started %s in %s, want %s", seed, r.JobRunID, r.StartedOn, r.SubnetID, want)
			}
			if moved {
				after++
			} else {
				before++
			}
		}
		if before == 0 || after == 0 {
			t.Errorf("seed %d: ingest-orders ran %d times before the move, %d after", seed, before, after)
		}
		roles := map[string]bool{}
		for _, r := range ev.jobRole {
			roles[r] = true
		}
		if len(roles) != 4+2+3 {
			t.Errorf("seed %d: %d roles in get-jobs, want 9", seed, len(roles))
		}
	}
}

// Without the re-pointed job every ENI still has exactly one candidate
// run (own roles, 3 min between starts of a category), so the generic
// recomputation of the truth from the files applies.
func TestHardRecomputed(t *testing.T) {
	s, err := Customize(Options{Hard: Hard{CloseFailures: true, ExtraCategories: 2}})
	if err != nil {
		t.Fatal(err)
	}
	out, err := Generate(s, 6)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "ev")
	if err := writeAll(out, dir); err != nil {
		t.Fatal(err)
	}
	checkTruth(t, 6, loadEvidence(t, dir), false)
}
