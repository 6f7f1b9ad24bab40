package main

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gluelens/gluelens/analysis/evidence"
	"github.com/gluelens/gluelens/analysis/plan"
	"github.com/gluelens/gluelens/internal/config"
	"github.com/gluelens/gluelens/internal/store"
)

// completionLimit bounds how many run or application ids one completion
// offers (the newest first).
const completionLimit = 200

// lister lists the names of the evidence that start with prefix.
type lister func(ctx context.Context, st *store.Store, prefix string) ([]evidence.Name, error)

// completeFromDB offers the names list returns from the --db database,
// opened read-only: completion never creates, changes or locks it, and a
// missing or unreadable database gives no completions and no output.
func (f *Factory) completeFromDB(list lister) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		ctx := cmd.Context()
		if ctx == nil {
			ctx = context.Background()
		}
		st, err := store.OpenReadOnly(ctx, f.dbPath)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		defer st.Close()
		names, err := list(ctx, st, toComplete)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		out := make([]cobra.Completion, 0, len(names))
		for _, n := range names {
			if n.Description != nil && *n.Description != "" {
				out = append(out, cobra.CompletionWithDesc(n.ID, *n.Description))
			} else {
				out = append(out, n.ID)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeArgs completes the positional argument at index i with f, and
// nothing else.
func completeArgs(i int, f cobra.CompletionFunc) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) != i {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return f(cmd, args, toComplete)
	}
}

func subnetNames(ctx context.Context, st *store.Store, prefix string) ([]evidence.Name, error) {
	return evidence.Subnets(ctx, st, prefix)
}

func runNames(ctx context.Context, st *store.Store, prefix string) ([]evidence.Name, error) {
	return evidence.RunIDs(ctx, st, prefix, completionLimit)
}

func appNames(ctx context.Context, st *store.Store, prefix string) ([]evidence.Name, error) {
	return evidence.AppIDs(ctx, st, prefix, completionLimit)
}

func weekNames(ctx context.Context, st *store.Store, _ string) ([]evidence.Name, error) {
	return evidence.Weeks(ctx, st)
}

// categoryNames lists the job categories of the recorded runs under the
// --config in *configPath (gluelens.yaml), with their job and run counts.
func categoryNames(configPath *string) lister {
	return func(ctx context.Context, st *store.Store, _ string) ([]evidence.Name, error) {
		cfg, err := config.Resolve(*configPath)
		if err != nil {
			return nil, err
		}
		jobs, err := plan.Categories(ctx, st, cfg)
		if err != nil {
			return nil, err
		}
		type tally struct{ jobs, runs int64 }
		by := map[string]*tally{}
		for _, j := range jobs {
			t := by[j.Category]
			if t == nil {
				t = &tally{}
				by[j.Category] = t
			}
			t.jobs++
			t.runs += j.Runs
		}
		out := make([]evidence.Name, 0, len(by))
		for c, t := range by {
			d := fmt.Sprintf("%d job(s), %d run(s)", t.jobs, t.runs)
			out = append(out, evidence.Name{ID: c, Description: &d})
		}
		sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
		return out, nil
	}
}

// expandRunID turns a shortened run id — what a table prints
// ("jr_7353c865…"), or any prefix of one run id — into the full id. A
// value that is not the prefix of any run stays as given, for the evidence
// check to name what the evidence holds; a prefix of several runs is a
// usage error.
func expandRunID(ctx context.Context, st *store.Store, id string) (string, error) {
	prefix := strings.TrimSuffix(id, "…")
	if prefix == "" {
		return id, nil
	}
	names, err := evidence.RunIDs(ctx, st, prefix, completionLimit)
	if err != nil {
		return "", err
	}
	switch {
	case len(names) == 1:
		return names[0].ID, nil
	case len(names) > 1:
		for _, n := range names {
			if n.ID == prefix {
				return prefix, nil
			}
		}
		return "", usagef("run id %s is the start of %d runs (%s, %s, …): give more of it, or complete it with Tab", id, len(names), names[0].ID, names[1].ID)
	}
	return id, nil
}
