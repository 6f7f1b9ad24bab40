package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/analysis/evidence"
	"github.com/gluelens/gluelens/analysis/spark"
	"github.com/gluelens/gluelens/internal/config"
	"github.com/gluelens/gluelens/internal/store"
	"github.com/gluelens/gluelens/reports"
)

// sparkOptions are the flags the spark subcommands share.
type sparkOptions struct {
	out        outputFlags
	attempt    string
	run        string
	workerDisk []string
	diskTable  string
	configPath string
	window     window
}

// diskOptions reads --worker-disk TYPE=SIZE (or a bare SIZE for every
// executor), --disk-table and the categories' worker_disk of gluelens.yaml.
func (o *sparkOptions) diskOptions() (spark.DiskOptions, error) {
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

func (o *sparkOptions) addDiskFlags(c *cobra.Command) {
	c.Flags().StringArrayVar(&o.workerDisk, "worker-disk", nil, "usable local disk per worker type, replacing the built-in table: G.2X=70GB (repeatable), or 70GB for every worker")
	c.Flags().StringVar(&o.diskTable, "disk-table", spark.DiskTableCurrent, "built-in worker disk figures: current (AWS worker-types page) or older (earlier API/CDK docs)")
	configFlag(c, &o.configPath)
}

func (o *sparkOptions) addAttemptFlag(c *cobra.Command) {
	c.Flags().StringVar(&o.attempt, "attempt", "", "application attempt id (default: the newest attempt)")
}

func init() {
	register(func(a *app) *cobra.Command {
		c := &cobra.Command{
			Use:   "spark",
			Short: "Spark applications from event logs: stages, executor disk, disk-full advice",
		}
		c.AddCommand(sparkAppsCmd(a), sparkStagesCmd(a), sparkExecutorsCmd(a), sparkAdviceCmd(a))
		return c
	})
}

func sparkAppsCmd(a *app) *cobra.Command {
	o := &sparkOptions{}
	c := &cobra.Command{
		Use:   "apps",
		Short: "List Spark applications with their Glue run, spill, shuffle and peak executor disk",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := o.out.check(); err != nil {
				return err
			}
			if err := o.window.parse(); err != nil {
				return err
			}
			return runSparkApps(cmd.Context(), a, o)
		},
	}
	a.addDBFlag(c)
	o.out.add(c, listFormats...)
	o.out.addDisplay(c)
	o.window.addFlags(c)
	return c
}

func runSparkApps(ctx context.Context, a *app, o *sparkOptions) error {
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	apps, err := spark.Apps(ctx, st, o.window.From, o.window.To)
	if err != nil {
		return err
	}
	ro, _ := o.out.check()
	if ro.Format != reports.FormatTable {
		return o.out.write(a, func(w io.Writer) error { return ro.WriteRows(w, apps) })
	}
	type row struct {
		App       string `json:"app"`
		Attempt   string `json:"attempt"`
		Name      string `json:"name"`
		Spark     string `json:"spark"`
		Start     any    `json:"start"`
		GlueRun   string `json:"glue_run"`
		State     string `json:"state"`
		Worker    string `json:"worker"`
		Tasks     int64  `json:"tasks"`
		Failed    int64  `json:"failed"`
		Spilled   string `json:"disk_spilled"`
		Shuffle   string `json:"shuffle_written"`
		PeakDisk  string `json:"peak_disk"`
		DiskFulls int64  `json:"disk_full"`
	}
	rows := make([]row, 0, len(apps))
	for _, x := range apps {
		rows = append(rows, row{x.AppID, x.AttemptID, x.AppName, x.SparkVersion, timeCell(x.Start), x.GlueRunID, x.RunState, x.WorkerType,
			x.Tasks, x.FailedTasks, bytesCell(&x.DiskSpilled), bytesCell(&x.ShuffleWritten), bytesCell(x.PeakDiskBytes), x.DiskFullFailures})
	}
	return o.out.write(a, func(w io.Writer) error { return ro.WriteRows(w, rows) })
}

