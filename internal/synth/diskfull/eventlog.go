package diskfull

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// The internal task-metric accumulators Spark reports in Task Info
// "Accumulables", in the order it lists them.
var accumNames = []string{
	"internal.metrics.executorDeserializeTime",
	"internal.metrics.executorDeserializeCpuTime",
	"internal.metrics.executorRunTime",
	"internal.metrics.executorCpuTime",
	"internal.metrics.resultSize",
	"internal.metrics.jvmGCTime",
	"internal.metrics.resultSerializationTime",
	"internal.metrics.memoryBytesSpilled",
	"internal.metrics.diskBytesSpilled",
	"internal.metrics.peakExecutionMemory",
	"internal.metrics.shuffle.read.remoteBlocksFetched",
	"internal.metrics.shuffle.read.localBlocksFetched",
	"internal.metrics.shuffle.read.remoteBytesRead",
	"internal.metrics.shuffle.read.remoteBytesReadToDisk",
	"internal.metrics.shuffle.read.localBytesRead",
	"internal.metrics.shuffle.read.fetchWaitTime",
	"internal.metrics.shuffle.read.recordsRead",
	"internal.metrics.shuffle.write.bytesWritten",
	"internal.metrics.shuffle.write.recordsWritten",
	"internal.metrics.shuffle.write.writeTime",
	"internal.metrics.input.bytesRead",
	"internal.metrics.input.recordsRead",
}

// accumState keeps the running accumulator values of each stage, so the
// Value of every update is the stage total so far, as Spark writes it.
type accumState struct {
	sums map[int][]int64
}

func newAccumState() *accumState { return &accumState{sums: map[int][]int64{}} }

// accumID is the accumulator id of metric i of stage: each stage has its
// own TaskMetrics accumulators, numbered in blocks.
func accumID(stage, i int) int64 { return int64(100 + stage*40 + i) }

// metricsOf fills Spark's task metrics for a finished attempt and the
// executor count it read shuffle from.
func metricsOf(k *task, executors int) *taskMetrics {
	run := k.Finish - k.Launch
	deser := min(run/50+30, 2_000)
	runTime := max(run-deser-5, 1)
	local := k.ReadBytes / int64(max(executors, 1))
	m := &taskMetrics{
		ExecutorDeserializeTime:    deser,
		ExecutorDeserializeCPUTime: deser * 620_000,
		ExecutorRunTime:            runTime,
		ExecutorCPUTime:            runTime * 710_000,
		ResultSize:                 2_947 + int64(k.Index%97),
		JVMGCTime:                  runTime / 40,
		ResultSerializationTime:    1,
		MemoryBytesSpilled:         k.MemSpill,
		DiskBytesSpilled:           k.DiskSpill,
		UpdatedBlocks:              []any{},
		ShuffleReadMetrics: shuffleReadMetrics{
			RemoteBytesRead:  k.ReadBytes - local,
			LocalBytesRead:   local,
			TotalRecordsRead: k.ReadRecords,
		},
		ShuffleWriteMetrics: shuffleWriteMetrics{
			ShuffleBytesWritten:   k.WriteBytes,
			ShuffleWriteTime:      k.WriteBytes / 3,
			ShuffleRecordsWritten: k.WriteRecords,
		},
		InputMetrics: inputMetrics{BytesRead: k.InputBytes, RecordsRead: k.InputRecords},
	}
	if k.ReadBytes > 0 {
		m.ShuffleReadMetrics.RemoteBlocksFetched = int64(executors-1) * 80
		m.ShuffleReadMetrics.LocalBlocksFetched = 80
		m.ShuffleReadMetrics.FetchWaitTime = runTime / 25
	}
	if k.MemSpill > 0 || k.ReadBytes > 0 {
		m.PeakExecutionMemory = 1_503_238_553
	} else if k.InputBytes > 0 {
		m.PeakExecutionMemory = 268_435_456
	}
	return m
}

// accumulables turns a task's metrics into Task Info "Accumulables",
// adding them to the stage's running totals.
func (a *accumState) accumulables(stage int, m *taskMetrics) []accumulable {
	vals := []int64{
		m.ExecutorDeserializeTime, m.ExecutorDeserializeCPUTime, m.ExecutorRunTime, m.ExecutorCPUTime,
		m.ResultSize, m.JVMGCTime, m.ResultSerializationTime, m.MemoryBytesSpilled, m.DiskBytesSpilled,
		m.PeakExecutionMemory,
		m.ShuffleReadMetrics.RemoteBlocksFetched, m.ShuffleReadMetrics.LocalBlocksFetched,
		m.ShuffleReadMetrics.RemoteBytesRead, m.ShuffleReadMetrics.RemoteBytesReadToDisk,
		m.ShuffleReadMetrics.LocalBytesRead, m.ShuffleReadMetrics.FetchWaitTime, m.ShuffleReadMetrics.TotalRecordsRead,
		m.ShuffleWriteMetrics.ShuffleBytesWritten, m.ShuffleWriteMetrics.ShuffleRecordsWritten,
		m.ShuffleWriteMetrics.ShuffleWriteTime,
		m.InputMetrics.BytesRead, m.InputMetrics.RecordsRead,
	}
	sums := a.sums[stage]
	if sums == nil {
		sums = make([]int64, len(accumNames))
		a.sums[stage] = sums
	}
	out := make([]accumulable, 0, len(vals))
	for i, v := range vals {
		if v == 0 {
			continue
		}
		sums[i] += v
		u := v
		out = append(out, accumulable{ID: accumID(stage, i), Name: accumNames[i], Update: &u, Value: sums[i], Internal: true, CountFailedValues: true})
	}
	return out
}

