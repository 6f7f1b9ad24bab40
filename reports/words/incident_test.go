package words_test

import (
	"testing"
	"time"

	"github.com/gluelens/gluelens/analysis/report"
	"github.com/gluelens/gluelens/reports/words"
)

// TestIncidentSentences tells an incident of each class from hand-set numbers.
func TestIncidentSentences(t *testing.T) {
	at := time.Date(2026, 11, 2, 6, 4, 37, 0, time.UTC)
	later := at.Add(12 * time.Minute)
	both := &report.Incident{Class: report.ClassBoth,
		Summary: report.Summary{Impact: report.Impact{First: at, Last: later, RunsFailedIP: 1, DiskLost: []report.KindCount{{Kind: "task", Count: 1}}}},
		Failure: report.Failure{SubnetID: "subnet-1", FailedCreates: 7},
		IP: &report.IPInvestigation{SubnetID: "subnet-1", CIDR: "10.0.0.0/26", UsableIPs: ptr(int64(59)), At: at, InUse: 59,
			HeldByRunningRuns: 11, HeldByFinishedRuns: 45, HeldByNonGlue: 1, Unattributed: 2, Unaccounted: 3, AmbiguousIPs: 1, RunningRuns: 1, FinishedRuns: 5,
			FinishedMinMinutesAgo: ptr(4.4), FinishedMaxMinutesAgo: ptr(61.6)},
		Disk: &report.DiskInvestigation{AppID: "app-1", RunID: "jr_1", Executor: "3", Full: true, ExecutorsFull: 2, DiskAt: later,
			DiskBytes: 5 << 30, ShuffleBytes: 3 << 30, SpillBytes: 2 << 30, UsableDiskBytes: ptr(int64(4 << 30))}}
	noLog := &report.Incident{Class: report.ClassDiskFull,
		Summary: report.Summary{Impact: report.Impact{First: at, Last: at, DiskLost: []report.KindCount{{Kind: "task", Count: 2}, {Kind: "executor", Count: 1}}}},
		Disk:    &report.DiskInvestigation{Failures: make([]report.DiskFailure, 3)}}
	other := &report.Incident{Class: report.ClassOther,
		Summary: report.Summary{Impact: report.Impact{First: at, Last: at, RunsFailedElse: 1}},
		Failure: report.Failure{Runs: []report.AffectedRun{{RunID: "jr_2", JobName: "ingest-x", CompletedOn: &at, ErrorMessage: "boom"}}}}
	for _, c := range []struct {
		name string
		got  string
		want string
	}{
		{"both failure", words.FailureSummary(both), "Between 06:04:37 and 06:16:37 7 ENI creates were refused in subnet-1; 1 Glue run failed for lack of IPs; 1 task was lost to a full local disk."},
		{"both root cause", words.RootCause(both), "At 06:04:37 subnet-1 (/26, 59 usable) had 59 IPs in use: 11 held by 1 running run, 45 by ENIs of 5 runs that had finished 4–62 minutes earlier, 1 by a non-Glue ENI, 2 by ENIs with no known owner and 3 unaccounted for by the evidence (the refusal proves them taken)." +
			" The running/finished split may be off by up to 1: 1 IP's ENI could belong to another run or ended within a minute of the refusal." +
			" At 06:16:37 executor 3 of app-1 (run jr_1, (unknown type), 4.0 GiB usable) went above its usable disk with an estimated 5.0 GiB of local disk: 3.0 GiB of shuffle files written and 2.0 GiB spilled; 2 executors went above it in all."},
		{"no log failure", words.FailureSummary(noLog), "Between 06:04:37 and 06:04:37 2 tasks and 1 executor were lost to a full local disk."},
		{"no log root cause", words.RootCause(noLog), "3 records reported \"No space left on device\"; no Spark event log of the run is in the database, so the disk usage cannot be shown."},
		{"other failure", words.FailureSummary(other), "Between 06:04:37 and 06:04:37 1 Glue run failed for a reason other than IPs or disk."},
		{"other root cause", words.RootCause(other), "Run jr_2 of ingest-x failed at 06:04:37 with: boom"},
	} {
		if c.got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, c.got, c.want)
		}
	}
}
