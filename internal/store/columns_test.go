package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// testTask is one spark_tasks row. Every kind appears, and every nullable
// column is NULL in some rows.
func testTask(app string, id int64, version int64, host string) *SparkTask {
	r := &SparkTask{AppID: app, AttemptID: "1", TaskID: id, StageID: Ptr(int32(id % 3)), StageAttempt: Ptr(int32(0)),
		TaskIndex: Ptr(int32(id)), TaskAttempt: Ptr(int32(0)), PartitionID: Ptr(int32(id)), LogEvents: version}
	if id%11 == 0 {
		r.PartitionID = nil
	}
	if id%4 != 0 {
		r.ExecutorID, r.Host = Ptr(fmt.Sprint(id%5)), Ptr(host)
	}
	launch := time.Date(2026, 11, 2, 7, 0, 0, int(id)*1e6, time.UTC)
	r.LaunchTime = &launch
	if id%5 != 0 {
		r.FinishTime = Ptr(launch.Add(1500 * time.Millisecond))
	}
	r.TaskType, r.EndReason = Ptr("ResultTask"), Ptr("Success")
	r.Failed, r.Killed, r.Speculative = Ptr(id%6 == 0), Ptr(false), Ptr(id%7 == 0)
	if id%3 == 0 {
		r.ErrorDescription = Ptr("java.io.IOException: No space left on device\n\tat 'x' \"y\"")
	}
	r.HasMetrics = Ptr(id%2 == 0)
	metrics := []**int64{&r.ExecutorRunTimeMs, &r.ExecutorCPUTimeNs, &r.JvmGCTimeMs, &r.ResultSize, &r.PeakExecutionMemory,
		&r.MemoryBytesSpilled, &r.DiskBytesSpilled, &r.ShuffleBytesWritten, &r.ShuffleRecordsWritten, &r.ShuffleWriteTimeNs,
		&r.ShuffleRemoteBytesRead, &r.ShuffleLocalBytesRead, &r.ShuffleRemoteBytesReadToDisk, &r.ShuffleRecordsRead,
		&r.InputBytes, &r.InputRecords, &r.OutputBytes, &r.OutputRecords}
	for m, f := range metrics {
		if (id+int64(m))%4 != 0 {
			*f = Ptr(id*1_000_003 + int64(m)<<40)
		}
	}
	return r
}

// fill writes rows into Columns through the typed setters, column by
// column, as a decoder reading another layout (a pack file) does.
func fill(t *testing.T, c *Columns, rows ...*SparkTask) {
	t.Helper()
	for _, r := range rows {
		for i, v := range Values(r) {
			switch v := v.(type) {
			case nil:
				c.Null()
			case string:
				c.String(v)
			case int64:
				c.Int64(v)
			case int32:
				c.Int32(v)
			case bool:
				c.Bool(v)
			case time.Time:
				c.TimeMicros(v.UnixMicro())
			default:
				t.Fatalf("column %d: value of type %T", i, v)
			}
		}
		c.EndRow()
	}
}

// dumpTasks renders every spark_tasks row, every column, in key order.
func dumpTasks(t *testing.T, s *Store) string {
	t.Helper()
	var dump string
	if err := s.DB().QueryRow(`SELECT coalesce(string_agg(CAST(t AS VARCHAR), chr(10) ORDER BY app_id, attempt_id, task_id), '')
		FROM spark_tasks t`).Scan(&dump); err != nil {
		t.Fatal(err)
	}
	return dump
}

