-- disk_pressure: per Spark application attempt and executor, the peak estimated local disk and the
-- worker's usable disk, for executors whose peak falls in the window [$1, $2) (NULL = open) or,
-- when $3 is set, for the apps of Glue run $3. Reads: disk_pressure, spark_apps.
SELECT p.app_id, p.attempt_id, p.executor_id, p.glue_job_run_id, a.glue_job_name AS job_name,
       p.worker_type, p.peak_disk_bytes, p.peak_at, p.peak_shuffle_bytes, p.peak_spill_bytes,
       p.usable_disk_bytes, p.share_used, p.crossed_at
FROM disk_pressure p
LEFT JOIN spark_apps a ON a.app_id = p.app_id AND a.attempt_id = p.attempt_id
WHERE ($3::VARCHAR IS NOT NULL AND p.glue_job_run_id = $3::VARCHAR)
   OR ($3::VARCHAR IS NULL
       AND ($1::TIMESTAMP IS NULL OR p.peak_at >= $1::TIMESTAMP)
       AND ($2::TIMESTAMP IS NULL OR p.peak_at < $2::TIMESTAMP))
ORDER BY p.share_used DESC NULLS LAST, p.peak_disk_bytes DESC, p.app_id, p.executor_id;
