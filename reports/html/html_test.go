package html_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gluelens/gluelens/analysis/plan"
	"github.com/gluelens/gluelens/analysis/report"
	"github.com/gluelens/gluelens/internal/reportfixture"
	"github.com/gluelens/gluelens/reports/html"
)

// The embedded ECharts must be the file recorded in assets/SHA256SUMS.
func TestEChartsChecksum(t *testing.T) {
	sum := sha256.Sum256(html.EChartsJS())
	want := ""
	for _, line := range strings.Split(html.EChartsSums(), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[1] == "echarts.min.js" {
			want = f[0]
		}
	}
	if want == "" {
		t.Fatal("SHA256SUMS has no line for echarts.min.js")
	}
	if got := hex.EncodeToString(sum[:]); got != want {
		t.Fatalf("embedded echarts.min.js has SHA-256 %s, SHA256SUMS says %s", got, want)
	}
	if !bytes.Contains(html.EChartsJS(), []byte("5.4.3")) {
		t.Error("embedded ECharts does not name version 5.4.3")
	}
}

const hostile = `</script><script>window.__gluelensPwned=1</script><img src=x onerror="window.__gluelensPwned=2">"'&<!--`

// hostileIncident is an incident whose every log-derived string is hostile.
func hostileIncident() *report.Incident {
	at := time.Date(2026, 11, 2, 7, 3, 12, 0, time.UTC)
	from, to := at.Add(-90*time.Minute), at.Add(90*time.Minute)
	end := at.Add(-20 * time.Minute)
	usable := int64(59)
	p50, p95, mx := 60.0, 80.0, 85.0
	job := "job-" + hostile
	return &report.Incident{
		Header: report.Header{Kind: "incident", GeneratedAt: reportfixture.Now, Version: "test" + hostile,
			Database: "db" + hostile, From: from, To: to, Sources: []report.Source{{Kind: "cloudtrail" + hostile, Objects: 1, Records: 2}}},
		Class: report.ClassIPExhaustion,
		Failure: report.Failure{At: at, SubnetID: "subnet-" + hostile, ErrorText: "error " + hostile,
			Runs: []report.AffectedRun{{RunID: "jr_" + hostile, JobName: job, Category: "cat" + hostile, State: "FAILED", StartedOn: &from, CompletedOn: &at, FailureClass: "ip_exhaustion", ErrorMessage: hostile}}},
		IP: &report.IPInvestigation{
			SubnetID: "subnet-" + hostile, CIDR: "10.0.0.0/26", UsableIPs: &usable, At: at, InUse: 59, HeldByRunningRuns: 20, HeldByFinishedRuns: 39,
			RunningRuns: 1, FinishedRuns: 2,
			Occupancy: []report.Point{{At: from, Value: 10}, {At: at, Value: 59}, {At: to, Value: 30}},
			ByHolder:  []report.HolderPoint{{At: from, Running: 10}, {At: at, Running: 20, Lingering: 39}, {At: to, Running: 30}},
			Runs: []report.RunBar{
				{Kind: "run", RunID: "jr_" + hostile, JobName: job, Category: "cat" + hostile, ENIs: 1, IPsAtFailure: 1, From: from.Add(time.Minute), RunEnd: &end},
				{Kind: "non-glue", ENIs: 1, IPsAtFailure: 1, From: from},
			},
			Failures: []report.FailureMark{{At: at, Source: "cloudtrail", JobName: job, RunID: "jr_" + hostile, InUse: 59, ErrorMsg: hostile}},
			ENIs: []report.ENIBar{
				{ENIID: "eni-" + hostile, JobName: job, RunID: "jr_" + hostile, IPs: 1, From: from.Add(time.Minute), RunEnd: &end, StateAtFailure: "lingering"},
				{ENIID: "eni-2", Requester: "lambda" + hostile, IPs: 1, From: from, StateAtFailure: "non-glue"},
			},
			Linger:          report.Percentiles{Count: 2, P50: &p50, P95: &p95, Max: &mx},
			LingerHistogram: []report.Bucket{{Lo: 50, Hi: 60, Count: 1}, {Lo: 60, Hi: 70, Count: 1}},
		},
		Fix: report.Fix{Advice: []report.Advice{
			{Rank: 1, Area: "subnet", Config: "subnets: " + hostile, Subnet: &report.SubnetCard{
				Proposal: plan.SubnetProposal{Subnet: "glue-" + hostile, Categories: []string{"cat" + hostile}, CIDR: "/26", UsableIPs: 59},
				Alone:    true, Current: plan.SubnetInfo{ID: "subnet-" + hostile, CIDR: hostile}}},
			{Rank: 2, Area: "launch", Config: "gluelens gate " + hostile, Launch: &report.LaunchCard{Category: "cat" + hostile, Threshold: 20, Basis: plan.Threshold{Category: "cat" + hostile, Threshold: 20, MaxRun: hostile}}}},
			Unavailable: []string{hostile}},
	}
}

