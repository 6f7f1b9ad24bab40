-- cloudtrail_log_files: one row per CloudTrail log file loaded, with the account, region and delivery
-- time its name carries (<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz; NULL for
-- files named otherwise, such as lookup-events output). Digest files are not log files. eni_records
-- and other_records are NULL for a file with the same content as another (status duplicate: all its
-- records count as duplicates).
-- Reads: ingest_manifest.
CREATE OR REPLACE VIEW cloudtrail_log_files AS
SELECT uri,
       nullif(regexp_extract(uri, '(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{8}T\d{4}Z)_[^/]*$', 1), '') AS account_id,
       nullif(regexp_extract(uri, '(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{8}T\d{4}Z)_[^/]*$', 2), '') AS region,
       try_strptime(nullif(regexp_extract(uri, '(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{8}T\d{4}Z)_[^/]*$', 3), ''), '%Y%m%dT%H%MZ') AS delivered_at,
       CASE WHEN status = 'ok' THEN records_kept + records_duplicate END AS eni_records,
       CASE WHEN status = 'ok' THEN records_skipped END AS other_records
FROM ingest_manifest
WHERE kind = 'cloudtrail' AND status IN ('ok', 'duplicate') AND uri NOT LIKE '%CloudTrail-Digest%';

-- evidence_coverage: what the database covers, one row per source and scope: CloudTrail per account
-- and region (log files by the delivery time in their names, ENI records by eventTime), Glue runs per
-- job (started_on to the last completed_on), EC2 network-interface snapshots, subnets and VPC blocks, Spark applications per
-- Glue job (else application name). first_at/last_at: the earliest and latest instant the source
-- speaks for; objects: input objects it came from; records: rows it gave.
-- Reads: cloudtrail_log_files, eni_events, glue_runs, eni_snapshots, subnets, vpc_cidr_blocks, spark_apps.
CREATE OR REPLACE VIEW evidence_coverage AS
WITH files AS (
    SELECT account_id, region, min(delivered_at) AS first_at, max(delivered_at) AS last_at, count(*) AS objects
    FROM cloudtrail_log_files GROUP BY ALL
), events AS (
    SELECT account_id, region, min(event_time) AS first_at, max(event_time) AS last_at, count(*) AS records
    FROM eni_events GROUP BY ALL
)
SELECT 'cloudtrail' AS source,
       coalesce(f.account_id, e.account_id, '?') || '/' || coalesce(f.region, e.region, '?') AS scope,
       least(f.first_at, e.first_at) AS first_at,
       greatest(f.last_at, e.last_at) AS last_at,
       coalesce(f.objects, 0)::BIGINT AS objects,
       coalesce(e.records, 0)::BIGINT AS records
FROM files f FULL JOIN events e ON f.account_id IS NOT DISTINCT FROM e.account_id AND f.region IS NOT DISTINCT FROM e.region
UNION ALL
SELECT 'glue_runs', coalesce(job_name, '?'), min(started_on), max(coalesce(completed_on, started_on)),
       count(DISTINCT source_uri)::BIGINT, count(*)::BIGINT
FROM glue_runs GROUP BY ALL
UNION ALL
SELECT 'ec2_snapshots', 'network interfaces', min(observed_at), max(observed_at), count(DISTINCT source_uri)::BIGINT, count(*)::BIGINT
FROM eni_snapshots HAVING count(*) > 0
UNION ALL
SELECT 'ec2_snapshots', 'subnets', NULL, NULL, count(DISTINCT source_uri)::BIGINT, count(*)::BIGINT
FROM subnets HAVING count(*) > 0
UNION ALL
SELECT 'ec2_snapshots', 'VPC blocks', NULL, NULL, count(DISTINCT source_uri)::BIGINT, count(*)::BIGINT
FROM vpc_cidr_blocks HAVING count(*) > 0
UNION ALL
SELECT 'spark', coalesce(glue_job_name, app_name, '?'), min(start_time), max(coalesce(end_time, start_time)),
       count(DISTINCT source_uri)::BIGINT, count(*)::BIGINT
FROM spark_apps GROUP BY ALL;
