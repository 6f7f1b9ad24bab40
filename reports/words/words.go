// Package words turns the plain data of a report summary into the
// sentences the HTML and Markdown reports open with, so both say the same
// thing with the same numbers. The sentences are plain text: each renderer
// escapes them for its own format.
package words

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/gluelens/gluelens/analysis/report"
)

// Plural returns "1 run" or "3 runs".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// List joins "a", "b" and "c" as "a, b and c".
func List(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

// Minutes renders a duration in minutes rounded to a whole minute.
func Minutes(m float64) string {
	return fmt.Sprintf("%.0f minutes", math.Round(m))
}

var lostKind = map[string][2]string{
	"task":     {"task", "tasks"},
	"executor": {"executor", "executors"},
	"stage":    {"stage", "stages"},
	"glue_run": {"Glue run", "Glue runs"},
}

// DiskLost renders "40 tasks, 20 executors and 1 Glue run".
func DiskLost(ks []report.KindCount) (string, int) {
	var parts []string
	total := 0
	for _, k := range ks {
		w, ok := lostKind[k.Kind]
		if !ok {
			w = [2]string{k.Kind, k.Kind}
		}
		parts = append(parts, Plural(k.Count, w[0], w[1]))
		total += k.Count
	}
	return List(parts), total
}

// Impact is the summary's first sentence: what failed, how often, when.
func Impact(kind string, s report.Summary) string {
	i := s.Impact
	if kind == "compare" {
		return fmt.Sprintf("Before (%s – %s): %s, %s for lack of IPs and %s for a full disk.",
			Stamp(i.First), Stamp(i.Last), Plural(i.FailedCreates, "refused ENI create", "refused ENI creates"),
			Plural(i.RunsFailedIP, "run failed", "runs failed"), Plural(i.RunsFailedDisk, "run failed", "runs failed"))
	}
	var parts []string
	if i.FailedCreates > 0 {
		where := ""
		if len(i.Subnets) > 0 {
			where = " in " + List(i.Subnets)
		}
		parts = append(parts, Plural(i.FailedCreates, "ENI create was", "ENI creates were")+" refused for lack of IPs"+where)
	}
	if i.RunsFailedIP > 0 {
		parts = append(parts, Plural(i.RunsFailedIP, "Glue run", "Glue runs")+" failed for lack of IPs")
	}
	if lost, n := DiskLost(i.DiskLost); n > 0 {
		parts = append(parts, fmt.Sprintf("%d records were lost to a full local disk (%s)", n, lost))
	}
	if i.RunsFailedElse > 0 {
		parts = append(parts, Plural(i.RunsFailedElse, "Glue run", "Glue runs")+" failed for another reason")
	}
	if len(parts) == 0 {
		return "Nothing failed for lack of IPs or disk in this window."
	}
	when := ""
	switch {
	case i.First.IsZero():
		when = "In the window, "
	case i.First.Equal(i.Last):
		when = "At " + Stamp(i.First) + ", "
	case i.First.YearDay() == i.Last.YearDay() && i.First.Year() == i.Last.Year():
		// One day: the date once, then the two clock times and the zone.
		when = "On " + i.First.Format(time.DateOnly) + " between " + Clock(i.First) + " and " + Clock(i.Last) + " " + i.Last.Format("MST") + ", "
	default:
		when = "Between " + Stamp(i.First) + " and " + Stamp(i.Last) + ", "
	}
	return when + List(parts) + "."
}

// Cause is the mechanism in a sentence or two, with the numbers.
func Cause(kind string, s report.Summary) []string {
	var out []string
	if c := s.IPCause; c != nil {
		out = append(out, ipMechanism(c))
		if c.HolderSplit {
			out = append(out, ipHolders(c))
		}
	}
	if c := s.DiskCause; c != nil {
		out = append(out, diskMechanism(c))
	}
	if len(out) == 0 {
		switch kind {
		case "compare":
			out = append(out, "A compare report measures a change; the cause is in the incident report of the before period.")
		default:
			out = append(out, "No subnet ran short of IPs and no executor came within 20 % of its disk.")
		}
	}
	return out
}

// size renders "/26 (subnet-…, 59 usable IPs)".
func size(c *report.IPCause) string {
	s := "subnet"
	if _, pre, ok := strings.Cut(c.CIDR, "/"); ok {
		s = "/" + pre
	}
	s += " (" + c.SubnetID
	if c.UsableIPs != nil {
		s += fmt.Sprintf(", %d usable IPs", *c.UsableIPs)
	}
	return s + ")"
}

func ipMechanism(c *report.IPCause) string {
	var parts []string
	if c.LingerP50Minutes != nil {
		over := Plural(c.LingerENIs, "ENI", "ENIs")
		if c.LingerAmbiguous > 0 {
			over += fmt.Sprintf(", %d of them with an ambiguous run", c.LingerAmbiguous)
		}
		parts = append(parts, fmt.Sprintf("Glue's ENIs linger a median of %s after their run ends (over %s)", Minutes(*c.LingerP50Minutes), over))
	}
	sz := size(c)
	switch n := len(c.Categories); {
	case n > 1:
		parts = append(parts, fmt.Sprintf("%d job categories (%s) share one %s", n, List(c.Categories), sz))
	case n == 1:
		parts = append(parts, fmt.Sprintf("category %s has one %s to itself", c.Categories[0], sz))
	default:
		parts = append(parts, fmt.Sprintf("the subnet is a %s", sz))
	}
	s := strings.Join(parts, ", and ") + "."
	if c.LingerP50Minutes != nil {
		s += " A finished run's IPs stay taken while the next runs ask for theirs."
	}
	return upper(s)
}

func ipHolders(c *report.IPCause) string {
	of := ""
	if c.UsableIPs != nil {
		of = fmt.Sprintf(" of %d", *c.UsableIPs)
	}
	held := []string{fmt.Sprintf("%d held by %s", c.HeldByRunningRuns, Plural(c.RunningRuns, "running run", "running runs"))}
	if c.HeldByFinishedRuns > 0 {
		held = append(held, fmt.Sprintf("%d by ENIs lingering after %s had ended", c.HeldByFinishedRuns, Plural(c.FinishedRuns, "run", "runs")))
	}
	held = append(held, otherHolders(c.HeldByNonGlue, c.Unattributed, c.Unaccounted)...)
	s := fmt.Sprintf("At %s the subnet had %d%s IPs in use: %s.", Clock(c.At), c.InUse, of, List(held))
	if c.AmbiguousIPs > 0 {
		s += " " + ambiguousSplit(c.AmbiguousIPs)
	}
	return s
}

// otherHolders renders the IPs held by others than Glue runs at a refusal:
// non-Glue ENIs, ENIs with no known owner and IPs no ENI explains.
func otherHolders(nonGlue, unattributed, unaccounted int64) []string {
	var out []string
	if nonGlue > 0 {
		out = append(out, heldBy(nonGlue, "a non-Glue ENI", "non-Glue ENIs"))
	}
	if unattributed > 0 {
		out = append(out, heldBy(unattributed, "an ENI with no known owner", "ENIs with no known owner"))
	}
	if unaccounted > 0 {
		out = append(out, fmt.Sprintf("%d unaccounted for by the evidence (the refusal proves them taken)", unaccounted))
	}
	return out
}

// ambiguousSplit says how far off the running/finished split may be.
func ambiguousSplit(ips int64) string {
	return fmt.Sprintf("The running/finished split may be off by up to %d: %s could belong to another run or ended within a minute of the refusal.",
		ips, Plural(int(ips), "IP's ENI", "IPs' ENIs"))
}

// heldBy renders "1 by a non-Glue ENI" or "3 by non-Glue ENIs".
func heldBy(ips int64, one, many string) string {
	if ips == 1 {
		return "1 by " + one
	}
	return fmt.Sprintf("%d by %s", ips, many)
}

func diskMechanism(c *report.DiskCause) string {
	usable := "no known usable disk"
	if c.UsableDiskBytes != nil {
		usable = Disk(*c.UsableDiskBytes) + " usable"
	}
	worker := c.WorkerType
	if worker == "" {
		worker = "unknown worker type"
	}
	verb := "peaked at"
	tail := ""
	if c.Full {
		verb = "went above its usable disk with"
		if c.ExecutorsFull > 1 {
			tail = fmt.Sprintf("; %d executors went above it in all", c.ExecutorsFull)
		}
	}
	return fmt.Sprintf("Shuffle files and spill fill the executors' local disk: at %s executor %s (%s, %s) %s an estimated %s — %s of shuffle files written and %s spilled%s.",
		Clock(c.At), c.Executor, worker, usable, verb, Bytes(c.DiskBytes), Bytes(c.ShuffleBytes), Bytes(c.SpillBytes), tail)
}

// Disk renders a worker's disk in GiB with the decimal GB AWS's
// worker-type table quotes beside it: "72.6 GiB (78 GB)".
func Disk(n int64) string {
	if n < 1<<30 {
		return Bytes(n)
	}
	return fmt.Sprintf("%s (%s GB)", Bytes(n), strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/1e9), ".0"))
}

