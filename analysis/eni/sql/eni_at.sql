-- eni_at: every ENI holding IPs in subnet $1 at instant $2, with its run, its state at $2 as the
-- holding_state macro says (running, lingering, non-glue, unattributed) and, when lingering, the
-- minutes since its run completed; and, where subnet_occupancy counts IPs no ENI in the evidence
-- explains (after a refused create), one row '(unaccounted for by the evidence)' with state
-- unaccounted holding them.
-- Reads: eni_holdings, subnet_occupancy.
SELECT eni_id, ip_count, requester, held_from, held_until AS deleted_at, job_run_id, job_name,
       run_started_at, run_completed_at,
       holding_state(holder, run_completed_at, $2::TIMESTAMP) AS state,
       CASE WHEN holding_state(holder, run_completed_at, $2::TIMESTAMP) = 'lingering'
            THEN date_diff('millisecond', run_completed_at, $2::TIMESTAMP) / 60000.0
       END AS minutes_since_run_end,
       attribution_confidence,
       description
FROM eni_holdings
WHERE subnet_id = $1
  AND held_from <= $2::TIMESTAMP
  AND (held_until IS NULL OR $2::TIMESTAMP < held_until)
UNION ALL
SELECT '(unaccounted for by the evidence)' AS eni_id, unaccounted AS ip_count, NULL AS requester, "at" AS held_from,
       next_at AS deleted_at, NULL AS job_run_id, NULL AS job_name, NULL AS run_started_at, NULL AS run_completed_at,
       'unaccounted' AS state, NULL AS minutes_since_run_end, NULL AS attribution_confidence, NULL AS description
FROM (SELECT *, lead("at") OVER (ORDER BY "at") AS next_at FROM subnet_occupancy WHERE subnet_id = $1)
WHERE unaccounted > 0 AND "at" <= $2::TIMESTAMP AND (next_at IS NULL OR $2::TIMESTAMP < next_at)
ORDER BY state, job_name NULLS LAST, held_from, eni_id;
