-- stage_disk: per stage attempt of application $1, attempt $2: spill (memory and disk) and shuffle
-- written and read. Reads: spark_stage_metrics.
SELECT stage_id, stage_attempt, coalesce(stage_name, '') AS stage_name, tasks,
       memory_bytes_spilled, disk_bytes_spilled, shuffle_bytes_written, shuffle_read_bytes
FROM spark_stage_metrics
WHERE app_id = $1 AND attempt_id = $2
ORDER BY stage_id, stage_attempt;
