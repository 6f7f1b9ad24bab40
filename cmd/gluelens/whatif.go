package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/analysis/evidence"
	"github.com/gluelens/gluelens/analysis/plan"
	"github.com/gluelens/gluelens/internal/config"
	"github.com/gluelens/gluelens/reports"
)

// WhatifOptions are the options of whatif.
type WhatifOptions struct {
	f          *Factory
	configPath string
	out        outputFlags
	split      string
	cidrs      []string
	gate       string
	linger     string
	thr        thresholdFlags
	Output     reports.Output
}

// NewCmdWhatif builds whatif.
func NewCmdWhatif(f *Factory, runF func(*WhatifOptions) error) *cobra.Command {
	o := &WhatifOptions{f: f}
	c := &cobra.Command{
		Use:   "whatif",
		Short: "Replay the recorded IP demand against another layout, subnet sizes, launch gate or linger",
		Long: `Replays every recorded Glue run (start, ENI creates at their recorded offsets, duration, linger)
plus the non-Glue and pre-existing ENIs as fixed background, event by event, against an alternative:
--split moves categories to other subnets, --cidr resizes subnets, --gate thresholds holds each run
until its subnet has the launch threshold free (re-checked at every release), --linger replaces the
recorded linger. Runs that failed for lack of IPs replay what they would have needed (their
NumberOfWorkers ENIs, their job's median successful duration and linger). With no flags the replay
reproduces the recorded failures. --format json gives the whole result, csv one row per subnet.
The model is in docs/planning.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if o.Output, err = o.out.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return runWhatif(cmd.Context(), f, o)
		},
	}
	f.addDBFlag(c)
	configFlag(c, &o.configPath)
	o.out.add(c, listFormats...)
	o.out.addDisplay(c)
	c.Flags().StringVar(&o.split, "split", "", `move categories: "NAME=PATTERN,PATTERN;NAME=PATTERN", or "config" for the categories' subnet: entries`)
	c.Flags().StringArrayVar(&o.cidrs, "cidr", nil, "subnet size: SUBNET=/25 for an existing subnet id or a split name (repeatable)")
	c.Flags().StringVar(&o.gate, "gate", "none", "launch gate: none, or thresholds (computed like plan thresholds, with --days and --buffer)")
	c.Flags().StringVar(&o.linger, "linger", "recorded", "ENI linger after a run: recorded, or a duration like 5m")
	o.thr.add(c)
	return c
}

func (o *WhatifOptions) alternative(d *plan.Demand, cfg *config.Config, now time.Time) (plan.Alternative, error) {
	var alt plan.Alternative
	groups, err := splitGroups(o.split, cfg)
	if err != nil {
		return alt, err
	}
	if groups != nil {
		if alt.Assign, err = plan.AssignCategories(d, groups); err != nil {
			var ev *evidence.Error
			if errors.As(err, &ev) {
				return alt, &evidence.Error{Msg: "--split: " + ev.Msg}
			}
			return alt, usagef("--split: %v", err)
		}
	}
	if alt.Prefixes, err = prefixFlags(o.cidrs, cfg); err != nil {
		return alt, err
	}
	known := map[string]bool{}
	for id := range d.Subnets {
		known[id] = true
	}
	for i := range d.Runs {
		known[d.Runs[i].Subnet] = true
	}
	for _, s := range alt.Assign {
		known[s] = true
	}
	for _, pair := range o.cidrs {
		name, _, _ := strings.Cut(pair, "=")
		if name = strings.TrimSpace(name); !known[name] {
			names := make([]string, 0, len(known))
			for k := range known {
				names = append(names, k)
			}
			sort.Strings(names)
			return alt, &evidence.Error{Msg: fmt.Sprintf("--cidr %q: %s is neither a subnet in the evidence nor a --split name; the evidence and --split have %s",
				pair, name, strings.Join(names, ", "))}
		}
	}
	switch o.linger {
	case "recorded", "":
	default:
		l, err := time.ParseDuration(o.linger)
		if err != nil || l < 0 {
			return alt, usagef("--linger %q: want recorded or a duration like 5m", o.linger)
		}
		alt.Linger = &l
	}
	switch o.gate {
	case "none", "":
	case "thresholds":
		opt, err := o.thr.options(cfg, now)
		if err != nil {
			return alt, err
		}
		alt.Gate = plan.GateOf(plan.Thresholds(d, opt))
	default:
		return alt, usagef("--gate %q: want none or thresholds", o.gate)
	}
	return alt, nil
}

func runWhatif(ctx context.Context, f *Factory, o *WhatifOptions) error {
	cfg, err := config.Resolve(o.configPath)
	if err != nil {
		return err
	}
	d, err := f.loadDemand(ctx, cfg)
	if err != nil {
		return err
	}
	alt, err := o.alternative(d, cfg, f.now())
	if err != nil {
		return err
	}
	res, err := plan.Replay(d, alt)
	if err != nil {
		return err
	}
	return o.out.write(f, func(w io.Writer) error { return o.Output.Write(w, res) })
}
