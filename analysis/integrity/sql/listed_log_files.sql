-- listed_log_files: the log files each current digest lists, with the hash it lists them by.
-- Reads: cloudtrail_digest_log_files, cloudtrail_digests, ingest_manifest.
SELECT l.digest_uri, l.position, l.s3_object, l.hash_value
FROM cloudtrail_digest_log_files l
JOIN ingest_manifest m ON m.uri = l.digest_uri AND m.decoded_sha256 = l.digest_sha256
WHERE l.s3_object IS NOT NULL
ORDER BY l.digest_uri, l.position
