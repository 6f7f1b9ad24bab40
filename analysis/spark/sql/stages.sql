-- stages: the History-Server totals of every stage attempt of one application attempt
-- ($1 app_id, $2 attempt_id). Reads: spark_stage_metrics.
SELECT stage_id, stage_attempt, coalesce(stage_name, '') AS name, num_tasks, coalesce(status, '') AS status,
       submission_time AS submitted, completion_time AS completed,
       tasks, completed_tasks, failed_tasks, killed_tasks, memory_bytes_spilled, disk_bytes_spilled,
       shuffle_bytes_written, shuffle_read_bytes AS shuffle_bytes_read, input_bytes, output_bytes,
       executor_run_time_ms, coalesce(failure_reason, '') AS failure_reason
FROM spark_stage_metrics
WHERE app_id = $1 AND attempt_id = $2
ORDER BY stage_id, stage_attempt;
