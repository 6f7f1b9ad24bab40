package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/gluelens/gluelens/analysis/spark"
	"github.com/gluelens/gluelens/internal/store"
	"github.com/gluelens/gluelens/internal/synth/diskfull"
	"github.com/gluelens/gluelens/internal/testutil"
)

// sparkCLI runs gluelens in-process and fails the test on a non-zero exit.
func sparkCLI(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run(context.Background(), args, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("gluelens %s: exit %d\n%s", strings.Join(args, " "), code, errOut.String())
	}
	return out.String()
}

// diskFullDB writes the disk-full scenario for seed and ingests it with
// the real decoders through the CLI.
func diskFullDB(t *testing.T, seed int) (string, diskfull.Truth) {
	t.Helper()
	dir := t.TempDir()
	sparkCLI(t, "synth", "disk-full", "--out", dir, "--seed", fmt.Sprint(seed))
	body, err := os.ReadFile(diskfull.TruthPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	var tr diskfull.Truth
	if err := json.Unmarshal(body, &tr); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "g.duckdb")
	sparkCLI(t, "--db", db, "ingest", "--quiet", dir)
	return db, tr
}

func TestDiskFullScenarioMatchesTruth(t *testing.T) {
	for _, seed := range []int{1, 5} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			db, tr := diskFullDB(t, seed)

			// Executors: the first to go over its usable disk, and every peak.
			var execs []spark.Executor
			if err := json.Unmarshal([]byte(sparkCLI(t, "--db", db, "spark", "executors", tr.AppID, "--format", "json")), &execs); err != nil {
				t.Fatal(err)
			}
			peaks := map[string]int64{}
			var first *spark.Executor
			for i, e := range execs {
				if e.PeakDiskBytes != nil {
					peaks[e.ExecutorID] = *e.PeakDiskBytes
				}
				if e.WorkerType != "G.2X" || e.UsableDisk == nil || *e.UsableDisk != tr.UsableDiskBytes || e.DiskTable != "current" {
					t.Errorf("executor %s: worker %q usable %v from %q; want G.2X, %d, current", e.ExecutorID, e.WorkerType, e.UsableDisk, e.DiskTable, tr.UsableDiskBytes)
				}
				if e.CrossedUsable != nil && (first == nil || e.CrossedUsable.Before(*first.CrossedUsable)) {
					first = &execs[i]
				}
			}
			if first == nil {
				t.Fatal("no executor went above its usable disk")
			}
			// The model's tolerance: the view and the generator use the same model, and the
			// log keeps milliseconds, so the crossing must agree within a second.
			if first.ExecutorID != tr.FailingExecutor || absDuration(first.CrossedUsable.Sub(tr.DiskFullAt)) > time.Second {
				t.Errorf("first full: executor %s at %v; truth: %s at %v", first.ExecutorID, first.CrossedUsable, tr.FailingExecutor, tr.DiskFullAt)
			}
			for _, p := range tr.Peaks {
				if peaks[p.Executor] != p.PeakBytes {
					t.Errorf("executor %s peak %d, truth %d", p.Executor, peaks[p.Executor], p.PeakBytes)
				}
			}

			// Stage totals.
			var stages []spark.Stage
			if err := json.Unmarshal([]byte(sparkCLI(t, "--db", db, "spark", "stages", tr.AppID, "--format", "json")), &stages); err != nil {
				t.Fatal(err)
			}
			if len(stages) != 2 {
				t.Fatalf("%d stages, want 2", len(stages))
			}
			for i, want := range tr.Stages {
				got := stages[i]
				if got.Tasks != int64(want.Tasks) || got.FailedTasks != int64(want.FailedTasks) || got.KilledTasks != int64(want.KilledTasks) ||
					got.DiskSpilled != want.DiskBytesSpilled || got.MemorySpilled != want.MemoryBytesSpilled ||
					got.ShuffleWritten != want.ShuffleBytesWritten || got.ShuffleRead != want.ShuffleBytesRead {
					t.Errorf("stage %d:\n got %+v\nwant %+v", i, got, want)
				}
			}
			if stages[1].Status != "failed" || !strings.Contains(stages[1].FailureReason, "No space left on device") {
				t.Errorf("stage 1 %s: %q", stages[1].Status, stages[1].FailureReason)
			}

			// Advice, reached through the Glue run id.
			var adv spark.Advice
			if err := json.Unmarshal([]byte(sparkCLI(t, "--db", db, "spark", "advice", "--run", tr.GlueRunID, "--format", "json")), &adv); err != nil {
				t.Fatal(err)
			}
			byTopic := map[string]spark.Recommendation{}
			for _, r := range adv.Recommendations {
				byTopic[r.Topic] = r
			}
			p, ok := byTopic[spark.TopicPartitions]
			if !ok || p.Partitions.Recommended != int64(tr.RecommendedPartitions) || p.Partitions.InputBytes != tr.ReduceInputBytes ||
				p.Partitions.EmptyPartitions != int64(tr.EmptyPartitionsObserved) || p.Partitions.PartitionsSeen != int64(tr.PartitionsObserved) ||
				p.Partitions.Partitions != int64(tr.ShufflePartitions) || p.Paste != fmt.Sprintf("--conf spark.sql.shuffle.partitions=%d", tr.RecommendedPartitions) {
				t.Errorf("partition advice %+v, truth: %d partitions from %d bytes, %d of %d empty", p.Partitions, tr.RecommendedPartitions,
					tr.ReduceInputBytes, tr.EmptyPartitionsObserved, tr.PartitionsObserved)
			}
			c, ok := byTopic[spark.TopicCodec]
			if !ok || c.Codec.Current != tr.Codec.Current || c.Codec.Source != tr.Codec.Source || !strings.Contains(c.Paste, tr.Codec.Conf) {
				t.Errorf("codec advice %+v, truth %+v", c, tr.Codec)
			}
			if _, ok := byTopic[spark.TopicAQE]; !ok || tr.AQEEnabled {
				t.Errorf("AQE advice missing (truth: enabled=%v)", tr.AQEEnabled)
			}
			if _, ok := byTopic[spark.TopicWorkerType]; ok {
				t.Errorf("zstd brings the peak under 78 GB: no larger worker type needed")
			}
			if adv.FirstFull == nil || adv.FirstFull.ExecutorID != tr.FailingExecutor || adv.GlueRunID != tr.GlueRunID || adv.DiskTable != "current" {
				t.Errorf("advice header: first full %+v, run %s, table %s", adv.FirstFull, adv.GlueRunID, adv.DiskTable)
			}
			if len(adv.GlueArguments) != 1 || adv.GlueArguments[0].Key != "--conf" ||
				!strings.HasPrefix(adv.GlueArguments[0].Value, fmt.Sprintf("spark.sql.shuffle.partitions=%d --conf spark.io.compression.codec=zstd", tr.RecommendedPartitions)) {
				t.Errorf("glue arguments %+v", adv.GlueArguments)
			}

			// Disk-full failures and the run link, through SQL.
			var kinds []struct {
				Kind string `json:"kind"`
				N    int64  `json:"n"`
			}
			q := `SELECT kind, count(*) AS n FROM disk_full_failures GROUP BY kind ORDER BY kind`
			if err := json.Unmarshal([]byte(sparkCLI(t, "--db", db, "query", q, "--format", "json")), &kinds); err != nil {
				t.Fatal(err)
			}
			got := map[string]int64{}
			for _, k := range kinds {
				got[k.Kind] = k.N
			}
			if got["glue_run"] != 1 || got["stage"] != 1 || got["executor"] != int64(len(tr.ExecutorsFilled)) || got["task"] != int64(tr.Stages[1].FailedTasks) {
				t.Errorf("disk_full_failures by kind %v; want 1 run, 1 stage, %d executors, %d tasks", got, len(tr.ExecutorsFilled), tr.Stages[1].FailedTasks)
			}
			if out := sparkCLI(t, "--db", db, "query", "SELECT app_id FROM glue_run_apps WHERE run_id = '"+tr.GlueRunID+"'", "--format", "csv"); !strings.Contains(out, tr.AppID) {
				t.Errorf("glue_run_apps does not link %s to %s: %q", tr.GlueRunID, tr.AppID, out)
			}
		})
	}
}

