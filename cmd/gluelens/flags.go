package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/reports"
)

// window is the --from/--to pair most commands take.
type window struct {
	fromText, toText string
	From, To         time.Time // zero when not given
}

func (w *window) addFlags(c *cobra.Command) {
	c.Flags().StringVar(&w.fromText, "from", "", "start of the time window (RFC 3339, 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM[:SS]', UTC)")
	c.Flags().StringVar(&w.toText, "to", "", "end of the time window (exclusive; same forms as --from)")
}

func (w *window) parse() error {
	var err error
	if w.fromText != "" {
		if w.From, err = parseTime(w.fromText); err != nil {
			return usagef("--from: %v", err)
		}
	}
	if w.toText != "" {
		if w.To, err = parseTime(w.toText); err != nil {
			return usagef("--to: %v", err)
		}
	}
	if !w.From.IsZero() && !w.To.IsZero() && !w.To.After(w.From) {
		return usagef("--to (%s) must be after --from (%s)", w.toText, w.fromText)
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

// parseTime accepts RFC 3339 (any offset), a date, or a date and time
// without zone (taken as UTC).
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot read %q as a time (use RFC 3339 like 2026-11-02T07:03:00Z, or 2026-11-02 07:03)", s)
}

// formatFlag adds --format.
func formatFlag(c *cobra.Command, f *string) {
	c.Flags().StringVar(f, "format", reports.FormatTable, "output format: table, json or csv")
}

func checkFormat(f string) error {
	switch f {
	case reports.FormatTable, reports.FormatJSON, reports.FormatCSV:
		return nil
	}
	return usagef("unknown --format %q (want table, json or csv)", f)
}
