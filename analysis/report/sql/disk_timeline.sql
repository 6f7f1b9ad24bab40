-- disk_timeline: the estimated local disk step series of every executor of application $1,
-- attempt $2, with its shuffle and spill parts. Reads: executor_disk_timeline.
SELECT executor_id, "at", disk_bytes, shuffle_bytes, spill_bytes
FROM executor_disk_timeline
WHERE app_id = $1 AND attempt_id = $2
ORDER BY executor_id, "at";
