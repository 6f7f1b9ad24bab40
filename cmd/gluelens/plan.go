package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/analysis/place"
	"github.com/gluelens/gluelens/analysis/plan"
	"github.com/gluelens/gluelens/internal/config"
	"github.com/gluelens/gluelens/internal/shellquote"
	"github.com/gluelens/gluelens/reports"
	"github.com/gluelens/gluelens/reports/words"
)

// configFlag adds --config to a command.
func configFlag(c *cobra.Command, p *string) {
	c.Flags().StringVar(p, "config", "", "gluelens.yaml with job categories and subnet sizes (default: $"+config.EnvVar+", else ./"+config.DefaultFile+" when present)")
}

// loadDemand opens the store and reads the recorded IP demand.
func (f *Factory) loadDemand(ctx context.Context, cfg *config.Config) (*plan.Demand, error) {
	st, err := f.openStore(ctx)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	d, err := plan.LoadDemand(ctx, st, cfg)
	if err != nil {
		return nil, err
	}
	if len(d.Runs) == 0 {
		return nil, fmt.Errorf("no Glue runs with ENIs in %s: ingest CloudTrail and get-job-runs output first", st.Path())
	}
	return d, nil
}

// thresholdFlags are the options of the launch-threshold rule.
type thresholdFlags struct {
	days   int
	buffer string
	until  string         // --until, on the commands that register it (addUntil)
	zone   *time.Location // where an --until without an offset is read (nil: UTC)
}

// addUntil adds --until: the window ends there instead of at the evidence
// end, and only what started before it counts (as a report on a past week
// computes its thresholds).
func (f *thresholdFlags) addUntil(c *cobra.Command) {
	c.Flags().StringVar(&f.until, "until", "", "end the window at `TIME` (RFC 3339 or YYYY-MM-DD) instead of the evidence end; later runs do not count")
}

// demand cuts d at --until (d itself without it).
func (f *thresholdFlags) demand(d *plan.Demand, opt plan.ThresholdOptions) *plan.Demand {
	if opt.End.IsZero() {
		return d
	}
	return d.Before(opt.End)
}

func (f *thresholdFlags) add(c *cobra.Command) {
	c.Flags().IntVar(&f.days, "days", 0, "trailing window in days, ending at the evidence end (default 14, or plan.window_days)")
	c.Flags().StringVar(&f.buffer, "buffer", "", "buffer on top of the largest run: lingering (default), none, or a number of IPs")
}

func (f *thresholdFlags) options(cfg *config.Config, now time.Time) (plan.ThresholdOptions, error) {
	days := f.days
	if days == 0 {
		days = cfg.Plan.WindowDays
	}
	if days == 0 {
		days = 14
	}
	if days < 0 {
		return plan.ThresholdOptions{}, usagef("--days must be positive, got %d", days)
	}
	bufText := f.buffer
	if bufText == "" {
		bufText = cfg.Plan.Buffer
	}
	buf, err := config.ParseBuffer(bufText)
	if err != nil {
		return plan.ThresholdOptions{}, usagef("--buffer: %v", err)
	}
	opt := plan.ThresholdOptions{Window: time.Duration(days) * 24 * time.Hour, Buffer: buf, ComputedAt: now}
	if f.until != "" {
		t, err := parseTimeIn(f.until, f.zone)
		if err != nil {
			return plan.ThresholdOptions{}, usagef("--until: %v", err)
		}
		opt.End = t
	}
	return opt, nil
}

// PlanThresholdsOptions are the options of plan thresholds.
type PlanThresholdsOptions struct {
	f          *Factory
	configPath string
	out        outputFlags
	thr        thresholdFlags
	dynamoOut  string
	table      string
	pub        publishFlags
	// Output is the checked --format, --tz and --wide.
	Output reports.Output
}

// PlanSubnetsOptions are the options of plan subnets.
type PlanSubnetsOptions struct {
	f          *Factory
	configPath string
	out        outputFlags
	split      string
	headroom   string
	cidrs      []string
	gate       string
	thr        thresholdFlags
	Output     reports.Output
}

// NewCmdPlan builds the plan command group.
func NewCmdPlan(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "plan",
		Short: "Capacity planning from the recorded history: launch thresholds and subnet sizes",
	}
	c.AddCommand(NewCmdPlanThresholds(f, nil), NewCmdPlanSubnets(f, nil))
	return c
}

