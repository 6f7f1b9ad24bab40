-- apps: the Spark applications the evidence holds, with the Glue run each belongs to.
-- Reads: spark_apps.
SELECT app_id, attempt_id, app_name, glue_job_run_id, start_time
FROM spark_apps
ORDER BY start_time NULLS LAST, app_id, attempt_id;
