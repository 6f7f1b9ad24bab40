package main

import "github.com/spf13/cobra"

// synthCommands lists the scenario generators under `gluelens synth`; each
// registers itself from its own file with registerSynth.
var synthCommands []func(*app) *cobra.Command

func registerSynth(c func(*app) *cobra.Command) { synthCommands = append(synthCommands, c) }

func init() {
	register(func(a *app) *cobra.Command {
		c := &cobra.Command{
			Use:   "synth",
			Short: "Write realistic sample evidence (real formats and S3 key layout) with a truth.json",
		}
		for _, sc := range synthCommands {
			c.AddCommand(sc(a))
		}
		return c
	})
}
