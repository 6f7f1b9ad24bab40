// Package place puts the subnets a plan proposes into the network the
// evidence describes: for each, a free CIDR block of its size inside the
// VPC of the subnet its categories use now (the VPC's blocks from
// describe-vpcs less its subnets' from describe-subnets), and the lines
// that apply it — create the subnet, create a Glue NETWORK connection to
// it, and re-point each job of its categories to that connection.
//
// Every value that comes from the evidence is shell-quoted and every JSON
// document comes from encoding/json; the lines run in a subshell with
// set -euo pipefail, so a failing step stops the rest and leaves the shell
// they were pasted into open. docs/planning.md explains the lines.
package place

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/gluelens/gluelens/analysis/facts"
	"github.com/gluelens/gluelens/analysis/plan"
	"github.com/gluelens/gluelens/internal/cidrfree"
	"github.com/gluelens/gluelens/internal/shellquote"
	"github.com/gluelens/gluelens/internal/store"
)

// Network is what the evidence says about where a subnet can go.
type Network struct {
	Subnets     map[string]facts.Subnet
	VPCBlocks   map[string][]store.VPCCIDRBlock
	Connections []store.GlueConnection
}

// Load reads the subnets, the VPCs' blocks and the Glue connections.
func Load(ctx context.Context, st *store.Store) (*Network, error) {
	subnets, err := facts.Subnets(ctx, st)
	if err != nil {
		return nil, fmt.Errorf("placing subnets: %w", err)
	}
	blocks, err := facts.VPCBlocks(ctx, st)
	if err != nil {
		return nil, fmt.Errorf("placing subnets: %w", err)
	}
	conns, err := facts.Connections(ctx, st)
	if err != nil {
		return nil, fmt.Errorf("placing subnets: %w", err)
	}
	n := &Network{Subnets: map[string]facts.Subnet{}, VPCBlocks: map[string][]store.VPCCIDRBlock{}, Connections: conns}
	for _, s := range subnets {
		n.Subnets[s.ID] = s
	}
	for _, b := range blocks {
		n.VPCBlocks[b.VpcID] = append(n.VPCBlocks[b.VpcID], b)
	}
	return n, nil
}

// Placement is where one proposed subnet goes and the lines that create
// it. CIDR is empty when no block can be named; Problem then says why (as
// data: reports/words words it from the placement's fields), and Lines
// holds only what collects the missing evidence (or nothing).
type Placement struct {
	Subnet     string   `json:"subnet"` // the proposal's name, also the new connection's and the Name tag
	Categories []string `json:"categories"`
	Prefix     int      `json:"prefix"`
	// From is the subnet the categories' runs use now (the one most of
	// them ran in); the new subnet goes in its VPC and Availability Zone.
	From  string `json:"from_subnet,omitempty"`
	VpcID string `json:"vpc_id,omitempty"`
	AZ    string `json:"availability_zone,omitempty"`
	CIDR  string `json:"cidr_block,omitempty"`
	// VPCBlocks are the VPC's associated IPv4 blocks searched; Taken counts
	// the VPC's subnets the evidence describes (their blocks are not free).
	VPCBlocks []string `json:"vpc_blocks,omitempty"`
	Taken     int      `json:"taken_blocks"`
	// LargestFree is the largest block left free when none of Prefix is.
	LargestFree    string   `json:"largest_free,omitempty"`
	SecurityGroups []string `json:"security_groups,omitempty"`
	// OldConnections are the connections to the subnets the categories
	// use now: re-pointing takes them off each job.
	OldConnections []string `json:"old_connections,omitempty"`
	Jobs           []string `json:"jobs"`
	// Problem is why no block is named (nil when CIDR is set); the JSON
	// carries it worded, in its place before lines.
	Problem *Problem `json:"-"`
	Lines   string   `json:"lines,omitempty"`
}

// Problem is why a placement names no block: its kind, and what the
// placement's own fields do not hold.
type Problem struct {
	Kind ProblemKind
	// FreeAddresses is how many addresses the VPC's blocks leave free
	// (NoRoom); the largest free block is the placement's LargestFree.
	FreeAddresses uint64
	// Err is why the VPC's blocks could not be read (BlocksUnreadable).
	Err error
}

