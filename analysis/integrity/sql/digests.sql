-- digests: the CloudTrail digest files in the evidence as they are now — for each object, the row
-- whose content hash is the one its manifest entry records (an object re-read with other bytes keeps
-- its older row too). Reads: cloudtrail_digests, ingest_manifest.
SELECT d.source_uri, d.content_sha256, d.account_id, d.digest_start_time, d.digest_end_time,
       d.digest_end_time_text, d.digest_s3_bucket, d.digest_s3_object, d.public_key_fingerprint,
       d.signature_algorithm, d.previous_digest_s3_object, d.previous_digest_hash_value,
       d.previous_digest_signature, d.s3_signature, d.s3_signature_algorithm
FROM cloudtrail_digests d
JOIN ingest_manifest m ON m.uri = d.source_uri AND m.decoded_sha256 = d.content_sha256
ORDER BY d.digest_end_time NULLS FIRST, d.source_uri
