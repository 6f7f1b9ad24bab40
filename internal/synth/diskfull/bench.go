package diskfull

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// BenchResult describes the event log WriteBench wrote.
type BenchResult struct {
	Path   string
	Tasks  int
	Events int
	Bytes  int64
}

// Shape of the benchmark application: 20 executors × 8 cores, stages of at
// most benchStageTasks tasks alternating map (scan + shuffle write) and
// reduce (shuffle read, some spill).
const (
	benchExecutors  = 20
	benchCores      = 8
	benchStageTasks = 2000
)

// WriteBench streams a Spark 3.3 event log with n successful tasks into
// dir (file spark-application-<ms>), in the same JSON as the disk-full
// scenario: about 3 KB per task, so 200,000 tasks make roughly 600–700 MB.
// The same seed gives the same bytes.
func WriteBench(ctx context.Context, dir string, n int, seed uint64) (BenchResult, error) {
	p := DefaultParams(seed)
	p.Executors, p.Cores, p.Partitions = benchExecutors, benchCores, benchStageTasks
	p.JobName = "clickstream-sessionize"
	g := rand.New(rand.NewPCG(seed, 0xbe7c4))
	runID := "jr_" + hex(g, 64)
	start := p.Start.UnixMilli()
	appID := "spark-application-" + strconv.FormatInt(start, 10)
	path := filepath.Join(dir, appID)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return BenchResult{}, fmt.Errorf("writing %s: %w", path, err)
	}
	f, err := os.Create(path)
	if err != nil {
		return BenchResult{}, fmt.Errorf("writing %s: %w", path, err)
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	res := BenchResult{Path: path, Tasks: n}
	// A bufio.Writer keeps its first write error and returns it from
	// Flush, which is checked below.
	emit := func(v any) {
		res.Events++
		bw.Write(line(v))
	}

	s := &simulation{p: p}
	for i := 0; i < p.Executors; i++ {
		s.execs = append(s.execs, &executor{ID: i + 1, Host: fmt.Sprintf("172.31.%d.%d", 16+i/8, 20+i), AddedAt: start + 20_000 + int64(i)*150})
	}
	hw := &logWriter{}
	// Header, executors and the application start, as in the scenario.
	hw.add(start-1, logStart{Event: "SparkListenerLogStart", SparkVersion: p.SparkVersion})
	props := s.sparkProperties(appID, runID)
	props["spark.sql.shuffle.partitions"] = strconv.Itoa(benchStageTasks)
	hw.add(start-1, environmentUpdate{Event: "SparkListenerEnvironmentUpdate", JVMInformation: map[string]string{"Java Version": "1.8.0_382 (Amazon.com Inc.)"},
		SparkProperties: props, HadoopProperties: map[string]string{}, SystemProperties: map[string]string{}, ClasspathEntries: map[string]string{}})
	hw.add(start, applicationStart{Event: "SparkListenerApplicationStart", AppName: "nativespark-" + p.JobName + "-" + runID, AppID: appID, Timestamp: start, User: "spark"})
	for _, e := range s.execs {
		hw.add(e.AddedAt, executorAdded{Event: "SparkListenerExecutorAdded", Timestamp: e.AddedAt, ExecutorID: strconv.Itoa(e.ID),
			ExecutorInfo: executorInfo{Host: e.Host, TotalCores: p.Cores, LogUrls: map[string]string{}, Attributes: map[string]string{}, Resources: map[string]string{}}})
	}
	bw.Write(hw.bytes())
	res.Events += len(hw.lines)

	acc := newAccumState()
	slots := p.Executors * p.Cores
	now := start + 60_000
	var id int64
	for stage, done := 0, 0; done < n; stage++ {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		count := min(benchStageTasks, n-done)
		reduce := stage%2 == 1
		si := stageInfo{StageID: stage, StageName: "save at NativeMethodAccessorImpl.java:0", NumberOfTasks: count,
			RDDInfo: []rddInfo{}, ParentIDs: []int{}, Details: "org.apache.spark.sql.Dataset.save", Accumulables: []accumulable{}}
		if reduce {
			si.ParentIDs = []int{stage - 1}
		}
		emit(jobStart{Event: "SparkListenerJobStart", JobID: stage, SubmissionTime: now, StageInfos: []stageInfo{si}, StageIDs: []int{stage}, Properties: map[string]string{}})
		si.SubmissionTime = now
		emit(stageSubmitted{Event: "SparkListenerStageSubmitted", StageInfo: si, Properties: map[string]string{}})
		stageEnd := now
		for wave := 0; wave*slots < count; wave++ {
			var batch []*task
			for j := wave * slots; j < min(count, (wave+1)*slots); j++ {
				k := &task{ID: id, Stage: stage, Index: j, Exec: j%p.Executors + 1, Reason: reasonSuccess}
				id++
				k.Launch = now + int64(j%slots)*3 + g.Int64N(20)
				k.Finish = k.Launch + 2_000 + g.Int64N(8_000)
				if reduce {
					k.ReadBytes = 40_000_000 + g.Int64N(20_000_000)
					k.ReadRecords = k.ReadBytes / 96
					if g.IntN(8) == 0 {
						k.DiskSpill = k.ReadBytes + g.Int64N(5_000_000)
						k.MemSpill = k.DiskSpill * 3
					}
				} else {
					k.InputBytes = 100_000_000 + g.Int64N(40_000_000)
					k.InputRecords = k.InputBytes / 112
					k.WriteBytes = k.InputBytes / 3
					k.WriteRecords = k.InputRecords
				}
				batch = append(batch, k)
				emit(taskStartOf(k, s.execs[k.Exec-1].Host, 0))
			}
			var waveEnd int64
			for _, k := range batch {
				emit(taskEndOf(k, s.execs[k.Exec-1].Host, p.Executors, acc, 0))
				waveEnd = max(waveEnd, k.Finish)
			}
			now = waveEnd + 5
			stageEnd = waveEnd
		}
		done += count
		si.CompletionTime = stageEnd + 10
		emit(stageCompleted{Event: "SparkListenerStageCompleted", StageInfo: si})
		emit(jobEnd{Event: "SparkListenerJobEnd", JobID: stage, CompletionTime: stageEnd + 20, JobResult: jobResult{Result: "JobSucceeded"}})
		now = stageEnd + 500
	}
	emit(applicationEnd{Event: "SparkListenerApplicationEnd", Timestamp: now + 2_000})
	if err := bw.Flush(); err != nil {
		return res, fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return res, fmt.Errorf("writing %s: %w", path, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return res, err
	}
	res.Bytes = st.Size()
	return res, nil
}
