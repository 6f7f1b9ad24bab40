package awscli_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/awscli"
	"github.com/gluelens/gluelens/ingest/localsrc"
	"github.com/gluelens/gluelens/internal/store"
)

// TestCountsOutsideTheirColumn loads testdata/hostile/glue/get-job-runs.json
// (crafted for issue 17): a run whose Attempt is 2³², whose
// NumberOfWorkers is -3 and whose ExecutionTime is 1e20, beside a normal
// run. The values are NULL, not wrapped, each with a warning naming the
// run and field; the normal run is untouched.
func TestCountsOutsideTheirColumn(t *testing.T) {
	ctx := context.Background()
	src, err := localsrc.New(filepath.Join("..", "..", "testdata", "hostile", "glue"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "g.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sum, err := ingest.Run(ctx, st, []ingest.Source{src}, ingest.Options{Decoders: awscli.Decoders()})
	if err != nil || sum.Failed != 0 || sum.Kept != 2 {
		t.Fatalf("ingest: %v %+v", err, sum)
	}
	var got string
	if err := st.DB().QueryRow(`SELECT string_agg(run_id || ':' || coalesce(attempt::VARCHAR, 'NULL') || ',' || coalesce(number_of_workers::VARCHAR, 'NULL') || ',' ||
		coalesce(execution_time_s::VARCHAR, 'NULL'), ' ' ORDER BY run_id) FROM glue_runs`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if want := "jr_ok:1,10,600 jr_wide:NULL,NULL,NULL"; got != want {
		t.Errorf("glue_runs %q, want %q", got, want)
	}
	var msgs string
	if err := st.DB().QueryRow(`SELECT string_agg(message, '|' ORDER BY message) FROM ingest_issues`).Scan(&msgs); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"job run 1 (jr_wide): Attempt 4.294967296e+09 is not a count", "job run 1 (jr_wide): NumberOfWorkers -3 is not a count", "job run 1 (jr_wide): ExecutionTime 1e+20 is not a count"} {
		if !strings.Contains(msgs, want) {
			t.Errorf("issues do not say %q: %s", want, msgs)
		}
	}
}
