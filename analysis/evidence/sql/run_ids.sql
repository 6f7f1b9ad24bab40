-- run_ids: the Glue job run ids starting with a prefix ($1, '' for all), newest first, with the
-- job each belongs to, for completion. Reads: glue_runs, spark_apps.
SELECT run_id AS id, max(job_name) AS description
FROM (
    SELECT run_id, job_name, started_on FROM glue_runs
    UNION ALL
    SELECT glue_job_run_id, glue_job_name, start_time FROM spark_apps WHERE glue_job_run_id IS NOT NULL
)
WHERE starts_with(run_id, $1)
GROUP BY run_id
ORDER BY max(started_on) DESC NULLS LAST, run_id
LIMIT $2;
