package words

import (
	"testing"
	"time"

	"github.com/gluelens/gluelens/analysis/evidence"
)

func TestOverhang(t *testing.T) {
	first := time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)
	berlin := time.FixedZone("CET", 3600)
	for _, c := range []struct {
		o    evidence.Overhang
		want string
	}{
		{evidence.Overhang{}, "the database holds no dated evidence"},
		{evidence.Overhang{Edge: first, By: 3 * time.Hour}, "the window starts 3 hours before the evidence (2026-11-02 06:00:00)"},
		{evidence.Overhang{Edge: first.In(berlin), By: 90 * time.Minute}, "the window starts 90 minutes before the evidence (2026-11-02 06:00:00)"},
		{evidence.Overhang{After: true, Edge: first.Add(50 * time.Hour), By: 72 * time.Hour}, "the window ends 3 days after the evidence (2026-11-04 08:00:00)"},
		{evidence.Overhang{After: true, Edge: first, By: 30 * time.Second}, "the window ends 0 minutes after the evidence (2026-11-02 06:00:00)"},
	} {
		if got := Overhang(c.o); got != c.want {
			t.Errorf("%+v:\n got %q\nwant %q", c.o, got, c.want)
		}
	}
}

func TestDuration(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0 minutes"},
		{119 * time.Minute, "119 minutes"},
		{2 * time.Hour, "2 hours"},
		{47*time.Hour + 59*time.Minute, "48 hours"},
		{48 * time.Hour, "2 days"},
		{14*24*time.Hour + 11*time.Hour, "14 days"},
	} {
		if got := Duration(c.d); got != c.want {
			t.Errorf("Duration(%s) = %q, want %q", c.d, got, c.want)
		}
	}
}
