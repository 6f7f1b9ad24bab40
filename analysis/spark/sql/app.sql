-- app: one application attempt ($1 app_id, $2 attempt_id) with the Spark conf the advice reads
-- and its linked Glue run. Reads: spark_apps, glue_runs.
SELECT a.app_id, a.attempt_id, a.app_name, a.spark_version, a.start_time, a.end_time,
       a.glue_job_name, a.glue_job_run_id, a.shuffle_partitions, a.io_compression_codec,
       a.adaptive_enabled, a.adaptive_coalesce_enabled, a.adaptive_skewjoin_enabled,
       a.advisory_partition_bytes, a.executor_cores, r.worker_type, r.number_of_workers, r.state
FROM spark_apps a
LEFT JOIN glue_runs r ON r.run_id = a.glue_job_run_id
WHERE a.app_id = $1 AND a.attempt_id = $2;
