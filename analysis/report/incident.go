package report

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/gluelens/gluelens/analysis/eni"
	"github.com/gluelens/gluelens/analysis/facts"
	"github.com/gluelens/gluelens/internal/store"
)

// IncidentQuery picks the failure an incident report explains: a job run,
// or an instant (optionally in one subnet).
type IncidentQuery struct {
	RunID  string
	At     time.Time
	Subnet string
	// Window is the span the investigation shows, centred on the failure
	// (default 3 h).
	Window time.Duration
	// After, when set, adds the results section: the same metrics in
	// After and in a "before" span of the same length that ends where the
	// investigated window ends, so counts compare like for like.
	After *Span
}

// Span is a time interval [From, To).
type Span struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Incident is one failure told in post-mortem order. reports/words tells
// the failure and the root cause from its numbers.
type Incident struct {
	Header  Header             `json:"header"`
	Summary Summary            `json:"summary"`
	Class   string             `json:"class"` // ip_exhaustion | disk_full | both | other
	Failure Failure            `json:"failure"`
	IP      *IPInvestigation   `json:"ip,omitempty"`
	Disk    *DiskInvestigation `json:"disk,omitempty"`
	Fix     Fix                `json:"fix"`
	Results *Comparison        `json:"results,omitempty"`
}

// Failure is what broke.
type Failure struct {
	At        time.Time     `json:"at"`
	SubnetID  string        `json:"subnet_id,omitempty"`
	ErrorText string        `json:"error_text"`
	Runs      []AffectedRun `json:"runs"`
	// FailedCreates counts CreateNetworkInterface calls refused for lack
	// of IPs in the investigated window and subnet.
	FailedCreates int `json:"failed_creates"`
	// DiskFailures counts tasks, executors, stages and runs lost to a full
	// disk in the investigated window.
	DiskFailures int `json:"disk_failures"`
}

// AffectedRun is a Glue run that failed in the investigated window.
type AffectedRun struct {
	RunID        string     `json:"run_id"`
	JobName      string     `json:"job_name"`
	Category     string     `json:"category"`
	State        string     `json:"state"`
	StartedOn    *time.Time `json:"started_on"`
	CompletedOn  *time.Time `json:"completed_on"`
	FailureClass string     `json:"failure_class"`
	ErrorMessage string     `json:"error_message"`
}

// IPInvestigation is the subnet's story around an IP-exhaustion failure.
type IPInvestigation struct {
	SubnetID string `json:"subnet_id"`
	// SubnetName is the subnet's Name tag.
	SubnetName string    `json:"subnet_name,omitempty"`
	CIDR       string    `json:"cidr"`
	UsableIPs  *int64    `json:"usable_ips"`
	At         time.Time `json:"at"`
	// The split of the IPs in use at At (from ip_exhaustion_events).
	InUse              int64 `json:"in_use"`
	HeldByRunningRuns  int64 `json:"held_by_running_runs"`
	HeldByFinishedRuns int64 `json:"held_by_finished_runs"`
	HeldByNonGlue      int64 `json:"held_by_non_glue"`
	Unattributed       int64 `json:"unattributed"`
	// Unaccounted IPs no ENI in the evidence explains (the refusal proves
	// the subnet full); AmbiguousIPs are held by ENIs whose run attribution
	// is ambiguous; Confidence is exact or ambiguous (ip_exhaustion_events).
	Unaccounted           int64    `json:"unaccounted"`
	AmbiguousIPs          int64    `json:"ambiguous_ips"`
	Confidence            string   `json:"confidence"`
	RunningRuns           int      `json:"running_runs"`
	FinishedRuns          int      `json:"finished_runs"`
	FinishedMinMinutesAgo *float64 `json:"finished_min_minutes_ago"`
	FinishedMaxMinutesAgo *float64 `json:"finished_max_minutes_ago"`
	// Occupancy is the step series of IPs in use over the window.
	Occupancy []Point `json:"occupancy"`
	// ByHolder is the same occupancy split by holder class.
	ByHolder []HolderPoint `json:"occupancy_by_holder"`
	// Runs are the timeline's rows: the runs (and non-Glue or unknown
	// holders) holding IPs at the failure; RunsLeftOut more runs and
	// ENIsLeftOutOfRuns more ENIs were alive in the window but held none then.
	Runs              []RunBar      `json:"runs"`
	RunsLeftOut       int           `json:"runs_left_out"`
	ENIsLeftOutOfRuns int           `json:"enis_left_out_of_runs"`
	Failures          []FailureMark `json:"failures"`
	// ENIs alive in the window, those holding IPs at At first.
	ENIs            []ENIBar    `json:"enis"`
	ENIsLeftOut     int         `json:"enis_left_out"`
	Linger          Percentiles `json:"linger_minutes"`
	LingerHistogram []Bucket    `json:"linger_histogram"`
	// Categories are the job categories whose runs held IPs in the subnet
	// in the window.
	Categories []string `json:"categories"`
}

