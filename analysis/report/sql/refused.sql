-- refused: the CreateNetworkInterface calls refused for lack of IPs in the window [$1, $2) (NULL =
-- open), without the attribution ip_exhaustion_events adds: what capacity and compare reports
-- count. Reads: eni_events_effective.
SELECT event_time AS "at", subnet_id, event_id, error_code, error_message
FROM eni_events_effective
WHERE event_name = 'CreateNetworkInterface' AND failure_class = 'ip_exhaustion'
  AND ($1::TIMESTAMP IS NULL OR event_time >= $1::TIMESTAMP)
  AND ($2::TIMESTAMP IS NULL OR event_time < $2::TIMESTAMP)
ORDER BY event_time, event_id;
