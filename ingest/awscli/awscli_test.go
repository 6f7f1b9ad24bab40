package awscli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/awscli"
	"github.com/gluelens/gluelens/internal/store"
	"github.com/gluelens/gluelens/internal/testutil"
)

// columns names each table's columns in order, as its row struct in
// internal/store holds them (checked against the schema there).
var columns = func() map[string][]string {
	out := map[string][]string{}
	for _, r := range []store.Row{(*store.GlueRun)(nil), (*store.GlueJob)(nil), (*store.GlueJobConnection)(nil),
		(*store.GlueConnection)(nil), (*store.Subnet)(nil), (*store.VPCCIDRBlock)(nil), (*store.EniSnapshot)(nil)} {
		for _, f := range store.FieldsOf(r) {
			out[r.Table()] = append(out[r.Table()], f.Name)
		}
	}
	return out
}()

var mtime = time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)

// run decodes data with the decoder that claims it and returns the sink.
func run(t *testing.T, data []byte) (*testutil.Sink, string, error) {
	t.Helper()
	// The pipeline removes a UTF-8 BOM and leading whitespace from the head.
	head := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(head) > 4096 {
		head = head[:4096]
	}
	var d ingest.Decoder
	for _, c := range awscli.Decoders() {
		if c.Sniff("x.json", head) {
			if d != nil {
				t.Fatalf("both %s and %s claim the input", d.Kind(), c.Kind())
			}
			d = c
		}
	}
	if d == nil {
		return nil, "", nil
	}
	sink := testutil.NewSink()
	in := &ingest.Input{Object: ingest.Object{URI: "/in/x.json", Key: "x.json", ModTime: mtime}, R: bytes.NewReader(data)}
	err := d.Decode(context.Background(), in, sink)
	return sink, d.Kind(), err
}

