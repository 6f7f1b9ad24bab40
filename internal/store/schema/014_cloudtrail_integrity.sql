-- 014_cloudtrail_integrity: the evidence `gluelens verify` checks CloudTrail log files against —
-- digest files (one per region per hour, listing every log file delivered in it with its SHA-256,
-- chained to the previous digest and signed with SHA256withRSA), the public keys of
-- `aws cloudtrail list-public-keys`, and the SHA-256 of each log file's decompressed content
-- (what a digest lists). See docs/verify.md and docs/formats.md §1.7.
ALTER TABLE ingest_manifest ADD COLUMN decoded_sha256 VARCHAR; -- SHA-256 of the decompressed content, for CloudTrail log and digest files (what digest files list and chain); NULL for other objects or when the content could not be read

-- cloudtrail_digests: CloudTrail digest files, one row per object and content (a digest re-read with other bytes adds a row; the current one has the content hash its manifest row records).
CREATE TABLE cloudtrail_digests (
    source_uri                  VARCHAR NOT NULL,  -- object the digest was read from (file path or s3://bucket/key)
    content_sha256              VARCHAR NOT NULL,  -- SHA-256 of the decompressed bytes as stored: what the next digest's previousDigestHashValue must equal
    account_id                  VARCHAR,           -- awsAccountId
    digest_start_time           TIMESTAMP,         -- digestStartTime: start of the log-file delivery window the digest covers
    digest_end_time             TIMESTAMP,         -- digestEndTime: end of that window
    digest_end_time_text        VARCHAR,           -- digestEndTime verbatim, as it enters the string to sign
    digest_s3_bucket            VARCHAR,           -- digestS3Bucket
    digest_s3_object            VARCHAR,           -- digestS3Object: the key CloudTrail delivered the digest to
    public_key_fingerprint      VARCHAR,           -- digestPublicKeyFingerprint: the key that signed it (see cloudtrail_public_keys)
    signature_algorithm         VARCHAR,           -- digestSignatureAlgorithm (SHA256withRSA)
    newest_event_time           TIMESTAMP,         -- newestEventTime of the listed log files (NULL when none)
    oldest_event_time           TIMESTAMP,         -- oldestEventTime of the listed log files (NULL when none)
    previous_digest_s3_bucket   VARCHAR,           -- previousDigestS3Bucket (NULL for a starting digest)
    previous_digest_s3_object   VARCHAR,           -- previousDigestS3Object: the digest before this one
    previous_digest_hash_value  VARCHAR,           -- previousDigestHashValue: hex SHA-256 of that digest's decompressed bytes
    previous_digest_hash_algorithm VARCHAR,        -- previousDigestHashAlgorithm (SHA-256)
    previous_digest_signature   VARCHAR,           -- previousDigestSignature: hex signature of the previous digest
    log_file_count              INTEGER NOT NULL,  -- entries in logFiles (see cloudtrail_digest_log_files)
    s3_signature                VARCHAR,           -- x-amz-meta-signature of the S3 object: this digest's own signature (NULL for local files)
    s3_signature_algorithm      VARCHAR            -- x-amz-meta-signature-algorithm of the S3 object
);

-- cloudtrail_digest_log_files: the log files a digest lists (logFiles[]), with the SHA-256 of each one's decompressed content.
CREATE TABLE cloudtrail_digest_log_files (
    digest_uri        VARCHAR NOT NULL,  -- object of the digest that lists it (cloudtrail_digests.source_uri)
    digest_sha256     VARCHAR NOT NULL,  -- content_sha256 of that digest
    position          INTEGER NOT NULL,  -- 0-based position in logFiles
    s3_bucket         VARCHAR,           -- s3Bucket
    s3_object         VARCHAR,           -- s3Object: the log file's key
    hash_value        VARCHAR,           -- hashValue: hex SHA-256 of the log file's decompressed content
    hash_algorithm    VARCHAR,           -- hashAlgorithm (SHA-256)
    newest_event_time TIMESTAMP,         -- newestEventTime in that log file
    oldest_event_time TIMESTAMP          -- oldestEventTime in that log file
);

-- cloudtrail_public_keys: the public keys CloudTrail signs digests with, from `aws cloudtrail list-public-keys` output.
CREATE TABLE cloudtrail_public_keys (
    fingerprint         VARCHAR NOT NULL,  -- Fingerprint: what a digest's digestPublicKeyFingerprint names
    public_key          VARCHAR NOT NULL,  -- Value: base64 of the DER PKCS#1 RSAPublicKey
    validity_start_time TIMESTAMP,         -- ValidityStartTime
    validity_end_time   TIMESTAMP,         -- ValidityEndTime
    source_uri          VARCHAR            -- object the key was read from
);
