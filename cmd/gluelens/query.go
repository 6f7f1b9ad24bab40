package main

import (
	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/reports"
)

func init() {
	register(func(a *app) *cobra.Command {
		var format string
		c := &cobra.Command{
			Use:   `query "SQL"`,
			Short: "Run SQL against the database (tables and views are documented in docs/schema.md)",
			Args:  cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				if err := checkFormat(format); err != nil {
					return err
				}
				st, err := a.openStore(cmd.Context())
				if err != nil {
					return err
				}
				defer st.Close()
				rows, err := st.DB().QueryContext(cmd.Context(), args[0])
				if err != nil {
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
				return reports.WriteTable(a.out, format, t)
			},
		}
		formatFlag(c, &format)
		return c
	})
}
