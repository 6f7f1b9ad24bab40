-- eni_evidence_bounds: the time span the ENI evidence covers: earliest and latest eventTime of any
-- ENI CloudTrail record (failed and DryRun calls included). Reads: eni_events.
CREATE OR REPLACE VIEW eni_evidence_bounds AS
SELECT min(event_time) AS evidence_start, max(event_time) AS evidence_end FROM eni_events;

-- eni_lifetimes: one row per ENI seen in the evidence (a create, a delete or a snapshot), with when
-- it held its IPs, who asked for it and — for Glue ENIs — the job run it belongs to.
-- created_at is NULL when the ENI existed before the evidence starts; deleted_at is NULL when it was
-- still alive at the evidence end. linger_minutes = deleted_at - run_completed_at.
-- subnet_source says how its subnet is known: 'create' (its create record), 'snapshot' (a
-- describe-network-interfaces snapshot), or — for an ENI known only by its delete — placed where
-- the evidence allows: 'same-requester' (every ENI the role that deleted it created is in that one
-- subnet) or 'full-at-refusal' (of that role's subnets, the only one that refused a create while the
-- ENI was alive, i.e. was full with it in use). NULL: no subnet (the ENI counts in no subnet; what it
-- held shows as unaccounted IPs at a refusal, see subnet_occupancy).
-- Reads: eni_events_effective, eni_snapshots, eni_attribution, glue_runs.
CREATE OR REPLACE VIEW eni_lifetimes AS
WITH creates AS (
    SELECT eni_id,
           min(event_time) AS created_at,
           arg_min(event_id, event_time) AS create_event_id,
           arg_min(account_id, event_time) AS account_id,
           arg_min(region, event_time) AS region,
           arg_min(subnet_id, event_time) AS subnet_id,
           arg_min(vpc_id, event_time) AS vpc_id,
           arg_min(ip_count, event_time) AS ip_count,
           arg_min(requester, event_time) AS requester,
           arg_min(description, event_time) AS description,
           arg_min(role_arn, event_time) AS role_arn
    FROM eni_events_effective
    WHERE event_name = 'CreateNetworkInterface' AND error_code IS NULL AND eni_id IS NOT NULL
    GROUP BY eni_id
),
deletes AS (
    SELECT eni_id, min(event_time) AS deleted_at,
           arg_min(account_id, event_time) AS account_id,
           arg_min(region, event_time) AS region,
           arg_min(role_arn, event_time) AS role_arn
    FROM eni_events_effective
    WHERE event_name = 'DeleteNetworkInterface' AND error_code IS NULL AND eni_id IS NOT NULL
    GROUP BY eni_id
),
snapshots AS (
    SELECT eni_id,
           arg_min(subnet_id, observed_at) AS subnet_id,
           arg_min(vpc_id, observed_at) AS vpc_id,
           arg_min(ip_count, observed_at) AS ip_count,
           arg_min(requester, observed_at) AS requester,
           arg_min(description, observed_at) AS description
    FROM eni_snapshots
    GROUP BY eni_id
),
ids AS (
    SELECT eni_id FROM creates UNION SELECT eni_id FROM deletes UNION SELECT eni_id FROM snapshots
),
role_subnets AS (
    -- the subnets the ENIs each role created landed in
    SELECT DISTINCT role_arn, subnet_id FROM creates WHERE role_arn IS NOT NULL AND subnet_id IS NOT NULL
),
delete_only AS (
    SELECT d.eni_id, d.role_arn, d.deleted_at
    FROM deletes d
    WHERE d.role_arn IS NOT NULL
      AND d.eni_id NOT IN (SELECT eni_id FROM creates)
      AND d.eni_id NOT IN (SELECT eni_id FROM snapshots WHERE subnet_id IS NOT NULL)
),
refused_while_alive AS (
    -- per delete-only ENI and subnet of its role: did that subnet refuse a create before the delete?
    SELECT o.eni_id, rs.subnet_id,
           EXISTS (SELECT 1 FROM eni_events_effective f
                   WHERE f.event_name = 'CreateNetworkInterface' AND f.failure_class = 'ip_exhaustion'
                     AND f.subnet_id = rs.subnet_id AND f.event_time < o.deleted_at) AS refused
    FROM delete_only o
    JOIN role_subnets rs ON rs.role_arn = o.role_arn
),
placed AS (
    SELECT eni_id,
           CASE WHEN count(*) = 1 THEN any_value(subnet_id)
                WHEN count(*) FILTER (WHERE refused) = 1 THEN any_value(subnet_id) FILTER (WHERE refused)
           END AS subnet_id,
           CASE WHEN count(*) = 1 THEN 'same-requester'
                WHEN count(*) FILTER (WHERE refused) = 1 THEN 'full-at-refusal'
           END AS subnet_source
    FROM refused_while_alive
    GROUP BY eni_id
)
SELECT ids.eni_id,
       coalesce(c.account_id, d.account_id) AS account_id,
       coalesce(c.region, d.region) AS region,
       coalesce(c.subnet_id, s.subnet_id, p.subnet_id) AS subnet_id,
       coalesce(c.vpc_id, s.vpc_id) AS vpc_id,
       c.created_at,
       d.deleted_at,
       coalesce(c.ip_count, s.ip_count, 1)::INTEGER AS ip_count,
       coalesce(c.requester, s.requester) AS requester,
       coalesce(c.description, s.description) AS description,
       c.role_arn,
       c.create_event_id,
       a.job_run_id,
       r.job_name,
       r.started_on AS run_started_at,
       r.completed_on AS run_completed_at,
       r.state AS run_state,
       date_diff('millisecond', r.completed_on, d.deleted_at) / 60000.0 AS linger_minutes,
       CASE
           WHEN a.job_run_id IS NOT NULL THEN a.method
           WHEN coalesce(c.requester, s.requester) = 'glue' THEN 'no-candidate-run'
           WHEN coalesce(c.requester, s.requester) IS NULL THEN 'requester-unknown'
           ELSE 'not-glue'
       END AS attribution_method,
       CASE
           WHEN a.job_run_id IS NOT NULL THEN a.confidence
           WHEN coalesce(c.requester, s.requester) = 'glue' OR coalesce(c.requester, s.requester) IS NULL THEN 'none'
       END AS attribution_confidence,
       coalesce(a.candidate_runs, 0)::INTEGER AS candidate_runs,
       CASE
           WHEN c.subnet_id IS NOT NULL THEN 'create'
           WHEN s.subnet_id IS NOT NULL THEN 'snapshot'
           ELSE p.subnet_source
       END AS subnet_source
