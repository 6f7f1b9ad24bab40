package synth

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// truthKey holds the truth beside the tree in TestGenerateDeterministic.
const truthKey = "../truth"

// writeAll writes the evidence into dir and its truth beside it.
func writeAll(o *Output, dir string) error {
	if err := o.WriteDir(dir); err != nil {
		return err
	}
	return o.WriteTruth(TruthPath(dir))
}

func TestGenerateDeterministic(t *testing.T) {
	render := func(seed uint64) map[string][]byte {
		t.Helper()
		dir := t.TempDir()
		out, err := Generate(IPExhaustion(), seed)
		if err != nil {
			t.Fatal(err)
		}
		if err := writeAll(out, dir); err != nil {
			t.Fatal(err)
		}
		tree := readTree(t, dir)
		if _, inside := tree["truth.json"]; inside {
			t.Error("truth.json written inside the evidence folder")
		}
		tj, err := os.ReadFile(TruthPath(dir))
		if err != nil {
			t.Fatal(err)
		}
		tree[truthKey] = tj
		return tree
	}
	a, b, c := render(7), render(7), render(8)
	if !equalTrees(a, b) {
		t.Error("seed 7 twice gave different output")
	}
	if equalTrees(a, c) || bytes.Equal(a[truthKey], c[truthKey]) {
		t.Error("seeds 7 and 8 gave the same output")
	}
}

// ctRecord is the part of a CloudTrail record the checks below read,
// decoded with encoding/json only.
type ctRecord struct {
	EventID      string `json:"eventID"`
	EventTime    string `json:"eventTime"`
	EventSource  string `json:"eventSource"`
	EventName    string `json:"eventName"`
	ErrorCode    string `json:"errorCode"`
	ErrorMessage string `json:"errorMessage"`
	UserIdentity struct {
		InvokedBy      string `json:"invokedBy"`
		SessionContext struct {
			SessionIssuer struct {
				Arn string `json:"arn"`
			} `json:"sessionIssuer"`
		} `json:"sessionContext"`
	} `json:"userIdentity"`
	RequestParameters struct {
		SubnetID           string `json:"subnetId"`
		NetworkInterfaceID string `json:"networkInterfaceId"`
	} `json:"requestParameters"`
	ResponseElements *struct {
		NetworkInterface *struct {
			NetworkInterfaceID    string `json:"networkInterfaceId"`
			SubnetID              string `json:"subnetId"`
			Description           string `json:"description"`
			Status                string `json:"status"`
			PrivateIPAddressesSet struct {
				Items []struct {
					PrivateIPAddress string `json:"privateIpAddress"`
				} `json:"items"`
			} `json:"privateIpAddressesSet"`
		} `json:"networkInterface"`
	} `json:"responseElements"`

	at   time.Time
	file string
}

// cliRunRecord is a JobRun as get-job-runs prints it.
type cliRunRecord struct {
	ID           string `json:"Id"`
	JobName      string
	StartedOn    any
	CompletedOn  any
	JobRunState  string
	ErrorMessage string
	WorkerType   string
	started      time.Time
	completed    time.Time
}

// evidence is everything the independent recomputation reads back.
type evidence struct {
	records    []ctRecord     // every record of every log file, duplicates included
	styles     map[string]int // get-job-runs timestamp renderings: "epoch", "+00:00", "-05:00"
	logFiles   int
	digests    int
	runs       map[string]*cliRunRecord
	jobRole    map[string]string // job → role ARN
	jobSubnet  map[string]string // job → subnet of its first connection
	jobConn    map[string]string // job → its first connection
	usable     map[string]int
	preSubnet  map[string]string // ENI → subnet, from the snapshot
	truth      Truth
	truthBytes []byte
}

func cliTimeValue(t *testing.T, v any) time.Time {
	t.Helper()
	switch x := v.(type) {
	case float64:
		return time.UnixMilli(int64(math.Round(x * 1000))).UTC()
	case string:
		p, err := time.Parse(time.RFC3339Nano, x)
		if err != nil {
			t.Fatalf("CLI timestamp %q: %v", x, err)
		}
		return p.UTC()
	}
	t.Fatalf("CLI timestamp %v of type %T", v, v)
	return time.Time{}
}

