package words

import (
	"fmt"
	"strings"

	"github.com/gluelens/gluelens/analysis/plan"
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
		return fmt.Sprintf("Stage %d is skewed: its largest partition reads %s, %.1f× the mean of the others", p.StageID, Bytes(p.MaxReadBytes), p.Skew)
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
			"or salt the key (add a random suffix before the shuffle and aggregate twice).%s", Bytes(p.DiskSpilled), empties(p))
	case spark.TopicPartitions:
		p := r.Partitions
		return fmt.Sprintf("Stage %d reads %s of shuffle through %d partitions, %s each on average, against a target of 128–256 MiB; "+
			"its tasks spilled %s to disk (%s in memory). %d = ceil(%s / 200 MiB).%s",
			p.StageID, Bytes(p.InputBytes), p.Partitions, Bytes(p.BytesPerPartition), Bytes(p.DiskSpilled), Bytes(p.MemorySpilled),
			p.Recommended, Bytes(p.InputBytes), empties(p))
	case spark.TopicFewerPartitions:
		p := r.Partitions
		return fmt.Sprintf("Stage %d reads only %s through %d partitions (%s each): task start-up dominates. %d = ceil(%s / 200 MiB).%s",
			p.StageID, Bytes(p.InputBytes), p.Partitions, Bytes(p.BytesPerPartition), p.Recommended, Bytes(p.InputBytes), empties(p))
	case spark.TopicCodec:
		c := r.Codec
		how := "the Spark default"
		if c.Source == "explicit" {
			how = "set explicitly"
		}
		s := fmt.Sprintf("Shuffle and spill are compressed with %s (%s). Executor %s peaked at %s of estimated disk", c.Current, how, c.Executor, Bytes(c.PeakDiskBytes))
		if c.UsableBytes != nil {
			s += fmt.Sprintf(" against %s usable (%.0f %%)", Disk(*c.UsableBytes), 100*float64(c.PeakDiskBytes)/float64(*c.UsableBytes))
		}
		return s + fmt.Sprintf("; with zstd the same data would take about %s–%s.", Bytes(c.ProjectedLowBytes), Bytes(c.ProjectedPeakBytes))
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
			d.Executor, Bytes(d.ProjectedPeakBytes), Disk(d.UsableBytes), worker)
	case spark.TopicS3Shuffle:
		return fmt.Sprintf("Executor %s needs about %s of local disk, more than any worker type offers. Glue's S3 shuffle "+
			"(--write-shuffle-files-to-s3 true, optionally --conf spark.shuffle.glue.s3ShuffleBucket=s3://bucket/prefix/) keeps shuffle "+
			"data off the local disk at the cost of slower shuffles.", r.Disk.Executor, Bytes(r.Disk.ProjectedPeakBytes))
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
			p.StageID, p.Partitions, p.EmptyPartitions, 100*p.EmptyShare, Bytes(p.InputBytes), Bytes(p.DiskSpilled), p.Recommended)
	case r.Codec != nil:
		c := r.Codec
		return fmt.Sprintf("codec %s (%s); peak disk %s, projected %s–%s (%s)",
			c.Current, c.Source, Bytes(c.PeakDiskBytes), Bytes(c.ProjectedLowBytes), Bytes(c.ProjectedPeakBytes), CodecAssumption)
	case r.Disk != nil:
		d := r.Disk
		return fmt.Sprintf("executor %s peaked at %s (%s after the codec change) against %s usable on %s",
			d.Executor, Bytes(d.PeakDiskBytes), Bytes(d.ProjectedPeakBytes), Bytes(d.UsableBytes), d.WorkerType)
	}
	return ""
}

// AdviceTitle is a fix card's headline.
func AdviceTitle(a report.Advice) string {
	switch {
	case a.Spark != nil:
		if a.Spark.Rec == nil {
			return a.Spark.Label + "All of the Spark changes above in one job argument"
		}
		return a.Spark.Label + SparkTitle(*a.Spark.Rec)
	case a.Launch != nil:
		return fmt.Sprintf("Hold %s runs until %d IPs are free", a.Launch.Category, a.Launch.Threshold)
	case a.Subnet != nil:
		c, p := a.Subnet, a.Subnet.Proposal
		if c.Alone {
			return fmt.Sprintf("Give %s a subnet of %s (%d usable IPs)", strings.Join(p.Categories, ", "), block(a), p.UsableIPs)
		}
		return fmt.Sprintf("Move %s to their own subnet %s (%s, %d usable IPs)", strings.Join(p.Categories, ", "), p.Subnet, block(a), p.UsableIPs)
	}
	return ""
}

// block is where an advised subnet goes: the free block named in its VPC,
// else the size it needs.
func block(a report.Advice) string {
	if pl := a.Placement; pl != nil && pl.CIDR != "" {
		return pl.CIDR + " in " + pl.VpcID
	}
	return a.Subnet.Proposal.CIDR
}

