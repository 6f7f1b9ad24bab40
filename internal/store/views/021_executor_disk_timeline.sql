-- executor_disk_timeline: per application attempt and executor, a step series of the estimated
-- local disk in use (at, disk_bytes = shuffle_bytes + spill_bytes), one row per instant where the
-- estimate changes. Reads: spark_tasks, spark_executors, spark_apps.
--
-- The model (an estimate — Spark logs no disk usage):
--  * Shuffle output: the Shuffle Bytes Written of a ShuffleMapTask that ended with Success lands on
--    its executor at the task's finish and stays until the executor is removed or the application
--    ends (open-ended when neither is logged). The event log has no shuffle-cleanup event, so when
--    the driver's ContextCleaner removed an unreferenced shuffle earlier, this OVER-estimates.
--  * Spill: the Disk Bytes Spilled of a task (any end reason, when it has metrics) counts from its
--    launch to its finish: spill files are deleted when the task ends, and the log does not say
--    when during the task they were written, so the model charges them for the whole task
--    (an over-estimate before the spill happened). A task never ended has no metrics, so no spill.
--  * All changes at the same instant are applied together (one row per executor and instant).
CREATE OR REPLACE VIEW executor_disk_timeline AS
WITH shuffle_out AS (
    SELECT t.app_id, t.attempt_id, t.executor_id, t.finish_time AS from_at,
           coalesce(x.removed_at, a.end_time) AS to_at,
           t.shuffle_bytes_written AS bytes
    FROM spark_tasks t
    LEFT JOIN spark_executors x
      ON x.app_id = t.app_id AND x.attempt_id = t.attempt_id AND x.executor_id = t.executor_id
    LEFT JOIN spark_apps a
      ON a.app_id = t.app_id AND a.attempt_id = t.attempt_id
    WHERE t.task_type = 'ShuffleMapTask' AND t.end_reason = 'Success' AND t.has_metrics
      AND t.shuffle_bytes_written > 0 AND t.finish_time IS NOT NULL AND t.executor_id IS NOT NULL
      AND (coalesce(x.removed_at, a.end_time) IS NULL OR coalesce(x.removed_at, a.end_time) >= t.finish_time)
),
spill AS (
    SELECT app_id, attempt_id, executor_id, launch_time AS from_at, finish_time AS to_at,
           disk_bytes_spilled AS bytes
    FROM spark_tasks
    WHERE has_metrics AND disk_bytes_spilled > 0 AND launch_time IS NOT NULL AND executor_id IS NOT NULL
),
deltas AS (
    SELECT app_id, attempt_id, executor_id, from_at AS "at", bytes AS shuffle_delta, 0::BIGINT AS spill_delta FROM shuffle_out
    UNION ALL
    SELECT app_id, attempt_id, executor_id, to_at, -bytes, 0 FROM shuffle_out WHERE to_at IS NOT NULL
    UNION ALL
    SELECT app_id, attempt_id, executor_id, from_at, 0, bytes FROM spill
    UNION ALL
    SELECT app_id, attempt_id, executor_id, to_at, 0, -bytes FROM spill WHERE to_at IS NOT NULL
),
steps AS (
    SELECT app_id, attempt_id, executor_id, "at",
           sum(shuffle_delta) AS shuffle_delta, sum(spill_delta) AS spill_delta
    FROM deltas
    GROUP BY app_id, attempt_id, executor_id, "at"
)
SELECT app_id, attempt_id, executor_id, "at",
       (sum(shuffle_delta) OVER w + sum(spill_delta) OVER w)::BIGINT AS disk_bytes,
       (sum(shuffle_delta) OVER w)::BIGINT                           AS shuffle_bytes,
       (sum(spill_delta) OVER w)::BIGINT                             AS spill_bytes
FROM steps
WINDOW w AS (PARTITION BY app_id, attempt_id, executor_id ORDER BY "at" ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW);
