package spark

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gluelens/gluelens/internal/shellquote"
	"github.com/gluelens/gluelens/internal/store"
)

// The rules' constants. Sizes follow Spark's binary units (200m = 200 MiB).
const (
	// TargetPartitionBytes is the reduce-partition size the advice aims
	// at: the middle of the 128–256 MiB range.
	TargetPartitionBytes = 200 << 20
	// MinPartitionBytes and MaxPartitionBytes bound the healthy range.
	MinPartitionBytes = 128 << 20
	MaxPartitionBytes = 256 << 20
	// TinyPartitionBytes marks partitions so small that task overhead
	// dominates.
	TinyPartitionBytes = 16 << 20
	// SkewFactor: a partition reading more than this many times the mean
	// of the non-empty partitions of its stage is skewed.
	SkewFactor = 3.0
	// ZstdSavingLow and ZstdSavingHigh are the published shuffle/spill byte
	// savings of zstd over lz4 (docs/formats.md §4: TPC-DS 3 TB −44 % shuffle
	// write, apache/spark#32286; Facebook production −48 %, #18805). The
	// projection uses the smaller saving.
	ZstdSavingLow  = 0.44
	ZstdSavingHigh = 0.48
	// PressureShare: below this share of the usable disk at the peak, the
	// codec is not worth changing for disk's sake.
	PressureShare = 0.5
)

// Topics of recommendations, in the order Advise lists them.
const (
	TopicPartitions      = "partitions"
	TopicSkew            = "skew"
	TopicFewerPartitions = "fewer-partitions"
	TopicCodec           = "codec"
	TopicAQE             = "aqe"
	TopicWorkerType      = "worker-type"
	TopicS3Shuffle       = "s3-shuffle"
)

// Conf is one Spark configuration key and value.
type Conf struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func (c Conf) String() string { return c.Key + "=" + c.Value }

// GlueArgument is one Glue job argument (key and value as the console and
// the API take them).
type GlueArgument struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Recommendation is one piece of advice with the numbers behind it: the
// topic says which rule gave it and the evidence which numbers; reports/words
// words its title and detail.
type Recommendation struct {
	Topic string `json:"topic"`
	Confs []Conf `json:"confs,omitempty"`
	// Paste is the line to add to the Glue job's arguments (or, for the
	// worker type, to aws glue start-job-run / update-job).
	Paste      string             `json:"paste"`
	Partitions *PartitionEvidence `json:"partitions,omitempty"`
	Codec      *CodecEvidence     `json:"codec,omitempty"`
	Disk       *DiskEvidence      `json:"disk,omitempty"`
	// AQE says why adaptive query execution is advised (TopicAQE); the
	// JSON carries it only in the detail's words.
	AQE *AQEEvidence `json:"-"`
}

// Why adaptive query execution is advised.
const (
	// AQEOff: the job sets spark.sql.adaptive.enabled=false.
	AQEOff = "off"
	// AQEDefaultOff: the Spark version leaves AQE off by default (< 3.2).
	AQEDefaultOff = "default_off"
	// AQECoalesceOff: AQE is on but the job turns partition coalescing off.
	AQECoalesceOff = "coalesce_off"
)

// AQEEvidence backs an AQE recommendation.
type AQEEvidence struct {
	Reason       string // AQEOff | AQEDefaultOff | AQECoalesceOff
	SparkVersion string
	// EmptyPartitions of PartitionsSeen reduce partitions read nothing
	// (over every shuffle-reading stage).
	EmptyPartitions int64
	PartitionsSeen  int64
}

// PartitionEvidence describes the reduce stage a partition recommendation
// is about.
type PartitionEvidence struct {
	StageID               int     `json:"stage_id"`
	Partitions            int64   `json:"partitions"`
	PartitionsSeen        int64   `json:"partitions_seen"`
	EmptyPartitions       int64   `json:"empty_partitions"`
	EmptyShare            float64 `json:"empty_share"`
	InputBytes            int64   `json:"input_bytes"`
	BytesPerPartition     int64   `json:"bytes_per_partition"`
	MaxReadBytes          int64   `json:"max_read_bytes"`
	MeanNonEmptyReadBytes int64   `json:"mean_nonempty_read_bytes"`
	Skew                  float64 `json:"skew"` // max ÷ mean of non-empty partitions
	DiskSpilled           int64   `json:"disk_bytes_spilled"`
	MemorySpilled         int64   `json:"memory_bytes_spilled"`
	TargetBytes           int64   `json:"target_bytes"`
	Recommended           int64   `json:"recommended"`
}

