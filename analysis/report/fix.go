package report

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/gluelens/gluelens/analysis/plan"
	"github.com/gluelens/gluelens/internal/config"
	"github.com/gluelens/gluelens/internal/store"
)

// sparkAdviceUnavailable is what the fix section says about disk advice:
// this build has no Spark advice analysis to take it from.
const sparkAdviceUnavailable = "Spark disk advice (shuffle partitions, ZSTD codec, AQE, worker type): this build has no Spark advice analysis, so none is given."

// ipAdvice builds the subnet-split and launch-threshold advice for the
// categories whose runs use subnet ("" = every subnet with failures).
func ipAdvice(ctx context.Context, st *store.Store, subnet string, o Options) ([]Advice, error) {
	d, err := plan.LoadDemand(ctx, st, o.Config)
	if err != nil {
		return nil, err
	}
	cats := map[string]bool{}
	for _, r := range d.Runs {
		if subnet == "" || r.Subnet == subnet {
			cats[r.Category] = true
		}
	}
	if len(cats) == 0 {
		return nil, nil
	}
	var out []Advice

	groups := configuredSplit(o.Config)
	if len(groups) == 0 {
		names := make([]string, 0, len(cats))
		for c := range cats {
			names = append(names, c)
		}
		sort.Strings(names)
		for _, c := range names {
			groups = append(groups, plan.SplitGroup{Subnet: "glue-" + c, Patterns: []string{c}})
		}
	}
	headroom := 0.25
	if o.Config != nil && o.Config.Plan.Headroom != "" {
		if h, err := config.ParsePercent(o.Config.Plan.Headroom); err == nil {
			headroom = h
		}
	}
	if len(groups) > 1 {
		sp, err := plan.ProposeSubnets(d, groups, headroom, nil)
		if err != nil {
			return nil, fmt.Errorf("sizing the subnet split: %w", err)
		}
		for _, p := range sp.Proposals {
			out = append(out, Advice{
				Area:  "subnet",
				Title: fmt.Sprintf("Move %s to their own subnet %s (%s, %d usable IPs)", strings.Join(p.Categories, ", "), p.Subnet, p.CIDR, p.UsableIPs),
				Detail: fmt.Sprintf("Their runs needed at most %d IPs at once, linger included (%d recorded); with %.0f %% headroom that is %d IPs, and %s holds %d. A blast radius of one category: a burst of one no longer starves the others.",
					p.PeakNeededIPs, p.PeakRecordedIPs, p.HeadroomPct, p.NeedIPs, p.CIDR, p.UsableIPs),
				Config:   p.Config,
				Evidence: fmt.Sprintf("replay of the recorded runs at this size: %d of %d refused creates avoided, peak %d IPs in use", p.FailuresAvoided, p.RecordedFailures, p.ReplayPeakInUse),
			})
		}
	}

	topt := plan.ThresholdOptions{Buffer: -1, ComputedAt: o.Now}
	if o.Config != nil {
		if o.Config.Plan.WindowDays > 0 {
			topt.Window = durationDays(o.Config.Plan.WindowDays)
		}
		if o.Config.Plan.Buffer != "" {
			if b, err := config.ParseBuffer(o.Config.Plan.Buffer); err == nil {
				topt.Buffer = b
			}
		}
	}
	ts := plan.Thresholds(d, topt)
	gate, err := plan.Replay(d, plan.Alternative{Gate: plan.GateOf(ts)})
	if err != nil {
		return nil, fmt.Errorf("replaying with launch thresholds: %w", err)
	}
	recorded, err := plan.Replay(d, plan.Alternative{})
	if err != nil {
		return nil, fmt.Errorf("replaying the recorded layout: %w", err)
	}
	gateEvidence := fmt.Sprintf("replay with every category gated: %d refused creates (recorded layout: %d)", len(gate.Failures), len(recorded.Failures))
	if g := gate.GateDelays; g != nil {
		gateEvidence += fmt.Sprintf("; %d of %d gated runs delayed, p50 %.1f min, p95 %.1f min, max %.1f min",
			g.RunsDelayed, g.RunsGated, g.DelayP50Min, g.DelayP95Min, g.DelayMaxMin)
	}
	for _, t := range ts {
		if !cats[t.Category] {
			continue
		}
		item, err := json.Marshal(plan.DynamoDBItem(t))
		if err != nil {
			return nil, err
		}
		out = append(out, Advice{
			Area:     "launch",
			Title:    fmt.Sprintf("Hold %s runs until %d IPs are free", t.Category, t.Threshold),
			Detail:   upperFirst(t.Rule) + ".",
			Config:   string(item),
			Evidence: gateEvidence,
		})
	}
	return out, nil
}

func configuredSplit(cfg *config.Config) []plan.SplitGroup {
	layout := cfg.Split()
	names := make([]string, 0, len(layout))
	for n := range layout {
		names = append(names, n)
	}
	sort.Strings(names)
	var groups []plan.SplitGroup
	for _, n := range names {
		groups = append(groups, plan.SplitGroup{Subnet: n, Patterns: layout[n]})
	}
	return groups
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// incidentFix gathers the advice for the incident's failure class.
func incidentFix(ctx context.Context, st *store.Store, inc *Incident, o Options) (Fix, error) {
	var f Fix
	if inc.IP != nil {
		adv, err := ipAdvice(ctx, st, inc.IP.SubnetID, o)
		if err != nil {
			return f, err
		}
		f.Advice = append(f.Advice, adv...)
	}
	if inc.Disk != nil {
		f.Unavailable = append(f.Unavailable, sparkAdviceUnavailable)
	}
	rank(f.Advice)
	return f, nil
}

// rank numbers advice in order: subnet split, launch gates, Spark.
func rank(a []Advice) {
	order := map[string]int{"subnet": 0, "launch": 1, "spark": 2}
	sort.SliceStable(a, func(i, j int) bool { return order[a[i].Area] < order[a[j].Area] })
	for i := range a {
		a[i].Rank = i + 1
	}
}