// ProblemKind names why a placement names no block.
type ProblemKind string

// The kinds of Problem, each with the placement fields its words use.
const (
	// NoSubnetKnown: no run of the Categories names a subnet, so the VPC
	// to put Subnet in is unknown.
	NoSubnetKnown ProblemKind = "no_subnet_known"
	// SubnetUndescribed: the subnet From is not in the describe-subnets
	// output, so its VPC is unknown.
	SubnetUndescribed ProblemKind = "subnet_undescribed"
	// NoZone: the Availability Zone of From is unknown.
	NoZone ProblemKind = "no_zone"
	// NoVPCBlocks: the evidence has no describe-vpcs output for VpcID.
	NoVPCBlocks ProblemKind = "no_vpc_blocks"
	// BlocksUnreadable: VpcID's blocks could not be read (Problem.Err).
	BlocksUnreadable ProblemKind = "blocks_unreadable"
	// NoRoom: no block of Prefix is free in VpcID's VPCBlocks less its
	// Taken subnets; Problem.FreeAddresses are left, LargestFree the
	// largest block ("" when nothing is free).
	NoRoom ProblemKind = "no_room"
)

// Place places every proposal. Proposals in one VPC are placed together,
// the largest first, so their blocks never overlap.
func Place(n *Network, d *plan.Demand, props []plan.SubnetProposal) []Placement {
	out := make([]Placement, len(props))
	byVPC := map[string][]int{}
	var vpcs []string
	for i, p := range props {
		pl := &out[i]
		*pl = Placement{Subnet: p.Subnet, Categories: p.Categories, Prefix: p.Prefix}
		used := usage(d, p.Categories)
		pl.Jobs = used.jobs
		pl.OldConnections = n.connectionsTo(used.subnets)
		if len(used.subnets) == 0 {
			pl.Problem = &Problem{Kind: NoSubnetKnown}
			continue
		}
		pl.From = used.subnets[0]
		s, ok := n.Subnets[pl.From]
		if !ok || s.VpcID == nil || *s.VpcID == "" {
			pl.Problem = &Problem{Kind: SubnetUndescribed}
			pl.Lines = shellquote.Join("aws", "ec2", "describe-subnets", "--subnet-ids", pl.From, "--output", "json") + " > describe-subnets.json"
			continue
		}
		pl.VpcID = *s.VpcID
		if s.AZ != nil {
			pl.AZ = *s.AZ
		}
		pl.SecurityGroups = n.securityGroups(pl.From)
		if pl.AZ == "" {
			pl.AZ = n.connectionAZ(pl.From)
		}
		if pl.AZ == "" {
			pl.Problem = &Problem{Kind: NoZone}
			continue
		}
		if _, ok := byVPC[pl.VpcID]; !ok {
			vpcs = append(vpcs, pl.VpcID)
		}
		byVPC[pl.VpcID] = append(byVPC[pl.VpcID], i)
	}
	for _, vpc := range vpcs {
		n.allocate(vpc, byVPC[vpc], out)
	}
	for i := range out {
		if out[i].CIDR != "" {
			out[i].Lines = lines(&out[i], i+1)
		}
	}
	return out
}

// used is what a proposal's categories use now.
type used struct {
	subnets []string // by runs, most first
	jobs    []string // sorted
}

func usage(d *plan.Demand, cats []string) used {
	runs := map[string]int{}
	jobs := map[string]bool{}
	for i := range d.Runs {
		r := &d.Runs[i]
		if !slices.Contains(cats, r.Category) {
			continue
		}
		jobs[r.Job] = true
		if r.Subnet != "" {
			runs[r.Subnet]++
		}
	}
	var u used
	for s := range runs {
		u.subnets = append(u.subnets, s)
	}
	sort.Slice(u.subnets, func(i, j int) bool {
		a, b := u.subnets[i], u.subnets[j]
		if runs[a] != runs[b] {
			return runs[a] > runs[b]
		}
		return a < b
	})
	for j := range jobs {
		u.jobs = append(u.jobs, j)
	}
	sort.Strings(u.jobs)
	return u
}

