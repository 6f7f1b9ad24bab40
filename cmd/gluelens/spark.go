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

// sparkFlags are the flags every spark subcommand has: the database and
// the output.
type sparkFlags struct {
	f   *Factory
	out outputFlags
	// Output is the checked --format, --tz and --wide.
	Output reports.Output
}

func (s *sparkFlags) common() *sparkFlags { return s }

// appFlags name one application: the APP argument and --attempt.
type appFlags struct {
	// AppID is the APP argument ("" for advice --run).
	AppID   string
	attempt string
}

func (a *appFlags) app() *appFlags { return a }

func (a *appFlags) addAttemptFlag(c *cobra.Command) {
	c.Flags().StringVar(&a.attempt, "attempt", "", "application attempt id (default: the newest attempt)")
}

// diskFlags are the usable-disk flags of spark executors and advice.
type diskFlags struct {
	workerDisk []string
	diskTable  string
	configPath string
}

// SparkAppsOptions are the options of spark apps.
type SparkAppsOptions struct {
	sparkFlags
	window window
}

// SparkStagesOptions are the options of spark stages.
type SparkStagesOptions struct {
	sparkFlags
	appFlags
}

// SparkExecutorsOptions are the options of spark executors.
type SparkExecutorsOptions struct {
	sparkFlags
	appFlags
	disk diskFlags
}

// SparkAdviceOptions are the options of spark advice.
type SparkAdviceOptions struct {
	sparkFlags
	appFlags
	disk diskFlags
	// run is --run: advise on the application of this Glue job run.
	run string
}

