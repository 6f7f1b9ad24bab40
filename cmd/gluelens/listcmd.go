package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/analysis/evidence"
	"github.com/gluelens/gluelens/internal/store"
	"github.com/gluelens/gluelens/reports"
)

// ListOptions are the options of a listing: a command that opens the
// database, asks one question and prints the rows (eni …, runs).
type ListOptions struct {
	f      *Factory
	out    outputFlags
	Window window
	// Subnet is --subnet of eni lifetimes.
	Subnet string
	Args   []string
	// Output is the checked --format, --tz and --wide.
	Output reports.Output
}

// listSpec describes a listing.
type listSpec struct {
	use, short string
	args       cobra.PositionalArgs
	window     bool // adds --from/--to
	fetch      func(ctx context.Context, st *store.Store, o *ListOptions) (any, error)
}

func listCmd(f *Factory, s listSpec, runF func(*ListOptions) error) (*cobra.Command, *ListOptions) {
	o := &ListOptions{f: f}
	c := &cobra.Command{
		Use:   s.use,
		Short: s.short,
		Args:  s.args,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Args = args
			var err error
			if o.Output, err = o.out.check(); err != nil {
				return err
			}
			o.Window.zone = o.Output.TZ
			if err := o.Window.parse(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return runList(cmd.Context(), o, s.fetch)
		},
	}
	f.addDBFlag(c)
	o.out.add(c, listFormats...)
	o.out.addDisplay(c)
	if s.window {
		o.Window.addFlags(c)
	}
	return c, o
}

func runList(ctx context.Context, o *ListOptions, fetch func(context.Context, *store.Store, *ListOptions) (any, error)) error {
	st, err := o.f.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if !o.Window.From.IsZero() || !o.Window.To.IsZero() {
		cov, err := evidence.Load(ctx, st, 0)
		if err != nil {
			return err
		}
		if err := cov.CheckWindow("--from/--to", o.Window.From, o.Window.To); err != nil {
			return err
		}
	}
	rows, err := fetch(ctx, st, o)
	if err != nil {
		return err
	}
	return o.out.write(o.f, func(w io.Writer) error { return o.Output.Write(w, rows) })
}
