package diskfull

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Files the scenario writes, relative to the output directory.
const (
	EventLogDir = "sparkHistoryLogs"
	GlueRunsDir = "glue"
)

// TruthPath is where Write puts the truth of evidence written to dir:
// beside the folder (DIR.truth.json), never inside it.
func TruthPath(dir string) string { return filepath.Clean(dir) + ".truth.json" }

// Result names what Write produced.
type Result struct {
	EventLog string // path of the Spark event log
	GlueRuns string // path of the get-job-runs output
	Truth    Truth
}

// Write runs the scenario for p and writes its evidence under dir — the
// event log (as Glue names it: spark-application-<start ms>) and the Glue
// get-job-runs output — and its truth to TruthPath(dir). The same Params
// give the same bytes.
func Write(dir string, p Params) (Result, error) { return WriteTo(dir, TruthPath(dir), p) }

// WriteTo is Write with the truth written to truthPath.
func WriteTo(dir, truthPath string, p Params) (Result, error) {
	if err := p.validate(); err != nil {
		return Result{}, err
	}
	sim, err := simulate(p)
	if err != nil {
		return Result{}, err
	}
	g := rand.New(rand.NewPCG(p.Seed, idStream(p)))
	runID := "jr_" + hex(g, 64)
	appID := "spark-application-" + strconv.FormatInt(p.Start.UnixMilli(), 10)
	lw := &logWriter{}
	appEnd := sim.writeEvents(lw, appID, runID, g)
	truth, err := sim.truth(appID, runID, appEnd)
	if err != nil {
		return Result{}, err
	}
	run := sim.glueRun(runID, appEnd, truth.GlueErrorMessage, g)

	res := Result{
		EventLog: filepath.Join(dir, EventLogDir, appID),
		GlueRuns: filepath.Join(dir, GlueRunsDir, "get-job-runs."+p.JobName+".json"),
		Truth:    truth,
	}
	runsJSON, err := json.MarshalIndent(map[string]any{"JobRuns": []any{run}}, "", "    ")
	if err != nil {
		return Result{}, fmt.Errorf("encoding Glue runs: %w", err)
	}
	truthJSON, err := json.MarshalIndent(truth, "", "  ")
	if err != nil {
		return Result{}, fmt.Errorf("encoding truth: %w", err)
	}
	for _, f := range []struct {
		path string
		body []byte
	}{
		{res.EventLog, lw.bytes()},
		{res.GlueRuns, append(runsJSON, '\n')},
		{truthPath, append(truthJSON, '\n')},
	} {
		if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
			return Result{}, fmt.Errorf("writing %s: %w", f.path, err)
		}
		if err := os.WriteFile(f.path, f.body, 0o644); err != nil {
			return Result{}, fmt.Errorf("writing %s: %w", f.path, err)
		}
	}
	return res, nil
}

// idStream picks the random stream of the run id and the log's other ids:
// the after-fix run of a seed must not reuse the before run's id, since
// both go into one database.
func idStream(p Params) uint64 {
	if p.ExpectFull {
		return 0x61a7e
	}
	return 0x61a7e ^ 0xaf7e4f1c
}

func hex(g *rand.Rand, n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.IntN(16)]
	}
	return string(b)
}

// logWriter collects event lines with the instant they happen; bytes
// returns them in time order (ties keep the order they were added).
type logWriter struct {
	lines []timedLine
}

type timedLine struct {
	at   int64
	seq  int
	line []byte
}

func (w *logWriter) add(at int64, v any) {
	w.lines = append(w.lines, timedLine{at, len(w.lines), line(v)})
}

func (w *logWriter) bytes() []byte {
	sort.Slice(w.lines, func(i, j int) bool {
		if w.lines[i].at != w.lines[j].at {
			return w.lines[i].at < w.lines[j].at
		}
		return w.lines[i].seq < w.lines[j].seq
	})
	var out []byte
	for _, l := range w.lines {
		out = append(out, l.line...)
	}
	return out
}

