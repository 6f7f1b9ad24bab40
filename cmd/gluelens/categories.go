package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/analysis/plan"
	"github.com/gluelens/gluelens/internal/config"
)

func init() {
	register(func(a *app) *cobra.Command {
		var configPath string
		var out outputFlags
		c := &cobra.Command{
			Use:   "categories",
			Short: "Show the category of every job with ingested runs, the rule that chose it, and run counts",
			Long: `Jobs belong to a category by the first matching jobs: pattern in gluelens.yaml (file order); a job
no rule matches belongs to the category named by its prefix before the first '-' or '_'.`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				ro, err := out.check()
				if err != nil {
					return err
				}
				cfg, err := config.Resolve(configPath)
				if err != nil {
					return err
				}
				st, err := a.openStore(cmd.Context())
				if err != nil {
					return err
				}
				defer st.Close()
				rows, err := plan.Categories(cmd.Context(), st, cfg)
				if err != nil {
					return err
				}
				return out.write(a, func(w io.Writer) error { return ro.WriteRows(w, rows) })
			},
		}
		a.addDBFlag(c)
		configFlag(c, &configPath)
		out.add(c, listFormats...)
		out.addDisplay(c)
		return c
	})
}
