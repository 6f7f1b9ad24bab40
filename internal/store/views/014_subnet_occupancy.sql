-- subnet_occupancy: a step series per subnet of the private IPs held by ENIs, one row per change
-- point. in_use holds from `at` until the next row of the same subnet. Conventions: an ENI holds
-- ip_count IPs over [held_from, held_until); changes at the same instant are netted (deletes apply
-- before creates, so a same-second swap does not count twice); an ENI deleted with no create holds
-- from the evidence start. usable_ips = 2^(32-prefix) - 5 (NULL when the CIDR is unknown).
-- Reads: eni_holdings, subnets.
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
)
SELECT s.subnet_id, s."at", s.in_use::INTEGER AS in_use, n.usable_ips
FROM series s
LEFT JOIN subnets n ON n.subnet_id = s.subnet_id
WHERE s.delta <> 0 OR s."at" = (SELECT min("at") FROM netted x WHERE x.subnet_id = s.subnet_id);
