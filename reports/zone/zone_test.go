package zone

import (
	"testing"
	"time"
)

type inner struct {
	At    time.Time
	Maybe *time.Time
}

type findings struct {
	When   time.Time
	List   []inner
	ByName map[string]inner
	Ptr    *inner
	Any    any
	hidden time.Time
	Name   string
}

func TestCopy(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 2, 6, 4, 37, 0, time.UTC)
	later := at.Add(time.Hour)
	in := &findings{When: at, List: []inner{{At: at, Maybe: &later}}, ByName: map[string]inner{"a": {At: later}},
		Ptr: &inner{At: at}, Any: at, hidden: at, Name: "x"}
	out := Copy(in, berlin)
	// 06:04:37 UTC is 07:04:37 CET (UTC+1 in November).
	for name, got := range map[string]time.Time{"When": out.When, "List": out.List[0].At, "List.Maybe": *out.List[0].Maybe,
		"ByName": out.ByName["a"].At, "Ptr": out.Ptr.At, "Any": out.Any.(time.Time)} {
		if got.Location() != berlin {
			t.Errorf("%s is in %s, want Europe/Berlin", name, got.Location())
		}
	}
	if got := out.When.Format("15:04:05 MST"); got != "07:04:37 CET" {
		t.Errorf("When shows %s, want 07:04:37 CET", got)
	}
	if !out.When.Equal(at) || !out.List[0].Maybe.Equal(later) || out.Name != "x" || !out.hidden.Equal(at) {
		t.Errorf("the copy changed an instant or a field: %+v", out)
	}
	// The original is untouched, its pointers not shared.
	if in.When.Location() != time.UTC || in.List[0].At.Location() != time.UTC || in.List[0].Maybe.Location() != time.UTC || in.Ptr.At.Location() != time.UTC || in.ByName["a"].At.Location() != time.UTC {
		t.Errorf("the original was moved into the zone: %+v", in)
	}
	if out.Ptr == in.Ptr || out.List[0].Maybe == in.List[0].Maybe {
		t.Error("the copy shares pointers with the original")
	}
	if got := Copy(in, nil).When.Location(); got != time.UTC {
		t.Errorf("a nil zone gives %s, want UTC", got)
	}
}
