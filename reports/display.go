package reports

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// DefaultWidth is the terminal width tables are fitted to unless Wide is set.
const DefaultWidth = 120

// TimeLayout is how tables and text show an instant: date, clock and the
// offset of the display zone ("Z" in UTC), a form every time flag reads back.
const TimeLayout = "2006-01-02 15:04:05Z07:00"

// Display says how tables and text show values to a person. JSON and CSV
// ignore it: they keep every column, full precision and UTC RFC 3339.
type Display struct {
	// TZ is the zone instants are shown in (nil: UTC).
	TZ *time.Location
	// Wide shows every column with full identifiers and texts.
	Wide bool
	// Width is the width a table is fitted to (0: DefaultWidth).
	Width int
}

// Time renders t in the display zone ("" for the zero time).
func (d Display) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	loc := d.TZ
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format(TimeLayout)
}

// offsetsToHeaders moves a display zone's offset from the time cells of a
// column into its header ("CREATED_AT(+01:00)") when every instant in the
// column has the same offset, so a table in a zone other than UTC is no
// wider than in UTC. A column whose instants straddle a daylight-saving
// change keeps the offset in each cell; UTC tables keep their "Z".
func (d Display) offsetsToHeaders(rules []colRule, rows [][]any, cells [][]string) {
	if d.TZ == nil || d.TZ == time.UTC {
		return
	}
	for i := range rules {
		offset, times := "", 0
		for _, row := range rows {
			t, ok := instant(row[i])
			if !ok {
				continue
			}
			o := t.In(d.TZ).Format("Z07:00")
			if times > 0 && o != offset {
				offset = ""
				break
			}
			offset, times = o, times+1
		}
		if offset == "" {
			continue
		}
		for r, row := range rows {
			if _, ok := instant(row[i]); ok {
				cells[r][i] = strings.TrimSuffix(cells[r][i], offset)
			}
		}
		rules[i].header += "(" + offset + ")"
	}
}

// instant is v as a non-zero time, if it is one.
func instant(v any) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return x, !x.IsZero()
	case *time.Time:
		if x != nil {
			return *x, !x.IsZero()
		}
	}
	return time.Time{}, false
}

func (d Display) width() int {
	if d.Width > 0 {
		return d.Width
	}
	return DefaultWidth
}

// colKind says how a column's cells are shortened or converted in tables.
type colKind int

const (
	kindPlain colKind = iota
	kindRunID         // a Glue job run id: shortened to a stable prefix
	kindText          // free text: cut to fit the width
	kindHours         // seconds, shown as hours
)

// Column priorities: a table drops its lowest-priority columns, rightmost
// first, until it fits the width; Wide shows them all.
const (
	prioNormal = iota // dropped when the low ones are not enough (the default)
	prioWide          // only with Wide
	prioLow           // dropped first
	prioKey           // never dropped
)

// colRule is how a table shows one column, by its (JSON) name.
type colRule struct {
	header string // "" = the name in upper case
	prio   int
	kind   colKind
}

// colRules name the columns whose table header, priority or rendering
// differ from the default (the name in upper case, normal priority, the
// value as is). Units are in the headers: _MIN minutes, _H hours.
var colRules = map[string]colRule{
	// identifiers
	"eni_id":     {prio: prioKey},
	"subnet_id":  {prio: prioKey},
	"subnet":     {prio: prioKey},
	"category":   {prio: prioKey},
	"job_run_id": {header: "RUN_ID", kind: kindRunID},
	"run_id":     {kind: kindRunID, prio: prioKey},
	"glue_run":   {kind: kindRunID},
	"app":        {prio: prioKey},
	"executor":   {prio: prioKey},
	"stage":      {prio: prioKey},
	"at":         {prio: prioKey},
	"role_arn":   {prio: prioWide},
	"event_id":   {prio: prioWide},

	// attribution detail
	"attribution_method":     {prio: prioWide},
	"candidate_runs":         {prio: prioWide},
	"subnet_source":          {prio: prioWide},
	"attribution_confidence": {header: "CONFIDENCE", prio: prioLow},
	"ambiguous_ips":          {header: "AMBIGUOUS", prio: prioLow},
	"requester":              {prio: prioLow},
	"ip_count":               {header: "IPS", prio: prioLow},
	"source":                 {prio: prioLow},
	"error_code":             {prio: prioWide},
	"description":            {kind: kindText, prio: prioLow},
	"error_message":          {header: "ERROR", kind: kindText, prio: prioLow},
	"reason":                 {kind: kindText},
	"detail":                 {kind: kindText},
	"name":                   {kind: kindText, prio: prioLow},
	"attempt":                {prio: prioLow},
	"spark":                  {prio: prioLow},
	"run_started_at":         {header: "RUN_STARTED", prio: prioLow},
	"run_completed_at":       {header: "RUN_ENDED", prio: prioLow},
	"cidr_block":             {header: "CIDR"},
	"usable_ips":             {header: "USABLE"},
	"number_of_workers":      {header: "WORKERS", prio: prioLow},
	"worker_type":            {header: "WORKER"},

	// exhaustion: who held the IPs
	"held_by_running_runs":     {header: "RUNNING"},
	"held_by_finished_runs":    {header: "LINGERING"},
	"held_by_non_glue":         {header: "NON_GLUE"},
	"unattributed":             {header: "UNATTR", prio: prioLow},
	"unaccounted":              {header: "UNACCT", prio: prioLow},
	"finished_min_minutes_ago": {header: "ENDED_MIN_AGO", prio: prioLow},
	"finished_max_minutes_ago": {header: "ENDED_MAX_AGO", prio: prioLow},

	// plan thresholds
	"threshold":      {prio: prioKey},
	"failed_for_ips": {header: "FAILED_IPS"},
	"max_enis_run":   {header: "MAX_ENIS"},
	"p95_enis_run":   {header: "P95_ENIS", prio: prioLow},
	"linger_p50_min": {prio: prioLow},
	"state":          {prio: prioKey},
	"failure_class":  {header: "FAILURE", prio: prioKey},

	// durations, with their unit
	"linger_minutes":        {header: "LINGER_MIN", prio: prioKey},
	"job_name":              {prio: prioLow},
	"max_linger_minutes":    {header: "LINGER_MAX_MIN"},
	"minutes_since_run_end": {header: "MIN_SINCE_END"},
	"seconds_above_90pct":   {header: "H_ABOVE_90PCT", kind: kindHours},
}

