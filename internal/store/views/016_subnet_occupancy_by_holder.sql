-- subnet_occupancy_by_holder: a step series per subnet of the private IPs its ENIs hold, split by
-- who held them (eni_holdings.holder), one row per change point; the four columns hold from `at`
-- until the next row of the same subnet. running = ENIs of Glue runs not completed yet; lingering =
-- ENIs of runs that had completed (from the run's completion, or the ENI's create if later, until
-- the ENI's delete); non_glue and unattributed as holder says. Conventions of subnet_occupancy (an
-- ENI holds ip_count IPs over [held_from, held_until); changes at one instant are netted), without
-- its unaccounted IPs: the four add up to what the ENIs in the evidence hold.
-- Reads: eni_holdings.
CREATE OR REPLACE VIEW subnet_occupancy_by_holder AS
WITH h AS (
    SELECT subnet_id, held_from, held_until, ip_count,
           CASE holder WHEN 'glue_run' THEN 'running' ELSE holder END AS holder,
           CASE WHEN holder = 'glue_run' AND run_completed_at IS NOT NULL
                     AND (held_until IS NULL OR run_completed_at < held_until)
                THEN greatest(run_completed_at, held_from) END AS run_end
    FROM eni_holdings
),
deltas AS (
    SELECT subnet_id, held_from AS "at", holder, ip_count AS delta FROM h
    UNION ALL
    SELECT subnet_id, run_end, 'running', -ip_count FROM h WHERE run_end IS NOT NULL
    UNION ALL
    SELECT subnet_id, run_end, 'lingering', ip_count FROM h WHERE run_end IS NOT NULL
    UNION ALL
    SELECT subnet_id, held_until, CASE WHEN run_end IS NULL THEN holder ELSE 'lingering' END, -ip_count
    FROM h WHERE held_until IS NOT NULL
),
netted AS (
    SELECT subnet_id, "at",
           coalesce(sum(delta) FILTER (WHERE holder = 'running'), 0) AS running,
           coalesce(sum(delta) FILTER (WHERE holder = 'lingering'), 0) AS lingering,
           coalesce(sum(delta) FILTER (WHERE holder = 'non_glue'), 0) AS non_glue,
           coalesce(sum(delta) FILTER (WHERE holder = 'unattributed'), 0) AS unattributed
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
