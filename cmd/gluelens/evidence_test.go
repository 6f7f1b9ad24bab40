package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestQuestionsCheckedAgainstTheEvidence: an unknown subnet, run, job
// category or Spark application, or a time or window outside the evidence
// is exit 7 with a message saying what the evidence holds; a valid question
// with no answer is exit 6.
func TestQuestionsCheckedAgainstTheEvidence(t *testing.T) {
	_, db, tr := ipEvidence(t)
	first := tr.FailedCreates[0]
	for _, c := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"report", "incident", "--at", first.At, "--subnet", "subnet-typo", "--format", "json"}, exitEvidence, []string{"unknown subnet subnet-typo; the evidence has", first.SubnetID}},
		{[]string{"eni", "at", "subnet-typo", first.At}, exitEvidence, []string{"unknown subnet subnet-typo", first.SubnetID}},
		{[]string{"eni", "lifetimes", "--subnet", "subnet-typo"}, exitEvidence, []string{"unknown subnet subnet-typo", first.SubnetID}},
		{[]string{"eni", "at", first.SubnetID, "2030-01-01"}, exitEvidence, []string{"is after the evidence ends", "the evidence covers"}},
		{[]string{"eni", "exhaustion", "--from", "2030-01-01"}, exitEvidence, []string{"holds no evidence", "the evidence covers"}},
		{[]string{"runs", "--to", "2001-01-01"}, exitEvidence, []string{"holds no evidence"}},
		{[]string{"report", "incident", "--run", "jr_typo", "--format", "json"}, exitEvidence, []string{"unknown job run jr_typo; the evidence has", "run(s) of"}},
		{[]string{"report", "incident", "--at", "2026-10-01T00:00:00Z", "--format", "json"}, exitEvidence, []string{"is before the evidence starts"}},
		{[]string{"report", "capacity", "--week", "2030-W02", "--format", "json"}, exitEvidence, []string{"--week 2030-W02", "holds no evidence", "the evidence covers"}},
		{[]string{"report", "incident", "--at", first.At, "--after", "2030-01-01..2030-01-08", "--format", "json"}, exitEvidence, []string{"--after", "holds no evidence"}},
		{[]string{"report", "compare", "--before", first.At[:10] + "..2030-01-01", "--after", "2030-01-02..2030-01-08", "--format", "md"}, exitEvidence, []string{"--after", "holds no evidence"}},
		{[]string{"spark", "stages", "app-typo"}, exitEvidence, []string{"unknown Spark application app-typo"}},
		{[]string{"spark", "advice", "--run", "jr_typo"}, exitEvidence, []string{"unknown job run jr_typo"}},
		{[]string{"plan", "subnets", "--split", "etl=ingst-*"}, exitEvidence, []string{"matches no category", "the evidence's categories are"}},
	} {
		out, errOut, code := runCode(append([]string{"--db", db}, c.args...)...)
		ok := code == c.code && out == ""
		for _, w := range c.want {
			ok = ok && strings.Contains(errOut, w)
		}
		if !ok {
			t.Errorf("gluelens %v: exit %d, stdout %.80q, stderr %q; want exit %d, no output, and %q", c.args, code, out, errOut, c.code, c.want)
		}
	}
}

// TestEvidenceCoverage: the evidence command and every report give the
// span per source, the CloudTrail gaps and the fingerprint of the inputs —
// the SHA-256 of the sorted SHA-256s of the loaded files, computed here
// from the files themselves.
func TestEvidenceCoverage(t *testing.T) {
	ev, db, tr := ipEvidence(t)
	// Objects the ingest deliberately did not load (digests, public keys
	// until a decoder claims them) are not evidence.
	skip := map[string]bool{}
	for _, r := range jsonRows(t, cli(t, "--db", db, "query", "--format", "json", "SELECT uri FROM ingest_manifest WHERE status NOT IN ('ok', 'duplicate')")) {
		skip[r["uri"].(string)] = true
	}
	var sums []string
	var gzFiles int
	err := filepath.Walk(ev, func(p string, info os.FileInfo, err error) error {
		if err != nil || !info.Mode().IsRegular() || strings.HasSuffix(p, "truth.json") || skip[p] {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		h := sha256.Sum256(b)
		sums = append(sums, hex.EncodeToString(h[:]))
		if strings.Contains(p, "_CloudTrail_") {
			gzFiles++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(sums)
	h := sha256.Sum256([]byte(strings.Join(sums, "\n") + "\n"))
	want := hex.EncodeToString(h[:])

	var cov struct {
		Sources []struct {
			Source  string `json:"source"`
			Objects int    `json:"objects"`
		} `json:"sources"`
		Gaps        []any  `json:"gaps"`
		Objects     int    `json:"objects"`
		Fingerprint string `json:"fingerprint"`
	}
	if err := json.Unmarshal([]byte(cli(t, "--db", db, "evidence", "--format", "json")), &cov); err != nil {
		t.Fatal(err)
	}
	ctFiles := 0
	for _, s := range cov.Sources {
		if s.Source == "cloudtrail" {
			ctFiles += s.Objects
		}
	}
	if cov.Fingerprint != want || cov.Objects != len(sums) || ctFiles != gzFiles || ctFiles == 0 {
		t.Errorf("evidence: fingerprint %s over %d objects, %d CloudTrail files; want %s over %d, %d files", cov.Fingerprint, cov.Objects, ctFiles, want, len(sums), gzFiles)
	}
	if txt := cli(t, "--db", db, "evidence", "--gap", "1m"); !strings.Contains(txt, "CloudTrail delivery gap(s) longer than 1m0s") {
		t.Errorf("evidence --gap 1m lists no gap:\n%s", txt)
	}
	md := cli(t, "--db", db, "report", "incident", "--at", tr.FailedCreates[0].At, "--format", "md")
	if i, j := strings.Index(md, "What this rests on"), strings.Index(md, "**What failed.**"); i < 0 || j < i || !strings.Contains(md, "fingerprint sha256:"+want) {
		t.Errorf("the incident report does not open with the evidence and its fingerprint:\n%.1500s", md)
	}
	capMD := cli(t, "--db", db, "report", "capacity", "--from", tr.FailedCreates[0].At[:10], "--to", "2030-01-01", "--format", "md")
	if !strings.Contains(capMD, "Beyond the evidence: the window ends") {
		t.Errorf("a capacity report reaching past the evidence does not say so:\n%.1500s", capMD)
	}
}
