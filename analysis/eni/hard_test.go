package eni

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/gluelens/gluelens/internal/reportfixture"
	"github.com/gluelens/gluelens/internal/synth"
)

// TestHardEvidence runs the analysis over synth's hard-evidence knobs
// (issue 16: evidence simulated from AWS's behaviour, never from the
// attribution): at every refused create of the truth, each value matches,
// or the answer is marked ambiguous and the truth lies in the range it
// gives — running and finished within ± ambiguous_ips, and the truth's
// unattributed IPs (delete-only ENIs among them) between unattributed and
// unattributed + unaccounted. No failed run is listed twice, and no run
// holds more ENIs than it has workers.
func TestHardEvidence(t *testing.T) {
	for i, h := range []synth.Hard{
		{DeleteOnly: 3},
		{SharedRole: true},
		{ClockSkew: 45 * time.Second},
		{ClockSkew: -30 * time.Second},
		{CreateLag: 150 * time.Second},
		{CloseFailures: true},
		{Repoint: true},
		{ExtraCategories: 3},
		{DeleteOnly: 3, SharedRole: true, ClockSkew: 45 * time.Second, CreateLag: 150 * time.Second, CloseFailures: true, Repoint: true},
	} {
		t.Run(fmt.Sprintf("%d-%+v", i, h), func(t *testing.T) {
			s, err := synth.Customize(synth.Options{Hard: h})
			if err != nil {
				t.Fatal(err)
			}
			out, err := synth.Generate(s, 2)
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(t.TempDir(), "ev")
			if err := out.WriteDir(dir); err != nil {
				t.Fatal(err)
			}
			st := reportfixture.Store(t, "hard.duckdb", dir)
			tr := out.Truth
			byKey := map[string]Exhaustion{}
			glueRuns := 0
			for _, x := range exhaustions(t, st) {
				if x.Source == "glue_run" {
					glueRuns++
					continue
				}
				byKey[x.At.UTC().Format(time.RFC3339)+" "+deref(x.SubnetID)] = x
			}
			if len(byKey) != len(tr.FailedCreates) {
				t.Errorf("%d refused creates, truth %d", len(byKey), len(tr.FailedCreates))
			}
			refusedRuns := map[string]bool{}
			for _, f := range tr.FailedCreates {
				refusedRuns[f.JobRunID] = true
			}
			withoutCreate := 0
			for _, r := range tr.Runs {
				if r.Failed && !refusedRuns[r.JobRunID] {
					withoutCreate++
				}
			}
			if glueRuns != withoutCreate {
				t.Errorf("%d failed runs listed at their CompletedOn, truth %d failed runs without a refused create", glueRuns, withoutCreate)
			}
			for _, f := range tr.FailedCreates {
				key := f.At.UTC().Format(time.RFC3339) + " " + f.SubnetID
				x, ok := byKey[key]
				if !ok {
					t.Errorf("refused create %s missing", key)
					continue
				}
				what := "refused create " + key
				if x.InUse != int64(f.InUse) || x.HeldByNonGlue != int64(f.HeldByNonGlue) {
					t.Errorf("%s: %d in use, %d non-Glue; truth %d, %d", what, x.InUse, x.HeldByNonGlue, f.InUse, f.HeldByNonGlue)
				}
				within(t, what+" running", x, x.HeldByRunningRuns, int64(f.HeldByRunningRuns))
				within(t, what+" finished", x, x.HeldByFinishedRuns, int64(f.HeldByFinishedRuns))
				if u := int64(f.Unattributed); u < x.Unattributed || u > x.Unattributed+x.Unaccounted || (u != x.Unattributed && x.Confidence != "ambiguous") {
					t.Errorf("%s: %d unattributed + %d unaccounted (%s); truth %d unattributed", what, x.Unattributed, x.Unaccounted, x.Confidence, u)
				}
				if deref(x.JobRunID) != f.JobRunID && x.AttributionConfidence != "ambiguous" {
					t.Errorf("%s: run %s (%s), truth %s", what, deref(x.JobRunID), x.AttributionConfidence, f.JobRunID)
				}
			}
			for id, r := range runs(t, st) {
				if r.NumberOfWorkers != nil && r.ENIs > *r.NumberOfWorkers {
					t.Errorf("run %s holds %d ENIs with %d workers", id, r.ENIs, *r.NumberOfWorkers)
				}
			}
		})
	}
}
