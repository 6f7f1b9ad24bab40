-- plan capacity: per subnet with recorded occupancy or failures — its usable IPs (NULL when the CIDR
-- is unknown), the recorded peak of IPs in use and the first instant it was reached, and the failures
-- for lack of IPs (failed creates, plus failed runs with no attributed failed create).
-- Reads: subnet_occupancy, ip_exhaustion_events, subnets.
WITH peaks AS (
    SELECT subnet_id, in_use AS peak_in_use, "at" AS peak_at
    FROM subnet_occupancy
    QUALIFY row_number() OVER (PARTITION BY subnet_id ORDER BY in_use DESC, "at") = 1
),
failures AS (
    SELECT coalesce(subnet_id, '(unknown)') AS subnet_id, count(*)::BIGINT AS failures
    FROM ip_exhaustion_events
    GROUP BY ALL
),
ids AS (
    SELECT subnet_id FROM peaks UNION SELECT subnet_id FROM failures
)
SELECT ids.subnet_id,
       n.cidr_block,
       n.usable_ips::BIGINT AS usable_ips,
       coalesce(p.peak_in_use, 0)::BIGINT AS peak_in_use,
       p.peak_at,
       coalesce(f.failures, 0)::BIGINT AS failures
FROM ids
LEFT JOIN peaks p ON p.subnet_id = ids.subnet_id
LEFT JOIN failures f ON f.subnet_id = ids.subnet_id
LEFT JOIN subnets n ON n.subnet_id = ids.subnet_id
ORDER BY ids.subnet_id;