// NewCmdPlanThresholds builds plan thresholds.
func NewCmdPlanThresholds(f *Factory, runF func(*PlanThresholdsOptions) error) *cobra.Command {
	o := &PlanThresholdsOptions{f: f}
	c := &cobra.Command{
		Use:   "thresholds",
		Short: "Per category: runs, ENIs per run, linger, peak, and the free IPs a run needs before it may launch",
		Long: `For each job category, over the trailing --days window: runs, ENIs per run (max, p95), linger
after the run (p50, p95, max), the category's peak of concurrent ENIs, and the launch threshold:
a run may start only when its subnet has at least threshold free IPs, where
threshold = most IPs one run of the category asked for + buffer. The lingering buffer is the most
IPs the category's own ENIs still held after their run had completed, seen at any launch of the
category in the window (see docs/planning.md). --dynamodb-out writes BatchWriteItem request files;
--publish dynamodb://TABLE writes the thresholds to the table with conditional writes, so that a plan
from older evidence never replaces a newer one (see docs/launch-gate.md).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if o.Output, err = o.out.check(); err != nil {
				return err
			}
			o.thr.zone = o.Output.TZ
			if err := o.pub.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return runPlanThresholds(cmd.Context(), f, o)
		},
	}
	f.addDBFlag(c)
	configFlag(c, &o.configPath)
	o.out.add(c, listFormats...)
	o.out.addDisplay(c)
	o.thr.add(c)
	o.thr.addUntil(c)
	c.Flags().StringVar(&o.dynamoOut, "dynamodb-out", "", "write the thresholds as input for aws dynamodb batch-write-item --request-items file://`FILE` (25 items per file: FILE, FILE-2, ...)")
	c.Flags().StringVar(&o.table, "dynamodb-table", defaultThresholdTable, "DynamoDB table named in --dynamodb-out")
	o.pub.add(c)
	return c
}

func runPlanThresholds(ctx context.Context, f *Factory, o *PlanThresholdsOptions) error {
	cfg, err := config.Resolve(o.configPath)
	if err != nil {
		return err
	}
	opt, err := o.thr.options(cfg, f.now())
	if err != nil {
		return err
	}
	d, err := f.loadDemand(ctx, cfg)
	if err != nil {
		return err
	}
	ts := plan.Thresholds(o.thr.demand(d, opt), opt)
	if o.pub.target != "" {
		if err := publishThresholds(ctx, f, &o.pub, ts); err != nil || o.pub.dryRun {
			return err
		}
	}
	if o.dynamoOut != "" {
		files, err := plan.WriteDynamoDB(o.dynamoOut, o.table, ts, words.ThresholdRule)
		if err != nil {
			return err
		}
		for _, file := range files {
			fmt.Fprintf(f.errOut, "wrote %s (%s)\n", file, shellquote.Join("aws", "dynamodb", "batch-write-item", "--request-items", "file://"+file))
		}
	}
	return o.out.write(f, func(w io.Writer) error { return o.Output.Write(w, ts) })
}

// NewCmdPlanSubnets builds plan subnets.
func NewCmdPlanSubnets(f *Factory, runF func(*PlanSubnetsOptions) error) *cobra.Command {
	o := &PlanSubnetsOptions{f: f}
	c := &cobra.Command{
		Use:   "subnets",
		Short: "Size the subnets of a proposed split by category, and count the failures it would have avoided",
		Long: `Per proposed subnet: the peak concurrent IPs its categories needed including linger (recorded, and
replayed with unlimited IPs so runs that failed for lack of IPs count what they needed), the smallest
prefix whose usable IPs (2^(32-p) - 5) hold peak x (1 + headroom), and the failures the split avoids
when the recorded demand is replayed against it. The split comes from --split
"critical=ingest-*,transform-*;adhoc=export-*" (patterns match category or job names) or from the
categories' subnet: entries in gluelens.yaml. With --gate thresholds the split is also replayed with the
launch gate (thresholds as plan thresholds computes them, with --days and --buffer), and a subnet
whose runs the gate held back is widened, up to three prefixes, to the smallest size at which none
waits (a size forced with --cidr stays); the GATE section says what the gate did at the demand sizes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if o.Output, err = o.out.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return runPlanSubnets(cmd.Context(), f, o)
		},
	}
	f.addDBFlag(c)
	configFlag(c, &o.configPath)
	o.out.add(c, listFormats...)
	o.out.addDisplay(c)
	c.Flags().StringVar(&o.split, "split", "", `proposed subnets: "NAME=PATTERN,PATTERN;NAME=PATTERN" (default: the config's category subnets)`)
	c.Flags().StringVar(&o.headroom, "headroom", "", "spare capacity on top of the peak (default 25%, or plan.headroom)")
	c.Flags().StringArrayVar(&o.cidrs, "cidr", nil, "force a size for a proposed subnet: NAME=/26 (repeatable)")
	c.Flags().StringVar(&o.gate, "gate", "none", "size for a launch gate too: none, or thresholds")
	o.thr.add(c)
	return c
}

