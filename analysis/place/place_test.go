package place

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gluelens/gluelens/analysis/facts"
	"github.com/gluelens/gluelens/analysis/plan"
	"github.com/gluelens/gluelens/internal/store"
)

func ptr(s string) *string { return &s }

// network: vpc-1 (10.20.0.0/16) with subnets shared (10.20.8.0/26, the
// Glue subnet), roomy (10.20.16.0/24) and public (10.20.0.0/24); vpc-2
// (10.0.0.0/24, full, plus 100.64.0.0/22 associated and 172.31.0.0/20
// disassociated) with subnet full2 (10.0.0.0/24) and 100.64.0.0/24 taken.
func network() *Network {
	sub := func(id, vpc, cidr string) facts.Subnet {
		return facts.Subnet{ID: id, VpcID: ptr(vpc), CIDR: ptr(cidr), AZ: ptr("eu-west-1a")}
	}
	assoc, gone := ptr("associated"), ptr("disassociated")
	return &Network{
		Subnets: map[string]facts.Subnet{
			"subnet-shared": sub("subnet-shared", "vpc-1", "10.20.8.0/26"),
			"subnet-roomy":  sub("subnet-roomy", "vpc-1", "10.20.16.0/24"),
			"subnet-public": sub("subnet-public", "vpc-1", "10.20.0.0/24"),
			"subnet-full2":  sub("subnet-full2", "vpc-2", "10.0.0.0/24"),
			"subnet-cgnat":  sub("subnet-cgnat", "vpc-2", "100.64.0.0/24"),
			"subnet-novpc":  {ID: "subnet-novpc", CIDR: ptr("10.9.0.0/24")},
			"subnet-vpc3":   sub("subnet-vpc3", "vpc-3", "10.30.0.0/24"),
		},
		VPCBlocks: map[string][]store.VPCCIDRBlock{
			"vpc-1": {{VpcID: "vpc-1", CidrBlock: "10.20.0.0/16", IsPrimary: true}},
			"vpc-2": {{VpcID: "vpc-2", CidrBlock: "10.0.0.0/24", IsPrimary: true, AssociationState: assoc}, {VpcID: "vpc-2", CidrBlock: "100.64.0.0/22", AssociationState: assoc}, {VpcID: "vpc-2", CidrBlock: "172.31.0.0/20", AssociationState: gone}},
		},
		Connections: []store.GlueConnection{
			{ConnectionName: "conn-shared", SubnetID: ptr("subnet-shared"), AvailabilityZone: ptr("eu-west-1a"), SecurityGroupIDs: ptr("sg-2,sg-1")},
			{ConnectionName: "conn-shared-b", SubnetID: ptr("subnet-shared"), SecurityGroupIDs: ptr("sg-1")},
			{ConnectionName: "conn-roomy", SubnetID: ptr("subnet-roomy"), SecurityGroupIDs: ptr("sg-9")},
			{ConnectionName: "conn-full2", SubnetID: ptr("subnet-full2"), SecurityGroupIDs: ptr("sg-5")},
		},
	}
}

func demand(runs ...[4]string) *plan.Demand {
	d := &plan.Demand{}
	for i, r := range runs {
		d.Runs = append(d.Runs, plan.Run{ID: "jr_" + string(rune('a'+i)), Category: r[0], Job: r[1], Subnet: r[2]})
	}
	return d
}

