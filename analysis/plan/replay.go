package plan

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Alternative is what a replay changes about the recorded history. The
// zero value replays the recorded layout with the recorded linger and no
// launch gate.
type Alternative struct {
	// Assign moves every run of a category to a subnet: an existing subnet
	// id or the name of a new one. Categories not listed stay put.
	Assign map[string]string `json:"assign,omitempty"`
	// Prefixes sets subnet sizes (existing id or new name → prefix). A new
	// subnet without a size gets the prefix of the recorded subnet most of
	// its runs came from.
	Prefixes map[string]int `json:"prefixes,omitempty"`
	// Gate holds the launch threshold (free IPs) per category; nil means
	// no gate. A category missing from a non-nil Gate is gated at its own
	// run's intended IPs.
	Gate map[string]int `json:"gate,omitempty"`
	// Linger, when set, replaces every run ENI's recorded linger.
	Linger *time.Duration `json:"linger,omitempty"`
	// OnGateCheck, when set, is told every decision of the gate: each run
	// start it checks and each re-check of a waiting run.
	OnGateCheck func(GateCheck) `json:"-"`
}

// GateCheck is one decision of the replayed gate, with the numbers it was
// taken on: the run may launch when Usable − InUse − Reserved ≥ Threshold.
type GateCheck struct {
	At        time.Time
	RunID     string
	Category  string
	Subnet    string
	Usable    int
	InUse     int
	Reserved  int
	Threshold int
	Launched  bool
}

// ReplayResult is what a replay found: per subnet peaks and refused
// creates, and for a gate the launch delays it added.
type ReplayResult struct {
	Layout     string          `json:"layout"` // "recorded" or the assignment, e.g. "critical=ingest,transform; adhoc=export"
	Linger     string          `json:"linger"` // "recorded" or a duration
	Gate       string          `json:"gate"`   // "none" or "thresholds"
	Runs       int             `json:"runs"`
	Modelled   int             `json:"modelled_runs"` // runs whose demand was modelled (they failed for lack of IPs)
	Subnets    []SubnetReplay  `json:"subnets"`
	Failures   []ReplayFailure `json:"failures"`
	GateDelays *GateDelays     `json:"gate_delays,omitempty"`
}

// SubnetReplay is one subnet's outcome in a replay.
type SubnetReplay struct {
	Subnet          string    `json:"subnet"`
	CIDR            string    `json:"cidr"` // "/26", or the recorded CIDR when unchanged
	UsableIPs       int       `json:"usable_ips"`
	Categories      []string  `json:"categories"`
	PeakInUse       int       `json:"peak_in_use"`
	PeakAt          time.Time `json:"peak_at"`
	PeakUtilization float64   `json:"peak_utilization_pct"`
	Failures        int       `json:"failures"`
	FailedRuns      int       `json:"failed_runs"`
	// Config is the gluelens.yaml line that sets this subnet's size.
	Config string `json:"config"`
}

// ReplayFailure is a create the replay refused.
type ReplayFailure struct {
	At       time.Time `json:"at"`
	Subnet   string    `json:"subnet"`
	RunID    string    `json:"run_id"` // "" for a probe (a refused create of no run)
	JobName  string    `json:"job_name"`
	Category string    `json:"category"`
	EventID  string    `json:"event_id,omitempty"` // recorded create this attempt replays, when any
	InUse    int       `json:"in_use"`
	Usable   int       `json:"usable_ips"`
	// Recorded: the recording also refused a create of this run at this
	// same instant.
	Recorded bool `json:"recorded"`
}

// GateDelays summarises the launch delays a gate added. Percentiles are
// over the delayed runs.
type GateDelays struct {
	RunsGated      int            `json:"runs_gated"`
	RunsDelayed    int            `json:"runs_delayed"`
	RunsBlocked    int            `json:"runs_blocked"` // never launched: the threshold was never met
	DelayP50Min    float64        `json:"delay_p50_minutes"`
	DelayP95Min    float64        `json:"delay_p95_minutes"`
	DelayMaxMin    float64        `json:"delay_max_minutes"`
	DelayTotalMin  float64        `json:"delay_total_minutes"`
	Delayed        []DelayedRun   `json:"delayed"`
	BlockedRunIDs  []string       `json:"blocked_run_ids,omitempty"`
	ThresholdsUsed map[string]int `json:"thresholds"`
}

// DelayedRun is one run the gate held back.
type DelayedRun struct {
	RunID     string    `json:"run_id"`
	JobName   string    `json:"job_name"`
	Category  string    `json:"category"`
	Requested time.Time `json:"requested"`
	Launched  time.Time `json:"launched"`
	DelayMin  float64   `json:"delay_minutes"`
}

