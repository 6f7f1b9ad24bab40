package words

import (
	"testing"

	"github.com/gluelens/gluelens/analysis/integrity"
)

func TestIntegrity(t *testing.T) {
	for _, c := range []struct {
		s    *integrity.Summary
		want string
	}{
		{nil, ""},
		{&integrity.Summary{State: integrity.StateComplete, Digests: 1, Verified: 1, LogFiles: 12, Matched: 12},
			"CloudTrail evidence verified complete and untampered: 1 digest file with valid signatures list 12 log files, each present as CloudTrail delivered it."},
		{&integrity.Summary{State: integrity.StateProblems, Digests: 18, Problems: []integrity.KindCount{{Kind: "missing_log_file", Count: 2}, {Kind: "chain_break", Count: 1}}},
			"CloudTrail evidence not proven: the digest files of this window show 2 missing_log_file and 1 chain_break; gluelens verify over the window lists the files concerned."},
		{&integrity.Summary{State: integrity.StateIncomplete, Digests: 3, Uncovered: 1, Unhashed: 4},
			"CloudTrail evidence: no tampering found, but not proven complete: 1 log file lies outside every digest file's hours and 4 log files read before the evidence held digests (gluelens verify lists them)."},
		{&integrity.Summary{State: integrity.StateNoDigests},
			"CloudTrail evidence not verifiable: no digest file covers this window, so a missing or altered log file would go unnoticed (ingest the trail's CloudTrail-Digest/ folder, see docs/verify.md)."},
	} {
		if got := Integrity(c.s); got != c.want {
			t.Errorf("%+v:\n got %q\nwant %q", c.s, got, c.want)
		}
	}
}
