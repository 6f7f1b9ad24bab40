-- gaps: stretches with no CloudTrail log file for an account and region longer than the threshold
-- ($1, seconds), between two files of the same account and region (activity before and after).
-- Reads: cloudtrail_log_files.
SELECT account_id, region, prev_at AS gap_from, delivered_at AS gap_to
FROM (
    SELECT account_id, region, delivered_at,
           lag(delivered_at) OVER (PARTITION BY account_id, region ORDER BY delivered_at) AS prev_at
    FROM cloudtrail_log_files
    WHERE delivered_at IS NOT NULL
)
WHERE prev_at IS NOT NULL AND epoch(delivered_at) - epoch(prev_at) > $1
ORDER BY account_id, region, gap_from;
