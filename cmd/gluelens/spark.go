package main

import (
	"context"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/analysis/evidence"
	"github.com/gluelens/gluelens/analysis/spark"
	"github.com/gluelens/gluelens/internal/config"
	"github.com/gluelens/gluelens/internal/store"
	"github.com/gluelens/gluelens/reports"
)

// SparkOptions are the options of the spark subcommands (each uses the
// flags it registers).
type SparkOptions struct {
	f   *Factory
	out outputFlags
	// AppID is the APP argument ("" for apps, and for advice --run).
	AppID string
	// Output is the checked --format, --tz and --wide.
	Output     reports.Output
	attempt    string
	run        string
	workerDisk []string
	diskTable  string
	configPath string
	window     window
}

// diskOptions reads --worker-disk TYPE=SIZE (or a bare SIZE for every
// executor), --disk-table and the categories' worker_disk of gluelens.yaml.
func (o *SparkOptions) diskOptions() (spark.DiskOptions, error) {
	d := spark.DiskOptions{Table: o.diskTable}
	cfg, err := config.Resolve(o.configPath)
	if err != nil {
		return d, err
	}
	d.Config = cfg
	switch o.diskTable {
	case "", spark.DiskTableCurrent, spark.DiskTableOlder:
	default:
		return d, usagef("unknown --disk-table %q (want current or older)", o.diskTable)
	}
	for _, v := range o.workerDisk {
		typ, size, ok := strings.Cut(v, "=")
		if !ok {
			typ, size = "", v
		}
		n, err := config.ParseSize(size)
		if err != nil || n <= 0 {
			return d, usagef("--worker-disk %q: want TYPE=SIZE like G.2X=70GB, or SIZE for every worker", v)
		}
		if d.Override == nil {
			d.Override = map[string]int64{}
		}
		d.Override[strings.TrimSpace(typ)] = n
	}
	return d, nil
}

func (o *SparkOptions) addDiskFlags(c *cobra.Command) {
	c.Flags().StringArrayVar(&o.workerDisk, "worker-disk", nil, "usable local disk per worker type, replacing the built-in table: G.2X=70GB (repeatable), or 70GB for every worker")
	c.Flags().StringVar(&o.diskTable, "disk-table", spark.DiskTableCurrent, "built-in worker disk figures: current (AWS worker-types page) or older (earlier API/CDK docs)")
	configFlag(c, &o.configPath)
}

func (o *SparkOptions) addAttemptFlag(c *cobra.Command) {
	c.Flags().StringVar(&o.attempt, "attempt", "", "application attempt id (default: the newest attempt)")
}

// NewCmdSpark builds the spark command group.
func NewCmdSpark(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "spark",
		Short: "Spark applications from event logs: stages, executor disk, disk-full advice",
	}
	c.AddCommand(NewCmdSparkApps(f, nil), NewCmdSparkStages(f, nil), NewCmdSparkExecutors(f, nil), NewCmdSparkAdvice(f, nil))
	return c
}

// sparkCmd builds a spark subcommand: it checks the output flags, takes
// the APP argument, and hands the options to runF or run.
func sparkCmd(f *Factory, c *cobra.Command, runF func(*SparkOptions) error, run func(context.Context, *SparkOptions) error) (*cobra.Command, *SparkOptions) {
	o := &SparkOptions{f: f}
	check := c.RunE
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 1 {
			o.AppID = args[0]
		}
		var err error
		if o.Output, err = o.out.check(); err != nil {
			return err
		}
		if check != nil {
			if err := check(cmd, args); err != nil {
				return err
			}
		}
		if runF != nil {
			return runF(o)
		}
		return run(cmd.Context(), o)
	}
	f.addDBFlag(c)
	o.out.add(c, listFormats...)
	o.out.addDisplay(c)
	return c, o
}

// NewCmdSparkApps builds spark apps.
func NewCmdSparkApps(f *Factory, runF func(*SparkOptions) error) *cobra.Command {
	var o *SparkOptions
	c, o := sparkCmd(f, &cobra.Command{
		Use:   "apps",
		Short: "List Spark applications with their Glue run, spill, shuffle and peak executor disk",
		Args:  cobra.NoArgs,
		RunE:  func(*cobra.Command, []string) error { return o.window.parse() },
	}, runF, runSparkApps)
	o.window.addFlags(c)
	return c
}

func runSparkApps(ctx context.Context, o *SparkOptions) error {
	st, err := o.f.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	apps, err := spark.Apps(ctx, st, o.window.From, o.window.To)
	if err != nil {
		return err
	}
	return o.out.write(o.f, func(w io.Writer) error { return o.Output.Write(w, apps) })
}

// NewCmdSparkStages builds spark stages APP.
func NewCmdSparkStages(f *Factory, runF func(*SparkOptions) error) *cobra.Command {
	c, o := sparkCmd(f, &cobra.Command{
		Use:   "stages APP",
		Short: "Stage totals of an application, as the Spark History Server shows them",
		Args:  cobra.ExactArgs(1),
	}, runF, runSparkStages)
	o.addAttemptFlag(c)
	c.ValidArgsFunction = completeArgs(0, f.completeFromDB(appNames))
	return c
}

