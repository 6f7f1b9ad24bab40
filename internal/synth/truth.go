package synth

import (
	"encoding/json"
	"math"
	"slices"
	"sort"
	"time"
)

// Truth is what the scenario's evidence must lead to, computed from the
// generator's own simulation. The analysis implements exactly these
// definitions:
//
//   - An ENI holds ip_count IPs over the half-open interval [create
//     eventTime, delete eventTime); at equal timestamps deletes apply before
//     creates. An ENI deleted without a create record (it existed before the
//     evidence) counts from the evidence start: the earliest eventTime among
//     the ENI CloudTrail records of the scenario, failed and DryRun records
//     included. An ENI never deleted counts until the evidence end: the
//     latest such eventTime.
//   - Per subnet (every subnet with at least one ENI record): usable_ips =
//     2^(32−prefix) − 5; peak_in_use and peak_at, the first instant the
//     maximum is reached; failed_creates, counting ip_exhaustion failures
//     only (DryRun probes are not failures); seconds_at_or_above_90pct, the
//     time with in_use ≥ 0.9 × usable_ips between evidence start and end.
//   - Per failed create, sorted by time: at, subnet_id, job_name,
//     job_run_id, in_use at that instant (the failed create adds nothing),
//     split into held_by_running_runs (Glue ENIs whose run has StartedOn ≤
//     at < CompletedOn), held_by_finished_runs (Glue ENIs whose run has
//     CompletedOn ≤ at), held_by_non_glue (ENIs whose create record shows a
//     non-Glue requester, e.g. Lambda) and unattributed (ENIs with no create
//     record), plus finished_runs_min_minutes_ago and _max_ (minutes since
//     the holding finished runs completed; 0 when none).
//   - failed_runs: the runs that failed for lack of IPs.
//   - linger_minutes: over Glue ENIs with a create and a delete in the
//     evidence whose run has a CompletedOn, (delete − CompletedOn) in
//     minutes; p50 and p95 interpolate linearly between closest ranks
//     (numpy's default, DuckDB quantile_cont).
//   - counts: runs (in the get-job-runs output), glue_enis and lambda_enis
//     (successful creates), preexisting_enis (deletes without a create),
//     duplicate_records (extra deliveries of an eventID), dryrun_records,
//     digest_files and cloudtrail_files (log files, digests excluded),
//     cloudtrail_records, eni_records and eni_share — all of the tree as
//     written, after any damage (Integrity).
//   - runs: every run with its true started_on / completed_on (the
//     CloudTrail clock; get-job-runs shows them glue_clock_skew_seconds
//     later), its role, the subnet its ENIs went to (a re-pointed job's
//     earlier runs keep the old one) and the ENIs it held (eni_ids).
//   - preexisting: the ENIs created before the evidence, with their true
//     subnet and whether the snapshot lists them.
//   - integrity: the digests, the damage done to the trail and the
//     problems an offline verification must report (digest.go).
//
// Times are RFC 3339 UTC.
type Truth struct {
	Scenario      string         `json:"scenario"`
	Seed          uint64         `json:"seed"`
	AccountID     string         `json:"account_id"`
	Region        string         `json:"region"`
	EvidenceStart UTCTime        `json:"evidence_start"`
	EvidenceEnd   UTCTime        `json:"evidence_end"`
	Subnets       []SubnetTruth  `json:"subnets"`
	FailedCreates []FailedCreate `json:"failed_creates"`
	FailedRuns    []FailedRun    `json:"failed_runs"`
	LingerMinutes LingerStats    `json:"linger_minutes"`
	Counts        Counts         `json:"counts"`
	// LaunchGate: the thresholds of a gated scenario and the runs the gate
	// delayed (absent without a gate).
	LaunchGate *GateTruth `json:"launch_gate,omitempty"`
	// Accounts and Regions list every account and region of the evidence
	// (AccountID and Region are the first).
	Accounts []string `json:"accounts"`
	Regions  []string `json:"regions"`
	// Integrity: the digest files, the damage done to the trail and the
	// problems an offline verification must report (absent without digests).
	Integrity *IntegrityTruth `json:"integrity,omitempty"`
	// GlueClockSkewSeconds: how far get-job-runs' timestamps are ahead (+)
	// or behind (−) the true time of every other field here.
	GlueClockSkewSeconds float64 `json:"glue_clock_skew_seconds"`
	// Runs: every run with its true StartedOn and CompletedOn (CloudTrail's
	// clock, before GlueClockSkew) and the ENIs it held — each created for
	// one of its workers before its create was refused or it completed.
	Runs []RunTruth `json:"runs"`
	// Preexisting: every ENI that existed before the evidence, the subnet
	// it really was in, when it was deleted (absent: not before the
	// cutoff) and whether the describe-network-interfaces snapshot lists
	// it (false: known only by its delete).
	Preexisting []PreexistingTruth `json:"preexisting"`
}