// TestLoaderAppendColumns loads the same objects twice, once row by row
// with Append (the reference) and once with AppendColumns, staged and
// streamed, and requires identical tables: every column, NULLs included,
// and the same choice among rows that repeat a key.
func TestLoaderAppendColumns(t *testing.T) {
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	type object struct {
		uri    string
		stream bool
		rows   []*SparkTask
	}
	var objects []object
	// A streamed application new to the table (direct rows), with task 7
	// three times: the greatest version wins, and of two such rows the first.
	var big []*SparkTask
	for id := range int64(3000) {
		big = append(big, testTask("app-a", id, 10, "h-a"))
	}
	big = append(big, testTask("app-a", 7, 12, "first"), testTask("app-a", 7, 12, "second"), testTask("app-a", 7, 11, "older"))
	objects = append(objects, object{"a.log", true, big})
	// A staged object of another application, with a repeated key too.
	objects = append(objects, object{"b.log", false, []*SparkTask{
		testTask("app-b", 1, 5, "b1"), testTask("app-b", 2, 5, "b2"), testTask("app-b", 1, 5, "b1-again")}})
	// A streamed object of two applications (a file of an evidence pack):
	// app-c's first 1,000 rows go direct, the rest of the object is staged.
	var mixed []*SparkTask
	for id := range int64(1500) {
		app := "app-c"
		if id%2 == 1 && id > 1000 {
			app = "app-d"
		}
		mixed = append(mixed, testTask(app, id%1200, 4+id/1200, "m"))
	}
	objects = append(objects, object{"mixed.log", true, mixed})
	// A streamed object of app-a again, newer: staged and merged over the held rows.
	objects = append(objects, object{"a-longer.log", true, []*SparkTask{
		testTask("app-a", 7, 20, "newest"), testTask("app-a", 5000, 20, "new")}})

	var ref *Store // the database loaded row by row
	load := func(columns bool) string {
		s, l := newTestLoader(t)
		if !columns {
			ref = s
		}
		for _, o := range objects {
			begin := l.Begin
			if o.stream {
				begin = l.BeginStream
			}
			w, err := begin(ctx)
			must(err)
			if columns {
				// Batches of 1,000 rows, as a decoder hands them over.
				for i := 0; i < len(o.rows); i += 1000 {
					c := NewColumnsOf((*SparkTask)(nil), 1000)
					fill(t, c, o.rows[i:min(i+1000, len(o.rows))]...)
					must(w.AppendColumns(c))
				}
			} else {
				for _, r := range o.rows {
					must(w.Append(r))
				}
			}
			must(w.Commit(ManifestEntry{URI: o.uri, Status: StatusOK, Kept: int64(len(o.rows)), SHA256: "sha-" + o.uri}, nil))
			_, err = l.Flush(ctx)
			must(err)
		}
		return dumpTasks(t, s)
	}
	want, got := load(false), load(true)
	if got != want {
		gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("row %d differs:\ncolumns: %s\nrows:    %s", i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("columns loaded %d rows, rows loaded %d", len(gl), len(wl))
	}
	// The reference itself kept what the policy says (hand-derived): the
	// newest version of app-a's task 7, the first of app-b's two equal
	// versions of task 1, and 3000 + 1 tasks of app-a and 2 of app-b.
	var hosts string
	var n int
	must(ref.DB().QueryRow(`SELECT string_agg(host, ' ' ORDER BY app_id), count(*) FROM spark_tasks
		WHERE task_id = 7 AND app_id = 'app-a' OR task_id = 1 AND app_id = 'app-b'`).Scan(&hosts, &n))
	if hosts != "newest b1" || n != 2 {
		t.Errorf("kept hosts %q (%d rows), want \"newest b1\"", hosts, n)
	}
	must(ref.DB().QueryRow(`SELECT count(*) FROM spark_tasks WHERE app_id IN ('app-a', 'app-b')`).Scan(&n))
	if n != 3000+1+2 {
		t.Errorf("%d rows of app-a and app-b loaded, want 3003", n)
	}
	// mixed.log: ids 0..1199 once, then 1200..1499 again as 0..299 with
	// version 5 (greater), odd ones above 1000 under app-d: app-c holds
	// 0..1000 and the even ids 1002..1198 (1,100), app-d the odd ids
	// 1001..1199 and 1..299 (100 + 150); app-c's even 0..298 have version 5.
	var d, c5 int
	must(ref.DB().QueryRow(`SELECT count(*) FILTER (WHERE app_id = 'app-c'), count(*) FILTER (WHERE app_id = 'app-d'),
		count(*) FILTER (WHERE app_id = 'app-c' AND log_events = 5) FROM spark_tasks`).Scan(&n, &d, &c5))
	if n != 1001+99 || d != 100+150 || c5 != 150 {
		t.Errorf("mixed.log: app-c %d rows (want 1100), app-d %d (want 250), app-c at version 5 %d (want 150)", n, d, c5)
	}
}

// TestLoaderAppendColumnsOrderAndErrors: rows appended one by one and then
// as columns to the same table keep their order (the first of two equal
// versions wins); aborted objects leave nothing, whether their rows went
// direct, were staged after a batch of two partitions, or were staged; an
// unfinished row and a column count the table does not have are errors
// naming the table.
func TestLoaderAppendColumnsOrderAndErrors(t *testing.T) {
	ctx := context.Background()
	s, l := newTestLoader(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, stream := range []bool{false, true} {
		app := fmt.Sprintf("order-%v", stream)
		begin := l.Begin
		if stream {
			begin = l.BeginStream
		}
		w, err := begin(ctx)
		must(err)
		must(w.Append(testTask(app, 1, 3, "by-row")))
		c := NewColumnsOf((*SparkTask)(nil), 1)
		fill(t, c, testTask(app, 1, 3, "by-columns"))
		must(w.AppendColumns(c))
		must(w.Commit(ManifestEntry{URI: app, Status: StatusOK, Kept: 2, SHA256: app}, nil))
		_, err = l.Flush(ctx)
		must(err)
		var host string
		must(s.DB().QueryRow(`SELECT host FROM spark_tasks WHERE app_id = ?`, app).Scan(&host))
		if host != "by-row" {
			t.Errorf("stream %v: kept host %q, want the first row's (by-row)", stream, host)
		}
	}

	w, err := l.BeginStream(ctx)
	must(err)
	c := NewColumnsOf((*SparkTask)(nil), 2)
	fill(t, c, testTask("gone", 1, 1, "h"))
	must(w.AppendColumns(c))
	c = NewColumnsOf((*SparkTask)(nil), 2)
	fill(t, c, testTask("gone", 2, 1, "h"), testTask("other", 3, 1, "h"))
	must(w.AppendColumns(c)) // rows of two partitions: staged
	if d := w.direct["spark_tasks"]; d == nil || !d.on || !d.stopped || d.rows != 1 {
		t.Errorf("after a batch of two partitions: %+v, want 1 direct row and direct appending stopped", d)
	}
	must(w.Abort(ManifestEntry{URI: "gone.log"}, context.Canceled, nil))
	// A staged object aborted after its columns were staged, and one kept
	// in the same batch.
	w, err = l.Begin(ctx)
	must(err)
	c = NewColumnsOf((*SparkTask)(nil), 1)
	fill(t, c, testTask("gone-staged", 1, 1, "h"))
	must(w.AppendColumns(c))
	must(w.Abort(ManifestEntry{URI: "gone-staged.log"}, context.Canceled, nil))
	w, err = l.Begin(ctx)
	must(err)
	c = NewColumnsOf((*SparkTask)(nil), 1)
	fill(t, c, testTask("kept-staged", 1, 1, "h"))
	must(w.AppendColumns(c))
	must(w.Commit(ManifestEntry{URI: "kept-staged.log", Status: StatusOK, Kept: 1, SHA256: "kept-staged"}, nil))
	_, err = l.Flush(ctx)
	must(err)
	var n int
	must(s.DB().QueryRow(`SELECT count(*) FROM spark_tasks WHERE app_id IN ('gone', 'other', 'gone-staged')`).Scan(&n))
	if n != 0 {
		t.Errorf("aborted objects left %d rows", n)
	}
	must(s.DB().QueryRow(`SELECT count(*) FROM spark_tasks WHERE app_id = 'kept-staged'`).Scan(&n))
	if n != 1 {
		t.Errorf("the staged object committed beside an aborted one has %d rows, want 1", n)
	}

	w, err = l.Begin(ctx)
	must(err)
	c = NewColumnsOf((*SparkTask)(nil), 1)
	fill(t, c, testTask("x", 1, 1, "h"))
	c.String("x") // a row begun, not ended
	if err := w.AppendColumns(c); err == nil || !strings.Contains(err.Error(), "spark_tasks") {
		t.Errorf("unfinished row: err = %v", err)
	}
	c = NewColumns("spark_tasks", 1, String, String, Int64)
	c.String("x")
	c.String("1")
	c.Int64(1)
	c.EndRow()
	if err := w.AppendColumns(c); err == nil || !strings.Contains(err.Error(), "spark_tasks") {
		t.Errorf("3 columns for spark_tasks: err = %v", err)
	}
	must(w.Abort(ManifestEntry{URI: "x.log"}, context.Canceled, nil))
}

func TestColumnsWrongKindPanics(t *testing.T) {
	c := NewColumns("spark_tasks", 1, String, Int64)
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "column 1 of spark_tasks") {
			t.Errorf("writing an Int64 into a String column: recover() = %v", r)
		}
	}()
	c.Int64(1)
}

