package awscli

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/eniclass"
)

// reservedPerSubnet is the number of addresses AWS keeps in every subnet:
// network, router, DNS, future use, broadcast (FORMATS.md §1.5).
const reservedPerSubnet = 5

type tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// subnet is the part of an EC2 Subnet that the subnets table keeps.
type subnet struct {
	SubnetID                string   `json:"SubnetId"`
	VpcID                   string   `json:"VpcId"`
	CidrBlock               string   `json:"CidrBlock"`
	AvailableIPAddressCount *float64 `json:"AvailableIpAddressCount"`
	AvailabilityZone        string   `json:"AvailabilityZone"`
	OwnerID                 string   `json:"OwnerId"`
	Tags                    []tag    `json:"Tags"`
}

// decodeSubnet fills subnets. usable_ips = 2^(32−prefix) − 5; a CIDR that
// does not parse as IPv4 leaves prefix and usable NULL with a warning.
func decodeSubnet(in *ingest.Input, raw json.RawMessage, n int, out ingest.Sink) error {
	var s subnet
	if err := json.Unmarshal(raw, &s); err != nil {
		return bad(out, n, "subnet", err)
	}
	if s.SubnetID == "" {
		return bad(out, n, "subnet", errors.New(errMissingSubnetMsg))
	}
	var prefix, usable any
	if s.CidrBlock != "" {
		p, err := netip.ParsePrefix(s.CidrBlock)
		if err != nil || !p.Addr().Is4() {
			out.Warn(int64(n), fmt.Sprintf("subnet %s: CidrBlock %q is not an IPv4 prefix", s.SubnetID, s.CidrBlock))
		} else {
			prefix = int32(p.Bits())
			usable = int32(int64(1)<<(32-p.Bits()) - reservedPerSubnet)
		}
	}
	name := ""
	for _, t := range s.Tags {
		if t.Key == "Name" {
			name = t.Value
		}
	}
	return out.Append(TableSubnets,
		s.SubnetID, str(s.VpcID), str(s.CidrBlock), prefix, usable, i32(s.AvailableIPAddressCount),
		str(s.AvailabilityZone), str(s.OwnerID), str(name), str(in.URI))
}

// networkInterface is the part of an EC2 NetworkInterface that
// eni_snapshots keeps.
type networkInterface struct {
	NetworkInterfaceID string      `json:"NetworkInterfaceId"`
	SubnetID           string      `json:"SubnetId"`
	VpcID              string      `json:"VpcId"`
	AvailabilityZone   string      `json:"AvailabilityZone"`
	Status             string      `json:"Status"`
	Description        string      `json:"Description"`
	RequesterID        string      `json:"RequesterId"`
	InterfaceType      string      `json:"InterfaceType"`
	RequesterManaged   *bool       `json:"RequesterManaged"`
	PrivateIPAddress   string      `json:"PrivateIpAddress"`
	PrivateIPAddresses []*struct{} `json:"PrivateIpAddresses"`
}

// decodeNetworkInterface fills eni_snapshots. The snapshot time is the
// object's modification time: the CLI output carries none of its own.
func decodeNetworkInterface(in *ingest.Input, raw json.RawMessage, n int, out ingest.Sink) error {
	var e networkInterface
	if err := json.Unmarshal(raw, &e); err != nil {
		return bad(out, n, "network interface", err)
	}
	if e.NetworkInterfaceID == "" {
		return bad(out, n, "network interface", errors.New(errMissingNetIfIDMsg))
	}
	if in.ModTime.IsZero() {
		return fmt.Errorf("decoding network interface %d: the object has no modification time to date the snapshot", n)
	}
	ipCount := int32(len(e.PrivateIPAddresses))
	if ipCount == 0 {
		ipCount = 1
	}
	var managed any
	if e.RequesterManaged != nil {
		managed = *e.RequesterManaged
	}
	requester := eniclass.Requester(eniclass.Evidence{
		Description:   e.Description,
		RequesterID:   e.RequesterID,
		InterfaceType: e.InterfaceType,
	})
	return out.Append(TableENISnapshots,
		e.NetworkInterfaceID, in.ModTime.UTC(), str(e.SubnetID), str(e.VpcID), str(e.AvailabilityZone),
		str(e.Status), str(e.Description), requester, str(e.InterfaceType), managed,
		str(e.PrivateIPAddress), ipCount, str(in.URI))
}
