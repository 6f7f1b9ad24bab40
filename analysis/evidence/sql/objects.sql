-- objects: the content SHA-256 of every loaded object (status ok or duplicate), sorted: the input of
-- the evidence fingerprint. Reads: ingest_manifest.
SELECT coalesce(content_sha256, '') AS sha256
FROM ingest_manifest
WHERE status IN ('ok', 'duplicate')
ORDER BY 1;
