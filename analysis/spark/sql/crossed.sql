-- crossed: the first instant executor $3 of application attempt ($1, $2) had more than $4 bytes
-- of estimated disk in use (NULL if never). Reads: executor_disk_timeline.
SELECT min("at") AS crossed_at FROM executor_disk_timeline
WHERE app_id = $1 AND attempt_id = $2 AND executor_id = $3 AND disk_bytes > $4;