// sparkProperties is the explicitly set conf of a Glue 4.0 job run. The
// disk-full run sets the shuffle partitions badly and AQE off and leaves
// the shuffle codec unset (Spark's default, lz4); the after-fix run sets
// the codec, AQE and the recommended partitions.
func (s *simulation) sparkProperties(appID, runID string) map[string]string {
	p := s.p
	props := map[string]string{
		"spark.app.id":                    appID,
		"spark.app.name":                  "nativespark-" + p.JobName + "-" + runID,
		"spark.app.startTime":             strconv.FormatInt(p.Start.UnixMilli(), 10),
		"spark.master":                    "jes",
		"spark.submit.deployMode":         "client",
		"spark.driver.host":               "172.31.30.12",
		"spark.driver.port":               "37115",
		"spark.driver.memory":             p.DriverMemory,
		"spark.driver.cores":              strconv.Itoa(p.Cores),
		"spark.executor.memory":           p.ExecutorMemory,
		"spark.executor.cores":            strconv.Itoa(p.Cores),
		"spark.executor.instances":        strconv.Itoa(p.Executors),
		"spark.executor.id":               "driver",
		"spark.dynamicAllocation.enabled": "false",
		"spark.default.parallelism":       strconv.Itoa(2 * p.Executors * p.Cores),
		"spark.eventLog.enabled":          "true",
		"spark.eventLog.dir":              "/tmp/spark-event-logs/",
		"spark.glue.JOB_NAME":             p.JobName,
		"spark.glue.JOB_RUN_ID":           runID,
		"spark.glue.GLUE_VERSION":         p.GlueVersion,
		"spark.glue.GLUE_TASK_GROUP_ID":   "8d1b7a36-5a1c-4d47-9d0a-2c3e4f5a6b7c",
		"spark.glue.USE_PROXY":            "false",
		"spark.authenticate":              "true",
		"spark.authenticate.secret":       "*********(redacted)",
		"spark.network.crypto.enabled":    "true",
		"spark.sql.catalogImplementation": "hive",
		"spark.sql.shuffle.partitions":    strconv.Itoa(p.Partitions),
		"spark.sql.adaptive.enabled":      "false",
		"spark.hadoop.fs.s3.impl":         "com.amazon.ws.emr.hadoop.fs.EmrFileSystem",
		"spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs": "false",
		"spark.hadoop.aws.glue.endpoint":                                "https://glue." + p.Region + ".amazonaws.com",
		"spark.unsafe.sorter.spill.read.ahead.enabled":                  "false",
		"spark.pyspark.python":                                          "/usr/bin/python3",
	}
	if p.Codec != "" {
		props["spark.io.compression.codec"] = p.Codec
	}
	if p.AQE {
		props["spark.sql.adaptive.enabled"] = "true"
		props["spark.sql.adaptive.coalescePartitions.enabled"] = "true"
	}
	return props
}

// jobConf is the run's --conf argument: the settings the job sets.
func (p Params) jobConf() string {
	c := "spark.sql.shuffle.partitions=" + strconv.Itoa(p.Partitions) + " --conf spark.sql.adaptive.enabled=" + strconv.FormatBool(p.AQE)
	if p.AQE {
		c += " --conf spark.sql.adaptive.coalescePartitions.enabled=true"
	}
	if p.Codec != "" {
		c += " --conf spark.io.compression.codec=" + p.Codec
	}
	return c
}

