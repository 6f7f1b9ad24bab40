package store

import "time"

// The evidence tables, one Go struct each: the struct is the table's shape
// for everything in Go. Its fields follow the table's columns in order
// (TestRowStructsMatchTables compares them with the database after the
// migrations and with docs/schema.md); the parquet tag's first element
// names the column. NULLable columns are pointer fields, tagged optional;
// TIMESTAMP columns are UTC. From a struct come the loader's column order
// (ObjectWriter.Append), the kinds of a columnar batch (NewColumnsOf) and,
// in ingest/parquetpack, the Parquet layout of an evidence pack: the rest
// of the parquet tag is for the pack (UTC microsecond timestamps; columns
// with few distinct values dictionary-encoded, identifiers not).
//
// Adding a column is a field here plus a migration in schema/.

// EniEvent is a row of eni_events.
type EniEvent struct {
	EventID          string    `parquet:"event_id,plain"`
	EventTime        time.Time `parquet:"event_time,timestamp(microsecond)"`
	EventName        string    `parquet:"event_name,dict"`
	AccountID        *string   `parquet:"account_id,optional,dict"`
	Region           *string   `parquet:"region,optional,dict"`
	SubnetID         *string   `parquet:"subnet_id,optional,dict"`
	VpcID            *string   `parquet:"vpc_id,optional,dict"`
	AvailabilityZone *string   `parquet:"availability_zone,optional,dict"`
	EniID            *string   `parquet:"eni_id,optional"`
	PrivateIP        *string   `parquet:"private_ip,optional"`
	IPCount          *int32    `parquet:"ip_count,optional"`
	Description      *string   `parquet:"description,optional,dict"`
	Requester        *string   `parquet:"requester,optional,dict"`
	RoleArn          *string   `parquet:"role_arn,optional,dict"`
	InvokedBy        *string   `parquet:"invoked_by,optional,dict"`
	SourceIP         *string   `parquet:"source_ip,optional,dict"`
	UserAgent        *string   `parquet:"user_agent,optional,dict"`
	ErrorCode        *string   `parquet:"error_code,optional,dict"`
	ErrorMessage     *string   `parquet:"error_message,optional,dict"`
	FailureClass     *string   `parquet:"failure_class,optional,dict"`
	InstanceID       *string   `parquet:"instance_id,optional"`
	AttachmentID     *string   `parquet:"attachment_id,optional"`
	OriginalEventID  *string   `parquet:"original_event_id,optional"`
	SourceURI        *string   `parquet:"source_uri,optional,dict"`
	RecordIndex      *int32    `parquet:"record_index,optional"`
}

// Table implements Row.
func (*EniEvent) Table() string { return "eni_events" }

// GlueRun is a row of glue_runs.
type GlueRun struct {
	RunID           string     `parquet:"run_id"`
	JobName         *string    `parquet:"job_name,optional,dict"`
	Attempt         *int32     `parquet:"attempt,optional"`
	PreviousRunID   *string    `parquet:"previous_run_id,optional"`
	TriggerName     *string    `parquet:"trigger_name,optional,dict"`
	StartedOn       *time.Time `parquet:"started_on,optional,timestamp(microsecond)"`
	CompletedOn     *time.Time `parquet:"completed_on,optional,timestamp(microsecond)"`
	LastModifiedOn  *time.Time `parquet:"last_modified_on,optional,timestamp(microsecond)"`
	State           *string    `parquet:"state,optional,dict"`
	ErrorMessage    *string    `parquet:"error_message,optional,dict"`
	ExecutionTimeS  *int64     `parquet:"execution_time_s,optional"`
	TimeoutMin      *int64     `parquet:"timeout_min,optional"`
	MaxCapacity     *float64   `parquet:"max_capacity,optional"`
	WorkerType      *string    `parquet:"worker_type,optional,dict"`
	NumberOfWorkers *int32     `parquet:"number_of_workers,optional"`
	GlueVersion     *string    `parquet:"glue_version,optional,dict"`
	ExecutionClass  *string    `parquet:"execution_class,optional,dict"`
	DPUSeconds      *float64   `parquet:"dpu_seconds,optional"`
	Arguments       *string    `parquet:"arguments,optional"`
	FailureClass    *string    `parquet:"failure_class,optional,dict"`
	SourceURI       *string    `parquet:"source_uri,optional,dict"`
	JobMode         *string    `parquet:"job_mode,optional,dict"`
}

