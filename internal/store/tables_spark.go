package store

// Spark event-log tables (schema/010_spark.sql). Every one is versioned by
// log_events, the number of events read from the log when the row was
// written: re-reading a grown .inprogress log replaces its rows, re-reading
// the same log changes nothing. Every row of one log has the same app_id and
// attempt_id (Partition 2), so a large log new to the database streams its
// rows straight into the tables.
func init() {
	registerTable(TableSpec{Row: (*SparkApp)(nil), Key: []string{"app_id", "attempt_id"}, Version: "log_events", Policy: ReplaceIfNewer, Partition: 2})
	registerTable(TableSpec{Row: (*SparkExecutor)(nil), Key: []string{"app_id", "attempt_id", "executor_id"}, Version: "log_events", Policy: ReplaceIfNewer, Partition: 2})
	registerTable(TableSpec{Row: (*SparkStage)(nil), Key: []string{"app_id", "attempt_id", "stage_id", "stage_attempt"}, Version: "log_events", Policy: ReplaceIfNewer, Partition: 2})
	registerTable(TableSpec{Row: (*SparkTask)(nil), Key: []string{"app_id", "attempt_id", "task_id"}, Version: "log_events", Policy: ReplaceIfNewer, Partition: 2})
	registerTable(TableSpec{Row: (*SparkJob)(nil), Key: []string{"app_id", "attempt_id", "job_id"}, Version: "log_events", Policy: ReplaceIfNewer, Partition: 2})
}
