package parquetpack_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/awscli"
	"github.com/gluelens/gluelens/ingest/cloudtrail"
	"github.com/gluelens/gluelens/ingest/localsrc"
	"github.com/gluelens/gluelens/ingest/parquetpack"
	"github.com/gluelens/gluelens/ingest/sparklog"
	"github.com/gluelens/gluelens/internal/store"
	"github.com/gluelens/gluelens/internal/synth"
	"github.com/gluelens/gluelens/internal/testutil"
)

// evidenceDecoders are the decoders the fixture is ingested with.
func evidenceDecoders() []ingest.Decoder {
	return append([]ingest.Decoder{cloudtrail.New(), sparklog.Decoder{}}, awscli.Decoders()...)
}

func openStore(t testing.TB, path string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func ingestPaths(t testing.TB, st *store.Store, decoders []ingest.Decoder, paths ...string) ingest.Summary {
	t.Helper()
	return ingestPathsWith(t, st, ingest.Options{Decoders: decoders, Workers: 2}, paths...)
}

// ingestPathsWith is ingestPaths with the options given.
func ingestPathsWith(t testing.TB, st *store.Store, opt ingest.Options, paths ...string) ingest.Summary {
	t.Helper()
	var srcs []ingest.Source
	for _, p := range paths {
		src, err := localsrc.New(p)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, src)
	}
	sum, err := ingest.Run(context.Background(), st, srcs, opt)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// fixtureDB opens a private copy of database A: the synthetic
// ip-exhaustion scenario, the real Glue CLI samples and Apache Spark's own
// History Server test logs through the real decoders, plus hand-written rows for the tables no decoder here fills
// (Spark, ENI snapshots), chosen to hit NULLs, empty strings, non-ASCII
// text, extreme numbers and sub-second and pre-1970 times. A is built once
// per test binary and copied, since building it is the slow part.
func fixtureDB(t testing.TB) (*store.Store, string) {
	t.Helper()
	fixtureOnce.Do(func() { fixturePath, fixtureErr = buildFixture(t) })
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	b, err := os.ReadFile(fixturePath)
	if err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(t.TempDir(), "a.duckdb")
	if err := os.WriteFile(dbPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return openStore(t, dbPath), dbPath
}

var (
	fixtureOnce sync.Once
	fixturePath string
	fixtureErr  error
	fixtureDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fixtureDir != "" {
		os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}

func buildFixture(t testing.TB) (string, error) {
	dir, err := os.MkdirTemp("", "gluelens-pack-fixture-")
	if err != nil {
		return "", err
	}
	fixtureDir = dir
	out, err := synth.Generate(synth.IPExhaustion(), 7)
	if err != nil {
		return "", err
	}
	ev := filepath.Join(dir, "evidence")
	if err := out.WriteDir(ev); err != nil {
		return "", err
	}
	dbPath := filepath.Join(dir, "a.duckdb")
	st := openStore(t, dbPath)
	sum := ingestPaths(t, st, evidenceDecoders(), ev,
		testutil.RealData(t, "glue", "get-job-run.output.json"), testutil.RealData(t, "spark-events"))
	if sum.Kept == 0 {
		st.Close()
		return "", fmt.Errorf("fixture ingest kept nothing: %+v", sum)
	}
	appendHandRows(t, st)
	if err := st.Close(); err != nil {
		return "", err
	}
	return dbPath, nil
}

func ptr[T any](v T) *T { return &v }

// handRows is a test decoder that emits the rows of handRowsList for an
// object named hand-rows.txt.
type handRows struct{}

func (handRows) Kind() string { return "hand-rows" }
func (handRows) Sniff(key string, _ []byte) bool {
	return filepath.Base(key) == "hand-rows.txt"
}
func (handRows) Decode(_ context.Context, in *ingest.Input, out ingest.Sink) error {
	for _, r := range handRowsList() {
		if err := out.Append(testutil.MustRow(r.table, r.vals...)); err != nil {
			return fmt.Errorf("appending to %s: %w", r.table, err)
		}
	}
	return nil
}

func appendHandRows(t testing.TB, st *store.Store) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hand-rows.txt"), []byte("rows written by the test decoder\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := ingestPaths(t, st, []ingest.Decoder{handRows{}}, dir)
	if !sum.OK() || sum.Kept != int64(len(handRowsList())) {
		t.Fatalf("hand rows: %+v", sum)
	}
}

type handRow struct {
	table string
	vals  []any
}

func handRowsList() []handRow {
	t0 := time.Date(2026, 11, 2, 7, 3, 0, 123456000, time.UTC)
	old := time.Date(1969, 12, 31, 23, 59, 59, 999999000, time.UTC)
	return []handRow{
		{"eni_snapshots", []any{"eni-0a1", t0, "subnet-1", "vpc-1", "eu-west-1a", "in-use", "Attached to Glue using role: arn:aws:iam::1:role/r", "glue", "interface", true, "10.0.0.5", int32(2), "s3://b/describe.json"}},
		{"eni_snapshots", []any{"eni-0a2", t0, nil, nil, nil, nil, "", nil, nil, nil, nil, nil, nil}},
		{"spark_apps", []any{"app-1", "", "ünïcode app ✓", "3.3.0-amzn-0", "glue", t0, nil, false, "job-a", "jr_1", int32(3), nil, "zstd", true, nil, false, int64(64 << 20), int32(4), "10g", `{"spark.sql.shuffle.partitions":"3"}`, int64(0), true, "s3://b/app-1", int64(120)}},
		{"spark_apps", []any{"app-2", "1", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, int64(5)}},
		{"spark_executors", []any{"app-1", "", "1", "10.0.0.9", int32(4), t0, t0.Add(48 * time.Minute), "Executor lost: No space left on device", int64(120)}},
		{"spark_executors", []any{"app-1", "", "driver", nil, nil, nil, nil, nil, int64(120)}},
		{"spark_stages", []any{"app-1", "", int32(0), int32(0), "map at x.scala:1", int32(200), "[]", t0, t0.Add(time.Minute), nil, "complete", int64(120)}},
		{"spark_stages", []any{"app-1", "", int32(1), int32(1), nil, nil, nil, old, nil, "boom\nline two", "failed", int64(120)}},
		{"spark_tasks", []any{"app-1", "", int64(9223372036854775807), int32(1), int32(0), int32(5), int32(0), int32(5), "1", "10.0.0.9", t0, t0.Add(time.Second), "ShuffleMapTask", "ExceptionFailure", true, false, false, "java.io.IOException: No space left on device", true,
			int64(1), int64(2), int64(3), int64(4), int64(-1), int64(1 << 40), int64(1 << 39), int64(7), int64(8), int64(9), int64(10), int64(11), int64(12), int64(13), int64(14), int64(15), int64(16), int64(17), int64(120)}},
		{"spark_tasks", []any{"app-1", "", int64(2), nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, false,
			nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, int64(120)}},
		{"spark_jobs", []any{"app-1", "", int32(0), t0, nil, "JobFailed", "[0,1]", "stage failed", int64(120)}},
		{"glue_connections", []any{"conn-hand", "NETWORK", "subnet-1", "eu-west-1a", "sg-1,sg-2", old, nil}},
		{"glue_runs", []any{"jr_hand_undated", "job-x", int32(0), nil, nil, nil, nil, nil, "STARTING", nil, nil, nil, 0.1, "G.1X", int32(2), "4.0", "STANDARD", nil, "{}", nil, nil}},
	}
}

// dump returns every row of a table or view rendered as text, sorted, so
// two databases can be compared row for row whatever their order.
func dump(t testing.TB, db *sql.DB, name string) []string {
	t.Helper()
	return dumpQuery(t, db, fmt.Sprintf(`SELECT * FROM "%s"`, name))
}

// dumpQuery is dump for the rows of a query.
func dumpQuery(t testing.TB, db *sql.DB, q string) []string {
	t.Helper()
	name := q
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("reading %s: %v", name, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatalf("reading %s: %v", name, err)
		}
		var b strings.Builder
		for i, v := range vals {
			if i > 0 {
				b.WriteString(" | ")
			}
			switch x := v.(type) {
			case time.Time:
				b.WriteString(x.UTC().Format(time.RFC3339Nano))
			case nil:
				b.WriteString("NULL")
			default:
				fmt.Fprintf(&b, "%#v", x)
			}
		}
		out = append(out, b.String())
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func exportTo(t testing.TB, st *store.Store, dir string, opt parquetpack.Options) *parquetpack.Manifest {
	t.Helper()
	if opt.Now == nil {
		opt.Now = func() time.Time { return time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC) }
	}
	m, err := parquetpack.Export(context.Background(), st, parquetpack.DirDest{Dir: dir}, opt)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
