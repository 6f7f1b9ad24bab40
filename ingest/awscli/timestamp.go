package awscli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gluelens/gluelens/internal/store"
)

// Timestamp is an AWS CLI / boto3 timestamp in any of its renderings
// (docs/formats.md §2.1): epoch seconds as a JSON number ("wire" output of CLI v1,
// 1602873931.255) or string, ISO 8601 with any offset and an optional
// fraction (CLI v2, cli_timestamp_format=iso8601), or the same with a space
// instead of the T (boto3 printed with str()). A time without an offset is
// taken as UTC. The zero value (absent or null) is stored as NULL.
type Timestamp struct{ time.Time }

// UnmarshalJSON implements json.Unmarshaler.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		t.Time = time.Time{}
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		v, err := ParseTimestamp(s)
		if err != nil {
			return err
		}
		t.Time = v
		return nil
	}
	v, err := parseEpoch(string(b))
	if err != nil {
		return err
	}
	t.Time = v
	return nil
}

// value returns the time in UTC, or nil for NULL.
func (t Timestamp) value() *time.Time { return store.OptTime(t.Time) }

var isoLayouts = []string{
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02 15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
}

// ParseTimestamp parses the string renderings Timestamp accepts.
func ParseTimestamp(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if c := s[0]; c >= '0' && c <= '9' && !strings.ContainsAny(s, "-: T") {
		return parseEpoch(s)
	}
	for _, l := range isoLayouts {
		// Parsing accepts a fractional second after the seconds even though
		// the layouts do not spell it.
		if v, err := time.Parse(l, s); err == nil {
			return v.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised timestamp %q", s)
}

// parseEpoch reads epoch seconds exactly from their decimal text, so that
// 1602873931.255 is .255 s and not the nearest float64.
func parseEpoch(s string) (time.Time, error) {
	intPart, frac, _ := strings.Cut(s, ".")
	sec, err := strconv.ParseInt(intPart, 10, 64)
	if err != nil || strings.ContainsAny(frac, "eE+-") {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) > 1e11 {
			return time.Time{}, fmt.Errorf("unrecognised timestamp %s", s)
		}
		whole, fr := math.Modf(f)
		return time.Unix(int64(whole), int64(math.Round(fr*1e9))).UTC(), nil
	}
	if sec > 1e11 || sec < -1e11 {
		return time.Time{}, fmt.Errorf("timestamp %s out of range", s)
	}
	var nsec int64
	for i := 0; i < 9; i++ {
		nsec *= 10
		if i < len(frac) {
			c := frac[i]
			if c < '0' || c > '9' {
				return time.Time{}, fmt.Errorf("unrecognised timestamp %s", s)
			}
			nsec += int64(c - '0')
		}
	}
	if strings.HasPrefix(intPart, "-") {
		nsec = -nsec
	}
	return time.Unix(sec, nsec).UTC(), nil
}
