package synth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Timestamp renderings of the AWS CLI (docs/formats.md §2.1).
const (
	styleWire     = iota // CLI v1 default: epoch seconds as received, 1602873931.255
	styleISOUTC          // cli_timestamp_format=iso8601 in UTC: 2020-10-16T18:45:31.255000+00:00
	styleISOLocal        // the same in the operator's local zone (-05:00)
)

var localZone = time.FixedZone("EST", -5*3600)

// cliTime is a timestamp printed the way the AWS CLI prints it.
type cliTime struct {
	t     time.Time
	style int
}

// MarshalJSON implements json.Marshaler.
func (c cliTime) MarshalJSON() ([]byte, error) {
	if c.style == styleWire {
		return []byte(epochFloat(c.t)), nil
	}
	t := c.t.UTC()
	if c.style == styleISOLocal {
		t = c.t.In(localZone)
	}
	// Python's datetime.isoformat: microseconds only when non-zero.
	s := t.Format("2006-01-02T15:04:05")
	if us := t.Nanosecond() / 1000; us != 0 {
		s += fmt.Sprintf(".%06d", us)
	}
	s += t.Format("-07:00")
	return json.Marshal(s)
}

type cliJobRun struct {
	ID                   string            `json:"Id"`
	Attempt              int               `json:"Attempt"`
	TriggerName          string            `json:"TriggerName,omitempty"`
	JobName              string            `json:"JobName"`
	JobMode              string            `json:"JobMode"`
	JobRunQueuingEnabled bool              `json:"JobRunQueuingEnabled"`
	StartedOn            cliTime           `json:"StartedOn"`
	LastModifiedOn       cliTime           `json:"LastModifiedOn"`
	CompletedOn          *cliTime          `json:"CompletedOn,omitempty"`
	JobRunState          string            `json:"JobRunState"`
	ErrorMessage         string            `json:"ErrorMessage,omitempty"`
	Arguments            map[string]string `json:"Arguments,omitempty"`
	PredecessorRuns      []string          `json:"PredecessorRuns"`
	AllocatedCapacity    int               `json:"AllocatedCapacity"`
	ExecutionTime        int               `json:"ExecutionTime"`
	Timeout              int               `json:"Timeout"`
	MaxCapacity          float64           `json:"MaxCapacity"`
	WorkerType           string            `json:"WorkerType"`
	NumberOfWorkers      int               `json:"NumberOfWorkers"`
	LogGroupName         string            `json:"LogGroupName"`
	GlueVersion          string            `json:"GlueVersion"`
	ExecutionClass       string            `json:"ExecutionClass"`
}

type cliJob struct {
	Name              string            `json:"Name"`
	Description       string            `json:"Description"`
	Role              string            `json:"Role"`
	CreatedOn         cliTime           `json:"CreatedOn"`
	LastModifiedOn    cliTime           `json:"LastModifiedOn"`
	ExecutionProperty map[string]int    `json:"ExecutionProperty"`
	Command           cliCommand        `json:"Command"`
	DefaultArguments  map[string]string `json:"DefaultArguments"`
	Connections       cliConnections    `json:"Connections"`
	MaxRetries        int               `json:"MaxRetries"`
	AllocatedCapacity int               `json:"AllocatedCapacity"`
	Timeout           int               `json:"Timeout"`
	MaxCapacity       float64           `json:"MaxCapacity"`
	WorkerType        string            `json:"WorkerType"`
	NumberOfWorkers   int               `json:"NumberOfWorkers"`
	GlueVersion       string            `json:"GlueVersion"`
	ExecutionClass    string            `json:"ExecutionClass"`
}

type cliCommand struct {
	Name           string `json:"Name"`
	ScriptLocation string `json:"ScriptLocation"`
	PythonVersion  string `json:"PythonVersion"`
}

type cliConnections struct {
	Connections []string `json:"Connections"`
}

