package report

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/gluelens/gluelens/internal/store"
)

// Period holds the outcome metrics of one time span.
type Period struct {
	Span
	// FailedCreates: ENI creates refused for lack of IPs.
	FailedCreates int `json:"failed_creates"`
	// RunsFailedIP and RunsFailedDisk: Glue runs that completed in the
	// span and failed for lack of IPs or for a full disk.
	RunsFailedIP   int `json:"runs_failed_ip"`
	RunsFailedDisk int `json:"runs_failed_disk"`
	Runs           int `json:"runs"`
	// CoveredHours is the part of the span the evidence covers (from its
	// first to its last record): the rates per hour divide by it, so a
	// span the evidence covers only partly is not undercounted.
	CoveredHours float64 `json:"covered_hours"`
	// PeakUtilizationPct: the highest peak IPs in use ÷ usable IPs over
	// the subnets with a known size, and the subnet it was reached in.
	PeakUtilizationPct *float64    `json:"peak_utilization_pct"`
	PeakSubnet         string      `json:"peak_subnet,omitempty"`
	Linger             Percentiles `json:"linger_minutes"`
	// PeakDiskBytes: the largest estimated executor disk peak; nil when no
	// Spark event log covers the span.
	PeakDiskBytes *int64 `json:"peak_disk_bytes"`
	SpillBytes    int64  `json:"spill_bytes"`
}

// Metric is one row of the before/after table.
type Metric struct {
	Name   string   `json:"name"`
	Unit   string   `json:"unit"`
	Before *float64 `json:"before"`
	After  *float64 `json:"after"`
	// LowerIsBetter: a fall is an improvement. False for the metrics
	// shown but judged neither better nor worse (hours covered, runs,
	// linger). reports/words labels the change (MetricChange).
	LowerIsBetter bool `json:"-"`
}

// Better says whether the change is an improvement: nil when either side
// is missing, nothing changed or the metric is not judged; a rise from 0
// is worse.
func (m Metric) Better() *bool {
	if m.Before == nil || m.After == nil || *m.Before == *m.After || !m.LowerIsBetter {
		return nil
	}
	return ptr(*m.Before != 0 && *m.After < *m.Before)
}

// Comparison sets the metrics of two spans side by side.
type Comparison struct {
	Before  Period   `json:"before"`
	After   Period   `json:"after"`
	Metrics []Metric `json:"metrics"`
}

// Compare is the compare report: the before/after results on their own,
// and the curves behind them.
type Compare struct {
	Header   Header     `json:"header"`
	Summary  Summary    `json:"summary"`
	Results  Comparison `json:"results"`
	Overlays Overlays   `json:"overlays"`
}

// Periods of an overlay curve.
const (
	PeriodBefore = "before"
	PeriodAfter  = "after"
)

// Overlays are the before/after curves of a compare report, as plain data
// with times in UTC; the renderers align each curve on the time since the
// start of its period (Comparison.Before.From or After.From).
type Overlays struct {
	// Occupancy holds the IPs in use in the subnet each period names for
	// its peak utilization, in both periods: one curve per subnet and
	// period in which the subnet held IPs, the before's subnet first.
	Occupancy []OccupancyCurve `json:"occupancy"`
	// ExecutorDisk holds one curve per period, before first; a period no
	// Spark event log covers has a curve with no apps and no points.
	ExecutorDisk []DiskCurve `json:"executor_disk"`
}

// OccupancyCurve is one subnet's IPs in use over one period: the
// subnet_occupancy step series clipped to the period (each value holds
// until the next point; the last point closes the period).
type OccupancyCurve struct {
	Period    string `json:"period"` // before | after
	SubnetID  string `json:"subnet_id"`
	Name      string `json:"subnet_name,omitempty"`
	CIDR      string `json:"cidr,omitempty"`
	UsableIPs *int64 `json:"usable_ips"`
	// Named: the period reports its peak utilization in this subnet.
	Named     bool        `json:"named"`
	Points    []Point     `json:"points"`
	Peak      int64       `json:"peak_in_use"`
	PeakAt    time.Time   `json:"peak_at"`
	RefusedAt []time.Time `json:"refused_at"`
}

