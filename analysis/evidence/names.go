package evidence

import (
	"context"
	"fmt"
	"strings"

	"github.com/gluelens/gluelens/internal/store"
)

// Name is one identifier the evidence holds, with a few words on it (a
// subnet's Name tag, a run's job), for shell completion.
type Name struct {
	ID          string  `db:"id"`
	Description *string `db:"description"`
}

// Subnets are the subnets the evidence names whose id starts with prefix,
// busiest first, described by their Name tag.
func Subnets(ctx context.Context, st *store.Store, prefix string) ([]Name, error) {
	rows, err := store.Select[subnetRow](ctx, st, query("subnets"))
	if err != nil {
		return nil, fmt.Errorf("reading the subnets of the evidence: %w", err)
	}
	var out []Name
	for _, r := range rows {
		if strings.HasPrefix(r.SubnetID, prefix) {
			out = append(out, Name{ID: r.SubnetID, Description: r.Name})
		}
	}
	return out, nil
}

// RunIDs are up to limit Glue job run ids starting with prefix, newest
// first, described by their job.
func RunIDs(ctx context.Context, st *store.Store, prefix string, limit int) ([]Name, error) {
	rows, err := store.Select[Name](ctx, st, query("run_ids"), prefix, limit)
	if err != nil {
		return nil, fmt.Errorf("reading the job runs of the evidence: %w", err)
	}
	return rows, nil
}

// AppIDs are up to limit Spark application ids starting with prefix,
// newest first, described by their name and Glue run.
func AppIDs(ctx context.Context, st *store.Store, prefix string, limit int) ([]Name, error) {
	rows, err := store.Select[Name](ctx, st, query("app_ids"), prefix, limit)
	if err != nil {
		return nil, fmt.Errorf("reading the Spark applications of the evidence: %w", err)
	}
	return rows, nil
}

// Weeks are the ISO weeks (YYYY-Www) with ENI events or Glue run starts,
// newest first, described by how many of each.
func Weeks(ctx context.Context, st *store.Store) ([]Name, error) {
	rows, err := store.Select[Name](ctx, st, query("weeks"))
	if err != nil {
		return nil, fmt.Errorf("reading the weeks of the evidence: %w", err)
	}
	return rows, nil
}