// event kinds, in the order they apply at the same instant: releases
// before gate checks before launches before creates.
const (
	evRelease = iota
	evGateCheck
	evStart
	evAttempt
	evHoldStart
	evProbe
)

type event struct {
	at    int64 // unix nanoseconds
	order int64 // kind<<56 | sequence: same-instant order
	a, b  int32 // run/attempt, hold, subnet or probe index
	epoch int32
}

func (e *event) kind() uint8 { return uint8(e.order >> 56) }

func (e *event) before(o *event) bool {
	if e.at != o.at {
		return e.at < o.at
	}
	return e.order < o.order
}

// eventHeap is a binary min-heap of events (typed, so pushes do not
// allocate).
type eventHeap []event

func (h *eventHeap) push(e event) {
	*h = append(*h, e)
	q := *h
	i := len(q) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !q[i].before(&q[p]) {
			break
		}
		q[i], q[p] = q[p], q[i]
		i = p
	}
}

func (h *eventHeap) pop() event {
	q := *h
	top := q[0]
	n := len(q) - 1
	q[0] = q[n]
	q = q[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && q[r].before(&q[l]) {
			m = r
		}
		if !q[m].before(&q[i]) {
			break
		}
		q[i], q[m] = q[m], q[i]
		i = m
	}
	*h = q
	return top
}

type subnetState struct {
	name       string
	usable     int // 0 = unlimited
	cidr       string
	prefix     int
	inUse      int
	reserved   int
	peak       int
	peakAt     int64
	failures   int
	failedRuns int
	waiting    []int32 // gated runs waiting to launch, by requested start
	checkAt    int64   // time of the pending gate check (-1 none)
	categories map[string]bool
}

type runState struct {
	subnet     int32
	lead       int64 // how long before its start the run's first create comes (≥ 0)
	launchedAt int64 // -1 until launched
	refusedAt  int64 // -1 unless refused
	completion int64
	epoch      int32
	created    []bool // the attempt's ENI was created
	released   []bool // and has been released
	reserved   int
}

// Replay runs the demand against alt. It is deterministic: events at the
// same instant apply as releases, gate checks, launches, creates (then in
// input order).
func Replay(d *Demand, alt Alternative) (*ReplayResult, error) {
	r := &replayer{d: d, alt: alt}
	if err := r.setup(); err != nil {
		return nil, err
	}
	r.run()
	return r.result(), nil
}

type replayer struct {
	d       *Demand
	alt     Alternative
	subnets []*subnetState
	byName  map[string]int32
	runs    []runState
	h       eventHeap
	static  []event // run starts, background and probes, sorted
	seq     int64
	fails   []ReplayFailure
	failAft int64
}

func (r *replayer) subnetIndex(name string) int32 {
	if i, ok := r.byName[name]; ok {
		return i
	}
	s := &subnetState{name: name, checkAt: -1, categories: map[string]bool{}}
	if info, ok := r.d.Subnets[name]; ok {
		s.usable, s.cidr, s.prefix = info.Usable, info.CIDR, info.Prefix
	}
	r.subnets = append(r.subnets, s)
	i := int32(len(r.subnets) - 1)
	r.byName[name] = i
	return i
}

// push schedules an event found while replaying.
func (r *replayer) push(at int64, kind uint8, a, b, epoch int32) {
	r.seq++
	r.h.push(event{at: at, order: int64(kind)<<56 | r.seq, a: a, b: b, epoch: epoch})
}

// pushStatic schedules an event known before the replay starts; they are
// sorted once instead of going through the heap.
func (r *replayer) pushStatic(at int64, kind uint8, a, b int32) {
	r.seq++
	r.static = append(r.static, event{at: at, order: int64(kind)<<56 | r.seq, a: a, b: b})
}