type cliConnection struct {
	Name                           string            `json:"Name"`
	Description                    string            `json:"Description"`
	ConnectionType                 string            `json:"ConnectionType"`
	ConnectionProperties           map[string]string `json:"ConnectionProperties"`
	PhysicalConnectionRequirements cliPhysical       `json:"PhysicalConnectionRequirements"`
	CreationTime                   cliTime           `json:"CreationTime"`
	LastUpdatedTime                cliTime           `json:"LastUpdatedTime"`
	LastUpdatedBy                  string            `json:"LastUpdatedBy"`
}

type cliPhysical struct {
	SubnetID            string   `json:"SubnetId"`
	SecurityGroupIDList []string `json:"SecurityGroupIdList"`
	AvailabilityZone    string   `json:"AvailabilityZone"`
}

type cliSubnet struct {
	AvailabilityZone              string            `json:"AvailabilityZone"`
	AvailabilityZoneID            string            `json:"AvailabilityZoneId"`
	AvailableIPAddressCount       int               `json:"AvailableIpAddressCount"`
	CidrBlock                     string            `json:"CidrBlock"`
	DefaultForAz                  bool              `json:"DefaultForAz"`
	MapPublicIPOnLaunch           bool              `json:"MapPublicIpOnLaunch"`
	MapCustomerOwnedIPOnLaunch    bool              `json:"MapCustomerOwnedIpOnLaunch"`
	State                         string            `json:"State"`
	SubnetID                      string            `json:"SubnetId"`
	VpcID                         string            `json:"VpcId"`
	OwnerID                       string            `json:"OwnerId"`
	AssignIpv6AddressOnCreation   bool              `json:"AssignIpv6AddressOnCreation"`
	Ipv6CidrBlockAssociationSet   []string          `json:"Ipv6CidrBlockAssociationSet"`
	Tags                          []cliTag          `json:"Tags"`
	SubnetArn                     string            `json:"SubnetArn"`
	EnableDNS64                   bool              `json:"EnableDns64"`
	Ipv6Native                    bool              `json:"Ipv6Native"`
	PrivateDNSNameOptionsOnLaunch map[string]any    `json:"PrivateDnsNameOptionsOnLaunch"`
	BlockPublicAccessStates       map[string]string `json:"BlockPublicAccessStates"`
}

type cliTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// cliJSON renders v as the AWS CLI prints JSON: four-space indent,
// non-ASCII kept, trailing newline.
func cliJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// runErrorMessage is the ErrorMessage Glue reports for a run whose ENI
// create found the subnet full.
func runErrorMessage(r *run) string {
	h := r.ID[3:]
	req := h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
	code := strings.TrimPrefix(r.ErrorCode, "Client.")
	return "Failed to create network interface for the job run: " + subnetFullMessage +
		" (Service: AmazonEC2; Status Code: 400; Error Code: " + code + "; Request ID: " + req + "; Proxy: null)"
}

// writeCLI writes the AWS CLI outputs an investigator would collect after
// the incident: get-job-runs pages per job, get-jobs, get-connections,
// describe-subnets, and an earlier describe-network-interfaces snapshot
// that lists the pre-existing ENIs.
func writeCLI(s *Scenario, g *rng, sim *simulation, out *Output) error {
	for _, c := range s.cells() {
		if err := writeCellCLI(s, c, g, sim, out); err != nil {
			return err
		}
	}
	return nil
}

// cliPrefix is the folder of an account and region's AWS CLI output: the
// top of the tree when the scenario has one account and region, else
// ACCOUNT/REGION/.
func cliPrefix(s *Scenario, c cell) string {
	if len(s.cells()) == 1 {
		return ""
	}
	return c.acct + "/" + c.region + "/"
}