// diskOptions reads --worker-disk TYPE=SIZE (or a bare SIZE for every
// executor), --disk-table and the categories' worker_disk of gluelens.yaml.
func (o *diskFlags) diskOptions() (spark.DiskOptions, error) {
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

func (o *diskFlags) add(c *cobra.Command) {
	c.Flags().StringArrayVar(&o.workerDisk, "worker-disk", nil, "usable local disk per worker type, replacing the built-in table: G.2X=70GB (repeatable), or 70GB for every worker")
	c.Flags().StringVar(&o.diskTable, "disk-table", spark.DiskTableCurrent, "built-in worker disk figures: current (AWS worker-types page) or older (earlier API/CDK docs)")
	configFlag(c, &o.configPath)
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
// the APP argument (options that name an application), and hands the
// options to runF or run.
func sparkCmd[O interface{ common() *sparkFlags }](f *Factory, c *cobra.Command, o O, runF func(O) error, run func(context.Context, O) error) *cobra.Command {
	s := o.common()
	s.f = f
	check := c.RunE
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if a, ok := any(o).(interface{ app() *appFlags }); ok && len(args) == 1 {
			a.app().AppID = args[0]
		}
		var err error
		if s.Output, err = s.out.check(); err != nil {
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
	s.out.add(c, listFormats...)
	s.out.addDisplay(c)
	return c
}

// NewCmdSparkApps builds spark apps.
func NewCmdSparkApps(f *Factory, runF func(*SparkAppsOptions) error) *cobra.Command {
	o := &SparkAppsOptions{}
	c := sparkCmd(f, &cobra.Command{
		Use:   "apps",
		Short: "List Spark applications with their Glue run, spill, shuffle and peak executor disk",
		Args:  cobra.NoArgs,
		RunE:  func(*cobra.Command, []string) error { return o.window.parse() },
	}, o, runF, runSparkApps)
	o.window.addFlags(c)
	return c
}

func runSparkApps(ctx context.Context, o *SparkAppsOptions) error {
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
func NewCmdSparkStages(f *Factory, runF func(*SparkStagesOptions) error) *cobra.Command {
	o := &SparkStagesOptions{}
	c := sparkCmd(f, &cobra.Command{
		Use:   "stages APP",
		Short: "Stage totals of an application, as the Spark History Server shows them",
		Args:  cobra.ExactArgs(1),
	}, o, runF, runSparkStages)
	o.addAttemptFlag(c)
	c.ValidArgsFunction = completeArgs(0, f.completeFromDB(appNames))
	return c
}

// openApp opens the store and finds the application a names (or, with a
// run id, the one that ran that Glue job run). The caller closes the store.
func openApp(ctx context.Context, f *Factory, a appFlags, run string) (*store.Store, spark.AppRef, error) {
	st, err := f.openStore(ctx)
	if err != nil {
		return nil, spark.AppRef{}, err
	}
	var ref spark.AppRef
	if run != "" {
		if run, err = expandRunID(ctx, st, run); err != nil {
			st.Close()
			return nil, spark.AppRef{}, err
		}
		if err = evidence.CheckRun(ctx, st, run); err == nil {
			if ref, err = spark.AppForRun(ctx, st, run); errors.Is(err, spark.ErrNoApp) {
				err = evidence.NoApp(ctx, st, "job run "+run+" is in the evidence but no Spark event log carries its id")
			}
		}
	} else if ref, err = spark.ResolveApp(ctx, st, a.AppID, a.attempt); errors.Is(err, spark.ErrNoApp) {
		if err = evidence.CheckApp(ctx, st, a.AppID); err == nil {
			err = evidence.NoApp(ctx, st, "Spark application "+a.AppID+" has no attempt "+strconv.Quote(a.attempt))
		}
	}
	if err != nil {
		st.Close()
		return nil, spark.AppRef{}, err
	}
	return st, ref, nil
}

// withDiskOptions checks the disk flags, opens the store, resolves the
// application (or the one of a run id) and hands all three to analyse.
func withDiskOptions[T any](ctx context.Context, f *Factory, a appFlags, run string, d diskFlags,
	analyse func(context.Context, *store.Store, spark.AppRef, spark.DiskOptions) (T, error)) (T, error) {
	var zero T
	disk, err := d.diskOptions()
	if err != nil {
		return zero, err
	}
	st, ref, err := openApp(ctx, f, a, run)
	if err != nil {
		return zero, err
	}
	defer st.Close()
	return analyse(ctx, st, ref, disk)
}

func runSparkStages(ctx context.Context, o *SparkStagesOptions) error {
	st, ref, err := openApp(ctx, o.f, o.appFlags, "")
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
func NewCmdSparkExecutors(f *Factory, runF func(*SparkExecutorsOptions) error) *cobra.Command {
	o := &SparkExecutorsOptions{}
	c := sparkCmd(f, &cobra.Command{
		Use:   "executors APP",
		Short: "Executors of an application with their estimated peak local disk against the worker's usable disk",
		Long: `Executors of an application with the peak of their estimated local disk (live shuffle output of
finished map tasks + spill of running tasks; see the executor_disk_timeline view), the usable disk of
the worker type of the linked Glue run, the share used and when the estimate first went above it.
--worker-disk replaces the built-in figures, and so does the worker_disk of the job's category in
gluelens.yaml (--worker-disk wins); the DISK_TABLE column says which were used.`,
		Args: cobra.ExactArgs(1),
	}, o, runF, runSparkExecutors)
	o.addAttemptFlag(c)
	o.disk.add(c)
	c.ValidArgsFunction = completeArgs(0, f.completeFromDB(appNames))
	return c
}

func runSparkExecutors(ctx context.Context, o *SparkExecutorsOptions) error {
	execs, err := withDiskOptions(ctx, o.f, o.appFlags, "", o.disk, spark.Executors)
	if err != nil {
		return err
	}
	return o.out.write(o.f, func(w io.Writer) error { return o.Output.Write(w, execs) })
}

// NewCmdSparkAdvice builds spark advice.
func NewCmdSparkAdvice(f *Factory, runF func(*SparkAdviceOptions) error) *cobra.Command {
	o := &SparkAdviceOptions{}
	c := sparkCmd(f, &cobra.Command{
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
	}, o, runF, runSparkAdvice)
	o.addAttemptFlag(c)
	o.disk.add(c)
	c.Flags().StringVar(&o.run, "run", "", "Glue job run id (jr_…) whose application to advise on")
	c.ValidArgsFunction = completeArgs(0, f.completeFromDB(appNames))
	_ = c.RegisterFlagCompletionFunc("run", f.completeFromDB(runNames))
	return c
}

func runSparkAdvice(ctx context.Context, o *SparkAdviceOptions) error {
	adv, err := withDiskOptions(ctx, o.f, o.appFlags, o.run, o.disk, spark.Advise)
	if err != nil {
		return err
	}
	return o.out.write(o.f, func(w io.Writer) error { return o.Output.Write(w, adv) })
}