// Strings from logs must reach the page as text: nothing they contain may
// close the script element, add an element or run.
func TestHostileInputStaysText(t *testing.T) {
	var buf bytes.Buffer
	if err := (html.Writer{}).WriteIncident(&buf, hostileIncident()); err != nil {
		t.Fatal(err)
	}
	// The library's own markup strings are not ours to check.
	page := strings.Replace(buf.String(), string(html.EChartsJS()), "", 1)
	if n := strings.Count(page, "</script>"); n != 2 {
		t.Errorf("page has %d </script> tags, want 2 (the library and the chart script)", n)
	}
	if strings.Contains(page, "<img") || strings.Contains(page, "<script>window.__gluelensPwned") {
		t.Error("a hostile string reached the page as markup")
	}
	file := filepath.Join(t.ArtifactDir(), "hostile.html")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	p := reportfixture.Open(t, file, []string{"#root-cause", "#title"}, []string{"typeof window.__gluelensPwned"})
	if got := p.Eval["typeof window.__gluelensPwned"]; got != "undefined" {
		t.Errorf("the hostile script ran: typeof window.__gluelensPwned = %s", got)
	}
	if !strings.Contains(p.Texts["#root-cause"], "<script>window.__gluelensPwned=1</script>") {
		t.Errorf("root cause text = %q, want the hostile string shown as text", p.Texts["#root-cause"])
	}
	if len(p.Console) > 0 {
		t.Errorf("console errors: %q", p.Console)
	}
	if len(p.Requests) > 0 {
		t.Errorf("the page made network requests: %q", p.Requests)
	}
	for _, id := range []string{"chart-occupancy", "chart-enis", "chart-linger"} {
		if len(p.Charts[id]) == 0 {
			t.Errorf("chart %s did not render (charts: %v)", id, p.Charts)
		}
	}
	t.Logf("screenshot: %s", reportfixture.Keep(t, "hostile.png", p.Screenshot))
}

// FuzzLogStrings renders an incident whose log-derived strings are the
// fuzz input: rendering never fails, and the page keeps exactly its two
// script elements and never gains an element from the input.
func FuzzLogStrings(f *testing.F) {
	for _, s := range []string{hostile, "plain", "</SCRIPT >", "<!--<script>", "\u2028\u2029", `{{.}}`, "\x00\xff", "]]></style><svg onload=x>"} {
		f.Add(s)
	}
	lib := string(html.EChartsJS())
	f.Fuzz(func(t *testing.T, s string) {
		inc := hostileIncident()
		inc.IP.SubnetID, inc.Failure.ErrorText, inc.IP.ENIs[0].JobName, inc.Fix.Advice[0].Config = s, s, s, s
		inc.Failure.Runs[0].JobName, inc.IP.Failures[0].JobName, inc.IP.Runs[0].JobName, inc.IP.Runs[0].RunID = s, s, s, s
		var buf bytes.Buffer
		if err := (html.Writer{}).WriteIncident(&buf, inc); err != nil {
			t.Fatal(err)
		}
		page := strings.ToLower(strings.Replace(buf.String(), lib, "", 1))
		if n := strings.Count(page, "<script"); n != 2 {
			t.Fatalf("%d <script elements for input %q", n, s)
		}
		if n := strings.Count(page, "</script"); n != 2 {
			t.Fatalf("%d </script for input %q", n, s)
		}
		for _, tag := range []string{"<svg", "<img", "<style>]"} {
			if strings.Contains(page, tag) {
				t.Fatalf("input %q put %s into the page", s, tag)
			}
		}
	})
}