FROM ids
LEFT JOIN creates c ON c.eni_id = ids.eni_id
LEFT JOIN deletes d ON d.eni_id = ids.eni_id
LEFT JOIN snapshots s ON s.eni_id = ids.eni_id
LEFT JOIN placed p ON p.eni_id = ids.eni_id
LEFT JOIN eni_attribution a ON a.event_id = c.create_event_id
LEFT JOIN glue_runs r ON r.run_id = a.job_run_id;

-- eni_holdings: the interval over which each ENI with a known subnet holds its IPs, with the
-- evidence conventions applied: an ENI with no create holds from the evidence start, one with no
-- delete until the evidence end (held_until NULL = still held), and who holds it (holder): a Glue
-- run ('glue_run': the ENI is attributed to a run), another requester ('non_glue': Lambda, EFS,
-- ...) or nobody known ('unattributed': no known requester, or a Glue ENI matched to no run). Every
-- split of the IPs in use by holder starts from this column.
-- Reads: eni_lifetimes, eni_evidence_bounds.
CREATE OR REPLACE VIEW eni_holdings AS
SELECT l.*,
       coalesce(l.created_at, b.evidence_start) AS held_from,
       l.deleted_at AS held_until,
       CASE WHEN l.job_run_id IS NOT NULL THEN 'glue_run'
            WHEN l.requester IS NOT NULL AND l.requester <> 'glue' THEN 'non_glue'
            ELSE 'unattributed' END AS holder
FROM eni_lifetimes l, eni_evidence_bounds b
WHERE l.subnet_id IS NOT NULL;
