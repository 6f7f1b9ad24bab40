package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/internal/store"
)

// SchemaOptions are the options of schema (none but the streams).
type SchemaOptions struct {
	f *Factory
}

// NewCmdSchema builds schema.
func NewCmdSchema(f *Factory, runF func(*SchemaOptions) error) *cobra.Command {
	o := &SchemaOptions{f: f}
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the reference of every table and view (the text of docs/schema.md)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(o)
			}
			st, err := store.Open(cmd.Context(), ":memory:")
			if err != nil {
				return err
			}
			defer st.Close()
			doc, err := store.SchemaMarkdown(cmd.Context(), st)
			if err != nil {
				return err
			}
			_, err = fmt.Fprint(o.f.out, doc)
			return err
		},
	}
}
