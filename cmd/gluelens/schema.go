package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/internal/store"
)

func init() {
	register(func(a *app) *cobra.Command {
		return &cobra.Command{
			Use:   "schema",
			Short: "Print the reference of every table and view (the text of docs/schema.md)",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				st, err := store.Open(cmd.Context(), ":memory:")
				if err != nil {
					return err
				}
				defer st.Close()
				doc, err := store.SchemaMarkdown(cmd.Context(), st)
				if err != nil {
					return err
				}
				_, err = fmt.Fprint(a.out, doc)
				return err
			},
		}
	})
}
