-- occupancy: the subnet_occupancy step series of every subnet clipped to the window [$1, $2) (NULL =
-- open): one row per step, in_use held over [step_from, step_to) (step_to NULL = past the evidence
-- end), unaccounted of them explained by no ENI; the step in force at $1 starts at $1.
-- Reads: subnet_occupancy.
WITH o AS (
    SELECT subnet_id, "at", in_use, unaccounted, lead("at") OVER (PARTITION BY subnet_id ORDER BY "at") AS next_at
    FROM subnet_occupancy
)
SELECT subnet_id,
       greatest("at", coalesce($1::TIMESTAMP, "at")) AS step_from,
       CASE WHEN $2::TIMESTAMP IS NULL THEN next_at ELSE least(coalesce(next_at, $2::TIMESTAMP), $2::TIMESTAMP) END AS step_to,
       in_use::BIGINT AS in_use,
       unaccounted::BIGINT AS unaccounted
FROM o
WHERE ($2::TIMESTAMP IS NULL OR "at" < $2::TIMESTAMP)
  AND ($1::TIMESTAMP IS NULL OR next_at IS NULL OR next_at > $1::TIMESTAMP)
ORDER BY subnet_id, "at";
