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

// checkCommands lists the checks under `gluelens check`; each registers
// itself with registerCheck.
var checkCommands []func(*app) *cobra.Command

func registerCheck(c func(*app) *cobra.Command) { checkCommands = append(checkCommands, c) }

func init() {
	register(func(a *app) *cobra.Command {
		c := &cobra.Command{
			Use:   "check",
			Short: "Checks for CI and cron: exit status 4 when a limit is broken",
		}
		for _, sc := range checkCommands {
			c.AddCommand(sc(a))
		}
		return c
	})
	registerCheck(newCheckCapacityCmd)
}

type checkCapacityOptions struct {
	minHeadroom string
	maxFailures int64
	out         outputFlags
}

func newCheckCapacityCmd(a *app) *cobra.Command {
	o := &checkCapacityOptions{}
	c := &cobra.Command{
		Use:   "capacity",
		Short: "Fail when a subnet's recorded peak leaves less headroom than asked, or it had too many failures",
		Long: `For every subnet in the evidence: headroom = (usable IPs - recorded peak in use) / usable IPs.
Prints one line per subnet and exits with status 4 when any subnet's headroom is below --min-headroom
or its failures for lack of IPs exceed --max-failures. Subnets of unknown size are judged on failures only.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCheckCapacity(cmd.Context(), a, o)
		},
	}
	c.Flags().StringVar(&o.minHeadroom, "min-headroom", "20%", "free share of usable IPs required at the recorded peak")
	c.Flags().Int64Var(&o.maxFailures, "max-failures", 0, "failures for lack of IPs allowed per subnet")
	a.addDBFlag(c)
	o.out.add(c, "", reports.FormatTable, reports.FormatJSON, reports.FormatCSV)
	o.out.addDisplay(c)
	return c
}

func runCheckCapacity(ctx context.Context, a *app, o *checkCapacityOptions) error {
	h, err := config.ParsePercent(o.minHeadroom)
	if err != nil {
		return usagef("--min-headroom: %v", err)
	}
	if o.maxFailures < 0 {
		return usagef("--max-failures must be 0 or more")
	}
	ro, err := o.out.check()
	if err != nil {
		return err
	}
	st, err := a.openStore(ctx)
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
	if err := o.out.write(a, func(w io.Writer) error {
		if ro.Format != "" {
			return ro.WriteRows(w, checks)
		}
		for _, c := range checks {
			verdict := "OK  "
			if !c.OK {
				verdict = "FAIL"
			}
			fmt.Fprintf(w, "%s %s\n", verdict, c.Reason)
		}
		return nil
	}); err != nil {
		return err
	}
	if failed > 0 {
		return &exitError{code: exitCheck, msg: fmt.Sprintf("capacity check failed for %d of %d subnet(s)", failed, len(checks))}
	}
	return nil
}