// CodecEvidence backs a codec recommendation.
type CodecEvidence struct {
	Current            string       `json:"current"`
	Source             string       `json:"source"` // explicit | default
	PeakDiskBytes      int64        `json:"peak_disk_bytes"`
	ProjectedPeakBytes int64        `json:"projected_peak_bytes"`     // peak × (1 − 0.44)
	ProjectedLowBytes  int64        `json:"projected_peak_low_bytes"` // peak × (1 − 0.48)
	SpillRatios        []SpillRatio `json:"spill_ratios"`
	// Executor peaked at PeakDiskBytes of UsableBytes (nil: unknown).
	Executor    string `json:"-"`
	UsableBytes *int64 `json:"-"`
}

// SpillRatio is memory-spilled ÷ disk-spilled of one stage attempt: how
// much the spilled data shrank when serialized and compressed.
type SpillRatio struct {
	StageID       int     `json:"stage_id"`
	StageAttempt  int     `json:"stage_attempt"`
	MemorySpilled int64   `json:"memory_bytes_spilled"`
	DiskSpilled   int64   `json:"disk_bytes_spilled"`
	Ratio         float64 `json:"ratio"`
}

// DiskEvidence backs a worker-type or S3-shuffle recommendation.
type DiskEvidence struct {
	Executor            string    `json:"executor"`
	PeakDiskBytes       int64     `json:"peak_disk_bytes"`
	PeakAt              time.Time `json:"peak_at"`
	ProjectedPeakBytes  int64     `json:"projected_peak_bytes"`
	WorkerType          string    `json:"worker_type"`
	UsableBytes         int64     `json:"usable_bytes"`
	DiskTable           string    `json:"disk_table"`
	SuggestedWorkerType string    `json:"suggested_worker_type,omitempty"`
	SuggestedUsable     int64     `json:"suggested_usable_bytes,omitempty"`
}

// Advice is everything gluelens recommends for one application attempt.
type Advice struct {
	AppID        string `json:"app_id"`
	AttemptID    string `json:"attempt_id"`
	AppName      string `json:"app_name"`
	SparkVersion string `json:"spark_version"`
	GlueJobName  string `json:"glue_job_name"`
	GlueRunID    string `json:"glue_run_id"`
	WorkerType   string `json:"worker_type"`
	// DiskTable says which usable-disk figures were used: current, older,
	// override (given with the command) or config (gluelens.yaml).
	DiskTable string `json:"disk_table"`
	// Peak is the executor with the highest estimated disk.
	Peak *Executor `json:"peak,omitempty"`
	// FirstFull is the executor whose estimate went above its usable disk
	// first (nil when none did).
	FirstFull       *Executor        `json:"first_full,omitempty"`
	Recommendations []Recommendation `json:"recommendations"`
	// GlueArguments merges every recommendation into job arguments: Glue
	// takes several Spark confs as one --conf value joined with " --conf ".
	GlueArguments []GlueArgument `json:"glue_arguments"`
}

// ReduceStage is what reduce_stages.sql reports for one shuffle-reading stage.
type ReduceStage struct {
	StageID          int     `db:"stage_id"`
	NumTasks         int64   `db:"num_tasks"`
	PartitionsSeen   int64   `db:"partitions_seen"`
	EmptyPartitions  int64   `db:"empty_partitions"`
	MaxRead          int64   `db:"max_read"`
	MeanNonEmptyRead float64 `db:"mean_nonempty_read"`
	InputBytes       int64   `db:"input_bytes"`
	DiskSpilled      int64   `db:"disk_spilled"`
	MemorySpilled    int64   `db:"memory_spilled"`
}

func reduceStages(ctx context.Context, st *store.Store, ref AppRef) ([]ReduceStage, error) {
	out, err := store.Select[ReduceStage](ctx, st, query("reduce_stages"), ref.AppID, ref.AttemptID)
	if err != nil {
		return nil, fmt.Errorf("reading shuffle stages of %s: %w", ref, err)
	}
	return out, nil
}

// Advise reads one application attempt and returns its recommendations.
func Advise(ctx context.Context, st *store.Store, ref AppRef, opt DiskOptions) (Advice, error) {
	conf, err := appInfo(ctx, st, ref)
	if err != nil {
		return Advice{}, err
	}
	execs, err := executors(ctx, st, ref, conf.GlueJobName, conf.WorkerType, opt)
	if err != nil {
		return Advice{}, err
	}
	reduces, err := reduceStages(ctx, st, ref)
	if err != nil {
		return Advice{}, err
	}
	stages, err := Stages(ctx, st, ref)
	if err != nil {
		return Advice{}, err
	}
	disks, err := workerDisks(ctx, st, opt.table())
	if err != nil {
		return Advice{}, err
	}
	in := adviceInput{conf: conf, execs: execs, reduces: reduces, stages: stages, disks: disks, opt: opt}
	a := in.advise()
	a.AppID, a.AttemptID = ref.AppID, ref.AttemptID
	return a, nil
}