// Table implements Row.
func (*GlueRun) Table() string { return "glue_runs" }

// GlueJob is a row of glue_jobs.
type GlueJob struct {
	JobName          string     `parquet:"job_name"`
	RoleArn          *string    `parquet:"role_arn,optional,dict"`
	WorkerType       *string    `parquet:"worker_type,optional,dict"`
	NumberOfWorkers  *int32     `parquet:"number_of_workers,optional"`
	MaxCapacity      *float64   `parquet:"max_capacity,optional"`
	GlueVersion      *string    `parquet:"glue_version,optional,dict"`
	DefaultArguments *string    `parquet:"default_arguments,optional"`
	LastModifiedOn   *time.Time `parquet:"last_modified_on,optional,timestamp(microsecond)"`
	SourceURI        *string    `parquet:"source_uri,optional,dict"`
}

// Table implements Row.
func (*GlueJob) Table() string { return "glue_jobs" }

// GlueJobConnection is a row of glue_job_connections.
type GlueJobConnection struct {
	JobName        string     `parquet:"job_name"`
	Position       int32      `parquet:"position"`
	ConnectionName string     `parquet:"connection_name,dict"`
	JobModifiedOn  *time.Time `parquet:"job_modified_on,optional,timestamp(microsecond)"`
}

// Table implements Row.
func (*GlueJobConnection) Table() string { return "glue_job_connections" }

// GlueConnection is a row of glue_connections.
type GlueConnection struct {
	ConnectionName   string     `parquet:"connection_name"`
	ConnectionType   *string    `parquet:"connection_type,optional,dict"`
	SubnetID         *string    `parquet:"subnet_id,optional,dict"`
	AvailabilityZone *string    `parquet:"availability_zone,optional,dict"`
	SecurityGroupIDs *string    `parquet:"security_group_ids,optional,dict"`
	LastUpdated      *time.Time `parquet:"last_updated,optional,timestamp(microsecond)"`
	SourceURI        *string    `parquet:"source_uri,optional,dict"`
}

// Table implements Row.
func (*GlueConnection) Table() string { return "glue_connections" }

// Subnet is a row of subnets.
type Subnet struct {
	SubnetID         string  `parquet:"subnet_id"`
	VpcID            *string `parquet:"vpc_id,optional,dict"`
	CidrBlock        *string `parquet:"cidr_block,optional"`
	PrefixLength     *int32  `parquet:"prefix_length,optional"`
	UsableIPs        *int32  `parquet:"usable_ips,optional"`
	AvailableIPCount *int32  `parquet:"available_ip_count,optional"`
	AvailabilityZone *string `parquet:"availability_zone,optional,dict"`
	AccountID        *string `parquet:"account_id,optional,dict"`
	Name             *string `parquet:"name,optional"`
	SourceURI        *string `parquet:"source_uri,optional,dict"`
}

// Table implements Row.
func (*Subnet) Table() string { return "subnets" }

// VPCCIDRBlock is a row of vpc_cidr_blocks.
type VPCCIDRBlock struct {
	VpcID            string  `parquet:"vpc_id,dict"`
	CidrBlock        string  `parquet:"cidr_block"`
	IsPrimary        bool    `parquet:"is_primary"`
	AssociationState *string `parquet:"association_state,optional,dict"`
	AccountID        *string `parquet:"account_id,optional,dict"`
	Name             *string `parquet:"name,optional"`
	SourceURI        *string `parquet:"source_uri,optional,dict"`
}

// Table implements Row.
func (*VPCCIDRBlock) Table() string { return "vpc_cidr_blocks" }

// EniSnapshot is a row of eni_snapshots.
type EniSnapshot struct {
	EniID            string    `parquet:"eni_id"`
	ObservedAt       time.Time `parquet:"observed_at,timestamp(microsecond)"`
	SubnetID         *string   `parquet:"subnet_id,optional,dict"`
	VpcID            *string   `parquet:"vpc_id,optional,dict"`
	AvailabilityZone *string   `parquet:"availability_zone,optional,dict"`
	Status           *string   `parquet:"status,optional,dict"`
	Description      *string   `parquet:"description,optional,dict"`
	Requester        *string   `parquet:"requester,optional,dict"`
	InterfaceType    *string   `parquet:"interface_type,optional,dict"`
	RequesterManaged *bool     `parquet:"requester_managed,optional"`
	PrivateIP        *string   `parquet:"private_ip,optional"`
	IPCount          *int32    `parquet:"ip_count,optional"`
	SourceURI        *string   `parquet:"source_uri,optional,dict"`
}

