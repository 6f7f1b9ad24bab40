package words

import (
	"fmt"
	"strings"

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
	for _, b := range s.Beyond {
		out = append(out, "Beyond the evidence: "+b+"; nothing is concluded for that part.")
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
