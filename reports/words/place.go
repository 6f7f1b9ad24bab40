package words

import (
	"fmt"
	"strings"

	"github.com/gluelens/gluelens/analysis/place"
)

// PlaceProblem says why a placement names no free block, from its problem
// kind and the placement's fields ("" when it names one). Reports print it
// after "No free block named:"; the JSON carries it as the placement's
// problem.
func PlaceProblem(pl *place.Placement) string {
	if pl == nil || pl.Problem == nil {
		return ""
	}
	p := pl.Problem
	switch p.Kind {
	case place.NoSubnetKnown:
		return fmt.Sprintf("no run of %s names a subnet in the evidence (get-jobs and get-connections say where a job's ENIs go), so the VPC to put %s in is unknown",
			strings.Join(pl.Categories, ", "), pl.Subnet)
	case place.SubnetUndescribed:
		return fmt.Sprintf("subnet %s is not in the describe-subnets output, so its VPC is unknown; collect it and ingest it", pl.From)
	case place.NoZone:
		return fmt.Sprintf("the Availability Zone of subnet %s is unknown (describe-subnets gives it), and the new subnet and its Glue connection must name one", pl.From)
	case place.NoVPCBlocks:
		return fmt.Sprintf("the evidence has no describe-vpcs output for %s, so its CIDR blocks and a free block in them are unknown; collect it and ingest it", pl.VpcID)
	case place.BlocksUnreadable:
		return fmt.Sprintf("reading the blocks of %s: %v", pl.VpcID, p.Err)
	case place.NoRoom:
		free := "nothing is free"
		if _, bits, ok := strings.Cut(pl.LargestFree, "/"); ok {
			free = fmt.Sprintf("the largest free block is a /%s (%s)", bits, pl.LargestFree)
		}
		return fmt.Sprintf("no /%d is free in %s: its blocks %s less the %d subnets describe-subnets lists in it (and the blocks placed above) leave %d addresses, and %s; associate another CIDR block with the VPC (aws ec2 associate-vpc-cidr-block) or choose a smaller size with --cidr",
			pl.Prefix, pl.VpcID, strings.Join(pl.VPCBlocks, ", "), pl.Taken, p.FreeAddresses, free)
	}
	return string(p.Kind)
}
