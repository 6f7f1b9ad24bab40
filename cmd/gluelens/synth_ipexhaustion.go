package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/internal/synth"
)

type synthIPOptions struct {
	out  string
	seed uint64
}

func init() {
	registerSynth(func(a *app) *cobra.Command {
		opts := &synthIPOptions{}
		c := &cobra.Command{
			Use:   "ip-exhaustion --out DIR",
			Short: "Write a day of CloudTrail, Glue and EC2 evidence in which a shared /26 runs out of IPs",
			Long: `Write the ip-exhaustion scenario: CloudTrail log files in the S3 key layout (AWSLogs/...),
AWS CLI output of glue get-job-runs / get-jobs / get-connections and ec2 describe-subnets,
and truth.json — what the analysis must find, computed by the generator's own simulation.
The same --seed always writes the same bytes.`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				if opts.out == "" {
					return usagef("--out is required")
				}
				return runSynthIP(cmd.Context(), a, opts)
			},
		}
		c.Flags().StringVar(&opts.out, "out", "", "folder to write the evidence into")
		c.Flags().Uint64Var(&opts.seed, "seed", 1, "random seed")
		return c
	})
}

func runSynthIP(ctx context.Context, a *app, opts *synthIPOptions) error {
	out, err := synth.Generate(synth.IPExhaustion(), opts.seed)
	if err != nil {
		return err
	}
	if err := out.WriteDir(opts.out); err != nil {
		return err
	}
	t := out.Truth
	fmt.Fprintf(a.out, "wrote %d files to %s: %d runs (%d failed for lack of IPs), %d failed ENI creates, %d CloudTrail files\n",
		len(out.Files)+1, opts.out, t.Counts.Runs, len(t.FailedRuns), len(t.FailedCreates), t.Counts.CloudTrailFiles)
	return nil
}
