-- app_ids: the Spark application ids starting with a prefix ($1, '' for all), newest first, with
-- the application's name and Glue run, for completion. Reads: spark_apps.
SELECT app_id AS id, max(coalesce(app_name, '') || coalesce(' (' || glue_job_run_id || ')', '')) AS description
FROM spark_apps
WHERE starts_with(app_id, $1)
GROUP BY app_id
ORDER BY max(start_time) DESC NULLS LAST, app_id
LIMIT $2;
