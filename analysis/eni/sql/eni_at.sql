-- eni_at: every ENI holding IPs in subnet $1 at instant $2, with its run and state:
-- running (its run had not completed), lingering (its run had completed), non-glue, unattributed.
-- Reads: eni_holdings.
SELECT eni_id, ip_count, requester, held_from, held_until AS deleted_at, job_run_id, job_name,
       run_started_at, run_completed_at,
       CASE
           WHEN job_run_id IS NOT NULL AND (run_completed_at IS NULL OR $2::TIMESTAMP < run_completed_at) THEN 'running'
           WHEN job_run_id IS NOT NULL THEN 'lingering'
           WHEN requester IS NOT NULL AND requester <> 'glue' THEN 'non-glue'
           ELSE 'unattributed'
       END AS state,
       CASE WHEN job_run_id IS NOT NULL AND run_completed_at <= $2::TIMESTAMP
            THEN date_diff('millisecond', run_completed_at, $2::TIMESTAMP) / 60000.0 END AS minutes_since_run_end,
       attribution_confidence,
       description
FROM eni_holdings
WHERE subnet_id = $1
  AND held_from <= $2::TIMESTAMP
  AND (held_until IS NULL OR $2::TIMESTAMP < held_until)
ORDER BY state, job_name NULLS LAST, held_from, eni_id;
