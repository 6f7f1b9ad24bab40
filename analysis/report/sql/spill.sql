-- spill: disk bytes spilled by the Spark stages submitted in the window [$1, $2) (NULL = open).
-- Reads: spark_stage_metrics.
SELECT coalesce(sum(disk_bytes_spilled), 0)::BIGINT AS disk_bytes_spilled
FROM spark_stage_metrics
WHERE ($1::TIMESTAMP IS NULL OR submission_time >= $1::TIMESTAMP)
  AND ($2::TIMESTAMP IS NULL OR submission_time < $2::TIMESTAMP);
