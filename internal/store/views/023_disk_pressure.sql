-- disk_pressure: per application attempt and executor, the peak of the estimated local disk
-- (executor_disk_timeline) and when it was first reached, the Glue worker type of the linked run
-- (spark_apps.glue_job_run_id → glue_runs.worker_type; NULL when no run is linked), the usable
-- disk of that worker type from the 'current' worker_disk table, the share of it used at the peak,
-- and the first instant the estimate went above the usable disk. The analysis layer applies user
-- overrides (--worker-disk) on top of this. Reads: executor_disk_timeline, spark_executors,
-- spark_apps, glue_runs, worker_disk.
CREATE OR REPLACE VIEW disk_pressure AS
WITH ranked AS (
    SELECT *, row_number() OVER (PARTITION BY app_id, attempt_id, executor_id ORDER BY disk_bytes DESC, "at") AS rn
    FROM executor_disk_timeline
),
peaks AS (
    SELECT app_id, attempt_id, executor_id, "at" AS peak_at, disk_bytes AS peak_disk_bytes,
           shuffle_bytes AS peak_shuffle_bytes, spill_bytes AS peak_spill_bytes
    FROM ranked WHERE rn = 1
),
linked AS (
    SELECT p.*, a.glue_job_run_id, r.worker_type, w.usable_bytes, w.disk_table
    FROM peaks p
    LEFT JOIN spark_apps a ON a.app_id = p.app_id AND a.attempt_id = p.attempt_id
    LEFT JOIN glue_runs r ON r.run_id = a.glue_job_run_id
    LEFT JOIN worker_disk w ON w.disk_table = 'current' AND w.worker_type = r.worker_type
)
SELECT l.app_id, l.attempt_id, l.executor_id, x.host, x.removed_at, x.removed_reason,
       l.glue_job_run_id, l.worker_type,
       l.peak_disk_bytes, l.peak_at, l.peak_shuffle_bytes, l.peak_spill_bytes,
       l.usable_bytes AS usable_disk_bytes, l.disk_table,
       CASE WHEN l.usable_bytes > 0 THEN l.peak_disk_bytes::DOUBLE / l.usable_bytes END AS share_used,
       (SELECT min(d.at) FROM executor_disk_timeline d
         WHERE d.app_id = l.app_id AND d.attempt_id = l.attempt_id AND d.executor_id = l.executor_id
           AND d.disk_bytes > l.usable_bytes) AS crossed_at
FROM linked l
LEFT JOIN spark_executors x
  ON x.app_id = l.app_id AND x.attempt_id = l.attempt_id AND x.executor_id = l.executor_id;
