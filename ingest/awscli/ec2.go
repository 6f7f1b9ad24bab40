package awscli

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"time"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/eniclass"
	"github.com/gluelens/gluelens/internal/store"
)

// reservedPerSubnet is the number of addresses AWS keeps in every subnet:
// network, router, DNS, future use, broadcast (docs/formats.md §1.5).
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
	var prefix, usable *int32
	if s.CidrBlock != "" {
		p, err := netip.ParsePrefix(s.CidrBlock)
		if err != nil || !p.Addr().Is4() {
			out.Warn(int64(n), fmt.Sprintf("subnet %s: CidrBlock %q is not an IPv4 prefix", s.SubnetID, s.CidrBlock))
		} else {
			prefix = store.Ptr(int32(p.Bits()))
			usable = store.Ptr(int32(int64(1)<<(32-p.Bits()) - reservedPerSubnet))
		}
	}
	name := ""
	for _, t := range s.Tags {
		if t.Key == "Name" {
			name = t.Value
		}
	}
	return out.Append(&store.Subnet{
		SubnetID: s.SubnetID, VpcID: str(s.VpcID), CidrBlock: str(s.CidrBlock), PrefixLength: prefix, UsableIPs: usable,
		AvailableIPCount: record{out, n, fmt.Sprintf("subnet %d (%s)", n, s.SubnetID)}.i32("AvailableIpAddressCount", s.AvailableIPAddressCount), AvailabilityZone: str(s.AvailabilityZone), AccountID: str(s.OwnerID),
		Name: str(name), SourceURI: str(in.URI)})
}

// vpc is the part of an EC2 Vpc that vpc_cidr_blocks keeps: its primary
// IPv4 block and its associated blocks (secondary ones included). IPv6
// blocks (Ipv6CidrBlockAssociationSet) are not read: Glue ENIs take IPv4
// addresses.
type vpc struct {
	VpcID        string `json:"VpcId"`
	CidrBlock    string `json:"CidrBlock"`
	OwnerID      string `json:"OwnerId"`
	Tags         []tag  `json:"Tags"`
	Associations []struct {
		AssociationID  string `json:"AssociationId"`
		CidrBlock      string `json:"CidrBlock"`
		CidrBlockState struct {
			State string `json:"State"`
		} `json:"CidrBlockState"`
	} `json:"CidrBlockAssociationSet"`
}

// decodeVPC fills vpc_cidr_blocks: one row per IPv4 block of the VPC, the
// primary CidrBlock first, then each other block of
// CidrBlockAssociationSet with its association state. A block that does
// not parse as an IPv4 prefix is kept with a warning (the allocator skips
// it).
func decodeVPC(in *ingest.Input, raw json.RawMessage, n int, out ingest.Sink) error {
	var v vpc
	if err := json.Unmarshal(raw, &v); err != nil {
		return bad(out, n, "vpc", err)
	}
	if v.VpcID == "" {
		return bad(out, n, "vpc", errors.New(errMissingVpcIDMsg))
	}
	name := ""
	for _, t := range v.Tags {
		if t.Key == "Name" {
			name = t.Value
		}
	}
	check := func(cidr string) {
		if p, err := netip.ParsePrefix(cidr); err != nil || !p.Addr().Is4() {
			out.Warn(int64(n), fmt.Sprintf("vpc %s: CidrBlock %q is not an IPv4 prefix", v.VpcID, cidr))
		}
	}
	seen := map[string]bool{}
	if v.CidrBlock != "" {
		seen[v.CidrBlock] = true
		check(v.CidrBlock)
		// The primary block's state is its association's when listed.
		state := ""
		for _, a := range v.Associations {
			if a.CidrBlock == v.CidrBlock {
				state = a.CidrBlockState.State
			}
		}
		if err := out.Append(&store.VPCCIDRBlock{VpcID: v.VpcID, CidrBlock: v.CidrBlock, IsPrimary: true,
			AssociationState: str(state), AccountID: str(v.OwnerID), Name: str(name), SourceURI: str(in.URI)}); err != nil {
			return err
		}
	}
	for _, a := range v.Associations {
		if a.CidrBlock == "" || seen[a.CidrBlock] {
			continue
		}
		seen[a.CidrBlock] = true
		check(a.CidrBlock)
		if err := out.Append(&store.VPCCIDRBlock{VpcID: v.VpcID, CidrBlock: a.CidrBlock,
			AssociationState: str(a.CidrBlockState.State), AccountID: str(v.OwnerID), Name: str(name), SourceURI: str(in.URI)}); err != nil {
			return err
		}
	}
	if len(seen) == 0 {
		out.Warn(int64(n), fmt.Sprintf("vpc %s: no IPv4 CidrBlock", v.VpcID))
	}
	return nil
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

// decodeNetworkInterface fills eni_snapshots. The CLI output carries no time
// of its own: the snapshot is dated by a UTC timestamp in the object's name
// when there is one (see SnapshotTime), else by its modification time.
func decodeNetworkInterface(in *ingest.Input, raw json.RawMessage, n int, out ingest.Sink) error {
	var e networkInterface
	if err := json.Unmarshal(raw, &e); err != nil {
		return bad(out, n, "network interface", err)
	}
	if e.NetworkInterfaceID == "" {
		return bad(out, n, "network interface", errors.New(errMissingNetIfIDMsg))
	}
	observed, ok := SnapshotTime(in.Key)
	if !ok {
		observed = in.ModTime
	}
	if observed.IsZero() {
		return fmt.Errorf("decoding network interface %d: the object has no time in its name and no modification time to date the snapshot", n)
	}
	ipCount := int32(len(e.PrivateIPAddresses))
	if ipCount == 0 {
		ipCount = 1
	}
	requester := eniclass.Requester(eniclass.Evidence{
		Description:   e.Description,
		RequesterID:   e.RequesterID,
		InterfaceType: e.InterfaceType,
	})
	return out.Append(&store.EniSnapshot{
		EniID: e.NetworkInterfaceID, ObservedAt: observed.UTC(), SubnetID: str(e.SubnetID), VpcID: str(e.VpcID),
		AvailabilityZone: str(e.AvailabilityZone), Status: str(e.Status), Description: str(e.Description),
		Requester: &requester, InterfaceType: str(e.InterfaceType), RequesterManaged: e.RequesterManaged,
		PrivateIP: str(e.PrivateIPAddress), IPCount: &ipCount, SourceURI: str(in.URI)})
}

// snapshotStamp finds a UTC timestamp in an object name: 20261102T0700Z,
// 20261102T070000Z, 2026-11-02T07:00:00Z or 2026-11-02T0700Z.
var snapshotStamp = regexp.MustCompile(`(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2})(?::?(\d{2}))?Z`)

// SnapshotTime returns the UTC time written in a describe-network-interfaces
// object's name (the last match wins, so a date folder does not shadow the
// file name's time).
func SnapshotTime(key string) (time.Time, bool) {
	ms := snapshotStamp.FindAllStringSubmatch(key, -1)
	if len(ms) == 0 {
		return time.Time{}, false
	}
	m := ms[len(ms)-1]
	if m[6] == "" {
		m[6] = "00"
	}
	t, err := time.Parse("20060102150405", m[1]+m[2]+m[3]+m[4]+m[5]+m[6])
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}