// FailureMark is one refused create or failed run on the occupancy chart.
type FailureMark struct {
	At       time.Time `json:"at"`
	Source   string    `json:"source"` // cloudtrail | glue_run
	JobName  string    `json:"job_name"`
	RunID    string    `json:"run_id"`
	InUse    int64     `json:"in_use"`
	ErrorMsg string    `json:"error_message"`
}

// ENIBar is one ENI's life on the timeline: running from From to RunEnd,
// lingering from RunEnd to To (To nil: still held at the window end).
type ENIBar struct {
	ENIID     string     `json:"eni_id"`
	JobName   string     `json:"job_name"`
	RunID     string     `json:"run_id"`
	Requester string     `json:"requester"`
	IPs       int64      `json:"ips"`
	From      time.Time  `json:"from"`
	RunEnd    *time.Time `json:"run_end"`
	To        *time.Time `json:"to"`
	// StateAtFailure: running | lingering | non-glue | unattributed, or
	// "" when the ENI did not hold IPs at the failure.
	StateAtFailure string `json:"state_at_failure"`
}

// DiskInvestigation is one Spark application's local disk around a
// disk-full failure.
type DiskInvestigation struct {
	AppID           string `json:"app_id"`
	AttemptID       string `json:"attempt_id"`
	RunID           string `json:"run_id"`
	JobName         string `json:"job_name"`
	WorkerType      string `json:"worker_type"`
	UsableDiskBytes *int64 `json:"usable_disk_bytes"`
	// The executor the root cause names: the first whose estimate went
	// above the usable disk, else the one with the highest peak; Disk*
	// are its estimate at that instant (DiskAt).
	Executor     string    `json:"executor"`
	Full         bool      `json:"full"`
	DiskAt       time.Time `json:"disk_at"`
	DiskBytes    int64     `json:"disk_bytes"`
	ShuffleBytes int64     `json:"shuffle_bytes"`
	SpillBytes   int64     `json:"spill_bytes"`
	// ExecutorsFull counts executors whose estimate went above the usable disk.
	ExecutorsFull int `json:"executors_full"`
	// Executors' estimated disk over time (bytes).
	Executors []ExecutorSeries `json:"executors"`
	Stages    []StageDisk      `json:"stages"`
	// The reduce stage that read the most shuffle, and its partition sizes.
	PartitionStage     *int64        `json:"partition_stage"`
	Partitions         int           `json:"partitions"`
	EmptyPartitions    int           `json:"empty_partitions"`
	PartitionHistogram []Bucket      `json:"partition_histogram_mib"`
	Failures           []DiskFailure `json:"failures"`
}

// ExecutorSeries is one executor's estimated disk step series.
type ExecutorSeries struct {
	ExecutorID string  `json:"executor_id"`
	PeakBytes  int64   `json:"peak_bytes"`
	Points     []Point `json:"points"`
}