// writeCellCLI writes the AWS CLI output of one account and region.
func writeCellCLI(s *Scenario, cl cell, g *rng, sim *simulation, out *Output) error {
	collected := sim.Cutoff.Add(7 * time.Minute)
	pre := cliPrefix(s, cl)
	inCell := func(subnet string) bool { return s.subnetCell(subnet) == cl }
	dpu := map[string]float64{"G.025X": 0.25, "G.1X": 1, "G.2X": 2, "G.4X": 4, "G.8X": 8}
	for ci := range s.Categories {
		c := &s.Categories[ci]
		if !inCell(c.Subnet) {
			continue
		}
		for _, job := range c.Jobs {
			var runs []*run
			for i := len(sim.Runs) - 1; i >= 0; i-- { // GetJobRuns lists newest first
				if r := sim.Runs[i]; r.Job == job {
					runs = append(runs, r)
				}
			}
			size := s.JobRunsPageSize
			if size < 1 {
				size = len(runs)
			}
			for page, from := 1, 0; from < len(runs); page, from = page+1, from+size {
				style := g.intn(3)
				to := min(from+size, len(runs))
				var body struct {
					JobRuns   []cliJobRun `json:"JobRuns"`
					NextToken string      `json:"NextToken,omitempty"`
				}
				for _, r := range runs[from:to] {
					body.JobRuns = append(body.JobRuns, cliRun(c, r, style, dpu[c.WorkerType], g, s.GlueClockSkew))
				}
				if to < len(runs) {
					body.NextToken = string(g.appendChars(nil, alnumDigits, 120)) + "=="
				}
				b, err := cliJSON(body)
				if err != nil {
					return fmt.Errorf("encoding get-job-runs for %s: %w", job, err)
				}
				out.Files = append(out.Files, File{Path: fmt.Sprintf("%sglue/get-job-runs/%s.page-%d.json", pre, job, page), Data: b, ModTime: collected})
			}
		}
	}

	var jobs struct {
		Jobs []cliJob `json:"Jobs"`
	}
	created := s.Start.Add(-41 * 24 * time.Hour)
	for ci := range s.Categories {
		c := &s.Categories[ci]
		if !inCell(c.Subnet) {
			continue
		}
		sn, _ := s.subnet(c.Subnet)
		for _, job := range c.Jobs {
			mod := created.Add(g.duration(24*time.Hour, 30*24*time.Hour))
			conn := sn.Connection
			// Only the current definition is exported: a re-pointed job
			// names its new connection, modified when it moved.
			if rp := c.Repoint; rp != nil && rp.Job == job && s.Start.Add(rp.At).Before(sim.Cutoff) {
				nsn, _ := s.subnet(rp.Subnet)
				conn, mod = nsn.Connection, s.Start.Add(rp.At)
			}
			jobs.Jobs = append(jobs.Jobs, cliJob{
				Name: job, Description: c.Name + " job " + job, Role: roleARN(cl.acct, c.Role),
				CreatedOn: cliTime{created, styleWire}, LastModifiedOn: cliTime{mod, styleWire},
				ExecutionProperty: map[string]int{"MaxConcurrentRuns": 3},
				Command:           cliCommand{Name: "glueetl", ScriptLocation: "s3://aws-glue-assets-" + cl.acct + "-" + cl.region + "/scripts/" + job + ".py", PythonVersion: "3"},
				DefaultArguments: map[string]string{
					"--TempDir":                          "s3://aws-glue-assets-" + cl.acct + "-" + cl.region + "/temporary/",
					"--enable-metrics":                   "true",
					"--enable-continuous-cloudwatch-log": "true",
					"--enable-spark-ui":                  "true",
					"--spark-event-logs-path":            "s3://aws-glue-assets-" + cl.acct + "-" + cl.region + "/sparkHistoryLogs/",
					"--job-language":                     "python",
				},
				Connections: cliConnections{Connections: []string{conn}},
				MaxRetries:  0, AllocatedCapacity: int(float64(c.JobWorkers) * dpu[c.WorkerType]), Timeout: 2880,
				MaxCapacity: float64(c.JobWorkers) * dpu[c.WorkerType], WorkerType: c.WorkerType, NumberOfWorkers: c.JobWorkers,
				GlueVersion: "4.0", ExecutionClass: "STANDARD",
			})
		}
	}
	b, err := cliJSON(jobs)
	if err != nil {
		return fmt.Errorf("encoding get-jobs: %w", err)
	}
	out.Files = append(out.Files, File{Path: pre + "glue/get-jobs.json", Data: b, ModTime: collected})

	var conns struct {
		ConnectionList []cliConnection `json:"ConnectionList"`
	}
	for _, sn := range s.Subnets {
		if sn.Connection == "" || !inCell(sn.ID) {
			continue
		}
		conns.ConnectionList = append(conns.ConnectionList, cliConnection{
			Name: sn.Connection, Description: "Glue network connection to " + sn.Name, ConnectionType: "NETWORK",
			ConnectionProperties:           map[string]string{},
			PhysicalConnectionRequirements: cliPhysical{SubnetID: sn.ID, SecurityGroupIDList: []string{sn.SecurityGroup}, AvailabilityZone: sn.AZ},
			CreationTime:                   cliTime{created.Add(-2 * time.Hour), styleISOLocal}, LastUpdatedTime: cliTime{created.Add(-2 * time.Hour), styleISOLocal},
			LastUpdatedBy: "arn:aws:sts::" + cl.acct + ":assumed-role/platform-admin/jane.doe",
		})
	}
	if b, err = cliJSON(conns); err != nil {
		return fmt.Errorf("encoding get-connections: %w", err)
	}
	out.Files = append(out.Files, File{Path: pre + "glue/get-connections.json", Data: b, ModTime: collected})

	var subnets struct {
		Subnets []cliSubnet `json:"Subnets"`
	}
	for _, sn := range s.Subnets {
		if !inCell(sn.ID) {
			continue
		}
		p, _ := parseCIDR(sn.CIDR)
		azID := azPrefix(cl.region) + "-az" + string(sn.AZ[len(sn.AZ)-1]-'a'+'1')
		subnets.Subnets = append(subnets.Subnets, cliSubnet{
			AvailabilityZone: sn.AZ, AvailabilityZoneID: azID, AvailableIPAddressCount: len(p.hosts) - sim.InUseAtCutoff[sn.ID],
			CidrBlock: sn.CIDR, State: "available", SubnetID: sn.ID, VpcID: cl.vpc, OwnerID: cl.acct,
			Ipv6CidrBlockAssociationSet: []string{}, Tags: []cliTag{{Key: "Name", Value: sn.Name}},
			SubnetArn:                     "arn:aws:ec2:" + cl.region + ":" + cl.acct + ":subnet/" + sn.ID,
			MapPublicIPOnLaunch:           sn.Connection == "",
			PrivateDNSNameOptionsOnLaunch: map[string]any{"HostnameType": "ip-name", "EnableResourceNameDnsARecord": false, "EnableResourceNameDnsAAAARecord": false},
			BlockPublicAccessStates:       map[string]string{"InternetGatewayBlockMode": "off"},
		})
	}
	if b, err = cliJSON(subnets); err != nil {
		return fmt.Errorf("encoding describe-subnets: %w", err)
	}
	out.Files = append(out.Files, File{Path: pre + "ec2/describe-subnets.json", Data: b, ModTime: collected})
	if b, err = describeVPCs(s, cl, inCell); err != nil {
		return err
	}
	out.Files = append(out.Files, File{Path: pre + "ec2/describe-vpcs.json", Data: b, ModTime: collected})

	// An audit snapshot taken before the evidence starts: the only record
	// of where the pre-existing ENIs live, since their deletes name no subnet.
	var nis struct {
		NetworkInterfaces []cliENI `json:"NetworkInterfaces"`
	}
	for _, e := range sim.ENIs {
		if e.Owner != ownerPreexisting || !inCell(e.Subnet) || e.noSnapshot {
			continue
		}
		sn, _ := s.subnet(e.Subnet)
		ip := e.IP.String()
		dns := "ip-" + dashed(ip) + "." + cl.region + ".compute.internal"
		nis.NetworkInterfaces = append(nis.NetworkInterfaces, cliENI{
			AvailabilityZone: sn.AZ, Description: e.Description, Groups: []cliGroup{{GroupName: "glue-vpc-endpoints", GroupID: sn.SecurityGroup}},
			InterfaceType: "interface", Ipv6Addresses: []string{}, MacAddress: e.MAC, NetworkInterfaceID: e.ID, OwnerID: cl.acct,
			PrivateDNSName: dns, PrivateIPAddress: ip, PrivateIPAddresses: []cliPrivateIP{{PrivateDNSName: dns, PrivateIPAddress: ip, Primary: true}},
			RequesterID: principalID("AROA", 0, cl.acct+"glue-legacy-role") + ":GlueJobRunnerSession", RequesterManaged: false,
			SourceDestCheck: true, Status: "available", SubnetID: e.Subnet, TagSet: []cliTag{}, VpcID: cl.vpc,
		})
	}
	if len(nis.NetworkInterfaces) > 0 {
		if b, err = cliJSON(nis); err != nil {
			return fmt.Errorf("encoding describe-network-interfaces: %w", err)
		}
		out.Files = append(out.Files, File{Path: pre + "ec2/describe-network-interfaces.json", Data: b, ModTime: s.Start.Add(-10 * time.Minute)})
	}
	return nil
}