// adviceInput is everything the rules look at; advise is pure Go over it.
type adviceInput struct {
	conf    appConf
	execs   []Executor
	reduces []ReduceStage
	stages  []Stage
	disks   []WorkerDisk
	opt     DiskOptions
}

func (in adviceInput) advise() Advice {
	c := in.conf
	a := Advice{AppName: c.AppName, SparkVersion: c.SparkVersion, GlueJobName: c.GlueJobName, GlueRunID: c.GlueRunID,
		WorkerType: c.WorkerType, Recommendations: []Recommendation{}, GlueArguments: []GlueArgument{}}
	for i := range in.execs {
		e := &in.execs[i]
		if e.PeakDiskBytes != nil && (a.Peak == nil || *e.PeakDiskBytes > *a.Peak.PeakDiskBytes) {
			a.Peak = e
		}
		if e.CrossedUsable != nil && (a.FirstFull == nil || e.CrossedUsable.Before(*a.FirstFull.CrossedUsable)) {
			a.FirstFull = e
		}
	}
	if a.Peak != nil {
		a.DiskTable = a.Peak.DiskTable
	}
	a.Recommendations = append(a.Recommendations, in.partitionAdvice()...)
	codecRec, codecSaves := in.codecAdvice(a.Peak)
	if codecRec != nil {
		a.Recommendations = append(a.Recommendations, *codecRec)
	}
	if r := in.aqeAdvice(); r != nil {
		a.Recommendations = append(a.Recommendations, *r)
	}
	if r := in.diskAdvice(a.Peak, codecSaves); r != nil {
		a.Recommendations = append(a.Recommendations, *r)
	}
	a.GlueArguments = mergeArguments(a.Recommendations)
	return a
}

// partitionAdvice judges the reduce stage that spilled most (or, with no
// spill, the one reading most): more partitions for spill without skew,
// skew handling for spill with skew, fewer partitions for tiny ones.
func (in adviceInput) partitionAdvice() []Recommendation {
	if len(in.reduces) == 0 {
		return nil
	}
	r := in.reduces[0]
	for _, x := range in.reduces[1:] {
		if x.DiskSpilled > r.DiskSpilled || (x.DiskSpilled == r.DiskSpilled && x.InputBytes > r.InputBytes) {
			r = x
		}
	}
	ev := &PartitionEvidence{
		StageID: r.StageID, Partitions: r.NumTasks, PartitionsSeen: r.PartitionsSeen, EmptyPartitions: r.EmptyPartitions,
		InputBytes: r.InputBytes, MaxReadBytes: r.MaxRead, MeanNonEmptyReadBytes: int64(math.Round(r.MeanNonEmptyRead)),
		DiskSpilled: r.DiskSpilled, MemorySpilled: r.MemorySpilled, TargetBytes: TargetPartitionBytes,
		Recommended: RecommendedPartitions(r.InputBytes),
	}
	if r.PartitionsSeen > 0 {
		ev.EmptyShare = float64(r.EmptyPartitions) / float64(r.PartitionsSeen)
	}
	if r.NumTasks > 0 {
		ev.BytesPerPartition = r.InputBytes / r.NumTasks
	}
	if r.MeanNonEmptyRead > 0 {
		ev.Skew = float64(r.MaxRead) / r.MeanNonEmptyRead
	}
	switch {
	case r.DiskSpilled > 0 && ev.Skew > SkewFactor:
		confs := []Conf{{"spark.sql.adaptive.enabled", "true"}, {"spark.sql.adaptive.skewJoin.enabled", "true"}}
		return []Recommendation{{Topic: TopicSkew, Partitions: ev, Confs: confs, Paste: pasteConfs(confs)}}
	case r.DiskSpilled > 0 && ev.Recommended > r.NumTasks:
		confs := []Conf{{"spark.sql.shuffle.partitions", strconv.FormatInt(ev.Recommended, 10)}}
		return []Recommendation{{Topic: TopicPartitions, Partitions: ev, Confs: confs, Paste: pasteConfs(confs)}}
	case r.DiskSpilled == 0 && r.NumTasks > 1 && ev.BytesPerPartition < TinyPartitionBytes && ev.Recommended < r.NumTasks:
		confs := []Conf{{"spark.sql.shuffle.partitions", strconv.FormatInt(ev.Recommended, 10)}}
		return []Recommendation{{Topic: TopicFewerPartitions, Partitions: ev, Confs: confs, Paste: pasteConfs(confs)}}
	}
	return nil
}

