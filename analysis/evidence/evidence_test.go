package evidence

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gluelens/gluelens/internal/store"
)

func ts(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestCoverageAndGaps: log files of one account and region at 00:00,
// 00:05, 00:10, 00:50 and 01:00 have one gap above 30 min (00:10–00:50);
// a second region with one file has none; a digest is not a log file and
// a failed object is not evidence.
func TestCoverageAndGaps(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "g.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	key := func(region, stamp string) string {
		return "s3://trail/AWSLogs/111122223333/CloudTrail/" + region + "/2026/11/02/111122223333_CloudTrail_" + region + "_20261102T" + stamp + "Z_abc.json.gz"
	}
	var shas []string
	add := func(uri, kind, status string) {
		h := sha256.Sum256([]byte(uri))
		sha := hex.EncodeToString(h[:])
		if status == "ok" {
			shas = append(shas, sha)
		}
		if _, err := st.DB().ExecContext(ctx, `INSERT INTO ingest_manifest (uri, size, content_sha256, kind, records_kept, records_skipped, records_bad, records_duplicate, status, ingested_at) VALUES (?, 1, ?, ?, 1, 0, 0, 0, ?, now())`, uri, sha, kind, status); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []string{"0000", "0005", "0010", "0050", "0100"} {
		add(key("eu-west-1", s), "cloudtrail", "ok")
	}
	add(key("us-east-1", "0300"), "cloudtrail", "ok")
	add(key("eu-west-1", "0020"), "cloudtrail", "failed")
	add("s3://trail/AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/11/02/111122223333_CloudTrail-Digest_eu-west-1_t_eu-west-1_20261102T010000Z.json.gz", "cloudtrail", "ignored")
	if _, err := st.DB().ExecContext(ctx, `INSERT INTO glue_runs (run_id, job_name, started_on, completed_on) VALUES ('jr_1', 'etl', '2026-11-01 23:00:00', '2026-11-02 04:00:00')`); err != nil {
		t.Fatal(err)
	}
	cov, err := Load(ctx, st, 30*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(cov.Gaps) != 1 || cov.Gaps[0].Region != "eu-west-1" || !cov.Gaps[0].From.Equal(ts("2026-11-02 00:10")) || !cov.Gaps[0].To.Equal(ts("2026-11-02 00:50")) {
		t.Errorf("gaps = %+v, want one in eu-west-1 from 00:10 to 00:50", cov.Gaps)
	}
	byScope := map[string]Source{}
	for _, s := range cov.Sources {
		byScope[s.Source+" "+s.Scope] = s
	}
	eu := byScope["cloudtrail 111122223333/eu-west-1"]
	if eu.Objects != 5 || eu.FirstAt == nil || !eu.FirstAt.Equal(ts("2026-11-02 00:00")) || !eu.LastAt.Equal(ts("2026-11-02 01:00")) {
		t.Errorf("eu-west-1 coverage = %+v, want 5 files 00:00–01:00", eu)
	}
	if us := byScope["cloudtrail 111122223333/us-east-1"]; us.Objects != 1 {
		t.Errorf("us-east-1 coverage = %+v, want 1 file", us)
	}
	if r := byScope["glue_runs etl"]; r.Records != 1 || !r.LastAt.Equal(ts("2026-11-02 04:00")) {
		t.Errorf("glue runs coverage = %+v", r)
	}
	if !cov.First.Equal(ts("2026-11-01 23:00")) || !cov.Last.Equal(ts("2026-11-02 04:00")) {
		t.Errorf("span %s – %s, want 2026-11-01 23:00 – 2026-11-02 04:00", cov.First, cov.Last)
	}
	// Fingerprint: the SHA-256 of the sorted content hashes of the six loaded objects.
	sorted := append([]string{}, shas...)
	for i := range sorted {
		for j := i + 1; j < len(sorted); j++ {
			if sorted[j] < sorted[i] {
				sorted[i], sorted[j] = sorted[j], sorted[i]
			}
		}
	}
	h := sha256.Sum256([]byte(strings.Join(sorted, "\n") + "\n"))
	if cov.Objects != 6 || cov.Fingerprint != hex.EncodeToString(h[:]) {
		t.Errorf("fingerprint %s over %d objects, want %x over 6", cov.Fingerprint, cov.Objects, h)
	}

	sec := cov.Section(ts("2026-11-02 02:00"), ts("2026-11-02 06:00"))
	if len(sec.Gaps) != 0 || len(sec.Beyond) != 1 || !sec.Beyond[0].After || !sec.Beyond[0].Edge.Equal(cov.Last) || sec.Beyond[0].By != 2*time.Hour {
		t.Errorf("section 02:00–06:00: gaps %v, beyond %+v; want no gap and the end 2 hours past the evidence's last instant %s", sec.Gaps, sec.Beyond, cov.Last)
	}
	var ee *Error
	if err := cov.CheckWindow("--after", ts("2026-11-03 00:00"), ts("2026-11-04 00:00")); !errors.As(err, &ee) || !strings.Contains(err.Error(), "holds no evidence") {
		t.Errorf("CheckWindow after the evidence: %v", err)
	}
	if err := cov.CheckInstant("--at", ts("2026-11-02 03:00")); err != nil {
		t.Errorf("CheckInstant inside: %v", err)
	}
	if err := CheckSubnet(ctx, st, "subnet-x"); !errors.As(err, &ee) || !strings.Contains(err.Error(), "names no subnet") {
		t.Errorf("CheckSubnet on no subnets: %v", err)
	}
	if err := CheckRun(ctx, st, "jr_2"); !errors.As(err, &ee) || !strings.Contains(err.Error(), "1 run(s) of 1 job(s): etl (1)") {
		t.Errorf("CheckRun: %v", err)
	}
	if err := CheckRun(ctx, st, "jr_1"); err != nil {
		t.Errorf("CheckRun of a known run: %v", err)
	}
}
