package spark

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/gluelens/gluelens/internal/config"
	"github.com/gluelens/gluelens/internal/reportfixture"
	"github.com/gluelens/gluelens/internal/store"
	"github.com/gluelens/gluelens/internal/testutil"
)

func openFixture(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	body, err := os.ReadFile("testdata/advice_fixture.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, string(body)); err != nil {
		t.Fatalf("loading fixture: %v", err)
	}
	return st
}

func at(hms string) time.Time {
	t, err := time.Parse("2006-01-02 15:04:05", "2026-11-02 "+hms)
	if err != nil {
		panic(err)
	}
	return t
}

var appB = AppRef{AppID: "app-b"}

const G = 1_000_000_000

func TestReduceStagesGolden(t *testing.T) {
	st := openFixture(t)
	got, err := reduceStages(context.Background(), st, appB)
	if err != nil {
		t.Fatal(err)
	}
	// Stage 1 reads the 3 + 2 = 5 GB its parent stage 0 wrote. Per partition the largest read of
	// its attempts: p0 1.5+0.5 = 2 GB, p1 0, p2 max(1.0+0.5, 1.0+0.5) = 1.5 GB, p3 1.5 GB → 4 seen,
	// 1 empty, max 2 GB, mean of the non-empty (2 + 1.5 + 1.5) / 3 = 1.666… GB. Spill over every
	// attempt with metrics: disk 2.5 + 0 + 2 + 2 + 1.5 = 8 GB, memory 7.5 + 5 + 6 + 4.5 = 23 GB.
	want := []ReduceStage{{StageID: 1, NumTasks: 4, PartitionsSeen: 4, EmptyPartitions: 1, MaxRead: 2 * G,
		MeanNonEmptyRead: 5.0 * G / 3, InputBytes: 5 * G, DiskSpilled: 8 * G, MemorySpilled: 23 * G}}
	if len(got) == 1 {
		// avg() is computed in floating point; compare it to a relative 1e-12.
		if d := got[0].MeanNonEmptyRead - want[0].MeanNonEmptyRead; d > 1e-3 || d < -1e-3 {
			t.Errorf("mean non-empty read %v, want %v", got[0].MeanNonEmptyRead, want[0].MeanNonEmptyRead)
		}
		got[0].MeanNonEmptyRead = want[0].MeanNonEmptyRead
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("reduce stages:\n got %+v\nwant %+v", got, want)
	}
}

