package main

import (
	"bytes"
	"context"
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
		{"ip-exhaustion without --out", []string{"synth", "ip-exhaustion"}, exitUsage, "", "--out is required"},
		{"bench", []string{"synth", "cloudtrail-bench", "--out", filepath.Join(dir, "bench"), "--size", "1MiB"}, exitOK, "1.0 MiB decompressed", ""},
		{"bench with a bad size", []string{"synth", "cloudtrail-bench", "--out", dir, "--size", "lots"}, exitUsage, "", "--size: parsing size \"lots\""},
		{"bench with a bad share", []string{"synth", "cloudtrail-bench", "--out", dir, "--eni-share", "2"}, exitUsage, "", "--eni-share 2"},
	} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), c.args, strings.NewReader(""), &out, &errOut)
		if code != c.code || !strings.Contains(out.String(), c.out) || !strings.Contains(errOut.String(), c.err) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d with %q / %q", c.name, code, out.String(), errOut.String(), c.code, c.out, c.err)
		}
	}
	for _, p := range []string{"ipx/truth.json", "ipx/glue/get-jobs.json", "ipx/ec2/describe-subnets.json"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Error(err)
		}
	}
	gz, _ := filepath.Glob(filepath.Join(dir, "bench", "AWSLogs", "*", "CloudTrail", "*", "*", "*", "*", "*.json.gz"))
	if len(gz) == 0 {
		t.Error("cloudtrail-bench wrote no log files")
	}
}
