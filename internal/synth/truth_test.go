package synth

import (
	"math"
	"sort"
	"strings"
	"testing"
	"time"
)

// lifetime is one ENI as re-derived from the written files.
type lifetime struct {
	id         string
	subnet     string
	ips        int
	start, end time.Time
	created    bool
	glue       bool
	run        *cliRunRecord
}

// TestTruthRecomputed re-derives every number of truth.json from the
// written files alone (CloudTrail gz, get-job-runs, get-jobs,
// get-connections, describe-subnets, the ENI snapshot) with deliberately
// naive O(n²) scans, and compares.
func TestTruthRecomputed(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		dir := t.TempDir()
		out, err := Generate(IPExhaustion(), seed)
		if err != nil {
			t.Fatal(err)
		}
		if err := writeAll(out, dir); err != nil {
			t.Fatal(err)
		}
		checkTruth(t, seed, loadEvidence(t, dir), true)
	}
}

// TestScenarioVariants runs other parameter sets through the same
// generator and the same independent checks: the fix (ingest-* moved to its
// own /25, transform-* and export-* keep the /26) and a longer, busier span crossing midnight twice.
func TestScenarioVariants(t *testing.T) {
	fixed := IPExhaustion()
	fixed.Name = "after-the-fix"
	fixed.Subnets = append(fixed.Subnets, Subnet{ID: "subnet-0e1f2a3b4c5d6e7f8", CIDR: "10.20.10.0/25", AZ: "eu-west-1a", Name: "ingest-private-a",
		Connection: "vpc-ingest-private-a", SecurityGroup: "sg-0c1d2e3f4a5b6c7d8"})
	fixed.Categories[0].Subnet = "subnet-0e1f2a3b4c5d6e7f8" // ingest-* alone needs about 60 IPs at the burst
	busy := IPExhaustion()
	busy.Name = "busy-days"
	busy.RunSpan, busy.Cutoff = 50*time.Hour, 52*time.Hour
	busy.Categories[0].Bursts = append(busy.Categories[0].Bursts, 30*time.Hour)

	for _, c := range []struct {
		s        Scenario
		failures bool
	}{{fixed, false}, {busy, true}} {
		dir := t.TempDir()
		out, err := Generate(c.s, 11)
		if err != nil {
			t.Fatal(err)
		}
		if err := writeAll(out, dir); err != nil {
			t.Fatal(err)
		}
		if got := len(out.Truth.FailedCreates) > 0; got != c.failures {
			t.Errorf("%s: %d failed creates, want failures=%v; subnets %+v", c.s.Name, len(out.Truth.FailedCreates), c.failures, out.Truth.Subnets)
		}
		checkTruth(t, 11, loadEvidence(t, dir), false)
	}
}

