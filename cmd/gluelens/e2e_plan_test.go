package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"math"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// This file checks capacity planning end to end on the synth ip-exhaustion
// scenario: synth → ingest → plan/whatif/check through the CLI. Every
// expected number is derived here, independently of analysis/plan, from
// the written evidence files (CloudTrail .json.gz and get-job-runs pages),
// truth.json and the generator's parameters (one ENI per worker; each
// category has its own IAM role glue-<category>-role).

// planRun is one run read straight from the get-job-runs pages.
type planRun struct {
	id, job, cat string
	start, end   time.Time
	state        string
	workers      int
	failedForIPs bool
	enis         []*planENI
	refusedAt    []time.Time
}

type planENI struct {
	id           string
	role, subnet string
	create, del  time.Time // del zero: never deleted in the evidence
	run          *planRun
}

type scenario struct {
	runs        []*planRun
	enis        []*planENI
	evidenceEnd time.Time
}

func planCLI(args ...string) (string, string, int) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, nil, &out, &errOut)
	return out.String(), errOut.String(), code
}

func mustCLI(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := planCLI(args...)
	if code != 0 {
		t.Fatalf("gluelens %v: exit %d\n%s", args, code, errOut)
	}
	return out
}

func categoryOfJob(job string) string {
	if i := strings.IndexAny(job, "-_"); i > 0 {
		return job[:i]
	}
	return job
}

// awsTime reads the two renderings of get-job-runs timestamps: epoch
// seconds (CLI v1) and ISO 8601 with an offset.
func awsTime(t *testing.T, v any) time.Time {
	t.Helper()
	switch x := v.(type) {
	case nil:
		return time.Time{}
	case float64:
		sec, frac := math.Modf(x)
		return time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3).UTC()
	case string:
		tm, err := time.Parse(time.RFC3339Nano, x)
		if err != nil {
			t.Fatalf("reading time %q: %v", x, err)
		}
		return tm.UTC()
	}
	t.Fatalf("reading time: unexpected %T", v)
	return time.Time{}
}

