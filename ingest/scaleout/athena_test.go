package scaleout_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/cloudtrail"
	"github.com/gluelens/gluelens/ingest/localsrc"
	"github.com/gluelens/gluelens/ingest/scaleout"
	"github.com/gluelens/gluelens/internal/store"
	"github.com/gluelens/gluelens/internal/synth"
)

func query(from, to time.Time) scaleout.CloudTrailQuery {
	return scaleout.CloudTrailQuery{
		Table: "cloudtrail_logs", From: from, To: to, Output: "s3://results/eni",
		AccountPartition: "account", RegionPartition: "region", DatePartition: "timestamp",
	}
}

// TestUnloadSQL checks the statement names what it must: the ENI calls,
// the event source, the date partitions with one day of slack (the last
// day is the day of to−1s plus one), the exact eventTime bounds, the
// account and region partitions and the output.
func TestUnloadSQL(t *testing.T) {
	from := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	to := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		q    scaleout.CloudTrailQuery
		want []string
		not  []string
	}{
		{"whole day", query(from, to), []string{
			"eventsource = 'ec2.amazonaws.com'",
			"eventname IN ('CreateNetworkInterface', 'DeleteNetworkInterface', 'AttachNetworkInterface', 'DetachNetworkInterface')",
			`"timestamp" BETWEEN '2026/11/01' AND '2026/11/03'`,
			"eventtime >= '2026-11-02T00:00:00Z' AND eventtime < '2026-11-03T00:00:00Z'",
			"FROM cloudtrail_logs\n",
			"TO 's3://results/eni/'",
			"WITH (format = 'TEXTFILE')\n",
			"'eventID'", "'requestParameters'", "json_parse(requestparameters)", "useridentity.sessioncontext.sessionissuer.arn",
			"'originalEventID'", "addendum.originaleventid",
		}, []string{"account\" IN", "region\" IN"}},
		{"accounts and regions as partitions", func() scaleout.CloudTrailQuery {
			q := query(from.Add(90*time.Minute), to.Add(90*time.Minute))
			q.Accounts, q.Regions = []string{"111122223333", "444455556666"}, []string{"eu-west-1"}
			return q
		}(), []string{
			`"timestamp" BETWEEN '2026/11/01' AND '2026/11/04'`,
			"eventtime >= '2026-11-02T01:30:00Z' AND eventtime < '2026-11-03T01:30:00Z'",
			`"account" IN ('111122223333', '444455556666')`, `"region" IN ('eu-west-1')`,
		}, nil},
		{"single-region table: filter on record columns", func() scaleout.CloudTrailQuery {
			q := query(from, to)
			q.AccountPartition, q.RegionPartition, q.Table = "", "", "trails.cloudtrail_logs_pp"
			q.Accounts, q.Regions = []string{"111122223333"}, []string{"us-east-1"}
			return q
		}(), []string{"recipientaccountid IN ('111122223333')", "awsregion IN ('us-east-1')", "FROM trails.cloudtrail_logs_pp\n"}, []string{`"account"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sql, err := scaleout.UnloadSQL(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(sql, w) {
					t.Errorf("SQL lacks %q:\n%s", w, sql)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(sql, w) {
					t.Errorf("SQL has %q", w)
				}
			}
		})
	}
}

func TestUnloadSQLRejects(t *testing.T) {
	from := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		edit func(*scaleout.CloudTrailQuery)
		want string
	}{
		{"no window", func(q *scaleout.CloudTrailQuery) { q.From = time.Time{} }, "--from and --to are required"},
		{"reversed window", func(q *scaleout.CloudTrailQuery) { q.To = q.From.Add(-time.Hour) }, "--to must be after --from"},
		{"injected table", func(q *scaleout.CloudTrailQuery) { q.Table = "t; DROP TABLE x" }, "must be a table name"},
		{"bad account", func(q *scaleout.CloudTrailQuery) { q.Accounts = []string{"1' OR '1'='1"} }, "12-digit"},
		{"bad region", func(q *scaleout.CloudTrailQuery) { q.Regions = []string{"mars"} }, "not a region"},
		{"output not s3", func(q *scaleout.CloudTrailQuery) { q.Output = "/tmp/x" }, "s3:// prefix"},
		{"quote in output", func(q *scaleout.CloudTrailQuery) { q.Output = "s3://b/x'" }, "s3:// prefix"},
		{"odd partition", func(q *scaleout.CloudTrailQuery) { q.DatePartition = `ts"` }, "not a plain name"},
	}
	for _, tt := range tests {
		q := query(from, from.Add(24*time.Hour))
		tt.edit(&q)
		_, err := scaleout.UnloadSQL(q)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

// toDuckDB rewrites the Trino-only parts of the generated SELECT, and
// nothing else:
//   - CAST(x AS JSON) → to_json(x): Trino renders a value as JSON, DuckDB's
//     CAST parses text as JSON;
//   - json_parse(s) → json(s);
//   - json_format(j) → CAST(j AS VARCHAR);
//   - ARRAY[…] → […] (DuckDB's list literal).
//
// MAP(keys, values), IN lists, BETWEEN on the partition strings, the
// string comparison of eventtime and struct field access run unchanged.
func toDuckDB(sql string) string {
	sql = rewriteCalls(sql, "CAST", func(inner string) (string, bool) {
		x, ok := strings.CutSuffix(inner, " AS JSON")
		return "to_json(" + x + ")", ok
	})
	sql = rewriteCalls(sql, "json_format", func(inner string) (string, bool) { return "CAST(" + inner + " AS VARCHAR)", true })
	sql = strings.ReplaceAll(sql, "json_parse(", "json(")
	return strings.ReplaceAll(sql, "ARRAY[", "[")
}

// rewriteCalls replaces every call name(inner) whose parentheses balance
// (the generated SQL has no parentheses inside string literals).
func rewriteCalls(sql, name string, fn func(inner string) (string, bool)) string {
	var b strings.Builder
	for {
		i := strings.Index(sql, name+"(")
		if i < 0 {
			b.WriteString(sql)
			return b.String()
		}
		start := i + len(name) + 1
		depth, end := 1, start
		for ; end < len(sql) && depth > 0; end++ {
			switch sql[end] {
			case '(':
				depth++
			case ')':
				depth--
			}
		}
		inner := rewriteCalls(sql[start:end-1], name, fn)
		b.WriteString(sql[:i])
		if out, ok := fn(inner); ok {
			b.WriteString(out)
		} else {
			b.WriteString(name + "(" + inner + ")")
		}
		sql = sql[end:]
	}
}

// trailTable loads the CloudTrail files of a synthetic scenario into a
// DuckDB table shaped like AWS's Athena CloudTrail table: lower-case
// columns, userIdentity and addendum as structs, requestParameters and
// responseElements as JSON text, and the account/region/timestamp
// partition columns taken from each file's key.
func trailTable(t *testing.T, st *store.Store, files []synth.File) {
	t.Helper()
	var lines bytes.Buffer
	for _, f := range files {
		parts := strings.Split(f.Path, "/")
		if len(parts) < 8 || parts[0] != "AWSLogs" || parts[2] != "CloudTrail" {
			continue
		}
		zr, err := gzip.NewReader(bytes.NewReader(f.Data))
		if err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		raw, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct{ Records []json.RawMessage }
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		for _, r := range doc.Records {
			line, _ := json.Marshal(map[string]any{"account": parts[1], "region": parts[3], "timestamp": strings.Join(parts[4:7], "/"), "rec": r})
			lines.Write(append(line, '\n'))
		}
	}
	p := filepath.Join(t.TempDir(), "trail.jsonl")
	if err := os.WriteFile(p, lines.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	s := func(path string) string { return fmt.Sprintf("rec->>'$.%s'", path) }
	j := func(path string) string { return fmt.Sprintf("NULLIF(CAST(rec->'$.%s' AS VARCHAR), 'null')", path) }
	q := fmt.Sprintf(`CREATE TABLE cloudtrail_logs AS
	SELECT %s AS eventversion,
	  struct_pack(type := %s, principalid := %s, arn := %s, accountid := %s, invokedby := %s, accesskeyid := %s, username := %s,
	    sessioncontext := struct_pack(
	      attributes := struct_pack(mfaauthenticated := %s, creationdate := %s),
	      sessionissuer := struct_pack(type := %s, principalid := %s, arn := %s, accountid := %s, username := %s))) AS useridentity,
	  %s AS eventtime, %s AS eventsource, %s AS eventname, %s AS awsregion, %s AS sourceipaddress, %s AS useragent,
	  %s AS errorcode, %s AS errormessage, %s AS requestparameters, %s AS responseelements, %s AS additionaleventdata,
	  %s AS requestid, %s AS eventid, %s AS readonly, %s AS eventtype, %s AS apiversion, %s AS recipientaccountid,
	  %s AS sharedeventid, %s AS vpcendpointid, %s AS eventcategory,
	  struct_pack(reason := %s, updatedfields := %s, originalrequestid := %s, originaleventid := %s) AS addendum,
	  account, region, "timestamp"
	FROM read_json('%s', format = 'newline_delimited', columns = {account: 'VARCHAR', region: 'VARCHAR', "timestamp": 'VARCHAR', rec: 'JSON'})`,
		s("eventVersion"),
		s("userIdentity.type"), s("userIdentity.principalId"), s("userIdentity.arn"), s("userIdentity.accountId"), s("userIdentity.invokedBy"), s("userIdentity.accessKeyId"), s("userIdentity.userName"),
		s("userIdentity.sessionContext.attributes.mfaAuthenticated"), s("userIdentity.sessionContext.attributes.creationDate"),
		s("userIdentity.sessionContext.sessionIssuer.type"), s("userIdentity.sessionContext.sessionIssuer.principalId"), s("userIdentity.sessionContext.sessionIssuer.arn"), s("userIdentity.sessionContext.sessionIssuer.accountId"), s("userIdentity.sessionContext.sessionIssuer.userName"),
		s("eventTime"), s("eventSource"), s("eventName"), s("awsRegion"), s("sourceIPAddress"), s("userAgent"),
		s("errorCode"), s("errorMessage"), j("requestParameters"), j("responseElements"), j("additionalEventData"),
		s("requestID"), s("eventID"), j("readOnly"), s("eventType"), s("apiVersion"), s("recipientAccountId"),
		s("sharedEventID"), s("vpcEndpointId"), s("eventCategory"),
		s("addendum.reason"), j("addendum.updatedFields"), s("addendum.originalRequestID"), s("addendum.originalEventID"),
		strings.ReplaceAll(p, "'", "''"))
	if _, err := st.DB().ExecContext(context.Background(), q); err != nil {
		t.Fatalf("building cloudtrail_logs: %v", err)
	}
}

// TestFilterOnDuckDB runs the generated SELECT (Trino bits rewritten by
// toDuckDB) against a CloudTrail table built from the synthetic scenario,
// writes its output the way UNLOAD's TEXTFILE does (one value per line,
// gzip), ingests that with gluelens' CloudTrail decoder and compares the
// ENI events with a plain local ingest of the same trail: for the whole
// evidence they are identical, and for a narrower window they are exactly
// the local events inside it.
func TestFilterOnDuckDB(t *testing.T) {
	ctx := context.Background()
	out, err := synth.Generate(synth.IPExhaustion(), 3)
	if err != nil {
		t.Fatal(err)
	}
	evidence := filepath.Join(t.TempDir(), "evidence")
	if err := out.WriteDir(evidence); err != nil {
		t.Fatal(err)
	}
	local := openStore(t)
	ingestDir(t, local, evidence)
	var lo, hi time.Time
	if err := local.DB().QueryRow(`SELECT min(event_time), max(event_time) FROM eni_events`).Scan(&lo, &hi); err != nil {
		t.Fatal(err)
	}

	engine := openStore(t)
	trailTable(t, engine, out.Files)
	var noise int64
	if err := engine.DB().QueryRow(`SELECT count(*) FROM cloudtrail_logs WHERE eventname NOT LIKE '%NetworkInterface'`).Scan(&noise); err != nil {
		t.Fatal(err)
	}
	if noise == 0 {
		t.Fatal("the trail has no non-ENI records: the filter would prove nothing")
	}

	windows := []struct{ from, to time.Time }{
		{lo.Truncate(24 * time.Hour), hi.Truncate(24 * time.Hour).Add(24 * time.Hour)},
		{lo.Add(hi.Sub(lo) / 3).Truncate(time.Hour), lo.Add(hi.Sub(lo) / 3).Truncate(time.Hour).Add(3 * time.Hour)},
	}
	for i, w := range windows {
		sel, err := scaleout.SelectSQL(query(w.from, w.to))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := engine.DB().QueryContext(ctx, toDuckDB(sel))
		if err != nil {
			t.Fatalf("running the rewritten SELECT: %v\n%s", err, toDuckDB(sel))
		}
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		n := 0
		for rows.Next() {
			var rec string
			if err := rows.Scan(&rec); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(zw, rec)
			n++
		}
		rows.Close()
		zw.Close()
		dir := filepath.Join(t.TempDir(), "unload")
		os.MkdirAll(dir, 0o755)
		if err := os.WriteFile(filepath.Join(dir, "20261103_000000_00007_abcde_0001.gz"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		fromAthena := openStore(t)
		sum := ingestDir(t, fromAthena, dir)
		if sum.Bad != 0 || sum.Skipped != 0 {
			t.Errorf("window %d: the decoder skipped %d and rejected %d of the %d unloaded records", i, sum.Skipped, sum.Bad, n)
		}
		got := eniRows(t, fromAthena, time.Time{}, time.Time{})
		want := eniRows(t, local, w.from, w.to)
		if len(want) == 0 {
			t.Fatalf("window %d keeps no local events", i)
		}
		if !slices.Equal(got, want) {
			t.Errorf("window %d (%s..%s): Athena path gives %d ENI events, local ingest %d", i, w.from, w.to, len(got), len(want))
			for k := 0; k < len(got) && k < len(want); k++ {
				if got[k] != want[k] {
					t.Errorf("first difference:\nathena: %s\nlocal:  %s", got[k], want[k])
					break
				}
			}
		}
		t.Logf("window %d: %d records unloaded, %d ENI events equal", i, n, len(got))
	}
}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func ingestDir(t *testing.T, st *store.Store, dir string) ingest.Summary {
	t.Helper()
	src, err := localsrc.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := ingest.Run(context.Background(), st, []ingest.Source{src}, ingest.Options{Decoders: []ingest.Decoder{cloudtrail.New()}})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.OK() {
		t.Fatalf("ingesting %s: %v", dir, sum.Failures[0].Err)
	}
	return sum
}

// eniRows renders eni_events without the columns that name where a record
// was read (source_uri, record_index), optionally only inside a window.
func eniRows(t *testing.T, st *store.Store, from, to time.Time) []string {
	t.Helper()
	q := `SELECT * EXCLUDE (source_uri, record_index) FROM eni_events`
	var args []any
	if !from.IsZero() {
		q += ` WHERE event_time >= ? AND event_time < ?`
		args = []any{from, to}
	}
	rows, err := st.DB().Query(q, args...)
	if err != nil {
		t.Fatal(err)
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
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%v", vals))
	}
	slices.Sort(out)
	return out
}
