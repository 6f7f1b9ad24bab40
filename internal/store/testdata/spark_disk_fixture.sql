-- A tiny Spark application for the Spark view tests (views_spark_test.go), with numbers small
-- enough to check by hand. One G.1X Glue run (usable disk 44 GB in the 'current' table), two
-- executors; executor 1 loses its disk in stage 1 and is removed.
INSERT INTO glue_runs (run_id, job_name, attempt, started_on, completed_on, state, error_message, worker_type, number_of_workers)
VALUES ('jr_a', 'nightly', 0, TIMESTAMP '2026-11-02 09:59:30', TIMESTAMP '2026-11-02 10:11:00', 'FAILED',
        'Job aborted due to stage failure: java.io.IOException: No space left on device', 'G.1X', 3);

INSERT INTO spark_apps (app_id, attempt_id, app_name, spark_version, start_time, end_time, completed, glue_job_name, glue_job_run_id, log_events)
VALUES ('app-1', '', 'nightly', '3.3.0-amzn-1', TIMESTAMP '2026-11-02 10:00:00', TIMESTAMP '2026-11-02 10:10:00', true, 'nightly', 'jr_a', 100),
       ('app-2', '', 'unlinked', '3.5.0', TIMESTAMP '2026-11-02 11:00:00', NULL, false, NULL, NULL, 10);

INSERT INTO spark_executors (app_id, attempt_id, executor_id, host, total_cores, added_at, removed_at, removed_reason, log_events)
VALUES ('app-1', '', '1', 'h1', 4, TIMESTAMP '2026-11-02 10:00:01', TIMESTAMP '2026-11-02 10:06:00',
        'Executor process lost: java.io.IOException: No space left on device', 100),
       ('app-1', '', '2', 'h2', 4, TIMESTAMP '2026-11-02 10:00:01', NULL, NULL, 100),
       ('app-2', '', '7', 'h7', 4, TIMESTAMP '2026-11-02 11:00:01', NULL, NULL, 10);

INSERT INTO spark_stages (app_id, attempt_id, stage_id, stage_attempt, stage_name, num_tasks, parent_ids, submission_time, completion_time, failure_reason, status, log_events)
VALUES ('app-1', '', 0, 0, 'map', 2, '[]', TIMESTAMP '2026-11-02 10:00:59', TIMESTAMP '2026-11-02 10:03:01', NULL, 'complete', 100),
       ('app-1', '', 1, 0, 'reduce', 4, '[0]', TIMESTAMP '2026-11-02 10:03:59', TIMESTAMP '2026-11-02 10:06:30',
        'Job aborted due to stage failure: Task 0 in stage 1.0 failed 1 times: java.io.IOException: No space left on device', 'failed', 100),
       ('app-1', '', 2, 0, 'never ran', 3, '[1]', NULL, NULL, NULL, 'active', 100);

INSERT INTO spark_tasks (app_id, attempt_id, task_id, stage_id, stage_attempt, task_index, task_attempt, partition_id, executor_id, host,
                         launch_time, finish_time, task_type, end_reason, failed, killed, speculative, error_description, has_metrics,
                         executor_run_time_ms, memory_bytes_spilled, disk_bytes_spilled, shuffle_bytes_written,
                         shuffle_remote_bytes_read, shuffle_local_bytes_read, input_bytes, log_events)
VALUES
 -- t1: map task on executor 1, 30 GB of shuffle output, no spill.
 ('app-1', '', 1, 0, 0, 0, 0, 0, '1', 'h1', TIMESTAMP '2026-11-02 10:01:00', TIMESTAMP '2026-11-02 10:02:00', 'ShuffleMapTask', 'Success',
  false, false, false, NULL, true, 60000, 0, 0, 30000000000, 0, 0, 1000, 100),
 -- t2: map task on executor 2, 20 GB of shuffle output, 5 GB spilled (15 GB in memory).
 ('app-1', '', 2, 0, 0, 1, 0, 1, '2', 'h2', TIMESTAMP '2026-11-02 10:01:00', TIMESTAMP '2026-11-02 10:03:00', 'ShuffleMapTask', 'Success',
  false, false, false, NULL, true, 120000, 15000000000, 5000000000, 20000000000, 0, 0, 2000, 100),
 -- t3: reduce task on executor 1 fails on a full disk after spilling 16 GB (40 GB in memory).
 ('app-1', '', 3, 1, 0, 0, 0, 0, '1', 'h1', TIMESTAMP '2026-11-02 10:04:00', TIMESTAMP '2026-11-02 10:05:00', 'ShuffleMapTask', 'ExceptionFailure',
  true, false, false, 'java.io.IOException: No space left on device', true, 59000, 40000000000, 16000000000, 0, 7000000000, 1000000000, 0, 100),
 -- t4: reduce task on executor 2 succeeds: 4 GB spilled (10 GB in memory), 2 GB shuffle output.
 ('app-1', '', 4, 1, 0, 1, 0, 1, '2', 'h2', TIMESTAMP '2026-11-02 10:04:30', TIMESTAMP '2026-11-02 10:07:00', 'ShuffleMapTask', 'Success',
  false, false, false, NULL, true, 150000, 10000000000, 4000000000, 2000000000, 3000000000, 0, 0, 100),
 -- t5: launched, never ended: no metrics.
 ('app-1', '', 5, 1, 0, 2, 0, 2, '2', 'h2', TIMESTAMP '2026-11-02 10:08:00', NULL, 'ShuffleMapTask', NULL,
  false, false, false, NULL, false, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 100),
 -- t6: killed without metrics.
 ('app-1', '', 6, 1, 0, 3, 0, 3, '2', 'h2', TIMESTAMP '2026-11-02 10:05:00', TIMESTAMP '2026-11-02 10:05:30', 'ShuffleMapTask', 'TaskKilled',
  false, true, false, 'Stage cancelled', false, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 100),
 -- t7: the unlinked app, still running: 1 GB spill charged from launch, open-ended.
 ('app-2', '', 1, 0, 0, 0, 0, 0, '7', 'h7', TIMESTAMP '2026-11-02 11:01:00', TIMESTAMP '2026-11-02 11:02:00', 'ResultTask', 'Success',
  false, false, false, NULL, true, 60000, 3000000000, 1000000000, 0, 0, 0, 0, 10);
