// Package scaleout writes the SQL that hands gluelens' heavy filtering to a
// query engine (Athena / Trino) when the raw evidence outgrows one machine:
// the engine scans the CloudTrail trail and writes only the ENI calls, in
// the record shape gluelens ingests.
package scaleout

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// ENIEvents are the calls gluelens keeps from CloudTrail.
var ENIEvents = []string{"CreateNetworkInterface", "DeleteNetworkInterface", "AttachNetworkInterface", "DetachNetworkInterface"}

// CloudTrailQuery describes an Athena UNLOAD of the ENI calls of a window.
type CloudTrailQuery struct {
	// Table is the CloudTrail table ("cloudtrail_logs" or "db.table"),
	// created as AWS documents it (Hive JsonSerDe over the trail with
	// CloudTrailInputFormat, lower-case column names) with partition
	// projection.
	Table string
	// From and To (exclusive) bound eventTime; both are required.
	From, To time.Time
	// Accounts and Regions restrict the records; empty means all.
	Accounts, Regions []string
	// Output is the s3:// prefix UNLOAD writes to (it must be empty).
	Output string
	// AccountPartition, RegionPartition and DatePartition name the
	// table's projected partition columns. AWS's single-region example
	// table has only `timestamp` (yyyy/MM/dd); organisation tables add
	// account and region. An empty AccountPartition or RegionPartition
	// filters on recipientaccountid / awsregion instead.
	AccountPartition, RegionPartition, DatePartition string
}