// writeEvents writes the whole application and returns its end (epoch ms).
func (s *simulation) writeEvents(w *logWriter, appID, runID string, g *rand.Rand) int64 {
	p := s.p
	start := p.Start.UnixMilli()
	head := start - 1
	w.add(head, logStart{Event: "SparkListenerLogStart", SparkVersion: p.SparkVersion})
	w.add(head, resourceProfileAdded{
		Event: "SparkListenerResourceProfileAdded",
		ExecutorResourceRequests: map[string]resourceRequest{
			"cores":   {ResourceName: "cores", Amount: int64(p.Cores)},
			"memory":  {ResourceName: "memory", Amount: 20480},
			"offHeap": {ResourceName: "offHeap", Amount: 0},
		},
		TaskResourceRequests: map[string]taskResourceRequest{"cpus": {ResourceName: "cpus", Amount: 1}},
	})
	w.add(head, blockManagerAdded{
		Event:          "SparkListenerBlockManagerAdded",
		BlockManagerID: blockManagerID{ExecutorID: "driver", Host: "172.31.30.12", Port: 39227},
		MaximumMemory:  11_655_329_587, Timestamp: start - 1_210, MaximumOnheapMemory: 11_655_329_587,
	})
	w.add(head, environmentUpdate{
		Event:           "SparkListenerEnvironmentUpdate",
		JVMInformation:  p.jvm(),
		SparkProperties: s.sparkProperties(appID, runID),
		HadoopProperties: map[string]string{
			"fs.s3.impl": "com.amazon.ws.emr.hadoop.fs.EmrFileSystem", "fs.s3.buffer.dir": "/tmp/hadoop-spark/s3",
			"mapreduce.fileoutputcommitter.marksuccessfuljobs": "false", "hadoop.tmp.dir": "/tmp/hadoop-spark",
		},
		SystemProperties: map[string]string{
			"java.version": p.jvm()["Java Version"][:strings.IndexByte(p.jvm()["Java Version"], ' ')], "user.name": "spark", "os.name": "Linux", "java.io.tmpdir": "/tmp",
			"sun.java.command": "org.apache.spark.deploy.PythonRunner --JOB_ID j_" + runID[3:19] + " --JOB_RUN_ID " + runID,
		},
		ClasspathEntries: map[string]string{
			"/opt/amazon/spark/jars/spark-core_2.12-" + p.SparkVersion + ".jar": "System Classpath",
			"/opt/amazon/spark/jars/spark-sql_2.12-" + p.SparkVersion + ".jar":  "System Classpath",
			"/opt/amazon/lib/hadoop-lzo.jar":                                    "System Classpath",
		},
	})
	w.add(start, applicationStart{Event: "SparkListenerApplicationStart", AppName: "nativespark-" + p.JobName + "-" + runID, AppID: appID, Timestamp: start, User: "spark"})
	for _, e := range s.execs {
		w.add(e.AddedAt, executorAdded{
			Event: "SparkListenerExecutorAdded", Timestamp: e.AddedAt, ExecutorID: strconv.Itoa(e.ID),
			ExecutorInfo: executorInfo{Host: e.Host, TotalCores: p.Cores, LogUrls: map[string]string{}, Attributes: map[string]string{}, Resources: map[string]string{}},
		})
		w.add(e.AddedAt+180, blockManagerAdded{
			Event:          "SparkListenerBlockManagerAdded",
			BlockManagerID: blockManagerID{ExecutorID: strconv.Itoa(e.ID), Host: e.Host, Port: 38000 + e.ID*7},
			MaximumMemory:  11_655_329_587, Timestamp: e.AddedAt + 180, MaximumOnheapMemory: 11_655_329_587,
		})
	}

	props := map[string]string{"spark.sql.execution.id": "0", "spark.rdd.scope.noOverride": "true", "spark.job.description": "rollup orders by customer"}
	stage0 := s.stageInfo(0)
	stage1 := s.stageInfo(1)
	stage2 := stageInfo{StageID: 2, StageName: "pyWriteDynamicFrame at NativeMethodAccessorImpl.java:0", NumberOfTasks: p.Partitions,
		RDDInfo: []rddInfo{}, ParentIDs: []int{1}, Details: "org.apache.spark.sql.Dataset.write", Accumulables: []accumulable{}}
	s.writeSQLStart(w, s.stage0Sub-40)
	w.add(s.stage0Sub-12, jobStart{Event: "SparkListenerJobStart", JobID: 0, SubmissionTime: s.stage0Sub - 12,
		StageInfos: []stageInfo{stage0, stage1, stage2}, StageIDs: []int{0, 1, 2}, Properties: props})
	sub0 := stage0
	sub0.SubmissionTime = s.stage0Sub
	w.add(s.stage0Sub, stageSubmitted{Event: "SparkListenerStageSubmitted", StageInfo: sub0, Properties: props})

	acc := newAccumState()
	ends := append([]*task(nil), s.tasks...)
	sort.SliceStable(ends, func(i, j int) bool {
		if ends[i].Finish != ends[j].Finish {
			return ends[i].Finish < ends[j].Finish
		}
		return ends[i].ID < ends[j].ID
	})
	for _, k := range s.tasks {
		w.add(k.Launch, taskStartOf(k, s.execs[k.Exec-1].Host, 0))
	}
	// Task ends go after every other event of their instant except later
	// launches, so they are added in finish order.
	for _, k := range ends {
		te := taskEndOf(k, s.execs[k.Exec-1].Host, p.Executors, acc, 0)
		if p.GlueVersion >= "5.0" && te.TaskMetrics != nil {
			var zero int64
			te.TaskMetrics.ShuffleReadMetrics.RemoteRequestsDuration = &zero
			te.TaskMetrics.ShuffleReadMetrics.PushBasedShuffle = &pushBasedShuffle{}
		}
		w.add(k.Finish, te)
	}
	done0 := stage0
	done0.SubmissionTime = s.stage0Sub
	done0.CompletionTime = s.stage0Done + 21
	w.add(done0.CompletionTime, stageCompleted{Event: "SparkListenerStageCompleted", StageInfo: done0})
	s.writeSQLStageDone(w, done0.CompletionTime+3)
	sub1 := stage1
	sub1.SubmissionTime = s.stage1Sub
	w.add(s.stage1Sub, stageSubmitted{Event: "SparkListenerStageSubmitted", StageInfo: sub1, Properties: props})

	if s.abortAt == 0 {
		return s.writeSuccess(w, stage1, stage2, props, g)
	}
	last := s.abortAt
	for _, e := range s.execs {
		if e.RemovedAt == 0 {
			continue
		}
		e.Removed = "Executor Process Lost: java.io.IOException: " + diskFullText
		w.add(e.RemovedAt, executorRemoved{Event: "SparkListenerExecutorRemoved", Timestamp: e.RemovedAt, ExecutorID: strconv.Itoa(e.ID), RemovedReason: e.Removed})
		last = max(last, e.RemovedAt)
	}
	reason := s.abortReason()
	done1 := stage1
	done1.SubmissionTime = s.stage1Sub
	done1.CompletionTime = s.abortAt + 9
	done1.FailureReason = reason + "\n\nDriver stacktrace:"
	w.add(done1.CompletionTime, stageCompleted{Event: "SparkListenerStageCompleted", StageInfo: done1})
	w.add(s.abortAt+24, jobEnd{Event: "SparkListenerJobEnd", JobID: 0, CompletionTime: s.abortAt + 24,
		JobResult: jobResult{Result: "JobFailed", Exception: &jobException{Message: "Job aborted due to stage failure: " + reason + "\n\nDriver stacktrace:", StackTrace: []any{}}}})
	s.writeSQLEnd(w, s.abortAt+30, "Job aborted due to stage failure: "+reason)
	for _, k := range s.tasks {
		last = max(last, k.Finish)
	}
	appEnd := last + 2_500 + g.Int64N(1_500)
	w.add(appEnd, applicationEnd{Event: "SparkListenerApplicationEnd", Timestamp: appEnd})
	return appEnd
}