func (r *replayer) setup() error {
	r.byName = map[string]int32{}
	r.failAft = int64(r.d.FailAfter)
	if r.failAft <= 0 {
		r.failAft = int64(30 * time.Second)
	}
	// Existing subnets first, in id order, so output is stable.
	ids := make([]string, 0, len(r.d.Subnets))
	for id := range r.d.Subnets {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		r.subnetIndex(id)
	}
	// Where do moved runs come from (to size new subnets by default)?
	origins := map[string]map[string]int{}
	r.runs = make([]runState, len(r.d.Runs))
	r.static = make([]event, 0, len(r.d.Runs)+2*len(r.d.Background)+len(r.d.Probes))
	r.h = make(eventHeap, 0, 1024)
	for i := range r.d.Runs {
		run := &r.d.Runs[i]
		target := run.Subnet
		if to, ok := r.alt.Assign[run.Category]; ok && to != "" {
			target = to
			if origins[to] == nil {
				origins[to] = map[string]int{}
			}
			origins[to][run.Subnet]++
		}
		si := r.subnetIndex(target)
		r.subnets[si].categories[run.Category] = true
		r.runs[i] = runState{subnet: si, launchedAt: -1, refusedAt: -1,
			created: make([]bool, len(run.Attempts)), released: make([]bool, len(run.Attempts))}
		// A create may precede StartedOn by a few seconds: the run asks
		// to launch at its earliest moment so time never runs backwards.
		for _, a := range run.Attempts {
			r.runs[i].lead = max(r.runs[i].lead, -int64(a.Offset))
		}
		r.pushStatic(run.Start.UnixNano()-r.runs[i].lead, evStart, int32(i), 0)
	}
	for name, from := range origins {
		if _, known := r.d.Subnets[name]; known {
			continue
		}
		best, bestN := "", -1
		for id, n := range from {
			if n > bestN || (n == bestN && id < best) {
				best, bestN = id, n
			}
		}
		if info, ok := r.d.Subnets[best]; ok && info.Prefix > 0 {
			s := r.subnets[r.byName[name]]
			s.prefix, s.usable, s.cidr = info.Prefix, UsableIPs(info.Prefix), fmt.Sprintf("/%d", info.Prefix)
		}
	}
	for name, p := range r.alt.Prefixes {
		if p < MinPrefix || p > MaxPrefix {
			return fmt.Errorf("replaying: subnet %s: size /%d is outside /%d to /%d", name, p, MinPrefix, MaxPrefix)
		}
		s := r.subnets[r.subnetIndex(name)]
		s.prefix, s.usable, s.cidr = p, UsableIPs(p), fmt.Sprintf("/%d", p)
	}
	for i, hd := range r.d.Background {
		si := r.subnetIndex(hd.Subnet)
		r.pushStatic(hd.From.UnixNano(), evHoldStart, int32(i), si)
		if !hd.To.IsZero() {
			r.pushStatic(hd.To.UnixNano(), evRelease, -1, int32(i))
		}
	}
	for i, p := range r.d.Probes {
		r.pushStatic(p.At.UnixNano(), evProbe, int32(i), r.subnetIndex(p.Subnet))
	}
	sort.Slice(r.static, func(i, j int) bool { return r.static[i].before(&r.static[j]) })
	return nil
}

func (r *replayer) gated() bool { return r.alt.Gate != nil }

func (r *replayer) threshold(run *Run) int {
	if t, ok := r.alt.Gate[run.Category]; ok {
		return t
	}
	return run.IntendedIPs()
}

func (r *replayer) run() {
	next := 0
	for next < len(r.static) || len(r.h) > 0 {
		var ev event
		if len(r.h) == 0 || (next < len(r.static) && r.static[next].before(&r.h[0])) {
			ev = r.static[next]
			next++
		} else {
			ev = r.h.pop()
		}
		switch ev.kind() {
		case evRelease:
			r.release(ev)
		case evGateCheck:
			r.gateCheck(ev.a, ev.at)
		case evStart:
			r.start(ev.a, ev.at)
		case evAttempt:
			r.attempt(ev)
		case evHoldStart:
			s := r.subnets[ev.b]
			r.take(s, r.d.Background[ev.a].IPs, ev.at)
		case evProbe:
			s := r.subnets[ev.b]
			p := r.d.Probes[ev.a]
			if s.usable > 0 && s.inUse+p.IPs > s.usable {
				s.failures++
				r.fails = append(r.fails, ReplayFailure{At: time.Unix(0, ev.at).UTC(), Subnet: s.name,
					EventID: p.EventID, InUse: s.inUse, Usable: s.usable, Recorded: true})
			}
		}
	}
}

func (r *replayer) take(s *subnetState, ips int, at int64) {
	s.inUse += ips
	if s.inUse > s.peak {
		s.peak, s.peakAt = s.inUse, at
	}
}

func (r *replayer) free(s *subnetState, ips int, at int64) {
	s.inUse -= ips
	r.recheck(s, at)
}

// recheck schedules a gate check after the releases at this instant.
func (r *replayer) recheck(s *subnetState, at int64) {
	if len(s.waiting) > 0 && s.checkAt != at {
		s.checkAt = at
		r.push(at, evGateCheck, r.byName[s.name], 0, 0)
	}
}

