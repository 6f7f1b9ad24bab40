package report

import (
	"math"
	"sort"
	"time"
)

// Point is one sample of a time series. For step series the value holds
// from At until the next point.
type Point struct {
	At    time.Time `json:"at"`
	Value float64   `json:"value"`
}

// Bucket is one bar of a histogram: Count values in [Lo, Hi).
type Bucket struct {
	Lo    float64 `json:"lo"`
	Hi    float64 `json:"hi"`
	Count int     `json:"count"`
}

// Percentiles summarises a sample: P50 and P95 interpolate linearly
// between closest ranks (numpy's default, DuckDB quantile_cont).
type Percentiles struct {
	Count int `json:"count"`
	// Ambiguous of the Count values rest on an ENI whose run attribution
	// is ambiguous (linger statistics).
	Ambiguous int      `json:"ambiguous"`
	P50       *float64 `json:"p50"`
	P95       *float64 `json:"p95"`
	Max       *float64 `json:"max"`
}

// percentiles sorts xs in place and summarises it.
func percentiles(xs []float64) Percentiles {
	p := Percentiles{Count: len(xs)}
	if len(xs) == 0 {
		return p
	}
	sort.Float64s(xs)
	p50, p95, mx := quantile(xs, 0.5), quantile(xs, 0.95), xs[len(xs)-1]
	p.P50, p.P95, p.Max = &p50, &p95, &mx
	return p
}

// quantile of sorted xs with linear interpolation: position q·(n−1).
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 1 {
		return sorted[0]
	}
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	return sorted[lo] + (sorted[hi]-sorted[lo])*(pos-float64(lo))
}

// histogram counts xs into buckets of width step, from the multiple of
// step at or below the smallest value; negative values count as 0. With no
// values it returns nil.
func histogram(xs []float64, step float64) []Bucket {
	if len(xs) == 0 || step <= 0 {
		return nil
	}
	lo, hi := math.Inf(1), 0.0
	for _, x := range xs {
		x = math.Max(x, 0)
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	first := int(lo / step)
	out := make([]Bucket, int(hi/step)-first+1)
	for i := range out {
		out[i].Lo, out[i].Hi = float64(first+i)*step, float64(first+i+1)*step
	}
	for _, x := range xs {
		out[int(math.Max(x, 0)/step)-first].Count++
	}
	return out
}

// niceStep picks a bucket width of 1, 2 or 5 × 10^k so that [0, max]
// spans at most about target buckets.
func niceStep(max float64, target int) float64 {
	if max <= 0 || target <= 0 {
		return 1
	}
	raw := max / float64(target)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			return m * mag
		}
	}
	return 10 * mag
}

// step is one constant stretch of a step series, [from, to).
type step struct {
	from, to time.Time
	value    float64
}

// secondsAtOrAbove sums the seconds the series held a value ≥ level.
func secondsAtOrAbove(steps []step, level float64) float64 {
	s := 0.0
	for _, st := range steps {
		if st.value >= level {
			s += st.to.Sub(st.from).Seconds()
		}
	}
	return s
}

// timeWeightedQuantile is the smallest value v such that the series held a
// value ≤ v for at least q of the time (0 when the steps cover no time).
func timeWeightedQuantile(steps []step, q float64) float64 {
	type vd struct{ v, d float64 }
	var xs []vd
	total := 0.0
	for _, st := range steps {
		d := st.to.Sub(st.from).Seconds()
		if d <= 0 {
			continue
		}
		xs = append(xs, vd{st.value, d})
		total += d
	}
	if total == 0 {
		return 0
	}
	sort.Slice(xs, func(i, j int) bool { return xs[i].v < xs[j].v })
	acc := 0.0
	for _, x := range xs {
		acc += x.d
		if acc >= q*total-1e-9 {
			return x.v
		}
	}
	return xs[len(xs)-1].v
}

// downsampleSteps keeps every change point of a step series when there
// are at most max points; otherwise it divides [first, last] into max
// equal buckets and keeps, per bucket, its start and the highest value
// held in it — a conservative outline that never hides a peak.
func downsampleSteps(pts []Point, max int) []Point {
	if max < 2 || len(pts) <= max {
		return pts
	}
	t0, t1 := pts[0].At, pts[len(pts)-1].At
	span := t1.Sub(t0)
	width := span / time.Duration(max)
	if width <= 0 {
		return pts[:max]
	}
	out := make([]Point, 0, max+1)
	cur := pts[0].Value // value in effect entering the bucket
	i := 0
	for b := 0; b < max; b++ {
		bs := t0.Add(time.Duration(b) * width)
		be := bs.Add(width)
		if b == max-1 {
			be = t1.Add(1)
		}
		hi := cur
		for i < len(pts) && pts[i].At.Before(be) {
			cur = pts[i].Value
			hi = math.Max(hi, cur)
			i++
		}
		if n := len(out); n > 0 && out[n-1].Value == hi {
			continue
		}
		out = append(out, Point{At: bs, Value: hi})
	}
	if last := pts[len(pts)-1]; out[len(out)-1].At.Before(last.At) {
		out = append(out, Point{At: last.At, Value: last.Value})
	}
	return out
}