func (n *Network) connectionsTo(subnets []string) []string {
	var out []string
	for _, c := range n.Connections {
		if c.SubnetID != nil && slices.Contains(subnets, *c.SubnetID) {
			out = append(out, c.ConnectionName)
		}
	}
	sort.Strings(out)
	return out
}

func (n *Network) securityGroups(subnet string) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range n.Connections {
		if c.SubnetID == nil || *c.SubnetID != subnet || c.SecurityGroupIDs == nil {
			continue
		}
		for _, g := range strings.Split(*c.SecurityGroupIDs, ",") {
			if g = strings.TrimSpace(g); g != "" && !seen[g] {
				seen[g] = true
				out = append(out, g)
			}
		}
	}
	sort.Strings(out)
	return out
}

func (n *Network) connectionAZ(subnet string) string {
	for _, c := range n.Connections {
		if c.SubnetID != nil && *c.SubnetID == subnet && c.AvailabilityZone != nil {
			return *c.AvailabilityZone
		}
	}
	return ""
}

// allocate finds blocks for the placements idx, all in vpc.
func (n *Network) allocate(vpc string, idx []int, out []Placement) {
	var outer []netip.Prefix
	var outerText []string
	for _, b := range n.VPCBlocks[vpc] {
		if b.AssociationState != nil && *b.AssociationState != "associated" {
			continue // disassociated, failed, or not yet associated
		}
		p, err := netip.ParsePrefix(b.CidrBlock)
		if err != nil || !p.Addr().Is4() {
			continue
		}
		outer = append(outer, p.Masked())
		outerText = append(outerText, p.Masked().String())
	}
	var taken []netip.Prefix
	for _, s := range n.Subnets {
		if s.VpcID == nil || *s.VpcID != vpc || s.CIDR == nil {
			continue
		}
		if p, err := netip.ParsePrefix(*s.CIDR); err == nil && p.Addr().Is4() {
			taken = append(taken, p)
		}
	}
	for _, i := range idx {
		out[i].VPCBlocks, out[i].Taken = outerText, len(taken)
	}
	if len(outer) == 0 {
		for _, i := range idx {
			out[i].Problem = &Problem{Kind: NoVPCBlocks}
			out[i].Lines = shellquote.Join("aws", "ec2", "describe-vpcs", "--vpc-ids", vpc, "--output", "json") + " > describe-vpcs.json\n" +
				shellquote.Join("aws", "ec2", "describe-subnets", "--filters", "Name=vpc-id,Values="+vpc, "--output", "json") + " > describe-subnets.json"
		}
		return
	}
	space, err := cidrfree.New(outer, taken)
	if err != nil { // cannot happen: every prefix above is IPv4
		for _, i := range idx {
			out[i].Problem = &Problem{Kind: BlocksUnreadable, Err: err}
		}
		return
	}
	bits := make([]int, len(idx))
	for k, i := range idx {
		bits[k] = out[i].Prefix
	}
	got := space.TakeAll(bits)
	largest, some := space.Largest()
	for k, i := range idx {
		pl := &out[i]
		if got[k].IsValid() {
			pl.CIDR = got[k].String()
			continue
		}
		if some {
			pl.LargestFree = largest.String()
		}
		pl.Problem = &Problem{Kind: NoRoom, FreeAddresses: space.FreeAddresses()}
	}
}

// jobUpdate turns `aws glue get-job` output into the JobUpdate of
// `aws glue update-job`, which replaces the whole definition: it keeps
// every field, drops those JobUpdate does not take (Name, CreatedOn,
// LastModifiedOn, ProfileName) and the deprecated AllocatedCapacity,
// drops MaxCapacity when WorkerType is set (Glue refuses both), takes the
// connections to the old subnet off ($old) and puts $new first.
const jobUpdate = `.Job | del(.Name, .CreatedOn, .LastModifiedOn, .ProfileName, .AllocatedCapacity)` +
	` | if .WorkerType then del(.MaxCapacity) else . end` +
	` | .Connections = {Connections: ([$new] + ((.Connections.Connections // []) - $old))}`