// BuildIncident finds the failure q points at and explains it.
func BuildIncident(ctx context.Context, st *store.Store, q IncidentQuery, o Options) (*Incident, error) {
	if q.Window <= 0 {
		q.Window = 3 * time.Hour
	}
	inc := &Incident{}
	var run *runRow
	center := q.At.UTC()
	if q.RunID != "" {
		var err error
		if run, err = facts.RunByID(ctx, st, q.RunID); err != nil {
			return nil, err
		}
		if run == nil {
			return nil, fmt.Errorf("%w: job run %s is not in the database", ErrNoFailure, q.RunID)
		}
		switch {
		case run.CompletedOn != nil:
			center = run.CompletedOn.UTC()
		case run.StartedOn != nil:
			center = run.StartedOn.UTC()
		}
	}
	from, to := center.Add(-q.Window/2), center.Add(q.Window/2)

	// The IP advice needs the recorded demand; read it while the evidence
	// loads, unless the run is known to have failed for another reason.
	var pd *pendingDemand
	if run == nil || deref(run.FailureClass) == ClassIPExhaustion {
		pd = loadDemand(ctx, st, o)
		defer pd.wait()
	}
	ev, err := loadEvidence(ctx, st, Span{From: from, To: to}, withHolderSplit)
	if err != nil {
		return nil, err
	}
	exh := ev.exh
	disk, err := diskFailures(ctx, st, from, to, "")
	if err != nil {
		return nil, err
	}
	var focus *eni.Exhaustion
	var diskFocus []DiskFailure
	if run != nil {
		focus = exhaustionOfRun(exh, run.RunID)
		for _, d := range disk {
			if deref(d.RunID) == run.RunID {
				diskFocus = append(diskFocus, d)
			}
		}
		if len(diskFocus) == 0 && deref(run.FailureClass) == ClassDiskFull {
			// The run's own record may fall outside the window (a long run).
			if diskFocus, err = diskFailures(ctx, st, time.Time{}, time.Time{}, run.RunID); err != nil {
				return nil, err
			}
		}
	} else {
		focus = nearestExhaustion(exh, center, q.Subnet)
		diskFocus = disk
	}

	runs, err := failedRuns(ctx, st, from, to, o)
	if err != nil {
		return nil, err
	}
	switch {
	case focus != nil && len(diskFocus) > 0:
		inc.Class = ClassBoth
	case focus != nil:
		inc.Class = ClassIPExhaustion
	case len(diskFocus) > 0:
		inc.Class = ClassDiskFull
	case run != nil && deref(run.State) != "SUCCEEDED" && deref(run.State) != "RUNNING":
		inc.Class = ClassOther
	case run == nil && len(runs) > 0:
		inc.Class = ClassOther
	default:
		what := "around " + center.UTC().Format(errorStamp)
		if run != nil {
			what = "for job run " + run.RunID + " (" + deref(run.State) + ")"
		}
		return nil, fmt.Errorf("%w %s", ErrNoFailure, what)
	}

	if focus != nil {
		// Who held the IPs at the failure, in the state eni at gives them.
		held, err := eni.At(ctx, st, deref(focus.SubnetID), focus.At)
		if err != nil {
			return nil, err
		}
		inc.IP = investigateIP(ev, *focus, exh, held, from, to, o)
	}
	if len(diskFocus) > 0 {
		d, err := investigateDisk(ctx, st, diskFocus, o)
		if err != nil {
			return nil, err
		}
		inc.Disk = d
	}
	inc.Failure = describeFailure(inc, focus, diskFocus, run, runs)

	if inc.IP != nil && pd == nil {
		pd = loadDemand(ctx, st, o)
	}
	// Advice comes from the evidence before the fix when --after names it.
	var adviceUntil time.Time
	if q.After != nil {
		adviceUntil = q.After.From
	}
	if inc.Fix, err = incidentFix(ctx, st, pd, inc, adviceUntil, o); err != nil {
		return nil, err
	}
	if q.After != nil {
		before := Span{From: to.Add(-q.After.To.Sub(q.After.From)), To: to}
		cmp, err := BuildComparison(ctx, st, before, *q.After)
		if err != nil {
			return nil, err
		}
		inc.Results = cmp
	}
	sources, err := loadSources(ctx, st)
	if err != nil {
		return nil, err
	}
	inc.Summary = incidentSummary(inc)
	inc.Header = Header{
		Kind: "incident", GeneratedAt: o.Now.UTC(), Version: o.Version,
		Database: databaseName(st.Path()), From: from, To: to, Sources: sources,
	}
	if err = inc.Header.restOn(ctx, st, from, to); err != nil {
		return nil, err
	}
	return inc, nil
}

func exhaustionOfRun(exh []eni.Exhaustion, runID string) *eni.Exhaustion {
	var glueRun *eni.Exhaustion
	for i := range exh {
		if deref(exh[i].JobRunID) != runID {
			continue
		}
		if exh[i].Source == "cloudtrail" {
			return &exh[i]
		}
		if glueRun == nil {
			glueRun = &exh[i]
		}
	}
	return glueRun
}

