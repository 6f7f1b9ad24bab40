package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/analysis/eni"
	"github.com/gluelens/gluelens/analysis/evidence"
	"github.com/gluelens/gluelens/internal/store"
)

func init() {
	register(newENICmd)
	register(newRunsCmd)
}

func (w window) eni() eni.Window { return eni.Window{From: w.From, To: w.To} }

func newENICmd(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "eni",
		Short: "Subnet IP occupancy, ENI lifetimes and who held the IPs",
	}
	var subnet string
	lifetimes := listCmd(a, listSpec{
		use: "lifetimes", short: "One row per ENI: created, deleted, IPs, requester, job run, linger after the run ended, attribution",
		args: cobra.NoArgs, window: true,
		fetch: func(ctx context.Context, st *store.Store, win window, _ []string) (any, error) {
			if subnet != "" {
				if err := evidence.CheckSubnet(ctx, st, subnet); err != nil {
					return nil, err
				}
			}
			return eni.Lifetimes(ctx, st, win.eni(), subnet)
		},
	})
	lifetimes.Flags().StringVar(&subnet, "subnet", "", "only ENIs in this subnet")
	_ = lifetimes.RegisterFlagCompletionFunc("subnet", a.completeFromDB(subnetNames))
	at := listCmd(a, listSpec{
		use: "at SUBNET TIME", short: "Every ENI holding an IP in SUBNET at TIME, with its run and state (running, lingering, non-glue, unattributed)",
		args: cobra.ExactArgs(2),
		fetch: func(ctx context.Context, st *store.Store, _ window, args []string) (any, error) {
			t, err := parseTime(args[1])
			if err != nil {
				return nil, usagef("TIME: %v", err)
			}
			if err := evidence.CheckSubnet(ctx, st, args[0]); err != nil {
				return nil, err
			}
			cov, err := evidence.Load(ctx, st, 0)
			if err != nil {
				return nil, err
			}
			if err := cov.CheckInstant("TIME", t); err != nil {
				return nil, err
			}
			return eni.At(ctx, st, args[0], t)
		},
	})
	at.ValidArgsFunction = completeArgs(0, a.completeFromDB(subnetNames))
	c.AddCommand(
		listCmd(a, listSpec{
			use: "subnets", short: "Per subnet: CIDR, usable IPs, peak in use and when, time above 90 %, failed creates",
			args: cobra.NoArgs, window: true,
			fetch: func(ctx context.Context, st *store.Store, win window, _ []string) (any, error) {
				return eni.Subnets(ctx, st, win.eni())
			},
		}),
		lifetimes,
		at,
		listCmd(a, listSpec{
			use: "exhaustion", short: "Every failure for lack of IPs and who held the subnet's IPs at that moment",
			args: cobra.NoArgs, window: true,
			fetch: func(ctx context.Context, st *store.Store, win window, _ []string) (any, error) {
				rows, err := eni.Exhaustions(ctx, st, win.eni())
				if err == nil && len(rows) == 0 {
					cov, err := evidence.Load(ctx, st, 0)
					if err != nil {
						return nil, err
					}
					return nil, &exitError{code: exitNotFound, msg: "no ENI create was refused for lack of IPs in " + win.text() + "; " + cov.Span()}
				}
				return rows, err
			},
		}),
	)
	return c
}

func newRunsCmd(a *app) *cobra.Command {
	return listCmd(a, listSpec{
		use: "runs", short: "Glue job runs with their failure class (ip_exhaustion, disk_full, other) and attributed ENIs",
		args: cobra.NoArgs, window: true,
		fetch: func(ctx context.Context, st *store.Store, win window, _ []string) (any, error) {
			return eni.Runs(ctx, st, win.eni())
		},
	})
}
