package words

import (
	"fmt"
	"strings"
	"time"

	"github.com/gluelens/gluelens/analysis/evidence"
	"github.com/gluelens/gluelens/analysis/report"
)

var sourceNames = map[string][2]string{
	"cloudtrail":    {"CloudTrail", "account/region"},
	"glue_runs":     {"Glue job runs", "job"},
	"ec2_snapshots": {"EC2 snapshots", "kind"},
	"spark":         {"Spark applications", "job"},
}

// RestsOn is the short evidence section every report opens with: one
// sentence per source, the gaps inside the window, how the window reaches
// beyond the evidence, what the CloudTrail digest files prove about the
// window, and the fingerprint of the inputs.
func RestsOn(h report.Header) []string {
	out := Evidence(h.Evidence)
	if h.Integrity == nil {
		return out
	}
	line := Integrity(h.Integrity)
	if n := len(out); n > 0 {
		// The fingerprint stays last.
		return append(out[:n-1:n-1], line, out[n-1])
	}
	return []string{line}
}

// Evidence is the evidence section's sentences without the integrity
// line: one per source, the gaps, the reach beyond the evidence and the
// fingerprint.
func Evidence(s *evidence.Section) []string {
	if s == nil {
		return nil
	}
	var out []string
	if len(s.Sources) == 0 {
		out = append(out, "The database holds no evidence.")
	}
	for _, src := range s.Sources {
		name := sourceNames[src.Source]
		if name[0] == "" {
			name = [2]string{src.Source, "scope"}
		}
		line := fmt.Sprintf("%s: %s (%s), %s, %s", name[0], Plural(len(src.Scopes), name[1], name[1]+"s"),
			strings.Join(firstN(src.Scopes, 4), ", "), Plural(int(src.Objects), "object", "objects"), Plural(int(src.Records), "record", "records"))
		if src.FirstAt != nil && src.LastAt != nil {
			line += ", " + Stamp(*src.FirstAt) + " – " + Stamp(*src.LastAt)
		}
		out = append(out, line+".")
	}
	for _, o := range s.Beyond {
		out = append(out, "Beyond the evidence: "+Overhang(o)+"; nothing is concluded for that part.")
	}
	if len(s.Gaps) == 0 {
		out = append(out, fmt.Sprintf("No CloudTrail delivery gap longer than %.0f min inside the window.", s.GapThresholdMinutes))
	} else {
		parts := make([]string, 0, len(s.Gaps))
		for _, g := range firstGaps(s.Gaps, 5) {
			parts = append(parts, fmt.Sprintf("%s/%s %s – %s", g.AccountID, g.Region, Stamp(g.From), Stamp(g.To)))
		}
		more := ""
		if len(s.Gaps) > 5 {
			more = fmt.Sprintf(" and %d more", len(s.Gaps)-5)
		}
		out = append(out, fmt.Sprintf("%s with no CloudTrail log file for more than %.0f min inside the window (ENI calls there are missing from every number): %s%s.",
			Plural(len(s.Gaps), "stretch", "stretches"), s.GapThresholdMinutes, strings.Join(parts, "; "), more))
	}
	out = append(out, fmt.Sprintf("Inputs: %s, fingerprint sha256:%s.", Plural(s.Objects, "loaded object", "loaded objects"), s.Fingerprint))
	return out
}

// Overhang says how a report's window reaches past the evidence: "the
// window starts 3 hours before the evidence (2026-11-02 06:00:00)". The
// evidence's edge is said in UTC as the evidence's messages say it
// (evidence.Stamp), whatever zone the report is shown in.
func Overhang(o evidence.Overhang) string {
	switch {
	case o.Edge.IsZero():
		return evidence.NoDatedEvidence
	case o.After:
		return fmt.Sprintf("the window ends %s after the evidence (%s)", Duration(o.By), evidence.Stamp(o.Edge))
	}
	return fmt.Sprintf("the window starts %s before the evidence (%s)", Duration(o.By), evidence.Stamp(o.Edge))
}

// Duration renders a span in whole days from 48 hours, in whole hours
// from 2 hours, else in whole minutes: "3 days", "10 hours", "90 minutes".
func Duration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%.0f days", d.Hours()/24)
	case d >= 2*time.Hour:
		return fmt.Sprintf("%.0f hours", d.Hours())
	default:
		return fmt.Sprintf("%.0f minutes", d.Minutes())
	}
}

func firstN(xs []string, n int) []string {
	if len(xs) <= n {
		return xs
	}
	return append(append([]string{}, xs[:n]...), fmt.Sprintf("%d more", len(xs)-n))
}

func firstGaps(gs []evidence.Gap, n int) []evidence.Gap {
	if len(gs) <= n {
		return gs
	}
	return gs[:n]
}