// nearestExhaustion picks the refused create closest to t (a failed run
// when no create record exists), optionally in one subnet.
func nearestExhaustion(exh []eni.Exhaustion, t time.Time, subnet string) *eni.Exhaustion {
	var best *eni.Exhaustion
	bestD := time.Duration(math.MaxInt64)
	for _, src := range []string{"cloudtrail", "glue_run"} {
		for i := range exh {
			e := &exh[i]
			if e.Source != src || (subnet != "" && deref(e.SubnetID) != subnet) {
				continue
			}
			d := e.At.Sub(t)
			if d < 0 {
				d = -d
			}
			if d < bestD {
				best, bestD = e, d
			}
		}
		if best != nil {
			return best
		}
	}
	return nil
}

func failedRuns(ctx context.Context, st *store.Store, from, to time.Time, o Options) ([]AffectedRun, error) {
	rs, err := loadRuns(ctx, st, from, to)
	if err != nil {
		return nil, err
	}
	var out []AffectedRun
	for _, r := range rs {
		state := deref(r.State)
		if state == "SUCCEEDED" || state == "RUNNING" || state == "STARTING" || state == "WAITING" || r.CompletedOn == nil {
			continue
		}
		if r.CompletedOn.Before(from) || !r.CompletedOn.Before(to) {
			continue
		}
		out = append(out, AffectedRun{
			RunID: r.RunID, JobName: deref(r.JobName), Category: o.category(deref(r.JobName)), State: state,
			StartedOn: r.StartedOn, CompletedOn: r.CompletedOn,
			FailureClass: deref(r.FailureClass), ErrorMessage: deref(r.ErrorMessage),
		})
	}
	return out, nil
}

// investigateIP builds the IP investigation of failure f; held is the ENIs
// holding IPs in its subnet at f.At (eni.At), whose states mark the ENI bars
// and count the running and finished runs.
func investigateIP(ev *evidence, f eni.Exhaustion, all []eni.Exhaustion, held []eni.Holder, from, to time.Time, o Options) *IPInvestigation {
	subnet := deref(f.SubnetID)
	ip := &IPInvestigation{
		SubnetID: subnet, SubnetName: ev.name(subnet), CIDR: ev.cidr(subnet), UsableIPs: f.UsableIPs, At: f.At.UTC(),
		InUse: f.InUse, HeldByRunningRuns: f.HeldByRunningRuns, HeldByFinishedRuns: f.HeldByFinishedRuns,
		HeldByNonGlue: f.HeldByNonGlue, Unattributed: f.Unattributed,
		Unaccounted: f.Unaccounted, AmbiguousIPs: f.AmbiguousIPs, Confidence: f.Confidence,
		FinishedMinMinutesAgo: f.FinishedMinMinutesAgo, FinishedMaxMinutesAgo: f.FinishedMaxMinutesAgo,
	}
	if ip.UsableIPs == nil {
		ip.UsableIPs = ev.usable(subnet)
	}
	ip.Occupancy = downsampleSteps(stepPoints(ev.steps(from, to)[subnet]), o.maxPoints())
	ip.ByHolder = downsampleHolders(ev.byHolder(subnet, from, to), o.maxPoints())
	ip.Runs, ip.RunsLeftOut, ip.ENIsLeftOutOfRuns = ev.runBars(subnet, f.At, from, to, o)
	for _, e := range all {
		if deref(e.SubnetID) != subnet {
			continue
		}
		ip.Failures = append(ip.Failures, FailureMark{
			At: e.At.UTC(), Source: e.Source, JobName: deref(e.JobName), RunID: deref(e.JobRunID),
			InUse: e.InUse, ErrorMsg: deref(e.ErrorMessage),
		})
	}
	state := map[string]string{}
	running, finished := map[string]bool{}, map[string]bool{}
	for _, h := range held {
		state[h.ENIID] = h.State
		switch h.State {
		case "running":
			running[deref(h.JobRunID)] = true
		case "lingering":
			finished[deref(h.JobRunID)] = true
		}
	}
	ip.RunningRuns, ip.FinishedRuns = len(running), len(finished)

	var bars []ENIBar
	cats := map[string]bool{}
	ip.Categories = []string{}
	for _, h := range ev.holdings {
		if h.SubnetID != subnet || !h.HeldFrom.Before(to) || (h.HeldUntil != nil && !h.HeldUntil.After(from)) {
			continue
		}
		if j := deref(h.JobName); j != "" && !cats[o.category(j)] {
			cats[o.category(j)] = true
			ip.Categories = append(ip.Categories, o.category(j))
		}
		b := ENIBar{
			ENIID: h.ENIID, JobName: deref(h.JobName), RunID: deref(h.JobRunID), Requester: deref(h.Requester),
			IPs: h.IPCount, From: h.HeldFrom.UTC(), RunEnd: h.RunCompletedAt, To: h.HeldUntil, StateAtFailure: state[h.ENIID],
		}
		if b.From.Before(from) {
			b.From = from
		}
		if b.To != nil && b.To.After(to) {
			b.To = nil
		}
		bars = append(bars, b)
	}
	sort.SliceStable(bars, func(i, j int) bool {
		return bars[i].StateAtFailure != "" && bars[j].StateAtFailure == ""
	})
	if max := o.maxENIs(); len(bars) > max {
		ip.ENIsLeftOut = len(bars) - max
		bars = bars[:max]
	}
	sort.SliceStable(bars, func(i, j int) bool {
		if !bars[i].From.Equal(bars[j].From) {
			return bars[i].From.Before(bars[j].From)
		}
		return bars[i].ENIID < bars[j].ENIID
	})
	ip.ENIs = bars
	sort.Strings(ip.Categories)
	linger, ambiguous := ev.linger(from, to, subnet)
	ip.Linger = percentiles(linger)
	ip.Linger.Ambiguous = ambiguous
	if ip.Linger.Max != nil {
		ip.LingerHistogram = histogram(linger, niceStep(*ip.Linger.Max, 12))
	}
	return ip
}

