// Package zone shows a report's findings in a display zone: it copies the
// findings with every instant moved into the zone, so the renderers'
// dates and clocks read in that zone while the findings (and their JSON)
// stay in UTC.
package zone

import (
	"reflect"
	"time"
)

var timeType = reflect.TypeOf(time.Time{})

// Copy returns a deep copy of *v with every time.Time in it — in structs,
// pointers, slices, arrays and maps — moved into loc (nil: UTC). The
// instants do not change, only the zone they are shown in; *v is left as
// it was. Unexported fields are copied as they are.
func Copy[T any](v *T, loc *time.Location) *T {
	if loc == nil {
		loc = time.UTC
	}
	out := new(T)
	dst := reflect.ValueOf(out).Elem()
	dst.Set(copyValue(reflect.ValueOf(v).Elem(), loc))
	return out
}

func copyValue(v reflect.Value, loc *time.Location) reflect.Value {
	if v.Type() == timeType {
		return reflect.ValueOf(v.Interface().(time.Time).In(loc))
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(copyValue(v.Elem(), loc))
		return p
	case reflect.Struct:
		s := reflect.New(v.Type()).Elem()
		s.Set(v) // unexported fields as they are
		for i := 0; i < v.NumField(); i++ {
			if f := s.Field(i); f.CanSet() {
				f.Set(copyValue(v.Field(i), loc))
			}
		}
		return s
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		s := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			s.Index(i).Set(copyValue(v.Index(i), loc))
		}
		return s
	case reflect.Array:
		a := reflect.New(v.Type()).Elem()
		for i := 0; i < v.Len(); i++ {
			a.Index(i).Set(copyValue(v.Index(i), loc))
		}
		return a
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		m := reflect.MakeMapWithSize(v.Type(), v.Len())
		it := v.MapRange()
		for it.Next() {
			m.SetMapIndex(it.Key(), copyValue(it.Value(), loc))
		}
		return m
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		i := reflect.New(v.Type()).Elem()
		i.Set(copyValue(v.Elem(), loc))
		return i
	}
	return v
}
