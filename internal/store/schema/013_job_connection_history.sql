-- 013_job_connection_history: keep every connection list a job has had, dated by the job
-- definition's LastModifiedOn, so re-pointing a job to a new subnet (the usual fix) keeps both the
-- old and the new subnet known for attribution, and the current list is the newest one.
ALTER TABLE glue_job_connections ADD COLUMN job_modified_on TIMESTAMP; -- LastModifiedOn of the job definition that named this list (NULL when not given)
