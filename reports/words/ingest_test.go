package words

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/gluelens/gluelens/ingest"
)

func TestIngestSummary(t *testing.T) {
	full := ingest.Summary{Objects: 12, Loaded: 7, Unchanged: 2, Ignored: 3, Duplicate: 0, Failed: 1, Bytes: 3 << 20,
		Kept: 1200, Skipped: 30, Bad: 2, Duplicates: 4, Retries: 1, Elapsed: 2*time.Second + 345678*time.Microsecond,
		Failures:       []ingest.ObjectResult{{Err: errors.New("ingesting s3://b/x.json.gz: decoding record 17: unexpected EOF")}},
		Warnings:       []string{"s3://b/y.json.gz: 2 bad record(s)"},
		IgnoredReasons: map[string]int{"unrecognised content": 1, "CloudTrail digest file": 2}}
	tail := []string{
		"ingested 12 object(s) (3.0 MiB) in 2.346s: 7 loaded, 2 unchanged, 3 ignored, 0 duplicate, 1 failed",
		"records: 1200 kept, 30 skipped, 2 bad, 4 duplicate; 1 retried request(s)",
	}
	for _, c := range []struct {
		name  string
		s     ingest.Summary
		quiet bool
		want  []string
	}{
		{"everything", full, false, append([]string{
			"FAILED ingesting s3://b/x.json.gz: decoding record 17: unexpected EOF",
			"warning: s3://b/y.json.gz: 2 bad record(s)",
			"ignored 2 object(s): CloudTrail digest file",
			"ignored 1 object(s): unrecognised content",
		}, tail...)},
		{"quiet", full, true, tail},
		{"nothing", ingest.Summary{}, false, []string{
			"ingested 0 object(s) (0 B) in 0s: 0 loaded, 0 unchanged, 0 ignored, 0 duplicate, 0 failed",
			"records: 0 kept, 0 skipped, 0 bad, 0 duplicate; 0 retried request(s)",
		}},
	} {
		if got := IngestSummary(c.s, c.quiet); !slices.Equal(got, c.want) {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}