func readScenario(t *testing.T, dir string, failedRunIDs map[string]bool) *scenario {
	t.Helper()
	sc := &scenario{}
	byID := map[string]*planRun{}
	pages, _ := filepath.Glob(filepath.Join(dir, "glue", "get-job-runs", "*.json"))
	for _, p := range pages {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct{ JobRuns []map[string]any }
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, r := range doc.JobRuns {
			id := r["Id"].(string)
			if byID[id] != nil {
				continue
			}
			pr := &planRun{id: id, job: r["JobName"].(string), start: awsTime(t, r["StartedOn"]), end: awsTime(t, r["CompletedOn"]),
				state: r["JobRunState"].(string), workers: int(r["NumberOfWorkers"].(float64)), failedForIPs: failedRunIDs[id]}
			pr.cat = categoryOfJob(pr.job)
			byID[id] = pr
			sc.runs = append(sc.runs, pr)
		}
	}
	sort.Slice(sc.runs, func(i, j int) bool { return sc.runs[i].start.Before(sc.runs[j].start) })

	type rec struct {
		EventID, EventTime, EventName, ErrorCode string
		UserIdentity                             struct {
			SessionContext struct{ SessionIssuer struct{ UserName string } }
		}
		RequestParameters struct {
			SubnetID           string `json:"subnetId"`
			NetworkInterfaceID string `json:"networkInterfaceId"`
		}
		ResponseElements *struct {
			NetworkInterface struct {
				NetworkInterfaceID string `json:"networkInterfaceId"`
				SubnetID           string `json:"subnetId"`
			} `json:"networkInterface"`
		}
	}
	seen := map[string]bool{}
	enis := map[string]*planENI{}
	dels := map[string]time.Time{}
	var refused []struct {
		at   time.Time
		role string
	}
	err := filepath.Walk(filepath.Join(dir, "AWSLogs"), func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.Contains(p, "/CloudTrail/") || !strings.HasSuffix(p, ".json.gz") {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			return err
		}
		var doc struct{ Records []rec }
		if err := json.NewDecoder(zr).Decode(&doc); err != nil {
			return err
		}
		for _, r := range doc.Records {
			if !strings.HasSuffix(r.EventName, "NetworkInterface") || seen[r.EventID] {
				continue
			}
			seen[r.EventID] = true
			at, err := time.Parse(time.RFC3339, r.EventTime)
			if err != nil {
				return err
			}
			if at.After(sc.evidenceEnd) {
				sc.evidenceEnd = at
			}
			role := r.UserIdentity.SessionContext.SessionIssuer.UserName
			switch {
			case r.EventName == "CreateNetworkInterface" && r.ErrorCode == "" && r.ResponseElements != nil:
				ni := r.ResponseElements.NetworkInterface
				enis[ni.NetworkInterfaceID] = &planENI{id: ni.NetworkInterfaceID, role: role, subnet: ni.SubnetID, create: at}
			case r.EventName == "CreateNetworkInterface" && strings.HasSuffix(r.ErrorCode, "InsufficientFreeAddressesInSubnet"):
				refused = append(refused, struct {
					at   time.Time
					role string
				}{at, role})
			case r.EventName == "DeleteNetworkInterface" && r.ErrorCode == "":
				dels[r.RequestParameters.NetworkInterfaceID] = at
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// A Glue ENI belongs to the run of its role's category that started
	// last at or before the create (the generator's construction).
	owner := func(role string, at time.Time) *planRun {
		var best *planRun
		for _, r := range sc.runs {
			if "glue-"+r.cat+"-role" == role && !r.start.After(at) {
				best = r
			}
		}
		return best
	}
	for id, e := range enis {
		e.del = dels[id]
		if strings.HasPrefix(e.role, "glue-") {
			e.run = owner(e.role, e.create)
			if e.run != nil {
				e.run.enis = append(e.run.enis, e)
			}
		}
		sc.enis = append(sc.enis, e)
	}
	for _, f := range refused {
		if r := owner(f.role, f.at); r != nil {
			r.refusedAt = append(r.refusedAt, f.at)
		}
	}
	return sc
}

type span struct {
	from, to time.Time // to zero: open
	ips      int
}

// peakOfSpans: the most spans open at once; deletes before creates.
func peakOfSpans(spans []span) int {
	type ev struct {
		at time.Time
		d  int
	}
	var evs []ev
	for _, s := range spans {
		evs = append(evs, ev{s.from, s.ips})
		if !s.to.IsZero() {
			evs = append(evs, ev{s.to, -s.ips})
		}
	}
	sort.Slice(evs, func(i, j int) bool {
		if !evs[i].at.Equal(evs[j].at) {
			return evs[i].at.Before(evs[j].at)
		}
		return evs[i].d < evs[j].d
	})
	cur, peak := 0, 0
	for _, e := range evs {
		cur += e.d
		peak = max(peak, cur)
	}
	return peak
}

func medianOf(xs []time.Duration) time.Duration {
	s := append([]time.Duration(nil), xs...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// neededPeak replays, with unlimited IPs, the demand of the runs of cats as
// docs/planning.md defines it: recorded ENIs as recorded; a run that failed
// for lack of IPs creates NumberOfWorkers ENIs (the ones it did not get at
// its first refused create), runs for its job's median successful
// duration, and its new ENIs linger for the median linger of its job's
// successful runs' ENIs; its recorded ENIs keep their recorded linger.
func neededPeak(sc *scenario, cats map[string]bool) int {
	durs := map[string][]time.Duration{}
	lingers := map[string][]time.Duration{}
	for _, r := range sc.runs {
		if r.state != "SUCCEEDED" || r.failedForIPs || len(r.enis) == 0 {
			continue
		}
		durs[r.job] = append(durs[r.job], r.end.Sub(r.start))
		for _, e := range r.enis {
			if !e.del.IsZero() {
				lingers[r.job] = append(lingers[r.job], e.del.Sub(r.end))
			}
		}
	}
	var spans []span
	for _, r := range sc.runs {
		if !cats[r.cat] {
			continue
		}
		if !r.failedForIPs {
			for _, e := range r.enis {
				spans = append(spans, span{e.create, e.del, 1})
			}
			continue
		}
		end := r.start.Add(medianOf(durs[r.job]))
		for _, e := range r.enis {
			spans = append(spans, span{e.create, end.Add(e.del.Sub(r.end)), 1})
		}
		first := r.refusedAt[0]
		for _, f := range r.refusedAt {
			if f.Before(first) {
				first = f
			}
		}
		for n := len(r.enis); n < r.workers; n++ {
			spans = append(spans, span{first, end.Add(medianOf(lingers[r.job])), 1})
		}
	}
	return peakOfSpans(spans)
}

func recordedPeak(sc *scenario, cats map[string]bool) int {
	var spans []span
	for _, e := range sc.enis {
		if e.run != nil && cats[e.run.cat] {
			spans = append(spans, span{e.create, e.del, 1})
		}
	}
	return peakOfSpans(spans)
}

type planTruth struct {
	FailedCreates []struct {
		At       string `json:"at"`
		JobName  string `json:"job_name"`
		JobRunID string `json:"job_run_id"`
	} `json:"failed_creates"`
	FailedRuns []struct {
		ID string `json:"Id"`
	} `json:"failed_runs"`
	Linger struct {
		Count int     `json:"count"`
		P50   float64 `json:"p50"`
		P95   float64 `json:"p95"`
		Max   float64 `json:"max"`
	} `json:"linger_minutes"`
}

func TestCapacityPlanningOnIPExhaustionScenario(t *testing.T) {
	dir := t.TempDir()
	evidence := filepath.Join(dir, "evidence")
	db := filepath.Join(dir, "g.duckdb")
	// Seed 1: the morning burst fits two /26s when ingest is split from
	// transform and export (with seed 11 no two-way split fits; the
	// subtest below would say so).
	mustCLI(t, "synth", "ip-exhaustion", "--out", evidence, "--seed", "1", "--eni-share", "0")
	mustCLI(t, "--db", db, "ingest", "--quiet", evidence)
	var truth planTruth
	b, err := os.ReadFile(evidence + ".truth.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &truth); err != nil {
		t.Fatal(err)
	}
	if len(truth.FailedCreates) == 0 {
		t.Fatal("the scenario has no failed creates")
	}
	failed := map[string]bool{}
	for _, f := range truth.FailedRuns {
		failed[f.ID] = true
	}
	sc := readScenario(t, evidence, failed)

	type replay struct {
		Subnets []struct {
			Subnet     string   `json:"subnet"`
			UsableIPs  int      `json:"usable_ips"`
			PeakInUse  int      `json:"peak_in_use"`
			Failures   int      `json:"failures"`
			Categories []string `json:"categories"`
		} `json:"subnets"`
		Failures []struct {
			At       time.Time `json:"at"`
			RunID    string    `json:"run_id"`
			Recorded bool      `json:"recorded"`
		} `json:"failures"`
		GateDelays *struct {
			RunsDelayed int     `json:"runs_delayed"`
			RunsBlocked int     `json:"runs_blocked"`
			P50         float64 `json:"delay_p50_minutes"`
			P95         float64 `json:"delay_p95_minutes"`
			Max         float64 `json:"delay_max_minutes"`
			Delayed     []struct {
				Category  string    `json:"category"`
				Requested time.Time `json:"requested"`
				Launched  time.Time `json:"launched"`
			} `json:"delayed"`
		} `json:"gate_delays"`
	}
	whatif := func(args ...string) replay {
		t.Helper()
		var r replay
		out := mustCLI(t, append([]string{"--db", db, "whatif", "--format", "json"}, args...)...)
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("whatif %v: %v\n%s", args, err, out)
		}
		return r
	}

	t.Run("recorded replay reproduces every failed create", func(t *testing.T) {
		r := whatif()
		if len(r.Failures) != len(truth.FailedCreates) {
			t.Fatalf("replay refused %d creates, the recording %d: %+v", len(r.Failures), len(truth.FailedCreates), r.Failures)
		}
		for i, want := range truth.FailedCreates {
			got := r.Failures[i]
			at, _ := time.Parse(time.RFC3339, want.At)
			if got.RunID != want.JobRunID || !got.At.Equal(at) || !got.Recorded {
				t.Errorf("failure %d: replay %s at %s (recorded %v); truth %s at %s", i, got.RunID, got.At, got.Recorded, want.JobRunID, want.At)
			}
		}
	})

	t.Run("two /26 subnets by category remove the failures", func(t *testing.T) {
		// A split replays without a refused create exactly when, with
		// unlimited IPs, each new subnet's peak fits its 59 usable IPs.
		splits := []struct {
			text string
			a, b map[string]bool
		}{
			{"a=ingest-*;b=transform-*,export-*", map[string]bool{"ingest": true}, map[string]bool{"transform": true, "export": true}},
			{"a=ingest-*,export-*;b=transform-*", map[string]bool{"ingest": true, "export": true}, map[string]bool{"transform": true}},
			{"a=ingest-*,transform-*;b=export-*", map[string]bool{"ingest": true, "transform": true}, map[string]bool{"export": true}},
		}
		fits := 0
		for _, sp := range splits {
			r := whatif("--split", sp.text, "--cidr", "a=/26", "--cidr", "b=/26")
			peaks := map[string]int{}
			for _, s := range r.Subnets {
				peaks[s.Subnet] = s.PeakInUse
				if (s.Subnet == "a" || s.Subnet == "b") && s.UsableIPs != 59 {
					t.Errorf("%s: %s usable = %d, want 59 (a /26)", sp.text, s.Subnet, s.UsableIPs)
				}
			}
			pa, pb := neededPeak(sc, sp.a), neededPeak(sc, sp.b)
			if pa <= 59 && pb <= 59 {
				fits++
				if len(r.Failures) != 0 || peaks["a"] != pa || peaks["b"] != pb {
					t.Errorf("%s: needs %d and %d IPs, yet replay peaks %v with %d refused creates", sp.text, pa, pb, peaks, len(r.Failures))
				}
			} else if len(r.Failures) == 0 {
				t.Errorf("%s: needs %d and %d IPs of 59, yet replay refuses nothing", sp.text, pa, pb)
			}
		}
		if fits == 0 {
			t.Fatal("no split of the /26's categories into two /26s fits this seed")
		}
	})

	t.Run("the split and sizes from gluelens.yaml", func(t *testing.T) {
		cfg := filepath.Join(dir, "split.yaml")
		os.WriteFile(cfg, []byte(`categories:
  - name: ingest
    jobs: ["ingest-*"]
    subnet: a
  - name: transform
    jobs: ["transform-*"]
    subnet: b
  - name: export
    jobs: ["export-*"]
    subnet: b
subnets:
  a: /26
  b: 10.20.9.0/26
`), 0o644)
		fromConfig := whatif("--config", cfg, "--split", "config")
		fromFlags := whatif("--split", "a=ingest-*;b=transform-*,export-*", "--cidr", "a=/26", "--cidr", "b=/26")
		cj, _ := json.Marshal(fromConfig)
		fj, _ := json.Marshal(fromFlags)
		if !bytes.Equal(cj, fj) {
			t.Errorf("config split differs from the same split by flags:\n%s\n%s", cj, fj)
		}
		// One bigger subnet instead: a /25 (123 usable) holds the whole
		// morning burst (every category's needed peak plus the 3 Lambda
		// ENIs is below 123), so nothing is refused.
		all := neededPeak(sc, map[string]bool{"ingest": true, "transform": true, "export": true})
		if all+3 > 123 {
			t.Fatalf("the burst needs %d IPs: pick a seed whose burst fits a /25", all+3)
		}
		r := whatif("--cidr", "subnet-0d1e2f3a4b5c6d7e8=/25")
		if len(r.Failures) != 0 {
			t.Errorf("a /25 needs at most %d IPs, yet replay refuses %d creates", all+3, len(r.Failures))
		}
		for _, s := range r.Subnets {
			if s.Subnet == "subnet-0d1e2f3a4b5c6d7e8" && s.UsableIPs != 123 {
				t.Errorf("resized subnet usable = %d, want 123", s.UsableIPs)
			}
		}
	})

	t.Run("a launch gate with the computed thresholds removes them", func(t *testing.T) {
		for _, buf := range []string{"lingering", "none"} {
			r := whatif("--gate", "thresholds", "--buffer", buf)
			if len(r.Failures) != 0 {
				t.Fatalf("buffer %s: gate still refuses %d creates", buf, len(r.Failures))
			}
			g := r.GateDelays
			if g == nil || g.RunsDelayed == 0 || g.RunsBlocked != 0 || g.P50 > g.P95 || g.P95 > g.Max || len(g.Delayed) != g.RunsDelayed {
				t.Fatalf("buffer %s: gate delays = %+v", buf, g)
			}
			for _, d := range g.Delayed {
				if !d.Launched.After(d.Requested) {
					t.Errorf("buffer %s: run launched %s, requested %s", buf, d.Launched, d.Requested)
				}
			}
		}
	})

	t.Run("thresholds", func(t *testing.T) {
		var ts []struct {
			Category string  `json:"category"`
			Runs     int     `json:"runs"`
			MaxIPs   int     `json:"max_enis_per_run"`
			Buffer   int     `json:"buffer"`
			Thr      int     `json:"threshold"`
			Samples  int     `json:"linger_samples"`
			P50      float64 `json:"linger_p50_minutes"`
			P95      float64 `json:"linger_p95_minutes"`
			Max      float64 `json:"linger_max_minutes"`
		}
		out := mustCLI(t, "--db", db, "plan", "thresholds", "--format", "json")
		if err := json.Unmarshal([]byte(out), &ts); err != nil {
			t.Fatal(err)
		}
		// Independent: runs per category, the most workers one run asked
		// for (one ENI per worker), and the lingering buffer — the IPs of
		// the category's ENIs whose run had completed and that were not
		// yet deleted, at each launch of the category; its maximum.
		wantRuns, wantMax, wantBuf := map[string]int{}, map[string]int{}, map[string]int{}
		for _, r := range sc.runs {
			if len(r.enis) == 0 && len(r.refusedAt) == 0 {
				continue
			}
			wantRuns[r.cat]++
			wantMax[r.cat] = max(wantMax[r.cat], r.workers, len(r.enis)+len(r.refusedAt))
			n := 0
			for _, e := range sc.enis {
				if e.run != nil && e.run.cat == r.cat && !e.run.end.After(r.start) && (e.del.IsZero() || r.start.Before(e.del)) && !e.create.After(r.start) {
					n++
				}
			}
			wantBuf[r.cat] = max(wantBuf[r.cat], n)
		}
		if len(ts) != len(wantRuns) {
			t.Fatalf("got %d categories, want %d: %s", len(ts), len(wantRuns), out)
		}
		for _, th := range ts {
			if th.Runs != wantRuns[th.Category] || th.MaxIPs != wantMax[th.Category] || th.Buffer != wantBuf[th.Category] ||
				th.Thr != wantMax[th.Category]+wantBuf[th.Category] {
				t.Errorf("%s: runs %d, max %d, buffer %d, threshold %d; independent runs %d, max %d, buffer %d",
					th.Category, th.Runs, th.MaxIPs, th.Buffer, th.Thr, wantRuns[th.Category], wantMax[th.Category], wantBuf[th.Category])
			}
		}
		// Generator parameters: ingest always runs 10 workers, export
		// 4–6, transform 8–12.
		for _, th := range ts {
			switch th.Category {
			case "ingest":
				if th.MaxIPs != 10 {
					t.Errorf("ingest max ENIs per run = %d, generator says 10", th.MaxIPs)
				}
			case "export":
				if th.MaxIPs < 4 || th.MaxIPs > 6 {
					t.Errorf("export max ENIs per run = %d, generator range 4–6", th.MaxIPs)
				}
			case "transform":
				if th.MaxIPs < 8 || th.MaxIPs > 12 {
					t.Errorf("transform max ENIs per run = %d, generator range 8–12", th.MaxIPs)
				}
			}
		}
		// One category for every job: its linger statistics are the
		// scenario's, which truth.json states.
		cfg := filepath.Join(dir, "all.yaml")
		os.WriteFile(cfg, []byte("categories:\n  - name: all\n    jobs: [\"*\"]\n"), 0o644)
		out = mustCLI(t, "--db", db, "plan", "thresholds", "--format", "json", "--config", cfg)
		ts = nil
		if err := json.Unmarshal([]byte(out), &ts); err != nil || len(ts) != 1 {
			t.Fatalf("one category: %v %s", err, out)
		}
		round := func(x float64) float64 { return math.Round(x*100) / 100 }
		if all := ts[0]; all.Samples != truth.Linger.Count || all.P50 != round(truth.Linger.P50) ||
			all.P95 != round(truth.Linger.P95) || all.Max != round(truth.Linger.Max) {
			t.Errorf("linger over all jobs: n=%d p50 %v p95 %v max %v; truth %+v", all.Samples, all.P50, all.P95, all.Max, truth.Linger)
		}
	})

	t.Run("subnet sizes", func(t *testing.T) {
		var p struct {
			Config    string `json:"config"`
			Proposals []struct {
				Subnet          string `json:"subnet"`
				PeakRecorded    int    `json:"peak_recorded_ips"`
				PeakNeeded      int    `json:"peak_needed_ips"`
				NeedIPs         int    `json:"need_ips"`
				Prefix          int    `json:"prefix"`
				Usable          int    `json:"usable_ips"`
				RecordedFailure int    `json:"recorded_failures"`
				ReplayFailures  int    `json:"replay_failures"`
				Avoided         int    `json:"failures_avoided"`
				Config          string `json:"config"`
			} `json:"proposals"`
			Placements []struct {
				Subnet string `json:"subnet"`
				Prefix int    `json:"prefix"`
				VpcID  string `json:"vpc_id"`
				CIDR   string `json:"cidr_block"`
				Lines  string `json:"lines"`
			} `json:"placements"`
		}
		out := mustCLI(t, "--db", db, "plan", "subnets", "--split", "critical=ingest-*,transform-*;adhoc=export-*", "--headroom", "25%", "--format", "json")
		if err := json.Unmarshal([]byte(out), &p); err != nil {
			t.Fatal(err)
		}
		groups := map[string]map[string]bool{"critical": {"ingest": true, "transform": true}, "adhoc": {"export": true}}
		for _, s := range p.Proposals {
			cats := groups[s.Subnet]
			wantFail := 0
			for _, f := range truth.FailedCreates {
				if cats[categoryOfJob(f.JobName)] {
					wantFail++
				}
			}
			need := int(math.Ceil(float64(neededPeak(sc, cats)) * 1.25))
			// Smallest subnet holding need: usable = 2^(32-p) - 5.
			wantPrefix := 28
			for (1<<(32-wantPrefix))-5 < need {
				wantPrefix--
			}
			if s.PeakRecorded != recordedPeak(sc, cats) || s.PeakNeeded != neededPeak(sc, cats) || s.NeedIPs != need ||
				s.Prefix != wantPrefix || s.Usable != (1<<(32-wantPrefix))-5 || s.RecordedFailure != wantFail ||
				s.ReplayFailures != 0 || s.Avoided != wantFail || !strings.Contains(s.Config, "/"+strconv.Itoa(wantPrefix)) {
				t.Errorf("%s: %+v; independent: recorded peak %d, needed %d, need %d → /%d, %d failures avoided",
					s.Subnet, s, recordedPeak(sc, cats), neededPeak(sc, cats), need, wantPrefix, wantFail)
			}
		}
		// Each subnet gets a block of its size inside the VPC's blocks as
		// the evidence files list them, clear of every described subnet and
		// of the other new blocks, with a create-subnet line naming it.
		var vpcs struct {
			Vpcs []struct {
				VpcID  string `json:"VpcId"`
				Blocks []struct {
					CidrBlock string `json:"CidrBlock"`
				} `json:"CidrBlockAssociationSet"`
			} `json:"Vpcs"`
		}
		var subnets struct {
			Subnets []struct {
				CidrBlock string `json:"CidrBlock"`
			} `json:"Subnets"`
		}
		for f, v := range map[string]any{"describe-vpcs.json": &vpcs, "describe-subnets.json": &subnets} {
			b, err := os.ReadFile(filepath.Join(evidence, "ec2", f))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, v); err != nil {
				t.Fatal(err)
			}
		}
		var taken []netip.Prefix
		for _, sn := range subnets.Subnets {
			taken = append(taken, netip.MustParsePrefix(sn.CidrBlock))
		}
		if len(p.Placements) != len(p.Proposals) {
			t.Fatalf("%d placements for %d proposals", len(p.Placements), len(p.Proposals))
		}
		for i, pl := range p.Placements {
			got, err := netip.ParsePrefix(pl.CIDR)
			if err != nil || got.Bits() != p.Proposals[i].Prefix || got.Masked() != got || pl.VpcID != vpcs.Vpcs[0].VpcID {
				t.Errorf("%s: block %q in %s, want an aligned /%d in %s (%v)", pl.Subnet, pl.CIDR, pl.VpcID, p.Proposals[i].Prefix, vpcs.Vpcs[0].VpcID, err)
				continue
			}
			inside := false
			for _, b := range vpcs.Vpcs[0].Blocks {
				if o := netip.MustParsePrefix(b.CidrBlock); o.Bits() <= got.Bits() && o.Contains(got.Addr()) {
					inside = true
				}
			}
			for _, o := range taken {
				if o.Overlaps(got) {
					t.Errorf("%s: %s overlaps %s", pl.Subnet, got, o)
				}
			}
			if !inside || !strings.Contains(pl.Lines, "--cidr-block "+pl.CIDR+" ") {
				t.Errorf("%s: %s inside the VPC's blocks %v: %v; lines %q", pl.Subnet, got, vpcs.Vpcs[0].Blocks, inside, pl.Lines)
			}
			taken = append(taken, got)
		}
		// The proposed gluelens.yaml, replayed as is, refuses nothing.
		proposed := filepath.Join(dir, "proposed.yaml")
		os.WriteFile(proposed, []byte(p.Config), 0o644)
		if r := whatif("--config", proposed, "--split", "config"); len(r.Failures) != 0 {
			t.Errorf("the proposed config still refuses %d creates:\n%s", len(r.Failures), p.Config)
		}
	})

	t.Run("plan subnets --gate thresholds sizes for the gate", func(t *testing.T) {
		// With no headroom ingest's subnet is tight: the gate holds runs
		// back there. The command's figures must agree with whatif's replays
		// of the same layouts, and its config must let every run launch.
		split := "a=ingest-*;b=transform-*;c=export-*"
		var p struct {
			Proposals []struct {
				Subnet     string   `json:"subnet"`
				Categories []string `json:"categories"`
				Prefix     int      `json:"prefix"`
			} `json:"proposals"`
			Config   string `json:"config"`
			GateFits []struct {
				Subnet       string `json:"subnet"`
				DemandPrefix int    `json:"demand_prefix"`
				RunsWaited   int    `json:"runs_waited"`
				FitPrefix    int    `json:"fit_prefix"`
			} `json:"gate_fits"`
		}
		out := mustCLI(t, "--db", db, "plan", "subnets", "--split", split, "--headroom", "0%", "--gate", "thresholds", "--format", "json")
		if err := json.Unmarshal([]byte(out), &p); err != nil {
			t.Fatal(err)
		}
		if len(p.GateFits) != len(p.Proposals) {
			t.Fatalf("%d gate fits for %d proposals", len(p.GateFits), len(p.Proposals))
		}
		atDemand := []string{"--split", split, "--gate", "thresholds"}
		for _, f := range p.GateFits {
			atDemand = append(atDemand, "--cidr", f.Subnet+"=/"+strconv.Itoa(f.DemandPrefix))
		}
		gatedAtDemand := whatif(atDemand...)
		widened := 0
		for i, f := range p.GateFits {
			prop := p.Proposals[i]
			waited := 0
			for _, d := range gatedAtDemand.GateDelays.Delayed {
				if slices.Contains(prop.Categories, d.Category) {
					waited++
				}
			}
			want := f.DemandPrefix
			if f.RunsWaited > 0 && f.FitPrefix != 0 {
				want, widened = f.FitPrefix, widened+1
			}
			if f.Subnet != prop.Subnet || waited != f.RunsWaited || prop.Prefix != want {
				t.Errorf("%s: fit %+v, proposed /%d; whatif at the demand sizes delays %d of its runs", prop.Subnet, f, prop.Prefix, waited)
			}
		}
		if widened == 0 {
			t.Fatal("no subnet was widened: the scenario no longer exercises the gate sizing")
		}
		proposed := filepath.Join(dir, "proposed-gate.yaml")
		os.WriteFile(proposed, []byte(p.Config), 0o644)
		r := whatif("--config", proposed, "--split", "config", "--gate", "thresholds")
		if len(r.Failures) != 0 {
			t.Errorf("the gate-sized config refuses %d creates", len(r.Failures))
		}
		for i, f := range p.GateFits {
			if f.FitPrefix == 0 {
				continue
			}
			for _, d := range r.GateDelays.Delayed {
				if slices.Contains(p.Proposals[i].Categories, d.Category) {
					t.Errorf("%s at /%d: a %s run still waits", f.Subnet, f.FitPrefix, d.Category)
				}
			}
		}
	})

	t.Run("check capacity", func(t *testing.T) {
		out, errOut, code := planCLI("--db", db, "check", "capacity", "--min-headroom", "20%")
		if code != exitCheck || !strings.Contains(out, "FAIL subnet-0d1e2f3a4b5c6d7e8: peak 59 of 59 usable IPs") ||
			!strings.Contains(out, "failure(s) for lack of IPs (> 0 allowed)") || !strings.Contains(errOut, "capacity check failed for 1 of") {
			t.Errorf("check capacity: exit %d\n%s%s", code, out, errOut)
		}
		out, errOut, code = planCLI("--db", db, "check", "capacity", "--min-headroom", "0%", "--max-failures", "1000")
		if code != 0 || strings.Contains(out, "FAIL") {
			t.Errorf("lenient check: exit %d\n%s%s", code, out, errOut)
		}
	})

	t.Run("usage errors", func(t *testing.T) {
		empty := filepath.Join(dir, "empty.yaml")
		os.WriteFile(empty, []byte("categories: []\n"), 0o644)
		for _, args := range [][]string{
			{"whatif", "--cidr", "subnet-0d1e2f3a4b5c6d7e8=/30"},
			{"whatif", "--gate", "sometimes"},
			{"whatif", "--linger", "soon"},
			{"plan", "subnets", "--config", empty},
			{"plan", "thresholds", "--buffer", "lots"},
			{"check", "capacity", "--min-headroom", "lots"},
		} {
			_, errOut, code := planCLI(append([]string{"--db", db}, args...)...)
			if code != exitUsage {
				t.Errorf("%v: exit %d, want %d (usage)\n%s", args, code, exitUsage, errOut)
			}
		}
		// Names the evidence does not hold are evidence problems.
		for _, args := range [][]string{
			{"whatif", "--cidr", "subnet-nope=/26"},
			{"whatif", "--split", "a=nothing-*"},
		} {
			_, errOut, code := planCLI(append([]string{"--db", db}, args...)...)
			if code != exitEvidence || !strings.Contains(errOut, "subnet-0d1e2f3a4b5c6d7e8") && !strings.Contains(errOut, "categories are") {
				t.Errorf("%v: exit %d, want %d naming what the evidence has\n%s", args, code, exitEvidence, errOut)
			}
		}
	})

	t.Run("categories", func(t *testing.T) {
		var rows []struct {
			Job      string `json:"job_name"`
			Category string `json:"category"`
			Rule     string `json:"rule"`
			Runs     int    `json:"runs"`
		}
		out := mustCLI(t, "--db", db, "categories", "--format", "json")
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatal(err)
		}
		want := map[string]int{}
		for _, r := range sc.runs {
			want[r.job]++
		}
		if len(rows) != len(want) {
			t.Fatalf("got %d jobs, want %d", len(rows), len(want))
		}
		for _, r := range rows {
			if r.Runs != want[r.Job] || r.Category != categoryOfJob(r.Job) || r.Rule != "default: prefix" {
				t.Errorf("%+v; want %d runs, category %s", r, want[r.Job], categoryOfJob(r.Job))
			}
		}
		bad := filepath.Join(dir, "bad.yaml")
		os.WriteFile(bad, []byte("categories:\n  - name: a\n    jobs: [a-*]\n    colour: red\n"), 0o644)
		_, errOut, code := planCLI("--db", db, "categories", "--config", bad)
		if code == 0 || !strings.Contains(errOut, "line 4") || !strings.Contains(errOut, bad) {
			t.Errorf("bad config: exit %d, %s", code, errOut)
		}
	})
}
