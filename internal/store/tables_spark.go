package store

// Spark event-log tables (schema/010_spark.sql). Every one is versioned by
// log_events, the number of events read from the log when the row was
// written: re-reading a grown .inprogress log replaces its rows, re-reading
// the same log changes nothing. Every row of one log has the same app_id and
// attempt_id (Partition 2), so a large log new to the database streams its
// rows straight into the tables.
func init() {
	RegisterTable(TableSpec{Name: "spark_apps", Key: []string{"app_id", "attempt_id"}, Version: "log_events", Policy: ReplaceIfNewer, Partition: 2})
	RegisterTable(TableSpec{Name: "spark_executors", Key: []string{"app_id", "attempt_id", "executor_id"}, Version: "log_events", Policy: ReplaceIfNewer, Partition: 2})
	RegisterTable(TableSpec{Name: "spark_stages", Key: []string{"app_id", "attempt_id", "stage_id", "stage_attempt"}, Version: "log_events", Policy: ReplaceIfNewer, Partition: 2})
	RegisterTable(TableSpec{Name: "spark_tasks", Key: []string{"app_id", "attempt_id", "task_id"}, Version: "log_events", Policy: ReplaceIfNewer, Partition: 2})
	RegisterTable(TableSpec{Name: "spark_jobs", Key: []string{"app_id", "attempt_id", "job_id"}, Version: "log_events", Policy: ReplaceIfNewer, Partition: 2})
}
