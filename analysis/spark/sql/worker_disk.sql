-- worker_disk: the usable local disk of every worker type in disk table $1 ('current' or
-- 'older'), smallest first. Reads: worker_disk.
SELECT worker_type, disk_bytes, usable_bytes, source FROM worker_disk
WHERE disk_table = $1
ORDER BY usable_bytes, worker_type;
