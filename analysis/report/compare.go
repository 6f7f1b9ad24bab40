package report

import (
	"context"
	"fmt"
	"math"
	"sort"

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
	// Change is "−100 %", "+12 %", "same" or "" when either side is missing.
	Change string `json:"change"`
	// Better: the change is an improvement (lower is better for every
	// metric here); nil when there is no change to judge.
	Better *bool `json:"better"`
}

// Comparison sets the metrics of two spans side by side.
type Comparison struct {
	Before  Period   `json:"before"`
	After   Period   `json:"after"`
	Metrics []Metric `json:"metrics"`
}

// Compare is the compare report: the before/after results on their own.
type Compare struct {
	Header  Header     `json:"header"`
	Summary Summary    `json:"summary"`
	Results Comparison `json:"results"`
}

// BuildCompare assembles the compare report.
func BuildCompare(ctx context.Context, st *store.Store, before, after Span, o Options) (*Compare, error) {
	cmp, err := BuildComparison(ctx, st, before, after)
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
			Title:       fmt.Sprintf("Before %s – %s vs after %s – %s", Stamp(before.From), Stamp(before.To), Stamp(after.From), Stamp(after.To)),
			GeneratedAt: o.Now.UTC(), Version: o.Version, Database: databaseName(st.Path()),
			From: before.From.UTC(), To: after.To.UTC(), Sources: sources,
		},
		Results: *cmp,
	}
	c.Summary = compareSummary(c)
	if err = c.Header.restOn(ctx, st, before.From, after.To); err != nil {
		return nil, err
	}
	return c, nil
}

// BuildComparison measures both spans.
func BuildComparison(ctx context.Context, st *store.Store, before, after Span) (*Comparison, error) {
	all := Span{From: before.From, To: before.To}
	if after.From.Before(all.From) {
		all.From = after.From
	}
	if after.To.After(all.To) {
		all.To = after.To
	}
	ev, err := loadEvidence(ctx, st, all, countsOnly)
	if err != nil {
		return nil, err
	}
	b, err := measure(ctx, st, ev, before)
	if err != nil {
		return nil, fmt.Errorf("measuring the span before: %w", err)
	}
	a, err := measure(ctx, st, ev, after)
	if err != nil {
		return nil, fmt.Errorf("measuring the span after: %w", err)
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
		m := Metric{Name: name, Unit: unit, Before: before, After: after}
		if before != nil && after != nil {
			m.Change, m.Better = change(*before, *after)
		}
		c.Metrics = append(c.Metrics, m)
	}
	neutral := func() { c.Metrics[len(c.Metrics)-1].Better = nil }
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
	return c, nil
}

// change describes after relative to before; lower is better.
func change(before, after float64) (string, *bool) {
	switch {
	case before == after:
		return "same", nil
	case before == 0:
		return fmt.Sprintf("+%s (from 0)", trimFloat(after)), ptr(false)
	}
	pct := 100 * (after - before) / before
	sign := "+"
	if pct < 0 {
		sign = "−"
	}
	return fmt.Sprintf("%s%.0f %%", sign, math.Abs(pct)), ptr(after < before)
}

func trimFloat(f float64) string {
	if f == math.Trunc(f) {
		return fmt.Sprintf("%.0f", f)
	}
	return fmt.Sprintf("%.1f", f)
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
