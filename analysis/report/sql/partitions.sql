-- partitions: the shuffle bytes each successful reduce task of stage $3 (application $1, attempt $2)
-- read — one row per partition, zero for empty partitions. Reads: spark_tasks.
SELECT partition_id::BIGINT AS partition_id,
       max(coalesce(shuffle_remote_bytes_read, 0) + coalesce(shuffle_local_bytes_read, 0))::BIGINT AS bytes
FROM spark_tasks
WHERE app_id = $1 AND attempt_id = $2 AND stage_id = $3 AND has_metrics AND NOT failed AND NOT killed
GROUP BY partition_id
ORDER BY partition_id;
