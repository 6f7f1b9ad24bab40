package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/analysis/report"
	"github.com/gluelens/gluelens/internal/config"
	"github.com/gluelens/gluelens/internal/store"
	"github.com/gluelens/gluelens/reports"
)

// reportOptions are the flags every report command shares.
type reportOptions struct {
	f          *Factory
	out        outputFlags
	configPath string
	// Output is the checked --format.
	Output reports.Output
}

// reportFormats are the formats of a report: one self-contained HTML page,
// the findings as JSON, a Markdown summary.
var reportFormats = []string{reports.FormatHTML, reports.FormatJSON, reports.FormatMarkdown}

// NewCmdReport builds the report command group.
func NewCmdReport(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "report",
		Short: "Write incident, capacity and before/after reports (HTML, JSON or Markdown)",
	}
	c.AddCommand(NewCmdReportIncident(f, nil), NewCmdReportCapacity(f, nil), NewCmdReportCompare(f, nil))
	return c
}

// reportCmd completes a report command: --db, --format, -o and --config,
// and a RunE that checks the format, then hands the options to runF or run.
func reportCmd[O any](f *Factory, c *cobra.Command, o *O, ro *reportOptions, runF func(*O) error, run func(context.Context, *O) error) *cobra.Command {
	ro.f = f
	f.addDBFlag(c)
	ro.out.add(c, reportFormats...)
	ro.out.addTZ(c, "time zone of the times in HTML and Markdown reports (an IANA name like Europe/Berlin, or Local; the header names it); JSON stays in UTC; times typed into flags without an offset are read in this zone")
	configFlag(c, &ro.configPath)
	c.RunE = func(cmd *cobra.Command, _ []string) error {
		var err error
		if ro.Output, err = ro.out.check(); err != nil {
			return err
		}
		if runF != nil {
			return runF(o)
		}
		return run(cmd.Context(), o)
	}
	return c
}

// ReportIncidentOptions are the options of report incident.
type ReportIncidentOptions struct {
	reportOptions
	run, at, subnet string
	after           period
	window          time.Duration
}

// NewCmdReportIncident builds report incident.
func NewCmdReportIncident(f *Factory, runF func(*ReportIncidentOptions) error) *cobra.Command {
	o := &ReportIncidentOptions{}
	c := reportCmd(f, &cobra.Command{
		Use:   "incident (--run JOB_RUN_ID | --at TIME [--subnet SUBNET])",
		Short: "Explain one failure: what broke, the investigation, the root cause, the fix and the results",
		Long: `Classify the failure (subnet IP exhaustion, full worker disk, both, other) of a job run, or the
failure nearest to an instant, and tell it in post-mortem order with charts and the numbers behind
every sentence. --after-from/--after-to add the before/after results of the fix, and keeps the runs of
that period out of the subnet and launch advice.`,
		Args: cobra.NoArgs,
	}, o, &o.reportOptions, runF, func(ctx context.Context, o *ReportIncidentOptions) error { return runReportIncident(ctx, f, o) })
	c.Flags().StringVar(&o.run, "run", "", "the Glue job run to explain")
	c.Flags().StringVar(&o.at, "at", "", "explain the failure nearest this instant (same forms as --from)")
	c.Flags().StringVar(&o.subnet, "subnet", "", "with --at: only failures in this subnet")
	_ = c.RegisterFlagCompletionFunc("run", f.completeFromDB(runNames))
	_ = c.RegisterFlagCompletionFunc("subnet", f.completeFromDB(subnetNames))
	c.Flags().DurationVar(&o.window, "window", 3*time.Hour, "span of the investigation, centred on the failure")
	o.after.addFlags(c, "after", "the period after the fix, for the results section")
	return c
}

func runReportIncident(ctx context.Context, f *Factory, o *ReportIncidentOptions) error {
	var err error
	q := report.IncidentQuery{RunID: o.run, Subnet: o.subnet, Window: o.window}
	switch {
	case o.run != "" && o.at != "":
		return usagef("give --run or --at, not both")
	case o.run == "" && o.at == "":
		return usagef("give --run JOB_RUN_ID or --at TIME")
	case o.run != "" && o.subnet != "":
		return usagef("--subnet goes with --at")
	case o.at != "":
		if q.At, err = parseTimeIn(o.at, o.Output.TZ); err != nil {
			return usagef("--at: %v", err)
		}
	}
	if o.window <= 0 {
		return usagef("--window must be positive, got %s", o.window)
	}
	o.after.win.zone = o.Output.TZ
	if sp, given, err := o.after.span(); err != nil {
		return err
	} else if given {
		q.After = &sp
	}
	return writeReport(ctx, f, o.reportOptions, func(st *store.Store, opt report.Options, out io.Writer) error {
		if q.RunID != "" {
			if q.RunID, err = expandRunID(ctx, st, q.RunID); err != nil {
				return err
			}
		}
		if err := checkIncident(ctx, st, q); err != nil {
			return err
		}
		inc, err := report.BuildIncident(ctx, st, q, opt)
		if errors.Is(err, report.ErrNoFailure) && q.RunID == "" {
			return nearestFailure(ctx, st, q, err)
		}
		if err != nil {
			return err
		}
		return o.Output.Write(out, inc)
	})
}

