package main

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // --tz works on a machine without a zone database

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/gluelens/gluelens/reports"
)

// window is the --from/--to pair most commands take.
type window struct {
	fromText, toText string
	From, To         time.Time      // zero when not given
	zone             *time.Location // where a time without an offset is read (nil: UTC)
}

// timeForms names the forms every time flag and argument accepts.
const timeForms = "RFC 3339, 'YYYY-MM-DD[ HH:MM[:SS]]' (in the --tz zone where the command has --tz, else UTC, unless an offset is given), or epoch seconds or milliseconds"

func (w *window) addFlags(c *cobra.Command) {
	w.addNamedFlags(c, "")
}

// addNamedFlags adds PREFIX-from and PREFIX-to (--from/--to without a prefix).
func (w *window) addNamedFlags(c *cobra.Command, prefix string) {
	name, what := "from", "start of the time window"
	if prefix != "" {
		name, what = prefix+"-from", "start of the "+prefix+" period"
	}
	c.Flags().StringVar(&w.fromText, name, "", what+": "+timeForms)
	c.Flags().StringVar(&w.toText, strings.TrimSuffix(name, "from")+"to", "", "end of the "+strings.TrimPrefix(what, "start of the ")+" (exclusive; same forms)")
}

func (w *window) parse() error { return w.parseNamed("") }

func (w *window) parseNamed(prefix string) error {
	from, to := "--from", "--to"
	if prefix != "" {
		from, to = "--"+prefix+"-from", "--"+prefix+"-to"
	}
	var err error
	if w.fromText != "" {
		if w.From, err = parseTimeIn(w.fromText, w.zone); err != nil {
			return usagef("%s: %v", from, err)
		}
	}
	if w.toText != "" {
		if w.To, err = parseTimeIn(w.toText, w.zone); err != nil {
			return usagef("%s: %v", to, err)
		}
	}
	if !w.From.IsZero() && !w.To.IsZero() && !w.To.After(w.From) {
		return usagef("%s (%s) must be after %s (%s)", to, w.toText, from, w.fromText)
	}
	return nil
}

// text describes the window for messages.
func (w *window) text() string {
	switch {
	case w.From.IsZero() && w.To.IsZero():
		return "the whole evidence"
	case w.From.IsZero():
		return "the evidence before " + w.To.Format("2006-01-02 15:04:05")
	case w.To.IsZero():
		return "the evidence from " + w.From.Format("2006-01-02 15:04:05")
	}
	return w.From.Format("2006-01-02 15:04:05") + ".." + w.To.Format("2006-01-02 15:04:05")
}

var epochRe = regexp.MustCompile(`^[0-9]{1,16}$`)

// epochMillisFrom is where a bare number stops being seconds and starts
// being milliseconds: 1e11 seconds is the year 5138, 1e11 milliseconds
// March 1973.
const epochMillisFrom = 1e11

// parseTime reads a time as parseTimeIn does, a time without an offset as UTC.
func parseTime(s string) (time.Time, error) { return parseTimeIn(s, time.UTC) }

// parseTimeIn accepts RFC 3339 (any offset, 'T' or a space between date and
// clock, as tables print it), a date, a date and time without an offset
// (read in loc, the --tz zone a table in that zone was printed in; nil is
// UTC), or epoch seconds or milliseconds. The result is in UTC.
func parseTimeIn(s string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	s = strings.TrimSpace(s)
	if epochRe.MatchString(s) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err == nil {
			if n >= epochMillisFrom {
				return time.UnixMilli(n).UTC(), nil
			}
			return time.Unix(n, 0).UTC(), nil
		}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02T15:04:05", "2006-01-02 15:04:05",
		"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot read %q as a time (use RFC 3339 like 2026-11-02T07:03:00Z, 2026-11-02 07:03, or epoch seconds like 1762066980)", s)
}

// outputFlags are the output flags every command that prints a result
// shares: --format (from the command's own list), -o/--output, and for
// tables and text --tz and --wide.
type outputFlags struct {
	format  string
	formats []string // what this command writes; the first is the default
	path    string   // -o/--output: "" or "-" is standard output
	tz      string
	wide    bool
	display bool // the command has --tz and --wide
}

// listFormats are the formats of a listing.
var listFormats = reports.ListFormats

