package evidence

import (
	"context"
	"fmt"
	"time"

	"github.com/gluelens/gluelens/internal/store"
)

type subnetRow struct {
	SubnetID string  `db:"subnet_id"`
	Name     *string `db:"name"`
	Events   int64   `db:"events"`
}

// CheckSubnet is an *Error naming the subnets the evidence has when it
// does not have id.
func CheckSubnet(ctx context.Context, st *store.Store, id string) error {
	rows, err := store.Select[subnetRow](ctx, st, query("subnets"))
	if err != nil {
		return fmt.Errorf("reading the subnets of the evidence: %w", err)
	}
	var known []string
	for _, r := range rows {
		if r.SubnetID == id {
			return nil
		}
		s := r.SubnetID
		if r.Name != nil && *r.Name != "" {
			s += " (" + *r.Name + ")"
		}
		known = append(known, s)
	}
	if len(known) == 0 {
		return errorf("unknown subnet %s; the evidence names no subnet (no describe-subnets output, no ENI CloudTrail record)", id)
	}
	return errorf("unknown subnet %s; the evidence has %s", id, listSome(known, 8))
}

type runsRow struct {
	JobName string     `db:"job_name"`
	Runs    int64      `db:"runs"`
	FirstAt *time.Time `db:"first_at"`
	LastAt  *time.Time `db:"last_at"`
	Example string     `db:"example"`
}

// CheckRun is an *Error saying which runs the evidence has when it does
// not have runID (from get-job-runs or a Spark event log).
func CheckRun(ctx context.Context, st *store.Store, runID string) error {
	type count struct {
		N int64 `db:"n"`
	}
	n, err := store.Select[count](ctx, st, query("run_known"), runID)
	if err != nil {
		return fmt.Errorf("looking up job run %s: %w", runID, err)
	}
	if len(n) == 1 && n[0].N > 0 {
		return nil
	}
	jobs, err := store.Select[runsRow](ctx, st, query("runs"))
	if err != nil {
		return fmt.Errorf("reading the runs of the evidence: %w", err)
	}
	if len(jobs) == 0 {
		return errorf("unknown job run %s; the evidence holds no Glue job run (no get-job-runs output, no Spark event log of a Glue run)", runID)
	}
	var total int64
	var parts []string
	for _, j := range jobs {
		total += j.Runs
		parts = append(parts, fmt.Sprintf("%s (%d)", j.JobName, j.Runs))
	}
	return errorf("unknown job run %s; the evidence has %d run(s) of %d job(s): %s (list them with gluelens runs)", runID, total, len(jobs), listSome(parts, 6))
}

// CheckJob is an *Error naming the jobs the evidence has when it does not
// have job.
func CheckJob(ctx context.Context, st *store.Store, job string) error {
	jobs, err := store.Select[runsRow](ctx, st, query("runs"))
	if err != nil {
		return fmt.Errorf("reading the jobs of the evidence: %w", err)
	}
	var names []string
	for _, j := range jobs {
		if j.JobName == job {
			return nil
		}
		names = append(names, j.JobName)
	}
	if len(names) == 0 {
		return errorf("unknown job %s; the evidence holds no Glue job run", job)
	}
	return errorf("unknown job %s; the evidence has runs of %s", job, listSome(names, 10))
}

type appRow struct {
	AppID     string     `db:"app_id"`
	AttemptID string     `db:"attempt_id"`
	AppName   *string    `db:"app_name"`
	RunID     *string    `db:"glue_job_run_id"`
	StartTime *time.Time `db:"start_time"`
}

// CheckApp is an *Error naming the Spark applications the evidence has
// when it does not have appID.
func CheckApp(ctx context.Context, st *store.Store, appID string) error {
	apps, err := store.Select[appRow](ctx, st, query("apps"))
	if err != nil {
		return fmt.Errorf("reading the Spark applications of the evidence: %w", err)
	}
	var known []string
	for _, a := range apps {
		if a.AppID == appID {
			return nil
		}
		s := a.AppID
		if a.RunID != nil {
			s += " (run " + *a.RunID + ")"
		}
		known = append(known, s)
	}
	if len(known) == 0 {
		return errorf("unknown Spark application %s; the evidence holds no Spark event log", appID)
	}
	return errorf("unknown Spark application %s; the evidence has %s", appID, listSome(known, 8))
}

// CheckCategory is an *Error naming the known categories when cat is not one.
func CheckCategory(cat string, known []string) error {
	for _, k := range known {
		if k == cat {
			return nil
		}
	}
	if len(known) == 0 {
		return errorf("unknown category %s; the evidence holds no Glue job run to put in a category", cat)
	}
	return errorf("unknown category %s; the evidence's jobs fall in %s (see gluelens categories)", cat, listSome(known, 12))
}

// NoApp is an *Error for a Spark application the evidence does not hold
// (what says which: "no event log of job run jr_…"), naming the ones it
// does.
func NoApp(ctx context.Context, st *store.Store, what string) error {
	apps, err := store.Select[appRow](ctx, st, query("apps"))
	if err != nil {
		return fmt.Errorf("reading the Spark applications of the evidence: %w", err)
	}
	var known []string
	for _, a := range apps {
		s := a.AppID
		if a.RunID != nil {
			s += " (run " + *a.RunID + ")"
		}
		known = append(known, s)
	}
	if len(known) == 0 {
		return errorf("%s; the evidence holds no Spark event log", what)
	}
	return errorf("%s; the evidence has %s", what, listSome(known, 8))
}
