package synth

import (
	"strconv"
	"strings"
	"time"
)

// principal is an IAM identity that appears in userIdentity.
type principal struct {
	Role        string // role name for assumed roles, "" for an IAM user
	User        string // IAM user name
	PrincipalID string // AROA… for roles, AIDA… for users
	Session     string // session name of an assumed role
	InvokedBy   string // AWS service making the call on the principal's behalf
	SourceIP    string
	UserAgent   string
	AccessKey   string // the session's access key; random per call when empty
}

// userIdentity writes the userIdentity object of a call made by p.
func userIdentity(w *jw, g *rng, acct string, p principal, created time.Time) {
	w.key("userIdentity")
	w.obj()
	if p.Role == "" {
		w.kv("type", "IAMUser")
		w.kv("principalId", p.PrincipalID)
		w.kv("arn", "arn:aws:iam::"+acct+":user/"+p.User)
		w.kv("accountId", acct)
		w.key("accessKeyId")
		w.str(accessKey(g, "AKIA", p.AccessKey))
		w.kv("userName", p.User)
		w.end()
		return
	}
	w.kv("type", "AssumedRole")
	w.kv("principalId", p.PrincipalID+":"+p.Session)
	w.kv("arn", "arn:aws:sts::"+acct+":assumed-role/"+p.Role+"/"+p.Session)
	w.kv("accountId", acct)
	w.key("accessKeyId")
	w.str(accessKey(g, "ASIA", p.AccessKey))
	w.key("sessionContext")
	w.obj()
	w.key("sessionIssuer")
	w.obj()
	w.kv("type", "Role")
	w.kv("principalId", p.PrincipalID)
	w.kv("arn", roleARN(acct, p.Role))
	w.kv("accountId", acct)
	w.kv("userName", p.Role)
	w.end()
	w.key("webIdFederationData")
	w.obj()
	w.end()
	w.key("attributes")
	w.obj()
	w.key("creationDate")
	w.ts(created)
	w.kv("mfaAuthenticated", "false")
	w.end()
	if strings.HasPrefix(p.Session, "i-") {
		w.kv("ec2RoleDelivery", "2.0")
	}
	w.end()
	if p.InvokedBy != "" {
		w.kv("invokedBy", p.InvokedBy)
	}
	w.end()
}

func accessKey(g *rng, prefix, fixed string) string {
	if fixed != "" {
		return fixed
	}
	return string(g.appendChars([]byte(prefix), upperDigits, 16))
}

// callHeader writes the fields from eventTime to userAgent.
func callHeader(w *jw, t time.Time, source, name, region string, p principal) {
	w.key("eventTime")
	w.ts(t)
	w.kv("eventSource", source)
	w.kv("eventName", name)
	w.kv("awsRegion", region)
	w.kv("sourceIPAddress", p.SourceIP)
	w.kv("userAgent", p.UserAgent)
}

// callTrailer writes requestID … eventCategory; tls adds tlsDetails for
// calls that reached a public endpoint directly.
func callTrailer(w *jw, g *rng, acct string, readOnly bool, eventType, tlsHost string) {
	w.key("requestID")
	w.comma()
	w.b = append(w.b, '"')
	w.b = g.appendUUID(w.b)
	w.b = append(w.b, '"')
	w.need = true
	w.key("eventID")
	w.comma()
	w.b = append(w.b, '"')
	w.b = g.appendUUID(w.b)
	w.b = append(w.b, '"')
	w.need = true
	w.key("readOnly")
	w.boolean(readOnly)
	w.kv("eventType", eventType)
	w.key("managementEvent")
	w.boolean(true)
	w.kv("recipientAccountId", acct)
	w.kv("eventCategory", "Management")
	if tlsHost != "" {
		w.key("tlsDetails")
		w.obj()
		w.kv("tlsVersion", "TLSv1.3")
		w.kv("cipherSuite", "TLS_AES_128_GCM_SHA256")
		w.kv("clientProvidedHostHeader", tlsHost)
		w.end()
	}
}

// eniCall holds what an ENI record needs beyond the ENI itself.
type eniCall struct {
	acct, region, vpc, az string
	p                     principal
	created               time.Time // session creation
}

