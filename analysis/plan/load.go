package plan

import (
	"context"
	"embed"
	"fmt"
	"sort"
	"time"

	"github.com/gluelens/gluelens/internal/config"
	"github.com/gluelens/gluelens/internal/store"
)

//go:embed sql/*.sql
var queries embed.FS

func query(name string) string {
	b, err := queries.ReadFile("sql/" + name + ".sql")
	if err != nil {
		panic("plan: missing embedded query " + name)
	}
	return string(b)
}

type boundsRow struct {
	Start *time.Time `db:"evidence_start"`
	End   *time.Time `db:"evidence_end"`
}

type subnetRow struct {
	ID     string  `db:"subnet_id"`
	CIDR   *string `db:"cidr_block"`
	Prefix *int32  `db:"prefix_length"`
	Usable *int32  `db:"usable_ips"`
}

type runRow struct {
	ID           string     `db:"run_id"`
	Job          string     `db:"job_name"`
	Started      time.Time  `db:"started_on"`
	Completed    *time.Time `db:"completed_on"`
	State        *string    `db:"state"`
	Workers      int64      `db:"number_of_workers"`
	FailedForIPs bool       `db:"failed_for_ips"`
	Subnet       *string    `db:"subnet_id"`
}

type holdingRow struct {
	ENI       string     `db:"eni_id"`
	Subnet    string     `db:"subnet_id"`
	Requester *string    `db:"requester"`
	Created   *time.Time `db:"created_at"`
	From      time.Time  `db:"held_from"`
	Until     *time.Time `db:"held_until"`
	IPs       int64      `db:"ip_count"`
	RunID     *string    `db:"job_run_id"`
}

type refusedRow struct {
	At      time.Time `db:"at"`
	Subnet  *string   `db:"subnet_id"`
	EventID *string   `db:"event_id"`
	RunID   *string   `db:"job_run_id"`
}

// LoadDemand reads the recorded demand from the store's views and fills
// in the documented model for runs that failed for lack of IPs. cfg puts
// jobs into categories (nil: the default rule).
func LoadDemand(ctx context.Context, st *store.Store, cfg *config.Config) (*Demand, error) {
	bounds, err := store.Select[boundsRow](ctx, st, query("bounds"))
	if err != nil {
		return nil, fmt.Errorf("loading demand: reading evidence bounds: %w", err)
	}
	subnets, err := store.Select[subnetRow](ctx, st, query("subnets"))
	if err != nil {
		return nil, fmt.Errorf("loading demand: reading subnets: %w", err)
	}
	runs, err := store.Select[runRow](ctx, st, query("runs"))
	if err != nil {
		return nil, fmt.Errorf("loading demand: reading runs: %w", err)
	}
	holdings, err := store.Select[holdingRow](ctx, st, query("holdings"))
	if err != nil {
		return nil, fmt.Errorf("loading demand: reading ENI holdings: %w", err)
	}
	refused, err := store.Select[refusedRow](ctx, st, query("refused"))
	if err != nil {
		return nil, fmt.Errorf("loading demand: reading refused creates: %w", err)
	}
	d := &Demand{Subnets: map[string]SubnetInfo{}}
	if len(bounds) == 1 && bounds[0].Start != nil {
		d.Start, d.End = bounds[0].Start.UTC(), bounds[0].End.UTC()
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
	b := demandBuilder{cfg: cfg, d: d, runs: map[string]*Run{}, rows: map[string]*runRow{}}
	for i := range runs {
		b.addRun(&runs[i])
	}
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
	rows  map[string]*runRow
}

func (b *demandBuilder) addRun(r *runRow) {
	run := &Run{ID: r.ID, Job: r.Job, Category: b.cfg.CategoryOf(r.Job), Start: r.Started.UTC(),
		Workers: int(r.Workers), FailedForIPs: r.FailedForIPs}
	if r.Subnet != nil {
		run.Subnet = *r.Subnet
	}
	if r.Completed != nil {
		run.RecordedEnd = r.Completed.UTC()
		run.Duration = run.RecordedEnd.Sub(run.Start)
	}
	b.order = append(b.order, r.ID)
	b.runs[r.ID] = run
	b.rows[r.ID] = r
}

func (b *demandBuilder) addHolding(h *holdingRow) {
	if h.RunID != nil {
		if run, ok := b.runs[*h.RunID]; ok {
			a := Attempt{ENI: h.ENI, Offset: h.Created.UTC().Sub(run.Start), IPs: int(h.IPs)}
			if h.Until == nil {
				a.Kept = true
			} else {
				// Linger is from the recorded completion; a run still
				// running at the evidence end completes at that end.
				end := run.RecordedEnd
				if end.IsZero() {
					end = b.d.End
				}
				a.Linger = h.Until.UTC().Sub(end)
			}
			run.Subnet = h.Subnet
			run.Attempts = append(run.Attempts, a)
			return
		}
	}
	hold := Hold{ENI: h.ENI, Subnet: h.Subnet, From: h.From.UTC(), IPs: int(h.IPs)}
	if h.Requester != nil {
		hold.Requester = *h.Requester
	}
	if h.Until != nil {
		hold.To = h.Until.UTC()
	}
	b.d.Background = append(b.d.Background, hold)
}

func (b *demandBuilder) addRefused(f *refusedRow) {
	subnet := ""
	if f.Subnet != nil {
		subnet = *f.Subnet
	}
	id := ""
	if f.EventID != nil {
		id = *f.EventID
	}
	if f.RunID != nil {
		if run, ok := b.runs[*f.RunID]; ok {
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
