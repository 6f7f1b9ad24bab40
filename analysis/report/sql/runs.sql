-- runs: Glue job runs started in [$1, $2) or completed in it (NULL = open), with their failure
-- class and error. Reads: glue_runs.
SELECT run_id, job_name, state, started_on, completed_on, worker_type, number_of_workers,
       failure_class, error_message
FROM glue_runs
WHERE ($1::TIMESTAMP IS NULL OR started_on >= $1::TIMESTAMP OR completed_on >= $1::TIMESTAMP)
  AND ($2::TIMESTAMP IS NULL OR started_on < $2::TIMESTAMP)
ORDER BY started_on, run_id;
