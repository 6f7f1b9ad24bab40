-- 001_core: the ingest manifest and the per-record problems found while ingesting.

-- ingest_manifest: one row per input object (local file or S3 object) that an ingest looked at.
CREATE TABLE ingest_manifest (
    uri               VARCHAR NOT NULL,  -- file path or s3://bucket/key
    size              BIGINT,            -- bytes as stored (compressed)
    mtime             TIMESTAMP,         -- file mtime or S3 LastModified (UTC)
    etag              VARCHAR,           -- S3 ETag (NULL for local files)
    content_sha256    VARCHAR,           -- SHA-256 of the stored bytes
    kind              VARCHAR,           -- decoder that claimed it: cloudtrail, glue-job-runs, spark-eventlog, ...
    records_kept      BIGINT NOT NULL,   -- rows loaded
    records_skipped   BIGINT NOT NULL,   -- records read and deliberately not loaded (irrelevant events)
    records_bad       BIGINT NOT NULL,   -- records that could not be decoded (see ingest_issues)
    records_duplicate BIGINT NOT NULL,   -- records already in the database (same key)
    status            VARCHAR NOT NULL,  -- ok | failed | ignored | duplicate
    error             VARCHAR,           -- why it failed or was ignored
    ingested_at       TIMESTAMP NOT NULL,  -- when this row was written (UTC)
    gluelens_version  VARCHAR  -- gluelens version that wrote it
);

-- ingest_issues: problems found in single records (bad JSON, missing fields), by object and record index.
CREATE TABLE ingest_issues (
    uri      VARCHAR NOT NULL,  -- object the problem was found in (as in ingest_manifest.uri)
    record   BIGINT,                -- record index (0-based) or line number (1-based) as the message says; -1 = whole object
    severity VARCHAR NOT NULL,      -- bad | skipped | warning | fatal
    message  VARCHAR NOT NULL  -- what is wrong, naming the record or line
);