// writeSuccess ends a run whose stages all completed: stage 1 completes,
// stage 2 writes the result, the job succeeds. It returns the
// application's end (epoch ms).
func (s *simulation) writeSuccess(w *logWriter, stage1, stage2 stageInfo, props map[string]string, g *rand.Rand) int64 {
	done1 := stage1
	done1.SubmissionTime = s.stage1Sub
	done1.CompletionTime = s.stage1Done + 17
	w.add(done1.CompletionTime, stageCompleted{Event: "SparkListenerStageCompleted", StageInfo: done1})
	sub2 := stage2
	sub2.SubmissionTime = s.stage2Sub
	w.add(s.stage2Sub, stageSubmitted{Event: "SparkListenerStageSubmitted", StageInfo: sub2, Properties: props})
	done2 := stage2
	done2.SubmissionTime = s.stage2Sub
	done2.CompletionTime = s.stage2Done + 19
	w.add(done2.CompletionTime, stageCompleted{Event: "SparkListenerStageCompleted", StageInfo: done2})
	w.add(s.stage2Done+31, jobEnd{Event: "SparkListenerJobEnd", JobID: 0, CompletionTime: s.stage2Done + 31, JobResult: jobResult{Result: "JobSucceeded"}})
	s.writeSQLEnd(w, s.stage2Done+38, "")
	appEnd := s.stage2Done + 31 + 2_500 + g.Int64N(1_500)
	w.add(appEnd, applicationEnd{Event: "SparkListenerApplicationEnd", Timestamp: appEnd})
	return appEnd
}