// add adds --format (default: formats[0]) and -o/--output to c.
func (o *outputFlags) add(c *cobra.Command, formats ...string) {
	o.formats = formats
	usage := "output format: " + strings.Join(formats, ", ")
	if formats[0] == "" {
		// The command's own text form is the default.
		usage = "output format: " + strings.Join(formats[1:], ", ") + " (default: " + c.Name() + "'s text)"
	}
	c.Flags().StringVar(&o.format, "format", formats[0], usage)
	c.Flags().StringVarP(&o.path, "output", "o", "", "file to write (default: standard output)")
	valid := slices.DeleteFunc(slices.Clone(formats), func(f string) bool { return f == "" })
	_ = c.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(valid, cobra.ShellCompDirectiveNoFileComp))
}

// addDisplay adds --tz and --wide, for commands that print tables or text.
func (o *outputFlags) addDisplay(c *cobra.Command) {
	o.addTZ(c, "time zone of the times in tables and text (an IANA name like Europe/Berlin, or Local); JSON and CSV stay in UTC")
	c.Flags().BoolVar(&o.wide, "wide", false, "tables: every column, full run ids and texts (default: fit 120 columns)")
}

// addTZ adds --tz alone (the reports: no table to widen).
func (o *outputFlags) addTZ(c *cobra.Command, usage string) {
	o.display = true
	c.Flags().StringVar(&o.tz, "tz", "UTC", usage)
	_ = c.RegisterFlagCompletionFunc("tz", cobra.FixedCompletions([]string{"UTC", "Local", "Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles", "Asia/Tokyo"}, cobra.ShellCompDirectiveNoFileComp))
}

// check validates --format and --tz, with one wording for every command.
func (o *outputFlags) check() (reports.Output, error) {
	out := reports.Output{Format: o.format}
	if o.format == "markdown" && slices.Contains(o.formats, reports.FormatMarkdown) {
		out.Format = reports.FormatMarkdown
	}
	if !slices.Contains(o.formats, out.Format) {
		valid := slices.DeleteFunc(slices.Clone(o.formats), func(f string) bool { return f == "" })
		return out, usagef("unknown --format %q (want one of: %s)", o.format, strings.Join(valid, ", "))
	}
	if o.display {
		loc, err := loadZone(o.tz)
		if err != nil {
			return out, usagef("--tz %q: not a time zone (want an IANA name like Europe/Berlin, UTC or Local)", o.tz)
		}
		out.TZ, out.Wide = loc, o.wide
	}
	return out, nil
}

// loadZone resolves a --tz name; the embedded zone database makes every
// IANA name work without /usr/share/zoneinfo.
func loadZone(name string) (*time.Location, error) {
	switch name {
	case "", "UTC", "utc", "Z":
		return time.UTC, nil
	}
	return time.LoadLocation(name)
}

// toFile reports whether -o names a file (not standard output).
func (o *outputFlags) toFile() bool { return o.path != "" && o.path != "-" }

// write runs render into -o (through a temporary file renamed into place,
// so a failed command leaves any earlier file whole) or into stdout.
func (o *outputFlags) write(f *Factory, render func(io.Writer) error) error {
	if !o.toFile() {
		return render(f.out)
	}
	if fi, err := os.Stat(o.path); err == nil && !fi.Mode().IsRegular() {
		// A device or a pipe (/dev/null, a FIFO): write into it; renaming a
		// file over it would replace it.
		f, err := os.OpenFile(o.path, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("writing %s: %w", o.path, err)
		}
		if err := render(f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	tmp, err := createBeside(o.path)
	if err != nil {
		return fmt.Errorf("writing %s: %w", o.path, err)
	}
	defer os.Remove(tmp.Name())
	if err := render(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", o.path, err)
	}
	if err := os.Rename(tmp.Name(), o.path); err != nil {
		return fmt.Errorf("writing %s: %w", o.path, err)
	}
	fmt.Fprintf(f.errOut, "wrote %s\n", o.path)
	return nil
}

// deprecatedAnnotation marks a hidden flag kept for old scripts; its
// value is the flag to use instead (see noteDeprecated).
const deprecatedAnnotation = "gluelens_deprecated"

// deprecatedAlias adds a hidden flag old that sets the same value as the
// flag named instead; using it prints a note.
func deprecatedAlias(c *cobra.Command, old, instead string, p *string) {
	c.Flags().StringVar(p, old, "", "deprecated: "+instead)
	_ = c.Flags().MarkHidden(old)
	_ = c.Flags().SetAnnotation(old, deprecatedAnnotation, []string{instead})
}

// noteDeprecated says on stderr which deprecated flags c was given.
func noteDeprecated(c *cobra.Command) {
	c.Flags().Visit(func(f *pflag.Flag) {
		if instead, ok := f.Annotations[deprecatedAnnotation]; ok {
			fmt.Fprintf(c.ErrOrStderr(), "gluelens: --%s is deprecated and will be removed: use %s\n", f.Name, instead[0])
		}
	})
}
