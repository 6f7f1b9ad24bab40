package plan

import (
	"context"
	"embed"
	"fmt"
	"sort"
	"time"

	"github.com/gluelens/gluelens/analysis/facts"
	"github.com/gluelens/gluelens/internal/config"
	"github.com/gluelens/gluelens/internal/store"
)

//go:embed sql/*.sql
var sqlFiles embed.FS

var query = store.NewQueries(sqlFiles, "plan").SQL

// LoadDemand reads the recorded demand through the facts reader and fills
// in the documented model for runs that failed for lack of IPs. cfg puts
// jobs into categories (nil: the default rule).
func LoadDemand(ctx context.Context, st *store.Store, cfg *config.Config) (*Demand, error) {
	bounds, err := facts.ReadBounds(ctx, st)
	if err != nil {
		return nil, fmt.Errorf("loading demand: %w", err)
	}
	subnets, err := facts.Subnets(ctx, st)
	if err != nil {
		return nil, fmt.Errorf("loading demand: %w", err)
	}
	runs, err := facts.Runs(ctx, st, facts.Window{})
	if err != nil {
		return nil, fmt.Errorf("loading demand: %w", err)
	}
	holdings, err := facts.Holdings(ctx, st, facts.Window{}, "")
	if err != nil {
		return nil, fmt.Errorf("loading demand: %w", err)
	}
	refused, err := facts.RefusedCreates(ctx, st, facts.Window{})
	if err != nil {
		return nil, fmt.Errorf("loading demand: %w", err)
	}
	d := &Demand{Subnets: map[string]SubnetInfo{}}
	if bounds.EvidenceStart != nil && bounds.EvidenceEnd != nil {
		d.Start, d.End = bounds.EvidenceStart.UTC(), bounds.EvidenceEnd.UTC()
	}
	for _, s := range subnets {
		info := SubnetInfo{ID: s.ID}
		if s.CIDR != nil {
			info.CIDR = *s.CIDR
		}
		if s.Prefix != nil && *s.Prefix > 0 {
			info.Prefix = int(*s.Prefix)
			info.Usable = UsableIPs(info.Prefix)
		} else if s.Usable != nil {
			info.Usable = int(*s.Usable)
		}
		d.Subnets[s.ID] = info
	}
	b := demandBuilder{cfg: cfg, d: d, runs: map[string]*Run{}, rows: map[string]*facts.Run{}}
	for i := range runs {
		// The replay needs a start and a job to put a run in a category.
		if runs[i].StartedOn != nil && runs[i].JobName != nil {
			b.addRun(&runs[i])
		}
	}
	// Background holds go in the order they began.
	sort.SliceStable(holdings, func(i, j int) bool {
		a, c := holdings[i], holdings[j]
		if !a.HeldFrom.Equal(c.HeldFrom) {
			return a.HeldFrom.Before(c.HeldFrom)
		}
		return a.ENIID < c.ENIID
	})
	for i := range holdings {
		b.addHolding(&holdings[i])
	}
	for i := range refused {
		b.addRefused(&refused[i])
	}
	b.finish()
	return d, nil
}

type demandBuilder struct {
	cfg   *config.Config
	d     *Demand
	order []string
	runs  map[string]*Run
	rows  map[string]*facts.Run
}

func (b *demandBuilder) addRun(r *facts.Run) {
	job := *r.JobName
	run := &Run{ID: r.RunID, Job: job, Category: b.cfg.CategoryOf(job), Start: r.StartedOn.UTC(),
		Workers: int(r.Workers), FailedForIPs: r.FailedForIPs}
	if r.SubnetID != nil {
		run.Subnet = *r.SubnetID
	}
	if r.CompletedOn != nil {
		run.RecordedEnd = r.CompletedOn.UTC()
		run.Duration = run.RecordedEnd.Sub(run.Start)
	}
	b.order = append(b.order, r.RunID)
	b.runs[r.RunID] = run
	b.rows[r.RunID] = r
}

// addHolding makes an ENI one of its run's attempts when it was attributed
// to a run and its create is in the evidence; other ENIs (non-Glue,
// pre-existing, unattributed Glue ENIs) are background for the replay.
func (b *demandBuilder) addHolding(h *facts.Holding) {
	if h.JobRunID != nil && h.CreatedAt != nil {
		if run, ok := b.runs[*h.JobRunID]; ok {
			a := Attempt{ENI: h.ENIID, Offset: h.CreatedAt.UTC().Sub(run.Start), IPs: int(h.IPCount)}
			if h.HeldUntil == nil {
				a.Kept = true
			} else {
				// Linger is from the recorded completion; a run still
				// running at the evidence end completes at that end.
				end := run.RecordedEnd
				if end.IsZero() {
					end = b.d.End
				}
				a.Linger = h.HeldUntil.UTC().Sub(end)
			}
			run.Subnet = h.SubnetID
			run.Attempts = append(run.Attempts, a)
			return
		}
	}
	hold := Hold{ENI: h.ENIID, Subnet: h.SubnetID, From: h.HeldFrom.UTC(), IPs: int(h.IPCount)}
	if h.Requester != nil {
		hold.Requester = *h.Requester
	}
	if h.HeldUntil != nil {
		hold.To = h.HeldUntil.UTC()
	}
	b.d.Background = append(b.d.Background, hold)
}