// Table implements Row.
func (*EniSnapshot) Table() string { return "eni_snapshots" }

// SparkApp is a row of spark_apps.
type SparkApp struct {
	AppID                   string     `parquet:"app_id"`
	AttemptID               string     `parquet:"attempt_id,dict"`
	AppName                 *string    `parquet:"app_name,optional,dict"`
	SparkVersion            *string    `parquet:"spark_version,optional,dict"`
	SparkUser               *string    `parquet:"spark_user,optional,dict"`
	StartTime               *time.Time `parquet:"start_time,optional,timestamp(microsecond)"`
	EndTime                 *time.Time `parquet:"end_time,optional,timestamp(microsecond)"`
	Completed               *bool      `parquet:"completed,optional"`
	GlueJobName             *string    `parquet:"glue_job_name,optional,dict"`
	GlueJobRunID            *string    `parquet:"glue_job_run_id,optional"`
	ShufflePartitions       *int32     `parquet:"shuffle_partitions,optional"`
	IOCompressionCodec      *string    `parquet:"io_compression_codec,optional,dict"`
	EventlogCodec           *string    `parquet:"eventlog_codec,optional,dict"`
	AdaptiveEnabled         *bool      `parquet:"adaptive_enabled,optional"`
	AdaptiveCoalesceEnabled *bool      `parquet:"adaptive_coalesce_enabled,optional"`
	AdaptiveSkewjoinEnabled *bool      `parquet:"adaptive_skewjoin_enabled,optional"`
	AdvisoryPartitionBytes  *int64     `parquet:"advisory_partition_bytes,optional"`
	ExecutorCores           *int32     `parquet:"executor_cores,optional"`
	ExecutorMemory          *string    `parquet:"executor_memory,optional,dict"`
	SparkProperties         *string    `parquet:"spark_properties,optional"`
	BadLines                *int64     `parquet:"bad_lines,optional"`
	Truncated               *bool      `parquet:"truncated,optional"`
	SourceURI               *string    `parquet:"source_uri,optional"`
	LogEvents               int64      `parquet:"log_events"`
}

// Table implements Row.
func (*SparkApp) Table() string { return "spark_apps" }

// SparkExecutor is a row of spark_executors.
type SparkExecutor struct {
	AppID         string     `parquet:"app_id,dict"`
	AttemptID     string     `parquet:"attempt_id,dict"`
	ExecutorID    string     `parquet:"executor_id"`
	Host          *string    `parquet:"host,optional,dict"`
	TotalCores    *int32     `parquet:"total_cores,optional"`
	AddedAt       *time.Time `parquet:"added_at,optional,timestamp(microsecond)"`
	RemovedAt     *time.Time `parquet:"removed_at,optional,timestamp(microsecond)"`
	RemovedReason *string    `parquet:"removed_reason,optional,dict"`
	LogEvents     int64      `parquet:"log_events"`
}

// Table implements Row.
func (*SparkExecutor) Table() string { return "spark_executors" }

// SparkStage is a row of spark_stages.
type SparkStage struct {
	AppID          string     `parquet:"app_id,dict"`
	AttemptID      string     `parquet:"attempt_id,dict"`
	StageID        int32      `parquet:"stage_id"`
	StageAttempt   int32      `parquet:"stage_attempt"`
	StageName      *string    `parquet:"stage_name,optional,dict"`
	NumTasks       *int32     `parquet:"num_tasks,optional"`
	ParentIDs      *string    `parquet:"parent_ids,optional,dict"`
	SubmissionTime *time.Time `parquet:"submission_time,optional,timestamp(microsecond)"`
	CompletionTime *time.Time `parquet:"completion_time,optional,timestamp(microsecond)"`
	FailureReason  *string    `parquet:"failure_reason,optional,dict"`
	Status         *string    `parquet:"status,optional,dict"`
	LogEvents      int64      `parquet:"log_events"`
}

// Table implements Row.
func (*SparkStage) Table() string { return "spark_stages" }

