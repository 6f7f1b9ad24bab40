package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/localsrc"
)

type ingestOptions struct {
	paths   []string
	force   bool
	strict  bool
	workers int
	quiet   bool
}

func init() {
	register(func(a *app) *cobra.Command {
		opts := &ingestOptions{}
		c := &cobra.Command{
			Use:   "ingest PATH...",
			Short: "Load CloudTrail, Glue, EC2 and Spark evidence into the database",
			Long: `Ingest local files and directories (walked recursively). Every object is sniffed by content,
not trusted by name; gzip and zstd are removed by magic bytes. Objects already loaded are skipped
(the ingest manifest remembers size, mtime and content hash); --force re-reads them.`,
			Args: cobra.MinimumNArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				opts.paths = args
				return runIngest(cmd.Context(), a, opts)
			},
		}
		c.Flags().BoolVar(&opts.force, "force", false, "re-read objects the manifest already has")
		c.Flags().BoolVar(&opts.strict, "strict", false, "treat any bad record as a failure of its object")
		c.Flags().IntVar(&opts.workers, "workers", 0, "objects decoded in parallel (default: number of CPUs)")
		c.Flags().BoolVarP(&opts.quiet, "quiet", "q", false, "print only the final summary")
		return c
	})
}

// sourceFor turns a command-line argument into a source.
var sourceFor = func(ctx context.Context, a *app, arg string) (ingest.Source, error) {
	if strings.Contains(arg, "://") {
		return nil, usagef("%s: unsupported location scheme", arg)
	}
	return localsrc.New(arg)
}

func runIngest(ctx context.Context, a *app, opts *ingestOptions) error {
	var sources []ingest.Source
	for _, p := range opts.paths {
		src, err := sourceFor(ctx, a, p)
		if err != nil {
			return err
		}
		sources = append(sources, src)
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	sum, err := ingest.Run(ctx, st, sources, ingest.Options{
		Decoders: decoders(),
		Workers:  opts.workers,
		Force:    opts.force,
		Strict:   opts.strict,
		Group:    groupObjects,
	})
	if err != nil {
		return err
	}
	if err := afterIngest(ctx, st); err != nil {
		return err
	}
	printSummary(a.errOut, sum, opts.quiet)
	if !sum.OK() {
		return &exitError{code: exitPartial, msg: fmt.Sprintf("%d object(s) failed to ingest", sum.Failed)}
	}
	return nil
}

func printSummary(w io.Writer, s ingest.Summary, quiet bool) {
	if !quiet {
		for _, f := range s.Failures {
			fmt.Fprintf(w, "FAILED %s\n", f.Err)
		}
		for _, line := range s.Warnings {
			fmt.Fprintf(w, "warning: %s\n", line)
		}
	}
	fmt.Fprintf(w, "ingested %d object(s) (%s) in %s: %d loaded, %d unchanged, %d ignored, %d duplicate, %d failed\n",
		s.Objects, humanBytes(s.Bytes), s.Elapsed.Round(1e6), s.Loaded, s.Unchanged, s.Ignored, s.Duplicate, s.Failed)
	fmt.Fprintf(w, "records: %d kept, %d skipped, %d bad, %d duplicate\n", s.Kept, s.Skipped, s.Bad, s.Duplicates)
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