func sparkStagesCmd(a *app) *cobra.Command {
	o := &sparkOptions{}
	c := &cobra.Command{
		Use:   "stages APP",
		Short: "Stage totals of an application, as the Spark History Server shows them",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := o.out.check(); err != nil {
				return err
			}
			return runSparkStages(cmd.Context(), a, args[0], o)
		},
	}
	a.addDBFlag(c)
	o.out.add(c, listFormats...)
	o.out.addDisplay(c)
	o.addAttemptFlag(c)
	c.ValidArgsFunction = completeArgs(0, a.completeFromDB(appNames))
	return c
}

// openApp opens the store and finds the application named by appID (or, with
// --run, the one that ran that Glue job run). The caller closes the store.
func (o *sparkOptions) openApp(ctx context.Context, a *app, appID string) (*store.Store, spark.AppRef, error) {
	st, err := a.openStore(ctx)
	if err != nil {
		return nil, spark.AppRef{}, err
	}
	var ref spark.AppRef
	if o.run != "" {
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
func withDiskOptions[T any](ctx context.Context, a *app, appID string, o *sparkOptions,
	analyse func(context.Context, *store.Store, spark.AppRef, spark.DiskOptions) (T, error)) (T, error) {
	var zero T
	disk, err := o.diskOptions()
	if err != nil {
		return zero, err
	}
	st, ref, err := o.openApp(ctx, a, appID)
	if err != nil {
		return zero, err
	}
	defer st.Close()
	return analyse(ctx, st, ref, disk)
}

func runSparkStages(ctx context.Context, a *app, appID string, o *sparkOptions) error {
	st, ref, err := o.openApp(ctx, a, appID)
	if err != nil {
		return err
	}
	defer st.Close()
	stages, err := spark.Stages(ctx, st, ref)
	if err != nil {
		return err
	}
	ro, _ := o.out.check()
	if ro.Format != reports.FormatTable {
		return o.out.write(a, func(w io.Writer) error { return ro.WriteRows(w, stages) })
	}
	type row struct {
		Stage    string `json:"stage"`
		Status   string `json:"status"`
		Tasks    int64  `json:"tasks"`
		Failed   int64  `json:"failed"`
		Killed   int64  `json:"killed"`
		MemSpill string `json:"memory_spilled"`
		Spill    string `json:"disk_spilled"`
		Ratio    string `json:"mem_disk_ratio"`
		Written  string `json:"shuffle_written"`
		Read     string `json:"shuffle_read"`
		Input    string `json:"input"`
		Output   string `json:"output"`
		Name     string `json:"name"`
	}
	rows := make([]row, 0, len(stages))
	for _, s := range stages {
		ratio := ""
		if s.SpillRatio != nil {
			ratio = fmt.Sprintf("%.2f", *s.SpillRatio)
		}
		rows = append(rows, row{fmt.Sprintf("%d.%d", s.StageID, s.StageAttempt), s.Status, s.Tasks, s.FailedTasks, s.KilledTasks,
			bytesCell(&s.MemorySpilled), bytesCell(&s.DiskSpilled), ratio, bytesCell(&s.ShuffleWritten), bytesCell(&s.ShuffleRead),
			bytesCell(&s.InputBytes), bytesCell(&s.OutputBytes), s.Name})
	}
	return o.out.write(a, func(w io.Writer) error { return ro.WriteRows(w, rows) })
}

func sparkExecutorsCmd(a *app) *cobra.Command {
	o := &sparkOptions{}
	c := &cobra.Command{
		Use:   "executors APP",
		Short: "Executors of an application with their estimated peak local disk against the worker's usable disk",
		Long: `Executors of an application with the peak of their estimated local disk (live shuffle output of
finished map tasks + spill of running tasks; see the executor_disk_timeline view), the usable disk of
the worker type of the linked Glue run, the share used and when the estimate first went above it.
--worker-disk replaces the built-in figures, and so does the worker_disk of the job's category in
gluelens.yaml (--worker-disk wins); the DISK_TABLE column says which were used.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := o.out.check(); err != nil {
				return err
			}
			return runSparkExecutors(cmd.Context(), a, args[0], o)
		},
	}
	a.addDBFlag(c)
	o.out.add(c, listFormats...)
	o.out.addDisplay(c)
	o.addAttemptFlag(c)
	o.addDiskFlags(c)
	c.ValidArgsFunction = completeArgs(0, a.completeFromDB(appNames))
	return c
}

func runSparkExecutors(ctx context.Context, a *app, appID string, o *sparkOptions) error {
	execs, err := withDiskOptions(ctx, a, appID, o, spark.Executors)
	if err != nil {
		return err
	}
	ro, _ := o.out.check()
	if ro.Format != reports.FormatTable {
		return o.out.write(a, func(w io.Writer) error { return ro.WriteRows(w, execs) })
	}
	type row struct {
		Executor  string `json:"executor"`
		Host      string `json:"host"`
		Tasks     int64  `json:"tasks"`
		Failed    int64  `json:"failed"`
		DiskFull  int64  `json:"disk_full"`
		PeakDisk  string `json:"peak_disk"`
		PeakAt    any    `json:"peak_at"`
		Worker    string `json:"worker"`
		Usable    string `json:"usable"`
		DiskTable string `json:"disk_table"`
		Used      string `json:"used"`
		Full      any    `json:"full_at"`
		Removed   any    `json:"removed"`
	}
	rows := make([]row, 0, len(execs))
	for _, e := range execs {
		used := ""
		if e.ShareUsed != nil {
			used = fmt.Sprintf("%.0f%%", 100**e.ShareUsed)
		}
		rows = append(rows, row{e.ExecutorID, e.Host, e.Tasks, e.FailedTasks, e.DiskFullTasks, bytesCell(e.PeakDiskBytes), timeCell(e.PeakAt),
			e.WorkerType, bytesCell(e.UsableDisk), e.DiskTable, used, timeCell(e.CrossedUsable), timeCell(e.Removed)})
	}
	return o.out.write(a, func(w io.Writer) error { return ro.WriteRows(w, rows) })
}

func sparkAdviceCmd(a *app) *cobra.Command {
	o := &sparkOptions{}
	c := &cobra.Command{
		Use:   "advice APP | --run RUN_ID",
		Short: "What to change so the job stops filling its disk: partitions, codec, AQE, worker type, S3 shuffle",
		Long: `Advice for one Spark application (or the one that ran a Glue job run, via spark.glue.JOB_RUN_ID):
shuffle partitions sized for 128–256 MiB (N = ceil(shuffle bytes / 200 MiB)), skew handling, zstd for
shuffle and spill with the projected disk saving, adaptive query execution, a larger worker type or
Glue's S3 shuffle. Every recommendation carries the line to paste into the Glue job's arguments.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := o.out.check(); err != nil {
				return err
			}
			if (len(args) == 1) == (o.run != "") {
				return usagef("name an application or pass --run RUN_ID (not both)")
			}
			appID := ""
			if len(args) == 1 {
				appID = args[0]
			}
			return runSparkAdvice(cmd.Context(), a, appID, o)
		},
	}
	a.addDBFlag(c)
	o.out.add(c, listFormats...)
	o.out.addDisplay(c)
	o.addAttemptFlag(c)
	o.addDiskFlags(c)
	c.Flags().StringVar(&o.run, "run", "", "Glue job run id (jr_…) whose application to advise on")
	c.ValidArgsFunction = completeArgs(0, a.completeFromDB(appNames))
	_ = c.RegisterFlagCompletionFunc("run", a.completeFromDB(runNames))
	return c
}

func runSparkAdvice(ctx context.Context, a *app, appID string, o *sparkOptions) error {
	adv, err := withDiskOptions(ctx, a, appID, o, spark.Advise)
	if err != nil {
		return err
	}
	ro, _ := o.out.check()
	switch ro.Format {
	case reports.FormatJSON:
		return o.out.write(a, func(w io.Writer) error { return writeJSON(w, adv) })
	case reports.FormatCSV:
		type row struct {
			Topic  string `json:"topic"`
			Title  string `json:"title"`
			Paste  string `json:"paste"`
			Detail string `json:"detail"`
		}
		rows := make([]row, 0, len(adv.Recommendations))
		for _, r := range adv.Recommendations {
			rows = append(rows, row{r.Topic, r.Title, r.Paste, r.Detail})
		}
		return o.out.write(a, func(w io.Writer) error { return ro.WriteRows(w, rows) })
	}
	return o.out.write(a, func(w io.Writer) error { return writeAdviceText(w, ro, adv) })
}

func writeAdviceText(w io.Writer, ro reports.Output, adv spark.Advice) error {
	fmt.Fprintf(w, "application %s", adv.AppID)
	if adv.AttemptID != "" {
		fmt.Fprintf(w, " attempt %s", adv.AttemptID)
	}
	fmt.Fprintf(w, " (%s, Spark %s)\n", adv.AppName, adv.SparkVersion)
	if adv.GlueRunID != "" {
		fmt.Fprintf(w, "glue run %s of job %s on %s workers\n", adv.GlueRunID, adv.GlueJobName, orDash(adv.WorkerType))
	}
	if p := adv.Peak; p != nil && p.PeakDiskBytes != nil {
		fmt.Fprintf(w, "peak estimated disk: executor %s, %s at %s", p.ExecutorID, bytesCell(p.PeakDiskBytes), timeText(ro, p.PeakAt))
		if p.UsableDisk != nil {
			fmt.Fprintf(w, " of %s usable (%s figures)", bytesCell(p.UsableDisk), diskTableText(p.DiskTable))
		}
		fmt.Fprintln(w)
	}
	if f := adv.FirstFull; f != nil {
		fmt.Fprintf(w, "first executor over its usable disk: %s at %s", f.ExecutorID, ro.Time(*f.CrossedUsable))
		if f.Removed != nil {
			fmt.Fprintf(w, " (removed %s: %s)", ro.Time(*f.Removed), f.RemovedReason)
		}
		fmt.Fprintln(w)
	}
	if len(adv.Recommendations) == 0 {
		fmt.Fprintln(w, "\nno recommendations: the shuffle, spill and disk of this application look healthy")
		return nil
	}
	for i, r := range adv.Recommendations {
		fmt.Fprintf(w, "\n%d. [%s] %s\n   %s\n   paste: %s\n", i+1, r.Topic, r.Title, r.Detail, r.Paste)
	}
	if len(adv.GlueArguments) > 0 {
		fmt.Fprintln(w, "\nGlue job arguments (key, value) combining the above:")
		for _, g := range adv.GlueArguments {
			fmt.Fprintf(w, "  %s  %s\n", g.Key, g.Value)
		}
	}
	return nil
}

func diskTableText(t string) string {
	switch t {
	case spark.DiskOverride:
		return "--worker-disk"
	case spark.DiskConfig:
		return "worker_disk of the job's category in gluelens.yaml"
	case spark.DiskTableOlder:
		return "older AWS docs"
	case spark.DiskTableCurrent:
		return "current AWS worker-types page"
	}
	return "unknown"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// bytesCell renders a byte count for tables in decimal units.
func bytesCell(n *int64) string {
	if n == nil {
		return ""
	}
	f := float64(*n)
	switch {
	case f >= 1e12:
		return fmt.Sprintf("%.2f TB", f/1e12)
	case f >= 1e9:
		return fmt.Sprintf("%.2f GB", f/1e9)
	case f >= 1e6:
		return fmt.Sprintf("%.1f MB", f/1e6)
	case f >= 1e3:
		return fmt.Sprintf("%.1f kB", f/1e3)
	}
	return fmt.Sprintf("%d B", *n)
}

// timeCell turns an optional time into a table cell (nil = empty).
func timeCell(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

// timeText renders an optional instant for text ("" when nil).
func timeText(ro reports.Output, t *time.Time) string {
	if t == nil {
		return ""
	}
	return ro.Time(*t)
}