// RecommendedPartitions is ceil(bytes / 200 MiB), at least 1.
func RecommendedPartitions(bytes int64) int64 {
	n := (bytes + TargetPartitionBytes - 1) / TargetPartitionBytes
	return max(n, 1)
}

// ShuffleCodec returns the codec Spark used for shuffle and spill: the
// explicit spark.io.compression.codec, else the version default (lz4
// since Spark 2.0, snappy before), and whether it was explicit.
func ShuffleCodec(explicit, sparkVersion string) (codec, source string) {
	if explicit != "" {
		c := strings.ToLower(explicit)
		switch {
		case strings.Contains(c, "lz4"):
			c = "lz4"
		case strings.Contains(c, "snappy"):
			c = "snappy"
		case strings.Contains(c, "zstd"):
			c = "zstd"
		case strings.Contains(c, "lzf"):
			c = "lzf"
		}
		return c, "explicit"
	}
	if major, _, ok := versionOf(sparkVersion); ok && major < 2 {
		return "snappy", "default"
	}
	return "lz4", "default"
}

// versionOf reads "3.3.0-amzn-1" as (3, 3).
func versionOf(v string) (major, minor int, ok bool) {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return 0, 0, false
	}
	major, err1 := strconv.Atoi(parts[0])
	minorText := parts[1]
	if i := strings.IndexFunc(minorText, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		minorText = minorText[:i]
	}
	minor, err2 := strconv.Atoi(minorText)
	return major, minor, err1 == nil && err2 == nil
}

// codecAdvice recommends zstd when spill and shuffle under lz4/snappy/lzf
// put the disk under pressure. It reports whether the projection applies.
func (in adviceInput) codecAdvice(peak *Executor) (*Recommendation, bool) {
	codec, source := ShuffleCodec(in.conf.IOCodec, in.conf.SparkVersion)
	if codec == "zstd" || peak == nil || peak.PeakDiskBytes == nil || *peak.PeakDiskBytes == 0 {
		return nil, false
	}
	var spilled int64
	var ratios []SpillRatio
	for _, s := range in.stages {
		spilled += s.DiskSpilled
		if s.SpillRatio != nil {
			ratios = append(ratios, SpillRatio{StageID: s.StageID, StageAttempt: s.StageAttempt, MemorySpilled: s.MemorySpilled, DiskSpilled: s.DiskSpilled, Ratio: *s.SpillRatio})
		}
	}
	pressure := peak.ShareUsed != nil && *peak.ShareUsed >= PressureShare
	if !pressure && !(peak.ShareUsed == nil && spilled > 0) {
		return nil, false
	}
	p := *peak.PeakDiskBytes
	ev := &CodecEvidence{
		Current: codec, Source: source, PeakDiskBytes: p,
		ProjectedPeakBytes: int64(float64(p) * (1 - ZstdSavingLow)),
		ProjectedLowBytes:  int64(float64(p) * (1 - ZstdSavingHigh)),
		SpillRatios:        ratios,
		Executor:           peak.ExecutorID, UsableBytes: peak.UsableDisk,
	}
	confs := []Conf{{"spark.io.compression.codec", "zstd"}, {"spark.io.compression.zstd.level", "1"}}
	return &Recommendation{Topic: TopicCodec, Codec: ev, Confs: confs, Paste: pasteConfs(confs)}, true
}