// Status says whether an after period proves the change.
func Status(s report.Status) string {
	if s.State == report.StatusUnmeasured {
		return "Not yet proven: no after period was given. Once the change has run for a while, run the report again with --after FROM..TO (or report compare)."
	}
	rate := func(p *float64) string {
		if p == nil {
			return "—"
		}
		return fmt.Sprintf("%.2f", *p)
	}
	hours := func(h float64) string { return fmt.Sprintf("%.1f h", h) }
	period := func(creates, runs int, perHour *float64, sp float64) string {
		if creates == 0 && runs == 0 {
			return "none in " + hours(sp)
		}
		return fmt.Sprintf("%s and %s in %s of evidence (%s failed runs per hour)", Plural(creates, "refused create", "refused creates"),
			Plural(runs, "failed run", "failed runs"), hours(sp), rate(perHour))
	}
	b := period(s.FailedCreatesBefore, s.RunsFailedBefore, s.RunsFailedPerHourBefore, s.HoursBefore)
	a := period(s.FailedCreatesAfter, s.RunsFailedAfter, s.RunsFailedPerHourAfter, s.HoursAfter)
	switch s.State {
	case report.StatusNoFailures:
		return fmt.Sprintf("Nothing to prove: no refused create and no run failed for IPs or disk before (%s) or after (%s).", hours(s.HoursBefore), hours(s.HoursAfter))
	case report.StatusProven:
		return "Proven by the after period: before, " + b + "; after, " + a + "."
	case report.StatusBetter:
		return "Better, not yet proven: before, " + b + "; after, " + a + "."
	}
	return "Not better: before, " + b + "; after, " + a + "."
}

// Change renders one change as the summary lists it.
func Change(a report.Advice) string { return fmt.Sprintf("%d. %s", a.Rank, AdviceTitle(a)) }

// NoChange is what a summary says when there is no advice.
func NoChange(kind string) string {
	if kind == "compare" {
		return "Nothing to change here: this report measures a change already made."
	}
	return "No change is needed for what this evidence shows."
}

func upper(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
