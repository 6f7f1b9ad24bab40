package plan

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ThresholdOptions tune Thresholds.
type ThresholdOptions struct {
	// Window is the trailing window ending at End (default 14 days).
	Window time.Duration
	// End ends the window; zero (or a time after the evidence) means the
	// evidence end. A report on a past incident or week passes its end, so
	// that evidence added later (the weeks after a fix) changes nothing.
	End time.Time
	// Buffer is a fixed buffer in IPs, or -1 for the lingering buffer.
	Buffer int
	// ComputedAt stamps the result (the CLI passes its clock).
	ComputedAt time.Time
}

// Threshold is the launch rule for one job category: a run of Category may
// start only when its subnet has at least Threshold free IPs, where
//
//	Threshold = MaxIPsPerRun + Buffer
//
// MaxIPsPerRun is the most IPs one run of the category asked for in the
// window (for runs that failed for lack of IPs: what they would have
// needed, NumberOfWorkers ENIs). With the "lingering" rule Buffer is the
// most IPs the category's own ENIs were still holding after their run had
// completed, seen at any launch of the category in the window: the IPs a
// launcher that counts only running runs cannot see.
type Threshold struct {
	Category           string    `json:"category"`
	Subnets            []string  `json:"subnets"`
	WindowDays         float64   `json:"window_days"`
	WindowStart        time.Time `json:"window_start"`
	WindowEnd          time.Time `json:"window_end"`
	Runs               int       `json:"runs"`
	RunsFailedForIPs   int       `json:"runs_failed_for_ips"`
	MaxIPsPerRun       int       `json:"max_enis_per_run"`
	P95IPsPerRun       float64   `json:"p95_enis_per_run"`
	LingerSamples      int       `json:"linger_samples"`
	LingerP50Min       float64   `json:"linger_p50_minutes"`
	LingerP95Min       float64   `json:"linger_p95_minutes"`
	LingerMaxMin       float64   `json:"linger_max_minutes"`
	PeakConcurrentENIs int       `json:"peak_concurrent_enis"`
	PeakAt             time.Time `json:"peak_at"`
	BufferRule         string    `json:"buffer_rule"` // lingering | fixed
	Buffer             int       `json:"buffer"`
	Threshold          int       `json:"threshold"`
	// MaxRun is the run behind MaxIPsPerRun (the first of the window to
	// ask for that many), MaxRunStart its start.
	MaxRun      string    `json:"max_run_id"`
	MaxRunStart time.Time `json:"max_run_start"`
	// BufferAt is the launch of the category at which its lingering ENIs
	// held Buffer IPs (nil for a fixed or zero buffer).
	BufferAt *time.Time `json:"buffer_at,omitempty"`
	// EvidenceStart and EvidenceEnd are the part of the window the
	// evidence covers (up to the window end, or, when the window is cut
	// before the evidence ends, to the last run activity or ENI hold before
	// the cut), EvidenceHours its length: the maxima above are over those
	// hours only, however long the window.
	EvidenceStart time.Time `json:"evidence_start"`
	EvidenceEnd   time.Time `json:"evidence_end"`
	EvidenceHours float64   `json:"evidence_hours"`
	// The threshold's rule in a sentence (where each part comes from and
	// the span behind it) is reports/words.ThresholdRule; its JSON, CSV
	// and --wide forms carry it as "rule" before computed_at, and the
	// DynamoDB item as its rule attribute.
	ComputedAt time.Time `json:"computed_at"`
}

