// Package subnetfree reads how many IPs a subnet has free now: EC2
// DescribeSubnets' AvailableIpAddressCount through the AWS SDK, or the same
// field in `aws ec2 describe-subnets` output saved to a file; and, when
// asked, the Glue ENIs in the subnet (DescribeNetworkInterfaces, or its CLI
// output), classified like the ingest (ingest/eniclass: Glue's "Attached to
// Glue using role: ..." description).
package subnetfree

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/gluelens/gluelens/ingest/eniclass"
)

// Subnet is a subnet's state now.
type Subnet struct {
	ID           string
	CIDR         string
	State        string
	AvailableIPs int
}

// GlueENIs counts the Glue ENIs of a subnet.
type GlueENIs struct {
	ENIs int // Glue ENIs in the subnet
	IPs  int // their private IPv4 addresses
	// Detached are the Glue ENIs in status "available": no longer attached
	// to a worker, held until Glue deletes them (the linger).
	Detached int
}

// EC2 reads subnets and ENIs through the EC2 API.
type EC2 struct {
	api *ec2.Client
	// Timeout bounds every call (retries and pages included); 0 means none.
	Timeout time.Duration
}

// NewEC2 returns an EC2 reader for cfg; endpoint, when set, replaces the
// EC2 endpoint.
func NewEC2(cfg aws.Config, endpoint string, timeout time.Duration) *EC2 {
	api := ec2.NewFromConfig(cfg, func(o *ec2.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
	return &EC2{api: api, Timeout: timeout}
}

func (e *EC2) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if e.Timeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, e.Timeout)
}

// Subnet describes one subnet.
func (e *EC2) Subnet(ctx context.Context, id string) (Subnet, error) {
	ctx, cancel := e.bound(ctx)
	defer cancel()
	out, err := e.api.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{id}})
	if err != nil {
		return Subnet{}, fmt.Errorf("describing subnet %s: %w", id, err)
	}
	for _, s := range out.Subnets {
		if aws.ToString(s.SubnetId) != id {
			continue
		}
		if s.AvailableIpAddressCount == nil {
			return Subnet{}, fmt.Errorf("describing subnet %s: the answer has no AvailableIpAddressCount", id)
		}
		return Subnet{ID: id, CIDR: aws.ToString(s.CidrBlock), State: string(s.State), AvailableIPs: int(*s.AvailableIpAddressCount)}, nil
	}
	return Subnet{}, fmt.Errorf("describing subnet %s: EC2 returned no such subnet", id)
}

// GlueENIs counts the Glue ENIs in a subnet, every page of
// DescribeNetworkInterfaces filtered by subnet-id.
func (e *EC2) GlueENIs(ctx context.Context, subnet string) (GlueENIs, error) {
	ctx, cancel := e.bound(ctx)
	defer cancel()
	var g GlueENIs
	p := ec2.NewDescribeNetworkInterfacesPaginator(e.api, &ec2.DescribeNetworkInterfacesInput{
		Filters:    []types.Filter{{Name: aws.String("subnet-id"), Values: []string{subnet}}},
		MaxResults: aws.Int32(1000),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return GlueENIs{}, fmt.Errorf("listing the network interfaces of %s: %w", subnet, err)
		}
		for _, n := range page.NetworkInterfaces {
			if aws.ToString(n.SubnetId) != subnet {
				continue
			}
			g.add(aws.ToString(n.Description), aws.ToString(n.RequesterId), string(n.InterfaceType), string(n.Status), len(n.PrivateIpAddresses))
		}
	}
	return g, nil
}

func (g *GlueENIs) add(description, requesterID, interfaceType, status string, ips int) {
	if eniclass.Requester(eniclass.Evidence{Description: description, RequesterID: requesterID, InterfaceType: interfaceType}) != eniclass.Glue {
		return
	}
	g.ENIs++
	g.IPs += max(ips, 1)
	if status == string(types.NetworkInterfaceStatusAvailable) {
		g.Detached++
	}
}

// SubnetFromFile reads a subnet from `aws ec2 describe-subnets` output
// ({"Subnets": [...]}, as the CLI prints it with --output json).
func SubnetFromFile(path, id string) (Subnet, error) {
	var doc struct {
		Subnets *[]struct {
			SubnetID                string `json:"SubnetId"`
			CidrBlock               string `json:"CidrBlock"`
			State                   string `json:"State"`
			AvailableIPAddressCount *int   `json:"AvailableIpAddressCount"`
		} `json:"Subnets"`
	}
	if err := readJSON(path, &doc); err != nil {
		return Subnet{}, err
	}
	if doc.Subnets == nil {
		return Subnet{}, fmt.Errorf("reading %s: not describe-subnets output (no Subnets array)", path)
	}
	for i, s := range *doc.Subnets {
		if s.SubnetID != id {
			continue
		}
		if s.AvailableIPAddressCount == nil {
			return Subnet{}, fmt.Errorf("reading %s: subnet %d (%s) has no AvailableIpAddressCount", path, i+1, id)
		}
		if *s.AvailableIPAddressCount < 0 {
			return Subnet{}, fmt.Errorf("reading %s: subnet %d (%s): AvailableIpAddressCount %d is negative", path, i+1, id, *s.AvailableIPAddressCount)
		}
		return Subnet{ID: id, CIDR: s.CidrBlock, State: s.State, AvailableIPs: *s.AvailableIPAddressCount}, nil
	}
	return Subnet{}, fmt.Errorf("reading %s: no subnet %s among its %d subnet(s)", path, id, len(*doc.Subnets))
}

// GlueENIsFromFile counts the Glue ENIs of a subnet in
// `aws ec2 describe-network-interfaces` output.
func GlueENIsFromFile(path, subnet string) (GlueENIs, error) {
	var doc struct {
		NetworkInterfaces *[]struct {
			SubnetID           string            `json:"SubnetId"`
			Status             string            `json:"Status"`
			Description        string            `json:"Description"`
			RequesterID        string            `json:"RequesterId"`
			InterfaceType      string            `json:"InterfaceType"`
			PrivateIPAddresses []json.RawMessage `json:"PrivateIpAddresses"`
		} `json:"NetworkInterfaces"`
	}
	if err := readJSON(path, &doc); err != nil {
		return GlueENIs{}, err
	}
	if doc.NetworkInterfaces == nil {
		return GlueENIs{}, fmt.Errorf("reading %s: not describe-network-interfaces output (no NetworkInterfaces array)", path)
	}
	var g GlueENIs
	for _, n := range *doc.NetworkInterfaces {
		if n.SubnetID == subnet {
			g.add(n.Description, n.RequesterID, n.InterfaceType, n.Status, len(n.PrivateIPAddresses))
		}
	}
	return g, nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	return nil
}
