-- subnet_occupancy_by_holder: a step series per subnet of the private IPs its ENIs hold, split by
-- who held them, one row per change point; the four columns hold from `at` until the next row of
-- the same subnet. Each ENI counts under its state as the holding_state macro says: running = ENIs
-- of Glue runs not completed yet; lingering = ENIs of runs that had completed (from the run's
-- completion, lingering_from, or the ENI's create if later, until the ENI's delete); non_glue and
-- unattributed as eni_holdings.holder says. Conventions of subnet_occupancy (an ENI holds ip_count
-- IPs over [held_from, held_until); changes at one instant are netted), without its unaccounted
-- IPs: the four add up to what the ENIs in the evidence hold.
-- Reads: eni_holdings.
CREATE OR REPLACE VIEW subnet_occupancy_by_holder AS
WITH h AS (
    -- each holding's state when it starts, and the instant inside it (if any) it turns lingering
    SELECT subnet_id, held_from, held_until, ip_count,
           holding_state(holder, run_completed_at, held_from) AS state_from,
           CASE WHEN held_from < lingering_from(holder, run_completed_at)
                     AND (held_until IS NULL OR lingering_from(holder, run_completed_at) < held_until)
                THEN lingering_from(holder, run_completed_at) END AS turns_lingering
    FROM eni_holdings
),
deltas AS (
    SELECT subnet_id, held_from AS "at", state_from AS state, ip_count AS delta FROM h
    UNION ALL
    SELECT subnet_id, turns_lingering, 'running', -ip_count FROM h WHERE turns_lingering IS NOT NULL
    UNION ALL
    SELECT subnet_id, turns_lingering, 'lingering', ip_count FROM h WHERE turns_lingering IS NOT NULL
    UNION ALL
    SELECT subnet_id, held_until, CASE WHEN turns_lingering IS NULL THEN state_from ELSE 'lingering' END, -ip_count
    FROM h WHERE held_until IS NOT NULL
),
netted AS (
    SELECT subnet_id, "at",
           coalesce(sum(delta) FILTER (WHERE state = 'running'), 0) AS running,
           coalesce(sum(delta) FILTER (WHERE state = 'lingering'), 0) AS lingering,
           coalesce(sum(delta) FILTER (WHERE state = 'non-glue'), 0) AS non_glue,
           coalesce(sum(delta) FILTER (WHERE state = 'unattributed'), 0) AS unattributed
    FROM deltas
    GROUP BY subnet_id, "at"
)
SELECT subnet_id, "at",
       (sum(running) OVER w)::INTEGER AS running,
       (sum(lingering) OVER w)::INTEGER AS lingering,
       (sum(non_glue) OVER w)::INTEGER AS non_glue,
       (sum(unattributed) OVER w)::INTEGER AS unattributed
FROM netted
WINDOW w AS (PARTITION BY subnet_id ORDER BY "at" ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW);
