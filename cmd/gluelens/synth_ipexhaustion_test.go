package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSynthCommands(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name     string
		args     []string
		code     int
		out, err string
	}{
		{"ip-exhaustion", []string{"synth", "ip-exhaustion", "--out", filepath.Join(dir, "ipx"), "--seed", "4"}, exitOK, "failed for lack of IPs", ""},
		{"ip-exhaustion without -o", []string{"synth", "ip-exhaustion"}, exitUsage, "", "-o/--output DIR is required"},
		{"bench", []string{"synth", "cloudtrail-bench", "--out", filepath.Join(dir, "bench"), "--size", "1MiB"}, exitOK, "1.0 MiB decompressed", ""},
		{"bench with a bad size", []string{"synth", "cloudtrail-bench", "--out", dir, "--size", "lots"}, exitUsage, "", "--size: parsing size \"lots\""},
		{"bench with a bad share", []string{"synth", "cloudtrail-bench", "--out", dir, "--eni-share", "2"}, exitUsage, "", "--eni-share 2"},
		{"bad account", []string{"synth", "ip-exhaustion", "--out", dir, "--accounts", "12345"}, exitUsage, "", `account "12345": want 12 digits`},
		{"bad start", []string{"synth", "ip-exhaustion", "--out", dir, "--start", "yesterday"}, exitUsage, "", `--start "yesterday"`},
		{"unknown category", []string{"synth", "ip-exhaustion", "--out", dir, "--jobs", "etl=a,b"}, exitUsage, "", `category "etl"`},
		{"tamper without digests", []string{"synth", "ip-exhaustion", "--out", dir, "--tamper", "delete-log=1"}, exitUsage, "", "--tamper needs --digests"},
		{"tampered trail", []string{"synth", "ip-exhaustion", "--out", filepath.Join(dir, "tampered"), "--eni-share", "0", "--digests", "--tamper", "delete-log=1,alter-digest=1"},
			exitOK, "damaged the trail 2 times: 4 problems for verify to find", ""},
		{"hard evidence", []string{"synth", "ip-exhaustion", "--out", filepath.Join(dir, "hard"), "--eni-share", "0", "--delete-only-enis", "2", "--shared-role",
			"--clock-skew", "-30s", "--create-lag", "150s", "--close-failures", "--repoint", "--extra-categories", "2"}, exitOK, "failed for lack of IPs", ""},
		{"skew too large", []string{"synth", "ip-exhaustion", "--out", dir, "--clock-skew", "1h"}, exitUsage, "", "clock skew 1h0m0s"},
		{"bad tamper", []string{"synth", "ip-exhaustion", "--out", dir, "--digests", "--tamper", "shred=1"}, exitUsage, "", `--tamper "shred=1"`},
	} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), c.args, strings.NewReader(""), &out, &errOut)
		if code != c.code || !strings.Contains(out.String(), c.out) || !strings.Contains(errOut.String(), c.err) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d with %q / %q", c.name, code, out.String(), errOut.String(), c.code, c.out, c.err)
		}
	}
	for _, p := range []string{"ipx.truth.json", "ipx/glue/get-jobs.json", "ipx/ec2/describe-subnets.json", "ipx/cloudtrail/list-public-keys.eu-west-1.json"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Error(err)
		}
	}
	// The truth is not evidence: nothing of it inside the folder.
	if _, err := os.Stat(filepath.Join(dir, "ipx", "truth.json")); err == nil {
		t.Error("ipx/truth.json written inside the evidence folder")
	}
	// By default the trail is padded like a real one: about 0.5 % ENI calls.
	var tr struct {
		Counts struct {
			CloudTrailRecords int     `json:"cloudtrail_records"`
			ENIRecords        int     `json:"eni_records"`
			ENIShare          float64 `json:"eni_share"`
		} `json:"counts"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "ipx.truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &tr); err != nil {
		t.Fatal(err)
	}
	if c := tr.Counts; c.ENIShare < 0.0049 || c.ENIShare > 0.0051 || c.CloudTrailRecords < 150*c.ENIRecords {
		t.Errorf("default trail: %d records, %d ENI calls (share %g), want about 0.5 %%", c.CloudTrailRecords, c.ENIRecords, c.ENIShare)
	}
	gz, _ := filepath.Glob(filepath.Join(dir, "bench", "AWSLogs", "*", "CloudTrail", "*", "*", "*", "*", "*.json.gz"))
	if len(gz) == 0 {
		t.Error("cloudtrail-bench wrote no log files")
	}
}