func rowsOf(t *testing.T, s *testutil.Sink, table string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, r := range s.Rows[table] {
		cols := columns[table]
		if len(r) != len(cols) {
			t.Fatalf("%s row has %d values, table has %d columns", table, len(r), len(cols))
		}
		m := map[string]any{}
		for i, c := range cols {
			m[c] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func check(t *testing.T, what string, got map[string]any, want map[string]any) {
	t.Helper()
	for k, v := range want {
		g := got[k]
		if gt, ok := g.(time.Time); ok {
			if wt, ok := v.(time.Time); !ok || !gt.Equal(wt) || gt.Location() != time.UTC {
				t.Errorf("%s: %s = %v, want %v (UTC)", what, k, g, v)
			}
			continue
		}
		if g != v {
			t.Errorf("%s: %s = %#v, want %#v", what, k, g, v)
		}
	}
}

func ms(sec int64, milli int64) time.Time { return time.Unix(sec, milli*1e6).UTC() }

func TestGetJobRunsRepaired(t *testing.T) {
	data, err := os.ReadFile(testutil.RealData(t, "glue", "get-job-runs.output.repaired.json"))
	if err != nil {
		t.Fatal(err)
	}
	sink, kind, err := run(t, data)
	if err != nil || kind != "glue-job-runs" {
		t.Fatalf("kind %q err %v", kind, err)
	}
	rows := rowsOf(t, sink, "glue_runs")
	if len(rows) != 3 {
		t.Fatalf("%d runs, want 3", len(rows))
	}
	base := "jr_03cc19ddab11c4e244d3f735567de74ff93b0b3ef468a713ffe73e53d1aec08f"
	common := map[string]any{
		"job_name": "my-testing-job", "timeout_min": int64(2880), "max_capacity": 10.0, "worker_type": "G.1X",
		"number_of_workers": int32(10), "glue_version": "2.0", "execution_class": nil, "dpu_seconds": nil,
		"trigger_name": nil, "source_uri": "/in/x.json",
	}
	// Epoch values from the file; UTC wall times computed with Python's
	// datetime.fromtimestamp(..., timezone.utc).
	want := []map[string]any{
		{"run_id": "jr_012e176506505074d94d761755e5c62538ee1aad6f17d39f527e9140cf0c9a5e", "attempt": int32(0), "previous_run_id": nil,
			"started_on": time.Date(2020, 10, 16, 18, 45, 31, 255e6, time.UTC), "completed_on": ms(1602874075, 985),
			"last_modified_on": time.Date(2020, 10, 16, 18, 47, 55, 985e6, time.UTC), "state": "SUCCEEDED", "error_message": nil,
			"execution_time_s": int64(117), "failure_class": nil,
			"arguments": `{"--enable-continuous-cloudwatch-log":"true","--enable-metrics":"","--enable-spark-ui":"true","--job-bookmark-option":"job-bookmark-enable","--spark-event-logs-path":"s3://aws-glue-assets-111122223333-us-east-1/sparkHistoryLogs/"}`},
		{"run_id": base + "_attempt_2", "attempt": int32(2), "previous_run_id": base + "_attempt_1",
			"started_on": time.Date(2020, 10, 16, 1, 19, 28, 496e6, time.UTC), "last_modified_on": time.Date(2020, 10, 16, 1, 21, 22, 390e6, time.UTC),
			"completed_on": ms(1602811282, 390), "state": "FAILED", "execution_time_s": int64(110), "failure_class": "other", "arguments": nil,
			"error_message": "An error occurred while calling o122.pyWriteDynamicFrame.  Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied;  Request ID: 021AAB703DB20A2D;  S3 Extended Request ID: teZk24Y09TkXzBvMPG502L5VJBhe9DJuWA9/TXtuGOqfByajkfL/Tlqt5JBGdEGpigAqzdMDM/U=)"},
		{"run_id": base + "_attempt_1", "attempt": int32(1), "previous_run_id": base,
			"started_on": time.Date(2020, 10, 16, 1, 17, 0, 518e6, time.UTC), "last_modified_on": time.Date(2020, 10, 16, 1, 18, 58, 364e6, time.UTC),
			"state": "FAILED", "execution_time_s": int64(113), "failure_class": "other"},
	}
	for i, w := range want {
		check(t, "run "+w["run_id"].(string), rows[i], common)
		check(t, "run "+w["run_id"].(string), rows[i], w)
	}
}

func TestGetJobRunsVerbatimIsRejected(t *testing.T) {
	data, err := os.ReadFile(testutil.RealData(t, "glue", "get-job-runs.output-verbatim.txt"))
	if err != nil {
		t.Fatal(err)
	}
	// The first ErrorMessage is wrapped after column 87 of line 37
	// (python3's json module reports line 37 column 88 too).
	_, _, err = run(t, data)
	if err == nil || !strings.Contains(err.Error(), "invalid JSON at line 37, column 88") {
		t.Fatalf("err = %v, want the position of the raw newline", err)
	}
}

func TestCLIExamples(t *testing.T) {
	tests := []struct {
		dir, file string
		kinds     []string // per Output block; "" = no decoder claims it
		rows      []int    // rows per block in the decoder's main table
		err       []string // per block error substring
	}{
		{dir: "glue", file: "get-job-run.rst", kinds: []string{"glue-job-runs"}, rows: []int{1}},
		{dir: "glue", file: "get-job-runs.rst", kinds: []string{"glue-job-runs"}, rows: []int{0}, err: []string{"invalid JSON at line 37, column 88"}},
		{dir: "glue", file: "batch-stop-job-run.rst", kinds: []string{""}, rows: []int{0}},
		{dir: "glue", file: "start-job-run.rst", kinds: []string{""}, rows: []int{0}},
		{dir: "cloudtrail", file: "ec2-describe-network-interfaces.rst", kinds: []string{"ec2-network-interfaces", "ec2-network-interfaces"}, rows: []int{2, 1}},
		{dir: "cloudtrail", file: "ec2-create-network-interface.rst", kinds: []string{"ec2-network-interfaces", "ec2-network-interfaces", "ec2-network-interfaces", "ec2-network-interfaces"}, rows: []int{1, 1, 1, 1}},
		{dir: "cloudtrail", file: "ec2-attach-network-interface.rst", kinds: []string{"", ""}, rows: []int{0, 0}},
		// Three VPCs, then one; this example lists the blocks under
		// "CidrBlockAssociations", not the API's CidrBlockAssociationSet,
		// so each VPC gives its primary CidrBlock only.
		{dir: "cloudtrail", file: "ec2-describe-vpcs.rst", kinds: []string{"ec2-vpcs", "ec2-vpcs"}, rows: []int{3, 1}},
	}
	mainTable := map[string]string{"glue-job-runs": "glue_runs", "ec2-network-interfaces": "eni_snapshots", "ec2-vpcs": "vpc_cidr_blocks"}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			blocks := testutil.RSTOutputs(t, testutil.RealData(t, tt.dir, "aws-cli-examples", tt.file))
			if len(blocks) != len(tt.kinds) {
				t.Fatalf("%d Output blocks, want %d", len(blocks), len(tt.kinds))
			}
			for i, b := range blocks {
				sink, kind, err := run(t, b)
				if kind != tt.kinds[i] {
					t.Fatalf("block %d: kind %q, want %q", i, kind, tt.kinds[i])
				}
				if tt.err != nil && tt.err[i] != "" {
					if err == nil || !strings.Contains(err.Error(), tt.err[i]) {
						t.Errorf("block %d: err = %v, want %q", i, err, tt.err[i])
					}
					continue
				}
				if err != nil {
					t.Fatalf("block %d: %v", i, err)
				}
				if kind == "" {
					continue
				}
				if n := len(sink.Rows[mainTable[kind]]); n != tt.rows[i] {
					t.Errorf("block %d: %d rows, want %d", i, n, tt.rows[i])
				}
			}
		})
	}
}

