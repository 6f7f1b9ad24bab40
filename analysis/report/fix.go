package report

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gluelens/gluelens/analysis/place"
	"github.com/gluelens/gluelens/analysis/plan"
	"github.com/gluelens/gluelens/analysis/spark"
	"github.com/gluelens/gluelens/internal/config"
	"github.com/gluelens/gluelens/internal/shellquote"
	"github.com/gluelens/gluelens/internal/store"
)

// UnavailableSparkNoLog is the advice a fix section cannot give when a run
// lost to a full disk has no Spark event log in the database: the Spark
// disk advice needs one.
const UnavailableSparkNoLog = "spark_no_log"

// sparkAdvice turns analysis/spark's recommendations for one application
// into advice; label prefixes the titles when several apps are advised.
// The usable disk is the worker_disk of the job's category in cfg, else AWS's.
func sparkAdvice(ctx context.Context, st *store.Store, cfg *config.Config, appID, attemptID, label string) ([]Advice, error) {
	a, err := spark.Advise(ctx, st, spark.AppRef{AppID: appID, AttemptID: attemptID}, spark.DiskOptions{Config: cfg})
	if err != nil {
		return nil, fmt.Errorf("advising on %s: %w", appID, err)
	}
	var out []Advice
	for i := range a.Recommendations {
		r := &a.Recommendations[i]
		out = append(out, Advice{Area: "spark", Config: r.Paste, Spark: &SparkCard{Label: label, Rec: r}})
	}
	if len(a.GlueArguments) > 0 && len(a.Recommendations) > 1 {
		line, err := mergedArguments(a.GlueJobName, a.GlueArguments)
		if err != nil {
			return nil, err
		}
		out = append(out, Advice{Area: "spark", Config: line, Spark: &SparkCard{Label: label}})
	}
	return out, nil
}

// mergedArguments renders the merged Glue arguments three ways: each
// key with its one value, the same as --default-arguments JSON (for
// aws glue create-job, or DefaultArguments in update-job's --job-update),
// and an aws glue start-job-run line that tries them on one run. The JSON
// comes from the encoder and every shell word is quoted, since the job
// name and values come from the evidence.
func mergedArguments(job string, args []spark.GlueArgument) (string, error) {
	m := map[string]string{}
	var lines []string
	for _, g := range args {
		m[g.Key] = g.Value
		lines = append(lines, "# "+g.Key+" = "+g.Value)
	}
	js, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("encoding the Glue arguments: %w", err)
	}
	lines = append(lines, "--default-arguments "+shellquote.Quote(string(js)))
	if job == "" {
		job = "JOB_NAME"
	}
	lines = append(lines, shellquote.Join("aws", "glue", "start-job-run", "--job-name", job, "--arguments", string(js)))
	return strings.Join(lines, "\n"), nil
}

// pendingDemand is the recorded IP demand being read in the background
// while a report reads its own evidence: both wait on the ENI views.
// net is the network the advised subnets are placed in (nil: not read).
type pendingDemand struct {
	done chan struct{}
	d    *plan.Demand
	net  *place.Network
	err  error
}

func loadDemand(ctx context.Context, st *store.Store, o Options) *pendingDemand {
	p := &pendingDemand{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		if p.d, p.err = plan.LoadDemand(ctx, st, o.Config); p.err != nil {
			return
		}
		p.net, p.err = place.Load(ctx, st)
	}()
	return p
}

func (p *pendingDemand) wait() (*plan.Demand, error) {
	<-p.done
	return p.d, p.err
}

