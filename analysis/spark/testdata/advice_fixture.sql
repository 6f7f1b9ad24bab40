-- A tiny shuffle for the analysis/spark tests, small enough to check by hand. Spark 3.1 on two
-- G.1X executors (Glue run jr_b), shuffle partitions set to 4, codec and AQE left unset.
-- Stage 0 (map) writes 3 GB + 2 GB; stage 1 (reduce, parent [0]) reads it through 4 partitions:
-- p0 2 GB, p1 empty, p2 1.5 GB (attempt 0 fails, attempt 1 succeeds), p3 1.5 GB.
INSERT INTO glue_runs (run_id, job_name, state, worker_type, number_of_workers, started_on, completed_on)
VALUES ('jr_b', 'small-join', 'SUCCEEDED', 'G.1X', 3, TIMESTAMP '2026-11-02 09:59:00', TIMESTAMP '2026-11-02 11:01:00');

INSERT INTO spark_apps (app_id, attempt_id, app_name, spark_version, start_time, end_time, completed, glue_job_name, glue_job_run_id,
                        shuffle_partitions, log_events)
VALUES ('app-b', '', 'small-join', '3.1.1-amzn-0', TIMESTAMP '2026-11-02 10:00:00', TIMESTAMP '2026-11-02 11:00:00', true,
        'small-join', 'jr_b', 4, 50),
       ('app-old', '1', 'older attempt', '3.1.1-amzn-0', TIMESTAMP '2026-11-01 10:00:00', TIMESTAMP '2026-11-01 10:30:00', true,
        NULL, NULL, NULL, 5),
       ('app-old', '2', 'newer attempt', '3.1.1-amzn-0', TIMESTAMP '2026-11-01 11:00:00', TIMESTAMP '2026-11-01 11:30:00', true,
        NULL, NULL, NULL, 5);

INSERT INTO spark_executors (app_id, attempt_id, executor_id, host, total_cores, added_at, log_events)
VALUES ('app-b', '', '1', 'h1', 4, TIMESTAMP '2026-11-02 10:00:30', 50),
       ('app-b', '', '2', 'h2', 4, TIMESTAMP '2026-11-02 10:00:31', 50);

INSERT INTO spark_stages (app_id, attempt_id, stage_id, stage_attempt, stage_name, num_tasks, parent_ids, submission_time, completion_time, status, log_events)
VALUES ('app-b', '', 0, 0, 'map', 2, '[]', TIMESTAMP '2026-11-02 10:01:00', TIMESTAMP '2026-11-02 10:06:00', 'complete', 50),
       ('app-b', '', 1, 0, 'reduce', 4, '[0]', TIMESTAMP '2026-11-02 10:07:00', TIMESTAMP '2026-11-02 10:30:00', 'complete', 50);

INSERT INTO spark_tasks (app_id, attempt_id, task_id, stage_id, stage_attempt, task_index, task_attempt, partition_id, executor_id,
                         launch_time, finish_time, task_type, end_reason, failed, killed, has_metrics,
                         memory_bytes_spilled, disk_bytes_spilled, shuffle_bytes_written, shuffle_remote_bytes_read, shuffle_local_bytes_read, log_events)
VALUES
 ('app-b', '', 0, 0, 0, 0, 0, 0, '1', TIMESTAMP '2026-11-02 10:01:00', TIMESTAMP '2026-11-02 10:05:00', 'ShuffleMapTask', 'Success', false, false, true, 0, 0, 3000000000, 0, 0, 50),
 ('app-b', '', 1, 0, 0, 1, 0, 1, '2', TIMESTAMP '2026-11-02 10:01:00', TIMESTAMP '2026-11-02 10:06:00', 'ShuffleMapTask', 'Success', false, false, true, 0, 0, 2000000000, 0, 0, 50),
 ('app-b', '', 2, 1, 0, 0, 0, 0, '1', TIMESTAMP '2026-11-02 10:07:00', TIMESTAMP '2026-11-02 10:20:00', 'ResultTask', 'Success', false, false, true, 7500000000, 2500000000, 0, 1500000000, 500000000, 50),
 ('app-b', '', 3, 1, 0, 1, 0, 1, '2', TIMESTAMP '2026-11-02 10:07:00', TIMESTAMP '2026-11-02 10:07:01', 'ResultTask', 'Success', false, false, true, 0, 0, 0, 0, 0, 50),
 ('app-b', '', 4, 1, 0, 2, 0, 2, '2', TIMESTAMP '2026-11-02 10:07:00', TIMESTAMP '2026-11-02 10:15:00', 'ResultTask', 'ExceptionFailure', true, false, true, 5000000000, 2000000000, 0, 1000000000, 500000000, 50),
 ('app-b', '', 5, 1, 0, 2, 1, 2, '2', TIMESTAMP '2026-11-02 10:16:00', TIMESTAMP '2026-11-02 10:30:00', 'ResultTask', 'Success', false, false, true, 6000000000, 2000000000, 0, 1000000000, 500000000, 50),
 ('app-b', '', 6, 1, 0, 3, 0, 3, '1', TIMESTAMP '2026-11-02 10:07:30', TIMESTAMP '2026-11-02 10:25:00', 'ResultTask', 'Success', false, false, true, 4500000000, 1500000000, 0, 1000000000, 500000000, 50);