func TestDescribeNetworkInterfacesSample(t *testing.T) {
	blocks := testutil.RSTOutputs(t, testutil.RealData(t, "cloudtrail", "aws-cli-examples", "ec2-describe-network-interfaces.rst"))
	var rows []map[string]any
	for _, b := range blocks {
		sink, _, err := run(t, b)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, rowsOf(t, sink, "eni_snapshots")...)
	}
	if len(rows) != 3 {
		t.Fatalf("%d ENIs, want 3", len(rows))
	}
	check(t, "eni-e5aa89a3", rows[0], map[string]any{"eni_id": "eni-e5aa89a3", "observed_at": mtime, "subnet_id": "subnet-b61f49f0",
		"vpc_id": "vpc-a01106c2", "availability_zone": "us-east-1d", "status": "in-use", "description": "my network interface",
		"requester": "other", "interface_type": nil, "requester_managed": false, "private_ip": "10.0.1.17", "ip_count": int32(1)})
	check(t, "eni-f9ba99bf", rows[1], map[string]any{"eni_id": "eni-f9ba99bf", "private_ip": "10.0.1.149", "description": "Primary network interface"})
	check(t, "eni-b9a5ac93", rows[2], map[string]any{"eni_id": "eni-b9a5ac93", "status": "available", "ip_count": int32(2), "subnet_id": "subnet-31d6c219"})
}