// ReportCapacityOptions are the options of report capacity.
type ReportCapacityOptions struct {
	reportOptions
	week string
	win  window
}

// NewCmdReportCapacity builds report capacity.
func NewCmdReportCapacity(f *Factory, runF func(*ReportCapacityOptions) error) *cobra.Command {
	o := &ReportCapacityOptions{}
	c := reportCmd(f, &cobra.Command{
		Use:   "capacity (--week 2026-W47 | --from FROM --to TO)",
		Short: "Per subnet peaks, time above 80/90 %, failed creates, linger, top consumers, trend, disk pressure and ranked actions",
		Args:  cobra.NoArgs,
	}, o, &o.reportOptions, runF, func(ctx context.Context, o *ReportCapacityOptions) error { return runReportCapacity(ctx, f, o) })
	o.win.addFlags(c)
	c.Flags().StringVar(&o.week, "week", "", "ISO week to report, e.g. 2026-W47 (Monday 00:00 UTC to the next Monday)")
	_ = c.RegisterFlagCompletionFunc("week", f.completeFromDB(weekNames))
	return c
}

func runReportCapacity(ctx context.Context, f *Factory, o *ReportCapacityOptions) error {
	var err error
	o.win.zone = o.Output.TZ
	if err := o.win.parse(); err != nil {
		return err
	}
	var from, to time.Time
	switch {
	case o.week != "" && (o.win.fromText != "" || o.win.toText != ""):
		return usagef("give --week or --from/--to, not both")
	case o.week != "":
		if from, err = parseISOWeek(o.week); err != nil {
			return usagef("--week: %v", err)
		}
		to = from.AddDate(0, 0, 7)
	case o.win.From.IsZero() || o.win.To.IsZero():
		return usagef("give --week YYYY-Www or both --from and --to")
	default:
		from, to = o.win.From, o.win.To
	}
	what := "--from/--to"
	if o.week != "" {
		what = "--week " + o.week
	}
	return writeReport(ctx, f, o.reportOptions, func(st *store.Store, opt report.Options, out io.Writer) error {
		if err := checkWindows(ctx, st, what, report.Span{From: from, To: to}); err != nil {
			return err
		}
		c, err := report.BuildCapacity(ctx, st, from, to, opt)
		if err != nil {
			return err
		}
		return o.Output.Write(out, c)
	})
}

// ReportCompareOptions are the options of report compare.
type ReportCompareOptions struct {
	reportOptions
	before, after period
}

// NewCmdReportCompare builds report compare.
func NewCmdReportCompare(f *Factory, runF func(*ReportCompareOptions) error) *cobra.Command {
	o := &ReportCompareOptions{}
	c := reportCmd(f, &cobra.Command{
		Use:   "compare --before-from T --before-to T --after-from T --after-to T",
		Short: "The before/after results table: failures, peak utilization, linger p50/p95, peak disk, spill",
		Args:  cobra.NoArgs,
	}, o, &o.reportOptions, runF, func(ctx context.Context, o *ReportCompareOptions) error { return runReportCompare(ctx, f, o) })
	o.before.addFlags(c, "before", "the period before the fix")
	o.after.addFlags(c, "after", "the period after the fix")
	return c
}

func runReportCompare(ctx context.Context, f *Factory, o *ReportCompareOptions) error {
	var err error
	o.before.win.zone, o.after.win.zone = o.Output.TZ, o.Output.TZ
	before, hasBefore, err := o.before.span()
	if err != nil {
		return err
	}
	after, hasAfter, err := o.after.span()
	if err != nil {
		return err
	}
	if !hasBefore || !hasAfter {
		return usagef("give both periods: --before-from/--before-to and --after-from/--after-to")
	}
	return writeReport(ctx, f, o.reportOptions, func(st *store.Store, opt report.Options, out io.Writer) error {
		if err := checkWindows(ctx, st, "--before", before); err != nil {
			return err
		}
		if err := checkWindows(ctx, st, "--after", after); err != nil {
			return err
		}
		c, err := report.BuildCompare(ctx, st, before, after, opt)
		if err != nil {
			return err
		}
		return o.Output.Write(out, c)
	})
}