func (b *demandBuilder) addRefused(f *facts.Refused) {
	subnet := ""
	if f.SubnetID != nil {
		subnet = *f.SubnetID
	}
	id := ""
	if f.EventID != nil {
		id = *f.EventID
	}
	if f.JobRunID != nil {
		if run, ok := b.runs[*f.JobRunID]; ok {
			run.Attempts = append(run.Attempts, Attempt{EventID: id, Offset: f.At.UTC().Sub(run.Start), IPs: 1, Refused: true})
			run.FailedForIPs = true
			if subnet != "" {
				run.Subnet = subnet
			}
			return
		}
	}
	if subnet != "" {
		b.d.Probes = append(b.d.Probes, Probe{EventID: id, Subnet: subnet, At: f.At.UTC(), IPs: 1})
	}
}

// finish fills the model for runs that failed for lack of IPs and keeps
// the runs that drew IPs from a known subnet.
//
// The model: such a run would have created NumberOfWorkers ENIs (at least
// the attempts recorded); the ones it never asked for are created at the
// offset of its first refused create (at its start when none is
// recorded); it would have run for the median duration of its job's
// successful runs, and its ENIs would have lingered for the median linger
// of those runs' ENIs — falling back to the category's, then all runs'
// medians. Its recorded refusal still ends it in any replay where the
// create is refused again: it completes FailAfter (its own CompletedOn −
// first refusal) later.
func (b *demandBuilder) finish() {
	durJob, durCat, durAll := map[string][]time.Duration{}, map[string][]time.Duration{}, []time.Duration(nil)
	linJob, linCat, linAll := map[string][]time.Duration{}, map[string][]time.Duration{}, []time.Duration(nil)
	var failAfter []time.Duration
	for _, id := range b.order {
		run := b.runs[id]
		sort.SliceStable(run.Attempts, func(i, j int) bool { return run.Attempts[i].Offset < run.Attempts[j].Offset })
		row := b.rows[id]
		if run.FailedForIPs || run.RecordedEnd.IsZero() || row.State == nil || *row.State != "SUCCEEDED" || len(run.Attempts) == 0 {
			continue
		}
		durJob[run.Job] = append(durJob[run.Job], run.Duration)
		durCat[run.Category] = append(durCat[run.Category], run.Duration)
		durAll = append(durAll, run.Duration)
		for _, a := range run.Attempts {
			if !a.Kept {
				linJob[run.Job] = append(linJob[run.Job], a.Linger)
				linCat[run.Category] = append(linCat[run.Category], a.Linger)
				linAll = append(linAll, a.Linger)
			}
		}
	}
	pick := func(job, cat string, byJob, byCat map[string][]time.Duration, all []time.Duration) time.Duration {
		for _, xs := range [][]time.Duration{byJob[job], byCat[cat], all} {
			if m, ok := medianDuration(xs); ok {
				return m
			}
		}
		return 0
	}
	for _, id := range b.order {
		run := b.runs[id]
		if !run.RecordedEnd.IsZero() && run.Duration < 0 {
			run.Duration = 0
		}
		if run.RecordedEnd.IsZero() {
			run.Duration = max(0, b.d.End.Sub(run.Start))
		}
		if run.FailedForIPs {
			b.model(run, pick(run.Job, run.Category, durJob, durCat, durAll), pick(run.Job, run.Category, linJob, linCat, linAll))
			if run.FailAfter > 0 {
				failAfter = append(failAfter, run.FailAfter)
			}
		}
		if run.Subnet == "" || len(run.Attempts) == 0 {
			continue
		}
		b.d.Runs = append(b.d.Runs, *run)
	}
	if m, ok := medianDuration(failAfter); ok {
		b.d.FailAfter = m
	}
}

func (b *demandBuilder) model(run *Run, dur, linger time.Duration) {
	run.Modelled = true
	firstRefused := time.Duration(-1)
	for _, a := range run.Attempts {
		if a.Refused {
			firstRefused = a.Offset
			break
		}
	}
	if firstRefused >= 0 && !run.RecordedEnd.IsZero() {
		run.FailAfter = max(0, run.RecordedEnd.Sub(run.Start.Add(firstRefused)))
	}
	for i := range run.Attempts {
		if run.Attempts[i].Refused {
			run.Attempts[i].Linger = linger
		}
	}
	offset := max(firstRefused, 0)
	for n := len(run.Attempts); n < run.Workers; n++ {
		run.Attempts = append(run.Attempts, Attempt{Offset: offset, IPs: 1, Linger: linger, Modelled: true})
	}
	sort.SliceStable(run.Attempts, func(i, j int) bool {
		ai, aj := run.Attempts[i], run.Attempts[j]
		if ai.Offset != aj.Offset {
			return ai.Offset < aj.Offset
		}
		return !ai.Modelled && aj.Modelled
	})
	if dur > 0 {
		run.Duration = dur
	}
}
