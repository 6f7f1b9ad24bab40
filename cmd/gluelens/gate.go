package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/analysis/plan"
	"github.com/gluelens/gluelens/internal/config"
	"github.com/gluelens/gluelens/launch"
	"github.com/gluelens/gluelens/launch/dynamo"
	"github.com/gluelens/gluelens/launch/subnetfree"
)

// GateOptions are the options of gate.
type GateOptions struct {
	configPath  string
	category    string
	job         string
	subnet      string
	thresholds  string
	subnetsFile string
	countENIs   bool
	enisFile    string
	reserved    int
	onError     string
	thr         thresholdFlags
	api         apiFlags
	dynamoURL   string
	ec2URL      string
}

// NewCmdGate builds gate.
func NewCmdGate(f *Factory, runF func(*GateOptions) error) *cobra.Command {
	o := &GateOptions{}
	c := &cobra.Command{
		Use:   "gate --category C [--subnet S]",
		Short: "Launch gate for a scheduler: exit 0 to launch a Glue run now, 75 to wait",
		Long: `Decides whether a run of a job category may start now, the rule whatif --gate thresholds replays:
launch when the subnet's free IPs (EC2 AvailableIpAddressCount, which already counts lingering ENIs as
used) less --reserved (IPs of runs the launcher started whose ENIs do not exist yet) are at least the
category's threshold. The threshold comes from the database (--thresholds db, computed as plan
thresholds with --days/--buffer/--until) or from a table that plan thresholds --publish wrote
(--thresholds dynamodb://TABLE). Free IPs come from EC2 DescribeSubnets, or from a saved
aws ec2 describe-subnets output (--subnets-file). --count-glue-enis adds the Glue ENIs in the subnet
now (DescribeNetworkInterfaces, or --enis-file) to the output.

Prints one JSON line: decision, threshold, available_ips, reserved_ips, headroom, reason. Exit status
0 = launch, 75 = wait, 2 = bad flags, anything else = the gate could not decide; with --on-error
launch|wait it decides anyway (fail open or closed) and says why in "error". --timeout bounds every
call. Without --subnet the subnet is the category's subnet: in gluelens.yaml when it is a subnet id,
else the one subnet the category's runs used. See docs/launch-gate.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(o)
			}
			return runGate(cmd.Context(), f, o)
		},
	}
	f.addDBFlag(c)
	configFlag(c, &o.configPath)
	c.Flags().StringVar(&o.category, "category", "", "job category of the run to launch")
	c.Flags().StringVar(&o.job, "job", "", "job name of the run to launch (its category from gluelens.yaml), instead of --category")
	c.Flags().StringVar(&o.subnet, "subnet", "", "subnet id the run will use (default: the category's, see above)")
	_ = c.RegisterFlagCompletionFunc("subnet", f.completeFromDB(subnetNames))
	_ = c.RegisterFlagCompletionFunc("category", f.completeFromDB(categoryNames(&o.configPath)))
	c.Flags().StringVar(&o.thresholds, "thresholds", "db", "where the thresholds are: db (the --db database) or dynamodb://TABLE")
	c.Flags().StringVar(&o.subnetsFile, "subnets-file", "", "read free IPs from aws ec2 describe-subnets output in `FILE` instead of calling EC2")
	c.Flags().BoolVar(&o.countENIs, "count-glue-enis", false, "also count the Glue ENIs in the subnet now (EC2 DescribeNetworkInterfaces)")
	c.Flags().StringVar(&o.enisFile, "enis-file", "", "count Glue ENIs from aws ec2 describe-network-interfaces output in `FILE` (implies --count-glue-enis)")
	c.Flags().IntVar(&o.reserved, "reserved", 0, "IPs of runs already launched whose ENIs do not exist yet")
	c.Flags().StringVar(&o.onError, "on-error", "fail", "when the gate cannot decide: fail (exit 1 or 7), launch (fail open) or wait (fail closed)")
	c.Flags().StringVar(&o.dynamoURL, "dynamodb-endpoint-url", "", "DynamoDB-compatible endpoint for --thresholds dynamodb://TABLE")
	c.Flags().StringVar(&o.ec2URL, "ec2-endpoint-url", "", "EC2-compatible endpoint")
	o.thr.add(c)
	o.thr.addUntil(c)
	c.Flags().StringVar(&o.api.profile, "profile", "", "AWS shared-config profile (default: AWS_PROFILE, else the default chain)")
	c.Flags().StringVar(&o.api.region, "region", "", "AWS region of the API calls (default: AWS_REGION or the profile's, else us-east-1)")
	c.Flags().DurationVar(&o.api.timeout, "timeout", 10*time.Second, "bound on every call (DynamoDB, EC2, the database), retries included")
	return c
}

// check validates the flags; its errors are usage errors, never subject to
// --on-error.
func (o *GateOptions) check() error {
	if (o.category == "") == (o.job == "") {
		return usagef("give one of --category or --job")
	}
	switch o.onError {
	case "fail", "launch", "wait":
	default:
		return usagef("--on-error %q: want fail, launch or wait", o.onError)
	}
	if o.thresholds != "db" {
		if _, err := dynamo.ParseURI(o.thresholds); err != nil {
			return usagef("--thresholds: %v (or db)", err)
		}
	}
	if o.reserved < 0 {
		return usagef("--reserved must not be negative, got %d", o.reserved)
	}
	if o.api.timeout <= 0 {
		return usagef("--timeout must be positive, got %s", o.api.timeout)
	}
	if o.subnet != "" && !strings.HasPrefix(o.subnet, "subnet-") {
		return usagef("--subnet %q: want a subnet id (subnet-...)", o.subnet)
	}
	return nil
}

// gateThreshold is a category's threshold and where it came from.
type gateThreshold struct {
	value      int
	source     string
	windowEnd  time.Time
	computedAt time.Time
	subnets    []string
}

func runGate(ctx context.Context, f *Factory, o *GateOptions) error {
	if err := o.check(); err != nil {
		return err
	}
	cfg, err := config.Resolve(o.configPath)
	if err != nil {
		return err
	}
	v := launch.Verdict{Category: o.category, Job: o.job, ReservedIPs: o.reserved, At: f.now().UTC().Format(time.RFC3339)}
	if o.job != "" {
		v.Category = cfg.CategoryOf(o.job)
	}
	derr := o.decide(ctx, f, cfg, &v)
	if derr != nil {
		var ue *usageError
		if errors.As(derr, &ue) {
			return derr
		}
		v.Error = derr.Error()
		switch o.onError {
		case "launch":
			v.Decision = "launch"
			v.Reason = "the gate could not decide and --on-error launch fails open"
		case "wait":
			v.Decision = "wait"
			v.Reason = "the gate could not decide and --on-error wait fails closed"
		default:
			v.Decision = "error"
			v.Reason = "the gate could not decide"
		}
	}
	enc := json.NewEncoder(f.out)
	enc.SetEscapeHTML(false) // "39 free IPs < threshold 40" stays readable in a scheduler's log
	if err := enc.Encode(v); err != nil {
		return err
	}
	switch v.Decision {
	case "launch":
		return nil
	case "wait":
		return &exitError{code: exitGateWait}
	}
	return derr // an *exitError keeps its status; anything else exits 1
}

// decide fills the verdict's numbers and decision.
func (o *GateOptions) decide(ctx context.Context, f *Factory, cfg *config.Config, v *launch.Verdict) error {
	var awsCfg *aws.Config
	loadAWS := func() (aws.Config, error) {
		if awsCfg == nil {
			c, err := o.api.load(ctx)
			if err != nil {
				return aws.Config{}, err
			}
			awsCfg = &c
		}
		return *awsCfg, nil
	}
	th, err := o.threshold(ctx, f, cfg, v.Category, loadAWS)
	if err != nil {
		return err
	}
	v.Threshold = &th.value
	v.ThresholdSource = th.source
	if !th.windowEnd.IsZero() {
		v.ThresholdWindowEnd = th.windowEnd.UTC().Format(time.RFC3339)
	}
	if !th.computedAt.IsZero() {
		v.ThresholdComputedAt = th.computedAt.UTC().Format(time.RFC3339)
	}
	subnet, err := o.subnetOf(cfg, v.Category, th)
	if err != nil {
		return err
	}
	v.Subnet = subnet

	var s subnetfree.Subnet
	var ec2 *subnetfree.EC2
	ec2API := func() (*subnetfree.EC2, error) {
		if ec2 == nil {
			c, err := loadAWS()
			if err != nil {
				return nil, err
			}
			ec2 = subnetfree.NewEC2(c, o.ec2URL, o.api.timeout)
		}
		return ec2, nil
	}
	if o.subnetsFile != "" {
		s, err = subnetfree.SubnetFromFile(o.subnetsFile, subnet)
		v.AvailableSource = "describe-subnets " + o.subnetsFile
	} else {
		var e *subnetfree.EC2
		if e, err = ec2API(); err == nil {
			s, err = e.Subnet(ctx, subnet)
		}
		v.AvailableSource = "ec2 DescribeSubnets"
	}
	if err != nil {
		return err
	}
	v.AvailableIPs = &s.AvailableIPs

	if o.countENIs || o.enisFile != "" {
		var g subnetfree.GlueENIs
		if o.enisFile != "" {
			g, err = subnetfree.GlueENIsFromFile(o.enisFile, subnet)
		} else {
			var e *subnetfree.EC2
			if e, err = ec2API(); err == nil {
				g, err = e.GlueENIs(ctx, subnet)
			}
		}
		if err != nil {
			return err
		}
		v.GlueENIs, v.GlueIPs, v.GlueENIsDetached = &g.ENIs, &g.IPs, &g.Detached
	}

	d := launch.Decide(th.value, s.AvailableIPs, o.reserved)
	v.Headroom = &d.Headroom
	v.Reason = d.Reason
	v.Decision = "wait"
	if d.Launch {
		v.Decision = "launch"
	}
	return nil
}

// threshold reads the category's threshold from the database or the table.
func (o *GateOptions) threshold(ctx context.Context, f *Factory, cfg *config.Config, category string, loadAWS func() (aws.Config, error)) (gateThreshold, error) {
	ctx, cancel := context.WithTimeout(ctx, o.api.timeout)
	defer cancel()
	if o.thresholds != "db" {
		name, _ := dynamo.ParseURI(o.thresholds)
		c, err := loadAWS()
		if err != nil {
			return gateThreshold{}, err
		}
		s, ok, err := dynamo.New(c, o.dynamoURL, name, o.api.timeout).Get(ctx, category)
		if err != nil {
			return gateThreshold{}, err
		}
		if !ok {
			return gateThreshold{}, &exitError{code: exitEvidence, msg: fmt.Sprintf("%s has no threshold for category %s (item pk %s): publish one with gluelens plan thresholds --publish %s",
				o.thresholds, category, dynamo.Key(category), o.thresholds)}
		}
		return gateThreshold{value: s.Threshold, source: o.thresholds, windowEnd: s.WindowEnd, computedAt: s.ComputedAt, subnets: s.Subnets}, nil
	}
	if _, err := os.Stat(f.dbPath); err != nil {
		return gateThreshold{}, &exitError{code: exitEvidence, msg: fmt.Sprintf("no database at %s for --thresholds db: ingest evidence first, or read a published table with --thresholds dynamodb://TABLE", f.dbPath)}
	}
	opt, err := o.thr.options(cfg, f.now())
	if err != nil {
		return gateThreshold{}, err
	}
	d, err := f.loadDemand(ctx, cfg)
	if err != nil {
		return gateThreshold{}, err
	}
	for _, t := range plan.Thresholds(o.thr.demand(d, opt), opt) {
		if t.Category == category {
			return gateThreshold{value: t.Threshold, source: "database " + f.dbPath, windowEnd: t.WindowEnd, computedAt: t.ComputedAt, subnets: t.Subnets}, nil
		}
	}
	return gateThreshold{}, &exitError{code: exitEvidence, msg: fmt.Sprintf("no runs of category %s in the threshold window of %s (gluelens categories lists them)", category, f.dbPath)}
}

// subnetOf resolves the subnet the run will use: --subnet, else the
// category's subnet in gluelens.yaml when it is a subnet id, else the one
// subnet the threshold's runs used.
func (o *GateOptions) subnetOf(cfg *config.Config, category string, th gateThreshold) (string, error) {
	if o.subnet != "" {
		return o.subnet, nil
	}
	if s := cfg.SubnetOf(category); strings.HasPrefix(s, "subnet-") {
		return s, nil
	} else if s != "" {
		return "", usagef("category %s is placed in %q in %s, a name rather than a subnet id: give --subnet subnet-...", category, s, cfg.Source)
	}
	switch len(th.subnets) {
	case 1:
		return th.subnets[0], nil
	case 0:
		return "", usagef("no subnet known for category %s: give --subnet subnet-...", category)
	}
	return "", usagef("category %s ran in %d subnets (%s): give --subnet", category, len(th.subnets), strings.Join(th.subnets, ", "))
}
