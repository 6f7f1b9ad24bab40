package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/internal/synth/diskfull"
	"github.com/gluelens/gluelens/reports/words"
)

// SynthDiskFullOptions are the options of a synth command.
type SynthDiskFullOptions struct {
	out, truth  string
	seed        uint64
	glueVersion string
}

// SynthSparkBenchOptions are the options of a synth command.
type SynthSparkBenchOptions struct {
	out   string
	seed  uint64
	tasks int
}

// NewCmdSynthDiskFull builds synth disk-full.
func NewCmdSynthDiskFull(f *Factory, runF func(*SynthDiskFullOptions) error) *cobra.Command {
	opts := &SynthDiskFullOptions{}
	c := &cobra.Command{
		Use:   "disk-full -o DIR",
		Short: "Write a Glue 4.0 Spark event log in which an executor's local disk fills, with its Glue run",
		Long: `Write the disk-full scenario: a Spark 3.3 event log as Glue 4.0 writes it (sparkHistoryLogs/
spark-application-<ms>) for a G.2X job with 10 workers whose reduce stage spills over 400 badly sized
shuffle partitions until one executor's disk is full ("No space left on device"), the AWS CLI
get-job-runs output of the FAILED run, and beside the folder (DIR.truth.json, or --truth) what the
analysis must find, computed by the generator's own simulation. The same --seed always writes the
same bytes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.out == "" {
				return usagef("-o/--output DIR is required")
			}
			if runF != nil {
				return runF(opts)
			}
			return runSynthDiskFull(cmd.Context(), f, opts)
		},
	}
	c.Flags().StringVarP(&opts.out, "output", "o", "", "folder to write the evidence into")
	deprecatedAlias(c, "out", "-o/--output", &opts.out)
	c.Flags().StringVar(&opts.truth, "truth", "", "file to write the truth to (default DIR.truth.json, beside the folder)")
	c.Flags().Uint64Var(&opts.seed, "seed", 1, "random seed")
	c.Flags().StringVar(&opts.glueVersion, "glue-version", "4.0", "4.0 (Spark 3.3, Java 8) or 5.0 (Spark 3.5, Java 17)")
	return c
}

// NewCmdSynthSparkBench builds synth spark-bench.
func NewCmdSynthSparkBench(f *Factory, runF func(*SynthSparkBenchOptions) error) *cobra.Command {
	opts := &SynthSparkBenchOptions{}
	c := &cobra.Command{
		Use:   "spark-bench -o DIR",
		Short: "Write a large Spark 3.3 event log (about 3 KB per task) for the Spark ingest benchmark",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.out == "" {
				return usagef("-o/--output DIR is required")
			}
			if opts.tasks < 1 {
				return usagef("--tasks must be at least 1")
			}
			if runF != nil {
				return runF(opts)
			}
			return runSynthSparkBench(cmd.Context(), f, opts)
		},
	}
	c.Flags().StringVarP(&opts.out, "output", "o", "", "folder to write the event log into")
	deprecatedAlias(c, "out", "-o/--output", &opts.out)
	c.Flags().Uint64Var(&opts.seed, "seed", 1, "random seed")
	c.Flags().IntVar(&opts.tasks, "tasks", 200000, "number of tasks in the application")
	return c
}

func runSynthDiskFull(ctx context.Context, f *Factory, opts *SynthDiskFullOptions) error {
	truth := opts.truth
	if truth == "" {
		truth = diskfull.TruthPath(opts.out)
	}
	p := diskfull.DefaultParams(opts.seed)
	switch opts.glueVersion {
	case "4.0":
	case "5.0":
		p = diskfull.Glue50(p)
	default:
		return usagef("--glue-version %q: want 4.0 or 5.0", opts.glueVersion)
	}
	res, err := diskfull.WriteTo(opts.out, truth, p)
	if err != nil {
		return err
	}
	fmt.Fprintln(f.out, words.SynthDiskFull(res, truth))
	return nil
}

func runSynthSparkBench(ctx context.Context, f *Factory, opts *SynthSparkBenchOptions) error {
	res, err := diskfull.WriteBench(ctx, opts.out, opts.tasks, opts.seed)
	if err != nil {
		return err
	}
	fmt.Fprintln(f.out, words.SynthSparkBench(res))
	return nil
}
