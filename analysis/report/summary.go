package report

import (
	"sort"
	"strings"
	"time"
)

// Summary is what a report's first screen tells: what failed (impact),
// why (the mechanism with its numbers), what to change and whether an
// after period proves the change. It is plain data; the renderers word it.
type Summary struct {
	Impact    Impact     `json:"impact"`
	IPCause   *IPCause   `json:"ip_cause,omitempty"`
	DiskCause *DiskCause `json:"disk_cause,omitempty"`
	// Changes are the report's first pieces of advice, most important
	// first; the summary names each by its title.
	Changes []Advice `json:"changes"`
	Status  Status   `json:"status"`
}

// Impact counts what failed and when.
type Impact struct {
	// First and Last bound the failures counted in an incident or a
	// comparison's before period; zero, and left out of the JSON, when
	// none failed and in a capacity report (which counts per subnet).
	First         time.Time `json:"first,omitzero"`
	Last          time.Time `json:"last,omitzero"`
	FailedCreates int       `json:"failed_creates"`
	// Subnets lists the subnets where creates were refused.
	Subnets        []string `json:"subnets"`
	RunsFailedIP   int      `json:"runs_failed_ip"`
	RunsFailedDisk int      `json:"runs_failed_disk"`
	RunsFailedElse int      `json:"runs_failed_other"`
	// DiskLost breaks the records lost to a full disk down by kind
	// (task, executor, stage, glue_run), in that order.
	DiskLost []KindCount `json:"disk_lost"`
}

// KindCount is how many records of one kind there were.
type KindCount struct {
	Kind  string `json:"kind"`
	Count int    `json:"count"`
}

// IPCause is the mechanism of an IP exhaustion: who held the subnet's IPs,
// how long ENIs outlive their run, and how many categories share the subnet.
type IPCause struct {
	SubnetID  string `json:"subnet_id"`
	CIDR      string `json:"cidr"`
	UsableIPs *int64 `json:"usable_ips"`
	// At is the failure instant (incident) or the peak (capacity); the
	// holder split below is at that instant when HolderSplit is true.
	At                 time.Time `json:"at"`
	InUse              int64     `json:"in_use"`
	HolderSplit        bool      `json:"holder_split"`
	HeldByRunningRuns  int64     `json:"held_by_running_runs"`
	HeldByFinishedRuns int64     `json:"held_by_finished_runs"`
	HeldByNonGlue      int64     `json:"held_by_non_glue"`
	Unattributed       int64     `json:"unattributed"`
	// Unaccounted IPs no ENI in the evidence explains at a refusal;
	// AmbiguousIPs are held by ENIs whose run attribution is ambiguous.
	Unaccounted  int64 `json:"unaccounted"`
	AmbiguousIPs int64 `json:"ambiguous_ips"`
	RunningRuns  int   `json:"running_runs"`
	FinishedRuns int   `json:"finished_runs"`
	// LingerP50Minutes is the median time from a run's end to its ENI's
	// delete, over LingerENIs ENIs deleted in the window.
	LingerP50Minutes *float64 `json:"linger_p50_minutes"`
	LingerENIs       int      `json:"linger_enis"`
	// LingerAmbiguous of those ENIs have an ambiguous run attribution.
	LingerAmbiguous int `json:"linger_ambiguous"`
	// Categories are the job categories whose runs held IPs in the subnet
	// in the window.
	Categories []string `json:"categories"`
}

// DiskCause is the mechanism of a full worker disk.
type DiskCause struct {
	AppID           string    `json:"app_id"`
	RunID           string    `json:"run_id"`
	WorkerType      string    `json:"worker_type"`
	Executor        string    `json:"executor"`
	Full            bool      `json:"full"`
	At              time.Time `json:"at"`
	DiskBytes       int64     `json:"disk_bytes"`
	ShuffleBytes    int64     `json:"shuffle_bytes"`
	SpillBytes      int64     `json:"spill_bytes"`
	UsableDiskBytes *int64    `json:"usable_disk_bytes"`
	ExecutorsFull   int       `json:"executors_full"`
}

// Status says whether an after period proves the change.
const (
	// StatusProven: the after period had none of the failures the before
	// period had.
	StatusProven = "proven"
	// StatusBetter: fewer failures per hour after, but not none.
	StatusBetter = "better"
	// StatusNotBetter: as many failures per hour after, or more.
	StatusNotBetter = "not_better"
	// StatusNoFailures: neither period had a failure to compare.
	StatusNoFailures = "no_failures"
	// StatusUnmeasured: no after period was given.
	StatusUnmeasured = "unmeasured"
)