// checkTruth recomputes ev.truth from ev's files; promises adds the checks
// the ip-exhaustion scenario guarantees for every seed.
func checkTruth(t *testing.T, seed uint64, ev *evidence, promises bool) {
	tr := ev.truth
	// Deduplicate by eventID, remembering the files each ID came from.
	seen := map[string]string{}
	var recs []ctRecord
	dups := 0
	for _, r := range ev.records {
		if f, ok := seen[r.EventID]; ok {
			dups++
			if f == r.file {
				t.Errorf("seed %d: duplicate %s within one file", seed, r.EventID)
			}
			continue
		}
		seen[r.EventID] = r.file
		recs = append(recs, r)
	}
	isENI := func(r ctRecord) bool {
		return r.EventSource == "ec2.amazonaws.com" && (r.EventName == "CreateNetworkInterface" || r.EventName == "DeleteNetworkInterface")
	}
	var start, end time.Time
	for _, r := range recs {
		if !isENI(r) {
			continue
		}
		if start.IsZero() || r.at.Before(start) {
			start = r.at
		}
		if r.at.After(end) {
			end = r.at
		}
	}
	if !tr.EvidenceStart.Equal(start) || !tr.EvidenceEnd.Equal(end) {
		t.Errorf("seed %d: evidence %s..%s, truth %s..%s", seed, start, end, tr.EvidenceStart, tr.EvidenceEnd)
	}

	// Attribute a Glue call to the run of the same role and subnet that
	// started 5-60 s before it; exactly one run may match.
	attribute := func(r ctRecord, subnet string) *cliRunRecord {
		var found []*cliRunRecord
		for _, run := range ev.runs {
			lag := r.at.Sub(run.started)
			if ev.jobRole[run.JobName] == r.UserIdentity.SessionContext.SessionIssuer.Arn && ev.jobSubnet[run.JobName] == subnet &&
				lag >= 5*time.Second && lag <= 60*time.Second {
				found = append(found, run)
			}
		}
		if len(found) != 1 {
			t.Fatalf("seed %d: Glue call %s at %s matches %d runs", seed, r.EventID, r.at, len(found))
		}
		return found[0]
	}

	enis := map[string]*lifetime{}
	var failed []ctRecord
	dryRuns, lambdas := 0, 0
	for _, r := range recs {
		if !isENI(r) {
			continue
		}
		glue := r.UserIdentity.InvokedBy == "glue.amazonaws.com"
		switch {
		case r.EventName == "CreateNetworkInterface" && strings.Contains(r.ErrorCode, "DryRunOperation"):
			dryRuns++
		case r.EventName == "CreateNetworkInterface" && r.ErrorCode != "":
			if !strings.HasSuffix(r.ErrorCode, "InsufficientFreeAddressesInSubnet") || r.ErrorMessage != subnetFullMessage || r.ResponseElements != nil {
				t.Errorf("seed %d: failed create %s: code %q message %q", seed, r.EventID, r.ErrorCode, r.ErrorMessage)
			}
			failed = append(failed, r)
		case r.EventName == "CreateNetworkInterface":
			ni := r.ResponseElements.NetworkInterface
			if ni.Status != "pending" || ni.SubnetID != r.RequestParameters.SubnetID {
				t.Errorf("seed %d: create %s: status %q, subnets %s/%s", seed, r.EventID, ni.Status, ni.SubnetID, r.RequestParameters.SubnetID)
			}
			l := &lifetime{id: ni.NetworkInterfaceID, subnet: ni.SubnetID, ips: len(ni.PrivateIPAddressesSet.Items), start: r.at, created: true, glue: glue}
			if glue {
				l.run = attribute(r, ni.SubnetID)
				if want := "Attached to Glue using role: " + ev.jobRole[l.run.JobName]; ni.Description != want {
					t.Errorf("seed %d: Glue ENI description %q, want %q", seed, ni.Description, want)
				}
			} else if strings.HasPrefix(ni.Description, "AWS Lambda VPC ENI-") {
				lambdas++
			}
			if enis[l.id] != nil {
				t.Fatalf("seed %d: ENI %s created twice", seed, l.id)
			}
			enis[l.id] = l
		}
	}
	preexisting := 0
	for _, r := range recs {
		if !isENI(r) || r.EventName != "DeleteNetworkInterface" {
			continue
		}
		id := r.RequestParameters.NetworkInterfaceID
		l := enis[id]
		if l == nil {
			sub, ok := ev.preSubnet[id]
			if !ok {
				t.Fatalf("seed %d: delete of %s with no create and not in the snapshot", seed, id)
			}
			l = &lifetime{id: id, subnet: sub, ips: 1, start: start}
			enis[id] = l
			preexisting++
		}
		l.end = r.at
	}
	var all []*lifetime
	for _, l := range enis {
		if l.end.IsZero() {
			l.end = end
		}
		all = append(all, l)
	}
	inUse := func(subnet string, at time.Time) int {
		n := 0
		for _, l := range all {
			if l.subnet == subnet && !at.Before(l.start) && at.Before(l.end) {
				n += l.ips
			}
		}
		return n
	}

	// Subnets.
	subnets := map[string]bool{}
	for _, l := range all {
		subnets[l.subnet] = true
	}
	for _, r := range failed {
		subnets[r.RequestParameters.SubnetID] = true
	}
	if len(tr.Subnets) != len(subnets) {
		t.Errorf("seed %d: truth has %d subnets, evidence %d", seed, len(tr.Subnets), len(subnets))
	}
	for _, st := range tr.Subnets {
		usable := ev.usable[st.SubnetID]
		peak, peakAt := -1, time.Time{}
		var points []time.Time
		points = append(points, start, end)
		for _, l := range all {
			if l.subnet == st.SubnetID {
				points = append(points, l.start, l.end)
			}
		}
		sort.Slice(points, func(i, j int) bool { return points[i].Before(points[j]) })
		for _, p := range points {
			if p.Before(start) || !p.Before(end) {
				continue
			}
			if n := inUse(st.SubnetID, p); n > peak {
				peak, peakAt = n, p
			}
		}
		var above int64
		for i := 0; i+1 < len(points); i++ {
			a, b := points[i], points[i+1]
			if a.Before(start) || b.After(end) || !a.Before(b) {
				continue
			}
			if float64(inUse(st.SubnetID, a)) >= 0.9*float64(usable) {
				above += int64(b.Sub(a) / time.Second)
			}
		}
		nFailed := 0
		for _, r := range failed {
			if r.RequestParameters.SubnetID == st.SubnetID {
				nFailed++
			}
		}
		want := SubnetTruth{SubnetID: st.SubnetID, CIDR: st.CIDR, UsableIPs: usable, PeakInUse: peak, PeakAt: UTCTime{peakAt}, FailedCreates: nFailed, SecondsAtOrAbove90Pct: above}
		if st != want {
			t.Errorf("seed %d: subnet truth %+v, recomputed %+v", seed, st, want)
		}
	}

	// Failed creates.
	sort.Slice(failed, func(i, j int) bool { return failed[i].at.Before(failed[j].at) })
	if len(tr.FailedCreates) != len(failed) {
		t.Fatalf("seed %d: truth has %d failed creates, evidence %d", seed, len(tr.FailedCreates), len(failed))
	}
	for i, r := range failed {
		subnet := r.RequestParameters.SubnetID
		run := attribute(r, subnet)
		want := FailedCreate{At: UTCTime{r.at}, SubnetID: subnet, JobName: run.JobName, JobRunID: run.ID, ErrorCode: r.ErrorCode, InUse: inUse(subnet, r.at)}
		first := true
		for _, l := range all {
			if l.subnet != subnet || r.at.Before(l.start) || !r.at.Before(l.end) {
				continue
			}
			switch {
			case !l.created:
				want.Unattributed += l.ips
			case !l.glue:
				want.HeldByNonGlue += l.ips
			case !l.run.completed.IsZero() && !r.at.Before(l.run.completed):
				want.HeldByFinishedRuns += l.ips
				ago := r.at.Sub(l.run.completed).Minutes()
				if first || ago < want.FinishedRunsMinMinutesAgo {
					want.FinishedRunsMinMinutesAgo = ago
				}
				if first || ago > want.FinishedRunsMaxMinutesAgo {
					want.FinishedRunsMaxMinutesAgo = ago
				}
				first = false
			default:
				want.HeldByRunningRuns += l.ips
			}
		}
		got := tr.FailedCreates[i]
		if !near(got.FinishedRunsMinMinutesAgo, want.FinishedRunsMinMinutesAgo) || !near(got.FinishedRunsMaxMinutesAgo, want.FinishedRunsMaxMinutesAgo) {
			t.Errorf("seed %d: failed create %d minutes ago %v/%v, recomputed %v/%v", seed, i, got.FinishedRunsMinMinutesAgo, got.FinishedRunsMaxMinutesAgo, want.FinishedRunsMinMinutesAgo, want.FinishedRunsMaxMinutesAgo)
		}
		got.FinishedRunsMinMinutesAgo, got.FinishedRunsMaxMinutesAgo = want.FinishedRunsMinMinutesAgo, want.FinishedRunsMaxMinutesAgo
		if got != want {
			t.Errorf("seed %d: failed create %d: truth %+v, recomputed %+v", seed, i, got, want)
		}
		if run.JobRunState != "FAILED" || !strings.Contains(run.ErrorMessage, "The specified subnet does not have enough free addresses") {
			t.Errorf("seed %d: run %s of failed create: state %s, message %q", seed, run.ID, run.JobRunState, run.ErrorMessage)
		}
		if d := run.completed.Sub(r.at); d < 0 || d > 10*time.Second {
			t.Errorf("seed %d: run %s completed %s after its failed create", seed, run.ID, d)
		}
	}

	// Failed runs.
	var failedRuns []FailedRun
	for _, run := range ev.runs {
		if run.JobRunState == "FAILED" && strings.Contains(run.ErrorMessage, "The specified subnet does not have enough free addresses") {
			failedRuns = append(failedRuns, FailedRun{ID: run.ID, JobName: run.JobName, StartedOn: UTCTime{run.started}, ErrorMessage: run.ErrorMessage})
		}
	}
	sort.Slice(failedRuns, func(i, j int) bool { return failedRuns[i].StartedOn.Before(failedRuns[j].StartedOn.Time) })
	if len(failedRuns) != len(tr.FailedRuns) {
		t.Fatalf("seed %d: %d failed runs in get-job-runs, truth %d", seed, len(failedRuns), len(tr.FailedRuns))
	}
	for i := range failedRuns {
		if failedRuns[i] != tr.FailedRuns[i] {
			t.Errorf("seed %d: failed run %d: %+v, truth %+v", seed, i, failedRuns[i], tr.FailedRuns[i])
		}
	}

	// Linger: numpy-style quantiles computed here from the sorted list.
	var linger []float64
	glueENIs := 0
	for _, l := range all {
		if !l.glue {
			continue
		}
		glueENIs++
		if l.end != end || deletedAt(recs, l.id) {
			if !l.run.completed.IsZero() && deletedAt(recs, l.id) {
				linger = append(linger, l.end.Sub(l.run.completed).Minutes())
			}
		}
	}
	sort.Float64s(linger)
	q := func(p float64) float64 {
		pos := p * float64(len(linger)-1)
		i := int(pos)
		if i == len(linger)-1 {
			return linger[i]
		}
		return linger[i]*(1-(pos-float64(i))) + linger[i+1]*(pos-float64(i))
	}
	if tr.LingerMinutes.Count != len(linger) || !near(tr.LingerMinutes.P50, q(0.5)) || !near(tr.LingerMinutes.P95, q(0.95)) || !near(tr.LingerMinutes.Max, linger[len(linger)-1]) {
		t.Errorf("seed %d: linger %+v, recomputed n=%d p50=%v p95=%v max=%v", seed, tr.LingerMinutes, len(linger), q(0.5), q(0.95), linger[len(linger)-1])
	}
	if tr.LingerMinutes.P50 < 50 || tr.LingerMinutes.Max > 90 {
		t.Errorf("seed %d: linger outside the scenario's 50-90 min", seed)
	}

	want := Counts{Runs: len(ev.runs), GlueENIs: glueENIs, LambdaENIs: lambdas, PreexistingENIs: preexisting,
		DuplicateRecords: dups, DryRunRecords: dryRuns, DigestFiles: ev.digests, CloudTrailFiles: ev.logFiles,
		CloudTrailRecords: len(ev.records)}
	for _, r := range ev.records {
		if r.EventSource == "ec2.amazonaws.com" && strings.HasSuffix(r.EventName, "NetworkInterface") && !strings.HasPrefix(r.EventName, "Describe") {
			want.ENIRecords++
		}
	}
	want.ENIShare = math.Round(float64(want.ENIRecords)/float64(want.CloudTrailRecords)*1e6) / 1e6
	if tr.Counts != want {
		t.Errorf("seed %d: counts %+v, recomputed %+v", seed, tr.Counts, want)
	}

	if !promises {
		return
	}
	// What the scenario promises, whatever the seed.
	if ev.styles["epoch"] == 0 || ev.styles["+00:00"] == 0 || ev.styles["-05:00"] == 0 {
		t.Errorf("seed %d: get-job-runs timestamp renderings %v, want all three", seed, ev.styles)
	}
	codes := map[string]bool{}
	for _, f := range tr.FailedCreates {
		codes[f.ErrorCode] = true
	}
	if len(tr.FailedCreates) < 3 || !codes["InsufficientFreeAddressesInSubnet"] || !codes["Client.InsufficientFreeAddressesInSubnet"] {
		t.Errorf("seed %d: want several failures with both error codes, got %d %v", seed, len(tr.FailedCreates), codes)
	}
	if want.LambdaENIs != 3 || want.PreexistingENIs != 1 || want.DuplicateRecords != 1 || want.DryRunRecords != 1 || want.DigestFiles != 1 {
		t.Errorf("seed %d: scenario fixtures missing: %+v", seed, want)
	}
	// Starts of runs sharing a role and a subnet are at least 3 minutes apart.
	for _, a := range ev.runs {
		for _, b := range ev.runs {
			if a != b && ev.jobRole[a.JobName] == ev.jobRole[b.JobName] && ev.jobSubnet[a.JobName] == ev.jobSubnet[b.JobName] {
				if d := a.started.Sub(b.started); d >= 0 && d < 3*time.Minute {
					t.Errorf("seed %d: runs %s and %s start %s apart", seed, a.ID, b.ID, d)
				}
			}
		}
	}
}

func deletedAt(recs []ctRecord, id string) bool {
	for _, r := range recs {
		if r.EventName == "DeleteNetworkInterface" && r.RequestParameters.NetworkInterfaceID == id {
			return true
		}
	}
	return false
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }
