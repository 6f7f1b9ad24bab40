package evidence

import (
	"sort"
	"time"
)

// Section is what a report's conclusions rest on: the evidence of each
// source, the CloudTrail delivery gaps inside the report's window, how the
// window reaches beyond the evidence, and the fingerprint of the inputs.
// Reports render it first.
type Section struct {
	From    time.Time       `json:"from"`
	To      time.Time       `json:"to"`
	Sources []SourceSummary `json:"sources"`
	// Gaps inside the window; GapThresholdMinutes is what counts as one.
	Gaps                []Gap   `json:"gaps"`
	GapThresholdMinutes float64 `json:"gap_threshold_minutes"`
	// Beyond says how the window reaches past the evidence (empty when it
	// does not); the JSON carries it worded (reports/words), in its place.
	Beyond      []Overhang `json:"-"`
	Objects     int        `json:"objects"`
	Fingerprint string     `json:"fingerprint"`
}

// SourceSummary is one source of a Section: how many scopes (accounts and
// regions, jobs, applications), the span, the objects and the records.
type SourceSummary struct {
	Source  string     `json:"source"`
	Scopes  []string   `json:"scopes"`
	FirstAt *time.Time `json:"first_at"`
	LastAt  *time.Time `json:"last_at"`
	Objects int64      `json:"objects"`
	Records int64      `json:"records"`
}

// Section summarises the coverage for a report over [from, to).
func (c *Coverage) Section(from, to time.Time) *Section {
	s := &Section{From: from.UTC(), To: to.UTC(), Objects: c.Objects, Fingerprint: c.Fingerprint,
		GapThresholdMinutes: c.GapThreshold.Minutes(), Beyond: c.Beyond(from, to), Gaps: []Gap{}}
	by := map[string]*SourceSummary{}
	for _, src := range c.Sources {
		sum := by[src.Source]
		if sum == nil {
			sum = &SourceSummary{Source: src.Source}
			by[src.Source] = sum
		}
		sum.Scopes = append(sum.Scopes, src.Scope)
		sum.Objects += src.Objects
		sum.Records += src.Records
		if src.FirstAt != nil && (sum.FirstAt == nil || src.FirstAt.Before(*sum.FirstAt)) {
			sum.FirstAt = src.FirstAt
		}
		if src.LastAt != nil && (sum.LastAt == nil || src.LastAt.After(*sum.LastAt)) {
			sum.LastAt = src.LastAt
		}
	}
	for _, sum := range by {
		s.Sources = append(s.Sources, *sum)
	}
	sort.Slice(s.Sources, func(i, j int) bool { return s.Sources[i].Source < s.Sources[j].Source })
	for _, g := range c.Gaps {
		if (to.IsZero() || g.From.Before(to)) && (from.IsZero() || g.To.After(from)) {
			s.Gaps = append(s.Gaps, g)
		}
	}
	return s
}