func TestPlace(t *testing.T) {
	d := demand(
		[4]string{"ingest", "ingest-orders", "subnet-shared"}, [4]string{"ingest", "ingest-orders", "subnet-shared"},
		[4]string{"ingest", "ingest-users", "subnet-roomy"}, // fewer runs: shared is where ingest runs now
		[4]string{"export", "export-feed", "subnet-shared"},
		[4]string{"big", "big-job", "subnet-full2"},
		[4]string{"huge", "huge-job", "subnet-full2"},
		[4]string{"lost", "lost-job", "subnet-novpc"},
		[4]string{"far", "far-job", "subnet-vpc3"},
		[4]string{"nowhere", "nowhere-job", ""},
	)
	props := []plan.SubnetProposal{
		{Subnet: "glue-export", Categories: []string{"export"}, Prefix: 26},
		{Subnet: "glue-ingest", Categories: []string{"ingest"}, Prefix: 25},
		{Subnet: "glue-big", Categories: []string{"big"}, Prefix: 24},
		{Subnet: "glue-huge", Categories: []string{"huge"}, Prefix: 23},
		{Subnet: "glue-lost", Categories: []string{"lost"}, Prefix: 26},
		{Subnet: "glue-far", Categories: []string{"far"}, Prefix: 26},
		{Subnet: "glue-nowhere", Categories: []string{"nowhere"}, Prefix: 26},
	}
	got := Place(network(), d, props)
	// By hand: vpc-1 less 10.20.0.0/24, 10.20.8.0/26, 10.20.16.0/24. The
	// /25 goes first (largest first): 10.20.1.0/25; then the /26:
	// 10.20.1.128/26. vpc-2: 10.0.0.0/24 full, 100.64.0.0/24 taken, the
	// disassociated 172.31.0.0/20 not searched: the /24 gets
	// 100.64.1.0/24, and no /23 is left (100.64.2.0/23 is free before
	// the /24 is placed, but the /23 goes first: 100.64.2.0/23, then the
	// /24 100.64.1.0/24).
	want := []struct {
		cidr, from, vpc string
		problem         ProblemKind
		sgs, old, jobs  []string
	}{
		{cidr: "10.20.1.128/26", from: "subnet-shared", vpc: "vpc-1", sgs: []string{"sg-1", "sg-2"}, old: []string{"conn-shared", "conn-shared-b"}, jobs: []string{"export-feed"}},
		{cidr: "10.20.1.0/25", from: "subnet-shared", vpc: "vpc-1", sgs: []string{"sg-1", "sg-2"}, old: []string{"conn-roomy", "conn-shared", "conn-shared-b"}, jobs: []string{"ingest-orders", "ingest-users"}},
		{cidr: "100.64.1.0/24", from: "subnet-full2", vpc: "vpc-2", sgs: []string{"sg-5"}, old: []string{"conn-full2"}, jobs: []string{"big-job"}},
		{cidr: "100.64.2.0/23", from: "subnet-full2", vpc: "vpc-2", sgs: []string{"sg-5"}, old: []string{"conn-full2"}, jobs: []string{"huge-job"}},
		{from: "subnet-novpc", problem: SubnetUndescribed, jobs: []string{"lost-job"}},
		{from: "subnet-vpc3", vpc: "vpc-3", problem: NoVPCBlocks, jobs: []string{"far-job"}},
		{problem: NoSubnetKnown, jobs: []string{"nowhere-job"}},
	}
	for i, w := range want {
		g := got[i]
		if g.CIDR != w.cidr || g.From != w.from || g.VpcID != w.vpc || !slices.Equal(g.SecurityGroups, w.sgs) ||
			!slices.Equal(g.OldConnections, w.old) || !slices.Equal(g.Jobs, w.jobs) {
			t.Errorf("%s: got cidr %q from %q vpc %q sgs %v old %v jobs %v, want %+v", g.Subnet, g.CIDR, g.From, g.VpcID, g.SecurityGroups, g.OldConnections, g.Jobs, w)
		}
		if w.problem == "" && (g.Problem != nil || !strings.Contains(g.Lines, "create-subnet")) {
			t.Errorf("%s: problem %+v, lines %q", g.Subnet, g.Problem, g.Lines)
		}
		if w.problem != "" && (g.Problem == nil || g.Problem.Kind != w.problem || strings.Contains(g.Lines, "create-subnet")) {
			t.Errorf("%s: problem %+v, want %q and no create-subnet line; lines %q", g.Subnet, g.Problem, w.problem, g.Lines)
		}
	}
	if l := got[5].Lines; !strings.Contains(l, "aws ec2 describe-vpcs --vpc-ids vpc-3 --output json > describe-vpcs.json") {
		t.Errorf("no describe-vpcs line to collect the missing evidence: %q", l)
	}
}

// TestPlaceNoRoom: a VPC whose free space holds no block of the size says
// so, with the addresses and the largest block left, and names none.
func TestPlaceNoRoom(t *testing.T) {
	n := network()
	d := demand([4]string{"big", "big-job", "subnet-full2"})
	got := Place(n, d, []plan.SubnetProposal{{Subnet: "glue-big", Categories: []string{"big"}, Prefix: 21}})
	g := got[0]
	// vpc-2: 10.0.0.0/24 full, 100.64.0.0/22 less 100.64.0.0/24: 768
	// addresses free, the largest aligned block 100.64.2.0/23.
	if g.CIDR != "" || g.Lines != "" || g.LargestFree != "100.64.2.0/23" || g.Problem == nil || g.Problem.Kind != NoRoom ||
		g.Problem.FreeAddresses != 768 || g.VpcID != "vpc-2" || g.Taken != 2 || !slices.Equal(g.VPCBlocks, []string{"10.0.0.0/24", "100.64.0.0/22"}) {
		t.Errorf("got %+v, problem %+v", g, g.Problem)
	}
}

