package words

import (
	"fmt"

	"github.com/gluelens/gluelens/analysis/report"
	"github.com/gluelens/gluelens/analysis/spark"
)

// CodecAssumption is the published saving a zstd projection rests on
// (analysis/spark's ZstdSavingLow and ZstdSavingHigh, docs/formats.md §4).
const CodecAssumption = "zstd level 1 writes 44–48 % fewer shuffle and spill bytes than lz4 on published workloads " +
	"(TPC-DS 3 TB: −44 % shuffle write, apache/spark#32286; Facebook production: −48 %, +3 % CPU, apache/spark#18805); " +
	"the projection applies the smaller saving to the whole estimate. Your data's ratio may differ: the measured " +
	"memory-spilled ÷ disk-spilled per stage shows how compressible it already is."

// SparkTitle is a Spark recommendation's headline.
func SparkTitle(r spark.Recommendation) string {
	switch r.Topic {
	case spark.TopicSkew:
		p := r.Partitions
		return fmt.Sprintf("Stage %d is skewed: its largest partition reads %s, %.1f× the mean of the others", p.StageID, report.Bytes(p.MaxReadBytes), p.Skew)
	case spark.TopicPartitions:
		return fmt.Sprintf("Raise spark.sql.shuffle.partitions from %d to %d", r.Partitions.Partitions, r.Partitions.Recommended)
	case spark.TopicFewerPartitions:
		return fmt.Sprintf("Lower spark.sql.shuffle.partitions from %d to %d", r.Partitions.Partitions, r.Partitions.Recommended)
	case spark.TopicCodec:
		return "Compress shuffle and spill with zstd instead of " + r.Codec.Current
	case spark.TopicAQE:
		switch r.AQE.Reason {
		case spark.AQECoalesceOff:
			return "Let AQE coalesce small shuffle partitions"
		case spark.AQEOff:
			return "Turn on adaptive query execution (the job sets spark.sql.adaptive.enabled=false)"
		}
		return fmt.Sprintf("Turn on adaptive query execution (Spark %s leaves adaptive query execution off unless asked (on by default only since 3.2))", r.AQE.SparkVersion)
	case spark.TopicWorkerType:
		return fmt.Sprintf("Run on %s workers (%s usable disk each)", r.Disk.SuggestedWorkerType, Disk(r.Disk.SuggestedUsable))
	case spark.TopicS3Shuffle:
		return "Write shuffle files to Amazon S3 instead of the workers' disks"
	}
	return r.Topic
}

// SparkDetail is a Spark recommendation's explanation, with its numbers.
func SparkDetail(r spark.Recommendation) string {
	switch r.Topic {
	case spark.TopicSkew:
		p := r.Partitions
		return fmt.Sprintf("The stage spilled %s to disk. More partitions would not split the hot key: let AQE split skewed join partitions, "+
			"or salt the key (add a random suffix before the shuffle and aggregate twice).%s", report.Bytes(p.DiskSpilled), empties(p))
	case spark.TopicPartitions:
		p := r.Partitions
		return fmt.Sprintf("Stage %d reads %s of shuffle through %d partitions, %s each on average, against a target of 128–256 MiB; "+
			"its tasks spilled %s to disk (%s in memory). %d = ceil(%s / 200 MiB).%s",
			p.StageID, report.Bytes(p.InputBytes), p.Partitions, report.Bytes(p.BytesPerPartition), report.Bytes(p.DiskSpilled), report.Bytes(p.MemorySpilled),
			p.Recommended, report.Bytes(p.InputBytes), empties(p))
	case spark.TopicFewerPartitions:
		p := r.Partitions
		return fmt.Sprintf("Stage %d reads only %s through %d partitions (%s each): task start-up dominates. %d = ceil(%s / 200 MiB).%s",
			p.StageID, report.Bytes(p.InputBytes), p.Partitions, report.Bytes(p.BytesPerPartition), p.Recommended, report.Bytes(p.InputBytes), empties(p))
	case spark.TopicCodec:
		c := r.Codec
		how := "the Spark default"
		if c.Source == "explicit" {
			how = "set explicitly"
		}
		s := fmt.Sprintf("Shuffle and spill are compressed with %s (%s). Executor %s peaked at %s of estimated disk", c.Current, how, c.Executor, report.Bytes(c.PeakDiskBytes))
		if c.UsableBytes != nil {
			s += fmt.Sprintf(" against %s usable (%.0f %%)", Disk(*c.UsableBytes), 100*float64(c.PeakDiskBytes)/float64(*c.UsableBytes))
		}
		return s + fmt.Sprintf("; with zstd the same data would take about %s–%s.", report.Bytes(c.ProjectedLowBytes), report.Bytes(c.ProjectedPeakBytes))
	case spark.TopicAQE:
		if r.AQE.Reason == spark.AQECoalesceOff {
			return "The job turns spark.sql.adaptive.coalescePartitions.enabled off, so empty and tiny partitions each cost a task."
		}
		s := "With AQE, Spark sizes shuffle partitions from the data it actually wrote: it coalesces empty and small partitions toward the advisory size and splits skewed join partitions."
		if r.AQE.EmptyPartitions > 0 {
			s += fmt.Sprintf(" Here %d of %d reduce partitions seen were empty.", r.AQE.EmptyPartitions, r.AQE.PartitionsSeen)
		}
		return s
	case spark.TopicWorkerType:
		d := r.Disk
		worker := d.WorkerType
		if worker == "" {
			worker = "worker of unknown type"
		}
		return fmt.Sprintf("Executor %s needs about %s of local disk even after the changes above, more than the %s a %s worker has. "+
			"The worker type is a job property: set it in the job or pass it to aws glue start-job-run.",
			d.Executor, report.Bytes(d.ProjectedPeakBytes), Disk(d.UsableBytes), worker)
	case spark.TopicS3Shuffle:
		return fmt.Sprintf("Executor %s needs about %s of local disk, more than any worker type offers. Glue's S3 shuffle "+
			"(--write-shuffle-files-to-s3 true, optionally --conf spark.shuffle.glue.s3ShuffleBucket=s3://bucket/prefix/) keeps shuffle "+
			"data off the local disk at the cost of slower shuffles.", r.Disk.Executor, report.Bytes(r.Disk.ProjectedPeakBytes))
	}
	return ""
}

