package store

import (
	"context"
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
	// greatest; ties keep the row already stored (or the earliest object's).
	ReplaceIfNewer
)

// TableSpec describes a loadable table: the loader stages rows for it in
// stage_<Name> and merges them with Policy.
type TableSpec struct {
	Name    string
	Key     []string // key columns for IgnoreDuplicates and ReplaceIfNewer
	Version string   // column compared by ReplaceIfNewer
	Policy  MergePolicy
	// Partition is how many leading Key columns, which are also the
	// table's first columns, hold the same values in every row of one
	// object (a Spark log is one application attempt). A streamed object
	// whose partition the table does not hold yet has its rows appended to
	// the table directly instead of staged and merged (see
	// Loader.BeginStream). 0: always staged.
	Partition int
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

// keepFirst is the ORDER BY that puts first, among rows of one key, the row
// the policy keeps: the greatest Version for ReplaceIfNewer, then the
// earliest by tiebreak (the object's sequence, or the row id).
func (t TableSpec) keepFirst(tiebreak string) string {
	if t.Policy == ReplaceIfNewer {
		return t.Version + " DESC NULLS LAST, " + tiebreak
	}
	return tiebreak
}

// joinEq compares key columns: = for NOT NULL columns (it keeps hash joins
// cheap), IS NOT DISTINCT FROM for the few nullable key columns.
// nullableKeys are key columns that may be NULL.
var nullableKeys = map[string]bool{"job_modified_on": true}

func joinEq(cols []string, a, b string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		op := "="
		if nullableKeys[c] {
			op = "IS NOT DISTINCT FROM"
		}
		parts[i] = fmt.Sprintf("%s.%s %s %s.%s", a, c, op, b, c)
	}
	return strings.Join(parts, " AND ")
}

// HasRows reports whether a registered table holds any row.
func (s *Store) HasRows(ctx context.Context, table string) (bool, error) {
	if _, ok := tableSpec(table); !ok {
		return false, fmt.Errorf("table %q is not registered", table)
	}
	var has bool
	err := s.db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM "+table+")").Scan(&has)
	return has, err
}
