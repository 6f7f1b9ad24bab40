-- plan refused: every CreateNetworkInterface that CloudTrail shows refused for lack of free IPs,
-- with the run it was attributed to (NULL when none). Reads: ip_exhaustion_events.
SELECT "at", subnet_id, event_id, job_run_id
FROM ip_exhaustion_events
WHERE source = 'cloudtrail'
ORDER BY "at", event_id;