type cliVPC struct {
	CidrBlock               string           `json:"CidrBlock"`
	DhcpOptionsID           string           `json:"DhcpOptionsId"`
	State                   string           `json:"State"`
	VpcID                   string           `json:"VpcId"`
	OwnerID                 string           `json:"OwnerId"`
	InstanceTenancy         string           `json:"InstanceTenancy"`
	CidrBlockAssociationSet []cliVPCBlock    `json:"CidrBlockAssociationSet"`
	IsDefault               bool             `json:"IsDefault"`
	Tags                    []cliTag         `json:"Tags"`
	Ipv6CidrBlockAssoc      []map[string]any `json:"Ipv6CidrBlockAssociationSet"`
}

type cliVPCBlock struct {
	AssociationID  string            `json:"AssociationId"`
	CidrBlock      string            `json:"CidrBlock"`
	CidrBlockState map[string]string `json:"CidrBlockState"`
}

// describeVPCs renders describe-vpcs output for a cell's VPC: its blocks
// are the /16s of the cell's subnets, the first one's the primary block,
// the others associated secondary blocks (as a VPC grown with
// associate-vpc-cidr-block lists them).
func describeVPCs(s *Scenario, cl cell, inCell func(string) bool) ([]byte, error) {
	v := cliVPC{State: "available", VpcID: cl.vpc, OwnerID: cl.acct, InstanceTenancy: "default",
		DhcpOptionsID: "dopt-0" + fmt.Sprintf("%016x", hashString("dopt"+cl.vpc)), CidrBlockAssociationSet: []cliVPCBlock{},
		Tags: []cliTag{{Key: "Name", Value: "data-platform"}}, Ipv6CidrBlockAssoc: []map[string]any{}}
	seen := map[string]bool{}
	for _, sn := range s.Subnets {
		if !inCell(sn.ID) {
			continue
		}
		p, err := netip.ParsePrefix(sn.CIDR)
		if err != nil {
			return nil, fmt.Errorf("encoding describe-vpcs: subnet %s: %w", sn.ID, err)
		}
		block := netip.PrefixFrom(p.Addr(), 16).Masked().String()
		if seen[block] {
			continue
		}
		seen[block] = true
		if v.CidrBlock == "" {
			v.CidrBlock = block
		}
		v.CidrBlockAssociationSet = append(v.CidrBlockAssociationSet, cliVPCBlock{
			AssociationID: fmt.Sprintf("vpc-cidr-assoc-0%016x", hashString(cl.vpc+block)), CidrBlock: block,
			CidrBlockState: map[string]string{"State": "associated"}})
	}
	var out struct {
		Vpcs []cliVPC `json:"Vpcs"`
	}
	out.Vpcs = []cliVPC{v}
	b, err := cliJSON(out)
	if err != nil {
		return nil, fmt.Errorf("encoding describe-vpcs: %w", err)
	}
	return b, nil
}

