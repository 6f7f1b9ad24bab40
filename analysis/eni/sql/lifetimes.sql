-- lifetimes: eni_lifetimes rows whose holding overlaps the window [$1, $2] (NULL = open), optionally
-- for one subnet $3. Reads: eni_holdings.
SELECT eni_id, subnet_id, created_at, deleted_at, ip_count, requester, role_arn, job_run_id, job_name,
       run_completed_at, linger_minutes, attribution_method, attribution_confidence, candidate_runs
FROM eni_holdings
WHERE ($1::TIMESTAMP IS NULL OR held_until IS NULL OR held_until > $1::TIMESTAMP)
  AND ($2::TIMESTAMP IS NULL OR held_from < $2::TIMESTAMP)
  AND ($3::VARCHAR IS NULL OR subnet_id = $3::VARCHAR)
ORDER BY subnet_id, held_from, eni_id;
