package parquetpack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/parquetpack"
	"github.com/gluelens/gluelens/internal/store"
)

// TestLayoutsMatchTables: every table the store loads has a pack layout
// whose columns are the table's, in order (the row structs themselves are
// checked against the database in internal/store).
func TestLayoutsMatchTables(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, ":memory:")
	defer st.Close()
	if err := parquetpack.CheckLayouts(ctx, st); err != nil {
		t.Fatal(err)
	}
}

// TestRoundTrip: database A → pack → fresh database B gives the same rows
// in every table and every view (enumerated from duckdb_tables() and
// duckdb_views(), so tables and views added later are covered without
// touching this test).
// TestRoundTrip exports database A to a pack and ingests the pack into B,
// twice: with the default row buffer, and with a buffer of 10 rows, so
// that every file streams (a file holds the tasks of several Spark
// applications, unlike an event log).
func TestRoundTrip(t *testing.T) {
	a, _ := fixtureDB(t)
	defer a.Close()
	pack := filepath.Join(t.TempDir(), "pack")
	m := exportTo(t, a, pack, parquetpack.Options{RowGroupRows: 50, FileRows: 120})
	for _, buffer := range []int{0, 10} {
		t.Run(fmt.Sprintf("buffer=%d", buffer), func(t *testing.T) {
			spill := t.TempDir()
			roundTrip(t, a, pack, m, ingest.Options{Decoders: []ingest.Decoder{&parquetpack.Decoder{TempDir: spill}}, Workers: 2, BufferRows: buffer})
			// The loader released every file it took, after its Flush.
			if left, _ := os.ReadDir(spill); len(left) != 0 {
				t.Errorf("%d spilled file(s) left behind, the first %s", len(left), left[0].Name())
			}
		})
	}
}

