-- holdings: every ENI with a known subnet whose holding [held_from, held_until) overlaps the window
-- [$1, $2) (NULL = open), optionally only in subnet $3, with its life, who holds it, its run and
-- how it was attributed. Evidence conventions: no create = held from the evidence start, held_until NULL =
-- held past the evidence end. Reads: eni_holdings.
SELECT eni_id, subnet_id, held_from, held_until, ip_count::BIGINT AS ip_count, holder, requester, role_arn,
       created_at, deleted_at, job_run_id, job_name, run_completed_at, linger_minutes,
       attribution_method, attribution_confidence, candidate_runs, subnet_source
FROM eni_holdings
WHERE ($1::TIMESTAMP IS NULL OR held_until IS NULL OR held_until > $1::TIMESTAMP)
  AND ($2::TIMESTAMP IS NULL OR held_from < $2::TIMESTAMP)
  AND ($3::VARCHAR IS NULL OR subnet_id = $3::VARCHAR)
ORDER BY subnet_id, held_from, eni_id;