// writeCreateENI writes a successful CreateNetworkInterface record.
func writeCreateENI(w *jw, g *rng, c eniCall, t time.Time, e *eni, sg string) {
	w.obj()
	w.kv("eventVersion", "1.09")
	userIdentity(w, g, c.acct, c.p, c.created)
	callHeader(w, t, "ec2.amazonaws.com", "CreateNetworkInterface", c.region, c.p)
	w.key("requestParameters")
	w.obj()
	w.kv("subnetId", e.Subnet)
	w.kv("description", e.Description)
	writeGroupSet(w, sg, false)
	w.key("privateIpAddressesSet")
	w.obj()
	w.end()
	w.end()
	w.key("responseElements")
	w.obj()
	w.key("requestId")
	w.str(g.uuid())
	w.key("networkInterface")
	w.obj()
	w.kv("networkInterfaceId", e.ID)
	w.kv("subnetId", e.Subnet)
	w.kv("vpcId", c.vpc)
	w.kv("availabilityZone", c.az)
	w.kv("description", e.Description)
	w.kv("ownerId", c.acct)
	w.kv("requesterId", c.p.PrincipalID+":"+c.p.Session)
	w.key("requesterManaged")
	w.boolean(e.Owner == ownerLambda)
	w.kv("status", "pending")
	w.kv("macAddress", e.MAC)
	ip := e.IP.String()
	dns := "ip-" + dashed(ip) + "." + c.region + ".compute.internal"
	w.kv("privateIpAddress", ip)
	w.kv("privateDnsName", dns)
	w.key("sourceDestCheck")
	w.boolean(true)
	if e.Owner == ownerLambda {
		w.kv("interfaceType", "lambda")
	} else {
		w.kv("interfaceType", "interface")
	}
	writeGroupSet(w, sg, true)
	w.key("privateIpAddressesSet")
	w.obj()
	w.key("items")
	w.arr()
	w.obj()
	w.kv("privateIpAddress", ip)
	w.kv("privateDnsName", dns)
	w.key("primary")
	w.boolean(true)
	w.end()
	w.endArr()
	w.end()
	w.key("ipv6AddressesSet")
	w.obj()
	w.end()
	w.key("tagSet")
	w.obj()
	w.end()
	w.end()
	w.end()
	callTrailer(w, g, c.acct, false, "AwsApiCall", "")
	w.end()
}

// writeFailedCreateENI writes a CreateNetworkInterface that EC2 refused.
func writeFailedCreateENI(w *jw, g *rng, c eniCall, t time.Time, subnet, description, sg, code, msg string, tlsHost string) {
	w.obj()
	w.kv("eventVersion", "1.09")
	userIdentity(w, g, c.acct, c.p, c.created)
	callHeader(w, t, "ec2.amazonaws.com", "CreateNetworkInterface", c.region, c.p)
	w.kv("errorCode", code)
	w.kv("errorMessage", msg)
	w.key("requestParameters")
	w.obj()
	w.kv("subnetId", subnet)
	w.kv("description", description)
	writeGroupSet(w, sg, false)
	w.key("privateIpAddressesSet")
	w.obj()
	w.end()
	w.end()
	w.key("responseElements")
	w.null()
	callTrailer(w, g, c.acct, false, "AwsApiCall", tlsHost)
	w.end()
}

// writeDeleteENI writes a DeleteNetworkInterface record.
func writeDeleteENI(w *jw, g *rng, c eniCall, t time.Time, eniID, tlsHost string) {
	w.obj()
	w.kv("eventVersion", "1.09")
	userIdentity(w, g, c.acct, c.p, c.created)
	callHeader(w, t, "ec2.amazonaws.com", "DeleteNetworkInterface", c.region, c.p)
	w.key("requestParameters")
	w.obj()
	w.kv("networkInterfaceId", eniID)
	w.end()
	w.key("responseElements")
	w.obj()
	w.key("requestId")
	w.str(g.uuid())
	w.key("_return")
	w.boolean(true)
	w.end()
	callTrailer(w, g, c.acct, false, "AwsApiCall", tlsHost)
	w.end()
}

func writeGroupSet(w *jw, sg string, named bool) {
	w.key("groupSet")
	w.obj()
	if sg != "" {
		w.key("items")
		w.arr()
		w.obj()
		w.kv("groupId", sg)
		if named {
			w.kv("groupName", "glue-vpc-endpoints")
		}
		w.end()
		w.endArr()
	}
	w.end()
}

// dashed turns 10.20.8.17 into 10-20-8-17.
func dashed(ip string) string {
	b := []byte(ip)
	for i, c := range b {
		if c == '.' {
			b[i] = '-'
		}
	}
	return string(b)
}

// Service principals making calls on behalf of a role.
var (
	glueService   = principal{Session: "GlueJobRunnerSession", InvokedBy: "glue.amazonaws.com", SourceIP: "glue.amazonaws.com", UserAgent: "glue.amazonaws.com"}
	lambdaService = principal{InvokedBy: "lambda.amazonaws.com", SourceIP: "lambda.amazonaws.com", UserAgent: "lambda.amazonaws.com"}
)

// principalID returns a stable AROA/AIDA-style unique ID for name.
func principalID(prefix string, seed uint64, name string) string {
	h := uint64(14695981039346656037)
	for i := 0; i < len(name); i++ {
		h ^= uint64(name[i])
		h *= 1099511628211
	}
	g := newRNG(seed, h)
	return prefix + g.upper(17)
}

// fileName is the CloudTrail log file name for a delivery at t.
func fileName(acct, region string, t time.Time, random string) string {
	return acct + "_CloudTrail_" + region + "_" + t.UTC().Format("20060102T1504Z") + "_" + random + ".json.gz"
}

// logKey is the S3 key of a CloudTrail log file.
func logKey(acct, region string, t time.Time, random string) string {
	return "AWSLogs/" + acct + "/CloudTrail/" + region + "/" + t.UTC().Format("2006/01/02") + "/" + fileName(acct, region, t, random)
}

// epochFloat renders t as the AWS CLI v1 prints a JSON-1.1 timestamp.
func epochFloat(t time.Time) string {
	s := strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', -1, 64)
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return s
		}
	}
	return s + ".0"
}