type cliENI struct {
	AvailabilityZone   string         `json:"AvailabilityZone"`
	Description        string         `json:"Description"`
	Groups             []cliGroup     `json:"Groups"`
	InterfaceType      string         `json:"InterfaceType"`
	Ipv6Addresses      []string       `json:"Ipv6Addresses"`
	MacAddress         string         `json:"MacAddress"`
	NetworkInterfaceID string         `json:"NetworkInterfaceId"`
	OwnerID            string         `json:"OwnerId"`
	PrivateDNSName     string         `json:"PrivateDnsName"`
	PrivateIPAddress   string         `json:"PrivateIpAddress"`
	PrivateIPAddresses []cliPrivateIP `json:"PrivateIpAddresses"`
	RequesterID        string         `json:"RequesterId"`
	RequesterManaged   bool           `json:"RequesterManaged"`
	SourceDestCheck    bool           `json:"SourceDestCheck"`
	Status             string         `json:"Status"`
	SubnetID           string         `json:"SubnetId"`
	TagSet             []cliTag       `json:"TagSet"`
	VpcID              string         `json:"VpcId"`
}

type cliGroup struct {
	GroupName string `json:"GroupName"`
	GroupID   string `json:"GroupId"`
}

type cliPrivateIP struct {
	PrivateDNSName   string `json:"PrivateDnsName"`
	PrivateIPAddress string `json:"PrivateIpAddress"`
	Primary          bool   `json:"Primary"`
}

