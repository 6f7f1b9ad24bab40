package cloudtrail_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/cloudtrail"
	"github.com/gluelens/gluelens/ingest/localsrc"
	"github.com/gluelens/gluelens/internal/store"
)

// TestConflictingEventIDs loads testdata/hostile/conflicting-eventids
// (crafted for issue 17): copy A and copy B share eventID …0001 with
// different content (a Create in A, a Delete in B) and eventID …0002 with
// identical content. Whether both files are read in one ingest or in two,
// in either order, the table is the same, the conflict is a warning in
// ingest_issues naming both copies, the identical copy is a silent
// duplicate, and every object's counts add up to the records it holds.
func TestConflictingEventIDs(t *testing.T) {
	ctx := context.Background()
	srcDir := filepath.Join("..", "..", "testdata", "hostile", "conflicting-eventids")
	const a, b = "111122223333_CloudTrail_us-east-1_20261102T1000Z_copyA.json", "111122223333_CloudTrail_us-east-1_20261102T1000Z_copyB.json"
	// copyTo puts the named files in a fresh folder.
	copyTo := func(names ...string) string {
		dir := t.TempDir()
		for _, n := range names {
			raw, err := os.ReadFile(filepath.Join(srcDir, n))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, n), raw, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	ingestDir := func(st *store.Store, dir string) ingest.Summary {
		src, err := localsrc.New(dir)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := ingest.Run(ctx, st, []ingest.Source{src}, ingest.Options{Decoders: []ingest.Decoder{cloudtrail.New()}, Workers: 2})
		if err != nil || sum.Failed != 0 {
			t.Fatalf("ingest: %v %+v", err, sum)
		}
		return sum
	}
	type outcome struct {
		table, winner string
		issues        []string
		// warned are the copies the last ingest's summary warns about
		// (what the terminal shows), in order.
		warned []string
	}
	load := func(t *testing.T, batches ...[]string) outcome {
		st, err := store.Open(ctx, filepath.Join(t.TempDir(), "g.duckdb"))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		var o outcome
		for _, names := range batches {
			sum := ingestDir(st, copyTo(names...))
			o.warned = nil
			for _, w := range sum.Warnings {
				if strings.Contains(w, "conflict with another copy of the same key") {
					o.warned = append(o.warned, regexp.MustCompile(`copy[AB]`).FindString(w))
				}
			}
			slices.Sort(o.warned)
		}
		q := func(sql string, dst any) {
			t.Helper()
			if err := st.DB().QueryRow(sql).Scan(dst); err != nil {
				t.Fatalf("%s: %v", sql, err)
			}
		}
		q(`SELECT string_agg(to_json(e)::VARCHAR, '\n' ORDER BY event_id) FROM (SELECT * EXCLUDE (source_uri, record_index) FROM eni_events) e`, &o.table)
		q(`SELECT event_name || ' from ' || regexp_extract(source_uri, 'copy[AB]') FROM eni_events WHERE event_id LIKE '%0001'`, &o.winner)
		var n int64
		if q(`SELECT count(*) FROM eni_events`, &n); n != 4 {
			t.Errorf("%d events, want 4 (…0001 to …0004 once each)", n)
		}
		// Counts add up: per object, kept + skipped + bad + duplicate is
		// the 3 records it holds; over objects, kept is the table's rows.
		var bad string
		q(`SELECT coalesce(string_agg(uri, ', '), '') FROM ingest_manifest WHERE records_kept + records_skipped + records_bad + records_duplicate <> 3`, &bad)
		if bad != "" {
			t.Errorf("counts do not add up to 3 records for %s", bad)
		}
		var kept int64
		if q(`SELECT sum(records_kept) FROM ingest_manifest`, &kept); kept != n {
			t.Errorf("records_kept sums to %d, the table holds %d rows", kept, n)
		}
		rows, err := st.DB().Query(`SELECT regexp_extract(uri, 'copy[AB]') || ': ' || regexp_replace(message, '[^ ]*/', '', 'g') FROM ingest_issues WHERE severity = 'warning' ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			o.issues = append(o.issues, s)
		}
		return o
	}
	together := load(t, []string{a, b})
	for _, tc := range []struct {
		name    string
		batches [][]string
		warned  string // the copies the last ingest's summary warns about
	}{
		{"A then B", [][]string{{a}, {b}}, "copyB"},
		{"B then A", [][]string{{b}, {a}}, "copyA"},
		{"together again", [][]string{{b, a}}, "copyA copyB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := load(t, tc.batches...)
			// The ingest that met the conflict says so in its summary, for
			// the objects it read (the stored copy's object gets its
			// ingest_issues row, not a line about an earlier ingest).
			if got := strings.Join(o.warned, " "); got != tc.warned {
				t.Errorf("summary warns about %q, want %q", got, tc.warned)
			}
			if o.table != together.table || o.winner != together.winner {
				t.Errorf("table differs from one ingest of both:\n%s\nkept %s\nwant\n%s\nkept %s", o.table, o.winner, together.table, together.winner)
			}
			if strings.Join(o.issues, "\n") != strings.Join(together.issues, "\n") {
				t.Errorf("issues differ:\n%s\nwant\n%s", strings.Join(o.issues, "\n"), strings.Join(together.issues, "\n"))
			}
		})
	}
	// Each object names the conflict once, with both copies; the
	// identical …0002 is not mentioned.
	if len(together.issues) != 2 || !strings.HasPrefix(together.issues[0], "copyA: ") || !strings.HasPrefix(together.issues[1], "copyB: ") {
		t.Fatalf("issues %q, want one on each copy", together.issues)
	}
	for _, is := range together.issues {
		if !strings.Contains(is, "event_id 0b7c1d2e-0000-4000-8000-000000000001 has copies with different content") ||
			!strings.Contains(is, a+" record 0") || !strings.Contains(is, b+" record 0") || strings.Contains(is, "000000000002") {
			t.Errorf("issue %q should name both copies of …0001 only", is)
		}
	}
	if together.winner != "CreateNetworkInterface from copyA" && together.winner != "DeleteNetworkInterface from copyB" {
		t.Errorf("kept %q", together.winner)
	}
	t.Logf("kept %s", together.winner)
}

// TestCountsAddUp: records_kept is the rows loaded. The two copies of
// testdata/hostile/conflicting-eventids hold 6 records, 4 distinct events:
// 4 kept and 2 duplicates. Read again with Force, the counts are the same
// (they said 6 kept and 6 duplicates): the rows already there were loaded
// from these objects. kept + skipped + bad + duplicate is the 6 records
// read each time, and the manifest's kept rows are the table's.
func TestCountsAddUp(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "g.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	src, err := localsrc.New(filepath.Join("..", "..", "testdata", "hostile", "conflicting-eventids"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		force     bool
		kept, dup int64
	}{{false, 4, 2}, {true, 4, 2}, {true, 4, 2}} {
		sum, err := ingest.Run(ctx, st, []ingest.Source{src}, ingest.Options{Decoders: []ingest.Decoder{cloudtrail.New()}, Workers: 2, Force: tc.force})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Kept != tc.kept || sum.Duplicates != tc.dup || sum.Kept+sum.Skipped+sum.Bad+sum.Duplicates != 6 {
			t.Errorf("force %v: %d kept, %d skipped, %d bad, %d duplicate; want %d kept, %d duplicate, 6 in all",
				tc.force, sum.Kept, sum.Skipped, sum.Bad, sum.Duplicates, tc.kept, tc.dup)
		}
		var rows, kept int64
		if err := st.DB().QueryRow(`SELECT (SELECT count(*) FROM eni_events), (SELECT sum(records_kept) FROM ingest_manifest)`).Scan(&rows, &kept); err != nil {
			t.Fatal(err)
		}
		if rows != 4 || kept != 4 {
			t.Errorf("force %v: %d rows, records_kept sums to %d; want 4 and 4", tc.force, rows, kept)
		}
	}
}