func TestWorkerDiskOverride(t *testing.T) {
	db, tr := diskFullDB(t, 2)
	var execs []spark.Executor
	out := sparkCLI(t, "--db", db, "spark", "executors", tr.AppID, "--worker-disk", "G.2X=150GB", "--format", "json")
	if err := json.Unmarshal([]byte(out), &execs); err != nil {
		t.Fatal(err)
	}
	for _, e := range execs {
		// 150 GB is above every peak (the largest is just over 78 GB): nobody crosses.
		if *e.UsableDisk != 150_000_000_000 || e.DiskTable != spark.DiskOverride || e.CrossedUsable != nil {
			t.Errorf("executor %s with override: usable %d from %q, crossed %v", e.ExecutorID, *e.UsableDisk, e.DiskTable, e.CrossedUsable)
		}
	}
	out = sparkCLI(t, "--db", db, "spark", "executors", tr.AppID, "--disk-table", "older", "--format", "csv")
	if !strings.Contains(out, "128000000000,older") {
		t.Errorf("older table: want G.2X at 128 GB from 'older' in:\n%s", out)
	}
	var errOut bytes.Buffer
	if code := run(context.Background(), []string{"--db", db, "spark", "executors", tr.AppID, "--worker-disk", "G.2X=lots"}, nil, io.Discard, &errOut); code != exitUsage {
		t.Errorf("bad --worker-disk: exit %d, want %d (%s)", code, exitUsage, errOut.String())
	}
	text := sparkCLI(t, "--db", db, "spark", "advice", tr.AppID)
	if !strings.Contains(text, "current AWS worker-types page") || !strings.Contains(text, "paste: --conf spark.sql.shuffle.partitions=") {
		t.Errorf("advice text:\n%s", text)
	}
	if out := sparkCLI(t, "--db", db, "spark", "apps", "--from", "2026-11-03"); strings.Contains(out, tr.AppID) {
		t.Errorf("--from after the run still lists it:\n%s", out)
	}

	// The worker_disk of the job's category in gluelens.yaml, below --worker-disk.
	cfg := filepath.Join(t.TempDir(), "gluelens.yaml")
	if err := os.WriteFile(cfg, []byte("categories:\n  - name: all\n    jobs: ['*']\n    worker_disk: {G.2X: 150GB}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	execs = nil
	if err := json.Unmarshal([]byte(sparkCLI(t, "--db", db, "spark", "executors", tr.AppID, "--config", cfg, "--format", "json")), &execs); err != nil {
		t.Fatal(err)
	}
	for _, e := range execs {
		if *e.UsableDisk != 150_000_000_000 || e.DiskTable != spark.DiskConfig || e.CrossedUsable != nil {
			t.Errorf("executor %s with gluelens.yaml: usable %d from %q, crossed %v", e.ExecutorID, *e.UsableDisk, e.DiskTable, e.CrossedUsable)
		}
	}
	if out := sparkCLI(t, "--db", db, "spark", "executors", tr.AppID, "--config", cfg, "--worker-disk", "G.2X=100GB", "--format", "csv"); !strings.Contains(out, "100000000000,override") || strings.Contains(out, ",config") {
		t.Errorf("--worker-disk with gluelens.yaml: want 100 GB from override in:\n%s", out)
	}
	if text := sparkCLI(t, "--db", db, "spark", "advice", tr.AppID, "--config", cfg); !strings.Contains(text, "worker_disk of the job's category in gluelens.yaml") {
		t.Errorf("advice with gluelens.yaml does not name its figures:\n%s", text)
	}
}

// stageSums is an independent History-Server-style total computed from the
// raw JSON lines of a log: every TaskEnd counts, and the metrics of every
// TaskEnd that carries Task Metrics are added.
type stageSums struct {
	Tasks, Failed                          int64
	MemSpill, DiskSpill, Written, Read, In int64
	RunTime                                int64
}

func sumStages(t *testing.T, r io.Reader) map[[2]int64]stageSums {
	t.Helper()
	out := map[[2]int64]stageSums{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var ev struct {
			Event        string
			StageID      int64 `json:"Stage ID"`
			StageAttempt int64 `json:"Stage Attempt ID"`
			TaskInfo     struct {
				Failed bool
			} `json:"Task Info"`
			TaskMetrics *struct {
				RunTime   int64 `json:"Executor Run Time"`
				MemSpill  int64 `json:"Memory Bytes Spilled"`
				DiskSpill int64 `json:"Disk Bytes Spilled"`
				Read      struct {
					Remote int64 `json:"Remote Bytes Read"`
					Local  int64 `json:"Local Bytes Read"`
				} `json:"Shuffle Read Metrics"`
				Write struct {
					Bytes int64 `json:"Shuffle Bytes Written"`
				} `json:"Shuffle Write Metrics"`
				Input struct {
					Bytes int64 `json:"Bytes Read"`
				} `json:"Input Metrics"`
			} `json:"Task Metrics"`
		}
		if !bytes.Contains(sc.Bytes(), []byte(`"SparkListenerTaskEnd"`)) {
			continue
		}
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil || ev.Event != "SparkListenerTaskEnd" {
			continue
		}
		k := [2]int64{ev.StageID, ev.StageAttempt}
		s := out[k]
		s.Tasks++
		if ev.TaskInfo.Failed {
			s.Failed++
		}
		if m := ev.TaskMetrics; m != nil {
			s.MemSpill += m.MemSpill
			s.DiskSpill += m.DiskSpill
			s.Written += m.Write.Bytes
			s.Read += m.Read.Remote + m.Read.Local
			s.In += m.Input.Bytes
			s.RunTime += m.RunTime
		}
		out[k] = s
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestStageMetricsOnRealLogs(t *testing.T) {
	for _, rel := range [][]string{
		{"spark-events", "local-1642039451826"},
		{"spark-events", "app-20161115172038-0000"},
		{"spark-events-thirdparty", "NVIDIA__spark-rapids-tools", "spark-events-profiling", "gpu_oom_eventlog.zstd"},
	} {
		t.Run(rel[len(rel)-1], func(t *testing.T) {
			src := testutil.RealData(t, rel...)
			f, err := os.Open(src)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var r io.Reader = f
			if strings.HasSuffix(src, ".zstd") {
				zr, err := zstd.NewReader(f)
				if err != nil {
					t.Fatal(err)
				}
				defer zr.Close()
				r = zr
			}
			want := sumStages(t, r)

			db := filepath.Join(t.TempDir(), "g.duckdb")
			sparkCLI(t, "--db", db, "ingest", "--quiet", src)
			st, err := store.Open(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			rows, err := st.DB().Query(`SELECT stage_id, stage_attempt, tasks, failed_tasks, memory_bytes_spilled, disk_bytes_spilled,
				shuffle_bytes_written, shuffle_read_bytes, input_bytes, executor_run_time_ms FROM spark_stage_metrics WHERE tasks > 0`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			got := map[[2]int64]stageSums{}
			for rows.Next() {
				var k [2]int64
				var s stageSums
				if err := rows.Scan(&k[0], &k[1], &s.Tasks, &s.Failed, &s.MemSpill, &s.DiskSpill, &s.Written, &s.Read, &s.In, &s.RunTime); err != nil {
					t.Fatal(err)
				}
				got[k] = s
			}
			if len(got) != len(want) || len(want) == 0 {
				t.Errorf("%d stage attempts with tasks in the view, %d in the log", len(got), len(want))
			}
			for k, w := range want {
				if got[k] != w {
					t.Errorf("stage %d.%d: view %+v, log %+v", k[0], k[1], got[k], w)
				}
			}
		})
	}
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