// Status compares the failures before and after a change, per hour of
// each period so periods of different lengths compare.
type Status struct {
	State  string `json:"state"`
	Before *Span  `json:"before,omitempty"`
	After  *Span  `json:"after,omitempty"`
	// Refused ENI creates and runs failed for lack of IPs or for a full
	// disk in each period (a run refused its ENI counts in both).
	FailedCreatesBefore int `json:"failed_creates_before"`
	FailedCreatesAfter  int `json:"failed_creates_after"`
	RunsFailedBefore    int `json:"runs_failed_before"`
	RunsFailedAfter     int `json:"runs_failed_after"`
	// Hours* are the hours of each period the evidence covers.
	HoursBefore float64 `json:"hours_before"`
	HoursAfter  float64 `json:"hours_after"`
	// RunsFailedPerHour* are the failed runs per hour of each period.
	RunsFailedPerHourBefore *float64 `json:"runs_failed_per_hour_before"`
	RunsFailedPerHourAfter  *float64 `json:"runs_failed_per_hour_after"`
}

// maxSummaryChanges bounds the changes a summary names.
const maxSummaryChanges = 3

func changesOf(f Fix) []Advice {
	return append([]Advice{}, f.Advice[:min(len(f.Advice), maxSummaryChanges)]...)
}

func statusOf(c *Comparison) Status {
	if c == nil {
		return Status{State: StatusUnmeasured}
	}
	s := Status{
		Before: &Span{From: c.Before.From, To: c.Before.To}, After: &Span{From: c.After.From, To: c.After.To},
		FailedCreatesBefore: c.Before.FailedCreates, FailedCreatesAfter: c.After.FailedCreates,
		RunsFailedBefore: c.Before.RunsFailedIP + c.Before.RunsFailedDisk, RunsFailedAfter: c.After.RunsFailedIP + c.After.RunsFailedDisk,
	}
	s.HoursBefore, s.HoursAfter = c.Before.CoveredHours, c.After.CoveredHours
	perHour := func(n int, h float64) *float64 {
		if h <= 0 {
			return nil
		}
		return ptr(float64(n) / h)
	}
	s.RunsFailedPerHourBefore, s.RunsFailedPerHourAfter = perHour(s.RunsFailedBefore, s.HoursBefore), perHour(s.RunsFailedAfter, s.HoursAfter)
	before, after := s.FailedCreatesBefore+s.RunsFailedBefore, s.FailedCreatesAfter+s.RunsFailedAfter
	switch {
	case before == 0 && after == 0:
		s.State = StatusNoFailures
	case after == 0:
		s.State = StatusProven
	case s.RunsFailedPerHourBefore != nil && s.RunsFailedPerHourAfter != nil && *s.RunsFailedPerHourAfter < *s.RunsFailedPerHourBefore:
		s.State = StatusBetter
	default:
		s.State = StatusNotBetter
	}
	return s
}

func diskLost(fs []DiskFailure) []KindCount {
	n := map[string]int{}
	for _, f := range fs {
		n[f.Kind]++
	}
	var out []KindCount
	for _, k := range []string{"task", "executor", "stage", "glue_run"} {
		if n[k] > 0 {
			out = append(out, KindCount{Kind: k, Count: n[k]})
			delete(n, k)
		}
	}
	rest := make([]string, 0, len(n))
	for k := range n {
		rest = append(rest, k)
	}
	sort.Strings(rest)
	for _, k := range rest {
		out = append(out, KindCount{Kind: k, Count: n[k]})
	}
	return out
}