// DiskCurve is the highest estimated local disk of any executor at each
// instant of one period (executor_disk_timeline), over the Spark
// applications whose executors peaked in the period.
type DiskCurve struct {
	Period string `json:"period"` // before | after
	// Apps lists the applications ("app_id", "app_id/attempt_id" for a
	// numbered attempt); empty when no
	// Spark event log covers the period.
	Apps            []string   `json:"apps"`
	UsableDiskBytes *int64     `json:"usable_disk_bytes"`
	Points          []Point    `json:"points"` // bytes
	PeakBytes       int64      `json:"peak_disk_bytes"`
	PeakAt          *time.Time `json:"peak_at,omitempty"`
	PeakApp         string     `json:"peak_app,omitempty"`
	PeakExecutor    string     `json:"peak_executor,omitempty"`
}

// BuildCompare assembles the compare report.
func BuildCompare(ctx context.Context, st *store.Store, before, after Span, o Options) (*Compare, error) {
	cmp, ev, err := compareSpans(ctx, st, before, after)
	if err != nil {
		return nil, err
	}
	ov, err := overlays(ctx, st, ev, cmp, o)
	if err != nil {
		return nil, err
	}
	sources, err := loadSources(ctx, st)
	if err != nil {
		return nil, err
	}
	c := &Compare{
		Header: Header{
			Kind:        "compare",
			GeneratedAt: o.Now.UTC(), Version: o.Version, Database: databaseName(st.Path()),
			From: before.From.UTC(), To: after.To.UTC(), Sources: sources,
		},
		Results: *cmp, Overlays: *ov,
	}
	c.Summary = compareSummary(c)
	if err = c.Header.restOn(ctx, st, before.From, after.To); err != nil {
		return nil, err
	}
	return c, nil
}

// BuildComparison measures both spans.
func BuildComparison(ctx context.Context, st *store.Store, before, after Span) (*Comparison, error) {
	c, _, err := compareSpans(ctx, st, before, after)
	return c, err
}

// compareSpans measures both spans and returns the evidence read for them.
func compareSpans(ctx context.Context, st *store.Store, before, after Span) (*Comparison, *evidence, error) {
	all := Span{From: before.From, To: before.To}
	if after.From.Before(all.From) {
		all.From = after.From
	}
	if after.To.After(all.To) {
		all.To = after.To
	}
	ev, err := loadEvidence(ctx, st, all, countsOnly)
	if err != nil {
		return nil, nil, err
	}
	b, err := measure(ctx, st, ev, before)
	if err != nil {
		return nil, nil, fmt.Errorf("measuring the span before: %w", err)
	}
	a, err := measure(ctx, st, ev, after)
	if err != nil {
		return nil, nil, fmt.Errorf("measuring the span after: %w", err)
	}
	c := &Comparison{Before: *b, After: *a}
	i := func(n int) *float64 { return ptr(float64(n)) }
	var peakB, peakA *float64
	if b.PeakDiskBytes != nil {
		peakB = ptr(float64(*b.PeakDiskBytes) / (1 << 30))
	}
	if a.PeakDiskBytes != nil {
		peakA = ptr(float64(*a.PeakDiskBytes) / (1 << 30))
	}
	var spillB, spillA *float64
	if b.PeakDiskBytes != nil || b.SpillBytes > 0 {
		spillB = ptr(float64(b.SpillBytes) / (1 << 30))
	}
	if a.PeakDiskBytes != nil || a.SpillBytes > 0 {
		spillA = ptr(float64(a.SpillBytes) / (1 << 30))
	}
	add := func(name, unit string, before, after *float64) {
		c.Metrics = append(c.Metrics, Metric{Name: name, Unit: unit, Before: before, After: after, LowerIsBetter: true})
	}
	neutral := func() { c.Metrics[len(c.Metrics)-1].LowerIsBetter = false }
	perHour := func(n int, p *Period) *float64 {
		if p.CoveredHours <= 0 {
			return nil
		}
		return ptr(float64(n) / p.CoveredHours)
	}
	add("Hours the evidence covers", "h", ptr(b.CoveredHours), ptr(a.CoveredHours))
	neutral()
	add("Glue runs", "runs", i(b.Runs), i(a.Runs))
	neutral() // more runs is neither better nor worse
	add("Glue runs per covered hour", "runs/h", perHour(b.Runs, b), perHour(a.Runs, a))
	neutral()
	add("ENI creates refused for lack of IPs", "creates", i(b.FailedCreates), i(a.FailedCreates))
	add("Refused creates per covered hour", "creates/h", perHour(b.FailedCreates, b), perHour(a.FailedCreates, a))
	add("Runs failed for lack of IPs", "runs", i(b.RunsFailedIP), i(a.RunsFailedIP))
	add("Runs failed for a full disk", "runs", i(b.RunsFailedDisk), i(a.RunsFailedDisk))
	add("Failed runs per covered hour", "runs/h", perHour(b.RunsFailedIP+b.RunsFailedDisk, b), perHour(a.RunsFailedIP+a.RunsFailedDisk, a))
	add("Peak subnet utilization ("+orDefault(b.PeakSubnet, "—")+" → "+orDefault(a.PeakSubnet, "—")+")", "%", b.PeakUtilizationPct, a.PeakUtilizationPct)
	// Linger is AWS's behaviour, not something the fix changes: shown,
	// neither better nor worse.
	add("ENI linger after the run, p50 (AWS's behaviour)", "min", b.Linger.P50, a.Linger.P50)
	neutral()
	add("ENI linger after the run, p95 (AWS's behaviour)", "min", b.Linger.P95, a.Linger.P95)
	neutral()
	add("Peak executor disk (estimated)", "GiB", peakB, peakA)
	add("Disk spill", "GiB", spillB, spillA)
	return c, ev, nil
}

