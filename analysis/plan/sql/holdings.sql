-- plan holdings: every ENI with a known subnet and the interval it held its IPs (evidence
-- conventions: no create = from the evidence start, held_until NULL = past the evidence end), with
-- the run it belongs to when it was attributed to one (exact, high, or ambiguous — then the
-- attribution's preferred candidate: the run of the same role and subnet that started last before the
-- create) and its create is in the evidence; other ENIs (non-Glue, pre-existing, unattributed Glue
-- ENIs) are background for the replay.
-- Reads: eni_holdings.
SELECT eni_id,
       subnet_id,
       requester,
       created_at,
       held_from,
       held_until,
       ip_count::BIGINT AS ip_count,
       CASE WHEN created_at IS NOT NULL THEN job_run_id END AS job_run_id
FROM eni_holdings
ORDER BY held_from, eni_id;
