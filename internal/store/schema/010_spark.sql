-- 010_spark: Spark event logs — applications, executors, stages, tasks and jobs, decoded from
-- SparkListener JSON lines (ingest/sparklog). All times are UTC (Spark writes epoch ms).
-- Every table carries app_id, attempt_id ('' when the log has no attempt) and log_events, the
-- number of events read from the log when the row was written. Rows are merged ReplaceIfNewer on
-- log_events, so re-reading a grown .inprogress log replaces rows instead of doubling them.

-- spark_apps: one row per application attempt.
CREATE TABLE spark_apps (
    app_id                    VARCHAR NOT NULL, -- ApplicationStart "App ID" (else rolling group / file name)
    attempt_id                VARCHAR NOT NULL, -- ApplicationStart "App Attempt ID", '' when absent
    app_name                  VARCHAR,          -- "App Name"
    spark_version             VARCHAR,          -- LogStart "Spark Version"
    spark_user                VARCHAR,          -- ApplicationStart "User"
    start_time                TIMESTAMP,        -- ApplicationStart "Timestamp"
    end_time                  TIMESTAMP,        -- ApplicationEnd "Timestamp"; NULL if no ApplicationEnd
    completed                 BOOLEAN,          -- the log holds an ApplicationEnd (Spark writes it before renaming away .inprogress)
    glue_job_name             VARCHAR,          -- Spark Properties spark.glue.JOB_NAME
    glue_job_run_id           VARCHAR,          -- Spark Properties spark.glue.JOB_RUN_ID (join key to glue_runs.run_id)
    shuffle_partitions        INTEGER,          -- explicit spark.sql.shuffle.partitions; NULL if not set
    io_compression_codec      VARCHAR,          -- explicit spark.io.compression.codec; NULL if not set
    eventlog_codec            VARCHAR,          -- codec of the event-log file read: plain, zstd, lz4, snappy, lzf, gzip
    adaptive_enabled          BOOLEAN,          -- explicit spark.sql.adaptive.enabled; NULL if not set
    adaptive_coalesce_enabled BOOLEAN,          -- explicit spark.sql.adaptive.coalescePartitions.enabled; NULL if not set
    adaptive_skewjoin_enabled BOOLEAN,          -- explicit spark.sql.adaptive.skewJoin.enabled; NULL if not set
    advisory_partition_bytes  BIGINT,           -- explicit spark.sql.adaptive.advisoryPartitionSizeInBytes in bytes; NULL if not set
    executor_cores            INTEGER,          -- explicit spark.executor.cores; NULL if not set
    executor_memory           VARCHAR,          -- explicit spark.executor.memory as written (e.g. '10g'); NULL if not set
    spark_properties          VARCHAR,          -- JSON object of all Spark Properties (redacted values kept as written)
    bad_lines                 BIGINT,           -- lines that were not valid JSON events
    truncated                 BOOLEAN,          -- the log, or one of its rolling parts, ended mid-line or mid-block
    source_uri                VARCHAR,          -- object (or rolling group) the log came from
    log_events                BIGINT NOT NULL   -- events read from the log when this row was written
);

-- spark_executors: one row per executor (the driver too when the log has an ExecutorAdded for it).
CREATE TABLE spark_executors (
    app_id         VARCHAR NOT NULL, -- application (spark_apps.app_id)
    attempt_id     VARCHAR NOT NULL, -- application attempt ('' when none)
    executor_id    VARCHAR NOT NULL,            -- "Executor ID" ('driver' / '<driver>' for the driver)
    host           VARCHAR,                     -- Executor Info "Host"
    total_cores    INTEGER,                     -- Executor Info "Total Cores"
    added_at       TIMESTAMP,                   -- ExecutorAdded "Timestamp"
    removed_at     TIMESTAMP,                   -- ExecutorRemoved "Timestamp"; NULL while alive
    removed_reason VARCHAR,                     -- ExecutorRemoved "Removed Reason" (free text)
    log_events     BIGINT NOT NULL -- events read from the log when this row was written
);

-- spark_stages: one row per stage attempt.
CREATE TABLE spark_stages (
    app_id          VARCHAR NOT NULL, -- application (spark_apps.app_id)
    attempt_id      VARCHAR NOT NULL, -- application attempt ('' when none)
    stage_id        INTEGER NOT NULL,           -- Stage Info "Stage ID"
    stage_attempt   INTEGER NOT NULL,           -- Stage Info "Stage Attempt ID"
    stage_name      VARCHAR,                    -- "Stage Name"
    num_tasks       INTEGER,                    -- "Number of Tasks"
    parent_ids      VARCHAR,                    -- "Parent IDs" as a JSON array, e.g. '[3,4]'
    submission_time TIMESTAMP,                  -- "Submission Time"
    completion_time TIMESTAMP,                  -- "Completion Time"; NULL while active
    failure_reason  VARCHAR,                    -- "Failure Reason"; NULL unless failed
    status          VARCHAR,                    -- complete | failed | active
    log_events      BIGINT NOT NULL -- events read from the log when this row was written
);

