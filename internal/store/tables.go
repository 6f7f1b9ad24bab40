package store

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// MergePolicy says how rows staged from one input object reach their table.
type MergePolicy int

const (
	// Append inserts every staged row.
	Append MergePolicy = iota
	// IgnoreDuplicates keeps the first row seen for each key: later copies
	// (in the same object or in another) are counted as duplicates.
	IgnoreDuplicates
	// ReplaceIfNewer keeps, for each key, the row whose Version column is
	// greatest; ties keep the row already stored.
	ReplaceIfNewer
	// ReplaceGroupIfNewer treats the rows sharing Key (e.g. one Spark
	// application attempt) as one snapshot: a staged group replaces the
	// stored group wholesale when its greatest Version is greater; otherwise
	// all its rows count as duplicates. Cheap for objects of millions of rows.
	ReplaceGroupIfNewer
)

// TableSpec describes a loadable table: the loader stages rows for it in
// stage_<Name> and merges them with Policy.
type TableSpec struct {
	Name    string
	Key     []string // key columns (group columns for ReplaceGroupIfNewer)
	Version string   // column compared by ReplaceIfNewer
	Policy  MergePolicy
}

var (
	tablesMu sync.Mutex
	tables   = map[string]TableSpec{}
)

// RegisterTable makes a table loadable. Each schema area registers its
// tables from an init function in this package.
func RegisterTable(t TableSpec) {
	tablesMu.Lock()
	defer tablesMu.Unlock()
	if _, dup := tables[t.Name]; dup {
		panic("store: table registered twice: " + t.Name)
	}
	tables[t.Name] = t
}

// Tables lists the registered loadable tables by name.
func Tables() []TableSpec {
	tablesMu.Lock()
	defer tablesMu.Unlock()
	out := make([]TableSpec, 0, len(tables))
	for _, t := range tables {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func tableSpec(name string) (TableSpec, bool) {
	tablesMu.Lock()
	defer tablesMu.Unlock()
	t, ok := tables[name]
	return t, ok
}

func stageName(table string) string { return "stage_" + table }

// mergeSQL returns the statements that move the rows of stage_<t> that
// should land into merge_kept (one row per key, the winner of the policy),
// then into t. Staged rows carry _obj, the loader's sequence number of the
// object they came from: among copies of one key in a batch, the earliest
// object wins (IgnoreDuplicates) or the greatest Version, then the earliest
// object (ReplaceIfNewer).
func (t TableSpec) mergeSQL() (keep []string, apply []string) {
	st := stageName(t.Name)
	key := strings.Join(t.Key, ", ")
	switch t.Policy {
	case IgnoreDuplicates:
		keep = []string{fmt.Sprintf(
			`CREATE OR REPLACE TEMP TABLE merge_kept AS SELECT s.* FROM (
			   SELECT * FROM %[2]s QUALIFY row_number() OVER (PARTITION BY %[3]s ORDER BY _obj) = 1) s
			 WHERE NOT EXISTS (SELECT 1 FROM %[1]s t WHERE %[4]s)`,
			t.Name, st, key, joinEq(t.Key, "t", "s"))}
		apply = []string{fmt.Sprintf(`INSERT INTO %s SELECT * EXCLUDE (_obj) FROM merge_kept`, t.Name)}
	case ReplaceIfNewer:
		keep = []string{fmt.Sprintf(
			`CREATE OR REPLACE TEMP TABLE merge_kept AS SELECT s.* FROM (
			   SELECT * FROM %[2]s QUALIFY row_number() OVER (PARTITION BY %[3]s ORDER BY %[5]s DESC NULLS LAST, _obj) = 1) s
			 WHERE NOT EXISTS (SELECT 1 FROM %[1]s t WHERE %[4]s AND (s.%[5]s IS NULL OR (t.%[5]s IS NOT NULL AND s.%[5]s <= t.%[5]s)))`,
			t.Name, st, key, joinEq(t.Key, "t", "s"), t.Version)}
		apply = []string{
			fmt.Sprintf(`DELETE FROM %[1]s t WHERE EXISTS (SELECT 1 FROM merge_kept s WHERE %[2]s)`, t.Name, joinEq(t.Key, "t", "s")),
			fmt.Sprintf(`INSERT INTO %s SELECT * EXCLUDE (_obj) FROM merge_kept`, t.Name),
		}
	case ReplaceGroupIfNewer:
		// merge_kept here holds one row per winning (group, object) with the
		// count of its rows in n; the rows themselves stay in the stage.
		keep = []string{
			fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE merge_kept AS SELECT * FROM (
			   SELECT %[2]s, _obj, max(%[3]s) AS _ver, count(*) AS n FROM %[1]s GROUP BY %[2]s, _obj)
			 QUALIFY row_number() OVER (PARTITION BY %[2]s ORDER BY _ver DESC NULLS LAST, _obj) = 1`, st, key, t.Version),
			fmt.Sprintf(`DELETE FROM merge_kept s WHERE s._ver IS NULL OR EXISTS (SELECT 1 FROM %[1]s t WHERE %[2]s AND t.%[3]s >= s._ver)`,
				t.Name, joinEq(t.Key, "t", "s"), t.Version),
		}
		apply = []string{
			fmt.Sprintf(`DELETE FROM %[1]s t WHERE EXISTS (SELECT 1 FROM merge_kept s WHERE %[2]s)`, t.Name, joinEq(t.Key, "t", "s")),
			fmt.Sprintf(`INSERT INTO %[1]s SELECT r.* EXCLUDE (_obj) FROM %[2]s r SEMI JOIN merge_kept s ON %[3]s AND r._obj = s._obj`,
				t.Name, st, joinEq(t.Key, "r", "s")),
		}
	default:
		keep = []string{fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE merge_kept AS SELECT * FROM %s`, st)}
		apply = []string{fmt.Sprintf(`INSERT INTO %s SELECT * EXCLUDE (_obj) FROM merge_kept`, t.Name)}
	}
	return keep, apply
}

// joinEq compares key columns with =: keys are NOT NULL in the schema, and a
// NULL key never matches (such rows are always new).
func joinEq(cols []string, a, b string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = fmt.Sprintf("%s.%s = %s.%s", a, c, b, c)
	}
	return strings.Join(parts, " AND ")
}
