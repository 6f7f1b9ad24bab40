-- runs: Glue job runs started in the window [$1, $2] (NULL = open) with their failure class and
-- the ENIs attributed to them. Reads: glue_runs, eni_lifetimes.
WITH enis AS (
    SELECT job_run_id, count(*) AS enis, sum(ip_count) AS ips, max(linger_minutes) AS max_linger_minutes
    FROM eni_lifetimes WHERE job_run_id IS NOT NULL GROUP BY job_run_id
)
SELECT r.run_id, r.job_name, r.state, r.started_on, r.completed_on, r.worker_type, r.number_of_workers,
       coalesce(e.enis, 0)::BIGINT AS enis, e.max_linger_minutes, r.failure_class, r.error_message
FROM glue_runs r
LEFT JOIN enis e ON e.job_run_id = r.run_id
WHERE ($1::TIMESTAMP IS NULL OR r.started_on >= $1::TIMESTAMP)
  AND ($2::TIMESTAMP IS NULL OR r.started_on < $2::TIMESTAMP)
ORDER BY r.started_on, r.run_id;
