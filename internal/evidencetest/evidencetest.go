// Package evidencetest writes small hand-built evidence for tests: CloudTrail
// ENI records and the AWS CLI exports (get-job-runs, get-jobs,
// get-connections, describe-subnets) in their real JSON formats, so a test
// ingests them with the real decoders and checks the analysis against values
// worked out by hand. It never calls the analysis it feeds.
package evidencetest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Account and Region are those of every record written.
const (
	Account = "111122223333"
	Region  = "eu-west-1"
)

// RefusedMessage is EC2's message for a create refused for lack of IPs.
const RefusedMessage = "The specified subnet does not have enough free addresses to satisfy the request."

// RunRefusedError is the JobRun ErrorMessage of a run Glue could not give
// its ENIs.
const RunRefusedError = "Failed to create network interface for the job run: " + RefusedMessage +
	" (Service: AmazonEC2; Status Code: 400; Error Code: InsufficientFreeAddressesInSubnet)"

// Evidence is the evidence of one test, built record by record.
type Evidence struct {
	records []map[string]any
	runs    []map[string]any
	jobs    []map[string]any
	conns   []map[string]any
	subnets []map[string]any
	vpcs    []map[string]any
	n       int
}

// RoleARN is the ARN of IAM role name in Account.
func RoleARN(name string) string { return "arn:aws:iam::" + Account + ":role/" + name }

func (e *Evidence) glueIdentity(role string) map[string]any {
	return map[string]any{
		"type":        "AssumedRole",
		"principalId": "AROAEXAMPLE:GlueJobRunnerSession",
		"arn":         "arn:aws:sts::" + Account + ":assumed-role/" + role + "/GlueJobRunnerSession",
		"accountId":   Account,
		"sessionContext": map[string]any{"sessionIssuer": map[string]any{
			"type": "Role", "arn": RoleARN(role), "accountId": Account, "userName": role,
		}},
		"invokedBy": "glue.amazonaws.com",
	}
}

func (e *Evidence) record(id string, at time.Time, name, role string, req, resp map[string]any) map[string]any {
	e.n++
	r := map[string]any{
		"eventVersion":       "1.09",
		"userIdentity":       e.glueIdentity(role),
		"eventTime":          at.UTC().Format(time.RFC3339),
		"eventSource":        "ec2.amazonaws.com",
		"eventName":          name,
		"awsRegion":          Region,
		"sourceIPAddress":    "glue.amazonaws.com",
		"userAgent":          "glue.amazonaws.com",
		"requestParameters":  req,
		"responseElements":   resp,
		"eventID":            id,
		"eventType":          "AwsApiCall",
		"recipientAccountId": Account,
	}
	e.records = append(e.records, r)
	return r
}

// Create records a Glue ENI eni created in subnet by role at at.
func (e *Evidence) Create(at time.Time, subnet, eni, role string) {
	desc := "Attached to Glue using role: " + RoleARN(role)
	e.record("c-"+eni, at, "CreateNetworkInterface", role,
		map[string]any{"subnetId": subnet, "description": desc},
		map[string]any{"networkInterface": map[string]any{
			"networkInterfaceId": eni, "subnetId": subnet, "description": desc,
			"privateIpAddressesSet": map[string]any{"items": []any{map[string]any{"privateIpAddress": "10.0.0.1", "primary": true}}},
		}})
}

// Refused records a Glue create in subnet by role refused for lack of IPs;
// id is its eventID.
func (e *Evidence) Refused(at time.Time, subnet, id, role string) {
	r := e.record(id, at, "CreateNetworkInterface", role,
		map[string]any{"subnetId": subnet, "description": "Attached to Glue using role: " + RoleARN(role)}, nil)
	r["errorCode"] = "Client.InsufficientFreeAddressesInSubnet"
	r["errorMessage"] = RefusedMessage
}

// Delete records the deletion of eni at at (by Glue, with role).
func (e *Evidence) Delete(at time.Time, eni, role string) {
	e.record("d-"+eni, at, "DeleteNetworkInterface", role, map[string]any{"networkInterfaceId": eni}, map[string]any{"_return": true})
}

// Run is one Glue job run as get-job-runs prints it.
type Run struct {
	ID, Job    string
	Start, End time.Time // End zero: still running
	State      string    // SUCCEEDED, FAILED, ...
	Error      string    // ErrorMessage ("" for none)
	Workers    int       // NumberOfWorkers (0: not printed)
}

