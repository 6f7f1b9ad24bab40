-- eni_attribution_rule: which Glue job run made each Glue CreateNetworkInterface call (successful or
-- failed for lack of IPs). CloudTrail ties an ENI to a role and a subnet, not to a run, so a create
-- at time t is matched to the runs that
--   * started between t - 15 min and t + 60 s (Glue creates one ENI per worker shortly after start),
--   * had not completed more than 60 s before t,
--   * run as the same IAM role (compared by role name; skipped when the job's role is unknown),
--   * use the same subnet (any subnet the job's connections have named — a re-pointed job keeps its
--     old subnet for its old runs — or the inferred one; skipped when unknown).
-- Among the candidates the run that started last at or before t wins (then the nearest start after t).
-- confidence: 'exact' = no rival, role and connection subnet both known; 'high' = no rival;
-- 'ambiguous' = another candidate run started within 3 minutes of the chosen one (both could have
-- been creating ENIs then), or the run already has NumberOfWorkers earlier ENIs (over-capacity).
-- candidate_runs keeps the count of all candidates so nothing is hidden.
-- Every ingest that loads ENI or Glue evidence materialises this view into the table eni_attribution,
-- which the other views read. Reads: eni_events_effective, glue_runs, glue_jobs, glue_job_subnet_history, glue_job_subnets.
CREATE OR REPLACE VIEW eni_attribution_rule AS
WITH creates AS (
    SELECT event_id, eni_id, event_time, subnet_id, regexp_extract(role_arn, '[^/]+$') AS role_name
    FROM eni_events_effective
    WHERE event_name = 'CreateNetworkInterface'
      AND requester = 'glue'
      AND (failure_class IS NULL OR failure_class = 'ip_exhaustion')
),
allowed AS (
    -- subnets a job's ENIs may land in: every subnet its connections have named, else the inferred one
    SELECT job_name, subnet_id, 'connection' AS source FROM glue_job_subnet_history
    UNION ALL
    SELECT job_name, subnet_id, source FROM glue_job_subnets WHERE source = 'inferred'
),
runs AS (
    SELECT r.run_id, r.job_name, r.started_on, r.completed_on, r.number_of_workers,
           regexp_extract(j.role_arn, '[^/]+$') AS role_name,
           r.job_name IN (SELECT job_name FROM allowed) AS has_subnet
    FROM glue_runs r
    LEFT JOIN glue_jobs j ON j.job_name = r.job_name
    WHERE r.started_on IS NOT NULL
),
candidates AS (
    SELECT c.event_id, c.eni_id, c.event_time, r.run_id, r.started_on, r.number_of_workers,
           r.role_name IS NOT NULL AS role_matched,
           a.source AS subnet_source,
           count(*) OVER (PARTITION BY c.event_id) AS candidate_runs,
           row_number() OVER (
               PARTITION BY c.event_id
               ORDER BY r.started_on > c.event_time, abs(date_diff('millisecond', r.started_on, c.event_time)), r.run_id
           ) AS preference
    FROM creates c
    JOIN runs r
      ON c.event_time >= r.started_on - INTERVAL 60 SECOND
     AND c.event_time <= r.started_on + INTERVAL 15 MINUTE
     AND (r.completed_on IS NULL OR c.event_time <= r.completed_on + INTERVAL 60 SECOND)
     AND (r.role_name IS NULL OR r.role_name = c.role_name)
    LEFT JOIN allowed a ON a.job_name = r.job_name AND a.subnet_id = c.subnet_id
    WHERE NOT r.has_subnet OR a.subnet_id IS NOT NULL
),
rivals AS (
    -- candidates other than the preferred one whose run started within 3 minutes of it: runs that
    -- could still have been creating ENIs at the same moment
    SELECT event_id,
           count(*) FILTER (WHERE preference > 1 AND abs(date_diff('second', started_on, chosen_start)) <= 180) AS close_rivals
    FROM (SELECT *, first_value(started_on) OVER (PARTITION BY event_id ORDER BY preference) AS chosen_start FROM candidates)
    GROUP BY event_id
),
chosen AS (
    SELECT c.*, r.close_rivals,
           row_number() OVER (PARTITION BY c.run_id ORDER BY c.event_time, c.event_id) AS nth_for_run
    FROM candidates c
    JOIN rivals r ON r.event_id = c.event_id
    WHERE c.preference = 1
)
SELECT event_id,
       eni_id,
       run_id AS job_run_id,
       concat_ws('+',
           CASE WHEN role_matched THEN 'role' END,
           CASE subnet_source WHEN 'connection' THEN 'connection-subnet' WHEN 'inferred' THEN 'inferred-subnet' END,
           'start-window',
           CASE WHEN number_of_workers IS NOT NULL AND nth_for_run > number_of_workers THEN 'over-capacity' END
       ) AS method,
       CASE
           WHEN close_rivals > 0 THEN 'ambiguous'
           WHEN number_of_workers IS NOT NULL AND nth_for_run > number_of_workers THEN 'ambiguous'
           WHEN role_matched AND subnet_source = 'connection' THEN 'exact'
           ELSE 'high'
       END AS confidence,
       candidate_runs::INTEGER AS candidate_runs
FROM chosen;