func (r *replayer) release(ev event) {
	if ev.a < 0 { // background hold
		hd := r.d.Background[ev.b]
		r.free(r.subnets[r.byName[hd.Subnet]], hd.IPs, ev.at)
		return
	}
	st := &r.runs[ev.a]
	if ev.epoch != st.epoch || !st.created[ev.b] || st.released[ev.b] {
		return
	}
	st.released[ev.b] = true
	r.free(r.subnets[st.subnet], r.d.Runs[ev.a].Attempts[ev.b].IPs, ev.at)
}

func (r *replayer) start(ri int32, at int64) {
	run := &r.d.Runs[ri]
	st := &r.runs[ri]
	s := r.subnets[st.subnet]
	if r.gated() && s.usable > 0 {
		ok := s.usable-s.inUse-s.reserved >= r.threshold(run)
		r.traceCheck(s, run, at, ok)
		if !ok {
			s.waiting = append(s.waiting, ri)
			return
		}
	}
	r.launch(ri, at)
}

func (r *replayer) gateCheck(si int32, at int64) {
	s := r.subnets[si]
	s.checkAt = -1
	kept := s.waiting[:0]
	for _, ri := range s.waiting {
		ok := s.usable-s.inUse-s.reserved >= r.threshold(&r.d.Runs[ri])
		r.traceCheck(s, &r.d.Runs[ri], at, ok)
		if ok {
			r.launch(ri, at)
			continue
		}
		kept = append(kept, ri)
	}
	s.waiting = kept
}

// traceCheck tells Alternative.OnGateCheck about one gate decision.
func (r *replayer) traceCheck(s *subnetState, run *Run, at int64, launched bool) {
	if r.alt.OnGateCheck == nil {
		return
	}
	r.alt.OnGateCheck(GateCheck{At: time.Unix(0, at).UTC(), RunID: run.ID, Category: run.Category, Subnet: s.name,
		Usable: s.usable, InUse: s.inUse, Reserved: s.reserved, Threshold: r.threshold(run), Launched: launched})
}

func (r *replayer) launch(ri int32, at int64) {
	run := &r.d.Runs[ri]
	st := &r.runs[ri]
	st.launchedAt = at
	base := at + st.lead // the run's StartedOn in this replay
	st.completion = base + int64(run.Duration)
	if r.gated() {
		st.reserved = run.IntendedIPs()
		r.subnets[st.subnet].reserved += st.reserved
	}
	for ai, a := range run.Attempts {
		r.push(base+int64(a.Offset), evAttempt, ri, int32(ai), 0)
	}
}

func (r *replayer) unreserve(st *runState, ips int) {
	if ips > st.reserved {
		ips = st.reserved
	}
	st.reserved -= ips
	r.subnets[st.subnet].reserved -= ips
}

func (r *replayer) lingerOf(a *Attempt) (time.Duration, bool) {
	if r.alt.Linger != nil {
		return *r.alt.Linger, true
	}
	return a.Linger, !a.Kept
}

func (r *replayer) attempt(ev event) {
	run := &r.d.Runs[ev.a]
	st := &r.runs[ev.a]
	a := &run.Attempts[ev.b]
	s := r.subnets[st.subnet]
	r.unreserve(st, a.IPs)
	if st.refusedAt >= 0 && (a.Modelled || ev.at > st.completion) {
		return // the run has already failed: Glue asks for nothing more
	}
	if s.usable > 0 && s.inUse+a.IPs > s.usable {
		s.failures++
		r.fails = append(r.fails, ReplayFailure{At: time.Unix(0, ev.at).UTC(), Subnet: s.name, RunID: run.ID,
			JobName: run.Job, Category: run.Category, EventID: a.EventID, InUse: s.inUse, Usable: s.usable,
			Recorded: refusedAt(run, ev.at)})
		if st.refusedAt < 0 {
			r.refuse(ev.a, ev.at)
		}
		return
	}
	r.take(s, a.IPs, ev.at)
	st.created[ev.b] = true
	if l, ok := r.lingerOf(a); ok {
		r.push(max(st.completion+int64(l), ev.at), evRelease, ev.a, ev.b, st.epoch)
	}
}

// refusedAt reports whether the recording shows a refused create of run
// at the instant at.
func refusedAt(run *Run, at int64) bool {
	for i := range run.Attempts {
		if a := &run.Attempts[i]; a.Refused && run.Start.Add(a.Offset).UnixNano() == at {
			return true
		}
	}
	return false
}