func ruleOf(name string) colRule {
	r := colRules[name]
	if r.header == "" {
		r.header = strings.ToUpper(name)
	}
	return r
}

// runIDPrefix is how many characters of a long run id a table shows:
// "jr_" and 8 hex digits, unique among thousands of runs.
const runIDPrefix = 11

// cellText renders one table cell for a person: instants in the display
// zone, floats rounded to one decimal, long run ids shortened.
func (d Display) cellText(r colRule, v any) string {
	if r.kind == kindHours {
		switch x := v.(type) {
		case int64:
			return fmt.Sprintf("%.1f", float64(x)/3600)
		case float64:
			return fmt.Sprintf("%.1f", x/3600)
		}
	}
	var s string
	switch x := v.(type) {
	case time.Time:
		s = d.Time(x)
	case *time.Time:
		if x != nil {
			s = d.Time(*x)
		}
	case float64:
		s = roundCell(x)
	case float32:
		s = roundCell(float64(x))
	default:
		s = Cell(v)
	}
	s = sanitizeTerminal(s)
	if r.kind == kindRunID {
		s = d.RunID(s)
	}
	return s
}

// RunID shows a Glue run id as tables do: its first characters and "…"
// ("jr_7353c865…"), the whole id with Wide. Completion and every run flag
// read the short form back.
func (d Display) RunID(id string) string {
	if d.Wide || utf8.RuneCountInString(id) <= runIDPrefix+1 {
		return id
	}
	return string([]rune(id)[:runIDPrefix]) + "…"
}

// roundCell shows a float with one decimal (two below 1, so 0.05 stays
// visible), never in exponent form.
func roundCell(x float64) string {
	if x != 0 && x > -1 && x < 1 {
		return fmt.Sprintf("%.2f", x)
	}
	return fmt.Sprintf("%.1f", x)
}

// minText is the narrowest a free-text column is cut to.
const minText = 16

// fit chooses the columns a table shows and cuts free text so that the
// table fits the width: wide-only columns go first, then low-priority ones
// and normal ones, rightmost first; key columns stay.
func (d Display) fit(rules []colRule, cells [][]string) (keep []int) {
	n := len(rules)
	widths := make([]int, n)
	for i, r := range rules {
		widths[i] = utf8.RuneCountInString(r.header)
	}
	for _, row := range cells {
		for i, c := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	shown := make([]bool, n)
	for i, r := range rules {
		shown[i] = d.Wide || r.prio != prioWide
	}
	if d.Wide {
		return indexes(shown)
	}
	total := func() int {
		t, cols := 0, 0
		for i := range rules {
			if shown[i] {
				t += widths[i]
				if rules[i].kind == kindText {
					t -= widths[i] - min(widths[i], minText)
				}
				cols++
			}
		}
		return t + 2*max(cols-1, 0)
	}
	for _, prio := range []int{prioLow, prioNormal} {
		for i := n - 1; i >= 0 && total() > d.width(); i-- {
			if shown[i] && rules[i].prio == prio {
				shown[i] = false
			}
		}
	}
	// Free text takes what is left of the width, at least minText.
	used := total()
	for i, r := range rules {
		if !shown[i] || r.kind != kindText {
			continue
		}
		room := max(minText, min(widths[i], minText+d.width()-used))
		used += room - min(widths[i], minText)
		for _, row := range cells {
			row[i] = cut(row[i], room)
		}
	}
	return indexes(shown)
}

func indexes(shown []bool) []int {
	var out []int
	for i, s := range shown {
		if s {
			out = append(out, i)
		}
	}
	return out
}

// cut shortens s to n runes, ending in "…" when it was longer.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
