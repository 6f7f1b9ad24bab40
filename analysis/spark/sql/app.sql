-- app: one application attempt ($1 app_id, $2 attempt_id) with the Spark conf the advice reads
-- and its linked Glue run. Reads: spark_apps, glue_runs.
SELECT coalesce(a.app_name, '') AS app_name, coalesce(a.spark_version, '') AS spark_version,
       a.start_time, a.end_time,
       coalesce(a.glue_job_name, '') AS glue_job_name, coalesce(a.glue_job_run_id, '') AS glue_job_run_id,
       a.shuffle_partitions, coalesce(a.io_compression_codec, '') AS io_compression_codec,
       a.adaptive_enabled, a.adaptive_coalesce_enabled, a.adaptive_skewjoin_enabled,
       a.advisory_partition_bytes, a.executor_cores, coalesce(r.worker_type, '') AS worker_type,
       r.number_of_workers, coalesce(r.state, '') AS state
FROM spark_apps a
LEFT JOIN glue_runs r ON r.run_id = a.glue_job_run_id
WHERE a.app_id = $1 AND a.attempt_id = $2;
