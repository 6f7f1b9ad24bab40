package diskfull

import (
	"sort"
	"time"
)

// Truth is what the scenario did, computed by the generator from its own
// simulation; tests compare gluelens' views and advice with it.
type Truth struct {
	Scenario        string    `json:"scenario"`
	Seed            uint64    `json:"seed"`
	AppID           string    `json:"app_id"`
	AttemptID       string    `json:"attempt_id"`
	SparkVersion    string    `json:"spark_version"`
	GlueJobName     string    `json:"glue_job_name"`
	GlueRunID       string    `json:"glue_run_id"`
	WorkerType      string    `json:"worker_type"`
	NumberOfWorkers int       `json:"number_of_workers"`
	UsableDiskBytes int64     `json:"usable_disk_bytes"`
	AppStart        time.Time `json:"app_start"`
	AppEnd          time.Time `json:"app_end"`
	// Outcome is the Glue run's JobRunState: FAILED for the disk-full run,
	// SUCCEEDED for the after-fix one.
	Outcome string `json:"outcome"`

	// FailingExecutor is the first executor whose estimated disk went
	// above the usable disk, at DiskFullAt (MinutesAfterStart after the
	// application started) with DiskBytesAtFull bytes estimated. In a
	// run that succeeds no disk fills: FailingExecutor is "", DiskFullAt
	// the zero time and ExecutorsFilled empty.
	FailingExecutor   string    `json:"failing_executor"`
	DiskFullAt        time.Time `json:"disk_full_at"`
	MinutesAfterStart float64   `json:"minutes_after_start"`
	DiskBytesAtFull   int64     `json:"disk_bytes_at_full"`
	// ModelTolerance is how far the view's crossing time may be from
	// DiskFullAt: both use the same model, so only the millisecond
	// rounding of the log's timestamps separates them.
	ModelTolerance string `json:"model_tolerance"`
	// ExecutorsFilled lists every executor whose disk filled, in order.
	ExecutorsFilled []ExecutorFill `json:"executors_filled"`
	// Peaks is the peak estimated disk of every executor; PeakDiskBytes
	// the largest of them.
	Peaks         []ExecutorPeak `json:"peaks"`
	PeakDiskBytes int64          `json:"peak_disk_bytes"`
	// DiskBytesSpilled is Σ disk spill over every task attempt of every
	// stage (the stages' DiskBytesSpilled summed).
	DiskBytesSpilled int64 `json:"disk_bytes_spilled"`

	Stages []StageTotals `json:"stages"`

	ShufflePartitions       int `json:"shuffle_partitions"`
	EmptyPartitionsPlanned  int `json:"empty_partitions_planned"`
	EmptyPartitionsObserved int `json:"empty_partitions_observed"`
	PartitionsObserved      int `json:"partitions_observed"`
	// ReduceInputBytes is the shuffle the reduce stage reads: Σ shuffle
	// write of stage 0.
	ReduceInputBytes int64 `json:"reduce_input_bytes"`
	// RecommendedPartitions = ceil(ReduceInputBytes / 200 MiB).
	RecommendedPartitions int    `json:"recommended_partitions"`
	PartitionRule         string `json:"partition_rule"`

	Codec CodecTruth `json:"codec"`
	// AQEEnabled is spark.sql.adaptive.enabled as the job set it.
	AQEEnabled bool `json:"aqe_enabled"`
	// AbortedTask names the task whose last allowed attempt failed.
	AbortedTask string `json:"aborted_task"`
	// GlueErrorMessage is the run's ErrorMessage.
	GlueErrorMessage string `json:"glue_error_message"`
}

// ExecutorFill is one executor whose estimated disk went above usable.
type ExecutorFill struct {
	Executor  string    `json:"executor"`
	At        time.Time `json:"at"`
	DiskBytes int64     `json:"disk_bytes"`
	RemovedAt time.Time `json:"removed_at"`
}

// ExecutorPeak is the highest estimated disk of one executor.
type ExecutorPeak struct {
	Executor  string    `json:"executor"`
	PeakBytes int64     `json:"peak_bytes"`
	PeakAt    time.Time `json:"peak_at"`
}

// StageTotals are the History-Server totals of one stage attempt.
type StageTotals struct {
	StageID             int   `json:"stage_id"`
	StageAttempt        int   `json:"stage_attempt"`
	Tasks               int   `json:"tasks"`
	FailedTasks         int   `json:"failed_tasks"`
	KilledTasks         int   `json:"killed_tasks"`
	MemoryBytesSpilled  int64 `json:"memory_bytes_spilled"`
	DiskBytesSpilled    int64 `json:"disk_bytes_spilled"`
	ShuffleBytesWritten int64 `json:"shuffle_bytes_written"`
	ShuffleBytesRead    int64 `json:"shuffle_bytes_read"`
}

// CodecTruth is the codec the job ran with and the one the advice must name.
type CodecTruth struct {
	Current     string `json:"current"`
	Source      string `json:"source"` // "default" (unset, Spark ≥ 2.0 default) or "explicit"
	Recommended string `json:"recommended"`
	Conf        string `json:"conf"`
}

// step is one point of an executor's estimated disk series.
type step struct {
	at   int64
	disk int64
}

// diskSeries rebuilds an executor's step series from the finished
// simulation exactly as the executor_disk_timeline view does: ±deltas
// grouped by instant, summed in time order.
func diskSeries(e *executor, appEnd int64) []step {
	deltas := map[int64]int64{}
	for _, k := range e.tasks {
		if k.Reason == reasonSuccess && k.WriteBytes > 0 {
			end := appEnd
			if e.RemovedAt != 0 {
				end = e.RemovedAt
			}
			if end >= k.Finish {
				deltas[k.Finish] += k.WriteBytes
				deltas[end] -= k.WriteBytes
			}
		}
		if k.DiskSpill > 0 {
			deltas[k.Launch] += k.DiskSpill
			deltas[k.Finish] -= k.DiskSpill
		}
	}
	ats := make([]int64, 0, len(deltas))
	for at := range deltas {
		ats = append(ats, at)
	}
	sort.Slice(ats, func(i, j int) bool { return ats[i] < ats[j] })
	out := make([]step, 0, len(ats))
	var sum int64
	for _, at := range ats {
		sum += deltas[at]
		out = append(out, step{at, sum})
	}
	return out
}
