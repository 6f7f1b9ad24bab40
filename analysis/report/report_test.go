package report_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gluelens/gluelens/analysis/report"
	"github.com/gluelens/gluelens/internal/reportfixture"
	"github.com/gluelens/gluelens/internal/synth"
	"github.com/gluelens/gluelens/reports/words"
)

var opts = report.Options{Now: reportfixture.Now, Version: "test"}

// The incident report of the first refused create must quote exactly the
// numbers the generator's own simulation recorded in truth.json.
func TestIncidentMatchesTruth(t *testing.T) {
	sc := reportfixture.Write(t, synth.IPExhaustion(), 1)
	st := reportfixture.Store(t, "ip.duckdb", sc.Dir)
	ctx := context.Background()
	if len(sc.Truth.FailedCreates) == 0 {
		t.Fatal("the scenario has no failed creates")
	}
	for _, fc := range []synth.FailedCreate{sc.Truth.FailedCreates[0], sc.Truth.FailedCreates[len(sc.Truth.FailedCreates)-1]} {
		t.Run(fc.At.Format(time.RFC3339), func(t *testing.T) {
			inc, err := report.BuildIncident(ctx, st, report.IncidentQuery{At: fc.At.Time, Subnet: fc.SubnetID}, opts)
			if err != nil {
				t.Fatal(err)
			}
			if inc.Class != report.ClassIPExhaustion {
				t.Fatalf("class = %q, want ip_exhaustion", inc.Class)
			}
			t.Log(words.RootCause(inc))
			t.Log(words.FailureSummary(inc))
			ip := inc.IP
			got := []int64{ip.InUse, ip.HeldByRunningRuns, ip.HeldByFinishedRuns, ip.HeldByNonGlue, ip.Unattributed}
			want := []int64{int64(fc.InUse), int64(fc.HeldByRunningRuns), int64(fc.HeldByFinishedRuns), int64(fc.HeldByNonGlue), int64(fc.Unattributed)}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("in use, running, finished, non-glue, unattributed = %v, want %v", got, want)
			}
			if !ip.At.Equal(fc.At.Time) || ip.SubnetID != fc.SubnetID {
				t.Errorf("failure at %s in %s, want %s in %s", ip.At, ip.SubnetID, fc.At.Time, fc.SubnetID)
			}
			wantSentence := fmt.Sprintf("At %s %s (/26, 59 usable) had %d IPs in use: %d held by ", fc.At.UTC().Format("15:04:05"), fc.SubnetID, fc.InUse, fc.HeldByRunningRuns)
			if len(words.RootCause(inc)) < len(wantSentence) || words.RootCause(inc)[:len(wantSentence)] != wantSentence {
				t.Errorf("root cause = %q\nwant prefix  %q", words.RootCause(inc), wantSentence)
			}
			if fc.HeldByFinishedRuns > 0 {
				lo, hi := math.Round(fc.FinishedRunsMinMinutesAgo), math.Round(fc.FinishedRunsMaxMinutesAgo)
				ago := fmt.Sprintf(" %.0f–%.0f minutes earlier", lo, hi)
				if lo == hi {
					ago = fmt.Sprintf(" %.0f minutes earlier", lo)
				}
				if !contains(words.RootCause(inc), ago) {
					t.Errorf("root cause %q does not say %q", words.RootCause(inc), ago)
				}
			}
			// The step series at the failure instant holds the truth's in_use.
			if v := valueAt(ip.Occupancy, fc.At.Time); v != float64(fc.InUse) {
				t.Errorf("occupancy at the failure = %v, want %d", v, fc.InUse)
			}
			// The occupancy by holder class holds the truth's split at the
			// failure and adds up to the occupancy at every point.
			var hp report.HolderPoint
			for _, p := range ip.ByHolder {
				if p.At.After(fc.At.Time) {
					break
				}
				hp = p
			}
			gotSplit := []int64{hp.Running, hp.Lingering, hp.NonGlue, hp.Unattributed}
			wantSplit := []int64{int64(fc.HeldByRunningRuns), int64(fc.HeldByFinishedRuns), int64(fc.HeldByNonGlue), int64(fc.Unattributed)}
			if fmt.Sprint(gotSplit) != fmt.Sprint(wantSplit) {
				t.Errorf("occupancy by holder at the failure = %v, want %v", gotSplit, wantSplit)
			}
			if len(ip.ByHolder) < 10 {
				t.Errorf("occupancy by holder has %d points", len(ip.ByHolder))
			}
			for _, p := range ip.ByHolder {
				if v := valueAt(ip.Occupancy, p.At); v != float64(p.Total()) {
					t.Errorf("at %s the holder classes add up to %d, the occupancy is %v", p.At, p.Total(), v)
				}
			}
			// The timeline's rows: one per run holding IPs at the failure,
			// their IPs adding up to the running and lingering holders.
			runs, held := 0, int64(0)
			for _, r := range ip.Runs {
				if r.Kind == "run" {
					runs++
					held += r.IPsAtFailure
				}
			}
			if runs != ip.RunningRuns+ip.FinishedRuns || held != int64(fc.HeldByRunningRuns+fc.HeldByFinishedRuns) {
				t.Errorf("timeline: %d runs holding %d IPs, want %d runs holding %d", runs, held, ip.RunningRuns+ip.FinishedRuns, fc.HeldByRunningRuns+fc.HeldByFinishedRuns)
			}
			if len(inc.Fix.Advice) == 0 {
				t.Error("no advice for an IP exhaustion")
			}
		})
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// valueAt reads a step series at t.
func valueAt(pts []report.Point, t time.Time) float64 {
	v := math.NaN()
	for _, p := range pts {
		if p.At.After(t) {
			break
		}
		v = p.Value
	}
	return v
}

// The capacity report's per-subnet peaks, failed creates and time above
// 90 % match truth.json over the whole evidence.
func TestCapacityMatchesTruth(t *testing.T) {
	sc := reportfixture.Write(t, synth.IPExhaustion(), 1)
	st := reportfixture.Store(t, "cap.duckdb", sc.Dir)
	tr := sc.Truth
	c, err := report.BuildCapacity(context.Background(), st, tr.EvidenceStart.Time, tr.EvidenceEnd.Time, opts)
	if err != nil {
		t.Fatal(err)
	}
	bySubnet := map[string]report.SubnetCapacity{}
	for _, s := range c.Subnets {
		bySubnet[s.SubnetID] = s
	}
	// A 6-hour window from 12:00 has two earlier windows in the evidence
	// (00:00 and 06:00); the 06:00 one holds every refused create.
	noon := tr.EvidenceStart.Time.Truncate(24 * time.Hour).Add(12 * time.Hour)
	later, err := report.BuildCapacity(context.Background(), st, noon, noon.Add(6*time.Hour), opts)
	if err != nil {
		t.Fatal(err)
	}
	morning := map[string]int64{}
	for _, fc := range tr.FailedCreates {
		if h := fc.At.UTC().Hour(); h >= 6 && h < 12 {
			morning[fc.SubnetID]++
		}
	}
	offsets := map[int]bool{}
	for _, w := range later.Trend {
		offsets[w.Offset] = true
		if w.Year != 0 || w.Week != 0 {
			t.Errorf("trend window %d of a 6-hour report has ISO week %d-W%02d, want none", w.Offset, w.Year, w.Week)
		}
		if w.Offset == 1 && w.FailedCreates != morning[w.SubnetID] {
			t.Errorf("trend −1 of %s: %d failed creates, truth has %d between 06:00 and 12:00", w.SubnetID, w.FailedCreates, morning[w.SubnetID])
		}
	}
	if !offsets[2] || !offsets[1] || !offsets[0] || offsets[3] {
		t.Errorf("trend window offsets = %v, want 2, 1 and 0", offsets)
	}
	for _, want := range tr.Subnets {
		got, ok := bySubnet[want.SubnetID]
		if !ok {
			t.Errorf("subnet %s missing", want.SubnetID)
			continue
		}
		if got.PeakInUse != int64(want.PeakInUse) || got.FailedCreates != int64(want.FailedCreates) {
			t.Errorf("%s: peak %d, failed %d; want %d, %d", want.SubnetID, got.PeakInUse, got.FailedCreates, want.PeakInUse, want.FailedCreates)
		}
		if got.HoursAbove90 == nil || math.Abs(*got.HoursAbove90*3600-float64(want.SecondsAtOrAbove90Pct)) > 0.5 {
			t.Errorf("%s: hours at or above 90 %% = %v, want %d s", want.SubnetID, got.HoursAbove90, want.SecondsAtOrAbove90Pct)
		}
	}
}

// A run that failed for neither IPs nor disk is an "other" incident whose
// root cause quotes the run's error.
func TestIncidentOther(t *testing.T) {
	sc := reportfixture.Write(t, synth.IPExhaustion(), 1)
	st := reportfixture.Store(t, "other.duckdb", sc.Dir)
	ctx := context.Background()
	if _, err := st.DB().ExecContext(ctx, `INSERT INTO glue_runs (run_id, job_name, state, started_on, completed_on, error_message, failure_class)
		VALUES ('jr_other', 'ingest-orders', 'FAILED', TIMESTAMP '2026-11-02 15:00:00', TIMESTAMP '2026-11-02 15:07:30',
		        'AnalysisException: Path does not exist: s3://bucket/in/', 'other')`); err != nil {
		t.Fatal(err)
	}
	inc, err := report.BuildIncident(ctx, st, report.IncidentQuery{RunID: "jr_other"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := "Run jr_other of ingest-orders failed at 15:07:30 with: AnalysisException: Path does not exist: s3://bucket/in/"
	if inc.Class != report.ClassOther || words.RootCause(inc) != want || inc.IP != nil || inc.Disk != nil {
		t.Errorf("class %q, root cause %q; want other, %q", inc.Class, words.RootCause(inc), want)
	}
	if _, err := report.BuildIncident(ctx, st, report.IncidentQuery{RunID: "jr_missing"}, opts); !errors.Is(err, report.ErrNoFailure) {
		t.Errorf("unknown run: %v, want ErrNoFailure", err)
	}
}

// launchAdvice lists a report's launch thresholds as "category N".
func launchAdvice(adv []report.Advice) []string {
	var out []string
	for _, a := range adv {
		if a.Area == "launch" {
			out = append(out, words.AdviceTitle(a)+" | "+words.AdviceEvidence(a))
		}
	}
	return out
}

// TestAdviceIgnoresLaterEvidence: the launch advice of a capacity report on
// the before week, and of an incident report whose --after names the week
// after the fix, is what the before week alone gives, however much of the
// after week the database also holds; and the thresholds are the ones the
// generator computes from its own simulated history of that week.
func TestAdviceIgnoresLaterEvidence(t *testing.T) {
	before := reportfixture.Write(t, synth.IPExhaustion(), 1)
	after := reportfixture.Write(t, synth.AfterFix(), synth.AfterFixSeed(1))
	alone := reportfixture.Store(t, "before.duckdb", before.Dir)
	both := reportfixture.Store(t, "both.duckdb", before.Dir, after.Dir)
	ctx := context.Background()
	week := report.Span{From: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 9, 0, 0, 0, 0, time.UTC)}
	afterWeek := report.Span{From: week.To, To: week.To.Add(7 * 24 * time.Hour)}

	truth, err := synth.LaunchThresholds(synth.IPExhaustion(), 1)
	if err != nil {
		t.Fatal(err)
	}
	// Advice is for the categories of the subnet that ran out of IPs
	// (report has a roomy subnet of its own).
	shared := map[string]bool{}
	for _, c := range synth.IPExhaustion().Categories {
		if c.Subnet == before.Truth.FailedCreates[0].SubnetID {
			shared[c.Name] = true
		}
	}
	var want []string
	for _, th := range truth {
		if shared[th.Category] {
			want = append(want, fmt.Sprintf("Hold %s runs until %d IPs are free", th.Category, th.Threshold))
		}
	}
	if len(want) < 2 || len(want) == len(truth) {
		t.Fatalf("the scenario's shared subnet holds %v of %d categories: expected some, not all", shared, len(truth))
	}
	titles := func(adv []string) []string {
		var out []string
		for _, a := range adv {
			out = append(out, a[:strings.Index(a, " | ")])
		}
		sort.Strings(out)
		return out
	}

	capAlone, err := report.BuildCapacity(ctx, alone, week.From, week.To, opts)
	if err != nil {
		t.Fatal(err)
	}
	capBoth, err := report.BuildCapacity(ctx, both, week.From, week.To, opts)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := launchAdvice(capAlone.Actions.Advice), launchAdvice(capBoth.Actions.Advice); !slices.Equal(a, b) {
		t.Errorf("capacity report of the before week:\nbefore week alone %q\nwith the after week %q", a, b)
	}
	if got := titles(launchAdvice(capBoth.Actions.Advice)); !slices.Equal(got, want) {
		t.Errorf("capacity launch advice %q, want the generator's %q", got, want)
	}

	at := before.Truth.FailedCreates[0]
	incAlone, err := report.BuildIncident(ctx, alone, report.IncidentQuery{At: at.At.Time, Subnet: at.SubnetID}, opts)
	if err != nil {
		t.Fatal(err)
	}
	incBoth, err := report.BuildIncident(ctx, both, report.IncidentQuery{At: at.At.Time, Subnet: at.SubnetID, After: &afterWeek}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := launchAdvice(incAlone.Fix.Advice), launchAdvice(incBoth.Fix.Advice); !slices.Equal(a, b) || len(a) == 0 {
		t.Errorf("incident report:\nbefore week alone %q\nwith the after week and --after %q", a, b)
	}
	// The launch advice's evidence, said once (on the first threshold),
	// says to apply the thresholds after the split and replays the advised
	// subnets with the gate: no refused create, against the truth's 7
	// recorded, with every one of the week's runs gated.
	said := 0
	for _, a := range launchAdvice(incAlone.Fix.Advice) {
		if strings.HasSuffix(a, " | ") {
			continue
		}
		said++
		want := fmt.Sprintf("How to apply them: after the split — create the subnets above and move the jobs first, then gate each category's launches with its threshold. Replayed that way the evidence gives 0 refused creates (%d recorded)", len(before.Truth.FailedCreates))
		runs := fmt.Sprintf("of %d gated runs", before.Truth.Counts.Runs)
		if !strings.Contains(a, want) || !strings.Contains(a, runs) {
			t.Errorf("launch advice %q: want it to say %q and %q", a, want, runs)
		}
	}
	if said != 1 {
		t.Errorf("the replay of the thresholds is said %d times in %q, want once", said, launchAdvice(incAlone.Fix.Advice))
	}
}
