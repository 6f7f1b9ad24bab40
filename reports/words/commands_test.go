package words

import (
	"slices"
	"testing"

	"github.com/gluelens/gluelens/analysis/integrity"
	"github.com/gluelens/gluelens/ingest/parquetpack"
)

func TestExportSummary(t *testing.T) {
	for _, c := range []struct {
		name string
		m    *parquetpack.Manifest
		dest string
		want []string
	}{
		{"empty", &parquetpack.Manifest{}, "pack", []string{"exported 0 rows of 0 tables in 0 file(s) (0 B) to pack"}},
		{"two tables", &parquetpack.Manifest{Tables: []parquetpack.TableEntry{
			{Name: "cloudtrail_events", Rows: 1234, Files: []parquetpack.FileEntry{{Bytes: 1 << 20}, {Bytes: 1 << 19}}},
			{Name: "glue_job_runs", Rows: 7, Files: []parquetpack.FileEntry{{Bytes: 2048}}},
		}}, "s3://bucket/packs/week", []string{
			"cloudtrail_events            1234 rows    2 file(s)",
			"glue_job_runs                   7 rows    1 file(s)",
			"exported 1241 rows of 2 tables in 3 file(s) (1.5 MiB) to s3://bucket/packs/week",
		}},
	} {
		if got := ExportSummary(c.m, c.dest); !slices.Equal(got, c.want) {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}

func TestVerifySummary(t *testing.T) {
	logs := []string{"a.json.gz", "b.json.gz", "c.json.gz", "d.json.gz", "e.json.gz", "f.json.gz", "g.json.gz"}
	for _, c := range []struct {
		name string
		r    *integrity.Result
		want []string
	}{
		{"complete", &integrity.Result{Digests: 2, Verified: 2, LogFiles: 12, Matched: 12}, []string{
			"verify: 2 digest file(s), 2 signature(s) verified; 12 listed log file(s) present, 12 with the listed hash",
			"verify: the window's CloudTrail evidence is complete and untampered",
		}},
		{"no digests", &integrity.Result{}, []string{
			"verify: 0 digest file(s), 0 signature(s) verified; 0 listed log file(s) present, 0 with the listed hash",
		}},
		{"incomplete", &integrity.Result{Digests: 1, Verified: 1, LogFiles: 3, Matched: 3, Uncovered: logs, Unhashed: logs[:1]}, []string{
			"verify: 1 digest file(s), 1 signature(s) verified; 3 listed log file(s) present, 3 with the listed hash",
			"verify: 7 log file(s) outside every digest's hours (before the first, after the last, or in a missing digest's hour): not verifiable",
			"  a.json.gz", "  b.json.gz", "  c.json.gz", "  d.json.gz", "  e.json.gz", "  … and 2 more",
			"verify: 1 listed log file(s) read before the evidence held digests, so not hashed: run gluelens ingest --force on their folder",
			"  a.json.gz",
		}},
		{"problems", &integrity.Result{Digests: 1, Verified: 0, LogFiles: 1, Problems: []integrity.Problem{{Kind: "bad_signature"}}}, []string{
			"verify: 1 digest file(s), 0 signature(s) verified; 1 listed log file(s) present, 0 with the listed hash",
		}},
	} {
		if got := VerifySummary(c.r); !slices.Equal(got, c.want) {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}