// Thresholds computes the launch threshold of every category with runs in
// the window, sorted by category.
func Thresholds(d *Demand, opt ThresholdOptions) []Threshold {
	if opt.Window <= 0 {
		opt.Window = 14 * 24 * time.Hour
	}
	winEnd := d.End
	if !opt.End.IsZero() && opt.End.Before(winEnd) {
		winEnd = opt.End
	}
	winStart := winEnd.Add(-opt.Window)
	type acc struct {
		t       Threshold
		ips     []float64
		lingers []float64
		subnets map[string]bool
		held    []interval // ENIs of the category, recorded
		linger  []interval // the same ENIs from their run's completion
		starts  []time.Time
	}
	cats := map[string]*acc{}
	for i := range d.Runs {
		r := &d.Runs[i]
		if r.Start.Before(winStart) || r.Start.After(winEnd) {
			continue
		}
		c := cats[r.Category]
		if c == nil {
			c = &acc{subnets: map[string]bool{}}
			c.t.Category = r.Category
			cats[r.Category] = c
		}
		c.t.Runs++
		if r.FailedForIPs {
			c.t.RunsFailedForIPs++
		}
		c.subnets[r.Subnet] = true
		ips := r.IntendedIPs()
		c.ips = append(c.ips, float64(ips))
		if ips > c.t.MaxIPsPerRun || c.t.MaxRun == "" {
			c.t.MaxIPsPerRun, c.t.MaxRun, c.t.MaxRunStart = ips, r.ID, r.Start
		}
		c.starts = append(c.starts, r.Start)
		for ai := range r.Attempts {
			a := &r.Attempts[ai]
			if !a.holds() {
				continue
			}
			from, to := r.heldInterval(a)
			c.held = append(c.held, interval{from, to, a.IPs})
			end := r.RecordedEnd
			if end.IsZero() {
				continue // still running at the evidence end: nothing lingers yet
			}
			if !a.Kept {
				c.lingers = append(c.lingers, a.Linger.Minutes())
			}
			if to.IsZero() || to.After(end) {
				c.linger = append(c.linger, interval{end, to, a.IPs})
			}
		}
	}
	evStart, evEnd := d.Start, winEnd
	if evStart.Before(winStart) {
		evStart = winStart
	}
	if winEnd.Before(d.End) {
		// A window cut before the evidence end (a report's end) may end in
		// a stretch without evidence: its evidence ends with the last run
		// activity or ENI hold before the cut.
		evEnd = lastActivity(d, winEnd)
	}
	out := make([]Threshold, 0, len(cats))
	for _, c := range cats {
		t := c.t
		t.WindowDays = round2(opt.Window.Hours() / 24)
		t.WindowStart, t.WindowEnd = winStart, winEnd
		t.EvidenceStart, t.EvidenceEnd = evStart, evEnd
		t.EvidenceHours = round2(evEnd.Sub(evStart).Hours())
		for s := range c.subnets {
			t.Subnets = append(t.Subnets, s)
		}
		sort.Strings(t.Subnets)
		t.P95IPsPerRun = round2(quantile(c.ips, 0.95))
		t.LingerSamples = len(c.lingers)
		if len(c.lingers) > 0 {
			t.LingerP50Min = round2(quantile(c.lingers, 0.5))
			t.LingerP95Min = round2(quantile(c.lingers, 0.95))
			t.LingerMaxMin = round2(c.lingers[len(c.lingers)-1])
		}
		t.PeakConcurrentENIs, t.PeakAt = peakOf(c.held)
		if opt.Buffer < 0 {
			t.BufferRule = "lingering"
			var at time.Time
			if t.Buffer, at = maxAtInstants(c.linger, c.starts); t.Buffer > 0 {
				t.BufferAt = &at
			}
		} else {
			t.BufferRule = "fixed"
			t.Buffer = opt.Buffer
		}
		t.Threshold = t.MaxIPsPerRun + t.Buffer
		t.ComputedAt = opt.ComputedAt.UTC()
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Category < out[j].Category })
	return out
}

// lastActivity is the latest instant at or before cut at which a run
// starts or ends or an ENI of the demand is created or deleted; the
// evidence start when there is none.
func lastActivity(d *Demand, cut time.Time) time.Time {
	last := d.Start
	see := func(t time.Time) {
		if !t.IsZero() && !t.After(cut) && t.After(last) {
			last = t
		}
	}
	for i := range d.Runs {
		r := &d.Runs[i]
		see(r.Start)
		see(r.RecordedEnd)
		for ai := range r.Attempts {
			if a := &r.Attempts[ai]; a.holds() {
				from, to := r.heldInterval(a)
				see(from)
				see(to)
			}
		}
	}
	for _, h := range d.Background {
		see(h.From)
		see(h.To)
	}
	return last
}

// GateOf turns thresholds into a replay gate.
func GateOf(ts []Threshold) map[string]int {
	g := make(map[string]int, len(ts))
	for _, t := range ts {
		g[t.Category] = t.Threshold
	}
	return g
}

// interval holds ips over [from, to); to zero = open-ended.
type interval struct {
	from, to time.Time
	ips      int
}

// peakOf returns the most IPs held at once and the first instant it is
// reached; at equal instants releases apply before takes.
func peakOf(iv []interval) (int, time.Time) {
	type step struct {
		at    int64
		delta int
	}
	steps := make([]step, 0, 2*len(iv))
	for _, x := range iv {
		steps = append(steps, step{x.from.UnixNano(), x.ips})
		if !x.to.IsZero() {
			steps = append(steps, step{x.to.UnixNano(), -x.ips})
		}
	}
	sort.Slice(steps, func(i, j int) bool {
		if steps[i].at != steps[j].at {
			return steps[i].at < steps[j].at
		}
		return steps[i].delta < steps[j].delta
	})
	cur, peak := 0, 0
	var at int64
	for _, s := range steps {
		cur += s.delta
		if cur > peak {
			peak, at = cur, s.at
		}
	}
	if peak == 0 {
		return 0, time.Time{}
	}
	return peak, time.Unix(0, at).UTC()
}