// empties is the partition advice's closing sentence about partitions
// that read nothing ("" when none did).
func empties(p *spark.PartitionEvidence) string {
	if p.EmptyPartitions == 0 {
		return ""
	}
	return fmt.Sprintf(" %d of the %d partitions seen (%.0f %%) read nothing, so the rest are even larger than the average.",
		p.EmptyPartitions, p.PartitionsSeen, 100*p.EmptyShare)
}

// SparkEvidence is the one-line evidence under a Spark fix card.
func SparkEvidence(r spark.Recommendation) string {
	switch {
	case r.Partitions != nil:
		p := r.Partitions
		return fmt.Sprintf("stage %d: %d partitions, %d empty (%.0f %%), %s read, %s spilled to disk; recommended %d",
			p.StageID, p.Partitions, p.EmptyPartitions, 100*p.EmptyShare, report.Bytes(p.InputBytes), report.Bytes(p.DiskSpilled), p.Recommended)
	case r.Codec != nil:
		c := r.Codec
		return fmt.Sprintf("codec %s (%s); peak disk %s, projected %s–%s (%s)",
			c.Current, c.Source, report.Bytes(c.PeakDiskBytes), report.Bytes(c.ProjectedLowBytes), report.Bytes(c.ProjectedPeakBytes), CodecAssumption)
	case r.Disk != nil:
		d := r.Disk
		return fmt.Sprintf("executor %s peaked at %s (%s after the codec change) against %s usable on %s",
			d.Executor, report.Bytes(d.PeakDiskBytes), report.Bytes(d.ProjectedPeakBytes), report.Bytes(d.UsableBytes), d.WorkerType)
	}
	return ""
}

// AdviceTitle is a fix card's headline.
func AdviceTitle(a report.Advice) string {
	if s := a.Spark; s != nil {
		if s.Rec == nil {
			return s.Label + "All of the Spark changes above in one job argument"
		}
		return s.Label + SparkTitle(*s.Rec)
	}
	return a.Title
}

// AdviceDetail is a fix card's explanation.
func AdviceDetail(a report.Advice) string {
	if s := a.Spark; s != nil {
		if s.Rec == nil {
			return "A Glue job has one --conf argument: the lines above pasted one by one would each replace the last. Set this one value instead (in the console: Job details → Job parameters, key --conf), or try it on one run with the start-job-run line."
		}
		return SparkDetail(*s.Rec)
	}
	return a.Detail
}

// AdviceEvidence is the evidence line under a fix card ("" for none).
func AdviceEvidence(a report.Advice) string {
	if s := a.Spark; s != nil {
		if s.Rec == nil {
			return ""
		}
		return SparkEvidence(*s.Rec)
	}
	return a.Evidence
}
