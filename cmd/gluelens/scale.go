package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/ingest/parquetpack"
	"github.com/gluelens/gluelens/ingest/s3src"
	"github.com/gluelens/gluelens/ingest/scaleout"
)

func init() {
	register(func(a *app) *cobra.Command {
		c := &cobra.Command{
			Use:   "scale",
			Short: "Hand the heavy lifting to Athena/Trino or Spark (see docs/scale-out.md)",
		}
		c.AddCommand(athenaSQLCmd(a), ddlCmd(a))
		return c
	})
}

func athenaSQLCmd(a *app) *cobra.Command {
	var (
		q          scaleout.CloudTrailQuery
		win        window
		partitions string
	)
	c := &cobra.Command{
		Use:   "athena-sql --table cloudtrail_logs --from … --to … --output s3://…",
		Short: "Print the Athena UNLOAD that extracts only the ENI calls gluelens needs from a CloudTrail table",
		Long: `Prints an Athena (Trino) UNLOAD over the CloudTrail table AWS documents (created with partition
projection). It keeps ec2 Create/Delete/Attach/DetachNetworkInterface calls whose eventTime is in
the window, reads date partitions with one day of slack on each side, and writes one CloudTrail
JSON record per line (gzip) to --output; 'gluelens ingest s3://…' then loads them.
--partitions names the table's projected partition columns in the order account,region,date;
AWS's single-region example table has only the date: --partitions ,,timestamp.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := win.parse(); err != nil {
				return err
			}
			parts := strings.Split(partitions, ",")
			if len(parts) != 3 {
				return usagef("--partitions wants three comma-separated names (account,region,date), got %q", partitions)
			}
			q.AccountPartition, q.RegionPartition, q.DatePartition = parts[0], parts[1], parts[2]
			q.From, q.To = win.From, win.To
			sql, err := scaleout.UnloadSQL(q)
			if err != nil {
				return &usageError{err}
			}
			_, err = fmt.Fprint(a.out, sql)
			return err
		},
	}
	c.Flags().StringVar(&q.Table, "table", "cloudtrail_logs", "CloudTrail table (name or database.name)")
	c.Flags().StringSliceVar(&q.Accounts, "accounts", nil, "account ids to keep (comma-separated; default all)")
	c.Flags().StringSliceVar(&q.Regions, "regions", nil, "regions to keep (comma-separated; default all)")
	c.Flags().StringVar(&q.Output, "output", "", "s3:// prefix UNLOAD writes to (must be empty)")
	c.Flags().StringVar(&partitions, "partitions", "account,region,timestamp", "the table's partition columns: account,region,date (empty name = not a partition)")
	win.addFlags(c)
	return c
}

func ddlCmd(a *app) *cobra.Command {
	var (
		dialect, location, database string
		aws                         awsFlags
	)
	c := &cobra.Command{
		Use:   "ddl --dialect athena|spark DATASET",
		Short: "Print CREATE EXTERNAL TABLE statements for an exported evidence pack",
		Long: `Reads the pack's _gluelens_manifest.json (DATASET is a directory or s3://bucket/prefix) and prints
one table per exported table, partitioned by dt, followed by MSCK REPAIR TABLE to discover the
partitions. --location overrides where the engine finds the data (e.g. a local pack later copied
to S3).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ds := args[0]
			var m *parquetpack.Manifest
			var err error
			if strings.HasPrefix(ds, "s3://") {
				bucket, prefix, perr := s3src.ParseURI(ds)
				if perr != nil {
					return usagef("%v", perr)
				}
				cl, cerr := s3src.NewClient(cmd.Context(), aws.config(0))
				if cerr != nil {
					return cerr
				}
				m, err = parquetpack.ReadManifestS3(cmd.Context(), cl.API(), bucket, prefix)
			} else {
				m, err = parquetpack.ReadManifestDir(ds)
			}
			if err != nil {
				return err
			}
			loc := location
			if loc == "" {
				if dialect == parquetpack.DialectAthena && !strings.HasPrefix(ds, "s3://") {
					return usagef("athena reads from S3: give --location s3://… for a local pack")
				}
				loc = ds
			}
			ddl, err := parquetpack.DDL(m, dialect, loc, database)
			if err != nil {
				return &usageError{err}
			}
			_, err = fmt.Fprint(a.out, ddl)
			return err
		},
	}
	c.Flags().StringVar(&dialect, "dialect", parquetpack.DialectAthena, "athena or spark")
	c.Flags().StringVar(&location, "location", "", "where the engine reads the pack (default: DATASET)")
	c.Flags().StringVar(&database, "database", "gluelens", "database (schema) the tables are created in")
	aws.addFlags(c)
	return c
}