// TestLoaderThreads: a loader runs DuckDB on one thread, writing a table's
// row groups as they fill (write buffer 1), and gives the database its
// settings back when it closes.
func TestLoaderThreads(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	setting := func(name string) int {
		t.Helper()
		var n int
		if err := s.DB().QueryRow(`SELECT current_setting(?)`, name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if _, err := s.DB().Exec(`SET threads = 3`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`SET write_buffer_row_group_count = 4`); err != nil {
		t.Fatal(err)
	}
	l, err := s.NewLoader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		want int
	}{{"threads", 1}, {"write_buffer_row_group_count", 1}} {
		if n := setting(c.name); n != c.want {
			t.Errorf("%s while loading = %d, want %d", c.name, n, c.want)
		}
	}
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		want int
	}{{"threads", 3}, {"write_buffer_row_group_count", 4}} {
		if n := setting(c.name); n != c.want {
			t.Errorf("%s after the loader closed = %d, want %d", c.name, n, c.want)
		}
	}
}

// TestColumnsFloat64: a Float64 column keeps every value bit for bit, on
// the boxed path and through gluelens_rows into a DOUBLE column; NULLs stay
// NULL.
func TestColumnsFloat64(t *testing.T) {
	vals := []float64{0, -0.5, 1.0 / 3, 1e300, -2.5e-310, 42}
	c := NewColumns("t", len(vals), Float64, String)
	for i, v := range vals {
		if i == 2 {
			c.Null()
		} else {
			c.Float64(v)
		}
		c.String(fmt.Sprint(i))
		c.EndRow()
	}
	for i, v := range vals {
		got := c.Value(i, 0)
		if i == 2 {
			if got != nil {
				t.Errorf("row %d: Value = %v, want nil", i, got)
			}
			continue
		}
		if f, ok := got.(float64); !ok || f != v {
			t.Errorf("row %d: Value = %#v, want %v", i, got, v)
		}
	}

	ctx := context.Background()
	_, l := newTestLoader(t)
	if _, err := l.conn.ExecContext(ctx, `CREATE TEMP TABLE floats (x DOUBLE, i VARCHAR)`); err != nil {
		t.Fatal(err)
	}
	if err := l.insertColumns(ctx, "floats", "", c); err != nil {
		t.Fatal(err)
	}
	rows, err := l.conn.QueryContext(ctx, `SELECT x, i FROM floats ORDER BY i::INTEGER`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for ; rows.Next(); n++ {
		var x *float64
		var i string
		if err := rows.Scan(&x, &i); err != nil {
			t.Fatal(err)
		}
		switch {
		case n == 2 && x != nil:
			t.Errorf("row 2: x = %v, want NULL", *x)
		case n != 2 && (x == nil || *x != vals[n]):
			t.Errorf("row %d: x = %v, want %v", n, x, vals[n])
		}
	}
	if n != len(vals) {
		t.Errorf("%d rows read back, want %d", n, len(vals))
	}
}
