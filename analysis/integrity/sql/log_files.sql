-- log_files: every object in the evidence named as a CloudTrail log file
-- (ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHMMZ_UNIQUE.json[.gz]), loaded or not, with the SHA-256 of its
-- decompressed content when it was computed. Reads: ingest_manifest.
SELECT uri, decoded_sha256, status, error
FROM ingest_manifest
WHERE regexp_matches(uri, '(^|/)[0-9]{12}_CloudTrail_[^/_]+_[0-9]{8}T[0-9]{4}Z_[^/]*$')
ORDER BY uri
