-- glue_run_apps: Spark application attempts linked to the Glue job run that ran them
-- (spark_apps.glue_job_run_id, from spark.glue.JOB_RUN_ID, = glue_runs.run_id; retries carry
-- their _attempt_N suffix on both sides), so a run's story has both its ENIs and its disk.
-- Only linked pairs appear. Reads: spark_apps, glue_runs.
CREATE OR REPLACE VIEW glue_run_apps AS
SELECT r.run_id, r.job_name, r.attempt AS run_attempt, r.state, r.error_message, r.failure_class,
       r.started_on, r.completed_on, r.worker_type, r.number_of_workers, r.glue_version,
       a.app_id, a.attempt_id, a.app_name, a.spark_version, a.start_time AS app_start_time,
       a.end_time AS app_end_time, a.completed AS app_completed
FROM spark_apps a
JOIN glue_runs r ON r.run_id = a.glue_job_run_id;
