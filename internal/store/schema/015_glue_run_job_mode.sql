-- 015_glue_run_job_mode: how the job of a Glue run was authored, as the run says (JobRun.JobMode).
ALTER TABLE glue_runs ADD COLUMN job_mode VARCHAR; -- SCRIPT | VISUAL | NOTEBOOK (JobRun.JobMode; NULL when the run does not say)
