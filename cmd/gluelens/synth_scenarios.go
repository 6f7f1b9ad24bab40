package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/internal/synth"
	"github.com/gluelens/gluelens/internal/synth/diskfull"
	"github.com/gluelens/gluelens/reports/words"
)

// SynthScenarioOptions are the options of a synth command.
type SynthScenarioOptions struct {
	out, truth, sparkTruth string
	seed                   uint64
	scale                  int
}

// scenarioTruthFlags adds --truth and --spark-truth: both files go beside
// the evidence folder by default, never inside it.
func scenarioTruthFlags(c *cobra.Command, opts *SynthScenarioOptions) {
	c.Flags().StringVar(&opts.truth, "truth", "", "file to write the truth to (default DIR.truth.json, beside the folder)")
	c.Flags().StringVar(&opts.sparkTruth, "spark-truth", "", "file to write the Spark job's truth to (default DIR.spark-truth.json)")
}

func (o *SynthScenarioOptions) sparkTruthPath() string {
	if o.sparkTruth != "" {
		return o.sparkTruth
	}
	return filepath.Clean(o.out) + ".spark-truth.json"
}

// NewCmdSynthAfterFix builds synth after-fix.
func NewCmdSynthAfterFix(f *Factory, runF func(*SynthScenarioOptions) error) *cobra.Command {
	opts := &SynthScenarioOptions{}
	c := &cobra.Command{
		Use:   "after-fix -o DIR",
		Short: "Write the ip-exhaustion account and the disk-full job a week later, after the fix: no failures, lower peaks",
		Long: `Write the after-fix scenario: the same workload as ip-exhaustion one week later (from
2026-11-09), with the ingest, transform and export categories moved to their own subnets sized by
'gluelens plan subnets' (/25, /26, /27) and every launch gated by its category's threshold
('gluelens plan thresholds' with the lingering buffer, computed from the ip-exhaustion history of
the same --seed); the truth (DIR.truth.json) lists the runs the gate delayed. Under spark/ it writes
the disk-full job (orders-daily-rollup) after its fix, on 2026-11-09 02:00: zstd, AQE and the
recommended shuffle partitions, a run that succeeds, with its truth in DIR.spark-truth.json. No ENI create is refused, no disk
fills and the peaks are lower: the "after" of 'gluelens report compare'. Its ids derive from --seed
and the scenario, so it can be ingested into the same database as ip-exhaustion and disk-full. The
same --seed always writes the same bytes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.out == "" {
				return usagef("-o/--output DIR is required")
			}
			if runF != nil {
				return runF(opts)
			}
			return runSynthAfterFix(cmd.Context(), f, opts)
		},
	}
	c.Flags().StringVarP(&opts.out, "output", "o", "", "folder to write the evidence into")
	deprecatedAlias(c, "out", "-o/--output", &opts.out)
	c.Flags().Uint64Var(&opts.seed, "seed", 1, "random seed")
	scenarioTruthFlags(c, opts)
	return c
}

// NewCmdSynthWeek builds synth week.
func NewCmdSynthWeek(f *Factory, runF func(*SynthScenarioOptions) error) *cobra.Command {
	opts := &SynthScenarioOptions{}
	c := &cobra.Command{
		Use:   "week -o DIR [--scale N]",
		Short: "Write a week of a busy account with both failure modes (IP exhaustion and a full worker disk)",
		Long: `Write the week scenario (ISO week 2026-W47): the ip-exhaustion workload every day with a morning
burst that fills the shared /26 on Monday, Wednesday and Friday, plus under spark/ the disk-full
Spark application and its Glue run on Wednesday. --scale N repeats the account's categories,
subnets, Lambda ENIs and CloudTrail noise N times (jobs of unit N are suffixed -uN), so the week
also serves as a benchmark. The same --seed and --scale always write the same bytes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.out == "" {
				return usagef("-o/--output DIR is required")
			}
			if runF != nil {
				return runF(opts)
			}
			return runSynthWeek(cmd.Context(), f, opts)
		},
	}
	c.Flags().StringVarP(&opts.out, "output", "o", "", "folder to write the evidence into")
	deprecatedAlias(c, "out", "-o/--output", &opts.out)
	c.Flags().Uint64Var(&opts.seed, "seed", 1, "random seed")
	scenarioTruthFlags(c, opts)
	c.Flags().IntVar(&opts.scale, "scale", 1, fmt.Sprintf("multiply jobs, ENIs and CloudTrail noise (1–%d)", synth.MaxWeekScale))
	return c
}

func writeScenario(f *Factory, s synth.Scenario, seed uint64, dir, truthPath string) error {
	out, err := synth.Generate(s, seed)
	if err != nil {
		return err
	}
	if err := writeSynthOutput(f, out, dir, truthPath); err != nil {
		return err
	}
	if line := words.SynthGate(out.Truth.LaunchGate); line != "" {
		fmt.Fprintln(f.out, line)
	}
	return nil
}

// afterFixSparkStart is when the fixed disk-full job runs in the after-fix
// week: the disk-full run's time of day, one week later.
var afterFixSparkStart = time.Date(2026, 11, 9, 2, 0, 0, 0, time.UTC)

func runSynthAfterFix(_ context.Context, f *Factory, opts *SynthScenarioOptions) error {
	s, err := synth.AfterFixGated(opts.seed)
	if err != nil {
		return err
	}
	if err := writeScenario(f, s, synth.AfterFixSeed(opts.seed), opts.out, opts.truth); err != nil {
		return err
	}
	p, err := diskfull.AfterFixParams(diskfull.DefaultParams(opts.seed))
	if err != nil {
		return err
	}
	p.Start = afterFixSparkStart
	dir := filepath.Join(opts.out, "spark")
	res, err := diskfull.WriteTo(dir, opts.sparkTruthPath(), p)
	if err != nil {
		return err
	}
	fmt.Fprintln(f.out, words.SynthSparkRun(res.Truth, dir, true))
	return nil
}

func runSynthWeek(_ context.Context, f *Factory, opts *SynthScenarioOptions) error {
	s, err := synth.Week(opts.scale)
	if err != nil {
		return usagef("--scale: %v", err)
	}
	if err := writeScenario(f, s, synth.WeekSeed(opts.seed), opts.out, opts.truth); err != nil {
		return err
	}
	p := diskfull.DefaultParams(opts.seed)
	p.Start = time.Date(2026, 11, 18, 2, 0, 0, 0, time.UTC)
	p.Account, p.Region = s.AccountID, s.Region
	dir := filepath.Join(opts.out, "spark")
	res, err := diskfull.WriteTo(dir, opts.sparkTruthPath(), p)
	if err != nil {
		return err
	}
	fmt.Fprintln(f.out, words.SynthSparkRun(res.Truth, dir, false))
	return nil
}
