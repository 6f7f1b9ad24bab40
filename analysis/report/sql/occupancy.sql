-- occupancy: the subnet_occupancy steps of subnet $1 (NULL = every subnet) that overlap the window
-- [$2, $3) (NULL = open), each with the instant the next step replaces it (NULL = last step).
-- Reads: subnet_occupancy.
WITH steps AS (
    SELECT subnet_id, "at", in_use, usable_ips,
           lead("at") OVER (PARTITION BY subnet_id ORDER BY "at") AS next_at
    FROM subnet_occupancy
    WHERE $1::VARCHAR IS NULL OR subnet_id = $1::VARCHAR
)
SELECT subnet_id, "at", next_at, in_use::BIGINT AS in_use, usable_ips::BIGINT AS usable_ips
FROM steps
WHERE ($3::TIMESTAMP IS NULL OR "at" < $3::TIMESTAMP)
  AND ($2::TIMESTAMP IS NULL OR next_at IS NULL OR next_at > $2::TIMESTAMP)
ORDER BY subnet_id, "at";