func TestExecutorsGolden(t *testing.T) {
	st := openFixture(t)
	ctx := context.Background()
	// Executor 1: +3 GB shuffle at 10:05, +2.5 GB spill at 10:07, +1.5 GB at 10:07:30 → peak 7 GB
	// at 10:07:30. Executor 2: +2 GB shuffle at 10:06, +2 GB spill at 10:07 → peak 4 GB at 10:07.
	// G.1X usable (current table) 44 GB: shares 7/44 and 4/44. With --worker-disk G.1X=5GB,
	// executor 1 goes over at 10:07:00 (3 + 2.5 = 5.5 GB > 5 GB); executor 2 never (4 GB).
	type row struct {
		ID            string
		Peak          int64
		PeakAt        time.Time
		Usable        int64
		Table         string
		Share         float64
		Crossed       *time.Time
		Tasks, Failed int64
	}
	run := func(opt DiskOptions) []row {
		t.Helper()
		es, err := Executors(ctx, st, appB, opt)
		if err != nil {
			t.Fatal(err)
		}
		var out []row
		for _, e := range es {
			out = append(out, row{e.ExecutorID, *e.PeakDiskBytes, *e.PeakAt, *e.UsableDisk, e.DiskTable, *e.ShareUsed, e.CrossedUsable, e.Tasks, e.FailedTasks})
		}
		return out
	}
	crossed := at("10:07:00")
	want := []row{
		{"1", 7 * G, at("10:07:30"), 44 * G, "current", 7.0 / 44, nil, 3, 0},
		{"2", 4 * G, at("10:07:00"), 44 * G, "current", 4.0 / 44, nil, 4, 1},
	}
	if got := run(DiskOptions{}); !reflect.DeepEqual(got, want) {
		t.Errorf("executors (current table):\n got %+v\nwant %+v", got, want)
	}
	want = []row{
		{"1", 7 * G, at("10:07:30"), 5 * G, "override", 7.0 / 5, &crossed, 3, 0},
		{"2", 4 * G, at("10:07:00"), 5 * G, "override", 4.0 / 5, nil, 4, 1},
	}
	if got := run(DiskOptions{Override: map[string]int64{"G.1X": 5 * G}}); !reflect.DeepEqual(got, want) {
		t.Errorf("executors (override):\n got %+v\nwant %+v", got, want)
	}
	// gluelens.yaml: the category of job small-join says G.1X has 5 GB usable;
	// a category of other jobs, or another worker type, changes nothing; an
	// override given with the command wins over the file.
	cfg, err := config.Parse([]byte("categories:\n  - name: joins\n    jobs: [small-*]\n    worker_disk: {G.1X: 5GB, G.2X: 1GB}\n  - name: other\n    jobs: [big-*]\n    worker_disk: {G.1X: 1GB}\n"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		want[i].Table = "config"
	}
	if got := run(DiskOptions{Config: cfg}); !reflect.DeepEqual(got, want) {
		t.Errorf("executors (gluelens.yaml):\n got %+v\nwant %+v", got, want)
	}
	if got := run(DiskOptions{Config: cfg, Override: map[string]int64{"G.1X": 6 * G}}); got[0].Usable != 6*G || got[0].Table != "override" {
		t.Errorf("--worker-disk with gluelens.yaml: usable %d from %q, want 6 GB from override", got[0].Usable, got[0].Table)
	}
	other, err := config.Parse([]byte("categories:\n  - name: other\n    jobs: [big-*]\n    worker_disk: {G.1X: 1GB}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := run(DiskOptions{Config: other}); got[0].Usable != 44*G || got[0].Table != "current" {
		t.Errorf("gluelens.yaml without small-join: usable %d from %q, want 44 GB from current", got[0].Usable, got[0].Table)
	}
	// The older docs list G.1X with 64 GB.
	if got := run(DiskOptions{Table: DiskTableOlder}); got[0].Usable != 64*G || got[0].Table != "older" {
		t.Errorf("older table: usable %d from %q, want 64 GB from older", got[0].Usable, got[0].Table)
	}
	if _, err := Executors(ctx, st, appB, DiskOptions{Table: "newest"}); err == nil {
		t.Errorf("unknown disk table accepted")
	}
}

func TestResolveApp(t *testing.T) {
	st := openFixture(t)
	ctx := context.Background()
	f := func(app, attempt, want string, wantErr bool) {
		t.Helper()
		ref, err := ResolveApp(ctx, st, app, attempt)
		if wantErr {
			if !errors.Is(err, ErrNoApp) {
				t.Errorf("ResolveApp(%q, %q) error %v, want ErrNoApp", app, attempt, err)
			}
			return
		}
		if err != nil || ref.AttemptID != want {
			t.Errorf("ResolveApp(%q, %q) = %+v, %v; want attempt %q", app, attempt, ref, err, want)
		}
	}
	f("app-old", "", "2", false) // newest attempt by start time
	f("app-old", "1", "1", false)
	f("app-old", "3", "", true)
	f("app-b", "", "", false)
	f("nope", "", "", true)
	ref, err := AppForRun(ctx, st, "jr_b")
	if err != nil || ref != appB {
		t.Errorf("AppForRun(jr_b) = %+v, %v", ref, err)
	}
	if _, err := AppForRun(ctx, st, "jr_missing"); !errors.Is(err, ErrNoApp) {
		t.Errorf("AppForRun(jr_missing) error %v", err)
	}
}

func TestAppsAndStagesGolden(t *testing.T) {
	st := openFixture(t)
	ctx := context.Background()
	apps, err := Apps(ctx, st, at("09:00:00"), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	// Only app-b runs after 09:00 on 2 Nov; its 7 ended tasks (1 failed) spilled 8 GB and wrote
	// 5 GB of shuffle; its peak executor disk is executor 1's 7 GB.
	if len(apps) != 1 || apps[0].AppID != "app-b" || apps[0].Tasks != 7 || apps[0].FailedTasks != 1 ||
		apps[0].DiskSpilled != 8*G || apps[0].ShuffleWritten != 5*G || *apps[0].PeakDiskBytes != 7*G || apps[0].WorkerType != "G.1X" {
		t.Errorf("apps since 09:00: %+v", apps)
	}
	all, err := Apps(ctx, st, time.Time{}, time.Time{})
	if err != nil || len(all) != 3 {
		t.Errorf("all apps: %d, %v; want 3", len(all), err)
	}
	stages, err := Stages(ctx, st, appB)
	if err != nil {
		t.Fatal(err)
	}
	// Stage 1: memory 23 GB ÷ disk 8 GB = 2.875.
	if len(stages) != 2 || stages[0].SpillRatio != nil || stages[1].SpillRatio == nil || *stages[1].SpillRatio != 2.875 {
		t.Errorf("stages: %+v", stages)
	}
}

func TestAdviseGolden(t *testing.T) {
	st := openFixture(t)
	ctx := context.Background()
	topics := func(a Advice) []string {
		var out []string
		for _, r := range a.Recommendations {
			out = append(out, r.Topic)
		}
		return out
	}

	// Current table: 7 GB of 44 GB is no disk pressure, so no codec advice. Stage 1 spilled
	// without skew (2 GB ÷ 1.67 GB = 1.2×): raise the 4 partitions to ceil(5 GB / 200 MiB) =
	// ceil(5e9 / 209715200) = ceil(23.84) = 24. Spark 3.1 leaves AQE off: turn it on.
	a, err := Advise(ctx, st, appB, DiskOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := topics(a); !reflect.DeepEqual(got, []string{TopicPartitions, TopicAQE}) {
		t.Errorf("topics %v", got)
	}
	p := a.Recommendations[0]
	if p.Partitions.Recommended != 24 || p.Paste != "--conf spark.sql.shuffle.partitions=24" || p.Partitions.EmptyPartitions != 1 ||
		p.Partitions.BytesPerPartition != 1_250_000_000 {
		t.Errorf("partition advice %+v / %+v", p, p.Partitions)
	}
	wantArgs := []GlueArgument{{"--conf", "spark.sql.shuffle.partitions=24 --conf spark.sql.adaptive.enabled=true --conf " +
		"spark.sql.adaptive.coalescePartitions.enabled=true --conf spark.sql.adaptive.advisoryPartitionSizeInBytes=200m"}}
	if !reflect.DeepEqual(a.GlueArguments, wantArgs) {
		t.Errorf("glue arguments %+v", a.GlueArguments)
	}
	if a.DiskTable != "current" || a.Peak.ExecutorID != "1" {
		t.Errorf("disk table %q, peak executor %+v", a.DiskTable, a.Peak)
	}

	// With 10 GB usable, 7 GB is 70 %: recommend zstd. Projection 7 GB × 0.56 = 3.92 GB (× 0.52 =
	// 3.64 GB) fits, so no bigger worker.
	a, err = Advise(ctx, st, appB, DiskOptions{Override: map[string]int64{"G.1X": 10 * G}})
	if err != nil {
		t.Fatal(err)
	}
	if got := topics(a); !reflect.DeepEqual(got, []string{TopicPartitions, TopicCodec, TopicAQE}) {
		t.Errorf("topics %v", got)
	}
	c := a.Recommendations[1]
	if c.Codec.Current != "lz4" || c.Codec.Source != "default" || c.Codec.ProjectedPeakBytes != 3_920_000_000 || c.Codec.ProjectedLowBytes != 3_640_000_000 ||
		c.Paste != "--conf spark.io.compression.codec=zstd --conf spark.io.compression.zstd.level=1" ||
		len(c.Codec.SpillRatios) != 1 || c.Codec.SpillRatios[0].Ratio != 2.875 || a.DiskTable != DiskOverride {
		t.Errorf("codec advice %+v / %+v", c, c.Codec)
	}

	// With 3 GB usable even 3.92 GB does not fit: the next larger type, G.2X (78 GB), does.
	a, err = Advise(ctx, st, appB, DiskOptions{Override: map[string]int64{"G.1X": 3 * G}})
	if err != nil {
		t.Fatal(err)
	}
	w := a.Recommendations[len(a.Recommendations)-1]
	if w.Topic != TopicWorkerType || w.Disk.SuggestedWorkerType != "G.2X" || w.Paste != "--worker-type G.2X --number-of-workers 3" ||
		w.Disk.ProjectedPeakBytes != 3_920_000_000 {
		t.Errorf("worker advice %+v / %+v", w, w.Disk)
	}
}

// The rules on inputs the fixture does not have, as plain Go values.
func TestAdviceRules(t *testing.T) {
	v33 := appConf{SparkVersion: "3.3.0", WorkerType: "G.16X"}
	f := func(name string, in adviceInput, wantTopics []string, check func(Advice) string) {
		t.Helper()
		a := in.advise()
		var got []string
		for _, r := range a.Recommendations {
			got = append(got, r.Topic)
		}
		if !reflect.DeepEqual(got, wantTopics) {
			t.Errorf("%s: topics %v, want %v", name, got, wantTopics)
			return
		}
		if check != nil {
			if msg := check(a); msg != "" {
				t.Errorf("%s: %s", name, msg)
			}
		}
	}
	// Skew: the largest partition reads 10 GB, the non-empty mean is 2.5 GB → 4× > 3×.
	f("skew", adviceInput{conf: v33, reduces: []ReduceStage{{StageID: 3, NumTasks: 200, PartitionsSeen: 200, MaxRead: 10 * G,
		MeanNonEmptyRead: 2.5 * G, InputBytes: 500 * G, DiskSpilled: 40 * G}}}, []string{TopicSkew},
		func(a Advice) string {
			if a.Recommendations[0].Partitions.Skew != 4 {
				return "skew factor not 4"
			}
			return ""
		})
	// Tiny partitions: 2000 partitions over 1 GB = 0.5 MB each → ceil(1e9 / 209715200) = 5.
	f("tiny", adviceInput{conf: v33, reduces: []ReduceStage{{StageID: 1, NumTasks: 2000, PartitionsSeen: 2000, MaxRead: 600_000,
		MeanNonEmptyRead: 500_000, InputBytes: 1 * G}}}, []string{TopicFewerPartitions},
		func(a Advice) string {
			if a.Recommendations[0].Paste != "--conf spark.sql.shuffle.partitions=5" {
				return a.Recommendations[0].Paste
			}
			return ""
		})
	// Explicit zstd already: no codec advice; 2 TB peak on the largest type → S3 shuffle.
	peak, usable, share := int64(2000*G), int64(996*G), 2000.0/996
	f("s3 shuffle", adviceInput{conf: appConf{SparkVersion: "3.5.1", IOCodec: "zstd", WorkerType: "G.16X"},
		execs: []Executor{{ExecutorID: "4", WorkerType: "G.16X", PeakDiskBytes: &peak, UsableDisk: &usable, ShareUsed: &share, DiskTable: "current"}}},
		[]string{TopicS3Shuffle},
		func(a Advice) string {
			if !reflect.DeepEqual(a.GlueArguments, []GlueArgument{{"--write-shuffle-files-to-s3", "true"}}) {
				return "arguments " + a.Recommendations[0].Paste
			}
			return ""
		})
	// Nothing shuffled, nothing to say.
	f("quiet", adviceInput{conf: v33}, nil, nil)
}

func TestShuffleCodec(t *testing.T) {
	f := func(explicit, version, codec, source string) {
		t.Helper()
		c, s := ShuffleCodec(explicit, version)
		if c != codec || s != source {
			t.Errorf("ShuffleCodec(%q, %q) = %s, %s; want %s, %s", explicit, version, c, s, codec, source)
		}
	}
	f("", "3.3.0-amzn-1", "lz4", "default")
	f("", "2.0.0", "lz4", "default")
	f("", "1.6.1", "snappy", "default")
	f("", "", "lz4", "default")
	f("snappy", "3.5.0", "snappy", "explicit")
	f("org.apache.spark.io.ZStdCompressionCodec", "3.5.0", "zstd", "explicit")
	f("org.apache.spark.io.LZ4CompressionCodec", "3.5.0", "lz4", "explicit")
}

// TestHistoryServerTaskCounts checks stage 238 of spark-rapids-tools'
// tasks_executors_fail_compressed_eventlog.zstd against the History Server's
// status listener, counted by a script over the raw events (python, json):
// 227 TaskEnd Success, 50 Resubmitted (each repeating a Success of the same
// task), 2 FetchFailed and 1 ExecutorLostFailure over 230 task ids: 227
// completed, 53 failed, 0 killed.
func TestHistoryServerTaskCounts(t *testing.T) {
	src := testutil.RealData(t, "spark-events-thirdparty", "NVIDIA__spark-rapids-tools", "spark-events-profiling", "tasks_executors_fail_compressed_eventlog.zstd")
	body, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tasks_executors_fail_compressed_eventlog.zstd"), body, 0o644); err != nil {
		t.Fatal(err)
	}
	st := reportfixture.Store(t, "rapids.duckdb", dir)
	ctx := context.Background()
	apps, err := Apps(ctx, st, time.Time{}, time.Time{})
	if err != nil || len(apps) != 1 {
		t.Fatalf("apps = %+v, %v; want one", apps, err)
	}
	stages, err := Stages(ctx, st, AppRef{AppID: apps[0].AppID, AttemptID: apps[0].AttemptID})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range stages {
		if s.StageID != 238 {
			continue
		}
		found = true
		if s.Tasks != 230 || s.CompletedTasks != 227 || s.FailedTasks != 53 || s.KilledTasks != 0 {
			t.Errorf("stage 238 attempt %d: %d tasks, %d completed, %d failed, %d killed; want 230, 227, 53, 0",
				s.StageAttempt, s.Tasks, s.CompletedTasks, s.FailedTasks, s.KilledTasks)
		}
	}
	if !found {
		t.Error("no stage 238")
	}
}
