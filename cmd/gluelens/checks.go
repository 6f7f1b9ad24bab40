package main

import (
	"context"
	"fmt"
	"time"

	"github.com/gluelens/gluelens/analysis/eni"
	"github.com/gluelens/gluelens/analysis/evidence"
	"github.com/gluelens/gluelens/analysis/report"
	"github.com/gluelens/gluelens/internal/store"
)

// checkIncident checks an incident question against the evidence: the
// subnet and run must be in it, the instant and the --after period inside it.
func checkIncident(ctx context.Context, st *store.Store, q report.IncidentQuery) error {
	if q.Subnet != "" {
		if err := evidence.CheckSubnet(ctx, st, q.Subnet); err != nil {
			return err
		}
	}
	if q.RunID != "" {
		if err := evidence.CheckRun(ctx, st, q.RunID); err != nil {
			return err
		}
	}
	cov, err := evidence.Load(ctx, st, 0)
	if err != nil {
		return err
	}
	if !q.At.IsZero() {
		if err := cov.CheckInstant("--at", q.At); err != nil {
			return err
		}
	}
	if q.After != nil {
		if err := cov.CheckWindow("--after", q.After.From, q.After.To); err != nil {
			return err
		}
	}
	return nil
}

// checkWindows is an *evidence.Error when the span holds no evidence.
func checkWindows(ctx context.Context, st *store.Store, what string, s report.Span) error {
	cov, err := evidence.Load(ctx, st, 0)
	if err != nil {
		return err
	}
	return cov.CheckWindow(what, s.From, s.To)
}

// nearestFailure says, when no failure is near --at, where the nearest
// refused create is (exit 6: the question was fine, nothing failed there).
func nearestFailure(ctx context.Context, st *store.Store, q report.IncidentQuery, cause error) error {
	exh, err := eni.Exhaustions(ctx, st, eni.Window{})
	if err != nil {
		return err
	}
	var best *eni.Exhaustion
	for i := range exh {
		e := &exh[i]
		if q.Subnet != "" && (e.SubnetID == nil || *e.SubnetID != q.Subnet) {
			continue
		}
		if best == nil || absDur(e.At.Sub(q.At)) < absDur(best.At.Sub(q.At)) {
			best = e
		}
	}
	where := ""
	if q.Subnet != "" {
		where = " in " + q.Subnet
	}
	msg := fmt.Sprintf("no refused create near %s%s (window %s)", q.At.UTC().Format("2006-01-02 15:04:05"), where, q.Window)
	if best == nil {
		msg += "; the evidence has no ENI create refused for lack of IPs" + where
	} else {
		msg += fmt.Sprintf("; the nearest is at %s in %s", best.At.UTC().Format("2006-01-02 15:04:05"), deref(best.SubnetID))
	}
	return &exitError{code: exitNotFound, msg: msg + " (" + cause.Error() + ")"}
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func deref(s *string) string {
	if s == nil {
		return "an unknown subnet"
	}
	return *s
}
