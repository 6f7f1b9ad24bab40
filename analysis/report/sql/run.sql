-- run: one Glue job run by id $1 with its failure class and error. Reads: glue_runs.
SELECT run_id, job_name, state, started_on, completed_on, worker_type, number_of_workers,
       failure_class, error_message
FROM glue_runs
WHERE run_id = $1;