func investigateDisk(ctx context.Context, st *store.Store, fails []DiskFailure, o Options) (*DiskInvestigation, error) {
	d := &DiskInvestigation{Failures: fails}
	for _, f := range fails {
		if f.AppID != nil && d.AppID == "" {
			d.AppID, d.AttemptID, d.RunID = *f.AppID, deref(f.AttemptID), deref(f.RunID)
		}
		if d.RunID == "" && f.RunID != nil {
			d.RunID = *f.RunID
		}
	}
	if d.AppID == "" {
		return d, nil
	}
	press, err := diskPressure(ctx, st, time.Time{}, time.Time{}, "")
	if err != nil {
		return nil, err
	}
	var peak, first *ExecutorPressure
	for i := range press {
		p := &press[i]
		if p.AppID != d.AppID || p.AttemptID != d.AttemptID {
			continue
		}
		d.UsableDiskBytes, d.WorkerType, d.JobName = p.UsableDiskBytes, deref(p.WorkerType), deref(p.JobName)
		if peak == nil || p.PeakDiskBytes > peak.PeakDiskBytes {
			peak = p
		}
		if p.CrossedAt != nil {
			d.ExecutorsFull++
			if first == nil || p.CrossedAt.Before(*first.CrossedAt) {
				first = p
			}
		}
	}
	tl, err := diskTimeline(ctx, st, d.AppID, d.AttemptID)
	if err != nil {
		return nil, err
	}
	switch {
	case first != nil:
		d.Executor, d.Full, d.DiskAt = first.ExecutorID, true, first.CrossedAt.UTC()
	case peak != nil:
		d.Executor, d.DiskAt = peak.ExecutorID, peak.PeakAt.UTC()
	}
	byExec := map[string]*ExecutorSeries{}
	var order []string
	for _, r := range tl {
		if r.ExecutorID == d.Executor && r.At.Equal(d.DiskAt) {
			d.DiskBytes, d.ShuffleBytes, d.SpillBytes = r.DiskBytes, r.ShuffleBytes, r.SpillBytes
		}
		s := byExec[r.ExecutorID]
		if s == nil {
			s = &ExecutorSeries{ExecutorID: r.ExecutorID}
			byExec[r.ExecutorID] = s
			order = append(order, r.ExecutorID)
		}
		s.Points = append(s.Points, Point{At: r.At.UTC(), Value: float64(r.DiskBytes)})
		if r.DiskBytes > s.PeakBytes {
			s.PeakBytes = r.DiskBytes
		}
	}
	sort.Slice(order, func(i, j int) bool { return naturalLess(order[i], order[j]) })
	for _, id := range order {
		s := byExec[id]
		s.Points = downsampleSteps(s.Points, o.maxPoints())
		d.Executors = append(d.Executors, *s)
	}
	if d.Stages, err = stageDisk(ctx, st, d.AppID, d.AttemptID); err != nil {
		return nil, err
	}
	var best *StageDisk
	for i := range d.Stages {
		if s := &d.Stages[i]; s.ShuffleBytesRead > 0 && (best == nil || s.ShuffleBytesRead > best.ShuffleBytesRead) {
			best = s
		}
	}
	if best != nil {
		parts, err := partitions(ctx, st, d.AppID, d.AttemptID, best.StageID)
		if err != nil {
			return nil, err
		}
		d.PartitionStage = ptr(best.StageID)
		mib := make([]float64, len(parts))
		for i, p := range parts {
			mib[i] = float64(p.Bytes) / (1 << 20)
			if p.Bytes == 0 {
				d.EmptyPartitions++
			}
		}
		d.Partitions = len(parts)
		mx := 0.0
		for _, m := range mib {
			mx = math.Max(mx, m)
		}
		d.PartitionHistogram = histogram(mib, niceStep(mx, 16))
	}
	return d, nil
}

