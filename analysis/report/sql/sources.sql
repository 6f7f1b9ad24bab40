-- sources: what a report analysed — per decoder kind, the objects loaded, the records kept and the
-- objects that failed (objects ignored or skipped as duplicates are not evidence). Reads: ingest_manifest.
SELECT coalesce(kind, '(unrecognised)') AS kind,
       count(*) FILTER (WHERE status = 'ok')::BIGINT     AS objects,
       coalesce(sum(records_kept), 0)::BIGINT             AS records,
       count(*) FILTER (WHERE status = 'failed')::BIGINT AS failed
FROM ingest_manifest
WHERE status IN ('ok', 'failed')
GROUP BY 1
ORDER BY 1;
