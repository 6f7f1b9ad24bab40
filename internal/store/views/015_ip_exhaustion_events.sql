-- ip_exhaustion_events: every CreateNetworkInterface that failed because the subnet had no free
-- IPs (source 'cloudtrail'), and every Glue run whose error says the subnet ran out of IPs but that
-- has no attributed failed create (source 'glue_run', at = its CompletedOn, else StartedOn; its
-- subnet that of its own ENIs, else its job's current one). For each: the IPs in use in the subnet
-- at that instant and who held them (each ENI's state at `at` as the holding_state macro says) —
--   held_by_running_runs  : Glue ENIs whose run had not completed yet (the failed run's own ENIs
--                           count as running at its own failure, whatever the clocks say),
--   held_by_finished_runs : Glue ENIs whose run had completed (lingering),
--   held_by_non_glue      : ENIs created by another requester (Lambda, EFS, ...),
--   unattributed          : ENIs with no known requester or Glue ENIs matched to no run,
--   unaccounted           : at a refused create, the IPs no ENI in the evidence explains: a refusal
--                           proves the subnet was full, so in_use is never below usable_ips there.
-- finished_*_minutes_ago: how long before `at` the finished runs holding IPs had completed.
-- Uncertainty: ambiguous_ips = IPs held by ENIs whose run attribution is ambiguous (they could belong
-- to another run, running or finished) or whose run completed within 60 s of `at` (Glue's and
-- CloudTrail's clocks may differ by that much: running or finished is not decided); attribution_confidence = that of the failure's own run
-- (a refused create's attribution; 'exact' for a failed run known from its own error); confidence =
-- 'exact' when nothing in the split is ambiguous or unaccounted and the failure's run is not
-- ambiguous, else 'ambiguous' (the running/finished split may be off by up to ambiguous_ips,
-- unaccounted IPs could be anyone's, and a failed run's own row is split at its CompletedOn, not at
-- the refusal, which the evidence does not show).
-- Reads: eni_events_effective, eni_attribution, glue_runs, glue_job_subnets, eni_holdings, subnets.
CREATE OR REPLACE VIEW ip_exhaustion_events AS
WITH failed_creates AS (
    SELECT e.event_time AS "at", e.subnet_id, 'cloudtrail' AS source, e.event_id,
           a.job_run_id, e.error_code, e.error_message, a.confidence AS attribution_confidence
    FROM eni_events_effective e
    LEFT JOIN eni_attribution a ON a.event_id = e.event_id
    WHERE e.event_name = 'CreateNetworkInterface' AND e.failure_class = 'ip_exhaustion'
),
run_subnets AS (
    SELECT job_run_id, arg_min(subnet_id, held_from) AS subnet_id
    FROM eni_holdings WHERE job_run_id IS NOT NULL GROUP BY job_run_id
),
failed_runs AS (
    SELECT coalesce(r.completed_on, r.started_on) AS "at", coalesce(o.subnet_id, s.subnet_id) AS subnet_id,
           'glue_run' AS source, NULL::VARCHAR AS event_id, r.run_id AS job_run_id, NULL::VARCHAR AS error_code,
           r.error_message, 'exact' AS attribution_confidence
    FROM glue_runs r
    LEFT JOIN run_subnets o ON o.job_run_id = r.run_id
    LEFT JOIN glue_job_subnets s ON s.job_name = r.job_name
    WHERE r.failure_class = 'ip_exhaustion'
      AND r.run_id NOT IN (SELECT job_run_id FROM failed_creates WHERE job_run_id IS NOT NULL)
),
failures AS (
    SELECT * FROM failed_creates UNION ALL SELECT * FROM failed_runs
),
held AS (
    SELECT f."at", f.source, f.event_id, f.job_run_id AS failed_run, h.ip_count, h.job_run_id,
           CASE WHEN h.job_run_id = f.job_run_id THEN NULL ELSE h.run_completed_at END AS run_completed_at,
           h.holder, h.attribution_confidence
    FROM failures f
    JOIN eni_holdings h
      ON h.subnet_id = f.subnet_id
     AND h.held_from <= f."at"
     AND (h.held_until IS NULL OR f."at" < h.held_until)
),
held_state AS (
    SELECT *, holding_state(holder, run_completed_at, "at") AS state FROM held
),
split AS (
    SELECT "at", source, event_id, failed_run,
           sum(ip_count) AS in_use,
           sum(ip_count) FILTER (WHERE state = 'running') AS running,
           sum(ip_count) FILTER (WHERE state = 'lingering') AS finished,
           sum(ip_count) FILTER (WHERE state = 'non-glue') AS non_glue,
           sum(ip_count) FILTER (WHERE state = 'unattributed') AS unattributed,
           min(date_diff('millisecond', run_completed_at, "at")) FILTER (WHERE state = 'lingering') / 60000.0 AS fin_min,
           max(date_diff('millisecond', run_completed_at, "at")) FILTER (WHERE state = 'lingering') / 60000.0 AS fin_max,
           sum(ip_count) FILTER (WHERE attribution_confidence = 'ambiguous'
                                    OR abs(date_diff('second', run_completed_at, "at")) <= 60) AS ambiguous
    FROM held_state
    GROUP BY "at", source, event_id, failed_run
)
SELECT f."at", f.subnet_id, f.source, f.event_id, f.job_run_id, r.job_name, f.error_code, f.error_message,
       (coalesce(s.in_use, 0) + u.unaccounted)::INTEGER AS in_use,
       n.usable_ips,
       coalesce(s.running, 0)::INTEGER AS held_by_running_runs,
       coalesce(s.finished, 0)::INTEGER AS held_by_finished_runs,
       coalesce(s.non_glue, 0)::INTEGER AS held_by_non_glue,
       coalesce(s.unattributed, 0)::INTEGER AS unattributed,
       u.unaccounted::INTEGER AS unaccounted,
       s.fin_min AS finished_min_minutes_ago,
       s.fin_max AS finished_max_minutes_ago,
       coalesce(s.ambiguous, 0)::INTEGER AS ambiguous_ips,
       coalesce(f.attribution_confidence, 'none') AS attribution_confidence,
       CASE WHEN f.source = 'cloudtrail' AND coalesce(s.ambiguous, 0) = 0 AND u.unaccounted = 0
                 AND f.attribution_confidence IN ('exact', 'high')
            THEN 'exact' ELSE 'ambiguous' END AS confidence
FROM failures f
LEFT JOIN split s
  ON s."at" = f."at" AND s.source = f.source
 AND s.event_id IS NOT DISTINCT FROM f.event_id
 AND s.failed_run IS NOT DISTINCT FROM f.job_run_id
LEFT JOIN glue_runs r ON r.run_id = f.job_run_id
LEFT JOIN subnets n ON n.subnet_id = f.subnet_id,
LATERAL (SELECT CASE WHEN f.source = 'cloudtrail' AND n.usable_ips IS NOT NULL
                     THEN greatest(n.usable_ips - coalesce(s.in_use, 0), 0) ELSE 0 END AS unaccounted) u;
