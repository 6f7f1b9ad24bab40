package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/analysis/evidence"
	"github.com/gluelens/gluelens/internal/store"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

func gluelensVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// Factory holds what every command shares (cli/cli's cmdutil.Factory): the
// streams, the database the --db flags name and the clock. Every command is
// built by a NewCmdX(f, runF) constructor from it; tests replace the streams
// and the clock, or pass a runF that captures the parsed options.
type Factory struct {
	in     io.Reader
	out    io.Writer
	errOut io.Writer
	dbPath string
	// now is the clock reports use; tests pin it.
	now func() time.Time
}

// exitError carries an exit code chosen by a command.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// Exit codes, one meaning each (documented in the README's "Exit status").
const (
	exitOK          = 0
	exitFailure     = 1   // the command failed
	exitUsage       = 2   // bad flags, arguments or an unknown subcommand
	exitPartial     = 3   // ingest finished but some objects failed
	exitCheck       = 4   // a check found a problem (gluelens check ...)
	exitIntegrity   = 5   // verify found a problem in the CloudTrail evidence
	exitNotFound    = 6   // the question was valid and the evidence holds no answer (e.g. no failure in the window)
	exitEvidence    = 7   // the evidence cannot answer the question: unknown subnet/run/job, window outside the evidence, no database
	exitGateWait    = 75  // gate: wait before launching (EX_TEMPFAIL)
	exitInterrupted = 130 // interrupted by a signal (Ctrl-C, SIGTERM)
)

func run(ctx context.Context, args []string, in io.Reader, out, errOut io.Writer) int {
	f := &Factory{in: in, out: out, errOut: errOut, now: func() time.Time { return time.Now().UTC() }}
	root := newRootCmd(f)
	root.SetArgs(args)
	root.SetOut(out)
	root.SetErr(errOut)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	if ctx.Err() != nil {
		// Ctrl-C or SIGTERM: what was committed stays, nothing half-loaded.
		fmt.Fprintln(errOut, "gluelens: interrupted; work committed before the signal is kept, the rest was not done")
		return exitInterrupted
	}
	if strings.HasPrefix(err.Error(), "unknown flag: ") {
		// "gluelens --db x typo": the command is what is wrong, not the
		// flag the missing command would have taken.
		if cmd, rest, ferr := root.Find(args); ferr == nil && cmd.HasSubCommands() {
			for i := 0; i < len(rest); i++ {
				switch w := rest[i]; {
				case w == "--db":
					i++
				case !strings.HasPrefix(w, "-"):
					err = fmt.Errorf("unknown command %q for %q", w, cmd.CommandPath())
					i = len(rest)
				}
			}
		}
	}
	if strings.HasPrefix(err.Error(), "unknown command ") {
		fmt.Fprintln(errOut, "gluelens:", err)
		return exitUsage
	}
	var ev *evidence.Error
	if errors.As(err, &ev) {
		fmt.Fprintln(errOut, "gluelens:", err)
		return exitEvidence
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(errOut, "gluelens:", ee.msg)
		}
		return ee.code
	}
	fmt.Fprintln(errOut, "gluelens:", err)
	var ue *usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return exitFailure
}

type usageError struct{ err error }

func (u *usageError) Error() string { return u.err.Error() }
func (u *usageError) Unwrap() error { return u.err }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

func newRootCmd(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:           "gluelens",
		Short:         "Offline forensics for AWS Glue: subnet IP exhaustion and full worker disks",
		Long:          "gluelens ingests CloudTrail ENI events, Glue job-run histories and Spark event logs into a DuckDB file,\nrebuilds ENI lifetimes, subnet occupancy and executor disk timelines, and explains what happened.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       gluelensVersion(),
	}
	root.PersistentPreRun = func(c *cobra.Command, _ []string) { noteDeprecated(c) }
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return &usageError{err} })
	store.Version = gluelensVersion()
	root.AddCommand(
		NewCmdIngest(f, nil),
		NewCmdENI(f),
		NewCmdRuns(f, nil),
		NewCmdSpark(f),
		NewCmdReport(f),
		NewCmdVerify(f, nil),
		NewCmdEvidence(f, nil),
		NewCmdCategories(f, nil),
		NewCmdPlan(f),
		NewCmdWhatif(f, nil),
		NewCmdCheck(f),
		NewCmdGate(f, nil),
		NewCmdExport(f, nil),
		NewCmdScale(f),
		NewCmdQuery(f, nil),
		NewCmdSchema(f, nil),
		NewCmdSynth(f),
		NewCmdVersion(f, nil),
	)
	strictGroups(root)
	usageArgs(root)
	return root
}

