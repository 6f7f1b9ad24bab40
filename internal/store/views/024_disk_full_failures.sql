-- disk_full_failures: everything lost to a full local disk ("No space left on device"): task
-- attempts (error_description), executors (removed_reason), stage attempts (failure_reason) and
-- Glue runs (error_message), one row each, with the application, the Glue run, the executor (when
-- the record names one) and the time it happened. Reads: spark_tasks, spark_executors,
-- spark_stages, spark_apps, glue_runs.
CREATE OR REPLACE VIEW disk_full_failures AS
SELECT 'task' AS kind, t.app_id, t.attempt_id, a.glue_job_run_id AS run_id, t.executor_id,
       t.finish_time AS "at", t.stage_id, t.stage_attempt, t.task_id, t.end_reason, t.error_description AS message
FROM spark_tasks t
LEFT JOIN spark_apps a ON a.app_id = t.app_id AND a.attempt_id = t.attempt_id
WHERE t.error_description ILIKE '%No space left on device%'
UNION ALL
SELECT 'executor', x.app_id, x.attempt_id, a.glue_job_run_id, x.executor_id,
       x.removed_at, NULL, NULL, NULL, NULL, x.removed_reason
FROM spark_executors x
LEFT JOIN spark_apps a ON a.app_id = x.app_id AND a.attempt_id = x.attempt_id
WHERE x.removed_reason ILIKE '%No space left on device%'
UNION ALL
SELECT 'stage', s.app_id, s.attempt_id, a.glue_job_run_id, NULL,
       s.completion_time, s.stage_id, s.stage_attempt, NULL, NULL, s.failure_reason
FROM spark_stages s
LEFT JOIN spark_apps a ON a.app_id = s.app_id AND a.attempt_id = s.attempt_id
WHERE s.failure_reason ILIKE '%No space left on device%'
UNION ALL
SELECT 'glue_run', a.app_id, a.attempt_id, r.run_id, NULL,
       r.completed_on, NULL, NULL, NULL, NULL, r.error_message
FROM glue_runs r
LEFT JOIN spark_apps a ON a.glue_job_run_id = r.run_id
WHERE r.error_message ILIKE '%No space left on device%';
