-- plan jobs: per Glue job with runs, the run count, runs that failed for lack of IPs, first and
-- last start, and the subnet its ENIs land in. Reads: glue_runs, glue_job_subnets.
SELECT r.job_name,
       count(*)::BIGINT AS runs,
       count(*) FILTER (WHERE r.failure_class = 'ip_exhaustion')::BIGINT AS failed_for_ips,
       min(r.started_on) AS first_run,
       max(r.started_on) AS last_run,
       any_value(s.subnet_id) AS subnet_id
FROM glue_runs r
LEFT JOIN glue_job_subnets s ON s.job_name = r.job_name
WHERE r.job_name IS NOT NULL
GROUP BY r.job_name
ORDER BY r.job_name;
