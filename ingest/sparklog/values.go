package sparklog

import (
	"fmt"
	"math"
	"time"
)

// Values Spark never writes. Spark writes ids, indexes, attempts and core
// counts as Scala Int (32 bits: the INTEGER columns) and task ids, metrics
// and times as Long (BIGINT, TIMESTAMP); metrics (bytes, records, times)
// are never negative. A value outside that — a stage id of 2³¹, a negative
// byte count — is not wrapped, clamped or kept: it is stored as NULL, so
// no sum or chart uses it, and counted. The object gets one warning per
// kind in ingest_issues, naming the first value, its field and line.
//
// An id that is part of a row's key (a stage's "Stage ID" and "Stage
// Attempt ID", a job's "Job ID") cannot be NULL: its line is bad instead.

// maxMillis is the last millisecond of year 9999, past which a Spark
// timestamp is refused (DuckDB's TIMESTAMP and Spark's own UI stop there).
const maxMillis = 253402300799999

// valueIssues counts the values of one log stored as NULL.
type valueIssues struct {
	outOfRange, negative           int64
	firstOutOfRange, firstNegative string
}

// outsideInt returns an error naming field when v (not absent) does not
// fit Spark's Int, for ids that are part of a row's key.
func outsideInt(field string, v int64) error {
	if v != absent && (v < math.MinInt32 || v > math.MaxInt32) {
		return fmt.Errorf("%q %d is outside Spark's Int range (32 bits)", field, v)
	}
	return nil
}

// int32Of points p at v for an INTEGER column, or is nil (NULL) when v is
// absent or, counted, outside Spark's Int range.
func (d *decoder) int32Of(p *int32, field string, v int64) *int32 {
	if v == absent {
		return nil
	}
	if v < math.MinInt32 || v > math.MaxInt32 {
		d.vals.outOfRange++
		if d.vals.firstOutOfRange == "" {
			d.vals.firstOutOfRange = fmt.Sprintf("line %d: %q %d is outside Spark's Int range", d.line, field, v)
		}
		return nil
	}
	*p = int32(v)
	return p
}

// metric points p at v for a metric column, or is nil (NULL) when v is
// absent or, counted, negative.
func (d *decoder) metric(p *int64, field string, v int64) *int64 {
	if v == absent {
		return nil
	}
	if v < 0 {
		d.vals.negative++
		if d.vals.firstNegative == "" {
			d.vals.firstNegative = fmt.Sprintf("line %d: %q %d", d.line, field, v)
		}
		return nil
	}
	*p = v
	return p
}

// optTime points p at Spark's epoch milliseconds ms, or is nil (NULL) for
// 0, absent and (counted) a time past year 9999.
func (d *decoder) optTime(p *time.Time, field string, ms int64) *time.Time {
	if ms <= 0 {
		return nil
	}
	if ms > maxMillis {
		d.vals.outOfRange++
		if d.vals.firstOutOfRange == "" {
			d.vals.firstOutOfRange = fmt.Sprintf("line %d: %q %d ms is past year 9999", d.line, field, ms)
		}
		return nil
	}
	*p = time.UnixMilli(ms).UTC()
	return p
}

// msTime is optTime for a new time value.
func (d *decoder) msTime(field string, ms int64) *time.Time {
	return d.optTime(new(time.Time), field, ms)
}

// warnValues adds the object's warnings for values stored as NULL.
func (d *decoder) warnValues() {
	if n := d.vals.outOfRange; n > 0 {
		d.out.Warn(-1, fmt.Sprintf("%d value(s) outside the range Spark writes stored as NULL (the first: %s)", n, d.vals.firstOutOfRange))
	}
	if n := d.vals.negative; n > 0 {
		d.out.Warn(-1, fmt.Sprintf("%d negative metric value(s) stored as NULL: Spark never writes a negative byte, record or time count (the first: %s)", n, d.vals.firstNegative))
	}
}

// stageKeyOK checks a stage event's key: "Stage ID" present, and both it
// and "Stage Attempt ID" within Spark's Int.
func stageKeyOK(s *stageInfo) error {
	if err := requireID("Stage ID", s.StageID); err != nil {
		return err
	}
	if err := outsideInt("Stage ID", s.StageID); err != nil {
		return err
	}
	return outsideInt("Stage Attempt ID", s.StageAttempt)
}

// jobKeyOK checks a job event's "Job ID": present and within Spark's Int.
func jobKeyOK(id int64) error {
	if err := requireID("Job ID", id); err != nil {
		return err
	}
	return outsideInt("Job ID", id)
}
