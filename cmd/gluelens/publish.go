package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/analysis/plan"
	"github.com/gluelens/gluelens/internal/awsconf"
	"github.com/gluelens/gluelens/launch/dynamo"
	"github.com/gluelens/gluelens/reports/words"
)

// defaultThresholdTable is the DynamoDB table the docs and reports name.
const defaultThresholdTable = "gluelens-launch-thresholds"

// apiFlags say how to reach an AWS API (DynamoDB, EC2) and bound each call.
type apiFlags struct {
	profile     string
	region      string
	endpointURL string
	timeout     time.Duration
}

func (f *apiFlags) add(c *cobra.Command, endpointHelp string) {
	c.Flags().StringVar(&f.profile, "profile", "", "AWS shared-config profile (default: AWS_PROFILE, else the default chain)")
	c.Flags().StringVar(&f.region, "region", "", "AWS region of the API calls (default: AWS_REGION or the profile's, else us-east-1)")
	c.Flags().StringVar(&f.endpointURL, "endpoint-url", "", endpointHelp)
	c.Flags().DurationVar(&f.timeout, "timeout", 10*time.Second, "bound on every AWS call, retries included")
}

func (f *apiFlags) load(ctx context.Context) (aws.Config, error) {
	if f.timeout <= 0 {
		return aws.Config{}, usagef("--timeout must be positive, got %s", f.timeout)
	}
	cfg, err := awsconf.Load(ctx, awsconf.Config{Profile: f.profile, Region: f.region, EndpointURL: f.endpointURL})
	if err != nil {
		return aws.Config{}, err
	}
	return cfg, nil
}

// publishFlags are plan thresholds' --publish options.
type publishFlags struct {
	target      string
	createTable bool
	dryRun      bool
	api         apiFlags
}

func (f *publishFlags) add(c *cobra.Command) {
	c.Flags().StringVar(&f.target, "publish", "", "write the thresholds to a DynamoDB table: dynamodb://`TABLE` (an older plan never replaces a newer one)")
	c.Flags().BoolVar(&f.createTable, "create-table", false, "with --publish: create the table (on-demand, key pk) when it does not exist")
	c.Flags().BoolVar(&f.dryRun, "dry-run", false, "with --publish: print the PutItem requests (aws dynamodb put-item --cli-input-json) instead of sending them")
	f.api.add(c, "with --publish: DynamoDB-compatible endpoint, e.g. http://127.0.0.1:8000")
}

func (f *publishFlags) check() error {
	if f.target == "" {
		if f.createTable || f.dryRun {
			return usagef("--create-table and --dry-run go with --publish dynamodb://TABLE")
		}
		return nil
	}
	if _, err := dynamo.ParseURI(f.target); err != nil {
		return usagef("--publish: %v", err)
	}
	return nil
}

// publishThresholds writes the thresholds to the table (or prints what it
// would write). Refused writes (the table holds a newer plan) are listed
// and make the command fail after every category was tried.
func publishThresholds(ctx context.Context, a *Factory, f *publishFlags, ts []plan.Threshold) error {
	name, err := dynamo.ParseURI(f.target)
	if err != nil {
		return usagef("--publish: %v", err)
	}
	if len(ts) == 0 {
		return fmt.Errorf("publishing to %s: no thresholds (no runs in the window)", f.target)
	}
	if f.dryRun {
		enc := json.NewEncoder(a.out)
		enc.SetEscapeHTML(false) // the condition's "<" stays readable
		for _, req := range dynamo.DryRun(name, ts, words.ThresholdRule) {
			if err := enc.Encode(req); err != nil {
				return err
			}
		}
		fmt.Fprintf(a.errOut, "dry run: %d conditional PutItem request(s) for %s, nothing sent\n", len(ts), f.target)
		return nil
	}
	cfg, err := f.api.load(ctx)
	if err != nil {
		return err
	}
	tab := dynamo.New(cfg, f.api.endpointURL, name, f.api.timeout)
	if f.createTable {
		created, err := tab.Create(ctx)
		if err != nil {
			return err
		}
		if created {
			fmt.Fprintf(a.errOut, "created %s (on-demand, partition key pk)\n", f.target)
		}
	}
	outs, err := tab.Publish(ctx, ts, words.ThresholdRule)
	if err != nil {
		return err
	}
	byCat := map[string]plan.Threshold{}
	for _, t := range ts {
		byCat[t.Category] = t
	}
	kept := 0
	for _, o := range outs {
		t := byCat[o.Category]
		if o.Written {
			fmt.Fprintf(a.errOut, "published %s: threshold %d (evidence %s → %s, computed %s)\n", dynamo.Key(o.Category), t.Threshold,
				t.WindowStart.UTC().Format(time.RFC3339), t.WindowEnd.UTC().Format(time.RFC3339), t.ComputedAt.UTC().Format(time.RFC3339))
			continue
		}
		kept++
		if k := o.Kept; k != nil {
			fmt.Fprintf(a.errOut, "kept %s: the table holds a newer plan (threshold %d, evidence to %s, computed %s); this plan's evidence ends %s\n",
				dynamo.Key(o.Category), k.Threshold, k.WindowEnd.Format(time.RFC3339), k.ComputedAt.Format(time.RFC3339), t.WindowEnd.UTC().Format(time.RFC3339))
		} else {
			fmt.Fprintf(a.errOut, "kept %s: the table holds a newer plan\n", dynamo.Key(o.Category))
		}
	}
	if kept > 0 {
		return fmt.Errorf("publishing to %s: %d of %d threshold(s) not written, the table holds newer plans for them", f.target, kept, len(outs))
	}
	return nil
}
