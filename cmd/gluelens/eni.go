package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/analysis/eni"
	"github.com/gluelens/gluelens/analysis/evidence"
	"github.com/gluelens/gluelens/internal/store"
)

func (w window) eni() eni.Window { return eni.Window{From: w.From, To: w.To} }

// NewCmdENI builds the eni command group.
func NewCmdENI(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "eni",
		Short: "Subnet IP occupancy, ENI lifetimes and who held the IPs",
	}
	c.AddCommand(NewCmdENISubnets(f, nil), NewCmdENILifetimes(f, nil), NewCmdENIAt(f, nil), NewCmdENIExhaustion(f, nil))
	return c
}

// ENISubnetsOptions are the options of eni subnets.
type ENISubnetsOptions struct {
	listFlags
	windowFlags
}

// NewCmdENISubnets builds eni subnets.
func NewCmdENISubnets(f *Factory, runF func(*ENISubnetsOptions) error) *cobra.Command {
	return listCmd(f, listSpec[*ENISubnetsOptions]{
		use: "subnets", short: "Per subnet: CIDR, usable IPs, peak in use and when, time above 90 %, failed creates",
		args: cobra.NoArgs,
		fetch: func(ctx context.Context, st *store.Store, o *ENISubnetsOptions) (any, error) {
			return eni.Subnets(ctx, st, o.Window.eni())
		},
	}, &ENISubnetsOptions{}, runF)
}

// ENILifetimesOptions are the options of eni lifetimes.
type ENILifetimesOptions struct {
	listFlags
	windowFlags
	// Subnet is --subnet: only ENIs in this subnet.
	Subnet string
}

// NewCmdENILifetimes builds eni lifetimes.
func NewCmdENILifetimes(f *Factory, runF func(*ENILifetimesOptions) error) *cobra.Command {
	o := &ENILifetimesOptions{}
	c := listCmd(f, listSpec[*ENILifetimesOptions]{
		use: "lifetimes", short: "One row per ENI: created, deleted, IPs, requester, job run, linger after the run ended, attribution",
		args: cobra.NoArgs,
		fetch: func(ctx context.Context, st *store.Store, o *ENILifetimesOptions) (any, error) {
			if o.Subnet != "" {
				if err := evidence.CheckSubnet(ctx, st, o.Subnet); err != nil {
					return nil, err
				}
			}
			return eni.Lifetimes(ctx, st, o.Window.eni(), o.Subnet)
		},
	}, o, runF)
	c.Flags().StringVar(&o.Subnet, "subnet", "", "only ENIs in this subnet")
	_ = c.RegisterFlagCompletionFunc("subnet", f.completeFromDB(subnetNames))
	return c
}

// ENIAtOptions are the options of eni at: its SUBNET and TIME arguments.
type ENIAtOptions struct {
	listFlags
	Subnet string
	// Time is the TIME argument as given (read in --tz).
	Time string
}

func (o *ENIAtOptions) setArgs(args []string) { o.Subnet, o.Time = args[0], args[1] }

// NewCmdENIAt builds eni at SUBNET TIME.
func NewCmdENIAt(f *Factory, runF func(*ENIAtOptions) error) *cobra.Command {
	c := listCmd(f, listSpec[*ENIAtOptions]{
		use: "at SUBNET TIME", short: "Every ENI holding an IP in SUBNET at TIME, with its run and state (running, lingering, non-glue, unattributed)",
		args: cobra.ExactArgs(2),
		fetch: func(ctx context.Context, st *store.Store, o *ENIAtOptions) (any, error) {
			t, err := parseTimeIn(o.Time, o.Output.TZ)
			if err != nil {
				return nil, usagef("TIME: %v", err)
			}
			if err := evidence.CheckSubnet(ctx, st, o.Subnet); err != nil {
				return nil, err
			}
			cov, err := evidence.Load(ctx, st, 0)
			if err != nil {
				return nil, err
			}
			if err := cov.CheckInstant("TIME", t); err != nil {
				return nil, err
			}
			return eni.At(ctx, st, o.Subnet, t)
		},
	}, &ENIAtOptions{}, runF)
	c.ValidArgsFunction = completeArgs(0, f.completeFromDB(subnetNames))
	return c
}

// ENIExhaustionOptions are the options of eni exhaustion.
type ENIExhaustionOptions struct {
	listFlags
	windowFlags
}

// NewCmdENIExhaustion builds eni exhaustion.
func NewCmdENIExhaustion(f *Factory, runF func(*ENIExhaustionOptions) error) *cobra.Command {
	return listCmd(f, listSpec[*ENIExhaustionOptions]{
		use: "exhaustion", short: "Every failure for lack of IPs and who held the subnet's IPs at that moment",
		args: cobra.NoArgs,
		fetch: func(ctx context.Context, st *store.Store, o *ENIExhaustionOptions) (any, error) {
			rows, err := eni.Exhaustions(ctx, st, o.Window.eni())
			if err == nil && len(rows) == 0 {
				cov, err := evidence.Load(ctx, st, 0)
				if err != nil {
					return nil, err
				}
				return nil, &exitError{code: exitNotFound, msg: "no ENI create was refused for lack of IPs in " + o.Window.text() + "; " + cov.Span()}
			}
			return rows, err
		},
	}, &ENIExhaustionOptions{}, runF)
}

// RunsOptions are the options of runs.
type RunsOptions struct {
	listFlags
	windowFlags
}

// NewCmdRuns builds runs.
func NewCmdRuns(f *Factory, runF func(*RunsOptions) error) *cobra.Command {
	return listCmd(f, listSpec[*RunsOptions]{
		use: "runs", short: "Glue job runs with their failure class (ip_exhaustion, disk_full, other) and attributed ENIs",
		args: cobra.NoArgs,
		fetch: func(ctx context.Context, st *store.Store, o *RunsOptions) (any, error) {
			return eni.Runs(ctx, st, o.Window.eni())
		},
	}, &RunsOptions{}, runF)
}