// naturalLess orders executor ids "driver", "1", "2", "10" numerically.
func naturalLess(a, b string) bool {
	var ai, bi int
	_, ea := fmt.Sscanf(a, "%d", &ai)
	_, eb := fmt.Sscanf(b, "%d", &bi)
	switch {
	case ea == nil && eb == nil:
		return ai < bi
	case ea == nil:
		return false
	case eb == nil:
		return true
	}
	return a < b
}

func describeFailure(inc *Incident, focus *eni.Exhaustion, disk []DiskFailure, run *runRow, runs []AffectedRun) Failure {
	f := Failure{Runs: runs}
	if inc.IP != nil {
		f.SubnetID = inc.IP.SubnetID
		f.FailedCreates = 0
		for _, m := range inc.IP.Failures {
			if m.Source == "cloudtrail" {
				f.FailedCreates++
			}
		}
	}
	f.DiskFailures = len(disk)
	switch {
	case focus != nil:
		f.At = focus.At.UTC()
		f.ErrorText = deref(focus.ErrorMessage)
		if c := deref(focus.ErrorCode); c != "" {
			f.ErrorText = c + ": " + f.ErrorText
		}
	case len(disk) > 0:
		for _, d := range disk {
			if d.At != nil {
				f.At = d.At.UTC()
				f.ErrorText = deref(d.Message)
				break
			}
		}
	case run != nil:
		f.At = deref(run.CompletedOn).UTC()
		f.ErrorText = deref(run.ErrorMessage)
	case len(runs) > 0:
		f.At = deref(runs[0].CompletedOn).UTC()
		f.ErrorText = runs[0].ErrorMessage
	}
	if run != nil && f.ErrorText == "" {
		f.ErrorText = deref(run.ErrorMessage)
	}
	return f
}

// failureWindowStart and failureWindowEnd bound the failures the summary
// counts: the first and last mark (the failure instant when there is one).
func (inc *Incident) failureWindowStart(f Failure) time.Time {
	t := f.At
	if inc.IP != nil {
		for _, m := range inc.IP.Failures {
			if m.At.Before(t) {
				t = m.At
			}
		}
	}
	for _, r := range f.Runs {
		if r.CompletedOn != nil && r.CompletedOn.Before(t) {
			t = *r.CompletedOn
		}
	}
	if inc.Disk != nil {
		for _, d := range inc.Disk.Failures {
			if d.At != nil && d.At.Before(t) {
				t = *d.At
			}
		}
	}
	return t
}

func (inc *Incident) failureWindowEnd(f Failure) time.Time {
	t := f.At
	if inc.IP != nil {
		for _, m := range inc.IP.Failures {
			if m.At.After(t) {
				t = m.At
			}
		}
	}
	for _, r := range f.Runs {
		if r.CompletedOn != nil && r.CompletedOn.After(t) {
			t = *r.CompletedOn
		}
	}
	if inc.Disk != nil {
		for _, d := range inc.Disk.Failures {
			if d.At != nil && d.At.After(t) {
				t = *d.At
			}
		}
	}
	return t
}