func incidentSummary(inc *Incident) Summary {
	s := Summary{Changes: changesOf(inc.Fix), Status: statusOf(inc.Results)}
	f := inc.Failure
	s.Impact.First, s.Impact.Last = inc.failureWindowStart(f), inc.failureWindowEnd(f)
	s.Impact.FailedCreates = f.FailedCreates
	s.Impact.Subnets = []string{}
	if f.SubnetID != "" && f.FailedCreates > 0 {
		s.Impact.Subnets = []string{f.SubnetID}
	}
	for _, r := range f.Runs {
		switch r.FailureClass {
		case ClassIPExhaustion:
			s.Impact.RunsFailedIP++
		case ClassDiskFull:
			s.Impact.RunsFailedDisk++
		default:
			s.Impact.RunsFailedElse++
		}
	}
	if d := inc.Disk; d != nil {
		s.Impact.DiskLost = diskLost(d.Failures)
		if d.Executor != "" {
			s.DiskCause = &DiskCause{
				AppID: d.AppID, RunID: d.RunID, WorkerType: d.WorkerType, Executor: d.Executor, Full: d.Full, At: d.DiskAt,
				DiskBytes: d.DiskBytes, ShuffleBytes: d.ShuffleBytes, SpillBytes: d.SpillBytes,
				UsableDiskBytes: d.UsableDiskBytes, ExecutorsFull: d.ExecutorsFull,
			}
		}
	}
	if ip := inc.IP; ip != nil {
		s.IPCause = &IPCause{
			SubnetID: ip.SubnetID, CIDR: ip.CIDR, UsableIPs: ip.UsableIPs, At: ip.At, InUse: ip.InUse, HolderSplit: true,
			HeldByRunningRuns: ip.HeldByRunningRuns, HeldByFinishedRuns: ip.HeldByFinishedRuns,
			HeldByNonGlue: ip.HeldByNonGlue, Unattributed: ip.Unattributed,
			Unaccounted: ip.Unaccounted, AmbiguousIPs: ip.AmbiguousIPs,
			RunningRuns: ip.RunningRuns, FinishedRuns: ip.FinishedRuns,
			LingerP50Minutes: ip.Linger.P50, LingerENIs: ip.Linger.Count, LingerAmbiguous: ip.Linger.Ambiguous, Categories: ip.Categories,
		}
	}
	return s
}

func capacitySummary(c *Capacity, diskFails []DiskFailure) Summary {
	s := Summary{Changes: changesOf(c.Actions), Status: Status{State: StatusUnmeasured}}
	s.Impact.Subnets = []string{}
	for _, sc := range c.Subnets {
		if sc.FailedCreates > 0 {
			s.Impact.FailedCreates += int(sc.FailedCreates)
			s.Impact.Subnets = append(s.Impact.Subnets, sc.SubnetID)
		}
	}
	s.Impact.DiskLost = diskLost(diskFails)
	// The subnet the IP advice is about: the most troubled one (the list
	// comes most troubled first) when it refused creates or peaked at 80 %.
	if len(c.Subnets) > 0 {
		sc := c.Subnets[0]
		if sc.FailedCreates > 0 || (sc.PeakPct != nil && *sc.PeakPct >= 80) {
			cause := &IPCause{SubnetID: sc.SubnetID, CIDR: sc.CIDR, UsableIPs: sc.UsableIPs, InUse: sc.PeakInUse,
				LingerP50Minutes: sc.Linger.P50, LingerENIs: sc.Linger.Count, LingerAmbiguous: sc.Linger.Ambiguous, Categories: []string{}}
			if sc.PeakAt != nil {
				cause.At = *sc.PeakAt
			}
			for _, cat := range c.Categories {
				if strings.HasPrefix(cat.Name, "(") {
					continue // non-Glue requesters
				}
				for _, id := range cat.Subnets {
					if id == sc.SubnetID {
						cause.Categories = append(cause.Categories, cat.Name)
					}
				}
			}
			sort.Strings(cause.Categories)
			s.IPCause = cause
		}
	}
	if len(c.Disk) > 0 {
		p := c.Disk[0]
		for _, q := range c.Disk {
			if q.PeakDiskBytes > p.PeakDiskBytes {
				p = q
			}
		}
		if p.CrossedAt != nil || (p.ShareUsed != nil && *p.ShareUsed >= 0.8) {
			s.DiskCause = &DiskCause{AppID: p.AppID, RunID: deref(p.RunID), WorkerType: deref(p.WorkerType), Executor: p.ExecutorID,
				Full: p.CrossedAt != nil, At: p.PeakAt, DiskBytes: p.PeakDiskBytes, ShuffleBytes: p.PeakShuffle, SpillBytes: p.PeakSpill,
				UsableDiskBytes: p.UsableDiskBytes}
			for _, q := range c.Disk {
				if q.CrossedAt != nil {
					s.DiskCause.ExecutorsFull++
				}
			}
		}
	}
	return s
}

func compareSummary(c *Compare) Summary {
	b := c.Results.Before
	s := Summary{Changes: []Advice{}, Status: statusOf(&c.Results)}
	s.Impact = Impact{First: b.From, Last: b.To, FailedCreates: b.FailedCreates, RunsFailedIP: b.RunsFailedIP,
		RunsFailedDisk: b.RunsFailedDisk, Subnets: []string{}}
	if b.PeakSubnet != "" {
		s.Impact.Subnets = []string{b.PeakSubnet}
	}
	return s
}
