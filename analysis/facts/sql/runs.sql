-- runs: Glue job runs started in [$1, $2) or completed in it (NULL = open), or only run $3 when it
-- is given: job, recorded start and
-- completion, state, worker type, the run's own NumberOfWorkers and the worker count to plan with
-- (the run's, else the job's, else 0), failure class and error, whether it failed for lack of IPs,
-- and the subnet its job's ENIs land in now (connection or inferred; NULL when unknown).
-- Reads: glue_runs, glue_jobs, glue_job_subnets.
SELECT r.run_id,
       r.job_name,
       r.state,
       r.started_on,
       r.completed_on,
       r.worker_type,
       r.number_of_workers,
       coalesce(r.number_of_workers, j.number_of_workers, 0)::BIGINT AS workers,
       r.failure_class,
       r.error_message,
       coalesce(r.failure_class = 'ip_exhaustion', false) AS failed_for_ips,
       s.subnet_id
FROM glue_runs r
LEFT JOIN glue_jobs j ON j.job_name = r.job_name
LEFT JOIN glue_job_subnets s ON s.job_name = r.job_name
WHERE ($1::TIMESTAMP IS NULL OR r.started_on >= $1::TIMESTAMP OR r.completed_on >= $1::TIMESTAMP)
  AND ($2::TIMESTAMP IS NULL OR r.started_on < $2::TIMESTAMP)
  AND ($3::VARCHAR IS NULL OR r.run_id = $3::VARCHAR)
ORDER BY r.started_on, r.run_id;
