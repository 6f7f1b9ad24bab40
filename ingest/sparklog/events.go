package sparklog

import (
	"math"

	"github.com/goccy/go-json"
)

// absent marks a numeric field the event did not carry; it becomes NULL.
const absent = math.MinInt64

// The structs below hold only the fields gluelens keeps. Numbers that may be
// missing in some Spark versions start as absent (see reset functions) so
// "not written" and 0 stay different.

type logStart struct {
	SparkVersion string `json:"Spark Version"`
}

type appStart struct {
	AppName   string `json:"App Name"`
	AppID     string `json:"App ID"`
	Timestamp int64  `json:"Timestamp"`
	User      string `json:"User"`
	AttemptID string `json:"App Attempt ID"`
}

type appEnd struct {
	Timestamp int64 `json:"Timestamp"`
}

type envUpdate struct {
	SparkProperties json.RawMessage `json:"Spark Properties"`
}

type executorAdded struct {
	Timestamp  int64  `json:"Timestamp"`
	ExecutorID string `json:"Executor ID"`
	Info       struct {
		Host       string `json:"Host"`
		TotalCores int64  `json:"Total Cores"`
	} `json:"Executor Info"`
}

type executorRemoved struct {
	Timestamp  int64  `json:"Timestamp"`
	ExecutorID string `json:"Executor ID"`
	Reason     string `json:"Removed Reason"`
}

type stageInfo struct {
	StageID        int64           `json:"Stage ID"`
	StageAttempt   int64           `json:"Stage Attempt ID"`
	StageName      string          `json:"Stage Name"`
	NumTasks       int64           `json:"Number of Tasks"`
	ParentIDs      json.RawMessage `json:"Parent IDs"`
	SubmissionTime int64           `json:"Submission Time"`
	CompletionTime int64           `json:"Completion Time"`
	FailureReason  *string         `json:"Failure Reason"`
}

type stageEvent struct {
	Info stageInfo `json:"Stage Info"`
}

func (s *stageEvent) reset() {
	*s = stageEvent{}
	s.Info.StageID, s.Info.NumTasks, s.Info.SubmissionTime, s.Info.CompletionTime = absent, absent, absent, absent
}

type jobStart struct {
	JobID          int64           `json:"Job ID"`
	SubmissionTime int64           `json:"Submission Time"`
	StageIDs       json.RawMessage `json:"Stage IDs"`
}

type jobEnd struct {
	JobID          int64 `json:"Job ID"`
	CompletionTime int64 `json:"Completion Time"`
	Result         struct {
		Result    string `json:"Result"`
		Exception struct {
			Message *string `json:"Message"`
		} `json:"Exception"`
	} `json:"Job Result"`
}

type taskInfo struct {
	TaskID      int64  `json:"Task ID"`
	Index       int64  `json:"Index"`
	Attempt     int64  `json:"Attempt"`
	PartitionID int64  `json:"Partition ID"`
	LaunchTime  int64  `json:"Launch Time"`
	ExecutorID  string `json:"Executor ID"`
	Host        string `json:"Host"`
	Speculative bool   `json:"Speculative"`
	FinishTime  int64  `json:"Finish Time"`
	Failed      bool   `json:"Failed"`
	Killed      bool   `json:"Killed"`
}

type taskStart struct {
	StageID      int64    `json:"Stage ID"`
	StageAttempt int64    `json:"Stage Attempt ID"`
	Info         taskInfo `json:"Task Info"`
}

func (t *taskStart) reset() {
	*t = taskStart{}
	t.Info.TaskID, t.Info.PartitionID = absent, absent
}

