package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/analysis/plan"
	"github.com/gluelens/gluelens/internal/config"
	"github.com/gluelens/gluelens/reports"
)

// NewCmdCheck builds the check command group.
func NewCmdCheck(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "check",
		Short: "Checks for CI and cron: exit status 4 when a limit is broken",
	}
	c.AddCommand(NewCmdCheckCapacity(f, nil))
	return c
}

// CheckCapacityOptions are the options of check capacity.
type CheckCapacityOptions struct {
	minHeadroom string
	maxFailures int64
	out         outputFlags
	Output      reports.Output
}

// NewCmdCheckCapacity builds check capacity.
func NewCmdCheckCapacity(f *Factory, runF func(*CheckCapacityOptions) error) *cobra.Command {
	o := &CheckCapacityOptions{}
	c := &cobra.Command{
		Use:   "capacity",
		Short: "Fail when a subnet's recorded peak leaves less headroom than asked, or it had too many failures",
		Long: `For every subnet in the evidence: headroom = (usable IPs - recorded peak in use) / usable IPs.
Prints one line per subnet and exits with status 4 when any subnet's headroom is below --min-headroom
or its failures for lack of IPs exceed --max-failures. Subnets of unknown size are judged on failures only.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if o.Output, err = o.out.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return runCheckCapacity(cmd.Context(), f, o)
		},
	}
	c.Flags().StringVar(&o.minHeadroom, "min-headroom", "20%", "free share of usable IPs required at the recorded peak")
	c.Flags().Int64Var(&o.maxFailures, "max-failures", 0, "failures for lack of IPs allowed per subnet")
	f.addDBFlag(c)
	o.out.add(c, "", reports.FormatTable, reports.FormatJSON, reports.FormatCSV)
	o.out.addDisplay(c)
	return c
}

func runCheckCapacity(ctx context.Context, f *Factory, o *CheckCapacityOptions) error {
	h, err := config.ParsePercent(o.minHeadroom)
	if err != nil {
		return usagef("--min-headroom: %v", err)
	}
	if o.maxFailures < 0 {
		return usagef("--max-failures must be 0 or more")
	}
	st, err := f.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	checks, err := plan.CheckCapacity(ctx, st, plan.CapacityLimits{MinHeadroom: h, MaxFailures: o.maxFailures})
	if err != nil {
		return err
	}
	if len(checks) == 0 {
		return fmt.Errorf("checking capacity: no subnet occupancy in %s: ingest CloudTrail ENI events first", st.Path())
	}
	failed := 0
	for _, c := range checks {
		if !c.OK {
			failed++
		}
	}
	var result any = checks
	if o.Output.Format == "" {
		result = reports.Verdicts(checks)
	}
	if err := o.out.write(f, func(w io.Writer) error { return o.Output.Write(w, result) }); err != nil {
		return err
	}
	if failed > 0 {
		return &exitError{code: exitCheck, msg: fmt.Sprintf("capacity check failed for %d of %d subnet(s)", failed, len(checks))}
	}
	return nil
}
