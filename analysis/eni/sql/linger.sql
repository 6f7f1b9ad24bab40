-- linger: how long Glue ENIs stayed allocated after their run completed, over ENIs with a create and
-- a delete in the evidence whose run has a CompletedOn, in the window [$1, $2] of deleted_at (NULL =
-- open); percentiles by linear interpolation between closest ranks (quantile_cont).
-- Reads: eni_lifetimes.
SELECT count(*) AS count,
       quantile_cont(linger_minutes, 0.5) AS p50_minutes,
       quantile_cont(linger_minutes, 0.95) AS p95_minutes,
       max(linger_minutes) AS max_minutes
FROM eni_lifetimes
WHERE requester = 'glue' AND created_at IS NOT NULL AND deleted_at IS NOT NULL AND linger_minutes IS NOT NULL
  AND ($1::TIMESTAMP IS NULL OR deleted_at >= $1::TIMESTAMP)
  AND ($2::TIMESTAMP IS NULL OR deleted_at < $2::TIMESTAMP);
