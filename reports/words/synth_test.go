package words

import (
	"slices"
	"testing"
	"time"

	"github.com/gluelens/gluelens/internal/synth"
	"github.com/gluelens/gluelens/internal/synth/diskfull"
)

func TestSynthLines(t *testing.T) {
	scenario := &synth.Output{Files: make([]synth.File, 40), Truth: synth.Truth{
		Counts:        synth.Counts{Runs: 120, CloudTrailFiles: 30, CloudTrailRecords: 5000, ENIShare: 0.12345, DigestFiles: 24},
		FailedRuns:    make([]synth.FailedRun, 3),
		FailedCreates: make([]synth.FailedCreate, 17)}}
	damaged := *scenario
	damaged.Truth.Integrity = &synth.IntegrityTruth{Damage: make([]synth.DamageTruth, 2), Problems: make([]synth.ProblemTruth, 3)}
	fixed := diskfull.Truth{AppID: "spark-application-1", Outcome: "SUCCEEDED", ShufflePartitions: 400, PeakDiskBytes: 30 << 30}
	for _, c := range []struct {
		name string
		got  []string
		want []string
	}{
		{"bench", []string{SynthBench(synth.BenchStats{Files: 12, RawBytes: 10 << 20, GzipBytes: 1 << 20, Records: 9000, ENIRecords: 900}, "corpus", 1234567*time.Microsecond)},
			[]string{"wrote 12 files to corpus in 1.235s: 10.0 MiB decompressed, 1.0 MiB gzip (10.0x), 9000 records (900 ENI)"}},
		{"bench, nothing compressed", []string{SynthBench(synth.BenchStats{}, "c", 0)}, []string{"wrote 0 files to c in 0s: 0 B decompressed, 0 B gzip (0.0x), 0 records (0 ENI)"}},
		{"scenario", SynthScenario(scenario, "week", "week/truth.json"),
			[]string{"wrote 40 files to week: 120 runs (3 failed for lack of IPs), 17 failed ENI creates, 30 CloudTrail files (5000 records, 12.35 % ENI calls), 24 digests; truth in week/truth.json"}},
		{"damaged scenario", SynthScenario(&damaged, "d", "t.json"), []string{
			"wrote 40 files to d: 120 runs (3 failed for lack of IPs), 17 failed ENI creates, 30 CloudTrail files (5000 records, 12.35 % ENI calls), 24 digests; truth in t.json",
			"damaged the trail 2 times: 3 problems for verify to find (truth: integrity.problems)"}},
		{"gate", []string{SynthGate(&synth.GateTruth{Thresholds: make([]synth.GateThreshold, 2), DelayedRuns: 5}), SynthGate(nil)},
			[]string{"launch gate (2 categories): 5 runs delayed", ""}},
		{"disk full", []string{SynthDiskFull(diskfull.Result{EventLog: "x/spark-application-1", GlueRuns: "x/get-job-runs.json",
			Truth: diskfull.Truth{FailingExecutor: "7", WorkerType: "G.1X", MinutesAfterStart: 12.345, RecommendedPartitions: 800}}, "x/truth.json")},
			[]string{"wrote x/spark-application-1 and x/get-job-runs.json, truth in x/truth.json: executor 7 filled its G.1X disk 12.35 min after the start; recommended shuffle partitions 800"}},
		{"spark bench", []string{SynthSparkBench(diskfull.BenchResult{Path: "b/log", Tasks: 100, Events: 250, Bytes: 2048})}, []string{"wrote b/log: 100 tasks, 250 events, 2.0 KiB"}},
		{"spark runs", []string{SynthSparkRun(fixed, "w/spark", true), SynthSparkRun(fixed, "w/spark", false)}, []string{
			"wrote the fixed disk-full job spark-application-1 (SUCCEEDED, 400 shuffle partitions, peak executor disk 30.0 GiB) and its Glue run to w/spark",
			"wrote the disk-full Spark application spark-application-1 and its Glue run to w/spark"}},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s:\n got %q\nwant %q", c.name, c.got, c.want)
		}
	}
}
