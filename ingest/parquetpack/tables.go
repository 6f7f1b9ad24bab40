package parquetpack

import "github.com/gluelens/gluelens/internal/store"

// ManifestTable is the name of the exporting database's ingest manifest in
// a pack. Its rows describe where the evidence came from; ingesting a pack
// does not load them (the receiving database keeps its own manifest).
const ManifestTable = "ingest_manifest"

// layouts lists every table a pack holds, in export order. A table's
// columns and their Parquet layout come from its row struct in
// internal/store (the parquet tags).
var layouts = []*layout{
	newLayout[store.EniEvent]("event_time", "event_time < ? AND event_time >= ?", "event_id"),
	newLayout[store.GlueRun]("started_on", "started_on < ? AND COALESCE(completed_on, started_on) >= ?", "run_id"),
	newLayout[store.GlueJob]("", "", "job_name"),
	newLayout[store.GlueJobConnection]("", "", "job_name", "position"),
	newLayout[store.GlueConnection]("", "", "connection_name"),
	newLayout[store.Subnet]("", "", "subnet_id"),
	newLayout[store.VPCCIDRBlock]("", "", "vpc_id", "cidr_block"),
	newLayout[store.EniSnapshot]("observed_at", "observed_at < ? AND observed_at >= ?", "eni_id"),
	newLayout[store.SparkApp]("start_time", sparkAppOverlap, "app_id", "attempt_id").grouped("app_id", "attempt_id"),
	newLayout[store.SparkExecutor]("added_at", sparkChild, "app_id", "attempt_id", "executor_id").grouped("app_id", "attempt_id"),
	newLayout[store.SparkStage]("submission_time", sparkChild, "app_id", "attempt_id", "stage_id", "stage_attempt").grouped("app_id", "attempt_id"),
	newLayout[store.SparkTask]("launch_time", sparkChild, "app_id", "attempt_id", "task_id").grouped("app_id", "attempt_id"),
	newLayout[store.SparkJob]("submission_time", sparkChild, "app_id", "attempt_id", "job_id").grouped("app_id", "attempt_id"),
	newLayout[store.CloudTrailDigest]("digest_end_time", "digest_start_time < ? AND digest_end_time >= ?", "source_uri", "content_sha256"),
	newLayout[store.CloudTrailDigestLogFile]("", digestChild, "digest_uri", "digest_sha256", "position"),
	newLayout[store.CloudTrailPublicKey]("", "", "fingerprint"),
	newLayout[store.IngestManifestRow]("", "", "uri"),
}

// Window predicates (the second argument of newLayout) take two parameters:
// the end of the window (exclusive), then its start. A point in time is in
// the window when end > t >= start; a span [s, e] overlaps it when s < end
// and e >= start. Spark child tables follow their application, so an app's
// executors, stages, tasks and jobs are exported whole or not at all.
const (
	sparkAppOverlap = "start_time < ? AND COALESCE(end_time, start_time) >= ?"
	sparkChild      = "(app_id, attempt_id) IN (SELECT app_id, attempt_id FROM spark_apps WHERE " + sparkAppOverlap + ")"
	digestChild     = "(digest_uri, digest_sha256) IN (SELECT source_uri, content_sha256 FROM cloudtrail_digests WHERE digest_start_time < ? AND digest_end_time >= ?)"
)