// cliRun renders one run as GetJobRuns returns it.
func cliRun(c *Category, r *run, style int, dpu float64, g *rng, skew time.Duration) cliJobRun {
	j := cliJobRun{
		ID: r.ID, TriggerName: r.Trigger, JobName: r.Job, JobMode: "SCRIPT",
		StartedOn: cliTime{r.StartedOn.Add(skew), style}, JobRunState: "RUNNING",
		PredecessorRuns: []string{}, AllocatedCapacity: int(float64(r.Workers) * dpu), Timeout: 2880,
		MaxCapacity: float64(r.Workers) * dpu, WorkerType: c.WorkerType, NumberOfWorkers: r.Workers,
		LogGroupName: "/aws-glue/jobs", GlueVersion: "4.0", ExecutionClass: "STANDARD",
	}
	if r.Trigger == "" {
		j.Arguments = map[string]string{"--run_date": r.StartedOn.Format("2006-01-02"), "--backfill": "true"}
	}
	last := r.StartedOn
	if !r.CompletedOn.IsZero() {
		last = r.CompletedOn
		j.CompletedOn = &cliTime{r.CompletedOn.Add(skew), style}
		secs := int(r.CompletedOn.Sub(r.StartedOn) / time.Second)
		if r.Failed {
			j.JobRunState = "FAILED"
			j.ErrorMessage = runErrorMessage(r)
			j.ExecutionTime = 0
		} else {
			j.JobRunState = "SUCCEEDED"
			j.ExecutionTime = max(1, secs-g.between(8, 30))
		}
	}
	j.LastModifiedOn = cliTime{last.Add(skew), style}
	return j
}

// azPrefix is the prefix of a region's zone ids: eu-west-1 → euw1,
// us-east-1 → use1, ap-southeast-2 → apse2.
func azPrefix(region string) string {
	parts := strings.Split(region, "-")
	if len(parts) != 3 {
		return region
	}
	dir := map[string]string{"north": "n", "south": "s", "east": "e", "west": "w", "central": "c",
		"northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw"}[parts[1]]
	if dir == "" {
		dir = parts[1][:1]
	}
	return parts[0] + dir + parts[2]
}
