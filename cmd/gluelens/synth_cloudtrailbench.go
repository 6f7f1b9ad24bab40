package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/internal/synth"
	"github.com/gluelens/gluelens/reports/words"
)

// SynthBenchOptions are the options of a synth command.
type SynthBenchOptions struct {
	out      string
	size     string
	eniShare float64
	seed     uint64
	workers  int
}

// NewCmdSynthCloudTrailBench builds synth cloudtrail-bench.
func NewCmdSynthCloudTrailBench(f *Factory, runF func(*SynthBenchOptions) error) *cobra.Command {
	opts := &SynthBenchOptions{}
	c := &cobra.Command{
		Use:   "cloudtrail-bench -o DIR --size 1GiB",
		Short: "Write a large CloudTrail corpus (real key layout, realistic noise) for benchmarks",
		Long: `Write gzip CloudTrail log files totalling about --size decompressed bytes under DIR/AWSLogs/...,
over 4 accounts, 3 regions and 3 days, with --eni-share of the records being ENI create/delete calls
and the rest varied 1–3 KB management events. The same --seed and --size always write the same bytes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.out == "" {
				return usagef("-o/--output DIR is required")
			}
			if runF != nil {
				return runF(opts)
			}
			return runSynthBench(cmd.Context(), f, opts)
		},
	}
	c.Flags().StringVarP(&opts.out, "output", "o", "", "folder to write the corpus into")
	deprecatedAlias(c, "out", "-o/--output", &opts.out)
	c.Flags().StringVar(&opts.size, "size", "1GiB", "decompressed size, e.g. 1GiB, 200MB")
	c.Flags().Float64Var(&opts.eniShare, "eni-share", 0.005, "fraction of records that are ENI calls")
	c.Flags().Uint64Var(&opts.seed, "seed", 1, "random seed")
	c.Flags().IntVar(&opts.workers, "workers", 0, "files generated in parallel (default: number of CPUs)")
	return c
}

func runSynthBench(ctx context.Context, f *Factory, opts *SynthBenchOptions) error {
	size, err := synth.ParseSize(opts.size)
	if err != nil {
		return usagef("--size: %v", err)
	}
	if opts.eniShare < 0 || opts.eniShare > 1 {
		return usagef("--eni-share %g: want a fraction between 0 and 1", opts.eniShare)
	}
	start := time.Now()
	st, err := synth.WriteBenchCorpus(ctx, opts.out, synth.BenchOptions{Size: size, ENIShare: opts.eniShare, Seed: opts.seed, Workers: opts.workers})
	if err != nil {
		return err
	}
	el := time.Since(start)
	fmt.Fprintln(f.out, words.SynthBench(st, opts.out, el))
	return nil
}
