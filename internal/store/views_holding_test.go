package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"
)

// TestHoldingState checks the holding_state and lingering_from macros on
// hand-worked cases, in a writable database (stored macros) and in a
// read-only session (temporary ones). The rule: a Glue run's ENI is
// running before its run's completion (or while the run has none) and
// lingering from the completion on, the instant of completion included.
func TestHoldingState(t *testing.T) {
	ctx := context.Background()
	ts := func(s string) time.Time {
		v, err := time.Parse("2006-01-02 15:04:05.999999", "2026-11-02 "+s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tm := func(s string) *time.Time { v := ts(s); return &v }
	at := ts("06:10:00")
	cases := []struct {
		name         string
		holder       string
		completed    *time.Time
		wantState    string
		wantLingerAt *time.Time
	}{
		{"run still running (no completion)", "glue_run", nil, "running", nil},
		{"t before the run's completion", "glue_run", tm("06:15:00"), "running", tm("06:15:00")},
		{"t one microsecond before completion", "glue_run", tm("06:10:00.000001"), "running", tm("06:10:00.000001")},
		{"t exactly at completion lingers", "glue_run", tm("06:10:00"), "lingering", tm("06:10:00")},
		{"t after the run's completion", "glue_run", tm("06:04:37"), "lingering", tm("06:04:37")},
		{"another requester's ENI", "non_glue", nil, "non-glue", nil},
		{"another requester's ENI never lingers", "non_glue", tm("06:00:00"), "non-glue", nil},
		{"nobody's ENI", "unattributed", nil, "unattributed", nil},
		{"nobody's ENI never lingers", "unattributed", tm("06:00:00"), "unattributed", nil},
	}
	path := filepath.Join(t.TempDir(), "g.duckdb")
	rw, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	check := func(session string, s *Store) {
		for _, c := range cases {
			var state string
			var lingerAt sql.NullTime
			var completed any
			if c.completed != nil {
				completed = *c.completed
			}
			err := s.DB().QueryRowContext(ctx, `SELECT holding_state($1::VARCHAR, $2::TIMESTAMP, $3::TIMESTAMP),
				lingering_from($1::VARCHAR, $2::TIMESTAMP)`, c.holder, completed, at).Scan(&state, &lingerAt)
			if err != nil {
				t.Fatalf("%s: %s: %v", session, c.name, err)
			}
			if state != c.wantState {
				t.Errorf("%s: %s: holding_state = %q, want %q", session, c.name, state, c.wantState)
			}
			switch {
			case c.wantLingerAt == nil && lingerAt.Valid:
				t.Errorf("%s: %s: lingering_from = %v, want NULL", session, c.name, lingerAt.Time)
			case c.wantLingerAt != nil && (!lingerAt.Valid || !lingerAt.Time.Equal(*c.wantLingerAt)):
				t.Errorf("%s: %s: lingering_from = %v, want %v", session, c.name, lingerAt, *c.wantLingerAt)
			}
		}
	}
	check("writable", rw)
	rw.Close()
	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	check("read-only", ro)
}