-- spark_tasks: one row per task attempt (Task ID is unique within an application attempt).
CREATE TABLE spark_tasks (
    app_id                            VARCHAR NOT NULL, -- application (spark_apps.app_id)
    attempt_id                        VARCHAR NOT NULL, -- application attempt ('' when none)
    task_id                           BIGINT NOT NULL,   -- Task Info "Task ID"
    stage_id                          INTEGER,           -- "Stage ID"
    stage_attempt                     INTEGER,           -- "Stage Attempt ID"
    task_index                        INTEGER,           -- Task Info "Index"
    task_attempt                      INTEGER,           -- Task Info "Attempt"
    partition_id                      INTEGER,           -- Task Info "Partition ID" (3.3+), else "Index"
    executor_id                       VARCHAR,           -- Task Info "Executor ID"
    host                              VARCHAR,           -- Task Info "Host"
    launch_time                       TIMESTAMP,         -- Task Info "Launch Time"
    finish_time                       TIMESTAMP,         -- Task Info "Finish Time"; NULL for tasks never ended
    task_type                         VARCHAR,           -- "Task Type": ShuffleMapTask | ResultTask
    end_reason                        VARCHAR,           -- Task End Reason "Reason" (Success, ExceptionFailure, FetchFailed, ExecutorLostFailure, TaskKilled, Resubmitted, TaskCommitDenied, TaskResultLost, UnknownReason); NULL for tasks started but never ended
    failed                            BOOLEAN,           -- Task Info "Failed"
    killed                            BOOLEAN,           -- Task Info "Killed" (2.x+; false before)
    speculative                       BOOLEAN,           -- Task Info "Speculative"
    error_description                 VARCHAR,           -- Description / Loss Reason / Kill Reason / FetchFailed Message
    has_metrics                       BOOLEAN,           -- the TaskEnd carried "Task Metrics" (a Resubmitted row keeps those of the task's earlier Success)
    executor_run_time_ms              BIGINT,            -- "Executor Run Time" (ms)
    executor_cpu_time_ns              BIGINT,            -- "Executor CPU Time" (ns, 2.1+)
    jvm_gc_time_ms                    BIGINT,            -- "JVM GC Time" (ms)
    result_size                       BIGINT,            -- "Result Size" (bytes)
    peak_execution_memory             BIGINT,            -- "Peak Execution Memory" (bytes, 3.0+)
    memory_bytes_spilled              BIGINT,            -- "Memory Bytes Spilled" (in-memory size of what was spilled)
    disk_bytes_spilled                BIGINT,            -- "Disk Bytes Spilled" (bytes written to disk for it)
    shuffle_bytes_written             BIGINT,            -- Shuffle Write Metrics "Shuffle Bytes Written"
    shuffle_records_written           BIGINT,            -- Shuffle Write Metrics "Shuffle Records Written"
    shuffle_write_time_ns             BIGINT,            -- Shuffle Write Metrics "Shuffle Write Time" (ns)
    shuffle_remote_bytes_read         BIGINT,            -- Shuffle Read Metrics "Remote Bytes Read"
    shuffle_local_bytes_read          BIGINT,            -- Shuffle Read Metrics "Local Bytes Read"
    shuffle_remote_bytes_read_to_disk BIGINT,            -- Shuffle Read Metrics "Remote Bytes Read To Disk" (2.3+)
    shuffle_records_read              BIGINT,            -- Shuffle Read Metrics "Total Records Read"
    input_bytes                       BIGINT,            -- Input Metrics "Bytes Read"
    input_records                     BIGINT,            -- Input Metrics "Records Read"
    output_bytes                      BIGINT,            -- Output Metrics "Bytes Written"
    output_records                    BIGINT,            -- Output Metrics "Records Written"
    log_events                        BIGINT NOT NULL -- events read from the log when this row was written
);

-- spark_jobs: one row per job.
CREATE TABLE spark_jobs (
    app_id          VARCHAR NOT NULL, -- application (spark_apps.app_id)
    attempt_id      VARCHAR NOT NULL, -- application attempt ('' when none)
    job_id          INTEGER NOT NULL,           -- "Job ID"
    submission_time TIMESTAMP,                  -- JobStart "Submission Time"
    completion_time TIMESTAMP,                  -- JobEnd "Completion Time"; NULL while running
    result          VARCHAR,                    -- JobEnd "Job Result"."Result": JobSucceeded | JobFailed
    stage_ids       VARCHAR,                    -- JobStart "Stage IDs" as a JSON array, e.g. '[0,1]'
    failure_reason  VARCHAR,                    -- JobFailed "Exception"."Message"
    log_events      BIGINT NOT NULL -- events read from the log when this row was written
);
