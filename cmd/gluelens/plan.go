package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/analysis/plan"
	"github.com/gluelens/gluelens/internal/config"
	"github.com/gluelens/gluelens/internal/shellquote"
	"github.com/gluelens/gluelens/reports"
)

// configFlag adds --config to a command.
func configFlag(c *cobra.Command, p *string) {
	c.Flags().StringVar(p, "config", "", "gluelens.yaml with job categories and subnet sizes (default: $"+config.EnvVar+", else ./"+config.DefaultFile+" when present)")
}

// loadDemand opens the store and reads the recorded IP demand.
func (a *app) loadDemand(ctx context.Context, cfg *config.Config) (*plan.Demand, error) {
	st, err := a.openStore(ctx)
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
	until  string // --until, on the commands that register it (addUntil)
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
		t, err := parseTime(f.until)
		if err != nil {
			return plan.ThresholdOptions{}, usagef("--until: %v", err)
		}
		opt.End = t
	}
	return opt, nil
}

type planThresholdsOptions struct {
	configPath string
	out        outputFlags
	thr        thresholdFlags
	dynamoOut  string
	table      string
	pub        publishFlags
}

type planSubnetsOptions struct {
	configPath string
	out        outputFlags
	split      string
	headroom   string
	cidrs      []string
	gate       string
	thr        thresholdFlags
}

func init() {
	register(func(a *app) *cobra.Command {
		c := &cobra.Command{
			Use:   "plan",
			Short: "Capacity planning from the recorded history: launch thresholds and subnet sizes",
		}
		c.AddCommand(newPlanThresholdsCmd(a), newPlanSubnetsCmd(a))
		return c
	})
}

func newPlanThresholdsCmd(a *app) *cobra.Command {
	o := &planThresholdsOptions{}
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
			if _, err := o.out.check(); err != nil {
				return err
			}
			if err := o.pub.check(); err != nil {
				return err
			}
			return runPlanThresholds(cmd.Context(), a, o)
		},
	}
	a.addDBFlag(c)
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

func runPlanThresholds(ctx context.Context, a *app, o *planThresholdsOptions) error {
	cfg, err := config.Resolve(o.configPath)
	if err != nil {
		return err
	}
	opt, err := o.thr.options(cfg, a.now())
	if err != nil {
		return err
	}
	d, err := a.loadDemand(ctx, cfg)
	if err != nil {
		return err
	}
	ts := plan.Thresholds(o.thr.demand(d, opt), opt)
	if o.pub.target != "" {
		if err := publishThresholds(ctx, a, &o.pub, ts); err != nil || o.pub.dryRun {
			return err
		}
	}
	if o.dynamoOut != "" {
		files, err := plan.WriteDynamoDB(o.dynamoOut, o.table, ts)
		if err != nil {
			return err
		}
		for _, f := range files {
			fmt.Fprintf(a.errOut, "wrote %s (%s)\n", f, shellquote.Join("aws", "dynamodb", "batch-write-item", "--request-items", "file://"+f))
		}
	}
	ro, err := o.out.check()
	if err != nil {
		return err
	}
	return o.out.write(a, func(w io.Writer) error { return writeThresholds(w, ro, ts) })
}

// writeThresholds prints plan thresholds: a table with the window below it,
// or the thresholds themselves as JSON or CSV.
func writeThresholds(w io.Writer, ro reports.Output, ts []plan.Threshold) error {
	if ro.Format == reports.FormatTable {
		type row struct {
			Category  string  `json:"category"`
			Runs      int     `json:"runs"`
			Failed    int     `json:"failed_for_ips"`
			MaxENIs   int     `json:"max_enis_run"`
			P95ENIs   float64 `json:"p95_enis_run"`
			LingerP50 float64 `json:"linger_p50_min"`
			LingerP95 float64 `json:"linger_p95_min"`
			LingerMax float64 `json:"linger_max_min"`
			Peak      int     `json:"peak_enis"`
			Buffer    int     `json:"buffer"`
			Threshold int     `json:"threshold"`
		}
		rows := make([]row, len(ts))
		for i, t := range ts {
			rows[i] = row{t.Category, t.Runs, t.RunsFailedForIPs, t.MaxIPsPerRun, t.P95IPsPerRun, t.LingerP50Min,
				t.LingerP95Min, t.LingerMaxMin, t.PeakConcurrentENIs, t.Buffer, t.Threshold}
		}
		if err := ro.WriteRows(w, rows); err != nil {
			return err
		}
		if len(ts) > 0 {
			fmt.Fprintf(w, "\nwindow %s → %s (%g days), buffer rule %s\n", ro.Time(ts[0].WindowStart),
				ro.Time(ts[0].WindowEnd), ts[0].WindowDays, ts[0].BufferRule)
		}
		return nil
	}
	if ro.Format == reports.FormatJSON {
		return writeJSON(w, ts)
	}
	return ro.WriteRows(w, ts)
}

func newPlanSubnetsCmd(a *app) *cobra.Command {
	o := &planSubnetsOptions{}
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
			if _, err := o.out.check(); err != nil {
				return err
			}
			return runPlanSubnets(cmd.Context(), a, o)
		},
	}
	a.addDBFlag(c)
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