// splitGroups resolves a --split value: "" means none, "config" the
// categories' subnet: entries in gluelens.yaml, anything else the
// NAME=PATTERN,...;NAME=... form.
func splitGroups(text string, cfg *config.Config) ([]plan.SplitGroup, error) {
	switch text {
	case "":
		return nil, nil
	case "config":
		layout := cfg.Split()
		if len(layout) == 0 {
			return nil, usagef("no split: give --split \"NAME=PATTERN,...;NAME=...\" or set subnet: on categories in gluelens.yaml")
		}
		names := make([]string, 0, len(layout))
		for n := range layout {
			names = append(names, n)
		}
		sort.Strings(names)
		groups := make([]plan.SplitGroup, len(names))
		for i, n := range names {
			groups[i] = plan.SplitGroup{Subnet: n, Patterns: layout[n]}
		}
		return groups, nil
	}
	g, err := plan.ParseSplit(text)
	if err != nil {
		return nil, usagef("--split: %v", err)
	}
	return g, nil
}

// prefixFlags reads NAME=/26 pairs on top of the config's subnets: map.
func prefixFlags(pairs []string, cfg *config.Config) (map[string]int, error) {
	out := map[string]int{}
	for name, size := range cfg.Subnets {
		p, err := config.ParsePrefix(size)
		if err != nil {
			return nil, fmt.Errorf("config subnets.%s: %w", name, err)
		}
		out[name] = p
	}
	for _, pair := range pairs {
		name, size, ok := strings.Cut(pair, "=")
		if !ok || strings.TrimSpace(name) == "" {
			return nil, usagef("--cidr %q: want SUBNET=/PREFIX", pair)
		}
		p, err := config.ParsePrefix(size)
		if err != nil {
			return nil, usagef("--cidr %q: %v", pair, err)
		}
		out[strings.TrimSpace(name)] = p
	}
	return out, nil
}

func headroomOf(text string, cfg *config.Config) (float64, error) {
	if text == "" {
		text = cfg.Plan.Headroom
	}
	if text == "" {
		return 0.25, nil
	}
	h, err := config.ParsePercent(text)
	if err != nil {
		return 0, usagef("--headroom: %v", err)
	}
	return h, nil
}

func runPlanSubnets(ctx context.Context, f *Factory, o *PlanSubnetsOptions) error {
	cfg, err := config.Resolve(o.configPath)
	if err != nil {
		return err
	}
	if o.split == "" {
		o.split = "config"
	}
	groups, err := splitGroups(o.split, cfg)
	if err != nil {
		return err
	}
	headroom, err := headroomOf(o.headroom, cfg)
	if err != nil {
		return err
	}
	forced, err := prefixFlags(o.cidrs, &config.Config{})
	if err != nil {
		return err
	}
	d, err := f.loadDemand(ctx, cfg)
	if err != nil {
		return err
	}
	var p *plan.SubnetPlan
	switch o.gate {
	case "none", "":
		p, err = plan.ProposeSubnets(d, groups, headroom, forced)
	case "thresholds":
		opt, oerr := o.thr.options(cfg, f.now())
		if oerr != nil {
			return oerr
		}
		p, err = plan.ProposeSubnetsForGate(d, groups, headroom, forced, plan.GateOf(plan.Thresholds(d, opt)))
	default:
		return usagef("--gate %q: want none or thresholds", o.gate)
	}
	if err != nil {
		return err
	}
	placed, err := f.placeSubnets(ctx, d, p.Proposals)
	if err != nil {
		return err
	}
	return o.out.write(f, func(w io.Writer) error {
		return o.Output.Write(w, reports.SubnetPlan{Plan: p, Headroom: headroom, Placements: placed})
	})
}

// placeSubnets names a free block for each proposed subnet and the lines
// that apply it (analysis/place).
func (f *Factory) placeSubnets(ctx context.Context, d *plan.Demand, props []plan.SubnetProposal) ([]place.Placement, error) {
	st, err := f.openStore(ctx)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	n, err := place.Load(ctx, st)
	if err != nil {
		return nil, err
	}
	return place.Place(n, d, props), nil
}
