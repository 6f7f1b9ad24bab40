package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/analysis/evidence"
	"github.com/gluelens/gluelens/internal/store"
	"github.com/gluelens/gluelens/reports"
)

// listFlags are the flags every listing has (a command that opens the
// database, asks one question and prints the rows: eni …, runs): the
// database and the output.
type listFlags struct {
	f   *Factory
	out outputFlags
	// Output is the checked --format, --tz and --wide.
	Output reports.Output
}

func (l *listFlags) list() *listFlags { return l }

// windowFlags are --from/--to of the listings that take a window.
type windowFlags struct {
	Window window
}

func (w *windowFlags) windowed() *window { return &w.Window }

// listSpec describes a listing whose options are an O.
type listSpec[O any] struct {
	use, short string
	args       cobra.PositionalArgs
	fetch      func(ctx context.Context, st *store.Store, o O) (any, error)
}

// listCmd builds a listing: it checks the output flags, parses the window
// (options with windowFlags) and takes the arguments (options with a
// setArgs method), then hands the options to runF or fetches and prints.
func listCmd[O interface{ list() *listFlags }](f *Factory, s listSpec[O], o O, runF func(O) error) *cobra.Command {
	l := o.list()
	l.f = f
	w, windowed := any(o).(interface{ windowed() *window })
	c := &cobra.Command{
		Use:   s.use,
		Short: s.short,
		Args:  s.args,
		RunE: func(cmd *cobra.Command, args []string) error {
			if a, ok := any(o).(interface{ setArgs([]string) }); ok {
				a.setArgs(args)
			}
			var err error
			if l.Output, err = l.out.check(); err != nil {
				return err
			}
			if windowed {
				w.windowed().zone = l.Output.TZ
				if err := w.windowed().parse(); err != nil {
					return err
				}
			}
			if runF != nil {
				return runF(o)
			}
			return runList(cmd.Context(), o, s.fetch)
		},
	}
	f.addDBFlag(c)
	l.out.add(c, listFormats...)
	l.out.addDisplay(c)
	if windowed {
		w.windowed().addFlags(c)
	}
	return c
}

func runList[O interface{ list() *listFlags }](ctx context.Context, o O, fetch func(context.Context, *store.Store, O) (any, error)) error {
	l := o.list()
	st, err := l.f.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if w, ok := any(o).(interface{ windowed() *window }); ok && (!w.windowed().From.IsZero() || !w.windowed().To.IsZero()) {
		cov, err := evidence.Load(ctx, st, 0)
		if err != nil {
			return err
		}
		if err := cov.CheckWindow("--from/--to", w.windowed().From, w.windowed().To); err != nil {
			return err
		}
	}
	rows, err := fetch(ctx, st, o)
	if err != nil {
		return err
	}
	return l.out.write(l.f, func(w io.Writer) error { return l.Output.Write(w, rows) })
}
