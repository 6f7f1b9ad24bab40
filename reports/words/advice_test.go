package words_test

import (
	"testing"
	"time"

	"github.com/gluelens/gluelens/analysis/place"
	"github.com/gluelens/gluelens/analysis/plan"
	"github.com/gluelens/gluelens/analysis/report"
	"github.com/gluelens/gluelens/analysis/spark"
	"github.com/gluelens/gluelens/reports/words"
)

// TestSparkSentences words each recommendation topic; the byte figures are
// round binary units chosen so the expected text can be worked out by hand
// (1.5 GiB = 3 << 29, 72.6 GiB (78 GB) = 78e9 bytes).
func TestSparkSentences(t *testing.T) {
	const mib, gib = int64(1) << 20, int64(1) << 30
	skew := spark.Recommendation{Topic: spark.TopicSkew, Partitions: &spark.PartitionEvidence{StageID: 3, MaxReadBytes: 3 << 29, Skew: 4.25, DiskSpilled: 2 * gib}}
	fewer := spark.Recommendation{Topic: spark.TopicFewerPartitions, Partitions: &spark.PartitionEvidence{StageID: 2, Partitions: 200, InputBytes: 100 * mib,
		BytesPerPartition: 512 << 10, Recommended: 1, EmptyPartitions: 50, PartitionsSeen: 200, EmptyShare: 0.25}}
	codec := spark.Recommendation{Topic: spark.TopicCodec, Codec: &spark.CodecEvidence{Current: "snappy", Source: "explicit", PeakDiskBytes: 10 * gib,
		ProjectedPeakBytes: 5 * gib, ProjectedLowBytes: 4 * gib, Executor: "7", UsableBytes: ptr(int64(20 * gib))}}
	coalesce := spark.Recommendation{Topic: spark.TopicAQE, AQE: &spark.AQEEvidence{Reason: spark.AQECoalesceOff}}
	old := spark.Recommendation{Topic: spark.TopicAQE, AQE: &spark.AQEEvidence{Reason: spark.AQEDefaultOff, SparkVersion: "3.1.1-amzn-0"}}
	worker := spark.Recommendation{Topic: spark.TopicWorkerType, Disk: &spark.DiskEvidence{Executor: "2", PeakDiskBytes: 100 * gib, ProjectedPeakBytes: 56 * gib,
		UsableBytes: 78e9, SuggestedWorkerType: "G.4X", SuggestedUsable: 230e9}}
	s3 := spark.Recommendation{Topic: spark.TopicS3Shuffle, Disk: &spark.DiskEvidence{Executor: "5", ProjectedPeakBytes: 3 << 39}}
	for _, c := range []struct {
		name string
		got  string
		want string
	}{
		{"skew title", words.SparkTitle(skew), "Stage 3 is skewed: its largest partition reads 1.5 GiB, 4.2× the mean of the others"},
		{"skew detail", words.SparkDetail(skew), "The stage spilled 2.0 GiB to disk. More partitions would not split the hot key: let AQE split skewed join partitions, or salt the key (add a random suffix before the shuffle and aggregate twice)."},
		{"fewer title", words.SparkTitle(fewer), "Lower spark.sql.shuffle.partitions from 200 to 1"},
		{"fewer detail", words.SparkDetail(fewer), "Stage 2 reads only 100.0 MiB through 200 partitions (512.0 KiB each): task start-up dominates. 1 = ceil(100.0 MiB / 200 MiB). 50 of the 200 partitions seen (25 %) read nothing, so the rest are even larger than the average."},
		{"codec title", words.SparkTitle(codec), "Compress shuffle and spill with zstd instead of snappy"},
		{"codec detail", words.SparkDetail(codec), "Shuffle and spill are compressed with snappy (set explicitly). Executor 7 peaked at 10.0 GiB of estimated disk against 20.0 GiB (21.5 GB) usable (50 %); with zstd the same data would take about 4.0 GiB–5.0 GiB."},
		{"coalesce title", words.SparkTitle(coalesce), "Let AQE coalesce small shuffle partitions"},
		{"coalesce detail", words.SparkDetail(coalesce), "The job turns spark.sql.adaptive.coalescePartitions.enabled off, so empty and tiny partitions each cost a task."},
		{"old spark title", words.SparkTitle(old), "Turn on adaptive query execution (Spark 3.1.1-amzn-0 leaves adaptive query execution off unless asked (on by default only since 3.2))"},
		{"old spark detail", words.SparkDetail(old), "With AQE, Spark sizes shuffle partitions from the data it actually wrote: it coalesces empty and small partitions toward the advisory size and splits skewed join partitions."},
		{"worker title", words.SparkTitle(worker), "Run on G.4X workers (214.2 GiB (230 GB) usable disk each)"},
		{"worker detail", words.SparkDetail(worker), "Executor 2 needs about 56.0 GiB of local disk even after the changes above, more than the 72.6 GiB (78 GB) a worker of unknown type worker has. The worker type is a job property: set it in the job or pass it to aws glue start-job-run."},
		{"s3 title", words.SparkTitle(s3), "Write shuffle files to Amazon S3 instead of the workers' disks"},
		{"s3 detail", words.SparkDetail(s3), "Executor 5 needs about 1.5 TiB of local disk, more than any worker type offers. Glue's S3 shuffle (--write-shuffle-files-to-s3 true, optionally --conf spark.shuffle.glue.s3ShuffleBucket=s3://bucket/prefix/) keeps shuffle data off the local disk at the cost of slower shuffles."},
		{"card title", words.AdviceTitle(report.Advice{Area: "spark", Spark: &report.SparkCard{Label: "orders: ", Rec: &fewer}}), "orders: Lower spark.sql.shuffle.partitions from 200 to 1"},
		{"merged card", words.AdviceTitle(report.Advice{Area: "spark", Spark: &report.SparkCard{Label: "orders: "}}), "orders: All of the Spark changes above in one job argument"},
		{"merged evidence", words.AdviceEvidence(report.Advice{Area: "spark", Spark: &report.SparkCard{}}), ""},
		{"worker evidence", words.AdviceEvidence(report.Advice{Area: "spark", Spark: &report.SparkCard{Rec: &worker}}), "executor 2 peaked at 100.0 GiB (56.0 GiB after the codec change) against 72.6 GiB usable on "},
	} {
		if c.got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, c.got, c.want)
		}
	}
}

