// Package synth writes realistic sample evidence — CloudTrail log files in
// the S3 key layout, AWS CLI output for Glue and EC2 — together with a
// truth.json computed by the generator's own simulation, never by gluelens'
// analysis code. Output depends only on the scenario parameters and the
// seed: the same seed always gives the same bytes (fixed base date, PCG
// random stream, no wall clock).
//
// A Scenario is a parameter set. IPExhaustion is the one shipped today; a
// busy week (more categories, Duration of seven days) or an "after the fix"
// layout (categories pointing at their own subnets) are other values of the
// same struct. The CloudTrail benchmark corpus (WriteBenchCorpus) is separate: it
// needs volume, not a consistent story.
package synth

import (
	"fmt"
	"slices"
	"time"
)

// Scenario describes an account whose Glue jobs draw IPs from VPC subnets.
type Scenario struct {
	Name      string
	AccountID string
	Region    string
	VPCID     string
	Start     time.Time     // first possible run start (UTC)
	RunSpan   time.Duration // runs start in [Start, Start+RunSpan)
	Cutoff    time.Duration // evidence is collected at Start+Cutoff: later calls are not in it
	Subnets   []Subnet
	// Categories of Glue jobs; each has its own IAM role and subnet.
	Categories []Category
	Lambdas    []LambdaENI
	// Preexisting ENIs exist before the evidence starts and are deleted
	// during it: their delete has no create record.
	Preexisting []PreexistingENI
	DryRuns     []DryRunProbe
	// LaunchGate holds each listed category's runs back until its subnet
	// has Threshold free IPs (nil: no gate; see gate.go).
	LaunchGate []GateThreshold
	// GlueClockSkew shifts every Glue timestamp of get-job-runs: Glue's
	// clock ahead (+) or behind (−) CloudTrail's, which is the true time.
	GlueClockSkew time.Duration

	CreateDelay [2]time.Duration // ENI create after the run's StartedOn
	Linger      [2]time.Duration // ENI delete after the run's CompletedOn
	FailDelay   [2]time.Duration // run CompletedOn after its failed ENI create
	// MinStartGap separates starts of runs sharing a role and subnet. With
	// CreateDelay below it, every Glue ENI create belongs to exactly one
	// run: the one of the same role and subnet that started CreateDelay
	// before it.
	MinStartGap time.Duration

	NoisePerHour int // non-ENI CloudTrail records per hour
	// ENIShare, when above 0, pads every CloudTrail log file with further
	// realistic non-ENI records until ENI records are this share of the
	// trail (a real management trail: about 0.005). The padding is drawn
	// from each file's own random stream, so it never changes the rest of
	// the evidence.
	ENIShare         float64
	DuplicateRecords int // ENI records delivered a second time in a later file
	DigestFiles      int // CloudTrail-Digest files (hourly), signed; see Integrity
	// Integrity: a digest chain over the whole trail, and damage done to
	// the delivered files (digest.go).
	Integrity       Integrity
	JobRunsPageSize int // runs per get-job-runs page
}

// Subnet is one VPC subnet.
type Subnet struct {
	ID   string
	CIDR string // e.g. 10.20.8.0/26
	AZ   string
	Name string // Name tag
	// Connection is the Glue connection placing jobs in this subnet
	// ("" when no Glue connection uses it).
	Connection    string
	SecurityGroup string
	// Account, Region and VPC place the subnet in another account or
	// region than the scenario's own (empty: the scenario's AccountID,
	// Region and VPCID). Each account and region gets its own CloudTrail
	// files, digests and AWS CLI output.
	Account, Region, VPC string
}

// cell is one account and region of a scenario: its own trail and CLI output.
type cell struct{ acct, region, vpc string }

// cellOf returns the account, region and VPC of subnet sn.
func (s *Scenario) cellOf(sn Subnet) cell {
	c := cell{acct: s.AccountID, region: s.Region, vpc: s.VPCID}
	if sn.Account != "" {
		c.acct = sn.Account
	}
	if sn.Region != "" {
		c.region = sn.Region
	}
	if sn.VPC != "" {
		c.vpc = sn.VPC
	}
	return c
}

// cells lists the scenario's accounts and regions, its own first, then in
// the order their subnets appear.
func (s *Scenario) cells() []cell {
	out := []cell{{acct: s.AccountID, region: s.Region, vpc: s.VPCID}}
	seen := map[[2]string]bool{{s.AccountID, s.Region}: true}
	for _, sn := range s.Subnets {
		c := s.cellOf(sn)
		if !seen[[2]string{c.acct, c.region}] {
			seen[[2]string{c.acct, c.region}] = true
			out = append(out, c)
		}
	}
	return out
}

// subnetCell returns the cell of the subnet with id (the scenario's own
// for an unknown id).
func (s *Scenario) subnetCell(id string) cell {
	sn, err := s.subnet(id)
	if err != nil {
		return cell{acct: s.AccountID, region: s.Region, vpc: s.VPCID}
	}
	return s.cellOf(sn)
}