// SparkTask is a row of spark_tasks.
type SparkTask struct {
	AppID                        string     `parquet:"app_id,dict"`
	AttemptID                    string     `parquet:"attempt_id,dict"`
	TaskID                       int64      `parquet:"task_id"`
	StageID                      *int32     `parquet:"stage_id,optional"`
	StageAttempt                 *int32     `parquet:"stage_attempt,optional"`
	TaskIndex                    *int32     `parquet:"task_index,optional"`
	TaskAttempt                  *int32     `parquet:"task_attempt,optional"`
	PartitionID                  *int32     `parquet:"partition_id,optional"`
	ExecutorID                   *string    `parquet:"executor_id,optional,dict"`
	Host                         *string    `parquet:"host,optional,dict"`
	LaunchTime                   *time.Time `parquet:"launch_time,optional,timestamp(microsecond)"`
	FinishTime                   *time.Time `parquet:"finish_time,optional,timestamp(microsecond)"`
	TaskType                     *string    `parquet:"task_type,optional,dict"`
	EndReason                    *string    `parquet:"end_reason,optional,dict"`
	Failed                       *bool      `parquet:"failed,optional"`
	Killed                       *bool      `parquet:"killed,optional"`
	Speculative                  *bool      `parquet:"speculative,optional"`
	ErrorDescription             *string    `parquet:"error_description,optional,dict"`
	HasMetrics                   *bool      `parquet:"has_metrics,optional"`
	ExecutorRunTimeMs            *int64     `parquet:"executor_run_time_ms,optional"`
	ExecutorCPUTimeNs            *int64     `parquet:"executor_cpu_time_ns,optional"`
	JvmGCTimeMs                  *int64     `parquet:"jvm_gc_time_ms,optional"`
	ResultSize                   *int64     `parquet:"result_size,optional"`
	PeakExecutionMemory          *int64     `parquet:"peak_execution_memory,optional"`
	MemoryBytesSpilled           *int64     `parquet:"memory_bytes_spilled,optional"`
	DiskBytesSpilled             *int64     `parquet:"disk_bytes_spilled,optional"`
	ShuffleBytesWritten          *int64     `parquet:"shuffle_bytes_written,optional"`
	ShuffleRecordsWritten        *int64     `parquet:"shuffle_records_written,optional"`
	ShuffleWriteTimeNs           *int64     `parquet:"shuffle_write_time_ns,optional"`
	ShuffleRemoteBytesRead       *int64     `parquet:"shuffle_remote_bytes_read,optional"`
	ShuffleLocalBytesRead        *int64     `parquet:"shuffle_local_bytes_read,optional"`
	ShuffleRemoteBytesReadToDisk *int64     `parquet:"shuffle_remote_bytes_read_to_disk,optional"`
	ShuffleRecordsRead           *int64     `parquet:"shuffle_records_read,optional"`
	InputBytes                   *int64     `parquet:"input_bytes,optional"`
	InputRecords                 *int64     `parquet:"input_records,optional"`
	OutputBytes                  *int64     `parquet:"output_bytes,optional"`
	OutputRecords                *int64     `parquet:"output_records,optional"`
	LogEvents                    int64      `parquet:"log_events"`
}

// Table implements Row.
func (*SparkTask) Table() string { return "spark_tasks" }

// SparkJob is a row of spark_jobs.
type SparkJob struct {
	AppID          string     `parquet:"app_id,dict"`
	AttemptID      string     `parquet:"attempt_id,dict"`
	JobID          int32      `parquet:"job_id"`
	SubmissionTime *time.Time `parquet:"submission_time,optional,timestamp(microsecond)"`
	CompletionTime *time.Time `parquet:"completion_time,optional,timestamp(microsecond)"`
	Result         *string    `parquet:"result,optional,dict"`
	StageIDs       *string    `parquet:"stage_ids,optional,dict"`
	FailureReason  *string    `parquet:"failure_reason,optional,dict"`
	LogEvents      int64      `parquet:"log_events"`
}

// Table implements Row.
func (*SparkJob) Table() string { return "spark_jobs" }

// IngestManifestRow is a row of ingest_manifest: provenance of the
// exporting database (which objects it read, with their hashes).
type IngestManifestRow struct {
	URI              string     `parquet:"uri"`
	Size             *int64     `parquet:"size,optional"`
	Mtime            *time.Time `parquet:"mtime,optional,timestamp(microsecond)"`
	ETag             *string    `parquet:"etag,optional"`
	ContentSHA256    *string    `parquet:"content_sha256,optional"`
	Kind             *string    `parquet:"kind,optional,dict"`
	RecordsKept      int64      `parquet:"records_kept"`
	RecordsSkipped   int64      `parquet:"records_skipped"`
	RecordsBad       int64      `parquet:"records_bad"`
	RecordsDuplicate int64      `parquet:"records_duplicate"`
	Status           string     `parquet:"status,dict"`
	Error            *string    `parquet:"error,optional,dict"`
	IngestedAt       time.Time  `parquet:"ingested_at,timestamp(microsecond)"`
	GluelensVersion  *string    `parquet:"gluelens_version,optional,dict"`
	DecodedSHA256    *string    `parquet:"decoded_sha256,optional"`
}

