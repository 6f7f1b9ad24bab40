package main

import "github.com/spf13/cobra"

// NewCmdSynth builds the synth command group: the scenario generators.
func NewCmdSynth(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "synth",
		Short: "Write realistic sample evidence (real formats and S3 key layout) with a truth.json",
	}
	c.AddCommand(
		NewCmdSynthIPExhaustion(f, nil),
		NewCmdSynthDiskFull(f, nil),
		NewCmdSynthSparkBench(f, nil),
		NewCmdSynthAfterFix(f, nil),
		NewCmdSynthWeek(f, nil),
		NewCmdSynthCloudTrailBench(f, nil),
	)
	return c
}
