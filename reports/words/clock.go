package words

import "time"

// Stamp renders an instant with its date, clock and zone, in the zone the
// instant carries ("2026-11-02 06:04:37 UTC", "2026-11-02 07:04:37 CET"):
// the renderers move a report's instants into the display zone first
// (reports/zone), so one function serves UTC and every --tz.
func Stamp(t time.Time) string { return t.Format("2006-01-02 15:04:05 MST") }

// Clock renders an instant's time of day in the zone it carries.
func Clock(t time.Time) string { return t.Format("15:04:05") }