func TestGeneratedShapes(t *testing.T) {
	tests := []struct {
		name  string
		data  string
		kind  string
		table string
		want  []map[string]any
		bad   []int64
	}{
		{name: "get-job-run ISO offset and space", kind: "glue-job-runs", table: "glue_runs",
			data: `{"JobRun":{"Id":"jr_1","JobName":"j","StartedOn":"2020-10-16T11:45:31.255-07:00","CompletedOn":"2020-10-16 18:47:55.985000+00:00",
				"LastModifiedOn":"2020-10-16T18:47:55Z","JobRunState":"FAILED","ErrorMessage":"The specified subnet does not have enough free addresses to satisfy the request.",
				"ExecutionClass":"FLEX","DPUSeconds":12.5,"NewField":{"x":1}}}`,
			want: []map[string]any{{"run_id": "jr_1", "started_on": ms(1602873931, 255), "completed_on": ms(1602874075, 985),
				"last_modified_on": ms(1602874075, 0), "failure_class": "ip_exhaustion", "execution_class": "FLEX", "dpu_seconds": 12.5,
				"attempt": nil, "arguments": nil}}},
		{name: "job runs: disk full, missing Id, wrong type", kind: "glue-job-runs", table: "glue_runs",
			data: `{"JobRuns":[{"Id":"jr_a","ErrorMessage":"java.io.IOException: No space left on device","StartedOn":1602873931},
				{"JobName":"no id"},{"Id":"jr_c","Attempt":"one"},{"Id":"jr_d","StartedOn":"yesterday"}],"NextToken":"t"}`,
			want: []map[string]any{{"run_id": "jr_a", "failure_class": "disk_full", "started_on": ms(1602873931, 0)}},
			bad:  []int64{1, 2, 3}},
		{name: "two concatenated pages", kind: "glue-job-runs", table: "glue_runs",
			data: `{"JobRuns":[{"Id":"jr_p1"}],"NextToken":"t"}` + "\n" + `{"JobRuns":[{"Id":"jr_p2"},{}]}`,
			want: []map[string]any{{"run_id": "jr_p1"}, {"run_id": "jr_p2"}}, bad: []int64{2}},
		{name: "get-jobs", kind: "glue-jobs", table: "glue_jobs",
			data: `{"Jobs":[{"Name":"etl","Role":"arn:aws:iam::123456789012:role/GlueETL","WorkerType":"G.2X","NumberOfWorkers":20,
				"GlueVersion":"4.0","DefaultArguments":{"--TempDir":"s3://t/"},"LastModifiedOn":1700000000.5,"Connections":{"Connections":["vpc-a","vpc-b"]}},
				{"Name":"py","Role":"GlueETL","MaxCapacity":0.0625}]}`,
			want: []map[string]any{
				{"job_name": "etl", "role_arn": "arn:aws:iam::123456789012:role/GlueETL", "worker_type": "G.2X", "number_of_workers": int32(20),
					"glue_version": "4.0", "default_arguments": `{"--TempDir":"s3://t/"}`, "last_modified_on": ms(1700000000, 500), "max_capacity": nil},
				{"job_name": "py", "role_arn": "GlueETL", "max_capacity": 0.0625, "number_of_workers": nil, "last_modified_on": nil}}},
		{name: "get-job", kind: "glue-jobs", table: "glue_job_connections",
			data: `{"Job":{"Name":"etl","Connections":{"Connections":["vpc-a","vpc-b"]}}}`,
			want: []map[string]any{{"job_name": "etl", "position": int32(0), "connection_name": "vpc-a", "job_modified_on": nil}, {"job_name": "etl", "position": int32(1), "connection_name": "vpc-b", "job_modified_on": nil}}},
		{name: "get-connections", kind: "glue-connections", table: "glue_connections",
			data: `{"ConnectionList":[{"Name":"vpc-a","ConnectionType":"NETWORK","PhysicalConnectionRequirements":{"SubnetId":"subnet-1",
				"SecurityGroupIdList":["sg-1","sg-2"],"AvailabilityZone":"eu-west-1a"},"CreationTime":"2026-01-01T00:00:00Z","LastUpdatedTime":"2026-02-01T00:00:00+01:00"},
				{"Name":"jdbc","ConnectionType":"JDBC","CreationTime":1700000000}]}`,
			want: []map[string]any{
				{"connection_name": "vpc-a", "connection_type": "NETWORK", "subnet_id": "subnet-1", "availability_zone": "eu-west-1a",
					"security_group_ids": "sg-1,sg-2", "last_updated": time.Date(2026, 1, 31, 23, 0, 0, 0, time.UTC)},
				{"connection_name": "jdbc", "subnet_id": nil, "security_group_ids": nil, "last_updated": ms(1700000000, 0)}}},
		{name: "UTF-8 BOM", kind: "glue-job-runs", table: "glue_runs",
			data: "\xef\xbb\xbf" + `{"JobRuns":[{"Id":"jr_bom"}]}`, want: []map[string]any{{"run_id": "jr_bom"}}},
		{name: "get-connection", kind: "glue-connections", table: "glue_connections",
			data: `{"Connection":{"Name":"vpc-a","PhysicalConnectionRequirements":{"SubnetId":"subnet-1"}}}`,
			want: []map[string]any{{"connection_name": "vpc-a", "subnet_id": "subnet-1", "last_updated": nil}}},
		{name: "describe-subnets", kind: "ec2-subnets", table: "subnets",
			data: `{"Subnets":[{"SubnetId":"subnet-26","VpcId":"vpc-1","CidrBlock":"10.0.1.0/26","AvailableIpAddressCount":3,"AvailabilityZone":"eu-west-1a",
				"OwnerId":"123456789012","Tags":[{"Key":"team","Value":"x"},{"Key":"Name","Value":"glue-private-a"}]},
				{"SubnetId":"subnet-16","CidrBlock":"10.1.0.0/16"},{"SubnetId":"subnet-28","CidrBlock":"10.2.0.0/28"},
				{"SubnetId":"subnet-bad","CidrBlock":"nonsense"},{"VpcId":"vpc-no-id"}]}`,
			want: []map[string]any{
				// 2^(32-26) - 5 = 59 (docs/formats.md §1.5 gives the same for a /26)
				{"subnet_id": "subnet-26", "prefix_length": int32(26), "usable_ips": int32(59), "available_ip_count": int32(3), "name": "glue-private-a", "account_id": "123456789012"},
				{"subnet_id": "subnet-16", "prefix_length": int32(16), "usable_ips": int32(65531), "name": nil, "available_ip_count": nil},
				{"subnet_id": "subnet-28", "usable_ips": int32(11)},
				{"subnet_id": "subnet-bad", "prefix_length": nil, "usable_ips": nil, "cidr_block": "nonsense"}},
			bad: []int64{4}},
		{name: "describe-network-interfaces with service ENIs", kind: "ec2-network-interfaces", table: "eni_snapshots",
			data: `{"NetworkInterfaces":[{"NetworkInterfaceId":"eni-g","Description":"Attached to Glue using role: arn:aws:iam::1:role/G","Status":"in-use",
				"PrivateIpAddresses":[{"PrivateIpAddress":"10.0.0.1"}],"RequesterManaged":true},
				{"NetworkInterfaceId":"eni-l","InterfaceType":"lambda","Description":"AWS Lambda VPC ENI-fn"},
				{"NetworkInterfaceId":"eni-e","RequesterId":"amazon-elb","Description":"x"}]}`,
			want: []map[string]any{
				{"eni_id": "eni-g", "requester": "glue", "requester_managed": true, "ip_count": int32(1), "observed_at": mtime},
				{"eni_id": "eni-l", "requester": "lambda", "interface_type": "lambda", "ip_count": int32(1), "requester_managed": nil},
				{"eni_id": "eni-e", "requester": "elb"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink, kind, err := run(t, []byte(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			if kind != tt.kind {
				t.Fatalf("kind %q, want %q", kind, tt.kind)
			}
			rows := rowsOf(t, sink, tt.table)
			if len(rows) != len(tt.want) {
				t.Fatalf("%d rows, want %d (bad: %v)", len(rows), len(tt.want), sink.Bads)
			}
			for i, w := range tt.want {
				check(t, tt.name, rows[i], w)
			}
			var bad []int64
			for _, b := range sink.Bads {
				bad = append(bad, b.Record)
			}
			if len(bad) != len(tt.bad) {
				t.Fatalf("bad records %v, want %v", sink.Bads, tt.bad)
			}
			for i := range bad {
				if bad[i] != tt.bad[i] {
					t.Errorf("bad records %v, want %v", bad, tt.bad)
				}
			}
		})
	}
}

// TestDescribeVPCsSample reads the AWS CLI's describe-vpcs example: each
// VPC's primary block, its Name tag, and the IPv6 block of the third left
// out.
func TestDescribeVPCsSample(t *testing.T) {
	blocks := testutil.RSTOutputs(t, testutil.RealData(t, "cloudtrail", "aws-cli-examples", "ec2-describe-vpcs.rst"))
	sink, _, err := run(t, blocks[0])
	if err != nil {
		t.Fatal(err)
	}
	rows := rowsOf(t, sink, "vpc_cidr_blocks")
	want := []map[string]any{
		{"vpc_id": "vpc-a01106c2", "cidr_block": "10.0.0.0/16", "is_primary": true, "association_state": nil, "name": "MyVPC"},
		{"vpc_id": "vpc-b61106d4", "cidr_block": "10.50.0.0/16", "is_primary": true, "name": nil},
		{"vpc_id": "vpc-a45db1c0", "cidr_block": "198.168.0.0/24", "is_primary": true, "name": nil},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %v", len(rows), len(want), rows)
	}
	for i := range want {
		check(t, "vpc", rows[i], want[i])
	}
	if len(sink.Warns) != 0 || len(sink.Bads) != 0 {
		t.Errorf("warnings %v, bad records %v", sink.Warns, sink.Bads)
	}
}

// TestDescribeVPCsSecondaryBlocks reads a describe-vpcs output made from
// the API reference's shape (testdata/describe-vpcs-secondary.json; no
// published sample has a secondary block): the primary block, an
// associated secondary block and a disassociated one each get a row with
// their state, the IPv6 block none; a /33 is kept with a warning and a
// VPC without VpcId is a bad record.
func TestDescribeVPCsSecondaryBlocks(t *testing.T) {
	data, err := os.ReadFile("testdata/describe-vpcs-secondary.json")
	if err != nil {
		t.Fatal(err)
	}
	sink, kind, err := run(t, data)
	if err != nil || kind != "ec2-vpcs" {
		t.Fatalf("kind %q, err %v", kind, err)
	}
	rows := rowsOf(t, sink, "vpc_cidr_blocks")
	want := []map[string]any{
		{"vpc_id": "vpc-0a1b2c3d4e5f60718", "cidr_block": "10.20.0.0/16", "is_primary": true, "association_state": "associated", "account_id": "123456789012", "name": "data-platform", "source_uri": "/in/x.json"},
		{"vpc_id": "vpc-0a1b2c3d4e5f60718", "cidr_block": "100.64.0.0/22", "is_primary": false, "association_state": "associated", "name": "data-platform"},
		{"vpc_id": "vpc-0a1b2c3d4e5f60718", "cidr_block": "172.31.0.0/20", "is_primary": false, "association_state": "disassociated"},
		{"vpc_id": "vpc-0badcafe000000001", "cidr_block": "10.0.0.0/33", "is_primary": true, "association_state": nil, "name": nil},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %v", len(rows), len(want), rows)
	}
	for i := range want {
		check(t, "vpc", rows[i], want[i])
	}
	if len(sink.Warns) != 1 || !strings.Contains(sink.Warns[0].Msg, `vpc vpc-0badcafe000000001: CidrBlock "10.0.0.0/33" is not an IPv4 prefix`) {
		t.Errorf("warnings %v, want one about the /33", sink.Warns)
	}
	if len(sink.Bads) != 1 || sink.Bads[0].Record != 2 || !strings.Contains(sink.Bads[0].Msg, "decoding vpc 2: missing VpcId") {
		t.Errorf("bad records %v, want record 2 without VpcId", sink.Bads)
	}
}

func TestSubnetWarning(t *testing.T) {
	sink, _, err := run(t, []byte(`{"Subnets":[{"SubnetId":"subnet-6","CidrBlock":"2001:db8::/64"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(sink.Warns) != 1 || !strings.Contains(sink.Warns[0].Msg, "not an IPv4 prefix") {
		t.Errorf("warnings %v, want one about the CIDR", sink.Warns)
	}
}

func TestBadDocuments(t *testing.T) {
	tests := []struct{ name, data, err string }{
		{"truncated", `{"JobRuns":[{"Id":"jr_1"`, "invalid JSON at line 1, column 25: input ends inside the object opened at line 1, column 1"},
		{"no payload key", `{"JobRuns":[]}` + "\n" + `{"NextToken":"x"}`, "document at line 2 has no JobRuns key"},
		{"payload not a list", `{"JobRuns":{"Id":"x"}}`, "decoding JobRuns"},
		{"bad token", `{"JobRuns":[{"Id":"jr_1",}]}`, "invalid JSON at line 1, column 26"}, // the '}'
		{"two documents, second broken", `{"JobRuns":[]}` + "\n\n" + `{"JobRuns":[}`, "invalid JSON at line 3, column 13: unexpected '}'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := run(t, []byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("err = %v, want %q", err, tt.err)
			}
		})
	}
}

func TestTimestamps(t *testing.T) {
	want := ms(1602873931, 255)
	tests := []struct {
		in   string
		want time.Time
		err  bool
	}{
		{"1602873931.255", want, false},
		{"2020-10-16T18:45:31.255Z", want, false},
		{"2020-10-16T18:45:31.255000+00:00", want, false},
		{"2020-10-16T11:45:31.255-07:00", want, false},
		{"2020-10-16 18:45:31.255000+00:00", want, false},
		{"2020-10-17 03:45:31.255+0900", want, false},
		{"2020-10-16T18:45:31.255", want, false},
		{"1602873931", ms(1602873931, 0), false},
		{"", time.Time{}, false},
		{"yesterday", time.Time{}, true},
		{"16/10/2020", time.Time{}, true},
	}
	for _, tt := range tests {
		got, err := awscli.ParseTimestamp(tt.in)
		if (err != nil) != tt.err || !got.Equal(tt.want) {
			t.Errorf("ParseTimestamp(%q) = %v, %v; want %v (error %v)", tt.in, got, err, tt.want, tt.err)
		}
	}
	var ts awscli.Timestamp
	if err := ts.UnmarshalJSON([]byte("1602873931.255")); err != nil || !ts.Equal(want) {
		t.Errorf("number: %v %v", ts, err)
	}
	if err := ts.UnmarshalJSON([]byte("1.602873931255e9")); err != nil || ts.Sub(want).Abs() > time.Microsecond {
		t.Errorf("exponent: %v %v", ts, err)
	}
}

func TestSniff(t *testing.T) {
	heads := map[string]string{
		`{"JobRuns":[]}`:           "glue-job-runs",
		`{"JobRun":{}}`:            "glue-job-runs",
		`{"Jobs":[]}`:              "glue-jobs",
		`{"Job":{}}`:               "glue-jobs",
		`{"ConnectionList":[]}`:    "glue-connections",
		`{"Connection":{}}`:        "glue-connections",
		`{"Subnets":[]}`:           "ec2-subnets",
		`{"NetworkInterfaces":[]}`: "ec2-network-interfaces",
		`{"NetworkInterface":{}}`:  "ec2-network-interfaces",
		`{"Records":[]}`:           "",
		`{"JobRunId":"jr_1"}`:      "",
		`[{"JobRuns":[]}]`:         "",
	}
	for head, want := range heads {
		got := ""
		for _, d := range awscli.Decoders() {
			if d.Sniff("x", []byte(head)) {
				got = d.Kind()
			}
		}
		if got != want {
			t.Errorf("%s claimed by %q, want %q", head, got, want)
		}
	}
}

func FuzzGlueRuns(f *testing.F) {
	for _, s := range []string{
		`{"JobRuns":[{"Id":"jr_1","StartedOn":1602873931.255,"Arguments":{"a":"b"}}]}`,
		`{"JobRun":{"Id":"jr_1","StartedOn":"2020-10-16 18:45:31+00:00","Attempt":1e3}}`,
		`{"JobRuns":[{"Id":"jr_1","StartedOn":-1e308}]}{"JobRuns":[]}`,
		`{"JobRuns":[{"Id":"jr_1","CompletedOn":"99999999999999999999"}]}`,
		`{"JobRuns":[{"Id":"jr_1","ErrorMessage":"No space left on device"`,
	} {
		f.Add([]byte(s))
	}
	d := awscli.GlueJobRuns()
	f.Fuzz(func(t *testing.T, data []byte) {
		sink := testutil.NewSink()
		in := &ingest.Input{Object: ingest.Object{URI: "/f", Key: "f", ModTime: mtime}, R: bytes.NewReader(data)}
		_ = d.Decode(context.Background(), in, sink)
		for _, r := range sink.Rows["glue_runs"] {
			if len(r) != len(columns["glue_runs"]) {
				t.Fatalf("row with %d values", len(r))
			}
		}
	})
}

// FuzzEveryShape runs every AWS CLI decoder over the same input: none
// panics, and every row has its table's column count.
func FuzzEveryShape(f *testing.F) {
	for _, s := range []string{
		`{"Jobs":[{"Name":"j","Connections":{"Connections":["c"]},"WorkerType":"G.1X"}]}`,
		`{"Connections":[{"Name":"c","PhysicalConnectionRequirements":{"SubnetId":"subnet-1"}}]}`,
		`{"Subnets":[{"SubnetId":"subnet-1","CidrBlock":"10.0.0.0/26","AvailableIpAddressCount":1e99}]}`,
		`{"NetworkInterfaces":[{"NetworkInterfaceId":"eni-1","PrivateIpAddresses":[{},{}],"Description":"\xff"}]}`,
		`[{"Jobs":[]}]`,
	} {
		f.Add([]byte(s))
	}
	// The get-job-runs output crafted for issue 17 (testdata/hostile).
	if b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "hostile", "glue", "get-job-runs.json")); err != nil {
		f.Fatal(err)
	} else {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, d := range awscli.Decoders() {
			sink := testutil.NewSink()
			in := &ingest.Input{Object: ingest.Object{URI: "/f", Key: "f", ModTime: mtime}, R: bytes.NewReader(data)}
			_ = d.Decode(context.Background(), in, sink)
			for table, rows := range sink.Rows {
				for _, r := range rows {
					if want, ok := columns[table]; ok && len(r) != len(want) {
						t.Fatalf("%s: %s row with %d values, want %d", d.Kind(), table, len(r), len(want))
					}
				}
			}
		}
	})
}