// aqeAdvice turns AQE on when the job switched it off or runs a Spark
// version where it defaults off (< 3.2), and the job shuffles.
func (in adviceInput) aqeAdvice() *Recommendation {
	if len(in.reduces) == 0 {
		return nil
	}
	c := in.conf
	ev := &AQEEvidence{SparkVersion: c.SparkVersion}
	switch {
	case c.AdaptiveEnabled != nil && !*c.AdaptiveEnabled:
		ev.Reason = AQEOff
	case c.AdaptiveEnabled == nil:
		if major, minor, ok := versionOf(c.SparkVersion); ok && (major < 3 || (major == 3 && minor < 2)) {
			ev.Reason = AQEDefaultOff
		}
	}
	if ev.Reason == "" {
		if c.CoalesceEnabled != nil && !*c.CoalesceEnabled {
			ev.Reason = AQECoalesceOff
			confs := []Conf{{"spark.sql.adaptive.coalescePartitions.enabled", "true"}}
			return &Recommendation{Topic: TopicAQE, AQE: ev, Confs: confs, Paste: pasteConfs(confs)}
		}
		return nil
	}
	confs := []Conf{
		{"spark.sql.adaptive.enabled", "true"},
		{"spark.sql.adaptive.coalescePartitions.enabled", "true"},
		{"spark.sql.adaptive.advisoryPartitionSizeInBytes", "200m"},
	}
	for _, r := range in.reduces {
		ev.EmptyPartitions += r.EmptyPartitions
		ev.PartitionsSeen += r.PartitionsSeen
	}
	return &Recommendation{Topic: TopicAQE, AQE: ev, Confs: confs, Paste: pasteConfs(confs)}
}

// diskAdvice suggests a larger worker type when the peak (after the codec
// saving, if recommended) is still above the usable disk, or Glue's S3
// shuffle when no worker type is large enough.
func (in adviceInput) diskAdvice(peak *Executor, codecSaves bool) *Recommendation {
	if peak == nil || peak.PeakDiskBytes == nil || peak.UsableDisk == nil {
		return nil
	}
	projected := *peak.PeakDiskBytes
	if codecSaves {
		projected = int64(float64(projected) * (1 - ZstdSavingLow))
	}
	if projected <= *peak.UsableDisk {
		return nil
	}
	ev := &DiskEvidence{
		Executor: peak.ExecutorID, PeakDiskBytes: *peak.PeakDiskBytes, ProjectedPeakBytes: projected,
		WorkerType: peak.WorkerType, UsableBytes: *peak.UsableDisk, DiskTable: peak.DiskTable,
	}
	if peak.PeakAt != nil {
		ev.PeakAt = *peak.PeakAt
	}
	disks := append([]WorkerDisk(nil), in.disks...)
	sort.SliceStable(disks, func(i, j int) bool { return workerRank(disks[i].WorkerType) < workerRank(disks[j].WorkerType) })
	current := workerRank(peak.WorkerType)
	for _, w := range disks {
		rank := workerRank(w.WorkerType)
		if rank > current && rank < len(workerTypes) && w.UsableBytes >= projected {
			ev.SuggestedWorkerType, ev.SuggestedUsable = w.WorkerType, w.UsableBytes
			paste := shellquote.Join("--worker-type", w.WorkerType)
			if in.conf.Workers != nil {
				paste += " --number-of-workers " + strconv.FormatInt(*in.conf.Workers, 10)
			}
			return &Recommendation{Topic: TopicWorkerType, Disk: ev, Paste: paste}
		}
	}
	return &Recommendation{Topic: TopicS3Shuffle, Disk: ev, Paste: "--write-shuffle-files-to-s3 true"}
}

// workerTypes are the general-purpose Glue worker types, smallest first.
var workerTypes = []string{"G.025X", "G.1X", "G.2X", "G.4X", "G.8X", "G.12X", "G.16X"}

// workerRank orders worker types by size; unknown types rank -1 (every
// listed type is larger), types not in the list rank after all of them.
func workerRank(t string) int {
	if t == "" {
		return -1
	}
	for i, w := range workerTypes {
		if w == t {
			return i
		}
	}
	return len(workerTypes)
}

// pasteConfs renders confs as the Glue job argument: --conf k=v --conf k2=v2.
func pasteConfs(confs []Conf) string {
	parts := make([]string, len(confs))
	for i, c := range confs {
		parts[i] = "--conf " + c.String()
	}
	return strings.Join(parts, " ")
}

// mergeArguments turns every recommendation into Glue job arguments: all
// Spark confs in one --conf value (later recommendations don't repeat a
// key an earlier one set), plus the S3 shuffle switch.
func mergeArguments(recs []Recommendation) []GlueArgument {
	var confs []string
	seen := map[string]bool{}
	var out []GlueArgument
	for _, r := range recs {
		for _, c := range r.Confs {
			if seen[c.Key] {
				continue
			}
			seen[c.Key] = true
			confs = append(confs, c.String())
		}
		if r.Topic == TopicS3Shuffle {
			out = append(out, GlueArgument{Key: "--write-shuffle-files-to-s3", Value: "true"})
		}
	}
	if len(confs) > 0 {
		out = append([]GlueArgument{{Key: "--conf", Value: strings.Join(confs, " --conf ")}}, out...)
	}
	return out
}
