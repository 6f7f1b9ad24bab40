-- disk_failures: everything lost to a full local disk in the window [$1, $2) (NULL = open), or for
-- Glue run $3 only (NULL = any run), in time order. Reads: disk_full_failures.
SELECT kind, app_id, attempt_id, run_id, executor_id, "at", stage_id, message
FROM disk_full_failures
WHERE ($1::TIMESTAMP IS NULL OR "at" >= $1::TIMESTAMP)
  AND ($2::TIMESTAMP IS NULL OR "at" < $2::TIMESTAMP)
  AND ($3::VARCHAR IS NULL OR run_id = $3::VARCHAR)
ORDER BY "at" NULLS LAST, kind, app_id, executor_id;
