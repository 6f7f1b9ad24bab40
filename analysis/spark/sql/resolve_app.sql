-- resolve_app: the attempts of application $1, newest first (by start time, then attempt id).
-- Reads: spark_apps.
SELECT attempt_id FROM spark_apps WHERE app_id = $1
ORDER BY start_time DESC NULLS LAST, attempt_id DESC;
