-- executors: every executor of one application attempt ($1 app_id, $2 attempt_id) — from
-- ExecutorAdded or, when that part of the log is missing, from its tasks — with its task counts
-- (failed as the History Server counts them: a Resubmitted task failed on that executor) and the
-- peak of its estimated disk. Reads: spark_executors, spark_tasks, disk_pressure.
WITH ids AS (
    SELECT executor_id FROM spark_executors WHERE app_id = $1 AND attempt_id = $2
    UNION
    SELECT executor_id FROM spark_tasks WHERE app_id = $1 AND attempt_id = $2 AND executor_id IS NOT NULL
),
t AS (
    SELECT executor_id, count(*) FILTER (WHERE end_reason IS NOT NULL) AS tasks,
           count(*) FILTER (WHERE failed OR end_reason = 'Resubmitted') AS failed_tasks,
           count(*) FILTER (WHERE error_description ILIKE '%No space left on device%') AS disk_full_tasks
    FROM spark_tasks WHERE app_id = $1 AND attempt_id = $2 GROUP BY executor_id
)
SELECT ids.executor_id, coalesce(x.host, '') AS host, x.total_cores AS cores, x.added_at AS added,
       x.removed_at AS removed, coalesce(x.removed_reason, '') AS removed_reason,
       coalesce(t.tasks, 0) AS tasks, coalesce(t.failed_tasks, 0) AS failed_tasks,
       coalesce(t.disk_full_tasks, 0) AS disk_full_tasks,
       d.peak_disk_bytes, d.peak_at, d.peak_shuffle_bytes, d.peak_spill_bytes
FROM ids
LEFT JOIN spark_executors x ON x.app_id = $1 AND x.attempt_id = $2 AND x.executor_id = ids.executor_id
LEFT JOIN t ON t.executor_id = ids.executor_id
LEFT JOIN disk_pressure d ON d.app_id = $1 AND d.attempt_id = $2 AND d.executor_id = ids.executor_id
WHERE ids.executor_id NOT IN ('driver', '<driver>') OR t.tasks > 0
ORDER BY TRY_CAST(ids.executor_id AS INTEGER) NULLS LAST, ids.executor_id;
