package synth

import (
	"strconv"
	"time"
)

// world is the cast of an account: who calls what, from where.
type world struct {
	acct, region string
	users        []principal // IAM users signing in and using the CLI
	roles        []principal // application roles (SDKs on EC2, ECS, Lambda)
	services     []principal // roles used by AWS services on the account's behalf
	instances    []string
	buckets      []string
	keys         []string // KMS key IDs
	tables       []string
	subnets      []string
	runIDs       []string // Glue job runs of the day
	objects      []string // S3 object keys read by jobs
	// Calls come in bursts: a client repeats the same call a few times.
	kind, burst int
	pickSeed    uint64
	burstAt     time.Time
}

var userAgents = []string{
	"aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.1.102-108.177.amzn2023.x86_64 md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#amzn.2023 md/prompt#off md/command#ec2.describe-instances",
	"aws-sdk-go-v2/1.30.3 ua/2.0 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.171.0 m/E",
	"Boto3/1.34.144 md/Botocore#1.34.144 ua/2.0 os/linux#5.10.220-209.869.amzn2.x86_64 md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.144",
	"aws-sdk-java/2.26.20 Linux/5.10.220-209.869.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.11+9-LTS Java/17.0.11 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
	"Terraform/1.9.2 (+https://www.terraform.io) terraform-provider-aws/5.59.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.30.3 ua/2.0 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.171.0",
}

var firstNames = []string{"alice", "bob", "carmen", "dmitri", "emeka", "fatima", "goran", "hana", "ines", "jun", "kofi", "lena"}
var appNames = []string{"orders-api", "checkout", "catalog-sync", "fraud-scorer", "etl-scheduler", "airflow-worker", "metrics-agent", "backup-runner", "search-indexer", "billing"}

// newWorld builds a deterministic cast for an account and region.
func newWorld(g *rng, seed uint64, acct, region string) *world {
	w := &world{acct: acct, region: region}
	for i := 0; i < 6; i++ {
		name := firstNames[(i+int(seed%7))%len(firstNames)] + "." + string(g.appendChars(nil, "abcdefghijklmnopqrstuvwxyz", 5))
		w.users = append(w.users, principal{User: name, PrincipalID: principalID("AIDA", seed, acct+name),
			SourceIP: "203.0.113." + strconv.Itoa(g.between(2, 250)), UserAgent: pick(g, userAgents), AccessKey: "AKIA" + g.upper(16)})
	}
	for _, app := range appNames {
		role := app + "-role"
		w.roles = append(w.roles, principal{Role: role, PrincipalID: principalID("AROA", seed, acct+role), Session: "i-0" + g.hex(16),
			SourceIP:  "10." + strconv.Itoa(g.between(0, 40)) + "." + strconv.Itoa(g.between(0, 255)) + "." + strconv.Itoa(g.between(4, 250)),
			UserAgent: userAgents[1+g.intn(3)], AccessKey: "ASIA" + g.upper(16)})
	}
	for _, svc := range []string{"glue.amazonaws.com", "s3.amazonaws.com", "lambda.amazonaws.com", "athena.amazonaws.com"} {
		role := "svc-" + svc[:len(svc)-len(".amazonaws.com")] + "-role"
		w.services = append(w.services, principal{Role: role, PrincipalID: principalID("AROA", seed, acct+role), Session: svc[:len(svc)-len(".amazonaws.com")] + "-session",
			InvokedBy: svc, SourceIP: svc, UserAgent: svc, AccessKey: "ASIA" + g.upper(16)})
	}
	for i := 0; i < 40; i++ {
		w.instances = append(w.instances, "i-0"+g.hex(16))
	}
	for i := 0; i < 8; i++ {
		w.buckets = append(w.buckets, pick(g, []string{"datalake", "raw", "curated", "exports", "logs", "artifacts"})+"-"+acct+"-"+region+"-"+g.hex(4))
		w.keys = append(w.keys, g.uuid())
		w.tables = append(w.tables, pick(g, []string{"orders", "sessions", "payments", "clicks", "inventory", "customers"})+"_"+pick(g, []string{"raw", "clean", "daily", "hourly"}))
		w.subnets = append(w.subnets, "subnet-0"+g.hex(16))
	}
	for i := 0; i < 24; i++ {
		w.runIDs = append(w.runIDs, "jr_"+g.hex(64))
	}
	for i := 0; i < 64; i++ {
		w.objects = append(w.objects, pick(g, w.tables)+"/dt=2026-11-0"+strconv.Itoa(g.between(1, 9))+"/part-"+strconv.Itoa(g.between(0, 99999))+"-"+g.uuid()+".c000.snappy.parquet")
	}
	return w
}

// noiseKinds weights the call kinds writeNoise produces: service calls
// (KMS, STS) dominate real management trails.
var noiseKinds = []int{0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 4, 5, 6, 6, 7, 8, 9, 10}

