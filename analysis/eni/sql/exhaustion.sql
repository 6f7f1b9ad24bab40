-- exhaustion: ip_exhaustion_events within the window [$1, $2] (NULL = open), in time order.
-- Reads: ip_exhaustion_events.
SELECT "at", subnet_id, source, job_run_id, job_name, in_use, usable_ips,
       held_by_running_runs, held_by_finished_runs, held_by_non_glue, unattributed, unaccounted,
       finished_min_minutes_ago, finished_max_minutes_ago, ambiguous_ips, attribution_confidence, confidence,
       error_code, error_message, event_id
FROM ip_exhaustion_events
WHERE ($1::TIMESTAMP IS NULL OR "at" >= $1::TIMESTAMP)
  AND ($2::TIMESTAMP IS NULL OR "at" < $2::TIMESTAMP)
ORDER BY "at", subnet_id, event_id;