func (s *simulation) stageInfo(id int) stageInfo {
	si := stageInfo{StageID: id, Accumulables: []accumulable{}, ParentIDs: []int{}}
	switch id {
	case 0:
		si.StageName = "pyWriteDynamicFrame at NativeMethodAccessorImpl.java:0"
		si.NumberOfTasks = s.p.MapTasks
		si.Details = "org.apache.spark.sql.execution.datasources.FileSourceScanExec.inputRDD"
		si.RDDInfo = []rddInfo{{RDDID: 3, Name: "MapPartitionsRDD", Scope: `{"id":"2","name":"Exchange"}`, Callsite: si.StageName,
			ParentIDs: []int{2}, DeterministicLevel: "DETERMINATE", NumberOfPartitions: s.p.MapTasks, StorageLevel: storageLevel{Replication: 1}}}
	case 1:
		si.StageName = "pyWriteDynamicFrame at NativeMethodAccessorImpl.java:0"
		si.NumberOfTasks = s.p.Partitions
		si.ParentIDs = []int{0}
		si.Details = "org.apache.spark.sql.execution.exchange.ShuffleExchangeExec.doExecute"
		si.RDDInfo = []rddInfo{{RDDID: 7, Name: "MapPartitionsRDD", Scope: `{"id":"5","name":"Exchange"}`, Callsite: si.StageName,
			ParentIDs: []int{6}, DeterministicLevel: "DETERMINATE", NumberOfPartitions: s.p.Partitions, StorageLevel: storageLevel{Replication: 1}}}
	}
	return si
}

// abortReason is Spark's message for a task that failed MaxFailures times.
func (s *simulation) abortReason() string {
	k := s.abortTask
	e := s.execs[k.Exec-1]
	return fmt.Sprintf("Task %d in stage %d.0 failed %d times, most recent failure: Lost task %d.%d in stage %d.0 (TID %d) (%s executor %d): java.io.IOException: %s",
		k.Index, k.Stage, s.p.MaxFailures, k.Index, k.Attempt, k.Stage, k.ID, e.Host, e.ID, diskFullText)
}

// glueRun is the GetJobRuns entry of the run, as AWS CLI v1 prints it.
func (s *simulation) glueRun(runID string, appEnd int64, errMsg string, g *rand.Rand) map[string]any {
	p := s.p
	started := float64(p.Start.UnixMilli()-41_000-g.Int64N(9_000)) / 1000
	completed := float64(appEnd+5_000+g.Int64N(4_000)) / 1000
	run := map[string]any{
		"Id":             runID,
		"Attempt":        0,
		"JobName":        p.JobName,
		"StartedOn":      started,
		"LastModifiedOn": completed,
		"CompletedOn":    completed,
		"JobRunState":    "FAILED",
		"ErrorMessage":   errMsg,
		"Arguments": map[string]string{
			"--enable-metrics":        "true",
			"--enable-spark-ui":       "true",
			"--job-language":          "python",
			"--TempDir":               "s3://aws-glue-assets-" + p.Account + "-" + p.Region + "/temporary/",
			"--spark-event-logs-path": "s3://aws-glue-assets-" + p.Account + "-" + p.Region + "/sparkHistoryLogs/",
			"--conf":                  p.jobConf(),
		},
		"PredecessorRuns":   []any{},
		"AllocatedCapacity": p.Workers * 2,
		"ExecutionTime":     int(math.Round(completed - started)),
		"Timeout":           2880,
		"MaxCapacity":       float64(p.Workers * 2),
		"WorkerType":        p.WorkerType,
		"NumberOfWorkers":   p.Workers,
		"LogGroupName":      "/aws-glue/jobs",
		"GlueVersion":       p.GlueVersion,
	}
	if errMsg == "" {
		run["JobRunState"] = "SUCCEEDED"
		delete(run, "ErrorMessage")
	}
	return run
}