var (
	tableRe   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$`)
	identRe   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	accountRe = regexp.MustCompile(`^[0-9]{12}$`)
	regionRe  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
)

// Slack is how far the date partitions scanned reach beyond the window on
// each side: CloudTrail files are named (and partitioned) by delivery
// time, which trails the event by minutes to hours, and a record written
// just before midnight lands in the next day's folder.
const Slack = 24 * time.Hour

// Record lists the fields of the record UNLOAD writes, as CloudTrail
// spells them, with the Athena column expression each comes from. It is
// every field gluelens' CloudTrail decoder reads for ENI calls.
var Record = []Field{
	str("eventVersion", "eventversion"),
	str("eventID", "eventid"),
	str("eventTime", "eventtime"),
	str("eventSource", "eventsource"),
	str("eventName", "eventname"),
	str("eventType", "eventtype"),
	str("awsRegion", "awsregion"),
	str("recipientAccountId", "recipientaccountid"),
	str("sourceIPAddress", "sourceipaddress"),
	str("userAgent", "useragent"),
	str("requestID", "requestid"),
	str("errorCode", "errorcode"),
	str("errorMessage", "errormessage"),
	jsonText("requestParameters", "requestparameters"),
	jsonText("responseElements", "responseelements"),
	obj("userIdentity",
		str("type", "useridentity.type"),
		str("principalId", "useridentity.principalid"),
		str("arn", "useridentity.arn"),
		str("accountId", "useridentity.accountid"),
		str("invokedBy", "useridentity.invokedby"),
		obj("sessionContext",
			obj("sessionIssuer",
				str("type", "useridentity.sessioncontext.sessionissuer.type"),
				str("principalId", "useridentity.sessioncontext.sessionissuer.principalid"),
				str("arn", "useridentity.sessioncontext.sessionissuer.arn"),
				str("accountId", "useridentity.sessioncontext.sessionissuer.accountid"),
				str("userName", "useridentity.sessioncontext.sessionissuer.username"),
			),
		),
	),
	obj("addendum",
		str("reason", "addendum.reason"),
		str("updatedFields", "addendum.updatedfields"),
		str("originalRequestID", "addendum.originalrequestid"),
		str("originalEventID", "addendum.originaleventid"),
	),
}

// Field is one key of the written record.
type Field struct {
	Name   string  // CloudTrail spelling
	Column string  // Athena column expression (leaf fields)
	Kind   int     // kindString, kindJSONText or kindObject
	Fields []Field // members of an object
}

// Field kinds.
const (
	kindString   = iota // a string column, written as a JSON string (or null)
	kindJSONText        // a string column holding JSON text, written as that JSON value
	kindObject          // an object built from Fields
)

// UnloadSQL returns the Athena statement. The SELECT builds each record
// as one JSON text (json_format over a MAP cast to JSON, which keeps the
// camelCase keys and writes requestParameters/responseElements as objects)
// and UNLOAD writes it with format TEXTFILE, one record per line (plain or
// gzip, gluelens reads both):
// exactly the JSON-lines CloudTrail shape gluelens ingests. UNLOAD's JSON
// format is not used because it names keys after the (lower-cased) column
// names and writes the request and response as escaped strings.
func UnloadSQL(q CloudTrailQuery) (string, error) {
	sel, err := SelectSQL(q)
	if err != nil {
		return "", err
	}
	out := q.Output
	if !strings.HasPrefix(out, "s3://") || strings.ContainsAny(out, "'\\") {
		return "", fmt.Errorf("writing Athena SQL: --output must be an s3:// prefix without quotes, got %q", out)
	}
	if !strings.HasSuffix(out, "/") {
		out += "/"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "-- gluelens: the ENI calls of CloudTrail between %s and %s (exclusive),\n", q.From.UTC().Format(time.RFC3339), q.To.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "-- one JSON record per line. Date partitions are read with %s of slack on each side.\n", "one day")
	fmt.Fprintf(&b, "-- Then: gluelens ingest %s\n", out)
	b.WriteString("UNLOAD (\n")
	b.WriteString(sel)
	fmt.Fprintf(&b, ")\nTO '%s'\nWITH (format = 'TEXTFILE')\n", out)
	return b.String(), nil
}

// SelectSQL returns the SELECT inside the UNLOAD: the record expression
// (RecordSQL) and the filter (WhereSQL) over q.Table.
func SelectSQL(q CloudTrailQuery) (string, error) {
	where, err := WhereSQL(q)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("SELECT %s AS record\nFROM %s\nWHERE %s\n", RecordSQL(), q.Table, where), nil
}

// RecordSQL is the Trino expression that renders one row as a CloudTrail
// record: json_format(CAST(MAP(ARRAY[keys], ARRAY[values]) AS JSON)), with
// string columns as CAST(col AS JSON) and JSON-text columns through
// json_parse.
func RecordSQL() string { return "json_format(" + objectSQL(Record, "  ") + ")" }

func objectSQL(fields []Field, indent string) string {
	keys := make([]string, len(fields))
	vals := make([]string, len(fields))
	for i, f := range fields {
		keys[i] = "'" + f.Name + "'"
		switch f.Kind {
		case kindString:
			vals[i] = "CAST(" + f.Column + " AS JSON)"
		case kindJSONText:
			vals[i] = "json_parse(" + f.Column + ")"
		case kindObject:
			vals[i] = objectSQL(f.Fields, indent+"  ")
		}
	}
	return "CAST(MAP(\n" + indent + "  ARRAY[" + strings.Join(keys, ", ") + "],\n" +
		indent + "  ARRAY[" + strings.Join(vals, ",\n"+indent+"        ") + "]) AS JSON)"
}

// WhereSQL is the filter: ec2 ENI calls, date partitions of the window
// with Slack, eventTime inside the window (CloudTrail writes it as
// YYYY-MM-DDTHH:MM:SSZ, so string order is time order), and the accounts
// and regions asked for.
func WhereSQL(q CloudTrailQuery) (string, error) {
	if !tableRe.MatchString(q.Table) {
		return "", fmt.Errorf("writing Athena SQL: --table %q must be a table name, optionally database.table", q.Table)
	}
	if q.From.IsZero() || q.To.IsZero() {
		return "", fmt.Errorf("writing Athena SQL: --from and --to are required (a whole trail is what this avoids scanning)")
	}
	if !q.To.After(q.From) {
		return "", fmt.Errorf("writing Athena SQL: --to must be after --from")
	}
	for _, p := range []string{q.AccountPartition, q.RegionPartition} {
		if p != "" && !identRe.MatchString(p) {
			return "", fmt.Errorf("writing Athena SQL: partition column %q is not a plain name", p)
		}
	}
	if !identRe.MatchString(q.DatePartition) {
		return "", fmt.Errorf("writing Athena SQL: date partition column %q is not a plain name", q.DatePartition)
	}
	for _, a := range q.Accounts {
		if !accountRe.MatchString(a) {
			return "", fmt.Errorf("writing Athena SQL: account %q is not a 12-digit account id", a)
		}
	}
	for _, r := range q.Regions {
		if !regionRe.MatchString(r) {
			return "", fmt.Errorf("writing Athena SQL: %q is not a region name", r)
		}
	}
	from, to := q.From.UTC(), q.To.UTC()
	// The last day holding a record before `to` is the day of to-1s.
	firstDay := from.Add(-Slack).Format("2006/01/02")
	lastDay := to.Add(-time.Second).Add(Slack).Format("2006/01/02")
	conds := []string{
		"eventsource = 'ec2.amazonaws.com'",
		"eventname IN (" + quoteList(ENIEvents) + ")",
		fmt.Sprintf(`"%s" BETWEEN '%s' AND '%s'`, q.DatePartition, firstDay, lastDay),
		fmt.Sprintf("eventtime >= '%s' AND eventtime < '%s'", from.Format("2006-01-02T15:04:05Z"), to.Format("2006-01-02T15:04:05Z")),
	}
	if len(q.Accounts) > 0 {
		col := "recipientaccountid"
		if q.AccountPartition != "" {
			col = `"` + q.AccountPartition + `"`
		}
		conds = append(conds, col+" IN ("+quoteList(q.Accounts)+")")
	}
	if len(q.Regions) > 0 {
		col := "awsregion"
		if q.RegionPartition != "" {
			col = `"` + q.RegionPartition + `"`
		}
		conds = append(conds, col+" IN ("+quoteList(q.Regions)+")")
	}
	return strings.Join(conds, "\n  AND "), nil
}

func quoteList(vals []string) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = "'" + v + "'"
	}
	return strings.Join(parts, ", ")
}

func str(name, col string) Field      { return Field{Name: name, Column: col, Kind: kindString} }
func jsonText(name, col string) Field { return Field{Name: name, Column: col, Kind: kindJSONText} }
func obj(name string, fields ...Field) Field {
	return Field{Name: name, Kind: kindObject, Fields: fields}
}
