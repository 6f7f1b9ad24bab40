package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/analysis/evidence"
	"github.com/gluelens/gluelens/internal/store"
)

// listSpec describes a command that opens the store, asks one question and
// prints the rows as a table, JSON or CSV.
type listSpec struct {
	use, short string
	args       cobra.PositionalArgs
	window     bool // adds --from/--to
	fetch      func(ctx context.Context, st *store.Store, win window, args []string) (any, error)
}

func listCmd(a *app, s listSpec) *cobra.Command {
	var out outputFlags
	var win window
	c := &cobra.Command{
		Use:   s.use,
		Short: s.short,
		Args:  s.args,
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := out.check()
			if err != nil {
				return err
			}
			if err := win.parse(); err != nil {
				return err
			}
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if !win.From.IsZero() || !win.To.IsZero() {
				cov, err := evidence.Load(cmd.Context(), st, 0)
				if err != nil {
					return err
				}
				if err := cov.CheckWindow("--from/--to", win.From, win.To); err != nil {
					return err
				}
			}
			rows, err := s.fetch(cmd.Context(), st, win, args)
			if err != nil {
				return err
			}
			return out.write(a, func(w io.Writer) error { return o.WriteRows(w, rows) })
		},
	}
	a.addDBFlag(c)
	out.add(c, listFormats...)
	out.addDisplay(c)
	if s.window {
		win.addFlags(c)
	}
	return c
}