// connectionInput is a Glue ConnectionInput for a NETWORK connection,
// without its SubnetId, which lines appends: the subnet exists only once
// create-subnet has run.
type connectionInput struct {
	Name                           string            `json:"Name"`
	Description                    string            `json:"Description"`
	ConnectionType                 string            `json:"ConnectionType"`
	ConnectionProperties           map[string]string `json:"ConnectionProperties"`
	PhysicalConnectionRequirements struct {
		AvailabilityZone    string   `json:"AvailabilityZone"`
		SecurityGroupIDList []string `json:"SecurityGroupIdList"`
	} `json:"PhysicalConnectionRequirements"`
}

// lines renders the commands that apply a placement with a block; k
// numbers the placement in the files the re-pointing writes.
func lines(pl *Placement, k int) string {
	var b strings.Builder
	cats := strings.Join(pl.Categories, ", ")
	fmt.Fprintf(&b, "# %s for %s: %s in %s (%s), %s; free by the describe-subnets output (%d subnets in the VPC), and create-subnet refuses a block a newer subnet took\n",
		comment(pl.Subnet), comment(cats), pl.CIDR, comment(pl.VpcID), strings.Join(pl.VPCBlocks, ", "), comment(pl.AZ), pl.Taken)
	b.WriteString("(\nset -euo pipefail\n")
	tags, _ := json.Marshal([]map[string]any{{"ResourceType": "subnet", "Tags": []map[string]string{{"Key": "Name", "Value": pl.Subnet}}}})
	create := []string{"aws", "ec2", "create-subnet", "--vpc-id", pl.VpcID, "--cidr-block", pl.CIDR, "--availability-zone", pl.AZ,
		"--tag-specifications", string(tags), "--query", "Subnet.SubnetId", "--output", "text"}
	b.WriteString("subnet=$(" + shellquote.Join(create...) + ")\n")
	if len(pl.SecurityGroups) == 0 {
		fmt.Fprintf(&b, "# no Glue connection of %s in the evidence names its security groups: ingest glue get-connections output for the connection and its re-pointing lines\n)\n", comment(pl.From))
		return b.String()
	}
	var in connectionInput
	in.Name, in.ConnectionType, in.ConnectionProperties = pl.Subnet, "NETWORK", map[string]string{}
	in.Description = "Glue network connection to subnet " + pl.Subnet + " (" + pl.CIDR + ")"
	in.PhysicalConnectionRequirements.AvailabilityZone = pl.AZ
	in.PhysicalConnectionRequirements.SecurityGroupIDList = pl.SecurityGroups
	js, _ := json.Marshal(in) // plain strings and maps: cannot fail
	head := strings.TrimSuffix(string(js), "}}") + `,"SubnetId":"`
	b.WriteString("aws glue create-connection --connection-input " + shellquote.Quote(head) + `"$subnet"` + shellquote.Quote(`"}}`) + "\n")
	if len(pl.Jobs) == 0 {
		b.WriteString(")\n")
		return b.String()
	}
	old, _ := json.Marshal(append([]string{}, pl.OldConnections...))
	b.WriteString("jobupdate=" + shellquote.Quote(jobUpdate) + "\n")
	for i, job := range pl.Jobs {
		file := fmt.Sprintf("gluelens-subnet%d-job%d", k, i+1)
		b.WriteString(shellquote.Join("aws", "glue", "get-job", "--job-name", job, "--output", "json") + " > " + file + ".json\n")
		b.WriteString(shellquote.Join("jq", "--arg", "new", pl.Subnet, "--argjson", "old", string(old)) + ` "$jobupdate" ` + file + ".json > " + file + ".update.json\n")
		b.WriteString(shellquote.Join("aws", "glue", "update-job", "--job-name", job, "--job-update", "file://"+file+".update.json") + "\n")
	}
	b.WriteString(")\n")
	return b.String()
}

// comment makes evidence text safe inside a shell comment: a line break
// would end the comment and run the rest.
func comment(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' || r == '\u0085' {
			return '?'
		}
		return r
	}, s)
}
