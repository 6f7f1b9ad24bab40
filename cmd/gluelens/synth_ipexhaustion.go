package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/internal/synth"
	"github.com/gluelens/gluelens/reports/words"
)

// SynthIPOptions are the options of a synth command.
type SynthIPOptions struct {
	out, truth string
	seed       uint64
	start      string
	accounts   []string
	regions    []string
	jobs       []string
	scale      int
	noise      int
	eniShare   float64
	digests    bool
	tamper     string
	deleteOnly int
	sharedRole bool
	clockSkew  time.Duration
	createLag  time.Duration
	closeFail  bool
	repoint    bool
	extraCats  int
}

// NewCmdSynthIPExhaustion builds synth ip-exhaustion.
func NewCmdSynthIPExhaustion(f *Factory, runF func(*SynthIPOptions) error) *cobra.Command {
	opts := &SynthIPOptions{}
	c := &cobra.Command{
		Use:   "ip-exhaustion -o DIR",
		Short: "Write a day of CloudTrail, Glue and EC2 evidence in which a shared /26 runs out of IPs",
		Long: `Write the ip-exhaustion scenario: CloudTrail log files in the S3 key layout (AWSLogs/...) among
realistic non-ENI management events (--eni-share), signed CloudTrail digest files and the matching
list-public-keys output, AWS CLI output of glue get-job-runs / get-jobs / get-connections and ec2
describe-subnets / describe-vpcs / describe-network-interfaces — and, beside the folder (DIR.truth.json, or --truth),
what the analysis must find, computed by the generator's own simulation of AWS. The same flags and
--seed always write the same bytes.

--tamper damages the trail after delivery (needs --digests): a comma-separated list of
delete-log=N, alter-log=N, recompress-log=N, add-log=N, delete-digest=N, alter-digest=N;
the truth's integrity.problems lists what 'gluelens verify' must report.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.out == "" {
				return usagef("-o/--output DIR is required")
			}
			if runF != nil {
				return runF(opts)
			}
			return runSynthIP(cmd.Context(), f, opts)
		},
	}
	fl := c.Flags()
	fl.StringVarP(&opts.out, "output", "o", "", "folder to write the evidence into")
	deprecatedAlias(c, "out", "-o/--output", &opts.out)
	fl.StringVar(&opts.truth, "truth", "", "file to write the truth to (default DIR.truth.json, beside the folder)")
	fl.Uint64Var(&opts.seed, "seed", 1, "random seed")
	fl.StringVar(&opts.start, "start", "2026-11-02", "first day of the evidence (YYYY-MM-DD, UTC)")
	fl.StringSliceVar(&opts.accounts, "accounts", nil, "account ids (12 digits, comma-separated; default 481516234200)")
	fl.StringSliceVar(&opts.regions, "regions", nil, "regions (comma-separated; default eu-west-1)")
	fl.StringArrayVar(&opts.jobs, "jobs", nil, "CATEGORY=JOB,JOB…: rename a category's jobs (ingest, transform, export, report; repeatable)")
	fl.IntVar(&opts.scale, "scale", 1, fmt.Sprintf("copies of the workload per account and region (1–%d)", synth.MaxWeekScale))
	fl.IntVar(&opts.noise, "noise", 1, "irregularities ×N: duplicate deliveries, DryRun probes, light non-ENI records (0: clean)")
	fl.Float64Var(&opts.eniShare, "eni-share", 0.005, "share of ENI calls among the CloudTrail records (a real trail: 0.005; 0: no padding)")
	fl.BoolVar(&opts.digests, "digests", false, "a digest file for every hour of the trail (default: the first hour only)")
	fl.StringVar(&opts.tamper, "tamper", "", "damage to the trail, e.g. delete-log=1,alter-digest=1 (see above)")
	fl.IntVar(&opts.deleteOnly, "delete-only-enis", 0, "pre-existing ENIs per shared subnet known only by their deletes (no snapshot)")
	fl.BoolVar(&opts.sharedRole, "shared-role", false, "export-* jobs run under transform-*'s IAM role")
	fl.DurationVar(&opts.clockSkew, "clock-skew", 0, "Glue's clock ahead (e.g. 45s) or behind (-30s) CloudTrail's in get-job-runs")
	fl.DurationVar(&opts.createLag, "create-lag", 0, "longest delay from a run's start to an ENI create (default 60s, at most 175s)")
	fl.BoolVar(&opts.closeFail, "close-failures", false, "two runs of different roles (adhoc-a, adhoc-b) refused seconds apart at 06:15")
	fl.BoolVar(&opts.repoint, "repoint", false, "ingest-orders moves to a new /26 at 12:00; get-jobs shows only the new definition")
	fl.IntVar(&opts.extraCats, "extra-categories", 0, "more job categories, each with its own role, in the roomy /24 (0–8)")
	return c
}

// parseTamper reads --tamper into the damage counts.
func parseTamper(s string, in *synth.Integrity) error {
	if s == "" {
		return nil
	}
	fields := map[string]*int{"delete-log": &in.DeleteLogs, "alter-log": &in.AlterLogs, "recompress-log": &in.RecompressLog,
		"add-log": &in.AddLogs, "delete-digest": &in.DeleteDigests, "alter-digest": &in.AlterDigests}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			v = "1"
		}
		p := fields[k]
		n, err := strconv.Atoi(v)
		if p == nil || err != nil || n < 0 {
			return fmt.Errorf("--tamper %q: want delete-log, alter-log, recompress-log, add-log, delete-digest or alter-digest = a count", part)
		}
		*p = n
	}
	return nil
}

func (o *SynthIPOptions) options() (synth.Options, error) {
	start, err := time.Parse("2006-01-02", o.start)
	if err != nil {
		return synth.Options{}, usagef("--start %q: want YYYY-MM-DD", o.start)
	}
	so := synth.Options{Start: start, Accounts: o.accounts, Regions: o.regions, Scale: o.scale, Noise: &o.noise, ENIShare: o.eniShare,
		Integrity: synth.Integrity{Chain: o.digests},
		Hard: synth.Hard{DeleteOnly: o.deleteOnly, SharedRole: o.sharedRole, ClockSkew: o.clockSkew, CreateLag: o.createLag,
			CloseFailures: o.closeFail, Repoint: o.repoint, ExtraCategories: o.extraCats}}
	if len(o.jobs) > 0 {
		so.Jobs = map[string][]string{}
		for _, j := range o.jobs {
			cat, names, ok := strings.Cut(j, "=")
			if !ok || names == "" {
				return so, usagef("--jobs %q: want CATEGORY=JOB,JOB…", j)
			}
			so.Jobs[cat] = strings.Split(names, ",")
		}
	}
	if err := parseTamper(o.tamper, &so.Integrity); err != nil {
		return so, usagef("%v", err)
	}
	if so.Integrity != (synth.Integrity{Chain: so.Integrity.Chain}) && !o.digests {
		return so, usagef("--tamper needs --digests")
	}
	return so, nil
}

func runSynthIP(ctx context.Context, f *Factory, opts *SynthIPOptions) error {
	so, err := opts.options()
	if err != nil {
		return err
	}
	s, err := synth.Customize(so)
	if err != nil {
		return usagef("%v", err)
	}
	out, err := synth.Generate(s, opts.seed)
	if err != nil {
		return err
	}
	return writeSynthOutput(f, out, opts.out, opts.truth)
}

// writeSynthOutput writes the evidence into dir and the truth to
// truthPath (default: beside dir), and says what it wrote.
func writeSynthOutput(f *Factory, out *synth.Output, dir, truthPath string) error {
	if truthPath == "" {
		truthPath = synth.TruthPath(dir)
	}
	if err := out.WriteDir(dir); err != nil {
		return err
	}
	if err := out.WriteTruth(truthPath); err != nil {
		return err
	}
	for _, line := range words.SynthScenario(out, dir, truthPath) {
		fmt.Fprintln(f.out, line)
	}
	return nil
}
