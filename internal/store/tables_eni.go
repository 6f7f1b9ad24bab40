package store

func init() {
	registerTable(TableSpec{Row: (*EniEvent)(nil), Key: []string{"event_id"}, Policy: IgnoreDuplicates, Provenance: []string{"source_uri", "record_index"}})
	registerTable(TableSpec{Row: (*GlueRun)(nil), Key: []string{"run_id"}, Version: "last_modified_on", Policy: ReplaceIfNewer})
	registerTable(TableSpec{Row: (*GlueJob)(nil), Key: []string{"job_name"}, Version: "last_modified_on", Policy: ReplaceIfNewer})
	registerTable(TableSpec{Row: (*GlueJobConnection)(nil), Key: []string{"job_name", "job_modified_on", "position"}, Policy: IgnoreDuplicates})
	registerTable(TableSpec{Row: (*GlueConnection)(nil), Key: []string{"connection_name"}, Version: "last_updated", Policy: ReplaceIfNewer})
	registerTable(TableSpec{Row: (*Subnet)(nil), Key: []string{"subnet_id"}, Policy: IgnoreDuplicates})
	registerTable(TableSpec{Row: (*VPCCIDRBlock)(nil), Key: []string{"vpc_id", "cidr_block"}, Policy: IgnoreDuplicates})
	registerTable(TableSpec{Row: (*EniSnapshot)(nil), Key: []string{"eni_id", "observed_at"}, Policy: IgnoreDuplicates})
}