func roundTrip(t *testing.T, a *store.Store, pack string, m *parquetpack.Manifest, opt ingest.Options) {
	ctx := context.Background()
	b := openStore(t, filepath.Join(t.TempDir(), "b.duckdb"))
	defer b.Close()
	sum := ingestPathsWith(t, b, opt, pack)
	if !sum.OK() {
		t.Fatalf("ingesting the pack: %d failed: %v", sum.Failed, sum.Failures[0].Err)
	}
	var files int
	for _, tb := range m.Tables {
		files += len(tb.Files)
	}
	// Every data file loads, except ingest_manifest's (provenance) and the
	// manifest itself, which are recorded as ignored.
	manifestFiles := 0
	if tm, ok := m.Table(parquetpack.ManifestTable); ok {
		manifestFiles = len(tm.Files)
	}
	if sum.Loaded != files-manifestFiles || sum.Ignored != manifestFiles+1 {
		t.Errorf("loaded %d ignored %d objects, want %d and %d", sum.Loaded, sum.Ignored, files-manifestFiles, manifestFiles+1)
	}

	// Every table of the database except the bookkeeping of what was
	// ingested (which names the pack's files in B), and every view.
	var names []string
	rows, err := a.DB().Query(`SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT internal
		AND table_name NOT IN ('ingest_manifest', 'ingest_issues', 'gluelens_meta') ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	rows.Close()
	for _, spec := range store.Tables() {
		if !slices.Contains(names, spec.Name) {
			t.Errorf("registered table %s is not in duckdb_tables()", spec.Name)
		}
	}
	views, err := a.Views(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(views) == 0 {
		t.Fatal("no views found in duckdb_views()")
	}
	names = append(names, views...)
	for _, name := range names {
		if manifestViews[name] {
			// These describe the objects a database was loaded from
			// (ingest_manifest): the CloudTrail files for A, the pack's
			// parts for B. A pack carries the evidence, not its provenance.
			continue
		}
		ra, rb := dump(t, a.DB(), name), dump(t, b.DB(), name)
		if !slices.Equal(ra, rb) {
			t.Errorf("%s differs after the round trip: A has %d rows, B %d", name, len(ra), len(rb))
			for i := 0; i < len(ra) && i < len(rb); i++ {
				if ra[i] != rb[i] {
					t.Errorf("first difference:\nA: %s\nB: %s", ra[i], rb[i])
					break
				}
			}
			continue
		}
		t.Logf("%s: %d rows equal", name, len(ra))
		if tm, ok := m.Table(name); ok && tm.Rows != int64(len(ra)) {
			t.Errorf("%s: manifest says %d rows, database has %d", name, tm.Rows, len(ra))
		}
	}
	// Several tables must actually carry rows, or the comparison proves little.
	for _, name := range []string{"eni_events", "glue_runs", "glue_jobs", "subnets", "spark_tasks", "eni_snapshots"} {
		if n := len(dump(t, b.DB(), name)); n == 0 {
			t.Errorf("%s is empty in the fixture", name)
		}
	}
	// Re-ingesting the same pack changes nothing.
	again := ingestPathsWith(t, b, opt, pack)
	if again.Unchanged != again.Objects {
		t.Errorf("second ingest of the pack: %d of %d objects unchanged", again.Unchanged, again.Objects)
	}
	// Reading it again (--force) finds every key stored: its rows are
	// merged, not added, and each object keeps the rows it loaded first.
	before := map[string][]string{}
	for _, name := range names {
		before[name] = dump(t, b.DB(), name)
	}
	forced := opt
	forced.Force = true
	third := ingestPathsWith(t, b, forced, pack)
	if !third.OK() || third.Kept != sum.Kept || third.Duplicate != sum.Duplicate {
		t.Errorf("forced ingest of the pack: kept %d, duplicate %d; the first kept %d, duplicate %d", third.Kept, third.Duplicate, sum.Kept, sum.Duplicate)
	}
	for _, name := range names {
		if got := dump(t, b.DB(), name); !slices.Equal(got, before[name]) {
			t.Errorf("%s changed in the forced ingest: %d rows, were %d", name, len(got), len(before[name]))
		}
	}
}

// manifestViews are the views computed from ingest_manifest, which differ by
// design between a database and one loaded from its pack.
var manifestViews = map[string]bool{"cloudtrail_log_files": true, "evidence_coverage": true}

// render turns a row struct into comparable text (pointers followed).
func render(v reflect.Value) string {
	var b strings.Builder
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if f.Kind() == reflect.Pointer {
			if f.IsNil() {
				b.WriteString("NULL|")
				continue
			}
			f = f.Elem()
		}
		if tm, ok := f.Interface().(time.Time); ok {
			b.WriteString(tm.UTC().Format(time.RFC3339Nano) + "|")
			continue
		}
		fmt.Fprintf(&b, "%#v|", f.Interface())
	}
	return b.String()
}

// TestReadWithParquetGo reads the exported files back with parquet-go's
// own reader into the same structs and compares them with the database.
func TestReadWithParquetGo(t *testing.T) {
	a, _ := fixtureDB(t)
	defer a.Close()
	pack := t.TempDir()
	m := exportTo(t, a, pack, parquetpack.Options{})
	check := func(table string, fromFiles func(path string) ([]string, error), dbRows []string) {
		tm, ok := m.Table(table)
		if !ok {
			t.Fatalf("manifest has no %s", table)
		}
		var got []string
		for _, f := range tm.Files {
			rows, err := fromFiles(filepath.Join(pack, filepath.FromSlash(f.Path)))
			if err != nil {
				t.Fatalf("reading %s: %v", f.Path, err)
			}
			if int64(len(rows)) != f.Rows {
				t.Errorf("%s: %d rows, manifest says %d", f.Path, len(rows), f.Rows)
			}
			got = append(got, rows...)
		}
		slices.Sort(got)
		slices.Sort(dbRows)
		if !slices.Equal(got, dbRows) {
			t.Errorf("%s: parquet-go read %d rows that differ from the database's %d", table, len(got), len(dbRows))
		}
	}
	check("eni_events", readRendered[store.EniEvent], dbRendered[store.EniEvent](t, a, "eni_events"))
	check("glue_runs", readRendered[store.GlueRun], dbRendered[store.GlueRun](t, a, "glue_runs"))
	check("spark_tasks", readRendered[store.SparkTask], dbRendered[store.SparkTask](t, a, "spark_tasks"))

	// File metadata says what the file is on its own.
	tm, _ := m.Table("eni_events")
	f, err := os.Open(filepath.Join(pack, filepath.FromSlash(tm.Files[0].Path)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, _ := f.Stat()
	pf, err := parquet.OpenFile(f, info.Size())
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"gluelens.table": "eni_events", "gluelens.schema_version": fmt.Sprint(store.SchemaVersion())} {
		if v, _ := pf.Lookup(k); v != want {
			t.Errorf("metadata %s = %q, want %q", k, v, want)
		}
	}
}

func readRendered[T any](path string) ([]string, error) {
	rows, err := parquet.ReadFile[T](path)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(rows))
	for i := range rows {
		out[i] = render(reflect.ValueOf(&rows[i]).Elem())
	}
	return out, nil
}

func dbRendered[T any](t *testing.T, st *store.Store, table string) []string {
	t.Helper()
	var zero T
	rt := reflect.TypeOf(zero)
	cols := make([]string, rt.NumField())
	for i := range cols {
		cols[i], _, _ = strings.Cut(rt.Field(i).Tag.Get("parquet"), ",")
	}
	var out []string
	err := st.ReadRows(context.Background(), store.ReadSpec{Table: table, Columns: cols}, func(scan func(...any) error) error {
		var row T
		rv := reflect.ValueOf(&row).Elem()
		dest := make([]any, rv.NumField())
		for i := range dest {
			dest[i] = rv.Field(i).Addr().Interface()
		}
		if err := scan(dest...); err != nil {
			return err
		}
		out = append(out, render(rv))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReadWithDuckDB opens the pack as a Hive-partitioned dataset with
// DuckDB's own Parquet reader and checks the documented types, the
// compression, the dictionary encoding and the row counts.
func TestReadWithDuckDB(t *testing.T) {
	a, _ := fixtureDB(t)
	defer a.Close()
	pack := t.TempDir()
	m := exportTo(t, a, pack, parquetpack.Options{FileRows: 50})
	db := a.DB()
	glob := func(table string) string {
		return strings.ReplaceAll(filepath.Join(pack, "table="+table, "**", "*.parquet"), "'", "''")
	}
	describe := func(table string) map[string]string {
		rows, err := db.Query(fmt.Sprintf(`DESCRIBE SELECT * FROM read_parquet('%s', hive_partitioning = true, hive_types_autocast = false)`, glob(table)))
		if err != nil {
			t.Fatalf("describing %s: %v", table, err)
		}
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var name, typ string
			var null, key, def, extra any
			if err := rows.Scan(&name, &typ, &null, &key, &def, &extra); err != nil {
				t.Fatal(err)
			}
			out[name] = typ
		}
		return out
	}
	tests := []struct {
		table, column, want string
	}{
		{"eni_events", "event_id", "VARCHAR"},
		{"eni_events", "event_time", "TIMESTAMP WITH TIME ZONE"}, // isAdjustedToUTC=true
		{"eni_events", "ip_count", "INTEGER"},
		{"eni_events", "dt", "VARCHAR"},
		{"glue_runs", "execution_time_s", "BIGINT"},
		{"glue_runs", "max_capacity", "DOUBLE"},
		{"glue_runs", "started_on", "TIMESTAMP WITH TIME ZONE"},
		{"spark_tasks", "disk_bytes_spilled", "BIGINT"},
		{"spark_tasks", "failed", "BOOLEAN"},
		{"spark_tasks", "task_id", "BIGINT"},
		{"eni_snapshots", "requester_managed", "BOOLEAN"},
	}
	described := map[string]map[string]string{}
	for _, tt := range tests {
		if described[tt.table] == nil {
			described[tt.table] = describe(tt.table)
		}
		if got := described[tt.table][tt.column]; got != tt.want {
			t.Errorf("%s.%s: DuckDB reads %q, want %q", tt.table, tt.column, got, tt.want)
		}
	}
	for _, tm := range m.Tables {
		if tm.Rows == 0 {
			continue
		}
		var n int64
		if err := db.QueryRow(fmt.Sprintf(`SELECT count(*) FROM read_parquet('%s', hive_partitioning = true)`, glob(tm.Name))).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != tm.Rows {
			t.Errorf("%s: DuckDB counts %d rows, manifest %d", tm.Name, n, tm.Rows)
		}
	}
	// Partition values agree with the day column; undated holds the NULLs.
	var bad int64
	q := fmt.Sprintf(`SELECT count(*) FROM read_parquet('%s', hive_partitioning = true, hive_types_autocast = false)
		WHERE dt <> coalesce(strftime(started_on AT TIME ZONE 'UTC', '%%Y-%%m-%%d'), 'undated')`, glob("glue_runs"))
	if err := db.QueryRow(q).Scan(&bad); err != nil {
		t.Fatal(err)
	}
	if bad != 0 {
		t.Errorf("%d glue_runs rows sit in the wrong dt partition", bad)
	}
	// An application attempt's rows of a Spark table sit in one file: the
	// store merges an attempt as one snapshot.
	for _, table := range []string{"spark_apps", "spark_executors", "spark_stages", "spark_tasks", "spark_jobs"} {
		var split int64
		q := fmt.Sprintf(`SELECT count(*) FROM (SELECT app_id, attempt_id FROM read_parquet('%s', filename = true)
			GROUP BY ALL HAVING count(DISTINCT filename) > 1)`, glob(table))
		if err := db.QueryRow(q).Scan(&split); err != nil {
			t.Fatal(err)
		}
		if split != 0 {
			t.Errorf("%s: %d application attempts are split across files", table, split)
		}
	}
	// The manifest describes the columns as the files hold them.
	for _, tm := range m.Tables {
		if len(tm.Files) == 0 {
			continue
		}
		file := strings.ReplaceAll(filepath.Join(pack, filepath.FromSlash(tm.Files[0].Path)), "'", "''")
		rows, err := db.Query(fmt.Sprintf(`SELECT name, type, repetition_type, coalesce(logical_type, '') FROM parquet_schema('%s') WHERE num_children IS NULL`, file))
		if err != nil {
			t.Fatal(err)
		}
		var i int
		for rows.Next() {
			var name, typ, rep, logical string
			if err := rows.Scan(&name, &typ, &rep, &logical); err != nil {
				t.Fatal(err)
			}
			if i >= len(tm.Columns) {
				t.Errorf("%s: the file has more columns than the manifest's %d", tm.Name, len(tm.Columns))
				break
			}
			c := tm.Columns[i]
			i++
			if c.Name != name || c.ParquetType != typ || c.Optional != (rep == "OPTIONAL") {
				t.Errorf("%s: manifest column %+v, file column %s %s %s", tm.Name, c, name, typ, rep)
			}
			if strings.HasPrefix(c.LogicalType, "TIMESTAMP") != strings.HasPrefix(logical, "TimestampType(isAdjustedToUTC=1") {
				t.Errorf("%s.%s: manifest logical type %q, file %q", tm.Name, name, c.LogicalType, logical)
			}
		}
		rows.Close()
		if i != len(tm.Columns) {
			t.Errorf("%s: the file has %d columns, the manifest %d", tm.Name, i, len(tm.Columns))
		}
	}
	var codecs, encodings string
	q = fmt.Sprintf(`SELECT string_agg(DISTINCT compression, ','), string_agg(DISTINCT encodings, ',') FILTER (WHERE path_in_schema = 'event_name')
		FROM parquet_metadata('%s')`, glob("eni_events"))
	if err := db.QueryRow(q).Scan(&codecs, &encodings); err != nil {
		t.Fatal(err)
	}
	if codecs != "ZSTD" {
		t.Errorf("compression %q, want ZSTD", codecs)
	}
	if !strings.Contains(encodings, "DICTIONARY") {
		t.Errorf("event_name encodings %q, want a dictionary encoding", encodings)
	}
	var logical string
	q = fmt.Sprintf(`SELECT logical_type FROM parquet_schema('%s') WHERE name = 'event_time' LIMIT 1`, glob("eni_events"))
	if err := db.QueryRow(q).Scan(&logical); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logical, "isAdjustedToUTC=1") || !strings.Contains(logical, "MICROS") {
		t.Errorf("event_time logical type %q, want UTC-adjusted microseconds", logical)
	}
}

// TestExportDeterministic: the same database exported twice gives the same
// manifest and the same bytes in every file.
func TestExportDeterministic(t *testing.T) {
	a, _ := fixtureDB(t)
	defer a.Close()
	p1, p2 := t.TempDir(), t.TempDir()
	m1 := exportTo(t, a, p1, parquetpack.Options{FileRows: 50})
	m2 := exportTo(t, a, p2, parquetpack.Options{FileRows: 50})
	if !reflect.DeepEqual(m1, m2) {
		t.Fatal("two exports of one database wrote different manifests")
	}
	files := 0
	for _, tm := range m1.Tables {
		for _, f := range tm.Files {
			b1, err1 := os.ReadFile(filepath.Join(p1, filepath.FromSlash(f.Path)))
			b2, err2 := os.ReadFile(filepath.Join(p2, filepath.FromSlash(f.Path)))
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			if !bytes.Equal(b1, b2) {
				t.Errorf("%s differs between two exports", f.Path)
			}
			files++
		}
	}
	if files < 10 {
		t.Errorf("only %d files compared", files)
	}
}

// TestWindow checks --from/--to: time-keyed rows outside the window are
// left out, reference tables are whole, Spark child rows follow their app.
func TestWindow(t *testing.T) {
	a, _ := fixtureDB(t)
	defer a.Close()
	db := a.DB()
	var lo, hi time.Time
	if err := db.QueryRow(`SELECT min(event_time), max(event_time) FROM eni_events`).Scan(&lo, &hi); err != nil {
		t.Fatal(err)
	}
	from := lo.Add(hi.Sub(lo) / 3).Truncate(time.Hour)
	to := from.Add(2 * time.Hour)
	m := exportTo(t, a, t.TempDir(), parquetpack.Options{From: from, To: to})
	count := func(q string, args ...any) int64 {
		var n int64
		if err := db.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	want := map[string]int64{
		"eni_events": count(`SELECT count(*) FROM eni_events WHERE event_time >= ? AND event_time < ?`, from, to),
		"glue_runs":  count(`SELECT count(*) FROM glue_runs WHERE started_on < ? AND coalesce(completed_on, started_on) >= ?`, to, from),
		"glue_jobs":  count(`SELECT count(*) FROM glue_jobs`),
		"subnets":    count(`SELECT count(*) FROM subnets`),
		"spark_apps": count(`SELECT count(*) FROM spark_apps WHERE start_time < ? AND coalesce(end_time, start_time) >= ?`, to, from),
		"spark_tasks": count(`SELECT count(*) FROM spark_tasks t JOIN spark_apps a USING (app_id, attempt_id)
			WHERE a.start_time < ? AND coalesce(a.end_time, a.start_time) >= ?`, to, from),
		"eni_snapshots": count(`SELECT count(*) FROM eni_snapshots WHERE observed_at >= ? AND observed_at < ?`, from, to),
	}
	if want["eni_events"] == 0 || want["eni_events"] == count(`SELECT count(*) FROM eni_events`) {
		t.Fatalf("window %s..%s does not cut eni_events (%d rows)", from, to, want["eni_events"])
	}
	for table, n := range want {
		tm, _ := m.Table(table)
		if tm.Rows != n {
			t.Errorf("%s: exported %d rows, want %d", table, tm.Rows, n)
		}
	}
	// A window around the Spark app takes all of its tasks.
	t0 := time.Date(2026, 11, 2, 7, 0, 0, 0, time.UTC)
	m = exportTo(t, a, t.TempDir(), parquetpack.Options{From: t0, To: t0.Add(time.Hour), Tables: []string{"spark_apps", "spark_tasks"}})
	if tm, _ := m.Table("spark_tasks"); tm.Rows != 2 {
		t.Errorf("spark_tasks of the windowed app: %d rows, want 2", tm.Rows)
	}
	if len(m.Tables) != 2 {
		t.Errorf("--tables spark_apps,spark_tasks exported %d tables", len(m.Tables))
	}
}

// TestBadInput feeds broken and foreign files through the real pipeline:
// each fails on its own with an error naming the file and the problem; the
// good file beside them still loads.
func TestBadInput(t *testing.T) {
	a, _ := fixtureDB(t)
	defer a.Close()
	pack := t.TempDir()
	m := exportTo(t, a, pack, parquetpack.Options{Tables: []string{"eni_events", "subnets"}})
	tm, _ := m.Table("eni_events")
	good, err := os.ReadFile(filepath.Join(pack, filepath.FromSlash(tm.Files[0].Path)))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(rel string, data []byte) string {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	type person struct {
		Name string `parquet:"name"`
		Age  int64  `parquet:"age"`
	}
	foreign := parquetBytes(t, []person{{"ada", 36}})
	newerFile := parquetBytes(t, []store.Subnet{{SubnetID: "subnet-9"}}, parquet.KeyValueMetadata("gluelens.table", "subnets"), parquet.KeyValueMetadata("gluelens.schema_version", "999"))
	newerManifest, _ := json.Marshal(parquetpack.Manifest{Format: parquetpack.Format, FormatVersion: 1, SchemaVersion: 999})
	tests := []struct {
		rel, want string
		data      []byte
	}{
		{"truncated/table=eni_events/dt=2026-11-02/part-00000.parquet", "reading parquet", good[:len(good)/2]},
		{"truncated/table=eni_events/dt=2026-11-02/part-00001.parquet", "reading parquet", good[:len(good)-3]},
		{"elsewhere/people.parquet", "not a gluelens evidence-pack file", foreign},
		{"mixed/table=eni_events/dt=2026-11-02/people.parquet", `column "name" is not a column of eni_events`, foreign},
		{"newer/table=subnets/dt=undated/part-00000.parquet", "file has schema 999", newerFile},
		{"newer/" + parquetpack.ManifestName, "pack has schema 999", newerManifest},
		{"mislabelled/table=subnets/dt=undated/part-00000.parquet", "metadata says table eni_events but the path says table=subnets", good},
	}
	paths := map[string]string{}
	for _, tt := range tests {
		paths[write(tt.rel, tt.data)] = tt.want
	}
	goodPath := write("ok/"+tm.Files[0].Path, good)
	// An exported file loads with its pack's manifest beside it.
	manifest, err := os.ReadFile(filepath.Join(pack, parquetpack.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	write("ok/"+parquetpack.ManifestName, manifest)

	b := openStore(t, ":memory:")
	defer b.Close()
	sum := ingestPaths(t, b, []ingest.Decoder{&parquetpack.Decoder{}}, dir)
	if sum.Failed != len(tests) {
		t.Errorf("%d objects failed, want %d", sum.Failed, len(tests))
	}
	failed := map[string]string{}
	for _, f := range sum.Failures {
		failed[f.Entry.URI] = f.Err.Error()
	}
	for p, want := range paths {
		msg, ok := failed[p]
		switch {
		case !ok:
			t.Errorf("%s did not fail", p)
		case !strings.Contains(msg, p) || !strings.Contains(msg, want):
			t.Errorf("%s: error %q, want it to name the file and say %q", p, msg, want)
		}
	}
	if _, ok := failed[goodPath]; ok {
		t.Errorf("the good file failed: %s", failed[goodPath])
	}
	if n := len(dump(t, b.DB(), "eni_events")); int64(n) != tm.Files[0].Rows {
		t.Errorf("good file loaded %d rows, want %d", n, tm.Files[0].Rows)
	}
	var newer error = parquetpack.ErrNewerPack
	if _, err := parquetpack.ParseManifest(newerManifest); !errors.Is(err, newer) {
		t.Errorf("ParseManifest of a newer pack: %v, want ErrNewerPack", err)
	}
}

func parquetBytes[T any](t testing.TB, rows []T, opts ...parquet.WriterOption) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[T](&buf, opts...)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDDL checks the statements name every column with its engine type,
// the dt partition and the table's location, for both dialects.
func TestDDL(t *testing.T) {
	a, _ := fixtureDB(t)
	defer a.Close()
	m := exportTo(t, a, t.TempDir(), parquetpack.Options{})
	tests := []struct {
		dialect string
		want    []string
	}{
		{parquetpack.DialectAthena, []string{
			"CREATE EXTERNAL TABLE IF NOT EXISTS `gl`.`eni_events` (",
			"  `event_time` timestamp,", "  `ip_count` int,", "  `event_id` string,",
			"PARTITIONED BY (`dt` string)", "STORED AS PARQUET",
			"LOCATION 's3://bucket/packs/p1/table=eni_events/'",
			"  `disk_bytes_spilled` bigint,", "  `max_capacity` double,", "  `requester_managed` boolean,",
			"MSCK REPAIR TABLE `gl`.`spark_tasks`;",
		}},
		{parquetpack.DialectSpark, []string{
			"CREATE TABLE IF NOT EXISTS gl.eni_events (", "  event_time TIMESTAMP,", "  dt STRING\n)",
			"USING parquet\nPARTITIONED BY (dt)\nLOCATION 's3://bucket/packs/p1/table=eni_events/';",
			"MSCK REPAIR TABLE gl.glue_runs;",
		}},
	}
	for _, tt := range tests {
		ddl, err := parquetpack.DDL(m, tt.dialect, "s3://bucket/packs/p1/", "gl")
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(ddl, w) {
				t.Errorf("%s DDL lacks %q", tt.dialect, w)
			}
		}
		for _, tm := range m.Tables {
			for _, c := range tm.Columns {
				if !strings.Contains(ddl, c.Name) {
					t.Errorf("%s DDL for %s lacks column %s", tt.dialect, tm.Name, c.Name)
				}
			}
		}
	}
	if _, err := parquetpack.DDL(m, "hive2", "s3://b/p", "gl"); err == nil {
		t.Error("unknown dialect accepted")
	}
	if _, err := parquetpack.DDL(m, parquetpack.DialectAthena, "s3://b/p'; DROP", "gl"); err == nil {
		t.Error("location with a quote accepted")
	}
}

type countSink struct{ rows, skipped, bad int64 }

func (s *countSink) Append(store.Row) error { s.rows++; return nil }
func (s *countSink) AppendColumns(c *store.Columns) error {
	s.rows += int64(c.Len())
	return nil
}
func (s *countSink) SkipRecords(n int64)    { s.skipped += n }
func (s *countSink) Bad(int64, error) error { s.bad++; return nil }
func (s *countSink) Warn(int64, string)     {}

// FuzzDecode: whatever the bytes, the decoder returns (an error or rows),
// never panics.
func FuzzDecode(f *testing.F) {
	t0 := time.Date(2026, 11, 2, 7, 3, 0, 0, time.UTC)
	valid := parquetBytes(f, []store.EniEvent{{EventID: "e1", EventTime: t0, EventName: "CreateNetworkInterface", SubnetID: ptr("subnet-1")}},
		parquet.KeyValueMetadata("gluelens.table", "eni_events"))
	f.Add(valid, false)
	f.Add(valid[:len(valid)/2], false)
	f.Add(valid[len(valid)/3:], false)
	f.Add([]byte("PAR1PAR1"), false)
	f.Add([]byte("PAR1\x00\x00\x00\x00PAR1"), false)
	f.Add([]byte(`{"format":"gluelens-evidence-pack","format_version":1,"schema_version":1,"tables":[]}`), true)
	f.Add([]byte(`{"format":`), true)
	f.Fuzz(func(t *testing.T, data []byte, manifest bool) {
		key := "table=eni_events/dt=2026-11-02/part-00000.parquet"
		if manifest {
			key = "pack/" + parquetpack.ManifestName
		}
		d := &parquetpack.Decoder{MemoryLimit: 1 << 10, TempDir: t.TempDir()}
		in := &ingest.Input{Object: ingest.Object{URI: key, Key: key}, R: bytes.NewReader(data)}
		var s countSink
		err := d.Decode(context.Background(), in, &s)
		if err == nil && manifest {
			t.Fatal("a manifest must be reported as ignored, not loaded")
		}
	})
}

// TestOlderFileLoads: a file from an older schema, with fewer columns,
// is read by column name; the columns it lacks load as NULL.
func TestOlderFileLoads(t *testing.T) {
	type oldEvent struct {
		EventID   string    `parquet:"event_id"`
		EventTime time.Time `parquet:"event_time,timestamp(microsecond)"`
		EventName string    `parquet:"event_name"`
		SubnetID  *string   `parquet:"subnet_id,optional"`
	}
	t0 := time.Date(2026, 11, 2, 7, 3, 0, 0, time.UTC)
	data := parquetBytes(t, []oldEvent{{"e-old-1", t0, "CreateNetworkInterface", ptr("subnet-1")}, {"e-old-2", t0.Add(time.Minute), "DeleteNetworkInterface", nil}},
		parquet.KeyValueMetadata("gluelens.table", "eni_events"), parquet.KeyValueMetadata("gluelens.schema_version", "2"))
	dir := t.TempDir()
	p := filepath.Join(dir, "table=eni_events", "dt=2026-11-02", "part-00000.parquet")
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	st := openStore(t, ":memory:")
	defer st.Close()
	if sum := ingestPaths(t, st, []ingest.Decoder{&parquetpack.Decoder{}}, dir); !sum.OK() || sum.Kept != 2 {
		t.Fatalf("older file: %+v", sum)
	}
	got := dump(t, st.DB(), "eni_events")
	want := []string{
		`"e-old-1" | 2026-11-02T07:03:00Z | "CreateNetworkInterface" | NULL | NULL | "subnet-1"` + strings.Repeat(" | NULL", 19),
		`"e-old-2" | 2026-11-02T07:04:00Z | "DeleteNetworkInterface" | NULL | NULL | NULL` + strings.Repeat(" | NULL", 19),
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestForeignTypesLoad: a pack file written by another tool may order its
// columns differently, store timestamps in nanoseconds and integers wider
// than the table's; such values load converted (a nanosecond time is
// truncated toward the earlier microsecond, before 1970 too). A value that
// does not fit, or a column of a type that cannot hold the table's values,
// fails the file with an error naming the column.
func TestForeignTypesLoad(t *testing.T) {
	type nanoEvent struct {
		SubnetID    *string   `parquet:"subnet_id,optional"`
		RecordIndex *int64    `parquet:"record_index,optional"`
		EventID     string    `parquet:"event_id"`
		EventTime   time.Time `parquet:"event_time,timestamp(nanosecond)"`
		EventName   string    `parquet:"event_name"`
		IPCount     int64     `parquet:"ip_count"`
	}
	type textTime struct {
		EventID   string `parquet:"event_id"`
		EventTime string `parquet:"event_time"`
		EventName string `parquet:"event_name"`
	}
	meta := parquet.KeyValueMetadata("gluelens.table", "eni_events")
	t0 := time.Date(2026, 11, 2, 7, 3, 0, 1_999, time.UTC)           // 1.999 µs past the minute
	t1 := time.Date(1969, 12, 31, 23, 59, 59, 999_999_500, time.UTC) // 0.5 µs before 1970
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, "table=eni_events", "dt=2026-11-02", name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("good.parquet", parquetBytes(t, []nanoEvent{
		{ptr("subnet-1"), ptr(int64(7)), "e-1", t0, "CreateNetworkInterface", 3},
		{nil, nil, "e-2", t1, "DeleteNetworkInterface", 1},
	}, meta))
	wide := write("wide.parquet", parquetBytes(t, []nanoEvent{{nil, ptr(int64(1) << 40), "e-3", t0, "CreateNetworkInterface", 1}}, meta))
	text := write("text.parquet", parquetBytes(t, []textTime{{"e-4", "2026-11-02T07:03:00Z", "CreateNetworkInterface"}}, meta))

	st := openStore(t, ":memory:")
	defer st.Close()
	sum := ingestPaths(t, st, []ingest.Decoder{&parquetpack.Decoder{}}, dir)
	failed := map[string]string{}
	for _, f := range sum.Failures {
		failed[f.Entry.URI] = f.Err.Error()
	}
	for p, want := range map[string]string{
		wide: `reading row 0: column "record_index": 1099511627776 does not fit an INTEGER`,
		text: `column "event_time" of eni_events is BYTE_ARRAY STRING, which does not load into a TIMESTAMP column`,
	} {
		if msg := failed[p]; !strings.Contains(msg, want) {
			t.Errorf("%s: error %q, want it to say %q", p, msg, want)
		}
	}
	if sum.Failed != 2 || sum.Kept != 2 {
		t.Errorf("%d failed, %d kept; want 2 and 2", sum.Failed, sum.Kept)
	}
	got := dump(t, st.DB(), "eni_events")
	want := []string{
		`"e-1" | 2026-11-02T07:03:00.000001Z | "CreateNetworkInterface" | NULL | NULL | "subnet-1" | NULL | NULL | NULL | NULL | 3` + strings.Repeat(" | NULL", 13) + " | 7",
		`"e-2" | 1969-12-31T23:59:59.999999Z | "DeleteNetworkInterface" | NULL | NULL | NULL | NULL | NULL | NULL | NULL | 1` + strings.Repeat(" | NULL", 14),
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// localRoot matches the machine-specific start of the local paths the
// fixture's rows name (source_uri): its temporary evidence folder and the
// checkout's testdata.
var localRoot = regexp.MustCompile(`/[^"|]*?/(evidence|testdata)/`)

// localPaths drops the machine-specific start of local paths from rows and
// sorts them again.
func localPaths(rows []string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = localRoot.ReplaceAllString(r, ".../$1/")
	}
	slices.Sort(out)
	return out
}

// TestPackV1Loads: a pack written by the parquet-go exporter that preceded
// the DuckDB-written files (commit b63deb5, testdata/pack-v1: seven tables
// of the test fixture and its ingest_manifest, default options) still loads
// into a fresh database, and every column it carries holds the fixture's
// rows. Its files have required columns and parquet-go's encodings, where
// today's are all optional and DuckDB's.
func TestPackV1Loads(t *testing.T) {
	a, _ := fixtureDB(t)
	defer a.Close()
	b := openStore(t, filepath.Join(t.TempDir(), "b.duckdb"))
	defer b.Close()
	pack := filepath.Join("testdata", "pack-v1")
	raw, err := os.ReadFile(filepath.Join(pack, parquetpack.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	m, err := parquetpack.ParseManifest(raw)
	if err != nil {
		t.Fatal(err)
	}
	sum := ingestPaths(t, b, []ingest.Decoder{&parquetpack.Decoder{}}, pack)
	if !sum.OK() {
		t.Fatalf("loading pack-v1: %d failed: %v", sum.Failed, sum.Failures[0].Err)
	}
	if len(m.Tables) != 8 {
		t.Fatalf("pack-v1 manifest lists %d tables, want 8", len(m.Tables))
	}
	for _, tm := range m.Tables {
		if tm.Name == parquetpack.ManifestTable {
			continue
		}
		cols := make([]string, len(tm.Columns))
		for i, c := range tm.Columns {
			cols[i] = `"` + c.Name + `"`
		}
		q := fmt.Sprintf(`SELECT %s FROM "%s"`, strings.Join(cols, ", "), tm.Name)
		ra, rb := localPaths(dumpQuery(t, a.DB(), q)), localPaths(dumpQuery(t, b.DB(), q))
		if len(ra) == 0 || int64(len(rb)) != tm.Rows {
			t.Errorf("%s: fixture %d rows, loaded %d, manifest %d", tm.Name, len(ra), len(rb), tm.Rows)
		}
		if !slices.Equal(ra, rb) {
			t.Errorf("%s: the rows loaded from pack-v1 differ from the fixture's", tm.Name)
			for i := 0; i < len(ra) && i < len(rb); i++ {
				if ra[i] != rb[i] {
					t.Errorf("first difference:\nfixture: %s\npack-v1: %s", ra[i], rb[i])
					break
				}
			}
		}
	}
}
