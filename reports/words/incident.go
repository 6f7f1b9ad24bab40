package words

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/gluelens/gluelens/analysis/report"
)

// FailureSummary is the incident's "the failure" sentence: between the
// first and the last failure counted (the summary's impact), what was
// refused or lost.
func FailureSummary(inc *report.Incident) string {
	f, i := inc.Failure, inc.Summary.Impact
	var parts []string
	switch inc.Class {
	case report.ClassIPExhaustion, report.ClassBoth:
		parts = append(parts, fmt.Sprintf("%s refused in %s", Plural(f.FailedCreates, "ENI create was", "ENI creates were"), f.SubnetID))
		if n := i.RunsFailedIP; n > 0 {
			parts = append(parts, Plural(n, "Glue run failed for lack of IPs", "Glue runs failed for lack of IPs"))
		}
	}
	switch inc.Class {
	case report.ClassDiskFull, report.ClassBoth:
		lost, n := DiskLost(i.DiskLost)
		verb := " were"
		if n == 1 {
			verb = " was"
		}
		parts = append(parts, lost+verb+" lost to a full local disk")
	case report.ClassOther:
		parts = append(parts, Plural(len(f.Runs), "Glue run failed", "Glue runs failed")+" for a reason other than IPs or disk")
	}
	return fmt.Sprintf("Between %s and %s ", Clock(i.First), Clock(i.Last)) + strings.Join(parts, "; ") + "."
}

// RootCause is the incident's root cause in plain sentences with the
// numbers: who held the subnet's IPs at the refusal, how full the
// executor's disk ran, or else the failed run's own error.
func RootCause(inc *report.Incident) string {
	var s []string
	if ip := inc.IP; ip != nil {
		s = append(s, ipRootCause(ip)...)
	}
	if d := inc.Disk; d != nil && d.Executor != "" {
		worker := d.WorkerType
		if worker == "" {
			worker = "(unknown type)"
		}
		if d.RunID != "" {
			worker = "run " + d.RunID + ", " + worker
		}
		usable := "no known usable disk"
		if d.UsableDiskBytes != nil {
			usable = Bytes(*d.UsableDiskBytes) + " usable"
		}
		verb := "peaked at"
		tail := ""
		if d.Full {
			verb = "went above its usable disk with"
			if d.ExecutorsFull > 1 {
				tail = fmt.Sprintf("; %d executors went above it in all", d.ExecutorsFull)
			}
		}
		s = append(s, fmt.Sprintf("At %s executor %s of %s (%s, %s) %s an estimated %s of local disk: %s of shuffle files written and %s spilled%s.",
			Clock(d.DiskAt), d.Executor, d.AppID, worker, usable, verb, Bytes(d.DiskBytes), Bytes(d.ShuffleBytes), Bytes(d.SpillBytes), tail))
	} else if d != nil && len(d.Failures) > 0 {
		s = append(s, fmt.Sprintf("%s reported \"No space left on device\"; no Spark event log of the run is in the database, so the disk usage cannot be shown.", Plural(len(d.Failures), "record", "records")))
	}
	if len(s) == 0 && len(inc.Failure.Runs) > 0 {
		r := inc.Failure.Runs[0]
		var at time.Time
		if r.CompletedOn != nil {
			at = *r.CompletedOn
		}
		s = append(s, fmt.Sprintf("Run %s of %s failed at %s with: %s", r.RunID, r.JobName, Clock(at), r.ErrorMessage))
	}
	return strings.Join(s, " ")
}

// ipRootCause says who held the subnet's IPs at the refusal.
func ipRootCause(ip *report.IPInvestigation) []string {
	size := ""
	if _, p, ok := strings.Cut(ip.CIDR, "/"); ok {
		size = "/" + p
	}
	if ip.UsableIPs != nil {
		if size != "" {
			size += ", "
		}
		size += fmt.Sprintf("%d usable", *ip.UsableIPs)
	}
	if size != "" {
		size = " (" + size + ")"
	}
	held := []string{fmt.Sprintf("%d held by %s", ip.HeldByRunningRuns, Plural(ip.RunningRuns, "running run", "running runs"))}
	if ip.HeldByFinishedRuns > 0 {
		ago := ""
		if ip.FinishedMinMinutesAgo != nil && ip.FinishedMaxMinutesAgo != nil {
			lo, hi := math.Round(*ip.FinishedMinMinutesAgo), math.Round(*ip.FinishedMaxMinutesAgo)
			if lo == hi {
				ago = fmt.Sprintf(" %.0f minutes earlier", lo)
			} else {
				ago = fmt.Sprintf(" %.0f–%.0f minutes earlier", lo, hi)
			}
		}
		held = append(held, fmt.Sprintf("%d by ENIs of %s that had finished%s", ip.HeldByFinishedRuns, Plural(ip.FinishedRuns, "run", "runs"), ago))
	}
	held = append(held, otherHolders(ip.HeldByNonGlue, ip.Unattributed, ip.Unaccounted)...)
	s := []string{fmt.Sprintf("At %s %s%s had %d IPs in use: %s.", Clock(ip.At), ip.SubnetID, size, ip.InUse, List(held))}
	if ip.AmbiguousIPs > 0 {
		s = append(s, ambiguousSplit(ip.AmbiguousIPs))
	}
	return s
}