func runPlanSubnets(ctx context.Context, a *app, o *planSubnetsOptions) error {
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
	d, err := a.loadDemand(ctx, cfg)
	if err != nil {
		return err
	}
	var p *plan.SubnetPlan
	switch o.gate {
	case "none", "":
		p, err = plan.ProposeSubnets(d, groups, headroom, forced)
	case "thresholds":
		opt, oerr := o.thr.options(cfg, a.now())
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
	ro, err := o.out.check()
	if err != nil {
		return err
	}
	return o.out.write(a, func(w io.Writer) error { return writeSubnetPlan(w, ro, p, headroom) })
}

// writeSubnetPlan prints plan subnets: the proposals, the GATE section, the
// gluelens.yaml fragment and the replay; JSON the whole plan, CSV the proposals.
func writeSubnetPlan(w io.Writer, ro reports.Output, p *plan.SubnetPlan, headroom float64) error {
	switch ro.Format {
	case reports.FormatJSON:
		return writeJSON(w, p)
	case reports.FormatCSV:
		return ro.WriteRows(w, p.Proposals)
	}
	type row struct {
		Subnet     string `json:"subnet"`
		Categories string `json:"categories"`
		Runs       int    `json:"runs"`
		PeakRec    int    `json:"peak_recorded"`
		PeakNeeded int    `json:"peak_needed"`
		Need       int    `json:"need_ips"`
		CIDR       string `json:"cidr"`
		Usable     int    `json:"usable"`
		RecFail    int    `json:"failures_recorded"`
		RepFail    int    `json:"failures_replayed"`
		Avoided    int    `json:"avoided"`
	}
	rows := make([]row, len(p.Proposals))
	for i, s := range p.Proposals {
		rows[i] = row{s.Subnet, strings.Join(s.Categories, ","), s.Runs, s.PeakRecordedIPs, s.PeakNeededIPs, s.NeedIPs,
			s.CIDR, s.UsableIPs, s.RecordedFailures, s.ReplayFailures, s.FailuresAvoided}
	}
	if err := ro.WriteRows(w, rows); err != nil {
		return err
	}
	if err := writeGateFits(w, ro, p.GateFits); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nheadroom %g%%; gluelens.yaml for this split:\n\n%s\n", 100*headroom, p.Config)
	return writeReplayTable(w, ro, p.Replay)
}

// writeGateFits prints the GATE section of plan subnets: what the launch
// gate did at the demand sizes, and the size that lets every run launch.
func writeGateFits(w io.Writer, ro reports.Output, fits []plan.GateFit) error {
	if len(fits) == 0 {
		return nil
	}
	fmt.Fprintf(w, "\nGATE: the launch gate at the demand sizes\n")
	type fitRow struct {
		Subnet     string  `json:"subnet"`
		DemandCIDR string  `json:"demand_cidr"`
		Waited     int     `json:"runs_waited"`
		WaitP50    float64 `json:"wait_p50_min"`
		WaitMax    float64 `json:"wait_max_min"`
		Fit        string  `json:"no_wait_cidr"`
	}
	rows := make([]fitRow, len(fits))
	for i, f := range fits {
		fit := ""
		switch {
		case f.FitPrefix != 0:
			fit = fmt.Sprintf("/%d", f.FitPrefix)
		case f.RunsWaited > 0:
			fit = fmt.Sprintf("none up to /%d", max(plan.MinPrefix, f.DemandPrefix-plan.MaxWiden))
		}
		rows[i] = fitRow{f.Subnet, fmt.Sprintf("/%d", f.DemandPrefix), f.RunsWaited, f.WaitP50Min, f.WaitMaxMin, fit}
	}
	return ro.WriteRows(w, rows)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeReplayTable prints a replay as three sections: subnets, refused
// creates, gate delays.
func writeReplayTable(w io.Writer, ro reports.Output, r *plan.ReplayResult) error {
	fmt.Fprintf(w, "replay: layout %s, linger %s, gate %s; %d runs (%d modelled)\n\n", r.Layout, r.Linger, r.Gate, r.Runs, r.Modelled)
	type srow struct {
		Subnet     string    `json:"subnet"`
		CIDR       string    `json:"cidr"`
		Usable     int       `json:"usable"`
		Categories string    `json:"categories"`
		Peak       int       `json:"peak"`
		PeakAt     time.Time `json:"peak_at"`
		Util       float64   `json:"peak_pct"`
		Failures   int       `json:"failures"`
		FailedRuns int       `json:"failed_runs"`
	}
	rows := make([]srow, len(r.Subnets))
	for i, s := range r.Subnets {
		rows[i] = srow{s.Subnet, s.CIDR, s.UsableIPs, strings.Join(s.Categories, ","), s.PeakInUse, s.PeakAt, s.PeakUtilization, s.Failures, s.FailedRuns}
	}
	if err := ro.WriteRows(w, rows); err != nil {
		return err
	}
	if len(r.Failures) > 0 {
		fmt.Fprintf(w, "\n%d refused create(s):\n", len(r.Failures))
		type frow struct {
			At       time.Time `json:"at"`
			Subnet   string    `json:"subnet"`
			Run      string    `json:"run_id"`
			Job      string    `json:"job_name"`
			InUse    int       `json:"in_use"`
			Recorded bool      `json:"recorded"`
		}
		fr := make([]frow, len(r.Failures))
		for i, f := range r.Failures {
			fr[i] = frow{f.At, f.Subnet, f.RunID, f.JobName, f.InUse, f.Recorded}
		}
		if err := ro.WriteRows(w, fr); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(w, "\nno refused creates")
	}
	if g := r.GateDelays; g != nil {
		fmt.Fprintf(w, "\ngate: %d runs gated, %d delayed (p50 %.1f min, p95 %.1f min, max %.1f min, total %.1f min), %d never launched\n",
			g.RunsGated, g.RunsDelayed, g.DelayP50Min, g.DelayP95Min, g.DelayMaxMin, g.DelayTotalMin, g.RunsBlocked)
	}
	return nil
}