// getJob is `aws glue get-job` output for a G.1X job with two connections
// (the old subnet's and a JDBC one), the fields JobUpdate refuses, and
// fields it must keep.
const getJob = `{
    "Job": {
        "Name": "JOB",
        "Description": "ingest job",
        "Role": "arn:aws:iam::111122223333:role/glue",
        "CreatedOn": "2026-09-22T10:00:00+00:00",
        "LastModifiedOn": "2026-10-01T10:00:00+00:00",
        "ExecutionProperty": {"MaxConcurrentRuns": 3},
        "Command": {"Name": "glueetl", "ScriptLocation": "s3://b/s.py", "PythonVersion": "3"},
        "DefaultArguments": {"--TempDir": "s3://b/tmp/", "--conf": "spark.sql.shuffle.partitions=64"},
        "Connections": {"Connections": ["OLD", "jdbc-warehouse"]},
        "MaxRetries": 0,
        "AllocatedCapacity": 10,
        "Timeout": 2880,
        "MaxCapacity": 10.0,
        "WorkerType": "G.1X",
        "NumberOfWorkers": 10,
        "GlueVersion": "4.0",
        "ExecutionClass": "STANDARD",
        "ProfileName": "default"
    }
}`

// TestLinesRun runs the pasteable lines of a placement whose every
// evidence-derived value is hostile: bash must parse them, and run with a
// stand-in aws on PATH (it records its arguments, answers create-subnet
// with a subnet id and get-job with getJob) and the real jq, they must make
// exactly the calls meant, write a JobUpdate that keeps the job and only
// changes its connections, and run nothing else.
func TestLinesRun(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatalf("bash is needed: %v", err)
	}
	jq, err := exec.LookPath("jq")
	if err != nil {
		t.Fatalf("jq is needed (scripts/test-deps.sh installs it): %v", err)
	}
	for _, evil := range []string{
		"glue-ingest",
		"x'; touch pwned; echo '",
		`x"; touch pwned; echo "`,
		"$(touch pwned)",
		"`touch pwned`",
		"a\ntouch pwned",
		`"}},"SubnetId":"subnet-evil`,
		"--help",
	} {
		pl := Placement{
			Subnet: "glue-" + evil, Categories: []string{evil}, Prefix: 26, From: "subnet-" + evil, VpcID: "vpc-1",
			AZ: "eu-west-1a", CIDR: "10.20.1.128/26", VPCBlocks: []string{"10.20.0.0/16"}, Taken: 3,
			SecurityGroups: []string{"sg-1", "sg-" + evil}, OldConnections: []string{"OLD", "old-" + evil}, Jobs: []string{"job-" + evil, "job2"},
		}
		text := lines(&pl, 1)
		if out, err := exec.Command(bash, "-n", "-c", text).CombinedOutput(); err != nil {
			t.Errorf("%q: bash -n rejects the lines: %v %s\n%s", evil, err, out, text)
			continue
		}
		dir := t.TempDir()
		bin := filepath.Join(dir, "bin")
		os.Mkdir(bin, 0o755)
		os.Symlink(jq, filepath.Join(bin, "jq"))
		os.WriteFile(filepath.Join(dir, "job.json"), []byte(getJob), 0o644)
		stand := `#!/usr/bin/env bash
printf '%s\0' "$@" >> "$AWS_LOG"; printf '\001' >> "$AWS_LOG"
case "$1 $2" in
"ec2 create-subnet") echo subnet-0new ;;
"glue get-job") cat "$JOB_JSON" ;;
esac
`
		os.WriteFile(filepath.Join(bin, "aws"), []byte(stand), 0o755)
		work := filepath.Join(dir, "work")
		os.Mkdir(work, 0o755)
		cmd := exec.Command(bash, "-c", text)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "PATH="+bin+":/usr/bin:/bin", "AWS_LOG="+filepath.Join(dir, "log"), "JOB_JSON="+filepath.Join(dir, "job.json"))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%q: running the lines: %v %s\n%s", evil, err, out, text)
			continue
		}
		if _, err := os.Stat(filepath.Join(work, "pwned")); err == nil {
			t.Errorf("%q: the lines ran an injected command:\n%s", evil, text)
		}
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		var calls [][]string
		for _, c := range strings.Split(strings.TrimSuffix(string(log), "\x01"), "\x01") {
			calls = append(calls, strings.Split(strings.TrimSuffix(c, "\x00"), "\x00"))
		}
		if len(calls) != 6 {
			t.Fatalf("%q: %d aws calls, want 6 (create-subnet, create-connection, get-job and update-job twice): %q", evil, len(calls), calls)
		}
		wantCreate := []string{"ec2", "create-subnet", "--vpc-id", "vpc-1", "--cidr-block", "10.20.1.128/26", "--availability-zone", "eu-west-1a",
			"--tag-specifications", `[{"ResourceType":"subnet","Tags":[{"Key":"Name","Value":` + jsonString("glue-"+evil) + `}]}]`,
			"--query", "Subnet.SubnetId", "--output", "text"}
		if !slices.Equal(calls[0], wantCreate) {
			t.Errorf("%q: create-subnet got %q, want %q", evil, calls[0], wantCreate)
		}
		var tags []map[string]any
		if err := json.Unmarshal([]byte(calls[0][9]), &tags); err != nil || tags[0]["Tags"].([]any)[0].(map[string]any)["Value"] != "glue-"+evil {
			t.Errorf("%q: tag specification %s does not read back the Name (%v)", evil, calls[0][9], err)
		}
		if got := calls[1][:3]; !slices.Equal(got, []string{"glue", "create-connection", "--connection-input"}) || len(calls[1]) != 4 {
			t.Fatalf("%q: second call %q, want create-connection --connection-input JSON", evil, calls[1])
		}
		var in map[string]any
		if err := json.Unmarshal([]byte(calls[1][3]), &in); err != nil {
			t.Fatalf("%q: connection input %s: %v", evil, calls[1][3], err)
		}
		wantIn := map[string]any{
			"Name": "glue-" + evil, "Description": "Glue network connection to subnet glue-" + evil + " (10.20.1.128/26)", "ConnectionType": "NETWORK",
			"ConnectionProperties":           map[string]any{},
			"PhysicalConnectionRequirements": map[string]any{"AvailabilityZone": "eu-west-1a", "SecurityGroupIdList": []any{"sg-1", "sg-" + evil}, "SubnetId": "subnet-0new"},
		}
		if !reflect.DeepEqual(in, wantIn) {
			t.Errorf("%q: connection input\n%v\nwant\n%v", evil, in, wantIn)
		}
		for k, job := range []string{"job-" + evil, "job2"} {
			get, upd := calls[2+2*k], calls[3+2*k]
			if want := []string{"glue", "get-job", "--job-name", job, "--output", "json"}; !slices.Equal(get, want) {
				t.Errorf("%q: get-job got %q, want %q", evil, get, want)
			}
			file := filepath.Join(work, "gluelens-subnet1-job"+string(rune('1'+k))+".update.json")
			if want := []string{"glue", "update-job", "--job-name", job, "--job-update", "file://" + filepath.Base(file)}; !slices.Equal(upd, want) {
				t.Errorf("%q: update-job got %q, want %q", evil, upd, want)
			}
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%q: %v", evil, err)
			}
			var u map[string]any
			if err := json.Unmarshal(b, &u); err != nil {
				t.Fatalf("%q: job update %s: %v", evil, b, err)
			}
			// By hand from getJob: every field but Name, CreatedOn,
			// LastModifiedOn, ProfileName, AllocatedCapacity and (with
			// WorkerType set) MaxCapacity; the new connection first, the
			// old subnet's off, the JDBC one kept.
			var want map[string]any
			json.Unmarshal([]byte(`{
				"Description": "ingest job", "Role": "arn:aws:iam::111122223333:role/glue",
				"ExecutionProperty": {"MaxConcurrentRuns": 3},
				"Command": {"Name": "glueetl", "ScriptLocation": "s3://b/s.py", "PythonVersion": "3"},
				"DefaultArguments": {"--TempDir": "s3://b/tmp/", "--conf": "spark.sql.shuffle.partitions=64"},
				"MaxRetries": 0, "Timeout": 2880, "WorkerType": "G.1X", "NumberOfWorkers": 10,
				"GlueVersion": "4.0", "ExecutionClass": "STANDARD"}`), &want)
			want["Connections"] = map[string]any{"Connections": []any{"glue-" + evil, "jdbc-warehouse"}}
			if !reflect.DeepEqual(u, want) {
				t.Errorf("%q: job update\n%v\nwant\n%v", evil, u, want)
			}
		}
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestLinesWithoutSecurityGroups: with no connection naming the old
// subnet's security groups the lines create the subnet and say what is
// missing instead of a connection with none.
func TestLinesWithoutSecurityGroups(t *testing.T) {
	pl := Placement{Subnet: "glue-x", Categories: []string{"x"}, Prefix: 26, From: "subnet-1", VpcID: "vpc-1", AZ: "eu-west-1a", CIDR: "10.0.0.0/26", Jobs: []string{"j"}}
	l := lines(&pl, 1)
	if !strings.Contains(l, "create-subnet") || strings.Contains(l, "create-connection") || strings.Contains(l, "update-job") ||
		!strings.Contains(l, "# no Glue connection of subnet-1 in the evidence names its security groups") {
		t.Errorf("lines:\n%s", l)
	}
}
