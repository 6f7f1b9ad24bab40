package words

import (
	"fmt"
	"sort"

	"github.com/gluelens/gluelens/ingest"
)

// IngestSummary is what gluelens ingest prints when it ends, one line
// each: every failed object (FAILED and its error), every warning, the
// objects ignored per reason, then the objects and the records. quiet
// keeps the last two. The lines are plain text: the command escapes the
// control characters an object key may carry before a terminal sees them.
func IngestSummary(s ingest.Summary, quiet bool) []string {
	var out []string
	if !quiet {
		for _, f := range s.Failures {
			out = append(out, "FAILED "+f.Err.Error())
		}
		for _, line := range s.Warnings {
			out = append(out, "warning: "+line)
		}
		reasons := make([]string, 0, len(s.IgnoredReasons))
		for r := range s.IgnoredReasons {
			reasons = append(reasons, r)
		}
		sort.Strings(reasons)
		for _, r := range reasons {
			out = append(out, fmt.Sprintf("ignored %d object(s): %s", s.IgnoredReasons[r], r))
		}
	}
	return append(out,
		fmt.Sprintf("ingested %d object(s) (%s) in %s: %d loaded, %d unchanged, %d ignored, %d duplicate, %d failed",
			s.Objects, Bytes(s.Bytes), s.Elapsed.Round(1e6), s.Loaded, s.Unchanged, s.Ignored, s.Duplicate, s.Failed),
		fmt.Sprintf("records: %d kept, %d skipped, %d bad, %d duplicate; %d retried request(s)", s.Kept, s.Skipped, s.Bad, s.Duplicates, s.Retries))
}
