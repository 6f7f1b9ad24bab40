package words

import (
	"fmt"
	"time"

	"github.com/gluelens/gluelens/internal/synth"
	"github.com/gluelens/gluelens/internal/synth/diskfull"
)

// SynthBench is what gluelens synth cloudtrail-bench prints: the corpus
// written to dir in el, its sizes and records.
func SynthBench(st synth.BenchStats, dir string, el time.Duration) string {
	return fmt.Sprintf("wrote %d files to %s in %s: %s decompressed, %s gzip (%.1fx), %d records (%d ENI)",
		st.Files, dir, el.Round(time.Millisecond), Bytes(st.RawBytes), Bytes(st.GzipBytes),
		float64(st.RawBytes)/float64(max(st.GzipBytes, 1)), st.Records, st.ENIRecords)
}

// SynthScenario is what the synth scenario commands print once a
// scenario's files are written to dir and its truth to truthPath: the
// files, runs, failures and CloudTrail evidence, and the damage done to
// the trail when there is any.
func SynthScenario(out *synth.Output, dir, truthPath string) []string {
	t := out.Truth
	lines := []string{fmt.Sprintf("wrote %d files to %s: %d runs (%d failed for lack of IPs), %d failed ENI creates, %d CloudTrail files (%d records, %.2f %% ENI calls), %d digests; truth in %s",
		len(out.Files), dir, t.Counts.Runs, len(t.FailedRuns), len(t.FailedCreates), t.Counts.CloudTrailFiles, t.Counts.CloudTrailRecords,
		100*t.Counts.ENIShare, t.Counts.DigestFiles, truthPath)}
	if it := t.Integrity; it != nil && len(it.Damage) > 0 {
		lines = append(lines, fmt.Sprintf("damaged the trail %d times: %d problems for verify to find (truth: integrity.problems)", len(it.Damage), len(it.Problems)))
	}
	return lines
}

// SynthGate says what a gated scenario's launch gate did ("" for a
// scenario without one).
func SynthGate(g *synth.GateTruth) string {
	if g == nil {
		return ""
	}
	return fmt.Sprintf("launch gate (%d categories): %d runs delayed", len(g.Thresholds), g.DelayedRuns)
}

// SynthDiskFull is what gluelens synth disk-full prints: the event log
// and Glue runs written, where the truth is, and what the run did.
func SynthDiskFull(res diskfull.Result, truthPath string) string {
	t := res.Truth
	return fmt.Sprintf("wrote %s and %s, truth in %s: executor %s filled its %s disk %.2f min after the start; recommended shuffle partitions %d",
		res.EventLog, res.GlueRuns, truthPath, t.FailingExecutor, t.WorkerType, t.MinutesAfterStart, t.RecommendedPartitions)
}

// SynthSparkBench is what gluelens synth spark-bench prints: the event log
// written, its tasks, events and size.
func SynthSparkBench(res diskfull.BenchResult) string {
	return fmt.Sprintf("wrote %s: %d tasks, %d events, %s", res.Path, res.Tasks, res.Events, Bytes(res.Bytes))
}

// SynthSparkRun is what the week and after-fix scenarios print of the
// Spark application they write to dir with its Glue run: the disk-full
// one, or (fixed) the fixed job with its outcome, partitions and peak disk.
func SynthSparkRun(t diskfull.Truth, dir string, fixed bool) string {
	if fixed {
		return fmt.Sprintf("wrote the fixed disk-full job %s (%s, %d shuffle partitions, peak executor disk %s) and its Glue run to %s",
			t.AppID, t.Outcome, t.ShufflePartitions, Bytes(t.PeakDiskBytes), dir)
	}
	return fmt.Sprintf("wrote the disk-full Spark application %s and its Glue run to %s", t.AppID, dir)
}
