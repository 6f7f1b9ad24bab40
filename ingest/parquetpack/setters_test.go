package parquetpack

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestSettersOf: the export's field setters store what DuckDB's driver
// returns (nil for NULL) as database/sql's Scan did: the value itself, a
// fresh pointer for a pointer field, nil for NULL; an integer of another
// width when it fits; an error naming the column otherwise.
func TestSettersOf(t *testing.T) {
	type row struct {
		S  string
		PS *string
		I  int64
		PI *int32
		T  time.Time
		PF *float64
		B  bool
	}
	cols := []string{"s", "ps", "i", "pi", "t", "pf", "b"}
	set := settersOf(reflect.TypeFor[row](), cols)
	at := time.Date(2026, 11, 2, 6, 4, 37, 123456000, time.UTC)
	var r row
	rv := reflect.ValueOf(&r).Elem()
	apply := func(vals ...any) error {
		for i, v := range vals {
			if err := set[i](rv.Field(i), v); err != nil {
				return err
			}
		}
		return nil
	}
	if err := apply("a", "b", int64(7), int64(-3), at, 2.5, true); err != nil {
		t.Fatal(err)
	}
	if r.S != "a" || r.PS == nil || *r.PS != "b" || r.I != 7 || r.PI == nil || *r.PI != -3 || !r.T.Equal(at) || r.PF == nil || *r.PF != 2.5 || !r.B {
		t.Errorf("row = %+v", r)
	}
	first := r.PS
	if err := apply("a", "c", int64(7), int32(4), at, 1.0, false); err != nil {
		t.Fatal(err)
	}
	if first == r.PS || *first != "b" || *r.PS != "c" || *r.PI != 4 {
		t.Errorf("the second row reused or changed the first row's pointer: %q, %q", *first, *r.PS)
	}
	if err := apply(nil, nil, nil, nil, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	if r != (row{}) {
		t.Errorf("NULLs gave %+v, want the zero row", r)
	}
	for _, tc := range []struct {
		field int
		v     any
		want  string
	}{
		{3, int64(1) << 40, "column pi: int64 1099511627776 does not go into a int32 field"},
		{2, "7", "column i: string 7 does not go into a int64 field"},
		{0, int64(1), "column s: int64 1 does not go into a string field"},
	} {
		err := set[tc.field](rv.Field(tc.field), tc.v)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("setting %v into field %d: %v, want %q", tc.v, tc.field, err, tc.want)
		}
	}
}