// Category is a family of Glue jobs sharing an IAM role and a subnet.
type Category struct {
	Name       string // e.g. "ingest"
	Role       string // IAM role name
	Subnet     string // subnet ID
	WorkerType string // G.1X, G.2X, ...
	Workers    [2]int // NumberOfWorkers per run, inclusive range
	JobWorkers int    // NumberOfWorkers in the job definition
	Jobs       []string
	Every      time.Duration    // regular interval between runs of one job
	Duration   [2]time.Duration // run duration (StartedOn → CompletedOn) when it succeeds
	// Bursts add one run of every job of the category at these offsets
	// from Start (spread by MinStartGap).
	Bursts []time.Duration
	// Exact adds one run of the category's first job at each of these
	// offsets from Start, to the millisecond.
	Exact []time.Duration
	// Repoint moves one job to another subnet: its runs starting at or
	// after At use Subnet; get-jobs shows only the new definition.
	Repoint *Repoint
}

// Repoint is a job re-pointed to another subnet (a new Glue connection).
type Repoint struct {
	Job    string
	At     time.Duration // offset from Start
	Subnet string
}

// LambdaENI is a Lambda Hyperplane ENI created in a subnet during the
// evidence and deleted Delete after Start (never when Delete is zero).
type LambdaENI struct {
	Function string
	Subnet   string
	Create   time.Duration // offset from Start
	Delete   time.Duration
}

// PreexistingENI is an ENI created before the evidence and deleted at
// offset Delete by an operator.
type PreexistingENI struct {
	Subnet      string
	Description string
	Delete      time.Duration
	// NoSnapshot leaves the ENI out of the describe-network-interfaces
	// snapshot: it is known only by its delete, which names no subnet.
	NoSnapshot bool
}

// DryRunProbe is a CreateNetworkInterface with DryRun set: CloudTrail
// records Client.DryRunOperation; nothing is created.
type DryRunProbe struct {
	Subnet string
	At     time.Duration
}

// IPExhaustion is the shipped scenario: one account in eu-west-1 whose
// ingest-*, transform-* and export-* Glue jobs share a /26 (59 usable IPs)
// through one Glue connection, while report-* jobs use a roomy /24. Glue
// keeps each worker's ENI for 50–90 minutes after the run completes, so a
// morning burst of runs at 06:00 finds the /26 full: creates fail with
// InsufficientFreeAddressesInSubnet and the runs fail within seconds.
//
// Attribution is unambiguous by construction: runs of one category (one
// role, one subnet) start at least MinStartGap (3 minutes) apart and every
// ENI create comes 5–60 s after its run's StartedOn, so the run owning a
// Glue ENI is the one of the same role and subnet that started 5–60 s
// before the create.
func IPExhaustion() Scenario {
	const acct = "481516234200"
	return Scenario{
		Name:      "ip-exhaustion",
		AccountID: acct,
		Region:    "eu-west-1",
		VPCID:     "vpc-0a1b2c3d4e5f60718",
		Start:     time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC),
		RunSpan:   18 * time.Hour,
		Cutoff:    18*time.Hour + 45*time.Minute, // some Glue ENIs still linger when the evidence is collected
		Subnets: []Subnet{
			{ID: "subnet-0d1e2f3a4b5c6d7e8", CIDR: "10.20.8.0/26", AZ: "eu-west-1a", Name: "data-private-a", Connection: "vpc-data-private-a", SecurityGroup: "sg-0c1d2e3f4a5b6c7d8"},
			{ID: "subnet-05a6b7c8d9e0f1a2b", CIDR: "10.20.16.0/24", AZ: "eu-west-1b", Name: "reporting-private-b", Connection: "vpc-reporting-private-b", SecurityGroup: "sg-07a8b9c0d1e2f3a4b"},
			{ID: "subnet-0f9e8d7c6b5a49382", CIDR: "10.20.0.0/24", AZ: "eu-west-1a", Name: "public-a", SecurityGroup: ""},
		},
		Categories: []Category{
			{Name: "ingest", Role: "glue-ingest-role", Subnet: "subnet-0d1e2f3a4b5c6d7e8", WorkerType: "G.1X", Workers: [2]int{10, 10}, JobWorkers: 10,
				Jobs: []string{"ingest-orders", "ingest-clickstream", "ingest-payments"}, Every: 2 * time.Hour,
				Duration: [2]time.Duration{8 * time.Minute, 22 * time.Minute}, Bursts: []time.Duration{6 * time.Hour}},
			{Name: "transform", Role: "glue-transform-role", Subnet: "subnet-0d1e2f3a4b5c6d7e8", WorkerType: "G.2X", Workers: [2]int{8, 12}, JobWorkers: 10,
				Jobs: []string{"transform-sessions", "transform-daily-agg"}, Every: 3 * time.Hour,
				Duration: [2]time.Duration{20 * time.Minute, 45 * time.Minute}, Bursts: []time.Duration{6*time.Hour + 5*time.Minute}},
			{Name: "export", Role: "glue-export-role", Subnet: "subnet-0d1e2f3a4b5c6d7e8", WorkerType: "G.1X", Workers: [2]int{4, 6}, JobWorkers: 5,
				Jobs: []string{"export-partner-feed", "export-finance"}, Every: 4 * time.Hour,
				Duration: [2]time.Duration{6 * time.Minute, 15 * time.Minute}, Bursts: []time.Duration{6*time.Hour + 10*time.Minute}},
			{Name: "report", Role: "glue-report-role", Subnet: "subnet-05a6b7c8d9e0f1a2b", WorkerType: "G.2X", Workers: [2]int{20, 20}, JobWorkers: 20,
				Jobs: []string{"report-dashboards", "report-kpis"}, Every: 3 * time.Hour,
				Duration: [2]time.Duration{15 * time.Minute, 35 * time.Minute}},
		},
		Lambdas: []LambdaENI{
			{Function: "order-webhook", Subnet: "subnet-0d1e2f3a4b5c6d7e8", Create: 2*time.Hour + 10*time.Minute, Delete: 11*time.Hour + 30*time.Minute},
			{Function: "fraud-score", Subnet: "subnet-0d1e2f3a4b5c6d7e8", Create: 4*time.Hour + 40*time.Minute},
			{Function: "partner-callback", Subnet: "subnet-0d1e2f3a4b5c6d7e8", Create: 9*time.Hour + 45*time.Minute, Delete: 17*time.Hour + 20*time.Minute},
		},
		Preexisting: []PreexistingENI{
			{Subnet: "subnet-0d1e2f3a4b5c6d7e8", Description: "Attached to Glue using role: arn:aws:iam::" + acct + ":role/glue-legacy-role", Delete: 9*time.Hour + 12*time.Minute},
		},
		DryRuns:          []DryRunProbe{{Subnet: "subnet-0d1e2f3a4b5c6d7e8", At: 5*time.Hour + 58*time.Minute}},
		CreateDelay:      [2]time.Duration{5 * time.Second, 60 * time.Second},
		Linger:           [2]time.Duration{50 * time.Minute, 90 * time.Minute},
		FailDelay:        [2]time.Duration{2 * time.Second, 9 * time.Second},
		MinStartGap:      3 * time.Minute,
		NoisePerHour:     60,
		DuplicateRecords: 1,
		DigestFiles:      1,
		JobRunsPageSize:  5,
	}
}