// PreexistingTruth is one ENI created before the evidence.
type PreexistingTruth struct {
	ENIID      string   `json:"eni_id"`
	SubnetID   string   `json:"subnet_id"`
	Deleted    *UTCTime `json:"deleted"`
	InSnapshot bool     `json:"in_snapshot"`
}

// RunTruth is one Glue run as the simulation saw it.
type RunTruth struct {
	JobRunID    string   `json:"job_run_id"`
	JobName     string   `json:"job_name"`
	Category    string   `json:"category"`
	Role        string   `json:"role"`
	SubnetID    string   `json:"subnet_id"`
	Workers     int      `json:"workers"`
	ENIs        int      `json:"enis"`
	ENIIDs      []string `json:"eni_ids"`
	StartedOn   UTCTime  `json:"started_on"`
	CompletedOn *UTCTime `json:"completed_on"`
	Failed      bool     `json:"failed_for_ips"`
}

// GateTruth is what the launch gate did.
type GateTruth struct {
	Rule        string          `json:"rule"`
	Thresholds  []GateThreshold `json:"thresholds"`
	DelayedRuns int             `json:"delayed_runs"`
	Delays      []RunDelay      `json:"delays"`
}

// RunDelay is one run the gate held back: Scheduled is when it would have
// started, StartedOn when it did (its get-job-runs StartedOn).
type RunDelay struct {
	JobName      string  `json:"job_name"`
	JobRunID     string  `json:"job_run_id"`
	Category     string  `json:"category"`
	Scheduled    UTCTime `json:"scheduled"`
	StartedOn    UTCTime `json:"started_on"`
	DelaySeconds float64 `json:"delay_seconds"`
}

// SubnetTruth is the occupancy of one subnet over the evidence.
type SubnetTruth struct {
	SubnetID              string  `json:"subnet_id"`
	CIDR                  string  `json:"cidr"`
	UsableIPs             int     `json:"usable_ips"`
	PeakInUse             int     `json:"peak_in_use"`
	PeakAt                UTCTime `json:"peak_at"`
	FailedCreates         int     `json:"failed_creates"`
	SecondsAtOrAbove90Pct int64   `json:"seconds_at_or_above_90pct"`
}

// FailedCreate is one CreateNetworkInterface that found its subnet full.
type FailedCreate struct {
	At                        UTCTime `json:"at"`
	SubnetID                  string  `json:"subnet_id"`
	JobName                   string  `json:"job_name"`
	JobRunID                  string  `json:"job_run_id"`
	ErrorCode                 string  `json:"error_code"`
	InUse                     int     `json:"in_use"`
	HeldByRunningRuns         int     `json:"held_by_running_runs"`
	HeldByFinishedRuns        int     `json:"held_by_finished_runs"`
	HeldByNonGlue             int     `json:"held_by_non_glue"`
	Unattributed              int     `json:"unattributed"`
	FinishedRunsMinMinutesAgo float64 `json:"finished_runs_min_minutes_ago"`
	FinishedRunsMaxMinutesAgo float64 `json:"finished_runs_max_minutes_ago"`
}

// FailedRun is a Glue run that failed for lack of IPs.
type FailedRun struct {
	ID           string  `json:"Id"`
	JobName      string  `json:"JobName"`
	StartedOn    UTCTime `json:"StartedOn"`
	ErrorMessage string  `json:"ErrorMessage"`
}

// LingerStats summarises how long Glue ENIs outlived their runs.
type LingerStats struct {
	Count int     `json:"count"`
	P50   float64 `json:"p50"`
	P95   float64 `json:"p95"`
	Max   float64 `json:"max"`
}

