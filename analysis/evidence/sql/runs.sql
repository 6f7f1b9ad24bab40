-- runs: the Glue job runs the evidence holds — from get-job-runs, and the runs Spark event logs name —
-- per job, with their span. Reads: glue_runs, spark_apps.
SELECT job_name, count(DISTINCT run_id)::BIGINT AS runs, min(started_on) AS first_at, max(started_on) AS last_at,
       min(run_id) AS example
FROM (
    SELECT run_id, coalesce(job_name, '?') AS job_name, started_on FROM glue_runs
    UNION ALL
    SELECT glue_job_run_id, coalesce(glue_job_name, '?'), start_time FROM spark_apps WHERE glue_job_run_id IS NOT NULL
)
GROUP BY job_name
ORDER BY job_name;