// writeNoise writes one realistic non-ENI management event (1–3 KB) at
// about t and returns its eventTime: calls of a burst share the burst's
// first time, give or take two seconds.
func writeNoise(w *jw, g *rng, wd *world, t time.Time) time.Time {
	if wd.burst <= 0 {
		wd.kind, wd.burst, wd.pickSeed, wd.burstAt = pick(g, noiseKinds), g.between(1, 12), g.r.Uint64(), t
	}
	t = wd.burstAt.Add(time.Duration(g.intn(3)) * time.Second)
	wd.burst--
	kind := wd.kind
	// Calls of one burst repeat the same principal and parameters; only
	// the time and the request and event IDs differ.
	pr := newRNG(wd.pickSeed, 0)
	w.obj()
	w.kv("eventVersion", "1.09")
	switch kind {
	case 0: // DescribeInstances from an application or the CLI
		p := pick(pr, append(wd.roles[:len(wd.roles):len(wd.roles)], wd.users...))
		userIdentity(w, pr, wd.acct, p, t.Truncate(time.Hour))
		callHeader(w, t, "ec2.amazonaws.com", "DescribeInstances", wd.region, p)
		w.key("requestParameters")
		w.obj()
		w.key("instancesSet")
		w.obj()
		n := pr.between(0, 6)
		if n > 0 {
			w.key("items")
			w.arr()
			for i := 0; i < n; i++ {
				w.obj()
				w.kv("instanceId", pick(pr, wd.instances))
				w.end()
			}
			w.endArr()
		}
		w.end()
		w.key("filterSet")
		w.obj()
		w.key("items")
		w.arr()
		w.obj()
		w.kv("name", "instance-state-name")
		w.key("valueSet")
		w.obj()
		w.key("items")
		w.arr()
		w.obj()
		w.kv("value", "running")
		w.end()
		w.endArr()
		w.end()
		w.end()
		filter(w, "tag:application", pick(pr, appNames))
		filter(w, "tag:environment", pick(pr, []string{"production", "staging"}))
		filter(w, "vpc-id", "vpc-0"+pr.hex(16))
		w.endArr()
		w.end()
		w.end()
		w.key("responseElements")
		w.null()
		callTrailer(w, g, wd.acct, true, "AwsApiCall", "ec2."+wd.region+".amazonaws.com")
	case 1: // KMS Decrypt by a service for S3 or Glue
		p := pick(pr, wd.services)
		userIdentity(w, pr, wd.acct, p, t.Truncate(time.Hour))
		callHeader(w, t, "kms.amazonaws.com", "Decrypt", wd.region, p)
		w.key("requestParameters")
		w.obj()
		w.key("encryptionContext")
		w.obj()
		w.kv("aws:s3:arn", "arn:aws:s3:::"+pick(pr, wd.buckets)+"/"+pick(pr, wd.objects))
		w.end()
		w.kv("encryptionAlgorithm", "SYMMETRIC_DEFAULT")
		w.end()
		w.key("responseElements")
		w.null()
		callTrailer(w, g, wd.acct, true, "AwsApiCall", "")
		writeResource(w, wd.acct, "AWS::KMS::Key", "arn:aws:kms:"+wd.region+":"+wd.acct+":key/"+pick(pr, wd.keys))
	case 2: // AssumeRole by an application or a service
		p := pick(pr, append(wd.services[:len(wd.services):len(wd.services)], wd.roles...))
		target := pick(pr, wd.roles)
		userIdentity(w, pr, wd.acct, p, t.Truncate(time.Hour))
		callHeader(w, t, "sts.amazonaws.com", "AssumeRole", wd.region, p)
		w.key("requestParameters")
		w.obj()
		w.kv("roleArn", roleARN(wd.acct, target.Role))
		w.kv("roleSessionName", target.Session)
		w.key("durationSeconds")
		w.num(3600)
		w.key("tags")
		w.arr()
		for _, kv := range [][2]string{{"team", "data-platform"}, {"cost-center", "cc-" + strconv.Itoa(pr.between(1000, 1010))}, {"application", pick(pr, appNames)}} {
			w.obj()
			w.kv("key", kv[0])
			w.kv("value", kv[1])
			w.end()
		}
		w.endArr()
		w.key("transitiveTagKeys")
		w.arr()
		w.str("team")
		w.str("cost-center")
		w.endArr()
		w.end()
		w.key("responseElements")
		w.obj()
		w.key("credentials")
		w.obj()
		w.key("accessKeyId")
		w.str(string(pr.appendChars([]byte("ASIA"), upperDigits, 16)))
		w.kv("expiration", t.Add(time.Hour).Format("Jan 2, 2006, 3:04:05 PM"))
		w.end()
		w.key("assumedRoleUser")
		w.obj()
		w.kv("assumedRoleId", target.PrincipalID+":"+target.Session)
		w.kv("arn", "arn:aws:sts::"+wd.acct+":assumed-role/"+target.Role+"/"+target.Session)
		w.end()
		w.end()
		callTrailer(w, g, wd.acct, true, "AwsApiCall", "sts."+wd.region+".amazonaws.com")
		writeResource(w, wd.acct, "AWS::IAM::Role", roleARN(wd.acct, target.Role))
	case 3: // Glue catalog reads by Athena or Glue
		p := pick(pr, wd.services)
		userIdentity(w, pr, wd.acct, p, t.Truncate(time.Hour))
		callHeader(w, t, "glue.amazonaws.com", "GetPartitions", wd.region, p)
		w.key("requestParameters")
		w.obj()
		w.kv("catalogId", wd.acct)
		w.kv("databaseName", "analytics")
		w.kv("tableName", pick(pr, wd.tables))
		w.kv("expression", "(dt >= '2026-10-"+strconv.Itoa(pr.between(10, 31))+"') AND (region = '"+pick(pr, []string{"emea", "amer", "apac"})+"')")
		w.key("segment")
		w.obj()
		w.key("segmentNumber")
		w.num(int64(pr.between(0, 3)))
		w.key("totalSegments")
		w.num(4)
		w.end()
		w.key("excludeColumnSchema")
		w.boolean(true)
		w.end()
		w.key("responseElements")
		w.null()
		callTrailer(w, g, wd.acct, true, "AwsApiCall", "")
	case 4: // console sign-in
		p := pick(pr, wd.users)
		p.UserAgent = userAgents[4]
		userIdentity(w, pr, wd.acct, p, t)
		callHeader(w, t, "signin.amazonaws.com", "ConsoleLogin", wd.region, p)
		w.key("requestParameters")
		w.null()
		w.key("responseElements")
		w.obj()
		w.kv("ConsoleLogin", "Success")
		w.end()
		w.key("additionalEventData")
		w.obj()
		w.kv("LoginTo", "https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_"+wd.region+"_"+pr.hex(16))
		w.kv("MobileVersion", "No")
		w.kv("MFAIdentifier", "arn:aws:iam::"+wd.acct+":mfa/"+p.User)
		w.kv("MFAUsed", "Yes")
		w.end()
		callTrailer(w, g, wd.acct, false, "AwsConsoleSignIn", "signin.aws.amazon.com")
	case 5: // CloudWatch metrics from an agent
		p := pick(pr, wd.roles)
		userIdentity(w, pr, wd.acct, p, t.Truncate(time.Hour))
		callHeader(w, t, "monitoring.amazonaws.com", "PutMetricData", wd.region, p)
		w.key("requestParameters")
		w.obj()
		w.kv("namespace", "CWAgent")
		w.key("metricData")
		w.arr()
		for i, n := 0, pr.between(2, 5); i < n; i++ {
			w.obj()
			w.kv("metricName", pick(pr, []string{"mem_used_percent", "disk_used_percent", "swap_used_percent", "cpu_usage_iowait", "netstat_tcp_established"}))
			w.key("dimensions")
			w.arr()
			w.obj()
			w.kv("name", "InstanceId")
			w.kv("value", pick(pr, wd.instances))
			w.end()
			w.endArr()
			w.key("value")
			w.raw(strconv.FormatFloat(float64(pr.intn(10000))/100, 'f', -1, 64))
			w.kv("unit", "Percent")
			w.end()
		}
		w.endArr()
		w.end()
		w.key("responseElements")
		w.null()
		callTrailer(w, g, wd.acct, false, "AwsApiCall", "monitoring."+wd.region+".amazonaws.com")
	case 6: // SSM agent heartbeat
		p := pick(pr, wd.roles)
		inst := pick(pr, wd.instances)
		p.Session = inst
		p.UserAgent = "aws-sdk-go/1.44.260 (go1.22.5; linux; amd64) amazon-ssm-agent/3.3.551.0"
		userIdentity(w, pr, wd.acct, p, t.Truncate(time.Hour))
		callHeader(w, t, "ssm.amazonaws.com", "UpdateInstanceInformation", wd.region, p)
		w.key("requestParameters")
		w.obj()
		w.kv("instanceId", inst)
		w.kv("agentVersion", "3.3.551.0")
		w.kv("agentStatus", "Active")
		w.kv("platformType", "Linux")
		w.kv("platformName", "Amazon Linux")
		w.kv("platformVersion", "2023")
		w.kv("iPAddress", p.SourceIP)
		w.kv("computerName", "ip-"+dashed(p.SourceIP)+"."+wd.region+".compute.internal")
		w.kv("agentName", "amazon-ssm-agent")
		w.kv("availabilityZone", wd.region+string(rune('a'+pr.intn(3))))
		w.kv("availabilityZoneId", "euw1-az"+strconv.Itoa(pr.between(1, 3)))
		w.end()
		w.key("responseElements")
		w.null()
		callTrailer(w, g, wd.acct, false, "AwsApiCall", "ssm."+wd.region+".amazonaws.com")
	case 7: // CloudWatch Logs stream for a Glue or Lambda run
		p := pick(pr, wd.services)
		userIdentity(w, pr, wd.acct, p, t.Truncate(time.Hour))
		callHeader(w, t, "logs.amazonaws.com", "CreateLogStream", wd.region, p)
		w.key("requestParameters")
		w.obj()
		w.kv("logGroupName", pick(pr, []string{"/aws-glue/jobs/output", "/aws-glue/jobs/error", "/aws/lambda/" + pick(pr, appNames)}))
		w.kv("logStreamName", pick(pr, wd.runIDs))
		w.end()
		w.key("responseElements")
		w.null()
		callTrailer(w, g, wd.acct, false, "AwsApiCall", "")
	case 8: // S3 bucket-level management read
		p := pick(pr, append(wd.users[:len(wd.users):len(wd.users)], wd.roles...))
		userIdentity(w, pr, wd.acct, p, t.Truncate(time.Hour))
		callHeader(w, t, "s3.amazonaws.com", "GetBucketAcl", wd.region, p)
		b := pick(pr, wd.buckets)
		w.key("requestParameters")
		w.obj()
		w.kv("bucketName", b)
		w.kv("Host", b+".s3."+wd.region+".amazonaws.com")
		w.kv("acl", "")
		w.end()
		w.key("responseElements")
		w.null()
		w.key("additionalEventData")
		w.obj()
		w.kv("SignatureVersion", "SigV4")
		w.kv("CipherSuite", "TLS_AES_128_GCM_SHA256")
		w.key("bytesTransferredIn")
		w.num(0)
		w.kv("AuthenticationMethod", "AuthHeader")
		w.kv("x-amz-id-2", pr.alnum(76))
		w.key("bytesTransferredOut")
		w.num(int64(pr.between(400, 900)))
		w.end()
		callTrailer(w, g, wd.acct, true, "AwsApiCall", b+".s3."+wd.region+".amazonaws.com")
		writeResource(w, wd.acct, "AWS::S3::Bucket", "arn:aws:s3:::"+b)
	case 9: // DescribeNetworkInterfaces (Lambda and EKS poll it): not an ENI lifetime event
		p := pick(pr, wd.services)
		userIdentity(w, pr, wd.acct, p, t.Truncate(time.Hour))
		callHeader(w, t, "ec2.amazonaws.com", "DescribeNetworkInterfaces", wd.region, p)
		w.key("requestParameters")
		w.obj()
		w.key("networkInterfaceIdSet")
		w.obj()
		w.end()
		w.key("filterSet")
		w.obj()
		w.key("items")
		w.arr()
		w.obj()
		w.kv("name", "subnet-id")
		w.key("valueSet")
		w.obj()
		w.key("items")
		w.arr()
		w.obj()
		w.kv("value", pick(pr, wd.subnets))
		w.end()
		w.endArr()
		w.end()
		w.end()
		w.endArr()
		w.end()
		w.end()
		w.key("responseElements")
		w.null()
		callTrailer(w, g, wd.acct, true, "AwsApiCall", "")
	default: // Glue job-run polling by a scheduler
		p := pick(pr, wd.roles)
		userIdentity(w, pr, wd.acct, p, t.Truncate(time.Hour))
		callHeader(w, t, "glue.amazonaws.com", "GetJobRun", wd.region, p)
		w.key("requestParameters")
		w.obj()
		w.kv("jobName", pick(pr, []string{"ingest-orders", "transform-sessions", "export-finance", "report-kpis"}))
		w.kv("runId", pick(pr, wd.runIDs))
		w.key("predecessorsIncluded")
		w.boolean(false)
		w.end()
		w.key("responseElements")
		w.null()
		callTrailer(w, g, wd.acct, true, "AwsApiCall", "glue."+wd.region+".amazonaws.com")
	}
	w.end()
	return t
}

// filter writes one EC2 filterSet item with a single value.
func filter(w *jw, name, value string) {
	w.obj()
	w.kv("name", name)
	w.key("valueSet")
	w.obj()
	w.key("items")
	w.arr()
	w.obj()
	w.kv("value", value)
	w.end()
	w.endArr()
	w.end()
	w.end()
}

func writeResource(w *jw, acct, typ, arn string) {
	w.key("resources")
	w.arr()
	w.obj()
	w.kv("accountId", acct)
	w.kv("type", typ)
	w.kv("ARN", arn)
	w.end()
	w.endArr()
}
