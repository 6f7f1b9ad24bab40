-- run_known: whether a Glue job run ($1) is in the evidence, from get-job-runs or a Spark event log.
-- Reads: glue_runs, spark_apps.
SELECT (SELECT count(*) FROM glue_runs WHERE run_id = $1) + (SELECT count(*) FROM spark_apps WHERE glue_job_run_id = $1) AS n;