func measure(ctx context.Context, st *store.Store, ev *evidence, s Span) (*Period, error) {
	p := &Period{Span: Span{From: s.From.UTC(), To: s.To.UTC()}}
	first, last, err := evidenceBounds(ctx, st)
	if err != nil {
		return nil, err
	}
	c0, c1 := p.From, p.To
	if first.After(c0) {
		c0 = first
	}
	if !last.IsZero() && last.Before(c1) {
		c1 = last
	}
	if c1.After(c0) {
		p.CoveredHours = c1.Sub(c0).Hours()
	}
	for _, n := range ev.failedCreates(s.From, s.To) {
		p.FailedCreates += int(n)
	}
	runs, err := loadRuns(ctx, st, s.From, s.To)
	if err != nil {
		return nil, err
	}
	for _, r := range runs {
		if r.StartedOn == nil || r.StartedOn.Before(s.From) || !r.StartedOn.Before(s.To) {
			continue
		}
		p.Runs++
		switch deref(r.FailureClass) {
		case ClassIPExhaustion:
			p.RunsFailedIP++
		case ClassDiskFull:
			p.RunsFailedDisk++
		}
	}
	steps := ev.steps(s.From, s.To)
	ids := make([]string, 0, len(steps))
	for id := range steps {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		u := deref(ev.usable(id))
		peak, _ := peakOf(steps[id])
		if u <= 0 || peak == 0 {
			continue
		}
		util := 100 * float64(peak) / float64(u)
		if p.PeakUtilizationPct == nil || util > *p.PeakUtilizationPct {
			p.PeakUtilizationPct, p.PeakSubnet = ptr(util), id
		}
	}
	p.Linger = ev.lingerStats(s.From, s.To, "")
	press, err := diskPressure(ctx, st, s.From, s.To, "")
	if err != nil {
		return nil, err
	}
	for _, x := range press {
		if p.PeakDiskBytes == nil || x.PeakDiskBytes > *p.PeakDiskBytes {
			p.PeakDiskBytes = ptr(x.PeakDiskBytes)
		}
	}
	if p.SpillBytes, err = spilled(ctx, st, s.From, s.To); err != nil {
		return nil, err
	}
	return p, nil
}

