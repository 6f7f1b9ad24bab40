-- subnet_summary: per subnet over a window [$1, $2] (NULL = the evidence bounds): CIDR, usable IPs,
-- peak IPs in use and the first instant it was reached, seconds with in_use >= 90 % of usable, and
-- failed creates for lack of IPs. A step that began before the window counts from the window start.
-- Reads: subnet_occupancy, eni_evidence_bounds, eni_events_effective, subnets.
WITH b AS (
    SELECT coalesce($1::TIMESTAMP, evidence_start) AS w_from,
           coalesce($2::TIMESTAMP, evidence_end) AS w_to
    FROM eni_evidence_bounds
),
steps AS (
    SELECT subnet_id, "at", in_use, usable_ips,
           lead("at") OVER (PARTITION BY subnet_id ORDER BY "at") AS next_at
    FROM subnet_occupancy
),
clipped AS (
    SELECT s.subnet_id, s.usable_ips, s.in_use,
           greatest(s."at", b.w_from) AS t0,
           least(coalesce(s.next_at, b.w_to), b.w_to) AS t1
    FROM steps s, b
    WHERE s."at" <= b.w_to AND (s.next_at IS NULL OR s.next_at > b.w_from)
),
ranked AS (
    SELECT *, max(in_use) OVER (PARTITION BY subnet_id) AS peak FROM clipped
),
occupancy AS (
    SELECT subnet_id,
           max(peak) AS peak_in_use,
           min(t0) FILTER (WHERE in_use = peak) AS peak_at,
           coalesce(sum(date_diff('second', t0, t1)) FILTER (WHERE usable_ips IS NOT NULL AND in_use >= 0.9 * usable_ips AND t1 > t0), 0) AS seconds_above_90pct
    FROM ranked
    GROUP BY subnet_id
),
failures AS (
    SELECT e.subnet_id, count(*) AS failed_creates
    FROM eni_events_effective e, b
    WHERE e.event_name = 'CreateNetworkInterface' AND e.failure_class = 'ip_exhaustion'
      AND e.event_time >= b.w_from AND e.event_time <= b.w_to
    GROUP BY e.subnet_id
),
ids AS (
    SELECT subnet_id FROM occupancy UNION SELECT subnet_id FROM subnets UNION SELECT subnet_id FROM failures
)
SELECT ids.subnet_id,
       n.cidr_block,
       n.usable_ips,
       coalesce(o.peak_in_use, 0)::INTEGER AS peak_in_use,
       o.peak_at,
       coalesce(o.seconds_above_90pct, 0)::BIGINT AS seconds_above_90pct,
       coalesce(f.failed_creates, 0)::BIGINT AS failed_creates
FROM ids
LEFT JOIN occupancy o ON o.subnet_id = ids.subnet_id
LEFT JOIN subnets n ON n.subnet_id = ids.subnet_id
LEFT JOIN failures f ON f.subnet_id = ids.subnet_id
WHERE ids.subnet_id IS NOT NULL
ORDER BY coalesce(f.failed_creates, 0) DESC, coalesce(o.peak_in_use, 0) DESC, ids.subnet_id;
