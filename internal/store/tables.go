package store

import (
	"context"
	"fmt"
	"reflect"
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
	// Row is the table's row struct (a nil pointer to it, such as
	// (*GlueRun)(nil)): its columns, in order.
	Row Row
	// Name is the table's name, from Row (registerTable sets it).
	Name    string
	Key     []string // key columns for IgnoreDuplicates and ReplaceIfNewer
	Version string   // column compared by ReplaceIfNewer
	// Provenance names the columns saying where a row was read (object,
	// record), not what it says. With IgnoreDuplicates, copies of one key
	// whose other columns differ are resolved by content (conflicts.go).
	Provenance []string
	Policy     MergePolicy
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

// registerTable makes a table loadable. Each schema area registers its
// tables from an init function in this package.
func registerTable(t TableSpec) {
	t.Name = rowTypeOf(t.Row).table
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

// joinEq compares the key columns of t: = for NOT NULL columns (it keeps
// hash joins cheap), IS NOT DISTINCT FROM for the few nullable ones (a
// pointer field of the row struct).
func (t TableSpec) joinEq(a, b string) string {
	nullable := map[string]bool{}
	for _, f := range FieldsOf(t.Row) {
		nullable[f.Name] = f.Nullable
	}
	parts := make([]string, len(t.Key))
	for i, c := range t.Key {
		op := "="
		if nullable[c] {
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

// NewRow returns a new, zero row of a registered table.
func NewRow(table string) (Row, bool) {
	t, ok := tableSpec(table)
	if !ok {
		return nil, false
	}
	return reflect.New(reflect.TypeOf(t.Row).Elem()).Interface().(Row), true
}