// AddRun records a job run.
func (e *Evidence) AddRun(r Run) {
	m := map[string]any{
		"Id": r.ID, "Attempt": 0, "JobName": r.Job, "StartedOn": r.Start.UTC().Format(time.RFC3339),
		"JobRunState": r.State, "WorkerType": "G.1X", "GlueVersion": "4.0",
	}
	if !r.End.IsZero() {
		m["CompletedOn"] = r.End.UTC().Format(time.RFC3339)
		m["LastModifiedOn"] = m["CompletedOn"]
	}
	if r.Error != "" {
		m["ErrorMessage"] = r.Error
	}
	if r.Workers > 0 {
		m["NumberOfWorkers"] = r.Workers
		m["MaxCapacity"] = r.Workers
	}
	e.runs = append(e.runs, m)
}

// Job records a job definition run as role with its connections; modified
// is its LastModifiedOn (zero: not printed).
func (e *Evidence) Job(name, role string, workers int, modified time.Time, connections ...string) {
	m := map[string]any{
		"Name": name, "Role": RoleARN(role), "WorkerType": "G.1X", "NumberOfWorkers": workers, "GlueVersion": "4.0",
		"Command": map[string]any{"Name": "glueetl"},
	}
	if len(connections) > 0 {
		m["Connections"] = map[string]any{"Connections": connections}
	}
	if !modified.IsZero() {
		m["LastModifiedOn"] = modified.UTC().Format(time.RFC3339)
	}
	e.jobs = append(e.jobs, m)
}

// Connection records a NETWORK connection into subnet.
func (e *Evidence) Connection(name, subnet string) {
	e.conns = append(e.conns, map[string]any{
		"Name": name, "ConnectionType": "NETWORK", "ConnectionProperties": map[string]any{},
		"PhysicalConnectionRequirements": map[string]any{"SubnetId": subnet, "AvailabilityZone": Region + "a"},
	})
}

// ConnectionSG records a NETWORK connection to subnet with its security groups.
func (e *Evidence) ConnectionSG(name, subnet string, groups ...string) {
	e.conns = append(e.conns, map[string]any{
		"Name": name, "ConnectionType": "NETWORK", "ConnectionProperties": map[string]any{},
		"PhysicalConnectionRequirements": map[string]any{"SubnetId": subnet, "AvailabilityZone": Region + "a", "SecurityGroupIdList": groups},
	})
}

// VPC records describe-vpcs output for vpc-1, the VPC of every subnet:
// its primary block and any secondary ones, all associated.
func (e *Evidence) VPC(primary string, secondary ...string) {
	assoc := []map[string]any{}
	for _, c := range append([]string{primary}, secondary...) {
		assoc = append(assoc, map[string]any{"CidrBlock": c, "CidrBlockState": map[string]any{"State": "associated"}})
	}
	e.vpcs = append(e.vpcs, map[string]any{"VpcId": "vpc-1", "CidrBlock": primary, "OwnerId": Account, "CidrBlockAssociationSet": assoc})
}

// Subnet records a subnet and its CIDR block.
func (e *Evidence) Subnet(id, cidr string) {
	e.subnets = append(e.subnets, map[string]any{
		"SubnetId": id, "CidrBlock": cidr, "VpcId": "vpc-1", "AvailabilityZone": Region + "a", "State": "available",
	})
}

// Write writes the evidence under dir (created) and returns dir.
func (e *Evidence) Write(t testing.TB, dir string) string {
	t.Helper()
	files := map[string]any{
		"cloudtrail/" + Account + "_CloudTrail_" + Region + "_20261102T0000Z_test.json": map[string]any{"Records": e.records},
		"glue/get-job-runs.json":    map[string]any{"JobRuns": e.runs},
		"glue/get-jobs.json":        map[string]any{"Jobs": e.jobs},
		"glue/get-connections.json": map[string]any{"ConnectionList": e.conns},
		"ec2/describe-subnets.json": map[string]any{"Subnets": e.subnets},
		"ec2/describe-vpcs.json":    map[string]any{"Vpcs": e.vpcs},
	}
	for name, v := range files {
		if name != "cloudtrail/"+Account+"_CloudTrail_"+Region+"_20261102T0000Z_test.json" && emptyList(v) {
			continue
		}
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			t.Fatalf("encoding %s: %v", name, err)
		}
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func emptyList(v any) bool {
	for _, l := range v.(map[string]any) {
		if n := len(l.([]map[string]any)); n > 0 {
			return false
		}
	}
	return true
}

// Clock returns a function giving 2026-11-02 at "hh:mm:ss" UTC.
func Clock(t testing.TB) func(string) time.Time {
	return func(s string) time.Time {
		tm, err := time.Parse("2006-01-02 15:04:05", "2026-11-02 "+s)
		if err != nil {
			t.Helper()
			t.Fatal(fmt.Errorf("parsing the test time %q: %w", s, err))
		}
		return tm
	}
}
