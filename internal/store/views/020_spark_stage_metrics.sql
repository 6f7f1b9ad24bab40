-- spark_stage_metrics: per application attempt, stage and stage attempt, the task counts and the
-- summed task metrics, the way Spark's History Server totals a stage: the metrics of every ended
-- task that carried "Task Metrics" (has_metrics) are added, failed and killed tasks included. Task
-- counts follow the History Server's status listener: a task whose last TaskEnd is Resubmitted (a
-- succeeded shuffle-map task re-run after its executor was lost) counts as completed (its Success)
-- and as failed (the Resubmitted end); tasks counts ended task attempts, one row each.
-- Stages seen only through their tasks (truncated logs) and stages with no ended task both appear.
-- Reads: spark_stages, spark_tasks.
CREATE OR REPLACE VIEW spark_stage_metrics AS
WITH t AS (
    SELECT app_id, attempt_id, stage_id, stage_attempt,
           count(*) FILTER (WHERE end_reason IS NOT NULL)                        AS tasks,
           count(*) FILTER (WHERE end_reason IS NOT NULL AND (failed OR end_reason = 'Resubmitted')) AS failed_tasks,
           count(*) FILTER (WHERE end_reason IN ('Success', 'Resubmitted'))      AS completed_tasks,
           count(*) FILTER (WHERE end_reason IS NOT NULL AND killed)             AS killed_tasks,
           count(*) FILTER (WHERE end_reason IS NULL)                            AS running_tasks,
           coalesce(sum(memory_bytes_spilled) FILTER (WHERE has_metrics), 0)     AS memory_bytes_spilled,
           coalesce(sum(disk_bytes_spilled) FILTER (WHERE has_metrics), 0)       AS disk_bytes_spilled,
           coalesce(sum(shuffle_bytes_written) FILTER (WHERE has_metrics), 0)    AS shuffle_bytes_written,
           coalesce(sum(shuffle_records_written) FILTER (WHERE has_metrics), 0)  AS shuffle_records_written,
           coalesce(sum(coalesce(shuffle_remote_bytes_read, 0) + coalesce(shuffle_local_bytes_read, 0))
                    FILTER (WHERE has_metrics), 0)                               AS shuffle_read_bytes,
           coalesce(sum(shuffle_remote_bytes_read) FILTER (WHERE has_metrics), 0) AS shuffle_remote_bytes_read,
           coalesce(sum(shuffle_local_bytes_read) FILTER (WHERE has_metrics), 0) AS shuffle_local_bytes_read,
           coalesce(sum(shuffle_records_read) FILTER (WHERE has_metrics), 0)     AS shuffle_records_read,
           coalesce(sum(input_bytes) FILTER (WHERE has_metrics), 0)              AS input_bytes,
           coalesce(sum(input_records) FILTER (WHERE has_metrics), 0)            AS input_records,
           coalesce(sum(output_bytes) FILTER (WHERE has_metrics), 0)             AS output_bytes,
           coalesce(sum(output_records) FILTER (WHERE has_metrics), 0)           AS output_records,
           coalesce(sum(executor_run_time_ms) FILTER (WHERE has_metrics), 0)     AS executor_run_time_ms,
           coalesce(sum(executor_cpu_time_ns) FILTER (WHERE has_metrics), 0)     AS executor_cpu_time_ns,
           coalesce(sum(jvm_gc_time_ms) FILTER (WHERE has_metrics), 0)           AS jvm_gc_time_ms,
           max(peak_execution_memory) FILTER (WHERE has_metrics)                 AS max_peak_execution_memory
    FROM spark_tasks
    GROUP BY app_id, attempt_id, stage_id, stage_attempt
)
SELECT coalesce(s.app_id, t.app_id)               AS app_id,
       coalesce(s.attempt_id, t.attempt_id)       AS attempt_id,
       coalesce(s.stage_id, t.stage_id)           AS stage_id,
       coalesce(s.stage_attempt, t.stage_attempt) AS stage_attempt,
       s.stage_name, s.num_tasks, s.status, s.submission_time, s.completion_time, s.failure_reason,
       coalesce(t.tasks, 0)                       AS tasks,
       coalesce(t.failed_tasks, 0)                AS failed_tasks,
       coalesce(t.completed_tasks, 0)             AS completed_tasks,
       coalesce(t.killed_tasks, 0)                AS killed_tasks,
       coalesce(t.running_tasks, 0)               AS running_tasks,
       coalesce(t.memory_bytes_spilled, 0)        AS memory_bytes_spilled,
       coalesce(t.disk_bytes_spilled, 0)          AS disk_bytes_spilled,
       coalesce(t.shuffle_bytes_written, 0)       AS shuffle_bytes_written,
       coalesce(t.shuffle_records_written, 0)     AS shuffle_records_written,
       coalesce(t.shuffle_read_bytes, 0)          AS shuffle_read_bytes,
       coalesce(t.shuffle_remote_bytes_read, 0)   AS shuffle_remote_bytes_read,
       coalesce(t.shuffle_local_bytes_read, 0)    AS shuffle_local_bytes_read,
       coalesce(t.shuffle_records_read, 0)        AS shuffle_records_read,
       coalesce(t.input_bytes, 0)                 AS input_bytes,
       coalesce(t.input_records, 0)               AS input_records,
       coalesce(t.output_bytes, 0)                AS output_bytes,
       coalesce(t.output_records, 0)              AS output_records,
       coalesce(t.executor_run_time_ms, 0)        AS executor_run_time_ms,
       coalesce(t.executor_cpu_time_ns, 0)        AS executor_cpu_time_ns,
       coalesce(t.jvm_gc_time_ms, 0)              AS jvm_gc_time_ms,
       t.max_peak_execution_memory
FROM spark_stages s
FULL OUTER JOIN t
  ON t.app_id = s.app_id AND t.attempt_id = s.attempt_id
 AND t.stage_id = s.stage_id AND t.stage_attempt = s.stage_attempt;
