-- plan runs: every Glue run with a start time: its job, recorded start and completion, state, worker
-- count (the run's NumberOfWorkers, else the job's), whether it failed for lack of IPs, and the
-- subnet its job's ENIs land in (connection or inferred; NULL when unknown).
-- Reads: glue_runs, glue_jobs, glue_job_subnets.
SELECT r.run_id,
       r.job_name,
       r.started_on,
       r.completed_on,
       r.state,
       coalesce(r.number_of_workers, j.number_of_workers, 0)::BIGINT AS number_of_workers,
       coalesce(r.failure_class = 'ip_exhaustion', false) AS failed_for_ips,
       s.subnet_id
FROM glue_runs r
LEFT JOIN glue_jobs j ON j.job_name = r.job_name
LEFT JOIN glue_job_subnets s ON s.job_name = r.job_name
WHERE r.started_on IS NOT NULL AND r.job_name IS NOT NULL
ORDER BY r.started_on, r.run_id;
