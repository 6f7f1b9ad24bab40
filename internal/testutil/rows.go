package testutil

import (
	"fmt"
	"reflect"

	"github.com/gluelens/gluelens/internal/store"
)

// Row builds a row of table from values in the table's column order (nil
// for NULL), for test fixtures written as value lists. Columns past the
// values, which must be NULLable, are NULL: a fixture written before a
// migration added a column still loads. Decoders build the row structs by
// field name instead.
func Row(table string, values ...any) (store.Row, error) {
	r, ok := store.NewRow(table)
	if !ok {
		return nil, fmt.Errorf("table %q is not registered for loading", table)
	}
	v := reflect.ValueOf(r).Elem()
	if len(values) > v.NumField() {
		return nil, fmt.Errorf("%s: %d values for %d columns", table, len(values), v.NumField())
	}
	for i := len(values); i < v.NumField(); i++ {
		if v.Field(i).Kind() != reflect.Pointer {
			return nil, fmt.Errorf("%s: %d values leave out column %d (%s), which is NOT NULL", table, len(values), i+1, v.Type().Field(i).Name)
		}
	}
	for i, x := range values {
		if x == nil {
			continue
		}
		f := v.Field(i)
		xv := reflect.ValueOf(x)
		target := f.Type()
		if target.Kind() == reflect.Pointer {
			target = target.Elem()
		}
		if xv.Type() != target {
			return nil, fmt.Errorf("%s column %d (%s): a %T for a %s", table, i+1, v.Type().Field(i).Name, x, target)
		}
		if f.Kind() == reflect.Pointer {
			p := reflect.New(target)
			p.Elem().Set(xv)
			f.Set(p)
		} else {
			f.Set(xv)
		}
	}
	return r, nil
}

// MustRow is Row for fixtures known to be right: it panics on an error.
func MustRow(table string, values ...any) store.Row {
	r, err := Row(table, values...)
	if err != nil {
		panic(err)
	}
	return r
}
