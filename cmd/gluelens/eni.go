package main

import (
	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/analysis/eni"
)

func init() {
	register(newENICmd)
	register(newRunsCmd)
}

func newENICmd(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "eni",
		Short: "Subnet IP occupancy, ENI lifetimes and who held the IPs",
	}
	c.AddCommand(newENISubnetsCmd(a), newENILifetimesCmd(a), newENIAtCmd(a), newENIExhaustionCmd(a))
	return c
}

func newENISubnetsCmd(a *app) *cobra.Command {
	var format string
	var win window
	c := &cobra.Command{
		Use:   "subnets",
		Short: "Per subnet: CIDR, usable IPs, peak in use and when, time above 90 %, failed creates",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			if err := win.parse(); err != nil {
				return err
			}
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			rows, err := eni.Subnets(cmd.Context(), st, eni.Window{From: win.From, To: win.To})
			if err != nil {
				return err
			}
			return a.write(format, rows)
		},
	}
	formatFlag(c, &format)
	win.addFlags(c)
	return c
}

func newENILifetimesCmd(a *app) *cobra.Command {
	var format, subnet string
	var win window
	c := &cobra.Command{
		Use:   "lifetimes",
		Short: "One row per ENI: created, deleted, IPs, requester, job run, linger after the run ended, attribution",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			if err := win.parse(); err != nil {
				return err
			}
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			rows, err := eni.Lifetimes(cmd.Context(), st, eni.Window{From: win.From, To: win.To}, subnet)
			if err != nil {
				return err
			}
			return a.write(format, rows)
		},
	}
	formatFlag(c, &format)
	win.addFlags(c)
	c.Flags().StringVar(&subnet, "subnet", "", "only ENIs in this subnet")
	return c
}

func newENIAtCmd(a *app) *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:   "at SUBNET TIME",
		Short: "Every ENI holding an IP in SUBNET at TIME, with its run and state (running, lingering, non-glue, unattributed)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			t, err := parseTime(args[1])
			if err != nil {
				return usagef("TIME: %v", err)
			}
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			rows, err := eni.At(cmd.Context(), st, args[0], t)
			if err != nil {
				return err
			}
			return a.write(format, rows)
		},
	}
	formatFlag(c, &format)
	return c
}

func newENIExhaustionCmd(a *app) *cobra.Command {
	var format string
	var win window
	c := &cobra.Command{
		Use:   "exhaustion",
		Short: "Every failure for lack of IPs and who held the subnet's IPs at that moment",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			if err := win.parse(); err != nil {
				return err
			}
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			rows, err := eni.Exhaustions(cmd.Context(), st, eni.Window{From: win.From, To: win.To})
			if err != nil {
				return err
			}
			return a.write(format, rows)
		},
	}
	formatFlag(c, &format)
	win.addFlags(c)
	return c
}

func newRunsCmd(a *app) *cobra.Command {
	var format string
	var win window
	c := &cobra.Command{
		Use:   "runs",
		Short: "Glue job runs with their failure class (ip_exhaustion, disk_full, other) and attributed ENIs",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			if err := win.parse(); err != nil {
				return err
			}
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			rows, err := eni.Runs(cmd.Context(), st, eni.Window{From: win.From, To: win.To})
			if err != nil {
				return err
			}
			return a.write(format, rows)
		},
	}
	formatFlag(c, &format)
	win.addFlags(c)
	return c
}