// writeReport opens the store and the config, builds and renders a report
// into -o (through a temporary file renamed into place) or stdout.
func writeReport(ctx context.Context, f *Factory, o reportOptions, build func(*store.Store, report.Options, io.Writer) error) error {
	if !o.out.toFile() && (o.out.format == reports.FormatHTML || o.out.format == "") && isTerminal(f.out) {
		return usagef("an HTML report is a whole page (about 1 MB): write it to a file with -o report.html, or ask for --format md or json on the terminal")
	}
	cfg, err := config.Resolve(o.configPath)
	if err != nil {
		return err
	}
	st, err := f.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	opt := report.Options{Now: f.now(), Version: gluelensVersion(), Config: cfg}
	return noFailure(o.out.write(f, func(w io.Writer) error { return build(st, opt, w) }))
}

// createBeside creates the hidden temporary file a report is written to
// before it is renamed over path. A new file gets 0666 less the process
// umask, as any file the user's shell would create; replacing a file keeps
// that file's permissions, so a report kept 0600 is never widened.
func createBeside(path string) (*os.File, error) {
	var b [6]byte
	_, _ = rand.Read(b[:])
	tmp := filepath.Join(filepath.Dir(path), fmt.Sprintf(".%s.%x.tmp", filepath.Base(path), b))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(path); err == nil {
		if err := f.Chmod(fi.Mode().Perm()); err != nil {
			f.Close()
			os.Remove(tmp)
			return nil, err
		}
	}
	return f, nil
}

// noFailure turns "nothing failed there" into "nothing found" (exit 6).
func noFailure(err error) error {
	if errors.Is(err, report.ErrNoFailure) {
		return &exitError{code: exitNotFound, msg: err.Error()}
	}
	return err
}

// period is a span given as NAME-from and NAME-to, or (deprecated) as
// NAME FROM..TO.
type period struct {
	name      string
	win       window
	rangeText string // the deprecated --NAME FROM..TO
}

func (p *period) addFlags(c *cobra.Command, name, what string) {
	p.name = name
	c.Flags().StringVar(&p.win.fromText, name+"-from", "", "start of "+what+": "+timeForms)
	c.Flags().StringVar(&p.win.toText, name+"-to", "", "end of "+what+" (exclusive; same forms)")
	deprecatedAlias(c, name, "--"+name+"-from and --"+name+"-to", &p.rangeText)
}

// span is the period given (given false when none was).
func (p *period) span() (sp report.Span, given bool, err error) {
	if p.rangeText != "" {
		if p.win.fromText != "" || p.win.toText != "" {
			return sp, false, usagef("give --%s-from/--%s-to or --%s FROM..TO, not both", p.name, p.name, p.name)
		}
		if sp, err = parseSpanIn(p.rangeText, p.win.zone); err != nil {
			return sp, false, usagef("--%s: %v", p.name, err)
		}
		return sp, true, nil
	}
	if p.win.fromText == "" && p.win.toText == "" {
		return sp, false, nil
	}
	if p.win.fromText == "" || p.win.toText == "" {
		return sp, false, usagef("give both --%s-from and --%s-to", p.name, p.name)
	}
	if err := p.win.parseNamed(p.name); err != nil {
		return sp, false, err
	}
	return report.Span{From: p.win.From, To: p.win.To}, true, nil
}

// parseSpan reads FROM..TO as parseSpanIn does, times without an offset as UTC.
func parseSpan(s string) (report.Span, error) { return parseSpanIn(s, time.UTC) }

// parseSpanIn reads FROM..TO, each in a form parseTimeIn accepts (a time
// without an offset in loc).
func parseSpanIn(s string, loc *time.Location) (report.Span, error) {
	a, b, ok := strings.Cut(s, "..")
	if !ok {
		return report.Span{}, fmt.Errorf("cannot read %q as FROM..TO", s)
	}
	from, err := parseTimeIn(a, loc)
	if err != nil {
		return report.Span{}, err
	}
	to, err := parseTimeIn(b, loc)
	if err != nil {
		return report.Span{}, err
	}
	if !to.After(from) {
		return report.Span{}, fmt.Errorf("%q: the end must come after the start", s)
	}
	return report.Span{From: from, To: to}, nil
}

// parseISOWeek returns the Monday 00:00 UTC starting ISO week "YYYY-Www".
func parseISOWeek(s string) (time.Time, error) {
	y, w, ok := strings.Cut(strings.ToUpper(strings.TrimSpace(s)), "-W")
	year, err1 := strconv.Atoi(y)
	week, err2 := strconv.Atoi(w)
	if !ok || err1 != nil || err2 != nil || week < 1 || week > 53 {
		return time.Time{}, fmt.Errorf("cannot read %q as an ISO week (use YYYY-Www, e.g. 2026-W47)", s)
	}
	// ISO week 1 holds January 4th.
	jan4 := time.Date(year, 1, 4, 0, 0, 0, 0, time.UTC)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
	start := monday.AddDate(0, 0, 7*(week-1))
	if yy, ww := start.ISOWeek(); yy != year || ww != week {
		return time.Time{}, fmt.Errorf("%d has no ISO week %d", year, week)
	}
	return start, nil
}