// cliFiles lists the AWS CLI outputs matching pattern at the top of dir
// and, for scenarios over several accounts and regions, under
// ACCOUNT/REGION/.
func cliFiles(dir, pattern string) []string {
	top, _ := filepath.Glob(filepath.Join(dir, filepath.FromSlash(pattern)))
	nested, _ := filepath.Glob(filepath.Join(dir, "*", "*", filepath.FromSlash(pattern)))
	return append(top, nested...)
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func loadEvidence(t *testing.T, dir string) *evidence {
	t.Helper()
	ev := &evidence{styles: map[string]int{}, runs: map[string]*cliRunRecord{}, jobRole: map[string]string{}, jobSubnet: map[string]string{}, jobConn: map[string]string{}, usable: map[string]int{}, preSubnet: map[string]string{}}
	digestLogs := map[string]string{}
	sums := map[string]string{}
	walkCorpus(t, dir, func(key string, raw, stored []byte) {
		if strings.Contains(key, "/CloudTrail-Digest/") {
			ev.digests++
			var d struct {
				AwsAccountID string `json:"awsAccountId"`
				Records      any
				LogFiles     []struct {
					S3Object  string `json:"s3Object"`
					HashValue string `json:"hashValue"`
				} `json:"logFiles"`
			}
			if err := json.Unmarshal(raw, &d); err != nil {
				t.Fatalf("%s: %v", key, err)
			}
			if d.Records != nil || d.AwsAccountID == "" || len(d.LogFiles) == 0 {
				t.Errorf("%s: not shaped like a digest file", key)
			}
			for _, l := range d.LogFiles {
				digestLogs[l.S3Object] = l.HashValue
			}
			return
		}
		m := logKeyRE.FindStringSubmatch(key)
		if m == nil {
			t.Fatalf("%s: not in the CloudTrail key layout", key)
		}
		// AWS hashes a log file's uncompressed content (docs/formats.md §1.7).
		sum := sha256.Sum256(raw)
		sums[key] = hex.EncodeToString(sum[:])
		ev.logFiles++
		var doc struct{ Records []json.RawMessage }
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if len(doc.Records) == 0 {
			t.Errorf("%s: empty Records", key)
		}
		delivered, _ := time.Parse("20060102T1504Z", m[8]+"T"+m[9]+"Z")
		for i, r := range doc.Records {
			var rec ctRecord
			if err := json.Unmarshal(r, &rec); err != nil {
				t.Fatalf("%s record %d: %v", key, i, err)
			}
			at, err := time.Parse("2006-01-02T15:04:05Z", rec.EventTime)
			if err != nil || rec.EventID == "" || rec.EventName == "" || rec.EventSource == "" {
				t.Fatalf("%s record %d: eventID/eventTime/eventName/eventSource missing or malformed", key, i)
			}
			if lag := delivered.Sub(at); lag < 5*time.Minute || lag > 25*time.Minute {
				t.Errorf("%s record %d: delivered %s after its eventTime", key, i, lag)
			}
			rec.at, rec.file = at, key
			ev.records = append(ev.records, rec)
		}
	})

	pages := cliFiles(dir, "glue/get-job-runs/*.json")
	byJob := map[string][]string{}
	for _, p := range pages {
		var page struct {
			JobRuns   []*cliRunRecord
			NextToken *string
		}
		readJSON(t, p, &page)
		job := strings.SplitN(filepath.Base(p), ".page-", 2)[0]
		byJob[job] = append(byJob[job], p)
		for _, r := range page.JobRuns {
			if len(r.ID) != 67 || !strings.HasPrefix(r.ID, "jr_") || strings.Trim(r.ID[3:], hexDigits) != "" {
				t.Errorf("%s: run Id %q is not jr_ + 64 hex", p, r.ID)
			}
			switch v := r.StartedOn.(type) {
			case float64:
				ev.styles["epoch"]++
			case string:
				ev.styles[v[len(v)-6:]]++
			}
			r.started = cliTimeValue(t, r.StartedOn)
			if r.CompletedOn != nil {
				r.completed = cliTimeValue(t, r.CompletedOn)
			}
			ev.runs[r.ID] = r
		}
	}
	for job, ps := range byJob {
		sort.Strings(ps)
		for i, p := range ps {
			var page struct{ NextToken *string }
			readJSON(t, p, &page)
			if (page.NextToken != nil) != (i < len(ps)-1) {
				t.Errorf("%s: NextToken on page %d of %d", job, i+1, len(ps))
			}
		}
	}

	var jobs struct {
		Jobs []struct {
			Name        string
			Role        string
			Connections struct{ Connections []string }
		}
	}
	for _, p := range cliFiles(dir, "glue/get-jobs.json") {
		readJSON(t, p, &jobs)
		for _, j := range jobs.Jobs {
			ev.jobRole[j.Name] = j.Role
			ev.jobConn[j.Name] = j.Connections.Connections[0]
		}
	}
	var conns struct {
		ConnectionList []struct {
			Name                           string
			PhysicalConnectionRequirements struct{ SubnetId string }
		}
	}
	connSubnet := map[string]string{}
	for _, p := range cliFiles(dir, "glue/get-connections.json") {
		readJSON(t, p, &conns)
		for _, c := range conns.ConnectionList {
			connSubnet[c.Name] = c.PhysicalConnectionRequirements.SubnetId
		}
	}
	for job, conn := range ev.jobConn {
		ev.jobSubnet[job] = connSubnet[conn]
	}
	var subnets struct {
		Subnets []struct {
			SubnetId  string
			CidrBlock string
		}
	}
	var all []struct {
		SubnetId  string
		CidrBlock string
	}
	for _, p := range cliFiles(dir, "ec2/describe-subnets.json") {
		readJSON(t, p, &subnets)
		all = append(all, subnets.Subnets...)
	}
	for _, s := range all {
		var bits int
		if i := strings.IndexByte(s.CidrBlock, '/'); i > 0 {
			bits = int(s.CidrBlock[i+1]-'0')*10 + int(s.CidrBlock[i+2]-'0')
		}
		ev.usable[s.SubnetId] = 1<<(32-bits) - 5
	}
	var nis struct {
		NetworkInterfaces []struct {
			NetworkInterfaceId string
			SubnetId           string
		}
	}
	// The snapshot lists pre-existing ENIs; a scenario without any (after-fix) writes none.
	for _, snap := range cliFiles(dir, "ec2/describe-network-interfaces.json") {
		readJSON(t, snap, &nis)
		for _, n := range nis.NetworkInterfaces {
			ev.preSubnet[n.NetworkInterfaceId] = n.SubnetId
		}
	}
	b, err := os.ReadFile(TruthPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	ev.truthBytes = b
	if err := json.Unmarshal(b, &ev.truth); err != nil {
		t.Fatal(err)
	}
	damaged := map[string]bool{}
	if it := ev.truth.Integrity; it != nil {
		for _, d := range it.Damage {
			damaged[d.Object] = true
		}
	}
	for k, h := range digestLogs {
		if sums[k] != h && !damaged[k] {
			t.Errorf("digest lists %s with hash %s, file hash is %q", k, h, sums[k])
		}
	}
	return ev
}