// openApp opens the store and finds the application named by appID (or, with
// --run, the one that ran that Glue job run). The caller closes the store.
func (o *SparkOptions) openApp(ctx context.Context, f *Factory, appID string) (*store.Store, spark.AppRef, error) {
	st, err := f.openStore(ctx)
	if err != nil {
		return nil, spark.AppRef{}, err
	}
	var ref spark.AppRef
	if o.run != "" {
		if o.run, err = expandRunID(ctx, st, o.run); err != nil {
			st.Close()
			return nil, spark.AppRef{}, err
		}
		if err = evidence.CheckRun(ctx, st, o.run); err == nil {
			if ref, err = spark.AppForRun(ctx, st, o.run); errors.Is(err, spark.ErrNoApp) {
				err = evidence.NoApp(ctx, st, "job run "+o.run+" is in the evidence but no Spark event log carries its id")
			}
		}
	} else if ref, err = spark.ResolveApp(ctx, st, appID, o.attempt); errors.Is(err, spark.ErrNoApp) {
		if err = evidence.CheckApp(ctx, st, appID); err == nil {
			err = evidence.NoApp(ctx, st, "Spark application "+appID+" has no attempt "+strconv.Quote(o.attempt))
		}
	}
	if err != nil {
		st.Close()
		return nil, spark.AppRef{}, err
	}
	return st, ref, nil
}

// withDiskOptions checks the disk flags, opens the store, resolves the
// application (or the one of --run) and hands all three to analyse.
func withDiskOptions[T any](ctx context.Context, f *Factory, appID string, o *SparkOptions,
	analyse func(context.Context, *store.Store, spark.AppRef, spark.DiskOptions) (T, error)) (T, error) {
	var zero T
	disk, err := o.diskOptions()
	if err != nil {
		return zero, err
	}
	st, ref, err := o.openApp(ctx, f, appID)
	if err != nil {
		return zero, err
	}
	defer st.Close()
	return analyse(ctx, st, ref, disk)
}

func runSparkStages(ctx context.Context, o *SparkOptions) error {
	st, ref, err := o.openApp(ctx, o.f, o.AppID)
	if err != nil {
		return err
	}
	defer st.Close()
	stages, err := spark.Stages(ctx, st, ref)
	if err != nil {
		return err
	}
	return o.out.write(o.f, func(w io.Writer) error { return o.Output.Write(w, stages) })
}

// NewCmdSparkExecutors builds spark executors APP.
func NewCmdSparkExecutors(f *Factory, runF func(*SparkOptions) error) *cobra.Command {
	c, o := sparkCmd(f, &cobra.Command{
		Use:   "executors APP",
		Short: "Executors of an application with their estimated peak local disk against the worker's usable disk",
		Long: `Executors of an application with the peak of their estimated local disk (live shuffle output of
finished map tasks + spill of running tasks; see the executor_disk_timeline view), the usable disk of
the worker type of the linked Glue run, the share used and when the estimate first went above it.
--worker-disk replaces the built-in figures, and so does the worker_disk of the job's category in
gluelens.yaml (--worker-disk wins); the DISK_TABLE column says which were used.`,
		Args: cobra.ExactArgs(1),
	}, runF, runSparkExecutors)
	o.addAttemptFlag(c)
	o.addDiskFlags(c)
	c.ValidArgsFunction = completeArgs(0, f.completeFromDB(appNames))
	return c
}

func runSparkExecutors(ctx context.Context, o *SparkOptions) error {
	execs, err := withDiskOptions(ctx, o.f, o.AppID, o, spark.Executors)
	if err != nil {
		return err
	}
	return o.out.write(o.f, func(w io.Writer) error { return o.Output.Write(w, execs) })
}

// NewCmdSparkAdvice builds spark advice.
func NewCmdSparkAdvice(f *Factory, runF func(*SparkOptions) error) *cobra.Command {
	var o *SparkOptions
	c, o := sparkCmd(f, &cobra.Command{
		Use:   "advice APP | --run RUN_ID",
		Short: "What to change so the job stops filling its disk: partitions, codec, AQE, worker type, S3 shuffle",
		Long: `Advice for one Spark application (or the one that ran a Glue job run, via spark.glue.JOB_RUN_ID):
shuffle partitions sized for 128–256 MiB (N = ceil(shuffle bytes / 200 MiB)), skew handling, zstd for
shuffle and spill with the projected disk saving, adaptive query execution, a larger worker type or
Glue's S3 shuffle. Every recommendation carries the line to paste into the Glue job's arguments.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if (len(args) == 1) == (o.run != "") {
				return usagef("name an application or pass --run RUN_ID (not both)")
			}
			return nil
		},
	}, runF, runSparkAdvice)
	o.addAttemptFlag(c)
	o.addDiskFlags(c)
	c.Flags().StringVar(&o.run, "run", "", "Glue job run id (jr_…) whose application to advise on")
	c.ValidArgsFunction = completeArgs(0, f.completeFromDB(appNames))
	_ = c.RegisterFlagCompletionFunc("run", f.completeFromDB(runNames))
	return c
}

func runSparkAdvice(ctx context.Context, o *SparkOptions) error {
	adv, err := withDiskOptions(ctx, o.f, o.AppID, o, spark.Advise)
	if err != nil {
		return err
	}
	return o.out.write(o.f, func(w io.Writer) error { return o.Output.Write(w, adv) })
}
