package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/ingest/parquetpack"
	"github.com/gluelens/gluelens/ingest/s3src"
	"github.com/gluelens/gluelens/ingest/scaleout"
)

// NewCmdScale builds the scale command group.
func NewCmdScale(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "scale",
		Short: "Hand the heavy lifting to Athena/Trino or Spark (see docs/scale-out.md)",
	}
	c.AddCommand(NewCmdScaleAthenaSQL(f, nil), NewCmdScaleDDL(f, nil))
	return c
}

// ScaleAthenaSQLOptions are the options of scale athena-sql.
type ScaleAthenaSQLOptions struct {
	query      scaleout.CloudTrailQuery
	win        window
	partitions string
}

// NewCmdScaleAthenaSQL builds scale athena-sql.
func NewCmdScaleAthenaSQL(f *Factory, runF func(*ScaleAthenaSQLOptions) error) *cobra.Command {
	opts := &ScaleAthenaSQLOptions{}
	c := &cobra.Command{
		Use:   "athena-sql --table cloudtrail_logs --from … --to … --output s3://…",
		Short: "Print the Athena UNLOAD that extracts only the ENI calls gluelens needs from a CloudTrail table",
		Long: `Prints an Athena (Trino) UNLOAD over the CloudTrail table AWS documents (created with partition
projection). It keeps ec2 Create/Delete/Attach/DetachNetworkInterface calls whose eventTime is in
the window, reads date partitions with one day of slack on each side, and writes one CloudTrail
JSON record per line to --output; 'gluelens ingest s3://…' then loads them.
--partitions names the table's projected partition columns in the order account,region,date;
AWS's single-region example table has only the date: --partitions ,,timestamp.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.win.parse(); err != nil {
				return err
			}
			parts := strings.Split(opts.partitions, ",")
			if len(parts) != 3 {
				return usagef("--partitions wants three comma-separated names (account,region,date), got %q", opts.partitions)
			}
			opts.query.AccountPartition, opts.query.RegionPartition, opts.query.DatePartition = parts[0], parts[1], parts[2]
			opts.query.From, opts.query.To = opts.win.From, opts.win.To
			if runF != nil {
				return runF(opts)
			}
			return runAthenaSQL(f, opts)
		},
	}
	c.Flags().StringVar(&opts.query.Table, "table", "cloudtrail_logs", "CloudTrail table (name or database.name)")
	c.Flags().StringSliceVar(&opts.query.Accounts, "accounts", nil, "account ids to keep (comma-separated; default all)")
	c.Flags().StringSliceVar(&opts.query.Regions, "regions", nil, "regions to keep (comma-separated; default all)")
	c.Flags().StringVar(&opts.query.Output, "output", "", "s3:// prefix UNLOAD writes to (must be empty)")
	c.Flags().StringVar(&opts.partitions, "partitions", "account,region,timestamp", "the table's partition columns: account,region,date (empty name = not a partition)")
	opts.win.addFlags(c)
	return c
}

func runAthenaSQL(f *Factory, opts *ScaleAthenaSQLOptions) error {
	sql, err := scaleout.UnloadSQL(opts.query)
	if err != nil {
		// Every error names a flag value the user gave.
		return &usageError{err}
	}
	_, err = fmt.Fprint(f.out, sql)
	return err
}

// ScaleDDLOptions are the options of scale ddl.
type ScaleDDLOptions struct {
	dataset, dialect, location, database string
	aws                                  awsFlags
}

// NewCmdScaleDDL builds scale ddl.
func NewCmdScaleDDL(f *Factory, runF func(*ScaleDDLOptions) error) *cobra.Command {
	opts := &ScaleDDLOptions{}
	c := &cobra.Command{
		Use:   "ddl --dialect athena|spark DATASET",
		Short: "Print CREATE EXTERNAL TABLE statements for an exported evidence pack",
		Long: `Reads the pack's _gluelens_manifest.json (DATASET is a directory or s3://bucket/prefix) and prints
one table per exported table, partitioned by dt, followed by MSCK REPAIR TABLE to discover the
partitions. --location overrides where the engine finds the data (e.g. a local pack later copied
to S3).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.dataset = args[0]
			if opts.location == "" && opts.dialect == parquetpack.DialectAthena && !strings.HasPrefix(opts.dataset, "s3://") {
				return usagef("athena reads from S3: give --location s3://… for a local pack")
			}
			if runF != nil {
				return runF(opts)
			}
			return runDDL(cmd.Context(), f, opts)
		},
	}
	c.Flags().StringVar(&opts.dialect, "dialect", parquetpack.DialectAthena, "athena or spark")
	c.Flags().StringVar(&opts.location, "location", "", "where the engine reads the pack (default: DATASET)")
	c.Flags().StringVar(&opts.database, "database", "gluelens", "database (schema) the tables are created in")
	opts.aws.addFlags(c)
	return c
}

func runDDL(ctx context.Context, f *Factory, opts *ScaleDDLOptions) error {
	var m *parquetpack.Manifest
	if strings.HasPrefix(opts.dataset, "s3://") {
		bucket, prefix, err := s3src.ParseURI(opts.dataset)
		if err != nil {
			return usagef("%v", err)
		}
		c, err := s3src.NewClient(ctx, opts.aws.config(0))
		if err != nil {
			return err
		}
		if m, err = parquetpack.ReadManifestS3(ctx, c.API(), bucket, prefix); err != nil {
			return err
		}
	} else {
		var err error
		if m, err = parquetpack.ReadManifestDir(opts.dataset); err != nil {
			return err
		}
	}
	loc := opts.location
	if loc == "" {
		loc = opts.dataset
		if !strings.HasPrefix(loc, "s3://") {
			// Spark resolves relative locations against its warehouse.
			abs, err := filepath.Abs(loc)
			if err != nil {
				return err
			}
			loc = abs
		}
	}
	ddl, err := parquetpack.DDL(m, opts.dialect, loc, opts.database)
	if err != nil {
		return &usageError{err}
	}
	_, err = fmt.Fprint(f.out, ddl)
	return err
}
