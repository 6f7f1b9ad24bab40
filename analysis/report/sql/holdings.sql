-- holdings: every ENI with a known subnet whose holding [held_from, held_until) overlaps the
-- window [$1, $2) (NULL = open), with its run and linger. One read of the ENI views per report:
-- occupancy, holders at an instant, linger and IP-hours are computed from these rows in Go.
-- Reads: eni_holdings.
SELECT eni_id, subnet_id, held_from, held_until, ip_count::BIGINT AS ip_count, requester,
       job_run_id, job_name, run_completed_at, created_at, deleted_at, linger_minutes
FROM eni_holdings
WHERE ($1::TIMESTAMP IS NULL OR held_until IS NULL OR held_until > $1::TIMESTAMP)
  AND ($2::TIMESTAMP IS NULL OR held_from < $2::TIMESTAMP)
ORDER BY subnet_id, held_from, eni_id;