// refuse fails a run at its first refused create: it completes FailAfter
// later and its ENIs are released after their linger from that completion.
func (r *replayer) refuse(ri int32, at int64) {
	run := &r.d.Runs[ri]
	st := &r.runs[ri]
	s := r.subnets[st.subnet]
	s.failedRuns++
	st.refusedAt = at
	fa := int64(run.FailAfter)
	if fa <= 0 {
		fa = r.failAft
	}
	st.completion = at + fa
	st.epoch++
	r.unreserve(st, st.reserved)
	r.recheck(s, at)
	for ai := range run.Attempts {
		if !st.created[ai] || st.released[ai] {
			continue
		}
		if l, ok := r.lingerOf(&run.Attempts[ai]); ok {
			r.push(max(st.completion+int64(l), at), evRelease, ri, int32(ai), st.epoch)
		}
	}
}

func (r *replayer) result() *ReplayResult {
	res := &ReplayResult{Layout: layoutLabel(r.alt.Assign), Linger: "recorded", Gate: "none", Runs: len(r.d.Runs)}
	if r.alt.Linger != nil {
		res.Linger = r.alt.Linger.String()
	}
	for i := range r.d.Runs {
		if r.d.Runs[i].Modelled {
			res.Modelled++
		}
	}
	for _, s := range r.subnets {
		sr := SubnetReplay{Subnet: s.name, CIDR: s.cidr, UsableIPs: s.usable, PeakInUse: s.peak,
			Failures: s.failures, FailedRuns: s.failedRuns}
		if s.peak > 0 {
			sr.PeakAt = time.Unix(0, s.peakAt).UTC()
		}
		if s.usable > 0 {
			sr.PeakUtilization = round2(100 * float64(s.peak) / float64(s.usable))
		}
		for c := range s.categories {
			sr.Categories = append(sr.Categories, c)
		}
		sort.Strings(sr.Categories)
		if s.prefix > 0 {
			sr.Config = fmt.Sprintf("subnets: {%s: /%d}", s.name, s.prefix)
		}
		if s.peak == 0 && s.failures == 0 && len(sr.Categories) == 0 {
			continue
		}
		res.Subnets = append(res.Subnets, sr)
	}
	sort.SliceStable(r.fails, func(i, j int) bool { return r.fails[i].At.Before(r.fails[j].At) })
	res.Failures = r.fails
	if res.Failures == nil {
		res.Failures = []ReplayFailure{}
	}
	if r.gated() {
		res.Gate = "thresholds"
		res.GateDelays = r.delays()
	}
	return res
}

func (r *replayer) delays() *GateDelays {
	g := &GateDelays{ThresholdsUsed: r.alt.Gate, Delayed: []DelayedRun{}}
	var mins []float64
	for i := range r.d.Runs {
		run := &r.d.Runs[i]
		st := &r.runs[i]
		if r.subnets[st.subnet].usable == 0 {
			continue
		}
		g.RunsGated++
		if st.launchedAt < 0 {
			g.RunsBlocked++
			g.BlockedRunIDs = append(g.BlockedRunIDs, run.ID)
			continue
		}
		d := time.Duration(st.launchedAt - (run.Start.UnixNano() - st.lead))
		if d <= 0 {
			continue
		}
		m := d.Minutes()
		mins = append(mins, m)
		g.DelayTotalMin += m
		g.Delayed = append(g.Delayed, DelayedRun{RunID: run.ID, JobName: run.Job, Category: run.Category,
			Requested: run.Start, Launched: run.Start.Add(d), DelayMin: round2(m)})
	}
	g.RunsDelayed = len(mins)
	if len(mins) > 0 {
		g.DelayP50Min = round2(quantile(mins, 0.5))
		g.DelayP95Min = round2(quantile(mins, 0.95))
		g.DelayMaxMin = round2(mins[len(mins)-1])
	}
	g.DelayTotalMin = round2(g.DelayTotalMin)
	return g
}

// layoutLabel renders an assignment as "subnet=cat,cat; subnet=cat".
func layoutLabel(assign map[string]string) string {
	if len(assign) == 0 {
		return "recorded"
	}
	groups := map[string][]string{}
	for c, s := range assign {
		groups[s] = append(groups[s], c)
	}
	names := make([]string, 0, len(groups))
	for s := range groups {
		names = append(names, s)
		sort.Strings(groups[s])
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, s := range names {
		parts[i] = s + "=" + strings.Join(groups[s], ",")
	}
	return strings.Join(parts, "; ")
}
