package words_test

import (
	"testing"
	"time"

	"github.com/gluelens/gluelens/analysis/report"
	"github.com/gluelens/gluelens/reports/words"
)

func ptr[T any](v T) *T { return &v }

func TestSummarySentences(t *testing.T) {
	at := time.Date(2026, 11, 2, 6, 4, 37, 0, time.UTC)
	day := report.Span{From: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)}
	week := report.Span{From: day.From.AddDate(0, 0, 7), To: day.From.AddDate(0, 0, 14)}
	ip := report.Summary{
		Impact: report.Impact{First: at, Last: at.Add(10*time.Minute + 10*time.Second), FailedCreates: 7, Subnets: []string{"subnet-1"}, RunsFailedIP: 1},
		IPCause: &report.IPCause{SubnetID: "subnet-1", CIDR: "10.0.0.0/26", UsableIPs: ptr(int64(59)), At: at, InUse: 59, HolderSplit: true,
			HeldByRunningRuns: 11, HeldByFinishedRuns: 45, HeldByNonGlue: 2, Unattributed: 1, RunningRuns: 2, FinishedRuns: 5,
			LingerP50Minutes: ptr(68.6), LingerENIs: 71, Categories: []string{"export", "ingest", "transform"}},
	}
	disk := report.Summary{Impact: report.Impact{First: at, Last: at, DiskLost: []report.KindCount{{Kind: "task", Count: 3}, {Kind: "glue_run", Count: 1}}},
		DiskCause: &report.DiskCause{Executor: "4", WorkerType: "G.2X", Full: true, At: at, DiskBytes: 3 << 30, ShuffleBytes: 2 << 30, SpillBytes: 1 << 30, UsableDiskBytes: ptr(int64(5 << 29)), ExecutorsFull: 1}}
	for _, c := range []struct {
		name string
		got  string
		want string
	}{
		{"ip impact", words.Impact("incident", ip), "On 2026-11-02 between 06:04:37 and 06:14:47 UTC, 7 ENI creates were refused for lack of IPs in subnet-1 and 1 Glue run failed for lack of IPs."},
		{"ip mechanism", words.Cause("incident", ip)[0], "Glue's ENIs linger a median of 69 minutes after their run ends (over 71 ENIs), and 3 job categories (export, ingest and transform) share one /26 (subnet-1, 59 usable IPs). A finished run's IPs stay taken while the next runs ask for theirs."},
		{"ip holders", words.Cause("incident", ip)[1], "At 06:04:37 the subnet had 59 of 59 IPs in use: 11 held by 2 running runs, 45 by ENIs lingering after 5 runs had ended, 2 by non-Glue ENIs and 1 by an ENI with no known owner."},
		{"disk impact", words.Impact("incident", disk), "At 2026-11-02 06:04:37 UTC, 4 records were lost to a full local disk (3 tasks and 1 Glue run)."},
		{"disk cause", words.Cause("incident", disk)[0], "Shuffle files and spill fill the executors' local disk: at 06:04:37 executor 4 (G.2X, 2.5 GiB (2.7 GB) usable) went above its usable disk with an estimated 3.0 GiB — 2.0 GiB of shuffle files written and 1.0 GiB spilled."},
		{"unmeasured", words.Status(report.Status{State: report.StatusUnmeasured}), "Not yet proven: no after period was given. Once the change has run for a while, run the report again with --after FROM..TO (or report compare)."},
		{"proven", words.Status(report.Status{State: report.StatusProven, Before: &day, After: &week, FailedCreatesBefore: 7, RunsFailedBefore: 7, HoursBefore: 24, HoursAfter: 168, RunsFailedPerHourBefore: ptr(7.0 / 24), RunsFailedPerHourAfter: ptr(0.0)}),
			"Proven by the after period: before, 7 refused creates and 7 failed runs in 24.0 h of evidence (0.29 failed runs per hour); after, none in 168.0 h."},
		{"better", words.Status(report.Status{State: report.StatusBetter, Before: &day, After: &week, FailedCreatesBefore: 1, RunsFailedBefore: 24, FailedCreatesAfter: 0, RunsFailedAfter: 1, HoursBefore: 24, HoursAfter: 168, RunsFailedPerHourBefore: ptr(1.0), RunsFailedPerHourAfter: ptr(1.0 / 168)}),
			"Better, not yet proven: before, 1 refused create and 24 failed runs in 24.0 h of evidence (1.00 failed runs per hour); after, 0 refused creates and 1 failed run in 168.0 h of evidence (0.01 failed runs per hour)."},
		{"capacity with nothing", words.Impact("capacity", report.Summary{}), "Nothing failed for lack of IPs or disk in this window."},
		{"compare change", words.NoChange("compare"), "Nothing to change here: this report measures a change already made."},
	} {
		if c.got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, c.got, c.want)
		}
	}
}