// executorMetricsOf is a plausible Task Executor Metrics block.
func executorMetricsOf(k *task) executorMetrics {
	heap := int64(6_442_450_944) + (k.ID%13)*97_517_568
	return executorMetrics{
		JVMHeapMemory: heap, JVMOffHeapMemory: 212_680_704,
		OnHeapExecutionMemory: 1_503_238_553, OnHeapStorageMemory: 28_514,
		OnHeapUnifiedMemory: 1_503_267_067, DirectPoolMemory: 104_857_600,
		MinorGCCount: 40 + k.ID%17, MinorGCTime: 2_100 + k.ID%500,
		MajorGCCount: 3, MajorGCTime: 900, TotalGCTime: 3_000 + k.ID%500,
	}
}

// diskFullTrace is the JVM stack of a spill write hitting a full disk.
var diskFullTrace = []stackFrame{
	{"java.io.FileOutputStream", "writeBytes", "FileOutputStream.java", -2},
	{"java.io.FileOutputStream", "write", "FileOutputStream.java", 326},
	{"org.apache.spark.storage.TimeTrackingOutputStream", "write", "TimeTrackingOutputStream.java", 59},
	{"java.io.BufferedOutputStream", "flushBuffer", "BufferedOutputStream.java", 82},
	{"java.io.BufferedOutputStream", "write", "BufferedOutputStream.java", 126},
	{"net.jpountz.lz4.LZ4BlockOutputStream", "flushBufferedData", "LZ4BlockOutputStream.java", 223},
	{"net.jpountz.lz4.LZ4BlockOutputStream", "write", "LZ4BlockOutputStream.java", 176},
	{"org.apache.spark.storage.DiskBlockObjectWriter", "write", "DiskBlockObjectWriter.scala", 312},
	{"org.apache.spark.util.collection.unsafe.sort.UnsafeSorterSpillWriter", "write", "UnsafeSorterSpillWriter.java", 136},
	{"org.apache.spark.util.collection.unsafe.sort.UnsafeExternalSorter", "spill", "UnsafeExternalSorter.java", 237},
	{"org.apache.spark.memory.TaskMemoryManager", "acquireExecutionMemory", "TaskMemoryManager.java", 210},
	{"org.apache.spark.executor.Executor$TaskRunner", "run", "Executor.scala", 551},
	{"java.util.concurrent.ThreadPoolExecutor", "runWorker", "ThreadPoolExecutor.java", 1149},
	{"java.lang.Thread", "run", "Thread.java", 750},
}

// fullTrace renders frames the way Throwable.printStackTrace does.
func fullTrace(head string, frames []stackFrame) string {
	var b strings.Builder
	b.WriteString(head)
	for _, f := range frames {
		b.WriteString("\n\tat ")
		b.WriteString(f.DeclaringClass)
		b.WriteByte('.')
		b.WriteString(f.MethodName)
		b.WriteByte('(')
		if f.LineNumber == -2 {
			b.WriteString("Native Method")
		} else {
			b.WriteString(f.FileName)
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(f.LineNumber))
		}
		b.WriteByte(')')
	}
	b.WriteByte('\n')
	return b.String()
}

// taskEndOf builds the TaskEnd event of a finished attempt.
func taskEndOf(k *task, host string, executors int, acc *accumState, stageAttempt int) taskEnd {
	m := metricsOf(k, executors)
	info := taskInfoOf(k, host)
	info.FinishTime = k.Finish
	info.Accumulables = acc.accumulables(k.Stage, m)
	reason := taskEndReason{Reason: k.Reason}
	switch k.Reason {
	case reasonException:
		info.Failed = true
		reason.ClassName = "java.io.IOException"
		reason.Description = diskFullText
		reason.StackTrace = diskFullTrace
		reason.FullStackTrace = fullTrace("java.io.IOException: "+diskFullText, diskFullTrace)
		reason.AccumulatorUpdates = info.Accumulables
	case reasonKilled:
		info.Killed = true
		reason.KillReason = "Stage cancelled"
		reason.AccumulatorUpdates = info.Accumulables
	}
	return taskEnd{
		Event: "SparkListenerTaskEnd", StageID: k.Stage, StageAttemptID: stageAttempt,
		TaskType: taskType(k), TaskEndReason: reason, TaskInfo: info,
		TaskExecutorMetrics: executorMetricsOf(k), TaskMetrics: m,
	}
}

// taskType is Spark's name for the task: stage 2 writes the job's result.
func taskType(k *task) string {
	if k.Stage == 2 {
		return "ResultTask"
	}
	return "ShuffleMapTask"
}

func taskInfoOf(k *task, host string) taskInfo {
	locality := "PROCESS_LOCAL"
	if k.Stage == 0 {
		locality = "ANY"
	} else if k.ReadBytes > 0 {
		locality = "NODE_LOCAL"
	}
	return taskInfo{
		TaskID: k.ID, Index: k.Index, Attempt: k.Attempt, PartitionID: k.Index,
		LaunchTime: k.Launch, ExecutorID: strconv.Itoa(k.Exec), Host: host, Locality: locality,
		Accumulables: []accumulable{},
	}
}

func taskStartOf(k *task, host string, stageAttempt int) taskStart {
	return taskStart{Event: "SparkListenerTaskStart", StageID: k.Stage, StageAttemptID: stageAttempt, TaskInfo: taskInfoOf(k, host)}
}

// line marshals one event as a JSON line without HTML escaping (Spark's
// Jackson writer leaves <, > and & alone). The event structs hold only
// strings, numbers, bools, maps and slices, so marshalling cannot fail; a
// failure would be a programming error.
func line(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("diskfull: marshalling %T: %v", v, err))
	}
	return b.Bytes()
}
