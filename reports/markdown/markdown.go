// Package markdown renders gluelens reports as a short Markdown summary
// for a ticket or a chat: the failure, the root cause, the fix with the
// lines to paste, and the before/after table. Strings from logs are
// escaped so they cannot add links, emphasis or table cells.
package markdown

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gluelens/gluelens/analysis/report"
	"github.com/gluelens/gluelens/reports/words"
	"github.com/gluelens/gluelens/reports/zone"
)

// Writer renders reports as Markdown.
type Writer struct {
	// Zone is the zone the report's dates and clocks are shown in (nil:
	// UTC); the header names it.
	Zone *time.Location
}

func (w Writer) zone() *time.Location {
	if w.Zone == nil {
		return time.UTC
	}
	return w.Zone
}

// esc makes untrusted text inert inline Markdown: one line, punctuation
// that Markdown or HTML would interpret backslash-escaped.
func esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f:
		case strings.ContainsRune("\\`*_[]<>|~&", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// code renders s as inline code, using a fence longer than any backtick
// run inside it.
func code(s string) string {
	s = strings.NewReplacer("\n", " ", "\r", " ").Replace(s)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	return fence + pad + s + pad + fence
}

// block renders s as a fenced code block indented by indent (to sit in a
// list item), with a fence longer than any backtick run inside it.
func block(s, indent string) string {
	fence := "```"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	var b strings.Builder
	b.WriteString(indent + fence + "\n")
	for _, l := range lines {
		b.WriteString(indent + strings.Map(func(r rune) rune {
			if r < 0x20 && r != '\t' {
				return -1
			}
			return r
		}, l) + "\n")
	}
	b.WriteString(indent + fence + "\n")
	return b.String()
}

func header(w *bufio.Writer, h report.Header, title string) {
	fmt.Fprintf(w, "# %s\n\n", esc(title))
	fmt.Fprintf(w, "_Window %s – %s · times in %s · gluelens %s · %s_\n\n", words.Stamp(h.From), words.Stamp(h.To), h.From.Location(), esc(h.Version), esc(h.Database))
	if lines := words.RestsOn(h); len(lines) > 0 {
		fmt.Fprint(w, "**What this rests on.**\n\n")
		for _, l := range lines {
			fmt.Fprintf(w, "- %s\n", esc(l))
		}
		fmt.Fprintln(w)
	}
}

// summary opens every report: impact, cause, what to change, status.
func summary(w *bufio.Writer, kind string, s report.Summary) {
	fmt.Fprintf(w, "**What failed.** %s\n\n", esc(words.Impact(kind, s)))
	fmt.Fprintf(w, "**Why.** %s\n\n", esc(strings.Join(words.Cause(kind, s), " ")))
	if len(s.Changes) == 0 {
		fmt.Fprintf(w, "**What to change.** %s\n\n", esc(words.NoChange(kind)))
	} else {
		fmt.Fprint(w, "**What to change.** ")
		for i, c := range s.Changes {
			if i > 0 {
				fmt.Fprint(w, " ")
			}
			fmt.Fprint(w, esc(words.Change(c)))
			if !strings.HasSuffix(words.AdviceTitle(c), ".") {
				fmt.Fprint(w, ".")
			}
		}
		fmt.Fprint(w, " The lines to paste are below.\n\n")
	}
	fmt.Fprintf(w, "**Status.** %s\n\n", esc(words.Status(s.Status)))
	fmt.Fprintln(w, "---")
	fmt.Fprintln(w)
}

func fix(w *bufio.Writer, f report.Fix) {
	if len(f.Advice) == 0 && len(f.Unavailable) == 0 {
		fmt.Fprintln(w, "No change is needed for what this evidence shows.")
	}
	for _, a := range f.Advice {
		if !strings.Contains(a.Config, "\n") {
			fmt.Fprintf(w, "%d. **%s** — %s\n", a.Rank, esc(words.AdviceTitle(a)), code(a.Config))
			continue
		}
		fmt.Fprintf(w, "%d. **%s**\n\n", a.Rank, esc(words.AdviceTitle(a)))
		if p := a.Placement; p != nil {
			if p.CIDR != "" {
				fmt.Fprintf(w, "   To apply it, paste these lines into bash: they create the subnet, a Glue connection to it and re-point each job (get-job, then update-job with the whole definition, its connections changed), and stop at the first error.\n\n")
			}
			if problem := words.PlaceProblem(p); problem != "" {
				fmt.Fprintf(w, "   _No free block named:_ %s.\n\n", esc(problem))
			}
			if p.Lines != "" {
				fmt.Fprintf(w, "%s\n", block(strings.TrimSuffix(p.Lines, "\n"), "   "))
			}
			fmt.Fprintf(w, "   gluelens.yaml for the split:\n\n")
		}
		fmt.Fprintf(w, "%s\n", block(a.Config, "   "))
	}
	for _, u := range f.Unavailable {
		fmt.Fprintf(w, "- _Unavailable:_ %s\n", esc(words.Unavailable(u)))
	}
	fmt.Fprintln(w)
}

func comparison(w *bufio.Writer, c report.Comparison) {
	fmt.Fprintf(w, "Before %s – %s, after %s – %s.\n\n", words.Stamp(c.Before.From), words.Stamp(c.Before.To), words.Stamp(c.After.From), words.Stamp(c.After.To))
	fmt.Fprintln(w, "| Metric | Before | After | Change |")
	fmt.Fprintln(w, "|---|---:|---:|---:|")
	for _, m := range c.Metrics {
		fmt.Fprintf(w, "| %s (%s) | %s | %s | %s |\n", esc(m.Name), esc(m.Unit), value(m.Before, m.Unit), value(m.After, m.Unit), esc(words.MetricChange(m)))
	}
	fmt.Fprintln(w)
}

func value(f *float64, unit string) string {
	if f == nil {
		return "—"
	}
	switch unit {
	case "%", "min", "h":
		return fmt.Sprintf("%.1f", *f)
	case "GiB", "runs/h", "creates/h":
		return fmt.Sprintf("%.2f", *f)
	}
	return fmt.Sprintf("%.0f", *f)
}

// WriteIncident renders an incident summary.
func (wr Writer) WriteIncident(out io.Writer, inc *report.Incident) error {
	inc = zone.Copy(inc, wr.zone())
	w := bufio.NewWriter(out)
	header(w, inc.Header, words.Title(inc))
	summary(w, inc.Header.Kind, inc.Summary)
	fmt.Fprintf(w, "**The failure.** %s\n\n", esc(words.FailureSummary(inc)))
	if inc.Failure.ErrorText != "" {
		fmt.Fprintf(w, "Error at %s: %s\n\n", words.Stamp(inc.Failure.At), code(inc.Failure.ErrorText))
	}
	if n := len(inc.Failure.Runs); n > 0 {
		fmt.Fprintf(w, "Failed runs (%d): ", n)
		for i, r := range inc.Failure.Runs {
			if i == 5 {
				fmt.Fprintf(w, ", and %d more", n-5)
				break
			}
			if i > 0 {
				fmt.Fprint(w, ", ")
			}
			fmt.Fprintf(w, "%s %s", esc(r.JobName), code(r.RunID))
		}
		fmt.Fprint(w, "\n\n")
	}
	fmt.Fprintf(w, "**Root cause.** %s\n\n", esc(words.RootCause(inc)))
	fmt.Fprintln(w, "**The fix.**")
	fmt.Fprintln(w)
	fix(w, inc.Fix)
	if inc.Results != nil {
		fmt.Fprintln(w, "**The results.**")
		fmt.Fprintln(w)
		comparison(w, *inc.Results)
	}
	return w.Flush()
}

// WriteCapacity renders a capacity summary.
func (wr Writer) WriteCapacity(out io.Writer, c *report.Capacity) error {
	c = zone.Copy(c, wr.zone())
	w := bufio.NewWriter(out)
	header(w, c.Header, words.Title(c))
	summary(w, c.Header.Kind, c.Summary)
	fmt.Fprintln(w, "| Subnet | CIDR | Peak | Peak % | p95 % | h ≥ 90 % | Failed creates | Linger p95 (min) |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---:|")
	for _, s := range c.Subnets {
		fmt.Fprintf(w, "| %s | %s | %d | %s | %s | %s | %d | %s |\n", code(s.SubnetID), esc(s.CIDR), s.PeakInUse,
			opt(s.PeakPct), opt(s.P95Pct), opt(s.HoursAbove90), s.FailedCreates, opt(s.Linger.P95))
	}
	fmt.Fprintln(w)
	if len(c.Jobs) > 0 {
		fmt.Fprint(w, "Top consumers (IP-hours, of which lingering): ")
		for i, j := range c.Jobs {
			if i == 5 {
				break
			}
			if i > 0 {
				fmt.Fprint(w, "; ")
			}
			fmt.Fprintf(w, "%s %.1f (%.1f)", esc(j.Name), j.IPHours, j.LingerIPHours)
		}
		fmt.Fprint(w, "\n\n")
	}
	if c.DiskFailures > 0 {
		lost, _ := words.DiskLost(c.Summary.Impact.DiskLost)
		fmt.Fprintf(w, "Lost to a full local disk: %s.\n\n", esc(lost))
	}
	fmt.Fprintln(w, "**Recommended actions.**")
	fmt.Fprintln(w)
	fix(w, c.Actions)
	return w.Flush()
}

func opt(f *float64) string {
	if f == nil {
		return "—"
	}
	return fmt.Sprintf("%.1f", *f)
}

// WriteCompare renders the before/after table.
func (wr Writer) WriteCompare(out io.Writer, c *report.Compare) error {
	c = zone.Copy(c, wr.zone())
	w := bufio.NewWriter(out)
	header(w, c.Header, words.Title(c))
	summary(w, c.Header.Kind, c.Summary)
	comparison(w, c.Results)
	overlays(w, c, c.Header.From.Location())
	return w.Flush()
}

// overlays gives the key points of the compare report's curves: each
// curve's peak and when, or that no Spark event log covers a period.
func overlays(w *bufio.Writer, c *report.Compare, loc *time.Location) {
	table := func(title string, rows []words.KeyPoint, refused bool) {
		if len(rows) == 0 {
			return
		}
		fmt.Fprintf(w, "**%s**\n\n", title)
		if refused {
			fmt.Fprintln(w, "| Curve | Peak | Of | When | Refused creates |")
			fmt.Fprintln(w, "|---|---:|---:|---|---:|")
		} else {
			fmt.Fprintln(w, "| Curve | Peak | Of | When |")
			fmt.Fprintln(w, "|---|---:|---:|---|")
		}
		for _, r := range rows {
			if refused {
				fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", esc(r.Curve), esc(r.Peak), esc(r.Of), esc(r.When), esc(r.Refused))
			} else {
				fmt.Fprintf(w, "| %s | %s | %s | %s |\n", esc(r.Curve), esc(r.Peak), esc(r.Of), esc(r.When))
			}
		}
		fmt.Fprintln(w)
	}
	table("IPs in use (the HTML report overlays the curves)", words.OccupancyKeyPoints(c, loc), true)
	table("Executor local disk, the highest estimate of any executor", words.DiskKeyPoints(c, loc), false)
}
