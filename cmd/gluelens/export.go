package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/ingest/parquetpack"
	"github.com/gluelens/gluelens/ingest/s3src"
	"github.com/gluelens/gluelens/reports/words"
)

// ExportOptions are the options of export.
type ExportOptions struct {
	out    string
	win    window
	tables []string
	aws    awsFlags
}

// NewCmdExport builds export.
func NewCmdExport(f *Factory, runF func(*ExportOptions) error) *cobra.Command {
	opts := &ExportOptions{}
	c := &cobra.Command{
		Use:   "export -o DIR|s3://bucket/prefix [--from … --to …]",
		Short: "Write every table as a Parquet evidence pack (DuckDB, Athena, Spark, pandas read it; gluelens ingest loads it)",
		Long: `Export writes the normalized tables as a Hive-partitioned Parquet dataset:
  table=<name>/dt=<YYYY-MM-DD|undated>/part-NNNNN.parquet  plus  _gluelens_manifest.json
dt is the UTC date of the table's time column; reference tables (jobs, connections, subnets,
the ingest manifest) and rows without a time are under dt=undated. --from/--to keep only the
time-keyed rows of the window (runs and Spark applications that overlap it); reference tables are
always exported whole. The destination must be empty or new. 'gluelens ingest DIR' loads a pack
into another database; 'gluelens scale ddl' prints Athena/Spark tables over it.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				if opts.out != "" && opts.out != args[0] {
					return usagef("give the destination once: -o/--output or an argument")
				}
				opts.out = args[0]
			}
			if opts.out == "" {
				return usagef("export needs a destination: -o DIR or -o s3://bucket/prefix")
			}
			if err := opts.win.parse(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runExport(cmd.Context(), f, opts)
		},
	}
	f.addDBFlag(c)
	c.Flags().StringVarP(&opts.out, "output", "o", "", "destination: a local directory or s3://bucket/prefix")
	deprecatedAlias(c, "out", "-o/--output", &opts.out)
	c.Flags().StringSliceVar(&opts.tables, "tables", nil, "export only these tables (comma-separated)")
	opts.win.addFlags(c)
	opts.aws.addFlags(c)
	return c
}

func runExport(ctx context.Context, f *Factory, opts *ExportOptions) error {
	var dest parquetpack.Dest
	if strings.HasPrefix(opts.out, "s3://") {
		bucket, prefix, err := s3src.ParseURI(opts.out)
		if err != nil {
			return usagef("--output: %v", err)
		}
		c, err := s3src.NewClient(ctx, opts.aws.config(0))
		if err != nil {
			return err
		}
		prefix = strings.Trim(prefix, "/")
		list := &s3.ListObjectsV2Input{Bucket: aws.String(bucket), MaxKeys: aws.Int32(1)}
		if prefix != "" {
			list.Prefix = aws.String(prefix + "/")
		}
		existing, err := c.API().ListObjectsV2(ctx, list)
		if err != nil {
			return fmt.Errorf("checking %s: %w", opts.out, err)
		}
		if len(existing.Contents) > 0 {
			return usagef("--output %s: prefix is not empty (a pack is written under an empty prefix)", opts.out)
		}
		dest = &parquetpack.S3Dest{API: c.API(), Bucket: bucket, Prefix: prefix}
	} else if strings.Contains(opts.out, "://") {
		return usagef("--output %s: unsupported location scheme (use a directory or s3://)", opts.out)
	} else {
		dir, err := filepath.Abs(opts.out)
		if err != nil {
			return err
		}
		if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
			return usagef("--output %s: directory is not empty (a pack is written into an empty or new directory)", opts.out)
		}
		dest = parquetpack.DirDest{Dir: dir}
	}
	st, err := f.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	m, err := parquetpack.Export(ctx, st, dest, parquetpack.Options{From: opts.win.From, To: opts.win.To, Tables: opts.tables, Now: f.now})
	if err != nil {
		return err
	}
	for _, line := range words.ExportSummary(m, fmt.Sprint(dest)) {
		fmt.Fprintln(f.errOut, line)
	}
	return nil
}
