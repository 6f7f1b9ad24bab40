// Package eniclass classifies ENI evidence: which service asked for a
// network interface (Requester) and why an ENI call or a Glue run failed
// (Failure, RunFailure). The rules follow docs/formats.md §1.3, §1.4 and
// §1.6; the CloudTrail and AWS CLI decoders share them so that a CloudTrail
// record and a DescribeNetworkInterfaces snapshot of the same ENI agree.
package eniclass

import "strings"

// Requester classes, as stored in eni_events.requester and eni_snapshots.requester.
const (
	Glue   = "glue"
	Lambda = "lambda"
	EFS    = "efs"
	ELB    = "elb"
	NAT    = "nat"
	VPCE   = "vpce"
	RDS    = "rds"
	ECS    = "ecs"
	Other  = "other"
)

// Failure classes, as stored in eni_events.failure_class and glue_runs.failure_class.
const (
	IPExhaustion = "ip_exhaustion"
	DryRun       = "dry_run"
	DiskFull     = "disk_full"
	OtherFailure = "other"
)

// Evidence is what a record says about who created an ENI. Any field may be
// empty.
type Evidence struct {
	Description string // ENI description (response, request, or DescribeNetworkInterfaces)
	InvokedBy   string // CloudTrail userIdentity.invokedBy
	SourceIP    string // CloudTrail sourceIPAddress
	UserAgent   string // CloudTrail userAgent
	// Principal is the caller's ARN as CloudTrail gives it in
	// userIdentity.arn; its assumed-role form keeps the session name
	// (".../GlueJobRunnerSession") that a role ARN loses.
	Principal     string
	RequesterID   string // DescribeNetworkInterfaces RequesterId
	InterfaceType string // DescribeNetworkInterfaces InterfaceType
}

// descriptionPrefixes are the descriptions services give the ENIs they
// create (docs/formats.md §1.4). The description is the strongest evidence, so it
// is checked first.
var descriptionPrefixes = []struct{ prefix, class string }{
	{"Attached to Glue", Glue},
	{"Glue_", Glue},
	{"AWS Lambda VPC ENI", Lambda},
	{"EFS mount target", EFS},
	{"ELB ", ELB},
	{"Interface for NAT Gateway", NAT},
	{"VPC Endpoint Interface", VPCE},
	{"RDSNetworkInterface", RDS},
	{"arn:aws:ecs:", ECS},
}

// serviceHosts are the service names CloudTrail puts in invokedBy,
// sourceIPAddress and userAgent when a service makes the call itself.
var serviceHosts = map[string]string{
	"glue.amazonaws.com":              Glue,
	"lambda.amazonaws.com":            Lambda,
	"elasticfilesystem.amazonaws.com": EFS,
}

// interfaceTypes maps EC2 InterfaceType values of service-managed ENIs.
var interfaceTypes = map[string]string{
	"lambda":                         Lambda,
	"nat_gateway":                    NAT,
	"natGateway":                     NAT,
	"vpc_endpoint":                   VPCE,
	"gateway_load_balancer_endpoint": VPCE,
	"load_balancer":                  ELB,
	"network_load_balancer":          ELB,
	"gateway_load_balancer":          ELB,
}

// requesterIDs maps DescribeNetworkInterfaces RequesterId values that name
// a service rather than an account or principal.
var requesterIDs = map[string]string{
	"amazon-elb": ELB,
	"amazon-rds": RDS,
}

// Requester returns the service that created the ENI: one of glue, lambda,
// efs, elb, nat, vpce, rds, ecs, or other when nothing matches.
func Requester(e Evidence) string {
	desc := strings.TrimSpace(e.Description)
	for _, p := range descriptionPrefixes {
		if strings.HasPrefix(desc, p.prefix) {
			return p.class
		}
	}
	for _, h := range []string{e.InvokedBy, e.SourceIP, e.UserAgent} {
		if c, ok := serviceHosts[strings.ToLower(strings.TrimSpace(h))]; ok {
			return c
		}
	}
	for _, p := range []string{e.Principal, e.RequesterID} {
		switch {
		case strings.HasSuffix(p, "/GlueJobRunnerSession"), strings.HasSuffix(p, ":GlueJobRunnerSession"):
			return Glue
		case strings.Contains(p, "AWSServiceRoleForAmazonElasticFileSystem"):
			return EFS
		}
	}
	if c, ok := interfaceTypes[e.InterfaceType]; ok {
		return c
	}
	if c, ok := requesterIDs[e.RequesterID]; ok {
		return c
	}
	return Other
}

// Failure classifies the outcome of an EC2 ENI call from CloudTrail's
// errorCode and errorMessage: "" (success) when code is empty, dry_run for
// DryRunOperation (a probe that creates nothing and is not a failure),
// ip_exhaustion when the subnet has no free addresses, other for any other
// error. Codes may carry EC2's "Client." or "Server." prefix.
func Failure(code, msg string) string {
	code = strings.TrimSpace(code)
	if code == "" {
		return ""
	}
	code = strings.TrimPrefix(strings.TrimPrefix(code, "Client."), "Server.")
	switch code {
	case "DryRunOperation":
		return DryRun
	case "InsufficientFreeAddressesInSubnet", "InsufficientCidrBlocks":
		return IPExhaustion
	case "InvalidParameterValue":
		if saysNoFreeAddresses(msg) {
			return IPExhaustion
		}
	}
	return OtherFailure
}

// RunFailure classifies a Glue JobRun ErrorMessage: "" when msg is empty,
// ip_exhaustion when EC2 refused an ENI for lack of addresses, disk_full for
// "No space left on device", other for anything else.
func RunFailure(msg string) string {
	if strings.TrimSpace(msg) == "" {
		return ""
	}
	if saysNoFreeAddresses(msg) {
		return IPExhaustion
	}
	if strings.Contains(strings.ToLower(msg), "no space left on device") {
		return DiskFull
	}
	return OtherFailure
}

// saysNoFreeAddresses matches EC2's wordings of subnet exhaustion:
// "does not have enough free addresses", "There aren't sufficient free Ipv4
// addresses or prefixes", "... enough free IP addresses".
func saysNoFreeAddresses(msg string) bool {
	m := strings.ToLower(msg)
	for _, s := range []string{"free addresses", "free ipv4 addresses", "free ip addresses", "free ipv6 addresses"} {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

// RoleARN turns the ARN of an assumed-role session
// (arn:aws:sts::A:assumed-role/R/S) into the ARN of its role
// (arn:aws:iam::A:role/R). Other ARNs are returned unchanged. Roles with a
// path lose it: the session ARN does not carry it.
func RoleARN(arn string) string {
	const marker = ":assumed-role/"
	i := strings.Index(arn, marker)
	if !strings.HasPrefix(arn, "arn:") || i < 0 {
		return arn
	}
	head := arn[:i] // arn:<partition>:sts::<account>
	parts := strings.Split(head, ":")
	if len(parts) != 5 || parts[2] != "sts" {
		return arn
	}
	role := arn[i+len(marker):]
	if j := strings.IndexByte(role, '/'); j >= 0 {
		role = role[:j]
	}
	return parts[0] + ":" + parts[1] + ":iam::" + parts[4] + ":role/" + role
}
