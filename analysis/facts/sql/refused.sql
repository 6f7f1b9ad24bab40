-- refused: every CreateNetworkInterface that CloudTrail shows refused for lack of free IPs in the
-- window [$1, $2) (NULL = open), with its error and the run it is attributed to (NULL when none).
-- Reads: eni_events_effective, eni_attribution.
SELECT e.event_time AS "at", e.subnet_id, e.event_id, e.error_code, e.error_message, a.job_run_id
FROM eni_events_effective e
LEFT JOIN eni_attribution a ON a.event_id = e.event_id
WHERE e.event_name = 'CreateNetworkInterface' AND e.failure_class = 'ip_exhaustion'
  AND ($1::TIMESTAMP IS NULL OR e.event_time >= $1::TIMESTAMP)
  AND ($2::TIMESTAMP IS NULL OR e.event_time < $2::TIMESTAMP)
ORDER BY e.event_time, e.event_id;
