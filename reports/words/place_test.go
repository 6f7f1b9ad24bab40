package words

import (
	"errors"
	"testing"

	"github.com/gluelens/gluelens/analysis/place"
)

func TestPlaceProblem(t *testing.T) {
	base := place.Placement{Subnet: "glue-big", Categories: []string{"big", "bigger"}, Prefix: 21, From: "subnet-full2", VpcID: "vpc-2",
		VPCBlocks: []string{"10.0.0.0/24", "100.64.0.0/22"}, Taken: 2}
	with := func(p place.Problem, largest string) *place.Placement {
		pl := base
		pl.Problem, pl.LargestFree = &p, largest
		return &pl
	}
	for _, c := range []struct {
		pl   *place.Placement
		want string
	}{
		{nil, ""},
		{&base, ""},
		{with(place.Problem{Kind: place.NoSubnetKnown}, ""),
			"no run of big, bigger names a subnet in the evidence (get-jobs and get-connections say where a job's ENIs go), so the VPC to put glue-big in is unknown"},
		{with(place.Problem{Kind: place.SubnetUndescribed}, ""),
			"subnet subnet-full2 is not in the describe-subnets output, so its VPC is unknown; collect it and ingest it"},
		{with(place.Problem{Kind: place.NoZone}, ""),
			"the Availability Zone of subnet subnet-full2 is unknown (describe-subnets gives it), and the new subnet and its Glue connection must name one"},
		{with(place.Problem{Kind: place.NoVPCBlocks}, ""),
			"the evidence has no describe-vpcs output for vpc-2, so its CIDR blocks and a free block in them are unknown; collect it and ingest it"},
		{with(place.Problem{Kind: place.BlocksUnreadable, Err: errors.New("overlapping blocks")}, ""),
			"reading the blocks of vpc-2: overlapping blocks"},
		{with(place.Problem{Kind: place.NoRoom, FreeAddresses: 768}, "100.64.2.0/23"),
			"no /21 is free in vpc-2: its blocks 10.0.0.0/24, 100.64.0.0/22 less the 2 subnets describe-subnets lists in it (and the blocks placed above) leave 768 addresses, and the largest free block is a /23 (100.64.2.0/23); associate another CIDR block with the VPC (aws ec2 associate-vpc-cidr-block) or choose a smaller size with --cidr"},
		{with(place.Problem{Kind: place.NoRoom}, ""),
			"no /21 is free in vpc-2: its blocks 10.0.0.0/24, 100.64.0.0/22 less the 2 subnets describe-subnets lists in it (and the blocks placed above) leave 0 addresses, and nothing is free; associate another CIDR block with the VPC (aws ec2 associate-vpc-cidr-block) or choose a smaller size with --cidr"},
	} {
		if got := PlaceProblem(c.pl); got != c.want {
			t.Errorf("%+v:\n got %q\nwant %q", c.pl, got, c.want)
		}
	}
}