// truth derives truth.json from the finished simulation.
func (s *simulation) truth(appID, runID string, appEnd int64) (Truth, error) {
	p := s.p
	t := Truth{
		Scenario: "disk-full", Outcome: "FAILED", Seed: p.Seed, AppID: appID, SparkVersion: p.SparkVersion,
		GlueJobName: p.JobName, GlueRunID: runID, WorkerType: p.WorkerType, NumberOfWorkers: p.Workers,
		UsableDiskBytes: p.UsableDisk, AppStart: p.Start, AppEnd: time.UnixMilli(appEnd).UTC(),
		ModelTolerance:    "±1s (same model as executor_disk_timeline; event-log times are whole milliseconds)",
		ShufflePartitions: p.Partitions,
		PartitionRule:     "ceil(Σ shuffle bytes written by the reduce stage's parent stages / 200 MiB)",
		Codec: CodecTruth{Current: "lz4", Source: "default", Recommended: "zstd",
			Conf: "spark.io.compression.codec=zstd"},
	}
	if p.ExpectFull {
		t.GlueErrorMessage = "An error occurred while calling o161.pyWriteDynamicFrame. Job aborted due to stage failure: " + s.abortReason()
		k := s.abortTask
		t.AbortedTask = fmt.Sprintf("stage %d partition %d (attempt %d, TID %d)", k.Stage, k.Index, k.Attempt, k.ID)
	} else {
		t.Scenario, t.Outcome = "disk-full-after-fix", "SUCCEEDED"
		t.Codec = CodecTruth{Current: p.Codec, Source: "explicit", Recommended: p.Codec, Conf: "spark.io.compression.codec=" + p.Codec}
		t.AQEEnabled = p.AQE
	}
	// Peaks and crossings from the rebuilt series, independent of the
	// check the simulation made while running.
	type fill struct {
		exec string
		at   int64
		disk int64
		rm   int64
	}
	var fills []fill
	for _, e := range s.execs {
		series := diskSeries(e, appEnd)
		var peak step
		crossed := false
		for _, st := range series {
			if st.disk > peak.disk {
				peak = st
			}
			if !crossed && st.disk > p.UsableDisk {
				crossed = true
				fills = append(fills, fill{strconv.Itoa(e.ID), st.at, st.disk, e.RemovedAt})
			}
		}
		t.Peaks = append(t.Peaks, ExecutorPeak{Executor: strconv.Itoa(e.ID), PeakBytes: peak.disk, PeakAt: time.UnixMilli(peak.at).UTC()})
		t.PeakDiskBytes = max(t.PeakDiskBytes, peak.disk)
	}
	sort.Slice(fills, func(i, j int) bool { return fills[i].at < fills[j].at })
	for _, f := range fills {
		t.ExecutorsFilled = append(t.ExecutorsFilled, ExecutorFill{Executor: f.exec, At: time.UnixMilli(f.at).UTC(), DiskBytes: f.disk, RemovedAt: time.UnixMilli(f.rm).UTC()})
	}
	if !p.ExpectFull {
		if len(fills) > 0 {
			return t, fmt.Errorf("simulating seed %d: executor %s's rebuilt disk went above %d bytes although the run succeeds", p.Seed, fills[0].exec, p.UsableDisk)
		}
		return s.stageTruth(t), nil
	}
	if len(fills) == 0 || len(s.crossings) == 0 {
		return t, fmt.Errorf("simulating seed %d: no executor disk went above %d bytes", p.Seed, p.UsableDisk)
	}
	first := s.crossings[0]
	if fills[0].exec != strconv.Itoa(first.Exec) || fills[0].at != first.At || fills[0].disk != first.DiskBytes {
		return t, fmt.Errorf("simulating seed %d: rebuilt disk series disagrees with the simulation (executor %s at %d vs %d at %d)",
			p.Seed, fills[0].exec, fills[0].at, first.Exec, first.At)
	}
	t.FailingExecutor = fills[0].exec
	t.DiskFullAt = time.UnixMilli(fills[0].at).UTC()
	t.DiskBytesAtFull = fills[0].disk
	t.MinutesAfterStart = math.Round(t.DiskFullAt.Sub(p.Start).Minutes()*100) / 100
	return s.stageTruth(t), nil
}

// stageTruth fills the stage totals, spill, partitions and the
// recommendation.
func (s *simulation) stageTruth(t Truth) Truth {
	// Stage totals the History Server way: every ended attempt's metrics.
	for stage := 0; stage <= s.lastStage(); stage++ {
		st := StageTotals{StageID: stage}
		for _, k := range s.tasks {
			if k.Stage != stage {
				continue
			}
			st.Tasks++
			if k.Reason == reasonException {
				st.FailedTasks++
			}
			if k.Reason == reasonKilled {
				st.KilledTasks++
			}
			st.MemoryBytesSpilled += k.MemSpill
			st.DiskBytesSpilled += k.DiskSpill
			st.ShuffleBytesWritten += k.WriteBytes
			st.ShuffleBytesRead += k.ReadBytes
		}
		t.Stages = append(t.Stages, st)
		t.DiskBytesSpilled += st.DiskBytesSpilled
	}
	t.ReduceInputBytes = t.Stages[0].ShuffleBytesWritten
	t.RecommendedPartitions = s.recommendedPartitions()
	for _, pt := range s.parts {
		if pt.read == 0 {
			t.EmptyPartitionsPlanned++
		}
	}
	seen := map[int]bool{}
	for _, k := range s.tasks {
		if k.Stage == 1 && !seen[k.Index] {
			seen[k.Index] = true
			t.PartitionsObserved++
			if s.parts[k.Index].read == 0 {
				t.EmptyPartitionsObserved++
			}
		}
	}
	return t
}
