package main

import (
	"context"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/reports"
)

// QueryOptions are the options of query.
type QueryOptions struct {
	f   *Factory
	out outputFlags
	// SQL is the statement; Write opens the database for writing.
	SQL    string
	Write  bool
	Output reports.Output
}

// NewCmdQuery builds query.
func NewCmdQuery(f *Factory, runF func(*QueryOptions) error) *cobra.Command {
	o := &QueryOptions{f: f}
	c := &cobra.Command{
		Use:   `query "SQL"`,
		Short: "Run SQL against the database (tables and views are documented in docs/schema.md)",
		Long: `Run SQL against the database. The database is opened read-only, so a query never changes the
evidence; --write opens it for writing (the next ingest rebuilds what the change derives, and puts
back a dropped table or view).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.SQL = args[0]
			var err error
			if o.Output, err = o.out.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return runQuery(cmd.Context(), o)
		},
	}
	f.addDBFlag(c)
	o.out.add(c, listFormats...)
	o.out.addDisplay(c)
	c.Flags().BoolVar(&o.Write, "write", false, "open the database for writing (the statement may change the evidence)")
	return c
}

func runQuery(ctx context.Context, o *QueryOptions) error {
	f, write := o.f, o.Write
	open := f.openStore
	if write {
		open = f.openStoreWrite
	}
	st, err := open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if write {
		// Whatever the statement changes, what is derived from
		// the evidence is rebuilt by the next ingest.
		if err := st.MarkAttributionStale(ctx); err != nil {
			return err
		}
	}
	rows, err := st.DB().QueryContext(ctx, o.SQL)
	if err != nil {
		if !write && strings.Contains(err.Error(), "read-only mode") {
			return usagef("%v (the database is opened read-only; add --write to change it)", err)
		}
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	t := reports.Table{Columns: cols}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		t.Rows = append(t.Rows, vals)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	if write {
		// Rebuild now when the statement left the database
		// readable; otherwise the mark stays for the next ingest.
		_ = st.RefreshDerived(ctx)
	}
	return o.out.write(f, func(w io.Writer) error { return o.Output.Write(w, t) })
}
