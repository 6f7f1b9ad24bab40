-- stages: the History-Server totals of every stage attempt of one application attempt
-- ($1 app_id, $2 attempt_id). Reads: spark_stage_metrics.
SELECT stage_id, stage_attempt, stage_name, num_tasks, status, submission_time, completion_time,
       tasks, failed_tasks, killed_tasks, memory_bytes_spilled, disk_bytes_spilled,
       shuffle_bytes_written, shuffle_read_bytes, input_bytes, output_bytes, executor_run_time_ms,
       failure_reason
FROM spark_stage_metrics
WHERE app_id = $1 AND attempt_id = $2
ORDER BY stage_id, stage_attempt;
