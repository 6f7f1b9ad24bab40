-- holders: the subnet_occupancy_by_holder step series of every subnet clipped to the window
-- [$1, $2) (NULL = open): one row per step, its four holder counts held from step_from until the
-- next row of the subnet; the step in force at $1 starts at $1.
-- Reads: subnet_occupancy_by_holder.
WITH o AS (
    SELECT *, lead("at") OVER (PARTITION BY subnet_id ORDER BY "at") AS next_at
    FROM subnet_occupancy_by_holder
)
SELECT subnet_id,
       greatest("at", coalesce($1::TIMESTAMP, "at")) AS step_from,
       running::BIGINT AS running, lingering::BIGINT AS lingering,
       non_glue::BIGINT AS non_glue, unattributed::BIGINT AS unattributed
FROM o
WHERE ($2::TIMESTAMP IS NULL OR "at" < $2::TIMESTAMP)
  AND ($1::TIMESTAMP IS NULL OR next_at IS NULL OR next_at > $1::TIMESTAMP)
ORDER BY subnet_id, "at";
