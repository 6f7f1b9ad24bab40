-- app_for_run: the Spark application attempts that ran Glue job run $1, newest first.
-- Reads: spark_apps.
SELECT app_id, attempt_id FROM spark_apps WHERE glue_job_run_id = $1
ORDER BY start_time DESC NULLS LAST, attempt_id DESC;
