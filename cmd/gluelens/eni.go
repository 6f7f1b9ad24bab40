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

// NewCmdENISubnets builds eni subnets.
func NewCmdENISubnets(f *Factory, runF func(*ListOptions) error) *cobra.Command {
	c, _ := listCmd(f, listSpec{
		use: "subnets", short: "Per subnet: CIDR, usable IPs, peak in use and when, time above 90 %, failed creates",
		args: cobra.NoArgs, window: true,
		fetch: func(ctx context.Context, st *store.Store, o *ListOptions) (any, error) {
			return eni.Subnets(ctx, st, o.Window.eni())
		},
	}, runF)
	return c
}

// NewCmdENILifetimes builds eni lifetimes.
func NewCmdENILifetimes(f *Factory, runF func(*ListOptions) error) *cobra.Command {
	c, o := listCmd(f, listSpec{
		use: "lifetimes", short: "One row per ENI: created, deleted, IPs, requester, job run, linger after the run ended, attribution",
		args: cobra.NoArgs, window: true,
		fetch: func(ctx context.Context, st *store.Store, o *ListOptions) (any, error) {
			if o.Subnet != "" {
				if err := evidence.CheckSubnet(ctx, st, o.Subnet); err != nil {
					return nil, err
				}
			}
			return eni.Lifetimes(ctx, st, o.Window.eni(), o.Subnet)
		},
	}, runF)
	c.Flags().StringVar(&o.Subnet, "subnet", "", "only ENIs in this subnet")
	_ = c.RegisterFlagCompletionFunc("subnet", f.completeFromDB(subnetNames))
	return c
}

// NewCmdENIAt builds eni at SUBNET TIME.
func NewCmdENIAt(f *Factory, runF func(*ListOptions) error) *cobra.Command {
	c, _ := listCmd(f, listSpec{
		use: "at SUBNET TIME", short: "Every ENI holding an IP in SUBNET at TIME, with its run and state (running, lingering, non-glue, unattributed)",
		args: cobra.ExactArgs(2),
		fetch: func(ctx context.Context, st *store.Store, o *ListOptions) (any, error) {
			t, err := parseTimeIn(o.Args[1], o.Output.TZ)
			if err != nil {
				return nil, usagef("TIME: %v", err)
			}
			if err := evidence.CheckSubnet(ctx, st, o.Args[0]); err != nil {
				return nil, err
			}
			cov, err := evidence.Load(ctx, st, 0)
			if err != nil {
				return nil, err
			}
			if err := cov.CheckInstant("TIME", t); err != nil {
				return nil, err
			}
			return eni.At(ctx, st, o.Args[0], t)
		},
	}, runF)
	c.ValidArgsFunction = completeArgs(0, f.completeFromDB(subnetNames))
	return c
}

// NewCmdENIExhaustion builds eni exhaustion.
func NewCmdENIExhaustion(f *Factory, runF func(*ListOptions) error) *cobra.Command {
	c, _ := listCmd(f, listSpec{
		use: "exhaustion", short: "Every failure for lack of IPs and who held the subnet's IPs at that moment",
		args: cobra.NoArgs, window: true,
		fetch: func(ctx context.Context, st *store.Store, o *ListOptions) (any, error) {
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
	}, runF)
	return c
}

// NewCmdRuns builds runs.
func NewCmdRuns(f *Factory, runF func(*ListOptions) error) *cobra.Command {
	c, _ := listCmd(f, listSpec{
		use: "runs", short: "Glue job runs with their failure class (ip_exhaustion, disk_full, other) and attributed ENIs",
		args: cobra.NoArgs, window: true,
		fetch: func(ctx context.Context, st *store.Store, o *ListOptions) (any, error) {
			return eni.Runs(ctx, st, o.Window.eni())
		},
	}, runF)
	return c
}