// subnet returns the subnet with id.
func (s *Scenario) subnet(id string) (Subnet, error) {
	for _, sn := range s.Subnets {
		if sn.ID == id {
			return sn, nil
		}
	}
	return Subnet{}, fmt.Errorf("scenario %s: unknown subnet %s", s.Name, id)
}

// validate checks what the simulation relies on.
func (s *Scenario) validate() error {
	if s.CreateDelay[1] >= s.MinStartGap {
		return fmt.Errorf("scenario %s: create delay %s must stay below the start gap %s so attribution is unambiguous", s.Name, s.CreateDelay[1], s.MinStartGap)
	}
	if s.ENIShare < 0 || s.ENIShare > 1 {
		return fmt.Errorf("scenario %s: ENI share %g must lie between 0 and 1", s.Name, s.ENIShare)
	}
	if s.Cutoff <= s.RunSpan {
		return fmt.Errorf("scenario %s: cutoff %s must come after the run span %s", s.Name, s.Cutoff, s.RunSpan)
	}
	for _, sn := range s.Subnets {
		if _, err := parseCIDR(sn.CIDR); err != nil {
			return fmt.Errorf("scenario %s: subnet %s: %w", s.Name, sn.ID, err)
		}
	}
	for _, c := range s.Categories {
		if _, err := s.subnet(c.Subnet); err != nil {
			return err
		}
		if rp := c.Repoint; rp != nil {
			if _, err := s.subnet(rp.Subnet); err != nil || !slices.Contains(c.Jobs, rp.Job) {
				return fmt.Errorf("scenario %s: category %s: re-pointing %s to %s: unknown job or subnet", s.Name, c.Name, rp.Job, rp.Subnet)
			}
		}
		if len(c.Jobs) == 0 || c.Workers[0] < 1 || c.Workers[1] < c.Workers[0] {
			return fmt.Errorf("scenario %s: category %s: needs jobs and a worker range", s.Name, c.Name)
		}
		// A gate asking for more IPs than the subnet has would hold runs forever,
		// one asking for fewer than a run needs would not prevent refused creates.
		if th, gated := s.gateOf(&c); gated {
			sn, _ := s.subnet(c.Subnet)
			p, _ := parseCIDR(sn.CIDR)
			if th > len(p.hosts) || th < c.Workers[1] {
				return fmt.Errorf("scenario %s: category %s: launch threshold %d must lie between the most workers of a run (%d) and the subnet's %d usable IPs",
					s.Name, c.Name, th, c.Workers[1], len(p.hosts))
			}
		}
	}
	return nil
}