// Table implements Row.
func (*IngestManifestRow) Table() string { return "ingest_manifest" }

// CloudTrailDigest is a row of cloudtrail_digests.
type CloudTrailDigest struct {
	SourceURI                   string     `parquet:"source_uri"`
	ContentSHA256               string     `parquet:"content_sha256"`
	AccountID                   *string    `parquet:"account_id,optional,dict"`
	DigestStartTime             *time.Time `parquet:"digest_start_time,optional,timestamp(microsecond)"`
	DigestEndTime               *time.Time `parquet:"digest_end_time,optional,timestamp(microsecond)"`
	DigestEndTimeText           *string    `parquet:"digest_end_time_text,optional"`
	DigestS3Bucket              *string    `parquet:"digest_s3_bucket,optional,dict"`
	DigestS3Object              *string    `parquet:"digest_s3_object,optional"`
	PublicKeyFingerprint        *string    `parquet:"public_key_fingerprint,optional,dict"`
	SignatureAlgorithm          *string    `parquet:"signature_algorithm,optional,dict"`
	NewestEventTime             *time.Time `parquet:"newest_event_time,optional,timestamp(microsecond)"`
	OldestEventTime             *time.Time `parquet:"oldest_event_time,optional,timestamp(microsecond)"`
	PreviousDigestS3Bucket      *string    `parquet:"previous_digest_s3_bucket,optional,dict"`
	PreviousDigestS3Object      *string    `parquet:"previous_digest_s3_object,optional"`
	PreviousDigestHashValue     *string    `parquet:"previous_digest_hash_value,optional"`
	PreviousDigestHashAlgorithm *string    `parquet:"previous_digest_hash_algorithm,optional,dict"`
	PreviousDigestSignature     *string    `parquet:"previous_digest_signature,optional"`
	LogFileCount                int32      `parquet:"log_file_count"`
	S3Signature                 *string    `parquet:"s3_signature,optional"`
	S3SignatureAlgorithm        *string    `parquet:"s3_signature_algorithm,optional,dict"`
}

// Table implements Row.
func (*CloudTrailDigest) Table() string { return "cloudtrail_digests" }

// CloudTrailDigestLogFile is a row of cloudtrail_digest_log_files.
type CloudTrailDigestLogFile struct {
	DigestURI       string     `parquet:"digest_uri"`
	DigestSHA256    string     `parquet:"digest_sha256"`
	Position        int32      `parquet:"position"`
	S3Bucket        *string    `parquet:"s3_bucket,optional,dict"`
	S3Object        *string    `parquet:"s3_object,optional"`
	HashValue       *string    `parquet:"hash_value,optional"`
	HashAlgorithm   *string    `parquet:"hash_algorithm,optional,dict"`
	NewestEventTime *time.Time `parquet:"newest_event_time,optional,timestamp(microsecond)"`
	OldestEventTime *time.Time `parquet:"oldest_event_time,optional,timestamp(microsecond)"`
}

// Table implements Row.
func (*CloudTrailDigestLogFile) Table() string { return "cloudtrail_digest_log_files" }

// CloudTrailPublicKey is a row of cloudtrail_public_keys.
type CloudTrailPublicKey struct {
	Fingerprint       string     `parquet:"fingerprint"`
	PublicKey         string     `parquet:"public_key"`
	ValidityStartTime *time.Time `parquet:"validity_start_time,optional,timestamp(microsecond)"`
	ValidityEndTime   *time.Time `parquet:"validity_end_time,optional,timestamp(microsecond)"`
	SourceURI         *string    `parquet:"source_uri,optional,dict"`
}

// Table implements Row.
func (*CloudTrailPublicKey) Table() string { return "cloudtrail_public_keys" }

// IngestIssue is a row of ingest_issues.
type IngestIssue struct {
	URI      string `parquet:"uri"`
	Record   *int64 `parquet:"record,optional"`
	Severity string `parquet:"severity"`
	Message  string `parquet:"message"`
}

// Table implements Row.
func (*IngestIssue) Table() string { return "ingest_issues" }
