package main

import (
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/reports"
)

func init() {
	register(func(a *app) *cobra.Command {
		var out outputFlags
		var write bool
		c := &cobra.Command{
			Use:   `query "SQL"`,
			Short: "Run SQL against the database (tables and views are documented in docs/schema.md)",
			Long: `Run SQL against the database. The database is opened read-only, so a query never changes the
evidence; --write opens it for writing (the next ingest rebuilds what the change derives, and puts
back a dropped table or view).`,
			Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				ro, err := out.check()
				if err != nil {
					return err
				}
				open := a.openStore
				if write {
					open = a.openStoreWrite
				}
				st, err := open(cmd.Context())
				if err != nil {
					return err
				}
				defer st.Close()
				if write {
					// Whatever the statement changes, what is derived from
					// the evidence is rebuilt by the next ingest.
					if err := st.MarkAttributionStale(cmd.Context()); err != nil {
						return err
					}
				}
				rows, err := st.DB().QueryContext(cmd.Context(), args[0])
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
					_ = st.RefreshDerived(cmd.Context())
				}
				return out.write(a, func(w io.Writer) error { return ro.WriteTable(w, t) })
			},
		}
		a.addDBFlag(c)
		out.add(c, listFormats...)
		out.addDisplay(c)
		c.Flags().BoolVar(&write, "write", false, "open the database for writing (the statement may change the evidence)")
		return c
	})
}
