-- apps: every Spark application attempt with its Glue run, task totals, spill, shuffle output,
-- peak estimated executor disk and disk-full failure count; optionally only those running in a
-- window ($1 = from, $2 = to; NULL = unbounded). Reads: spark_apps, glue_runs, spark_stage_metrics,
-- disk_pressure, disk_full_failures.
WITH st AS (
    SELECT app_id, attempt_id, sum(tasks) AS tasks, sum(failed_tasks) AS failed_tasks,
           sum(disk_bytes_spilled) AS disk_bytes_spilled, sum(shuffle_bytes_written) AS shuffle_bytes_written
    FROM spark_stage_metrics GROUP BY app_id, attempt_id
),
dp AS (
    SELECT app_id, attempt_id, max(peak_disk_bytes) AS peak_disk_bytes FROM disk_pressure GROUP BY app_id, attempt_id
),
df AS (
    SELECT app_id, attempt_id, count(*) AS disk_full_failures FROM disk_full_failures
    WHERE app_id IS NOT NULL GROUP BY app_id, attempt_id
)
SELECT a.app_id, a.attempt_id, coalesce(a.app_name, '') AS app_name, coalesce(a.spark_version, '') AS spark_version,
       a.start_time AS "start", a.end_time AS "end", coalesce(a.completed, false) AS completed,
       coalesce(a.glue_job_name, '') AS glue_job_name, coalesce(a.glue_job_run_id, '') AS glue_run_id,
       coalesce(r.state, '') AS run_state, coalesce(r.worker_type, '') AS worker_type,
       coalesce(st.tasks, 0) AS tasks, coalesce(st.failed_tasks, 0) AS failed_tasks,
       coalesce(st.disk_bytes_spilled, 0) AS disk_bytes_spilled,
       coalesce(st.shuffle_bytes_written, 0) AS shuffle_bytes_written,
       dp.peak_disk_bytes, coalesce(df.disk_full_failures, 0) AS disk_full_failures
FROM spark_apps a
LEFT JOIN glue_runs r ON r.run_id = a.glue_job_run_id
LEFT JOIN st ON st.app_id = a.app_id AND st.attempt_id = a.attempt_id
LEFT JOIN dp ON dp.app_id = a.app_id AND dp.attempt_id = a.attempt_id
LEFT JOIN df ON df.app_id = a.app_id AND df.attempt_id = a.attempt_id
WHERE (CAST($1 AS TIMESTAMP) IS NULL OR coalesce(a.end_time, a.start_time) >= CAST($1 AS TIMESTAMP))
  AND (CAST($2 AS TIMESTAMP) IS NULL OR a.start_time < CAST($2 AS TIMESTAMP))
ORDER BY a.start_time NULLS LAST, a.app_id, a.attempt_id;
