package store

func init() {
	RegisterTable(TableSpec{Name: "eni_events", Key: []string{"event_id"}, Policy: IgnoreDuplicates})
	RegisterTable(TableSpec{Name: "glue_runs", Key: []string{"run_id"}, Version: "last_modified_on", Policy: ReplaceIfNewer})
	RegisterTable(TableSpec{Name: "glue_jobs", Key: []string{"job_name"}, Version: "last_modified_on", Policy: ReplaceIfNewer})
	RegisterTable(TableSpec{Name: "glue_job_connections", Key: []string{"job_name", "job_modified_on", "position"}, Policy: IgnoreDuplicates})
	RegisterTable(TableSpec{Name: "glue_connections", Key: []string{"connection_name"}, Version: "last_updated", Policy: ReplaceIfNewer})
	RegisterTable(TableSpec{Name: "subnets", Key: []string{"subnet_id"}, Policy: IgnoreDuplicates})
	RegisterTable(TableSpec{Name: "eni_snapshots", Key: []string{"eni_id", "observed_at"}, Policy: IgnoreDuplicates})
}