// ipAdvice builds the subnet-split and launch-threshold advice for the
// categories whose runs used one of subnets (those the report found in
// trouble): a category alone in a roomy subnet of its own is not told to
// move.
//
// When asOf is set the advice comes from the runs that started before it:
// a capacity report on a past week, or an incident report whose --after
// names the weeks after a fix, then reads the same when later evidence is
// added to the database, and a fix's own weeks do not feed the thresholds
// that should have prevented the failure. Zero asOf takes every run.
func ipAdvice(pd *pendingDemand, subnets map[string]bool, asOf time.Time, o Options) ([]Advice, error) {
	d, err := pd.wait()
	if err != nil {
		return nil, err
	}
	if !asOf.IsZero() {
		d = d.Before(asOf)
	}
	cats := map[string]bool{}
	for _, r := range d.Runs {
		if subnets[r.Subnet] {
			cats[r.Category] = true
		}
	}
	if len(cats) == 0 {
		return nil, nil
	}
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
	ts := plan.Thresholds(d, thresholdOptions(asOf, o))
	gate := plan.GateOf(ts)
	out, split, err := subnetAdvice(d, pd.net, groups, subnets, headroom, gate)
	if err != nil {
		return nil, err
	}

	gated, err := plan.Replay(d, plan.Alternative{Gate: gate})
	if err != nil {
		return nil, fmt.Errorf("replaying with launch thresholds: %w", err)
	}
	recorded, err := plan.Replay(d, plan.Alternative{})
	if err != nil {
		return nil, fmt.Errorf("replaying the recorded layout: %w", err)
	}
	replay := &GateReplay{Recorded: len(recorded.Failures), Gated: outcome(gated)}
	if split != nil {
		// The advice is the subnets and the gate together: replay both. The
		// gate alone on the recorded layout says why the subnets come first.
		both := *split
		both.Gate = gate
		fixed, err := plan.Replay(d, both)
		if err != nil {
			return nil, fmt.Errorf("replaying the advised subnets with launch thresholds: %w", err)
		}
		replay.Split = ptr(outcome(fixed))
	}
	// The replay speaks for the thresholds together: it is said once, on
	// the first of them.
	for _, t := range ts {
		if !cats[t.Category] {
			continue
		}
		out = append(out, Advice{
			Area:   "launch",
			Config: launchLines(thresholdTable, t.Category, asOf, d.End),
			Launch: &LaunchCard{Category: t.Category, Threshold: t.Threshold, Basis: t, Replay: replay},
		})
		replay = nil
	}
	return out, nil
}

func outcome(r *plan.ReplayResult) ReplayOutcome {
	return ReplayOutcome{RefusedCreates: len(r.Failures), Delays: r.GateDelays}
}

// thresholdOptions are the launch-threshold options of the report: the
// lingering buffer and 14 days unless gluelens.yaml says otherwise, the
// window ending at asOf.
func thresholdOptions(asOf time.Time, o Options) plan.ThresholdOptions {
	topt := plan.ThresholdOptions{Buffer: -1, ComputedAt: o.Now, End: asOf}
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
	return topt
}

// subnetAdvice sizes a subnet per group for the launch gate the report
// also advises (plan.ProposeSubnetsForGate: peak need, linger included,
// plus headroom, widened where the gate would hold runs back) and returns
// the advice with the layout it advises (nil when it advises none). A
// single group has nothing to split: it is advised only when its subnet
// refused creates or is smaller than its size. With net each subnet is
// placed (analysis/place): a free block named, and the lines that apply it.
func subnetAdvice(d *plan.Demand, net *place.Network, groups []plan.SplitGroup, subnets map[string]bool, headroom float64, gate map[string]int) ([]Advice, *plan.Alternative, error) {
	if len(groups) == 0 {
		return nil, nil, nil
	}
	sp, err := plan.ProposeSubnetsForGate(d, groups, headroom, nil, gate)
	if err != nil {
		return nil, nil, fmt.Errorf("sizing the subnet split: %w", err)
	}
	var cur plan.SubnetInfo // with a single group: the subnet it is in now
	if len(groups) == 1 {
		p := sp.Proposals[0]
		cur = largestUsed(d, subnets, p.Categories)
		if p.RecordedFailures == 0 && p.UsableIPs <= cur.Usable {
			return nil, nil, nil
		}
	}
	fits := map[string]plan.GateFit{}
	for _, f := range sp.GateFits {
		fits[f.Subnet] = f
	}
	var placed []place.Placement
	if net != nil {
		placed = place.Place(net, d, sp.Proposals)
	}
	var out []Advice
	for i, p := range sp.Proposals {
		c := &SubnetCard{Proposal: p, Fit: fits[p.Subnet], Alone: len(groups) == 1, Current: cur}
		if c.Fit.RunsWaited > 0 && c.Fit.FitPrefix == 0 {
			c.WidestTried = max(plan.MinPrefix, c.Fit.DemandPrefix-plan.MaxWiden)
		}
		c.SizedFrom, c.SizedTo = sizedFrom(d, p)
		a := Advice{Area: "subnet", Config: p.Config, Subnet: c}
		if placed != nil {
			a.Placement = &placed[i]
		}
		out = append(out, a)
	}
	layout := sp.Layout()
	return out, &layout, nil
}