type taskMetrics struct {
	ExecutorRunTime     int64 `json:"Executor Run Time"`
	ExecutorCPUTime     int64 `json:"Executor CPU Time"`
	JVMGCTime           int64 `json:"JVM GC Time"`
	ResultSize          int64 `json:"Result Size"`
	PeakExecutionMemory int64 `json:"Peak Execution Memory"`
	MemoryBytesSpilled  int64 `json:"Memory Bytes Spilled"`
	DiskBytesSpilled    int64 `json:"Disk Bytes Spilled"`
	ShuffleRead         struct {
		RemoteBytesRead       int64 `json:"Remote Bytes Read"`
		LocalBytesRead        int64 `json:"Local Bytes Read"`
		RemoteBytesReadToDisk int64 `json:"Remote Bytes Read To Disk"`
		TotalRecordsRead      int64 `json:"Total Records Read"`
	} `json:"Shuffle Read Metrics"`
	ShuffleWrite struct {
		BytesWritten   int64 `json:"Shuffle Bytes Written"`
		RecordsWritten int64 `json:"Shuffle Records Written"`
		WriteTime      int64 `json:"Shuffle Write Time"`
	} `json:"Shuffle Write Metrics"`
	Input struct {
		BytesRead   int64 `json:"Bytes Read"`
		RecordsRead int64 `json:"Records Read"`
	} `json:"Input Metrics"`
	Output struct {
		BytesWritten   int64 `json:"Bytes Written"`
		RecordsWritten int64 `json:"Records Written"`
	} `json:"Output Metrics"`
}

// absentMetrics is a taskMetrics with every field absent.
var absentMetrics = func() taskMetrics {
	var m taskMetrics
	m.ExecutorRunTime, m.ExecutorCPUTime, m.JVMGCTime, m.ResultSize = absent, absent, absent, absent
	m.PeakExecutionMemory, m.MemoryBytesSpilled, m.DiskBytesSpilled = absent, absent, absent
	m.ShuffleRead.RemoteBytesRead, m.ShuffleRead.LocalBytesRead = absent, absent
	m.ShuffleRead.RemoteBytesReadToDisk, m.ShuffleRead.TotalRecordsRead = absent, absent
	m.ShuffleWrite.BytesWritten, m.ShuffleWrite.RecordsWritten, m.ShuffleWrite.WriteTime = absent, absent, absent
	m.Input.BytesRead, m.Input.RecordsRead = absent, absent
	m.Output.BytesWritten, m.Output.RecordsWritten = absent, absent
	return m
}()

type endReason struct {
	Reason      string  `json:"Reason"`
	Description *string `json:"Description"` // ExceptionFailure
	LossReason  *string `json:"Loss Reason"` // ExecutorLostFailure
	KillReason  *string `json:"Kill Reason"` // TaskKilled
	Message     *string `json:"Message"`     // FetchFailed
}

// errorText is the free text that explains a failed task, if any.
func (r *endReason) errorText() *string {
	for _, s := range []*string{r.Description, r.LossReason, r.KillReason, r.Message} {
		if s != nil {
			return s
		}
	}
	return nil
}

type taskEnd struct {
	StageID      int64        `json:"Stage ID"`
	StageAttempt int64        `json:"Stage Attempt ID"`
	TaskType     string       `json:"Task Type"`
	Reason       endReason    `json:"Task End Reason"`
	Info         taskInfo     `json:"Task Info"`
	Metrics      *taskMetrics `json:"Task Metrics"`
}

// reset clears t for the next event; metrics is reused as the target of
// "Task Metrics" so decoding a task allocates nothing for it.
func (t *taskEnd) reset(metrics *taskMetrics) {
	*t = taskEnd{}
	t.Info.TaskID, t.Info.PartitionID = absent, absent
	*metrics = absentMetrics
	t.Metrics = metrics
}

// hasMetrics reports whether the event carried a non-null "Task Metrics"
// object: Spark writes "Executor Run Time" and "Result Size" in every version.
func (t *taskEnd) hasMetrics() bool {
	return t.Metrics != nil && (t.Metrics.ExecutorRunTime != absent || t.Metrics.ResultSize != absent)
}
