// Package diskfull writes the classic AWS Glue "No space left on device"
// failure as real evidence: a Spark 3.3 event log (Glue 4.0, G.2X workers)
// whose reduce stage spills over badly sized shuffle partitions until one
// executor's local disk is full, the matching Glue get-job-runs output, and
// a truth.json computed by the generator's own simulation. AfterFixParams
// gives the same job once the advice is applied (zstd, the recommended
// shuffle partitions, AQE): it succeeds, and its truth.json gives the
// peaks and the spill the compare report sets against the failed run. It
// also writes the large event log used by the Spark ingest benchmark.
//
// The disk model is the one the executor_disk_timeline view documents:
// shuffle output of a successful ShuffleMapTask stays on its executor until
// the executor is removed or the application ends; a task's disk spill
// counts from its launch to its finish. The simulation checks that model at
// every launch, so the truth and the view agree to the millisecond.
package diskfull

import (
	"fmt"
	"time"
)

// Params describe one disk-full scenario. DefaultParams gives the one
// `gluelens synth disk-full` writes.
type Params struct {
	Seed    uint64
	Start   time.Time // application start (UTC)
	JobName string
	Region  string
	Account string

	WorkerType      string // Glue worker type of every worker
	Workers         int    // Glue NumberOfWorkers (one worker runs the driver)
	Executors       int    // Workers - 1
	Cores           int    // spark.executor.cores
	UsableDisk      int64  // usable local disk per worker (bytes)
	MapTasks        int    // tasks of the scan stage (stage 0)
	MapOutputBytes  int64  // mean shuffle bytes written per map task
	Partitions      int    // spark.sql.shuffle.partitions, set explicitly (badly)
	EmptyShare      float64
	MaxFailures     int // spark.task.maxFailures (Spark default 4, not set)
	SparkVersion    string
	GlueVersion     string
	ExecutorMemory  string
	DriverMemory    string
	TargetPartition int64 // bytes per reduce partition the advice aims at

	// ExpectFull: the scenario must fill an executor's disk and fail (the
	// disk-full "before"). AfterFixParams clears it: the run must then
	// succeed without any executor's estimate going above UsableDisk.
	ExpectFull bool
	// Codec is spark.io.compression.codec as the job sets it; "" leaves it
	// unset (Spark's default, lz4). With "zstd" every shuffle and spill
	// byte is ZstdRatio of its lz4 size.
	Codec string
	// AQE sets spark.sql.adaptive.enabled and
	// spark.sql.adaptive.coalescePartitions.enabled.
	AQE bool
}

// Glue 4.0 runs Spark 3.3.0 (Glue release notes); G.2X has 8 vCPU, 32 GB
// and about 78 GB of free local disk (AWS Glue worker-types page).
const (
	sparkVersion = "3.3.0-amzn-1"
	usableG2X    = 78_000_000_000
	// TargetPartitionBytes is the reduce-partition size the advice aims at,
	// the middle of the 128–256 MiB range: 200 MiB.
	TargetPartitionBytes = 200 << 20
	// ZstdRatio is the size of zstd shuffle and spill bytes relative to
	// lz4: −44 %, the assumption docs/spark-disk.md documents.
	ZstdRatio = 0.56
)

// Glue50 is p as a Glue 5.0 job writes it: Spark 3.5.4 on Java 17 (Glue
// release notes), whose SQLExecutionEnd also carries the failure's
// errorMessage (Spark 3.4+).
func Glue50(p Params) Params {
	p.GlueVersion, p.SparkVersion = "5.0", "3.5.4-amzn-0"
	return p
}

// jvm is the JVM Information of the environment update: Glue 4.0 runs
// Java 8, Glue 5.0 Java 17 (Amazon Corretto).
func (p Params) jvm() map[string]string {
	if p.GlueVersion >= "5.0" {
		return map[string]string{"Java Home": "/usr/lib/jvm/java-17-amazon-corretto.x86_64", "Java Version": "17.0.13 (Amazon.com Inc.)", "Scala Version": "version 2.12.18"}
	}
	return map[string]string{"Java Home": "/usr/lib/jvm/java-1.8.0-amazon-corretto.x86_64/jre", "Java Version": "1.8.0_382 (Amazon.com Inc.)", "Scala Version": "version 2.12.15"}
}

// DefaultParams is the disk-full scenario for a seed: a G.2X job with 10
// workers (9 executors × 8 cores) shuffling about 500 GB through 400
// partitions, 45 % of them empty.
func DefaultParams(seed uint64) Params {
	return Params{
		Seed:            seed,
		Start:           time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC),
		JobName:         "orders-daily-rollup",
		Region:          "us-east-1",
		Account:         "111122223333",
		WorkerType:      "G.2X",
		Workers:         10,
		Executors:       9,
		Cores:           8,
		UsableDisk:      usableG2X,
		MapTasks:        720,
		MapOutputBytes:  650_000_000,
		Partitions:      400,
		EmptyShare:      0.45,
		MaxFailures:     4,
		SparkVersion:    sparkVersion,
		GlueVersion:     "4.0",
		ExecutorMemory:  "20g",
		DriverMemory:    "20g",
		TargetPartition: TargetPartitionBytes,
		ExpectFull:      true,
	}
}

// AfterFixParams is the same job and data volume as before once the
// advice is applied: spark.io.compression.codec=zstd, AQE with partition
// coalescing on, and spark.sql.shuffle.partitions set to what `gluelens
// spark advice` recommends for before — ceil(reduce-stage shuffle bytes /
// 200 MiB), taken from before's own simulation — with no empty partitions.
// The run succeeds. The reduce partitions come out near 117 MB, above
// AQE's 64 MiB advisory size, so AQE coalesces none of them and the stage
// runs exactly that many tasks. Start, account and region are before's;
// callers move Start into their after week.
func AfterFixParams(before Params) (Params, error) {
	if err := before.validate(); err != nil {
		return Params{}, err
	}
	sim, err := simulate(before)
	if err != nil {
		return Params{}, err
	}
	p := before
	p.Partitions = sim.recommendedPartitions()
	p.EmptyShare = 0
	p.Codec = "zstd"
	p.AQE = true
	p.ExpectFull = false
	return p, nil
}

// codecRatio is the size of shuffle and spill bytes relative to lz4.
func (p Params) codecRatio() float64 {
	if p.Codec == "zstd" {
		return ZstdRatio
	}
	return 1
}

func (p Params) validate() error {
	switch {
	case p.Executors < 1 || p.Cores < 1:
		return fmt.Errorf("scenario needs at least one executor with one core")
	case p.MapTasks < 1 || p.Partitions < 1:
		return fmt.Errorf("scenario needs map tasks and reduce partitions")
	case p.MaxFailures < 1:
		return fmt.Errorf("scenario needs MaxFailures ≥ 1")
	case p.UsableDisk <= 0:
		return fmt.Errorf("scenario needs a usable disk size")
	case p.Codec != "" && p.Codec != "zstd":
		return fmt.Errorf("scenario codec %q: want unset (lz4) or zstd", p.Codec)
	case p.ExpectFull && (p.Codec != "" || p.AQE || p.EmptyShare <= 0):
		return fmt.Errorf("scenario expecting a full disk needs the default codec, AQE off and empty partitions")
	case !p.ExpectFull && p.EmptyShare != 0:
		return fmt.Errorf("scenario expecting success needs no empty partitions")
	}
	return nil
}
