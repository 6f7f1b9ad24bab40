package subnetfree

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/gluelens/gluelens/internal/awsconf"
	"github.com/gluelens/gluelens/internal/fakeec2"
)

func awsCfg(t *testing.T) aws.Config {
	t.Helper()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAGLUELENSEC2TEST1")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "ec2-test-secret")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "no-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "no-credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_PROFILE", "")
	cfg, err := awsconf.Load(context.Background(), awsconf.Config{Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func startEC2(t *testing.T) *fakeec2.Server {
	t.Helper()
	srv, err := fakeec2.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func TestEC2(t *testing.T) {
	srv := startEC2(t)
	e := NewEC2(awsCfg(t), srv.URL, 5*time.Second)
	ctx := context.Background()

	s, err := e.Subnet(ctx, "subnet-0d1e2f3a4b5c6d7e8")
	if err != nil || s.AvailableIPs != 30 || s.CIDR != "10.0.1.0/26" || s.State != "available" {
		t.Fatalf("Subnet = %+v, %v; want 30 free in 10.0.1.0/26 (testdata)", s, err)
	}
	if s, err := e.Subnet(ctx, "subnet-05a6b7c8d9e0f1a2b"); err != nil || s.AvailableIPs != 251 {
		t.Errorf("second subnet = %+v, %v; want 251", s, err)
	}
	if _, err := e.Subnet(ctx, "subnet-0000000000000000f"); err == nil || !strings.Contains(err.Error(), "InvalidSubnetID.NotFound") ||
		!strings.Contains(err.Error(), "subnet-0000000000000000f") {
		t.Errorf("unknown subnet: %v", err)
	}
	// By hand from testdata/README.md: 3 Glue ENIs over two pages, 4 IPs,
	// 2 detached; the Lambda ENI is not counted.
	g, err := e.GlueENIs(ctx, "subnet-0d1e2f3a4b5c6d7e8")
	if err != nil || g != (GlueENIs{ENIs: 3, IPs: 4, Detached: 2}) {
		t.Errorf("GlueENIs = %+v, %v", g, err)
	}
	var pages int
	for _, f := range srv.Requests() {
		if f.Get("Action") == "DescribeNetworkInterfaces" {
			pages++
			if f.Get("Filter.1.Name") != "subnet-id" || f.Get("Filter.1.Value.1") != "subnet-0d1e2f3a4b5c6d7e8" {
				t.Errorf("DescribeNetworkInterfaces form %v", f)
			}
		}
		if f.Get("Action") == "DescribeSubnets" && f.Get("Version") != "2016-11-15" {
			t.Errorf("DescribeSubnets form %v", f)
		}
	}
	if pages != 2 {
		t.Errorf("%d DescribeNetworkInterfaces pages asked, want 2", pages)
	}

	// A slow endpoint: the timeout bounds the call, retries included.
	srv.Delay(3 * time.Second)
	slow := NewEC2(awsCfg(t), srv.URL, 300*time.Millisecond)
	start := time.Now()
	if _, err := slow.Subnet(ctx, "subnet-0d1e2f3a4b5c6d7e8"); err == nil {
		t.Error("a slow endpoint must time out")
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("the call took %s with a 300 ms timeout", el)
	}
}

func TestFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	subnets := write("subnets.json", `{"Subnets": [
  {"AvailabilityZone": "eu-west-1a", "AvailableIpAddressCount": 17, "CidrBlock": "10.0.1.0/26", "State": "available", "SubnetId": "subnet-a"},
  {"AvailableIpAddressCount": 250, "CidrBlock": "10.0.2.0/24", "State": "available", "SubnetId": "subnet-b"},
  {"CidrBlock": "10.0.3.0/24", "SubnetId": "subnet-c"},
  {"AvailableIpAddressCount": -3, "SubnetId": "subnet-d"}]}`)
	if s, err := SubnetFromFile(subnets, "subnet-a"); err != nil || s.AvailableIPs != 17 || s.CIDR != "10.0.1.0/26" {
		t.Errorf("subnet-a = %+v, %v", s, err)
	}
	if s, err := SubnetFromFile(subnets, "subnet-b"); err != nil || s.AvailableIPs != 250 {
		t.Errorf("subnet-b = %+v, %v", s, err)
	}
	for _, tc := range []struct{ path, id, want string }{
		{subnets, "subnet-c", "subnet 3 (subnet-c) has no AvailableIpAddressCount"},
		{subnets, "subnet-d", "is negative"},
		{subnets, "subnet-x", "no subnet subnet-x among its 4 subnet(s)"},
		{write("other.json", `{"NetworkInterfaces": []}`), "subnet-a", "not describe-subnets output"},
		{write("broken.json", `{"Subnets": [`), "subnet-a", "broken.json"},
		{filepath.Join(dir, "absent.json"), "subnet-a", "absent.json"},
	} {
		if _, err := SubnetFromFile(tc.path, tc.id); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("SubnetFromFile(%s, %s) = %v, want an error with %q", filepath.Base(tc.path), tc.id, err, tc.want)
		}
	}
	enis := write("enis.json", `{"NetworkInterfaces": [
  {"SubnetId": "subnet-a", "Status": "in-use", "Description": "Attached to Glue using role: arn:aws:iam::1:role/g", "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.1.5"}]},
  {"SubnetId": "subnet-a", "Status": "available", "Description": "Attached to Glue using role: arn:aws:iam::1:role/g", "PrivateIpAddresses": [{}, {}, {}]},
  {"SubnetId": "subnet-a", "Status": "in-use", "Description": "AWS Lambda VPC ENI-f", "InterfaceType": "lambda", "PrivateIpAddresses": [{}]},
  {"SubnetId": "subnet-b", "Status": "available", "Description": "Attached to Glue using role: arn:aws:iam::1:role/g", "PrivateIpAddresses": [{}]}]}`)
	if g, err := GlueENIsFromFile(enis, "subnet-a"); err != nil || g != (GlueENIs{ENIs: 2, IPs: 4, Detached: 1}) {
		t.Errorf("GlueENIsFromFile = %+v, %v", g, err)
	}
	if _, err := GlueENIsFromFile(subnets, "subnet-a"); err == nil || !strings.Contains(err.Error(), "not describe-network-interfaces output") {
		t.Errorf("GlueENIsFromFile(subnets.json) = %v", err)
	}
}