// overlays builds the compare report's curves from the evidence both spans
// were measured on (occupancy as the facts reader gives it) and from the
// executor disk timelines of the Spark applications of each span.
func overlays(ctx context.Context, st *store.Store, ev *evidence, c *Comparison, o Options) (*Overlays, error) {
	ov := &Overlays{Occupancy: []OccupancyCurve{}}
	periods := []struct {
		name string
		p    *Period
	}{{PeriodBefore, &c.Before}, {PeriodAfter, &c.After}}
	var subnets []string
	for _, pr := range periods {
		if s := pr.p.PeakSubnet; s != "" && (len(subnets) == 0 || subnets[0] != s) {
			subnets = append(subnets, s)
		}
	}
	for _, subnet := range subnets {
		for _, pr := range periods {
			ss := ev.steps(pr.p.From, pr.p.To)[subnet]
			if len(ss) == 0 {
				continue // the subnet held no IP in this period
			}
			peak, at := peakOf(ss)
			ov.Occupancy = append(ov.Occupancy, OccupancyCurve{
				Period: pr.name, SubnetID: subnet, Name: ev.name(subnet), CIDR: ev.cidr(subnet),
				UsableIPs: ev.usable(subnet), Named: pr.p.PeakSubnet == subnet,
				Points: downsampleSteps(stepPoints(ss), o.maxPoints()), Peak: peak, PeakAt: at.UTC(),
				RefusedAt: ev.refusedAt(subnet, pr.p.From, pr.p.To),
			})
		}
	}
	for _, pr := range periods {
		d, err := diskCurve(ctx, st, pr.name, pr.p.Span, o)
		if err != nil {
			return nil, err
		}
		ov.ExecutorDisk = append(ov.ExecutorDisk, *d)
	}
	return ov, nil
}

// diskCurve is the upper envelope of the estimated disk of every executor
// of the Spark applications whose executors peaked in s: at each instant
// any executor's estimate changes, the highest estimate of any executor
// then (each executor's estimate holds until its next point).
func diskCurve(ctx context.Context, st *store.Store, period string, s Span, o Options) (*DiskCurve, error) {
	d := &DiskCurve{Period: period, Apps: []string{}, Points: []Point{}}
	press, err := diskPressure(ctx, st, s.From, s.To, "")
	if err != nil {
		return nil, err
	}
	type app struct{ id, attempt string }
	var apps []app
	seen := map[app]bool{}
	var best *ExecutorPressure
	for i := range press {
		p := &press[i]
		a := app{p.AppID, p.AttemptID}
		if !seen[a] {
			seen[a] = true
			apps = append(apps, a)
		}
		if best == nil || p.PeakDiskBytes > best.PeakDiskBytes {
			best = p
		}
	}
	if best == nil {
		return d, nil
	}
	d.UsableDiskBytes = best.UsableDiskBytes
	sort.Slice(apps, func(i, j int) bool {
		if apps[i].id != apps[j].id {
			return apps[i].id < apps[j].id
		}
		return apps[i].attempt < apps[j].attempt
	})
	type change struct {
		at    time.Time
		exec  string
		app   app
		bytes int64
	}
	var changes []change
	for _, a := range apps {
		name := a.id
		if a.attempt != "" {
			name += "/" + a.attempt
		}
		d.Apps = append(d.Apps, name)
		tl, err := diskTimeline(ctx, st, a.id, a.attempt)
		if err != nil {
			return nil, err
		}
		for _, r := range tl {
			changes = append(changes, change{at: r.At.UTC(), exec: r.ExecutorID, app: a, bytes: r.DiskBytes})
		}
	}
	sort.SliceStable(changes, func(i, j int) bool { return changes[i].at.Before(changes[j].at) })
	type key struct {
		app  app
		exec string
	}
	now := map[key]int64{}
	var pts []Point
	for i := 0; i < len(changes); {
		at := changes[i].at
		for ; i < len(changes) && changes[i].at.Equal(at); i++ {
			now[key{changes[i].app, changes[i].exec}] = changes[i].bytes
		}
		var top int64
		var who key
		first := true
		for k, v := range now {
			// Equal estimates: the first application and executor by id,
			// so the peak's executor does not depend on map order.
			if first || v > top || (v == top && (k.app.id < who.app.id || k.app.id == who.app.id && k.exec < who.exec)) {
				top, who, first = v, k, false
			}
		}
		if n := len(pts); n > 0 && pts[n-1].Value == float64(top) {
			continue
		}
		pts = append(pts, Point{At: at, Value: float64(top)})
		if d.PeakAt == nil || top > d.PeakBytes {
			d.PeakBytes, d.PeakAt, d.PeakApp, d.PeakExecutor = top, ptr(at), who.app.id, who.exec
		}
	}
	d.Points = downsampleSteps(pts, o.maxPoints())
	return d, nil
}
