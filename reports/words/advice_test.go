package words_test

import (
	"testing"

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