// strictGroups makes every command group (a command with subcommands and
// no action of its own) refuse an unknown subcommand with a usage error
// (exit 2) instead of printing its help and exiting 0; with no argument it
// still prints its help.
func strictGroups(c *cobra.Command) {
	for _, sub := range c.Commands() {
		strictGroups(sub)
	}
	if !c.HasSubCommands() || c.Runnable() {
		return
	}
	c.Args = cobra.ArbitraryArgs
	c.RunE = func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			return c.Help()
		}
		var names []string
		for _, s := range c.Commands() {
			if s.IsAvailableCommand() {
				names = append(names, s.Name())
			}
		}
		return usagef("unknown command %q for %q (one of: %s)", args[0], c.CommandPath(), strings.Join(names, ", "))
	}
}

// usageArgs makes a wrong number of arguments a usage error (exit 2), like
// an unknown flag, in every command.
func usageArgs(c *cobra.Command) {
	if check := c.Args; check != nil {
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				return &usageError{err}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		usageArgs(sub)
	}
}

// defaultDB is the database a command uses without --db: GLUELENS_DB, else
// gluelens.duckdb in the working directory.
func defaultDB() string {
	if p := os.Getenv("GLUELENS_DB"); p != "" {
		return p
	}
	return "gluelens.duckdb"
}

// addDBFlag adds --db to a command that reads or writes the database (and
// only to those: synth, schema, scale and version never see it).
func (f *Factory) addDBFlag(c *cobra.Command) {
	c.Flags().StringVar(&f.dbPath, "db", defaultDB(), "DuckDB database file (env GLUELENS_DB)")
	_ = c.MarkFlagFilename("db", "duckdb", "db")
}

// openStore opens the database named by --db read-only: reading never
// changes the evidence, and a missing database is an error (exit 7).
func (f *Factory) openStore(ctx context.Context) (*store.Store, error) {
	st, err := store.OpenReadOnly(ctx, f.dbPath)
	if err != nil {
		return nil, evidenceErr(err)
	}
	if st.StaleAttribution() {
		fmt.Fprintln(f.errOut, "gluelens: note: the stored ENI attribution is behind the evidence (an ingest stopped before rebuilding it);"+
			" this command computes it, the next ingest stores it")
	}
	return st, nil
}

// openStoreWrite opens (creating if needed) the database named by --db for
// a command that changes it, and says what it repaired.
func (f *Factory) openStoreWrite(ctx context.Context) (*store.Store, error) {
	st, err := store.Open(ctx, f.dbPath)
	if err != nil {
		return nil, err
	}
	for _, r := range st.Repaired {
		fmt.Fprintf(f.errOut, "gluelens: repaired %s: %s\n", f.dbPath, r)
	}
	return st, nil
}

// evidenceErr gives errors about the database (missing, damaged, another
// schema) the exit status of an evidence problem.
func evidenceErr(err error) error {
	var de *store.DatabaseError
	if errors.As(err, &de) {
		return &exitError{code: exitEvidence, msg: err.Error()}
	}
	return err
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// VersionOptions are the options of gluelens version (none but the streams).
type VersionOptions struct {
	f *Factory
}

// NewCmdVersion builds gluelens version.
func NewCmdVersion(f *Factory, runF func(*VersionOptions) error) *cobra.Command {
	o := &VersionOptions{f: f}
	return &cobra.Command{
		Use:   "version",
		Short: "Print the gluelens version and schema version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(o)
			}
			_, err := fmt.Fprintf(o.f.out, "gluelens %s (schema %d)\n", gluelensVersion(), store.SchemaVersion())
			return err
		},
	}
}
