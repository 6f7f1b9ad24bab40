-- subnet_occupancy: a step series per subnet of the private IPs in use, one row per change point.
-- in_use holds from `at` until the next row of the same subnet. Conventions: an ENI holds ip_count
-- IPs over [held_from, held_until); changes at the same instant are netted (deletes apply before
-- creates, so a same-second swap does not count twice); an ENI deleted with no create holds from the
-- evidence start. A refusal is evidence: a create refused for lack of IPs proves the subnet was full
-- at that second, so where the ENIs the evidence places there hold fewer than usable_ips, the
-- difference is added as `unaccounted` (IPs held by something the evidence does not show) from the
-- refusal until the subnet's next change; in_use includes it, so it is never below usable_ips at a
-- refusal. usable_ips = 2^(32-prefix) - 5 (NULL when the CIDR is unknown: then nothing is added).
-- Reads: eni_holdings, eni_events_effective, subnets.
CREATE OR REPLACE VIEW subnet_occupancy AS
WITH deltas AS (
    SELECT subnet_id, held_from AS "at", ip_count AS delta FROM eni_holdings
    UNION ALL
    SELECT subnet_id, held_until AS "at", -ip_count AS delta FROM eni_holdings WHERE held_until IS NOT NULL
),
netted AS (
    SELECT subnet_id, "at", sum(delta) AS delta FROM deltas GROUP BY subnet_id, "at"
),
series AS (
    SELECT subnet_id, "at", delta,
           sum(delta) OVER (PARTITION BY subnet_id ORDER BY "at" ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS in_use
    FROM netted
),
recorded AS (
    SELECT s.subnet_id, s."at", s.in_use
    FROM series s
    WHERE s.delta <> 0 OR s."at" = (SELECT min("at") FROM netted x WHERE x.subnet_id = s.subnet_id)
),
refusals AS (
    SELECT DISTINCT subnet_id, event_time AS "at"
    FROM eni_events_effective
    WHERE event_name = 'CreateNetworkInterface' AND failure_class = 'ip_exhaustion' AND subnet_id IS NOT NULL
),
full_at_refusal AS (
    SELECT f.subnet_id, f."at", n.usable_ips AS in_use,
           n.usable_ips - coalesce(r.in_use, 0) AS unaccounted
    FROM refusals f
    JOIN subnets n ON n.subnet_id = f.subnet_id
    ASOF LEFT JOIN recorded r ON r.subnet_id = f.subnet_id AND r."at" <= f."at"
    WHERE n.usable_ips IS NOT NULL AND coalesce(r.in_use, 0) < n.usable_ips
),
points AS (
    SELECT subnet_id, "at", max(in_use) AS in_use, max(unaccounted) AS unaccounted
    FROM (
        SELECT subnet_id, "at", in_use, 0 AS unaccounted FROM recorded
        UNION ALL
        SELECT subnet_id, "at", in_use, unaccounted FROM full_at_refusal
    )
    GROUP BY subnet_id, "at"
)
SELECT p.subnet_id, p."at", p.in_use::INTEGER AS in_use, p.unaccounted::INTEGER AS unaccounted, n.usable_ips
FROM points p
LEFT JOIN subnets n ON n.subnet_id = p.subnet_id;
