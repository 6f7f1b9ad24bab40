-- reduce_stages: per stage of one application attempt ($1 app_id, $2 attempt_id) that reads a
-- shuffle, what its partitions looked like: partitions seen (ended attempts with metrics; a
-- partition's read is the largest over its attempts), empty partitions (read 0 bytes), the largest
-- read and the mean read of the non-empty ones, the shuffle it reads (Σ shuffle write of its
-- parent stages — per parent the attempt that wrote most — else Σ partition reads), spill and the
-- stage's task count. Reads: spark_tasks, spark_stages.
WITH part AS (
    SELECT stage_id, partition_id,
           max(coalesce(shuffle_remote_bytes_read, 0) + coalesce(shuffle_local_bytes_read, 0)) AS read_bytes
    FROM spark_tasks
    WHERE app_id = $1 AND attempt_id = $2 AND has_metrics AND end_reason IS NOT NULL
    GROUP BY stage_id, partition_id
),
pstats AS (
    SELECT stage_id, count(*) AS partitions_seen,
           count(*) FILTER (WHERE read_bytes = 0) AS empty_partitions,
           max(read_bytes) AS max_read,
           avg(read_bytes) FILTER (WHERE read_bytes > 0) AS mean_nonempty_read,
           sum(read_bytes) AS read_bytes
    FROM part GROUP BY stage_id
),
spill AS (
    SELECT stage_id, coalesce(sum(disk_bytes_spilled), 0) AS disk_spilled,
           coalesce(sum(memory_bytes_spilled), 0) AS memory_spilled
    FROM spark_tasks WHERE app_id = $1 AND attempt_id = $2 AND has_metrics
    GROUP BY stage_id
),
stage AS (
    SELECT stage_id, max(num_tasks) AS num_tasks, max(parent_ids) AS parent_ids
    FROM spark_stages WHERE app_id = $1 AND attempt_id = $2
    GROUP BY stage_id
),
map_out AS (
    SELECT stage_id, max(written) AS written FROM (
        SELECT stage_id, stage_attempt, sum(shuffle_bytes_written) AS written
        FROM spark_tasks
        WHERE app_id = $1 AND attempt_id = $2 AND has_metrics AND end_reason = 'Success'
        GROUP BY stage_id, stage_attempt
    ) GROUP BY stage_id
),
parents AS (
    SELECT stage_id, unnest(CAST(parent_ids AS INTEGER[])) AS parent_id
    FROM stage WHERE parent_ids IS NOT NULL AND parent_ids <> '[]'
),
parent_in AS (
    SELECT p.stage_id, sum(m.written) AS parent_shuffle_bytes
    FROM parents p JOIN map_out m ON m.stage_id = p.parent_id
    GROUP BY p.stage_id
)
SELECT p.stage_id, coalesce(s.num_tasks, p.partitions_seen) AS num_tasks, p.partitions_seen, p.empty_partitions,
       p.max_read, coalesce(p.mean_nonempty_read, 0) AS mean_nonempty_read,
       coalesce(pi.parent_shuffle_bytes, p.read_bytes, 0) AS input_bytes,
       coalesce(sp.disk_spilled, 0) AS disk_spilled, coalesce(sp.memory_spilled, 0) AS memory_spilled
FROM pstats p
LEFT JOIN stage s ON s.stage_id = p.stage_id
LEFT JOIN parent_in pi ON pi.stage_id = p.stage_id
LEFT JOIN spill sp ON sp.stage_id = p.stage_id
WHERE p.read_bytes > 0 OR pi.parent_shuffle_bytes > 0
ORDER BY p.stage_id;