// Counts are the sizes of the scenario's evidence.
type Counts struct {
	Runs             int `json:"runs"`
	GlueENIs         int `json:"glue_enis"`
	LambdaENIs       int `json:"lambda_enis"`
	PreexistingENIs  int `json:"preexisting_enis"`
	DuplicateRecords int `json:"duplicate_records"`
	DryRunRecords    int `json:"dryrun_records"`
	DigestFiles      int `json:"digest_files"`
	CloudTrailFiles  int `json:"cloudtrail_files"`
	// CloudTrailRecords counts every record of the log files (duplicates
	// included), ENIRecords those that are ENI calls; ENIShare is their
	// ratio.
	CloudTrailRecords int     `json:"cloudtrail_records"`
	ENIRecords        int     `json:"eni_records"`
	ENIShare          float64 `json:"eni_share"`
}

// UTCTime marshals as RFC 3339 in UTC, with a fraction only when non-zero.
type UTCTime struct{ time.Time }

// MarshalJSON implements json.Marshaler.
func (t UTCTime) MarshalJSON() ([]byte, error) {
	return json.Marshal(t.UTC().Format(time.RFC3339Nano))
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *UTCTime) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	t.Time = v.UTC()
	return err
}

// truth derives the Truth from a simulation and the written evidence.
func truth(s *Scenario, seed uint64, sim *simulation, ct ctStats) Truth {
	t := Truth{Scenario: s.Name, Seed: seed, AccountID: s.AccountID, Region: s.Region}
	start, end := sim.Records[0].Time, sim.Records[0].Time
	for _, r := range sim.Records {
		if r.Time.Before(start) {
			start = r.Time
		}
		if r.Time.After(end) {
			end = r.Time
		}
	}
	t.EvidenceStart, t.EvidenceEnd = UTCTime{start}, UTCTime{end}

	active := map[string]bool{}
	for _, r := range sim.Records {
		active[r.Subnet] = true
	}
	for _, sn := range s.Subnets {
		if !active[sn.ID] {
			continue
		}
		c, _ := parseCIDR(sn.CIDR)
		st := SubnetTruth{SubnetID: sn.ID, CIDR: sn.CIDR, UsableIPs: len(c.hosts)}
		// Replay the simulation's own occupancy changes, clipped to the evidence.
		inUse, peakSet := 0, false
		prev := start
		threshold := 0.9 * float64(st.UsableIPs)
		for i, ch := range sim.Changes {
			if ch.Subnet != sn.ID {
				continue
			}
			at := ch.At
			if at.Before(start) {
				inUse += ch.Delta
				continue
			}
			if float64(inUse) >= threshold {
				st.SecondsAtOrAbove90Pct += int64(at.Sub(prev) / time.Second)
			}
			prev = at
			inUse += ch.Delta
			// The count is only observable once every change at this instant applied.
			if next := nextChange(sim.Changes, i, sn.ID); next != nil && next.At.Equal(at) {
				continue
			}
			if !peakSet || inUse > st.PeakInUse {
				st.PeakInUse, st.PeakAt, peakSet = inUse, UTCTime{at}, true
			}
		}
		if !peakSet {
			st.PeakInUse, st.PeakAt = inUse, UTCTime{start}
		}
		if float64(inUse) >= threshold {
			st.SecondsAtOrAbove90Pct += int64(end.Sub(prev) / time.Second)
		}
		for _, f := range sim.Failures {
			if f.Subnet == sn.ID {
				st.FailedCreates++
			}
		}
		t.Subnets = append(t.Subnets, st)
	}

	for _, f := range sim.Failures {
		t.FailedCreates = append(t.FailedCreates, FailedCreate{
			At: UTCTime{f.At}, SubnetID: f.Subnet, JobName: f.Run.Job, JobRunID: f.Run.ID, ErrorCode: f.Run.ErrorCode,
			InUse: f.InUse, HeldByRunningRuns: f.Running, HeldByFinishedRuns: f.Finished, HeldByNonGlue: f.NonGlue,
			Unattributed: f.Unattributed, FinishedRunsMinMinutesAgo: f.FinishedMinAgo, FinishedRunsMaxMinutesAgo: f.FinishedMaxAgo,
		})
	}
	sort.SliceStable(t.FailedCreates, func(i, j int) bool { return t.FailedCreates[i].At.Before(t.FailedCreates[j].At.Time) })
	t.FailedCreates = nonNil(t.FailedCreates)

	for _, r := range sim.Runs {
		if r.Failed {
			t.FailedRuns = append(t.FailedRuns, FailedRun{ID: r.ID, JobName: r.Job, StartedOn: UTCTime{r.StartedOn}, ErrorMessage: runErrorMessage(r)})
		}
	}
	sort.SliceStable(t.FailedRuns, func(i, j int) bool { return t.FailedRuns[i].StartedOn.Before(t.FailedRuns[j].StartedOn.Time) })
	t.FailedRuns = nonNil(t.FailedRuns)

	var linger []float64
	for _, e := range sim.ENIs {
		if e.Owner == ownerGlue && !e.Deleted.IsZero() && !e.Run.CompletedOn.IsZero() {
			linger = append(linger, e.Deleted.Sub(e.Run.CompletedOn).Minutes())
		}
	}
	t.LingerMinutes = lingerStats(linger)

	t.Counts = Counts{Runs: len(sim.Runs), DuplicateRecords: ct.duplicates, DigestFiles: ct.digests, CloudTrailFiles: ct.files,
		CloudTrailRecords: ct.records, ENIRecords: ct.eniRecords}
	if ct.records > 0 {
		t.Counts.ENIShare = math.Round(float64(ct.eniRecords)/float64(ct.records)*1e6) / 1e6
	}
	for _, c := range s.cells() {
		if !slices.Contains(t.Accounts, c.acct) {
			t.Accounts = append(t.Accounts, c.acct)
		}
		if !slices.Contains(t.Regions, c.region) {
			t.Regions = append(t.Regions, c.region)
		}
	}
	t.Integrity = ct.integrity
	t.GlueClockSkewSeconds = s.GlueClockSkew.Seconds()
	t.Preexisting = []PreexistingTruth{}
	for _, e := range sim.ENIs {
		if e.Owner != ownerPreexisting {
			continue
		}
		pt := PreexistingTruth{ENIID: e.ID, SubnetID: e.Subnet, InSnapshot: !e.noSnapshot}
		if !e.Deleted.IsZero() {
			pt.Deleted = &UTCTime{e.Deleted}
		}
		t.Preexisting = append(t.Preexisting, pt)
	}
	t.Runs = []RunTruth{}
	for _, r := range sim.Runs {
		rt := RunTruth{JobRunID: r.ID, JobName: r.Job, Category: r.Cat.Name, Role: r.Cat.Role, SubnetID: r.Subnet, Workers: r.Workers,
			ENIs: len(r.enis), ENIIDs: []string{}, StartedOn: UTCTime{r.StartedOn}, Failed: r.Failed}
		for _, e := range r.enis {
			rt.ENIIDs = append(rt.ENIIDs, e.ID)
		}
		if !r.CompletedOn.IsZero() {
			rt.CompletedOn = &UTCTime{r.CompletedOn}
		}
		t.Runs = append(t.Runs, rt)
	}
	for _, e := range sim.ENIs {
		switch {
		case e.Owner == ownerGlue:
			t.Counts.GlueENIs++
		case e.Owner == ownerLambda:
			t.Counts.LambdaENIs++
		case e.Owner == ownerPreexisting && !e.Deleted.IsZero():
			t.Counts.PreexistingENIs++
		}
	}
	for _, r := range sim.Records {
		if r.Kind == recDryRun {
			t.Counts.DryRunRecords++
		}
	}
	t.LaunchGate = gateTruth(s, sim)
	return t
}

func nextChange(ch []occupancy, i int, subnet string) *occupancy {
	for j := i + 1; j < len(ch); j++ {
		if ch[j].Subnet == subnet {
			return &ch[j]
		}
	}
	return nil
}

// lingerStats computes count, p50, p95 (linear interpolation between
// closest ranks) and max.
func lingerStats(v []float64) LingerStats {
	if len(v) == 0 {
		return LingerStats{}
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return LingerStats{Count: len(s), P50: quantile(s, 0.5), P95: quantile(s, 0.95), Max: s[len(s)-1]}
}

// quantile interpolates linearly between the closest ranks of sorted s.
func quantile(s []float64, p float64) float64 {
	h := float64(len(s)-1) * p
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[i] + (h-lo)*(s[i+1]-s[i])
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
