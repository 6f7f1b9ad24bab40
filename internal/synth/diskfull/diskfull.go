// Package diskfull writes the classic AWS Glue "No space left on device"
// failure as real evidence: a Spark 3.3 event log (Glue 4.0, G.2X workers)
// whose reduce stage spills over badly sized shuffle partitions until one
// executor's local disk is full, the matching Glue get-job-runs output, and
// a truth.json computed by the generator's own simulation. It also writes
// the large event log used by the Spark ingest benchmark.
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
}

// Glue 4.0 runs Spark 3.3.0 (Glue release notes); G.2X has 8 vCPU, 32 GB
// and about 78 GB of free local disk (AWS Glue worker-types page).
const (
	sparkVersion = "3.3.0-amzn-1"
	usableG2X    = 78_000_000_000
	// TargetPartitionBytes is the reduce-partition size the advice aims at,
	// the middle of the 128–256 MiB range: 200 MiB.
	TargetPartitionBytes = 200 << 20
)

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
	}
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
	}
	return nil
}
