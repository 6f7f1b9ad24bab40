package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/analysis/plan"
	"github.com/gluelens/gluelens/internal/config"
	"github.com/gluelens/gluelens/reports"
)

// CategoriesOptions are the options of categories.
type CategoriesOptions struct {
	f          *Factory
	out        outputFlags
	ConfigPath string
	Output     reports.Output
}

// NewCmdCategories builds categories.
func NewCmdCategories(f *Factory, runF func(*CategoriesOptions) error) *cobra.Command {
	o := &CategoriesOptions{f: f}
	c := &cobra.Command{
		Use:   "categories",
		Short: "Show the category of every job with ingested runs, the rule that chose it, and run counts",
		Long: `Jobs belong to a category by the first matching jobs: pattern in gluelens.yaml (file order); a job
no rule matches belongs to the category named by its prefix before the first '-' or '_'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if o.Output, err = o.out.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return runCategories(cmd.Context(), o)
		},
	}
	f.addDBFlag(c)
	configFlag(c, &o.ConfigPath)
	o.out.add(c, listFormats...)
	o.out.addDisplay(c)
	return c
}

func runCategories(ctx context.Context, o *CategoriesOptions) error {
	cfg, err := config.Resolve(o.ConfigPath)
	if err != nil {
		return err
	}
	st, err := o.f.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	rows, err := plan.Categories(ctx, st, cfg)
	if err != nil {
		return err
	}
	return o.out.write(o.f, func(w io.Writer) error { return o.Output.Write(w, rows) })
}
