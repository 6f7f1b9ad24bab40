package words

import (
	"fmt"

	"github.com/gluelens/gluelens/analysis/integrity"
)

// Integrity says in one sentence what the digest files prove about the
// report window's CloudTrail evidence (gluelens verify, docs/verify.md).
func Integrity(s *integrity.Summary) string {
	if s == nil {
		return ""
	}
	switch s.State {
	case integrity.StateComplete:
		return fmt.Sprintf("CloudTrail evidence verified complete and untampered: %s with valid signatures list %s, each present as CloudTrail delivered it.",
			Plural(s.Digests, "digest file", "digest files"), Plural(s.LogFiles, "log file", "log files"))
	case integrity.StateProblems:
		var parts []string
		for _, k := range s.Problems {
			parts = append(parts, fmt.Sprintf("%d %s", k.Count, k.Kind))
		}
		return fmt.Sprintf("CloudTrail evidence not proven: the digest files of this window show %s; gluelens verify over the window lists the files concerned.", List(parts))
	case integrity.StateIncomplete:
		return fmt.Sprintf("CloudTrail evidence: no tampering found, but not proven complete: %s outside every digest file's hours and %s read before the evidence held digests (gluelens verify lists them).",
			Plural(s.Uncovered, "log file lies", "log files lie"), Plural(s.Unhashed, "log file", "log files"))
	}
	return "CloudTrail evidence not verifiable: no digest file covers this window, so a missing or altered log file would go unnoticed (ingest the trail's CloudTrail-Digest/ folder, see docs/verify.md)."
}