// AdviceDetail is a fix card's explanation.
func AdviceDetail(a report.Advice) string {
	switch {
	case a.Spark != nil:
		if a.Spark.Rec == nil {
			return "A Glue job has one --conf argument: the lines above pasted one by one would each replace the last. Set this one value instead (in the console: Job details → Job parameters, key --conf), or try it on one run with the start-job-run line."
		}
		return SparkDetail(*a.Spark.Rec)
	case a.Launch != nil:
		return upper(ThresholdRule(a.Launch.Basis)) + "."
	case a.Subnet != nil:
		return subnetDetail(a.Subnet)
	}
	return ""
}

func subnetDetail(c *report.SubnetCard) string {
	p, f := c.Proposal, c.Fit
	need := fmt.Sprintf("runs needed at most %d IPs at once, linger included (%d recorded); with %.0f %% headroom that is %d IPs",
		p.PeakNeededIPs, p.PeakRecordedIPs, p.HeadroomPct, p.NeedIPs)
	size := fmt.Sprintf("%s holds %d", p.CIDR, p.UsableIPs)
	if f.RunsWaited > 0 && f.FitPrefix != 0 {
		size = fmt.Sprintf("a /%d holds that, but with the launch gate %d of their runs would wait there (p50 %.1f min, max %.1f min), and %s, %d IPs, lets every one launch on time",
			f.DemandPrefix, f.RunsWaited, f.WaitP50Min, f.WaitMaxMin, p.CIDR, p.UsableIPs)
	}
	var s string
	if c.Alone {
		cidr := c.Current.CIDR
		if cidr == "" {
			cidr = "size unknown"
		}
		s = fmt.Sprintf("Its %s, and %s, where %s (%s) holds %d.", need, size, c.Current.ID, cidr, c.Current.Usable)
	} else {
		s = fmt.Sprintf("Their %s, and %s. A blast radius of one category: a burst of one no longer starves the others.", need, size)
	}
	sized := ""
	if !c.SizedFrom.IsZero() {
		sized = fmt.Sprintf("Sized from the %d runs started %s – %s (the evidence up to this report's end); the same rule over other runs, such as another week's, can give another size.",
			p.Runs, Stamp(c.SizedFrom), Stamp(c.SizedTo))
	}
	return s + " " + sized
}

// AdviceEvidence is the evidence line under a fix card ("" for none).
func AdviceEvidence(a report.Advice) string {
	switch {
	case a.Spark != nil:
		if a.Spark.Rec == nil {
			return ""
		}
		return SparkEvidence(*a.Spark.Rec)
	case a.Launch != nil:
		return gateEvidence(a.Launch.Replay)
	case a.Subnet != nil:
		c, p, f := a.Subnet, a.Subnet.Proposal, a.Subnet.Fit
		s := fmt.Sprintf("replay of the recorded runs at this size: %d of %d refused creates avoided, peak %d IPs in use", p.FailuresAvoided, p.RecordedFailures, p.ReplayPeakInUse)
		if c.WidestTried != 0 {
			s += fmt.Sprintf("; with the launch gate %d of its runs wait (p50 %.1f min, max %.1f min), and even a /%d does not remove every wait",
				f.RunsWaited, f.WaitP50Min, f.WaitMaxMin, c.WidestTried)
		}
		return s
	}
	return ""
}

// gateEvidence says what the launch thresholds together replay to ("" on
// every launch card but the first).
func gateEvidence(r *report.GateReplay) string {
	if r == nil {
		return ""
	}
	if r.Split == nil {
		return fmt.Sprintf("How to apply them: gate each category's launches with its threshold. Replayed that way the evidence gives %d refused creates (%d recorded)%s.",
			r.Gated.RefusedCreates, r.Recorded, gateDelays(r.Gated.Delays))
	}
	s := fmt.Sprintf("How to apply them: after the split — create the subnets above and move the jobs first, then gate each category's launches with its threshold. Replayed that way the evidence gives %d refused creates (%d recorded)%s. Gating the shared subnet without the split gives %d refused creates%s",
		r.Split.RefusedCreates, r.Recorded, gateDelays(r.Split.Delays), r.Gated.RefusedCreates, gateDelays(r.Gated.Delays))
	if delayed(r.Gated.Delays) > delayed(r.Split.Delays) {
		s += ": there a category waits for the others' lingering IPs"
	}
	return s + "."
}

func delayed(g *plan.GateDelays) int {
	if g == nil {
		return 0
	}
	return g.RunsDelayed
}

// gateDelays describes the launch delays a gated replay added.
func gateDelays(g *plan.GateDelays) string {
	switch {
	case g == nil:
		return ""
	case g.RunsDelayed == 0:
		return fmt.Sprintf(", none of %d gated runs delayed", g.RunsGated)
	}
	return fmt.Sprintf(", %d of %d gated runs delayed (p50 %.1f min, p95 %.1f min, max %.1f min)",
		g.RunsDelayed, g.RunsGated, g.DelayP50Min, g.DelayP95Min, g.DelayMaxMin)
}

// Unavailable says why a report could not give one piece of advice.
func Unavailable(kind string) string {
	if kind == report.UnavailableSparkNoLog {
		return "Spark disk advice (shuffle partitions, ZSTD codec, AQE, worker type): no Spark event log of the failed run is in the database; ingest the run's event log (spark.eventLog.dir, --spark-event-logs-path) to get it."
	}
	return kind
}