// sizedFrom bounds the starts of the runs a proposal's size comes from:
// every report sizes by the same rule (plan.ProposeSubnetsForGate), from
// the runs its evidence holds up to its end, so two reports over different
// runs (an incident's day and a capacity report's week) can advise
// different sizes for one category.
func sizedFrom(d *plan.Demand, p plan.SubnetProposal) (from, to time.Time) {
	for i := range d.Runs {
		r := &d.Runs[i]
		if !slices.Contains(p.Categories, r.Category) {
			continue
		}
		if from.IsZero() || r.Start.Before(from) {
			from = r.Start
		}
		if r.Start.After(to) {
			to = r.Start
		}
	}
	return from, to
}

// largestUsed returns the largest of subnets that runs of cats used (its
// usable IPs 0 when its size is unknown).
func largestUsed(d *plan.Demand, subnets map[string]bool, cats []string) plan.SubnetInfo {
	var best plan.SubnetInfo
	for _, r := range d.Runs {
		if !subnets[r.Subnet] || !slices.Contains(cats, r.Category) {
			continue
		}
		if info := d.Subnets[r.Subnet]; best.ID == "" || info.Usable > best.Usable {
			best = info
			best.ID = r.Subnet
		}
	}
	return best
}

// launchLines are the pasteable command lines that put a category's
// threshold to work: publish the thresholds to DynamoDB (cut at asOf, the
// report's end, when the evidence goes on after it, so the published
// threshold is the advised one) and ask the launch gate before each run
// (docs/launch-gate.md). Every word is shell-quoted: the category comes from
// job names in the evidence.
func launchLines(table, category string, asOf, evidenceEnd time.Time) string {
	publish := []string{"gluelens", "plan", "thresholds"}
	if !asOf.IsZero() && asOf.Before(evidenceEnd) {
		publish = append(publish, "--until", asOf.UTC().Format(time.RFC3339))
	}
	publish = append(publish, "--publish", "dynamodb://"+table, "--create-table")
	gate := []string{"gluelens", "gate", "--category=" + category, "--thresholds", "dynamodb://" + table}
	return shellquote.Join(publish...) + "\n" + shellquote.Join(gate...)
}

// thresholdTable is the DynamoDB table `gluelens plan thresholds
// --publish` writes in the advice (and --dynamodb-out names by default).
const thresholdTable = "gluelens-launch-thresholds"

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

// incidentFix gathers the advice for the incident's failure class; the IP
// advice comes from the runs that started before asOf (zero: every run).
func incidentFix(ctx context.Context, st *store.Store, pd *pendingDemand, inc *Incident, asOf time.Time, o Options) (Fix, error) {
	var f Fix
	if inc.IP != nil {
		adv, err := ipAdvice(pd, map[string]bool{inc.IP.SubnetID: true}, asOf, o)
		if err != nil {
			return f, err
		}
		f.Advice = append(f.Advice, adv...)
	}
	if d := inc.Disk; d != nil {
		if d.AppID == "" {
			f.Unavailable = append(f.Unavailable, UnavailableSparkNoLog)
		} else {
			adv, err := sparkAdvice(ctx, st, o.Config, d.AppID, d.AttemptID, "")
			if err != nil {
				return f, err
			}
			f.Advice = append(f.Advice, adv...)
		}
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