// TestFixCardSentences words the subnet and launch cards of analysis/report's
// TestIPAdviceSizesForGate and TestIPAdviceSingleCategory (the numbers there
// are worked by hand): a split where a /26 would make 2 runs wait, a single
// category given a larger subnet, and the launch gate's replay.
func TestFixCardSentences(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)
	split := report.Advice{Area: "subnet", Subnet: &report.SubnetCard{
		Proposal: plan.SubnetProposal{Subnet: "glue-a", Categories: []string{"a"}, CIDR: "/25", UsableIPs: 123, PeakNeededIPs: 40, PeakRecordedIPs: 40,
			HeadroomPct: 25, NeedIPs: 50, Runs: 4, RecordedFailures: 3, FailuresAvoided: 3, ReplayPeakInUse: 40},
		Fit:       plan.GateFit{Subnet: "glue-a", DemandPrefix: 26, FitPrefix: 25, RunsWaited: 2, WaitP50Min: 30, WaitMaxMin: 30},
		SizedFrom: t0, SizedTo: t0.Add(time.Hour)}}
	placed := split
	placed.Placement = &place.Placement{CIDR: "10.1.2.0/25", VpcID: "vpc-1"}
	alone := report.Advice{Area: "subnet", Subnet: &report.SubnetCard{
		Proposal: plan.SubnetProposal{Subnet: "glue-ingest", Categories: []string{"ingest"}, CIDR: "/26", UsableIPs: 59, PeakNeededIPs: 25, PeakRecordedIPs: 25,
			HeadroomPct: 25, NeedIPs: 32, Runs: 5, ReplayPeakInUse: 25},
		Alone: true, Current: plan.SubnetInfo{ID: "s1", CIDR: "10.0.0.0/27", Usable: 27}, SizedFrom: t0, SizedTo: t0.Add(20 * time.Minute)}}
	waits := report.Advice{Area: "subnet", Subnet: &report.SubnetCard{
		Proposal: plan.SubnetProposal{Subnet: "glue-b", Categories: []string{"b", "c"}, CIDR: "/22", UsableIPs: 1019, ReplayPeakInUse: 900},
		Fit:      plan.GateFit{DemandPrefix: 23, RunsWaited: 4, WaitP50Min: 2.5, WaitMaxMin: 12}, WidestTried: 22, Current: plan.SubnetInfo{}}}
	gate := report.Advice{Area: "launch", Launch: &report.LaunchCard{Category: "a", Threshold: 40, Basis: plan.Threshold{Category: "a", Threshold: 40, MaxIPsPerRun: 10, MaxRun: "jr_1",
		MaxRunStart: t0, BufferRule: "fixed", Buffer: 30, Runs: 7, WindowDays: 14, WindowStart: t0.AddDate(0, 0, -14), WindowEnd: t0, EvidenceStart: t0.AddDate(0, 0, -14)},
		Replay: &report.GateReplay{Recorded: 7,
			Gated: report.ReplayOutcome{RefusedCreates: 2, Delays: &plan.GateDelays{RunsGated: 5, RunsDelayed: 3, DelayP50Min: 1, DelayP95Min: 2.25, DelayMaxMin: 3}},
			Split: &report.ReplayOutcome{RefusedCreates: 0, Delays: &plan.GateDelays{RunsGated: 5}}}}}
	noSplit := report.Advice{Area: "launch", Launch: &report.LaunchCard{Category: "b", Threshold: 2, Replay: &report.GateReplay{Recorded: 7, Gated: report.ReplayOutcome{RefusedCreates: 1}}}}
	for _, c := range []struct {
		name string
		got  string
		want string
	}{
		{"split title", words.AdviceTitle(split), "Move a to their own subnet glue-a (/25, 123 usable IPs)"},
		{"placed title", words.AdviceTitle(placed), "Move a to their own subnet glue-a (10.1.2.0/25 in vpc-1, 123 usable IPs)"},
		{"split detail", words.AdviceDetail(split), "Their runs needed at most 40 IPs at once, linger included (40 recorded); with 25 % headroom that is 50 IPs, and a /26 holds that, but with the launch gate 2 of their runs would wait there (p50 30.0 min, max 30.0 min), and /25, 123 IPs, lets every one launch on time. A blast radius of one category: a burst of one no longer starves the others. Sized from the 4 runs started 2026-11-02 06:00:00 UTC – 2026-11-02 07:00:00 UTC (the evidence up to this report's end); the same rule over other runs, such as another week's, can give another size."},
		{"split evidence", words.AdviceEvidence(split), "replay of the recorded runs at this size: 3 of 3 refused creates avoided, peak 40 IPs in use"},
		{"alone title", words.AdviceTitle(alone), "Give ingest a subnet of /26 (59 usable IPs)"},
		{"alone detail", words.AdviceDetail(alone), "Its runs needed at most 25 IPs at once, linger included (25 recorded); with 25 % headroom that is 32 IPs, and /26 holds 59, where s1 (10.0.0.0/27) holds 27." +
			" Sized from the 5 runs started 2026-11-02 06:00:00 UTC – 2026-11-02 06:20:00 UTC (the evidence up to this report's end); the same rule over other runs, such as another week's, can give another size."},
		{"alone evidence", words.AdviceEvidence(alone), "replay of the recorded runs at this size: 0 of 0 refused creates avoided, peak 25 IPs in use"},
		{"waits title", words.AdviceTitle(waits), "Move b, c to their own subnet glue-b (/22, 1019 usable IPs)"},
		{"waits detail", words.AdviceDetail(waits), "Their runs needed at most 0 IPs at once, linger included (0 recorded); with 0 % headroom that is 0 IPs, and /22 holds 1019. A blast radius of one category: a burst of one no longer starves the others. "},
		{"waits evidence", words.AdviceEvidence(waits), "replay of the recorded runs at this size: 0 of 0 refused creates avoided, peak 900 IPs in use; with the launch gate 4 of its runs wait (p50 2.5 min, max 12.0 min), and even a /22 does not remove every wait"},
		{"gate title", words.AdviceTitle(gate), "Hold a runs until 40 IPs are free"},
		{"gate detail", words.AdviceDetail(gate), "Launch a run of a only when its subnet has at least 40 free IPs: the most one run asked for, 10 (run jr_1, started 2026-11-02 06:00 UTC), plus a fixed buffer of 30; 7 runs over the 14-day window 2026-10-19 06:00 UTC – 2026-11-02 06:00 UTC."},
		{"gate evidence", words.AdviceEvidence(gate), "How to apply them: after the split — create the subnets above and move the jobs first, then gate each category's launches with its threshold. Replayed that way the evidence gives 0 refused creates (7 recorded), none of 5 gated runs delayed. Gating the shared subnet without the split gives 2 refused creates, 3 of 5 gated runs delayed (p50 1.0 min, p95 2.2 min, max 3.0 min): there a category waits for the others' lingering IPs."},
		{"gate evidence without split", words.AdviceEvidence(noSplit), "How to apply them: gate each category's launches with its threshold. Replayed that way the evidence gives 1 refused creates (7 recorded)."},
		{"later gate card", words.AdviceEvidence(report.Advice{Area: "launch", Launch: &report.LaunchCard{Category: "c"}}), ""},
		{"no spark log", words.Unavailable(report.UnavailableSparkNoLog), "Spark disk advice (shuffle partitions, ZSTD codec, AQE, worker type): no Spark event log of the failed run is in the database; ingest the run's event log (spark.eventLog.dir, --spark-event-logs-path) to get it."},
	} {
		if c.got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, c.got, c.want)
		}
	}
}
