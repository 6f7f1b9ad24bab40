-- eni_attribution_rule: which Glue job run made each Glue CreateNetworkInterface call (successful or
-- refused for lack of IPs). CloudTrail ties an ENI to a role and a subnet, not to a run, so a create
-- at time t is matched to the runs that
--   * started between t - 15 min and t + 60 s (Glue creates one ENI per worker in the minutes after
--     start; the 60 s also tolerate a Glue clock up to 60 s ahead of CloudTrail's),
--   * had not completed more than 60 s before t (a Glue clock up to 60 s behind),
--   * run as the same IAM role (compared by role name; skipped when the job's role is unknown),
--   * use the same subnet: any subnet the job's connections have named (a re-pointed job keeps its
--     old subnet for its old runs), or the inferred one; a run that started before its job's
--     current definition (glue_jobs.last_modified_on) may have used a subnet that definition no
--     longer names, so for it any subnet its role's creates went to counts ('earlier-subnet').
-- The choice is an assignment, not a nearest-start guess:
--   * a refused create goes to a run that failed for lack of IPs when one is a candidate, one refused
--     create per such run: where several refused creates prefer the same failed run, the one with the
--     fewest failed candidates keeps it (then the latest) and each other takes its next failed
--     candidate no other create holds ('one-to-one');
--   * otherwise the run that started last at or before t wins (then the nearest start after), where a
--     start is first moved back by how far Glue's clock runs ahead of CloudTrail's: the median over
--     runs of (first ENI of the run's role − recorded start), when negative;
--   * a run holds at most NumberOfWorkers ENIs (else MaxCapacity, else its job's NumberOfWorkers):
--     creates beyond that go to their next candidate with room ('capacity-bound'); with none they
--     stay with the first choice, marked over-capacity.
-- confidence: 'exact' = no rival, role and connection subnet both known; 'high' = no rival;
-- 'ambiguous' = another candidate run started within 3 minutes of the chosen one (both could have
-- been creating ENIs then), or the choice was moved by the one-to-one or capacity rule, or the run is
-- over capacity. candidate_runs keeps the count of all candidates so nothing is hidden.
-- Every ingest that loads ENI or Glue evidence materialises this view into the table eni_attribution,
-- which the other views read. Reads: eni_events_effective, glue_runs, glue_jobs,
-- glue_job_subnet_history, glue_job_subnets.
CREATE OR REPLACE VIEW eni_attribution_rule AS
WITH creates AS (
    SELECT event_id, eni_id, event_time, subnet_id, regexp_extract(role_arn, '[^/]+$') AS role_name,
           coalesce(failure_class = 'ip_exhaustion', false) AS refused
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
    SELECT r.run_id, r.job_name, r.started_on, r.completed_on,
           coalesce(r.number_of_workers, ceil(r.max_capacity)::INTEGER, j.number_of_workers) AS capacity,
           regexp_extract(j.role_arn, '[^/]+$') AS role_name,
           r.job_name IN (SELECT job_name FROM allowed) AS has_subnet,
           coalesce(r.started_on < j.last_modified_on, false) AS before_redefinition,
           coalesce(r.failure_class = 'ip_exhaustion', false) AS failed_for_ips
    FROM glue_runs r
    LEFT JOIN glue_jobs j ON j.job_name = r.job_name
    WHERE r.started_on IS NOT NULL
),
first_offsets AS (
    -- how long after each run's recorded start its role's first ENI appeared
    SELECT r.run_id, min(date_diff('millisecond', r.started_on, c.event_time)) AS first_ms
    FROM runs r
    JOIN creates c
      ON NOT c.refused
     AND c.event_time BETWEEN r.started_on - INTERVAL 60 SECOND AND r.started_on + INTERVAL 15 MINUTE
     AND (r.role_name IS NULL OR r.role_name = c.role_name)
    GROUP BY r.run_id
),
skew AS (
    -- Glue's clock ahead of CloudTrail's: runs' first ENIs appear before their recorded start; the
    -- median of those offsets, when negative, is how far to move the recorded starts back
    SELECT least(coalesce(median(first_ms), 0), 0)::BIGINT AS shift_ms FROM first_offsets
),
candidates AS (
    SELECT c.event_id, c.eni_id, c.event_time, c.refused, r.run_id, r.started_on, r.capacity, r.failed_for_ips,
           r.started_on + to_milliseconds(k.shift_ms) AS start_seen,
           r.role_name IS NOT NULL AS role_matched,
           CASE WHEN a.subnet_id IS NOT NULL THEN a.source WHEN r.has_subnet THEN 'earlier' END AS subnet_source,
           count(*) OVER (PARTITION BY c.event_id) AS candidate_runs,
           row_number() OVER (
               PARTITION BY c.event_id
               ORDER BY c.refused AND r.failed_for_ips DESC,
                        r.started_on + to_milliseconds(k.shift_ms) > c.event_time,
                        abs(date_diff('millisecond', r.started_on + to_milliseconds(k.shift_ms), c.event_time)),
                        r.run_id
           ) AS preference
    FROM creates c
    CROSS JOIN skew k
    JOIN runs r
      ON c.event_time >= r.started_on - INTERVAL 60 SECOND
     AND c.event_time <= r.started_on + INTERVAL 15 MINUTE
     AND (r.completed_on IS NULL OR c.event_time <= r.completed_on + INTERVAL 60 SECOND)
     AND (r.role_name IS NULL OR r.role_name = c.role_name)
    LEFT JOIN allowed a ON a.job_name = r.job_name AND a.subnet_id = c.subnet_id
    WHERE NOT r.has_subnet OR a.subnet_id IS NOT NULL OR r.before_redefinition
),
-- one-to-one: refused creates whose first choice is a failed run another, later refused create also
-- prefers move to their best failed candidate that is nobody's first choice
first_refused AS (
    SELECT c.event_id, c.event_time, c.run_id,
           row_number() OVER (PARTITION BY c.run_id ORDER BY n.failed_candidates, c.event_time DESC, c.event_id DESC) AS kth
    FROM candidates c
    JOIN (SELECT event_id, count(*) FILTER (WHERE failed_for_ips) AS failed_candidates FROM candidates GROUP BY event_id) n
      ON n.event_id = c.event_id
    WHERE c.preference = 1 AND c.refused AND c.failed_for_ips
),
taken AS (
    SELECT run_id FROM first_refused WHERE kth = 1
),
moved AS (
    SELECT c.event_id, c.run_id
    FROM candidates c
    JOIN first_refused f ON f.event_id = c.event_id AND f.kth > 1
    WHERE c.failed_for_ips AND c.run_id NOT IN (SELECT run_id FROM taken)
    QUALIFY row_number() OVER (PARTITION BY c.event_id ORDER BY c.preference) = 1
        AND row_number() OVER (PARTITION BY c.run_id ORDER BY c.event_time DESC, c.event_id DESC) = 1
),
first_choice AS (
    SELECT c.event_id, coalesce(m.run_id, c.run_id) AS run_id, m.run_id IS NOT NULL AS one_to_one,
           f.kth > 1 AND m.run_id IS NULL AS contested
    FROM candidates c
    LEFT JOIN moved m ON m.event_id = c.event_id
    LEFT JOIN first_refused f ON f.event_id = c.event_id
    WHERE c.preference = 1
),
-- capacity: the n-th successful create a run gets beyond its capacity moves to the next candidate
-- that still has room after its own first choices
counted AS (
    SELECT fc.event_id, fc.run_id, fc.one_to_one, fc.contested, c.capacity, c.refused,
           CASE WHEN c.refused THEN 0 ELSE
               count(*) FILTER (WHERE NOT c.refused) OVER (PARTITION BY fc.run_id ORDER BY c.event_time, c.event_id
                                                           ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) END AS nth_for_run
    FROM first_choice fc
    JOIN candidates c ON c.event_id = fc.event_id AND c.run_id = fc.run_id
),
load AS (
    SELECT run_id, count(*) FILTER (WHERE NOT refused AND (capacity IS NULL OR nth_for_run <= capacity)) AS held
    FROM counted GROUP BY run_id
),
overflow AS (
    SELECT o.event_id, c.run_id
    FROM counted o
    JOIN candidates c ON c.event_id = o.event_id AND c.run_id <> o.run_id
    LEFT JOIN load l ON l.run_id = c.run_id
    WHERE NOT o.refused AND o.capacity IS NOT NULL AND o.nth_for_run > o.capacity
      AND (c.capacity IS NULL OR coalesce(l.held, 0) < c.capacity)
    QUALIFY row_number() OVER (PARTITION BY o.event_id ORDER BY c.preference) = 1
),
chosen AS (
    SELECT c.*, k.one_to_one, k.contested, v.run_id IS NOT NULL AS capacity_moved,
           v.run_id IS NULL AND NOT k.refused AND k.capacity IS NOT NULL AND k.nth_for_run > k.capacity AS over_capacity
    FROM counted k
    LEFT JOIN overflow v ON v.event_id = k.event_id
    JOIN candidates c ON c.event_id = k.event_id AND c.run_id = coalesce(v.run_id, k.run_id)
),
rivals AS (
    -- candidates other than the chosen one whose run started within 3 minutes of it: runs that
    -- could still have been creating ENIs at the same moment
    SELECT c.event_id,
           count(*) FILTER (WHERE c.run_id <> ch.run_id AND abs(date_diff('second', c.started_on, ch.started_on)) <= 180) AS close_rivals
    FROM candidates c
    JOIN chosen ch ON ch.event_id = c.event_id
    GROUP BY c.event_id
)
SELECT ch.event_id,
       ch.eni_id,
       ch.run_id AS job_run_id,
       concat_ws('+',
           CASE WHEN ch.role_matched THEN 'role' END,
           CASE ch.subnet_source WHEN 'connection' THEN 'connection-subnet' WHEN 'inferred' THEN 'inferred-subnet'
                                 WHEN 'earlier' THEN 'earlier-subnet' END,
           'start-window',
           CASE WHEN ch.one_to_one THEN 'one-to-one' END,
           CASE WHEN ch.capacity_moved THEN 'capacity-bound' END,
           CASE WHEN ch.over_capacity THEN 'over-capacity' END
       ) AS method,
       CASE
           WHEN r.close_rivals > 0 OR ch.one_to_one OR ch.contested OR ch.capacity_moved OR ch.over_capacity THEN 'ambiguous'
           WHEN ch.role_matched AND ch.subnet_source = 'connection' THEN 'exact'
           ELSE 'high'
       END AS confidence,
       ch.candidate_runs::INTEGER AS candidate_runs
FROM chosen ch
JOIN rivals r ON r.event_id = ch.event_id;