// maxAtInstants returns the most IPs the intervals hold at any of the
// instants (an interval [from, to) holds at t when from ≤ t < to), and the
// first instant they hold that many.
func maxAtInstants(iv []interval, instants []time.Time) (int, time.Time) {
	// Sweep: at one instant, ends apply first (to is exclusive), then
	// starts (from is inclusive), then the query.
	type step struct {
		at    int64
		order int // 0 end, 1 start, 2 query
		delta int
	}
	steps := make([]step, 0, 2*len(iv)+len(instants))
	for _, x := range iv {
		steps = append(steps, step{x.from.UnixNano(), 1, x.ips})
		if !x.to.IsZero() {
			steps = append(steps, step{x.to.UnixNano(), 0, -x.ips})
		}
	}
	for _, t := range instants {
		steps = append(steps, step{t.UnixNano(), 2, 0})
	}
	sort.Slice(steps, func(i, j int) bool {
		if steps[i].at != steps[j].at {
			return steps[i].at < steps[j].at
		}
		return steps[i].order < steps[j].order
	})
	cur, best := 0, 0
	var at int64
	for _, s := range steps {
		cur += s.delta
		if s.order == 2 && cur > best {
			best, at = cur, s.at
		}
	}
	if best == 0 {
		return 0, time.Time{}
	}
	return best, time.Unix(0, at).UTC()
}

// DynamoDBBatchSize is the most put requests BatchWriteItem accepts.
const DynamoDBBatchSize = 25

// RuleWords words a threshold's rule for the DynamoDB item's rule
// attribute; the command passes reports/words.ThresholdRule.
type RuleWords func(Threshold) string

// DynamoDBItem is one threshold in DynamoDB's attribute-value JSON, with
// rule, the threshold in a sentence, as its rule attribute. Its
// plan_version is the plan's computed_at in Unix milliseconds; with
// window_end (the end of the evidence window it came from) it orders plans:
// a publisher never replaces an item of a later window, or of the same
// window and a later version.
func DynamoDBItem(t Threshold, rule string) map[string]any {
	n := func(v float64) map[string]string { return map[string]string{"N": strconv.FormatFloat(v, 'f', -1, 64)} }
	s := func(v string) map[string]string { return map[string]string{"S": v} }
	item := map[string]any{
		"pk":                   s("category#" + t.Category),
		"category":             s(t.Category),
		"threshold":            n(float64(t.Threshold)),
		"window_days":          n(t.WindowDays),
		"computed_at":          s(t.ComputedAt.Format(time.RFC3339)),
		"plan_version":         n(float64(t.ComputedAt.UnixMilli())),
		"window_start":         s(t.WindowStart.UTC().Format(time.RFC3339)),
		"window_end":           s(t.WindowEnd.UTC().Format(time.RFC3339)),
		"runs":                 n(float64(t.Runs)),
		"runs_failed_for_ips":  n(float64(t.RunsFailedForIPs)),
		"max_enis_per_run":     n(float64(t.MaxIPsPerRun)),
		"p95_enis_per_run":     n(t.P95IPsPerRun),
		"linger_p50_minutes":   n(t.LingerP50Min),
		"linger_p95_minutes":   n(t.LingerP95Min),
		"linger_max_minutes":   n(t.LingerMaxMin),
		"peak_concurrent_enis": n(float64(t.PeakConcurrentENIs)),
		"buffer":               n(float64(t.Buffer)),
		"buffer_rule":          s(t.BufferRule),
		"rule":                 s(rule),
	}
	if len(t.Subnets) > 0 {
		item["subnets"] = map[string][]string{"SS": t.Subnets}
	}
	return item
}

// DynamoDBRequests splits the thresholds into BatchWriteItem request
// documents of at most 25 put requests each, for the given table; rule
// words each item's rule attribute.
func DynamoDBRequests(table string, ts []Threshold, rule RuleWords) []map[string]any {
	var out []map[string]any
	for lo := 0; lo < len(ts); lo += DynamoDBBatchSize {
		hi := min(lo+DynamoDBBatchSize, len(ts))
		puts := make([]any, 0, hi-lo)
		for _, t := range ts[lo:hi] {
			puts = append(puts, map[string]any{"PutRequest": map[string]any{"Item": DynamoDBItem(t, rule(t))}})
		}
		out = append(out, map[string]any{table: puts})
	}
	return out
}

// WriteDynamoDB writes the request documents for
// `aws dynamodb batch-write-item --request-items file://FILE`: the first
// batch to file, batch k ≥ 2 to file with "-k" before the extension. It
// returns the files written. rule words each item's rule attribute.
func WriteDynamoDB(file, table string, ts []Threshold, rule RuleWords) ([]string, error) {
	reqs := DynamoDBRequests(table, ts, rule)
	if len(reqs) == 0 {
		return nil, fmt.Errorf("writing %s: no thresholds to write (no runs in the window)", file)
	}
	ext := filepath.Ext(file)
	base := strings.TrimSuffix(file, ext)
	var files []string
	for i, req := range reqs {
		name := file
		if i > 0 {
			name = fmt.Sprintf("%s-%d%s", base, i+1, ext)
		}
		b, err := json.MarshalIndent(req, "", "  ")
		if err != nil {
			return files, fmt.Errorf("writing %s: %w", name, err)
		}
		if err := os.WriteFile(name, append(b, '\n'), 0o644); err != nil {
			return files, fmt.Errorf("writing %s: %w", name, err)
		}
		files = append(files, name)
	}
	return files, nil
}
