// Package evidence says what the database covers — per source the time
// span and the objects, gaps in CloudTrail delivery, a fingerprint of the
// inputs — and checks every question against it: a subnet, run, job, Spark
// application or time the evidence does not hold is an *Error that says
// what it does hold.
package evidence

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/gluelens/gluelens/internal/store"
)

//go:embed sql/*.sql
var queries embed.FS

func query(name string) string {
	b, err := queries.ReadFile("sql/" + name + ".sql")
	if err != nil {
		panic("evidence: missing embedded query " + name)
	}
	return string(b)
}

// DefaultGap is the longest stretch without a CloudTrail log file, for one
// account and region with files before and after, that is not reported as
// a gap. CloudTrail delivers "about every 5 minutes" while there is
// activity (docs/formats.md §1.2), with a delay that is not guaranteed:
// 30 minutes is six deliveries missed in a row.
const DefaultGap = 30 * time.Minute

// Error is a question the evidence cannot answer (an unknown subnet, run,
// job, category or application, or a time outside the evidence). Its
// message says what the evidence holds.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

func errorf(format string, args ...any) error { return &Error{Msg: fmt.Sprintf(format, args...)} }

// Source is one row of the evidence_coverage view.
type Source struct {
	Source  string     `db:"source" json:"source"` // cloudtrail | glue_runs | ec2_snapshots | spark
	Scope   string     `db:"scope" json:"scope"`   // account/region, job name, …
	FirstAt *time.Time `db:"first_at" json:"first_at"`
	LastAt  *time.Time `db:"last_at" json:"last_at"`
	Objects int64      `db:"objects" json:"objects"`
	Records int64      `db:"records" json:"records"`
}

// Gap is a stretch with no CloudTrail log file for one account and region
// longer than the threshold, between two files of it.
type Gap struct {
	AccountID string    `db:"account_id" json:"account_id"`
	Region    string    `db:"region" json:"region"`
	From      time.Time `db:"gap_from" json:"from"` // delivery time of the file before
	To        time.Time `db:"gap_to" json:"to"`     // delivery time of the file after
}

// Minutes is the gap's length.
func (g Gap) Minutes() float64 { return g.To.Sub(g.From).Minutes() }

// Coverage is what the database covers.
type Coverage struct {
	Sources []Source `json:"sources"`
	Gaps    []Gap    `json:"gaps"`
	// GapThreshold is the stretch without a log file above which a gap is listed.
	GapThreshold time.Duration `json:"-"`
	// First and Last bound every source (zero when the database is empty).
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
	// Objects loaded (status ok or duplicate) and their fingerprint: the
	// SHA-256 of their sorted content SHA-256s, one per line — the same
	// for the same evidence wherever its files lie.
	Objects     int    `json:"objects"`
	Fingerprint string `json:"fingerprint"`
}

// Load reads the coverage of the database; gaps longer than gap are
// listed (DefaultGap when gap ≤ 0).
func Load(ctx context.Context, st *store.Store, gap time.Duration) (*Coverage, error) {
	if gap <= 0 {
		gap = DefaultGap
	}
	c := &Coverage{GapThreshold: gap}
	var err error
	if c.Sources, err = store.Select[Source](ctx, st, query("coverage")); err != nil {
		return nil, fmt.Errorf("reading the evidence coverage: %w", err)
	}
	if c.Gaps, err = store.Select[Gap](ctx, st, query("gaps"), gap.Seconds()); err != nil {
		return nil, fmt.Errorf("reading CloudTrail delivery gaps: %w", err)
	}
	for i := range c.Gaps {
		c.Gaps[i].From, c.Gaps[i].To = c.Gaps[i].From.UTC(), c.Gaps[i].To.UTC()
	}
	for i := range c.Sources {
		s := &c.Sources[i]
		if s.FirstAt != nil {
			t := s.FirstAt.UTC()
			s.FirstAt = &t
			if c.First.IsZero() || t.Before(c.First) {
				c.First = t
			}
		}
		if s.LastAt != nil {
			t := s.LastAt.UTC()
			s.LastAt = &t
			if t.After(c.Last) {
				c.Last = t
			}
		}
	}
	type object struct {
		SHA256 string `db:"sha256"`
	}
	objs, err := store.Select[object](ctx, st, query("objects"))
	if err != nil {
		return nil, fmt.Errorf("reading the ingest manifest: %w", err)
	}
	h := sha256.New()
	for _, o := range objs {
		h.Write([]byte(o.SHA256 + "\n"))
	}
	c.Objects = len(objs)
	c.Fingerprint = hex.EncodeToString(h.Sum(nil))
	return c, nil
}

// Empty reports whether the database holds no dated evidence.
func (c *Coverage) Empty() bool { return c.First.IsZero() }

// NoDatedEvidence is what Span says of a database without dated evidence.
const NoDatedEvidence = "the database holds no dated evidence"

// Span describes the time the evidence covers, for messages.
func (c *Coverage) Span() string {
	if c.Empty() {
		return NoDatedEvidence
	}
	return "the evidence covers " + Stamp(c.First) + " to " + Stamp(c.Last)
}

// CheckInstant is an *Error when t is outside the evidence.
func (c *Coverage) CheckInstant(what string, t time.Time) error {
	switch {
	case c.Empty():
		return errorf("%s %s: %s", what, Stamp(t), c.Span())
	case t.Before(c.First):
		return errorf("%s %s is before the evidence starts; %s", what, Stamp(t), c.Span())
	case t.After(c.Last):
		return errorf("%s %s is after the evidence ends; %s", what, Stamp(t), c.Span())
	}
	return nil
}

// CheckWindow is an *Error when [from, to) holds no evidence at all
// (zero bounds are open).
func (c *Coverage) CheckWindow(what string, from, to time.Time) error {
	if c.Empty() {
		return errorf("%s: %s", what, c.Span())
	}
	if (!from.IsZero() && from.After(c.Last)) || (!to.IsZero() && !to.After(c.First)) {
		return errorf("%s %s holds no evidence; %s", what, windowText(from, to), c.Span())
	}
	return nil
}

// Overhang is a part of a report's window the evidence does not reach:
// the window starts By before Edge, the evidence's first instant, or, when
// After, ends By after Edge, its last. A zero Edge stands for a database
// with no dated evidence at all (Empty). reports/words words it.
type Overhang struct {
	After bool
	Edge  time.Time
	By    time.Duration
}

// Beyond says how [from, to) reaches beyond the evidence (nil when it
// does not).
func (c *Coverage) Beyond(from, to time.Time) []Overhang {
	if c.Empty() {
		return []Overhang{{}}
	}
	var out []Overhang
	if !from.IsZero() && from.Before(c.First) {
		out = append(out, Overhang{Edge: c.First, By: c.First.Sub(from)})
	}
	if !to.IsZero() && to.After(c.Last) {
		out = append(out, Overhang{After: true, Edge: c.Last, By: to.Sub(c.Last)})
	}
	return out
}

func windowText(from, to time.Time) string {
	f, t := "the start", "the end"
	if !from.IsZero() {
		f = Stamp(from)
	}
	if !to.IsZero() {
		t = Stamp(to)
	}
	return f + ".." + t
}

// Stamp renders an instant as the evidence's messages say it: UTC, to
// the second, with no zone name ("2026-11-02 06:04:37").
func Stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") }

// listSome joins up to n items and says how many more there are.
func listSome(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}
