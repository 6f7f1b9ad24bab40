-- glue_job_subnet_history: every subnet a Glue job's ENIs may have landed in — the subnets of all the
-- connections any ingested definition of the job named (a job re-pointed to a new subnet keeps the
-- old one here, so runs from before the change still attribute). position = the connection's
-- place in that definition's list. Reads: glue_job_connections, glue_connections.
CREATE OR REPLACE VIEW glue_job_subnet_history AS
SELECT jc.job_name, c.subnet_id, min(jc.position) AS position
FROM glue_job_connections jc
JOIN glue_connections c ON c.connection_name = jc.connection_name
WHERE c.subnet_id IS NOT NULL
GROUP BY jc.job_name, c.subnet_id;

-- glue_job_subnets: the subnet each Glue job's ENIs land in now. From the first connection that
-- names a subnet in the job's newest definition (source 'connection'); otherwise inferred as the
-- subnet where most ENIs created by the job's role appear within its runs' start windows
-- (source 'inferred').
-- Reads: glue_jobs, glue_job_connections, glue_connections, glue_runs, eni_events_effective.
CREATE OR REPLACE VIEW glue_job_subnets AS
WITH newest AS (
    SELECT jc.*
    FROM glue_job_connections jc
    QUALIFY jc.job_modified_on IS NOT DISTINCT FROM max(jc.job_modified_on) OVER (PARTITION BY jc.job_name)
),
configured AS (
    SELECT n.job_name, c.subnet_id
    FROM newest n
    JOIN glue_connections c ON c.connection_name = n.connection_name
    WHERE c.subnet_id IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY n.job_name ORDER BY n.position) = 1
),
unconfigured AS (
    SELECT r.job_name, r.started_on, regexp_extract(j.role_arn, '[^/]+$') AS role_name
    FROM glue_runs r
    LEFT JOIN glue_jobs j ON j.job_name = r.job_name
    WHERE r.started_on IS NOT NULL
      AND r.job_name NOT IN (SELECT job_name FROM configured)
),
votes AS (
    SELECT u.job_name, e.subnet_id, count(*) AS enis
    FROM unconfigured u
    JOIN eni_events_effective e
      ON e.event_name = 'CreateNetworkInterface'
     AND e.requester = 'glue'
     AND e.subnet_id IS NOT NULL
     AND e.event_time BETWEEN u.started_on - INTERVAL 60 SECOND AND u.started_on + INTERVAL 15 MINUTE
     AND (u.role_name IS NULL OR u.role_name = regexp_extract(e.role_arn, '[^/]+$'))
    GROUP BY ALL
)
SELECT job_name, subnet_id, 'connection' AS source FROM configured
UNION ALL
SELECT job_name, subnet_id, 'inferred' AS source
FROM votes
QUALIFY row_number() OVER (PARTITION BY job_name ORDER BY enis DESC, subnet_id) = 1;
