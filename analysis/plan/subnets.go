package plan

import (
	"fmt"
	"maps"
	"math"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gluelens/gluelens/analysis/evidence"
)

// SplitGroup is one proposed subnet and the patterns that put runs in it.
// A pattern (path.Match syntax) matches a category by its name or by the
// name of any of its jobs: "ingest-*" and "ingest" both select the ingest
// category.
type SplitGroup struct {
	Subnet   string   `json:"subnet"`
	Patterns []string `json:"patterns"`
}

// ParseSplit reads "critical=ingest-*,transform-*;adhoc=export-*".
func ParseSplit(s string) ([]SplitGroup, error) {
	var out []SplitGroup
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, pats, ok := strings.Cut(part, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("reading split %q: want NAME=PATTERN[,PATTERN...] groups separated by ';'", part)
		}
		if seen[name] {
			return nil, fmt.Errorf("reading split: subnet %q named twice", name)
		}
		seen[name] = true
		g := SplitGroup{Subnet: name}
		for _, p := range strings.Split(pats, ",") {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			if _, err := path.Match(p, ""); err != nil {
				return nil, fmt.Errorf("reading split: subnet %s: bad pattern %q: %v", name, p, err)
			}
			g.Patterns = append(g.Patterns, p)
		}
		if len(g.Patterns) == 0 {
			return nil, fmt.Errorf("reading split: subnet %s lists no patterns", name)
		}
		out = append(out, g)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("reading split %q: no groups", s)
	}
	return out, nil
}

// AssignCategories resolves split groups against the demand's categories:
// category → subnet. A category matched by two groups is an error; a group
// that matches nothing is reported too.
func AssignCategories(d *Demand, groups []SplitGroup) (map[string]string, error) {
	jobs := map[string]map[string]bool{}
	for i := range d.Runs {
		r := &d.Runs[i]
		if jobs[r.Category] == nil {
			jobs[r.Category] = map[string]bool{}
		}
		jobs[r.Category][r.Job] = true
	}
	cats := make([]string, 0, len(jobs))
	for c := range jobs {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	assign := map[string]string{}
	for _, g := range groups {
		matched := false
		for _, c := range cats {
			if !groupMatches(g, c, jobs[c]) {
				continue
			}
			if prev, dup := assign[c]; dup && prev != g.Subnet {
				return nil, fmt.Errorf("category %s matches both %s and %s", c, prev, g.Subnet)
			}
			assign[c] = g.Subnet
			matched = true
		}
		if !matched {
			return nil, &evidence.Error{Msg: fmt.Sprintf("split group %s (%s) matches no category or job with recorded runs; the evidence's categories are %s (see gluelens categories)",
				g.Subnet, strings.Join(g.Patterns, ","), strings.Join(cats, ", "))}
		}
	}
	return assign, nil
}

func groupMatches(g SplitGroup, category string, jobs map[string]bool) bool {
	for _, p := range g.Patterns {
		if ok, _ := path.Match(p, category); ok {
			return true
		}
		for j := range jobs {
			if ok, _ := path.Match(p, j); ok {
				return true
			}
		}
	}
	return false
}

// SubnetProposal sizes one subnet of a proposed split.
type SubnetProposal struct {
	Subnet     string   `json:"subnet"`
	Categories []string `json:"categories"`
	Patterns   []string `json:"patterns,omitempty"`
	Runs       int      `json:"runs"`
	// PeakRecordedIPs: the most IPs the categories' recorded ENIs held at
	// once (create to delete, so linger included).
	PeakRecordedIPs int       `json:"peak_recorded_ips"`
	PeakRecordedAt  time.Time `json:"peak_recorded_at"`
	// PeakNeededIPs: the same, replayed with unlimited IPs so runs that
	// failed for lack of IPs hold what they would have needed.
	PeakNeededIPs int       `json:"peak_needed_ips"`
	PeakNeededAt  time.Time `json:"peak_needed_at"`
	HeadroomPct   float64   `json:"headroom_pct"`
	NeedIPs       int       `json:"need_ips"` // ceil(peak_needed × (1 + headroom))
	Prefix        int       `json:"prefix"`
	CIDR          string    `json:"cidr"` // "/26"
	UsableIPs     int       `json:"usable_ips"`
	// RecordedFailures: refused creates of these categories' runs in the
	// recording; ReplayFailures: refused creates in this subnet when the
	// split is replayed at the proposed size.
	RecordedFailures int `json:"recorded_failures"`
	ReplayFailures   int `json:"replay_failures"`
	FailuresAvoided  int `json:"failures_avoided"`
	ReplayPeakInUse  int `json:"replay_peak_in_use"`
	// Config is the gluelens.yaml fragment for this subnet: its
	// categories (with their recorded jobs) and its size.
	Config string `json:"config"`
}

// SubnetPlan is the outcome of ProposeSubnets: a proposal per group and
// the replay of the whole split at the proposed sizes.
type SubnetPlan struct {
	Proposals []SubnetProposal `json:"proposals"`
	Replay    *ReplayResult    `json:"replay"`
	// Config is a complete gluelens.yaml for the split: every proposal's
	// categories and sizes in one document.
	Config string `json:"config"`
	// GateFits, from ProposeSubnetsForGate: how the launch gate treated
	// each subnet's runs at the size the demand alone gives.
	GateFits []GateFit `json:"gate_fits,omitempty"`
}

// GateFit is how a launch gate treats the runs of one proposed subnet
// when the split is replayed with the gate.
type GateFit struct {
	Subnet string `json:"subnet"`
	// DemandPrefix is the size replayed: from the demand (or forced).
	DemandPrefix int `json:"demand_prefix"`
	// RunsWaited counts the runs of the subnet's categories the gate held
	// back there; WaitP50Min and WaitMaxMin are their delays.
	RunsWaited int     `json:"runs_waited"`
	WaitP50Min float64 `json:"wait_p50_minutes,omitempty"`
	WaitMaxMin float64 `json:"wait_max_minutes,omitempty"`
	// FitPrefix is the smallest size, up to MaxWiden prefixes larger, at
	// which none of them waits; 0 when none waited or no such size exists.
	FitPrefix int `json:"fit_prefix,omitempty"`
}

// MaxWiden is how many prefixes larger than its demand size
// ProposeSubnetsForGate looks for a subnet the gate holds no run back in.
const MaxWiden = 3

// Layout is the alternative that moves every proposal's categories to its
// subnet at its size.
func (sp *SubnetPlan) Layout() Alternative {
	alt := Alternative{Assign: map[string]string{}, Prefixes: map[string]int{}}
	for _, p := range sp.Proposals {
		for _, c := range p.Categories {
			alt.Assign[c] = p.Subnet
		}
		alt.Prefixes[p.Subnet] = p.Prefix
	}
	return alt
}

// ProposeSubnetsForGate sizes the split as ProposeSubnets does, then
// replays it with gate (launch thresholds per category): a subnet sized
// from the demand alone can be tight for the gate, whose threshold is a
// whole run plus what lingers, so a category waits for its own lingering
// ENIs. Each subnet whose runs the gate held back, and whose size is not
// forced in prefixes, is widened to the smallest size, up to MaxWiden
// prefixes larger, at which none of them waits. The plan is sized again
// at those sizes; GateFits says what the gate did at the demand sizes.
func ProposeSubnetsForGate(d *Demand, groups []SplitGroup, headroom float64, prefixes map[string]int, gate map[string]int) (*SubnetPlan, error) {
	sp, err := ProposeSubnets(d, groups, headroom, prefixes)
	if err != nil {
		return nil, err
	}
	alt := sp.Layout()
	alt.Gate = gate
	gated, err := Replay(d, alt)
	if err != nil {
		return nil, err
	}
	var fits []GateFit
	widened := maps.Clone(prefixes)
	if widened == nil {
		widened = map[string]int{}
	}
	wider := false
	for _, p := range sp.Proposals {
		f, err := fitGate(d, alt, gated, p)
		if err != nil {
			return nil, err
		}
		fits = append(fits, f)
		if _, forced := prefixes[p.Subnet]; f.FitPrefix != 0 && !forced {
			widened[p.Subnet] = f.FitPrefix
			wider = true
		}
	}
	if wider {
		if sp, err = ProposeSubnets(d, groups, headroom, widened); err != nil {
			return nil, err
		}
	}
	sp.GateFits = fits
	return sp, nil
}

// fitGate counts the runs of p's categories the gate held back in gated
// (the replay of alt) and, when some were, replays larger sizes of p's
// subnet, one prefix at a time, until none of them waits.
func fitGate(d *Demand, alt Alternative, gated *ReplayResult, p SubnetProposal) (GateFit, error) {
	waits := func(r *ReplayResult) (delays []float64) {
		if r.GateDelays == nil {
			return nil
		}
		for _, dr := range r.GateDelays.Delayed {
			if slices.Contains(p.Categories, dr.Category) {
				delays = append(delays, dr.DelayMin)
			}
		}
		return delays
	}
	f := GateFit{Subnet: p.Subnet, DemandPrefix: p.Prefix}
	delays := waits(gated)
	if len(delays) == 0 {
		return f, nil
	}
	f.RunsWaited, f.WaitP50Min = len(delays), round2(quantile(delays, 0.5)) // quantile sorts delays
	f.WaitMaxMin = round2(delays[len(delays)-1])
	for prefix := p.Prefix - 1; prefix >= max(MinPrefix, p.Prefix-MaxWiden); prefix-- {
		wider := alt
		wider.Prefixes = maps.Clone(alt.Prefixes)
		wider.Prefixes[p.Subnet] = prefix
		r, err := Replay(d, wider)
		if err != nil {
			return f, fmt.Errorf("replaying %s at /%d: %w", p.Subnet, prefix, err)
		}
		if len(waits(r)) == 0 {
			f.FitPrefix = prefix
			return f, nil
		}
	}
	return f, nil
}

// ProposeSubnets sizes each group's subnet to hold its peak needed IPs
// plus headroom (a fraction, 0.25 for 25 %), picks the smallest prefix
// whose usable IPs (2^(32−p) − 5) hold that, and replays the split to count
// the failures it would have avoided. prefixes overrides the computed size
// per subnet name.
func ProposeSubnets(d *Demand, groups []SplitGroup, headroom float64, prefixes map[string]int) (*SubnetPlan, error) {
	assign, err := AssignCategories(d, groups)
	if err != nil {
		return nil, err
	}
	byGroup := map[string][]string{}
	for c, s := range assign {
		byGroup[s] = append(byGroup[s], c)
	}
	sizes := map[string]int{}
	var props []SubnetProposal
	for _, g := range groups {
		cats := byGroup[g.Subnet]
		sort.Strings(cats)
		p := SubnetProposal{Subnet: g.Subnet, Categories: cats, Patterns: g.Patterns, HeadroomPct: round2(100 * headroom)}
		in := map[string]bool{}
		for _, c := range cats {
			in[c] = true
		}
		sub := &Demand{Start: d.Start, End: d.End, Subnets: map[string]SubnetInfo{}, FailAfter: d.FailAfter}
		var held []interval
		for i := range d.Runs {
			r := &d.Runs[i]
			if !in[r.Category] {
				continue
			}
			p.Runs++
			sub.Runs = append(sub.Runs, *r)
			for ai := range r.Attempts {
				a := &r.Attempts[ai]
				if a.Refused {
					p.RecordedFailures++
				}
				if a.holds() {
					from, to := r.heldInterval(a)
					held = append(held, interval{from, to, a.IPs})
				}
			}
		}
		p.PeakRecordedIPs, p.PeakRecordedAt = peakOf(held)
		alone := map[string]string{}
		for _, c := range cats {
			alone[c] = g.Subnet
		}
		free, err := Replay(sub, Alternative{Assign: alone})
		if err != nil {
			return nil, err
		}
		for _, s := range free.Subnets {
			if s.Subnet == g.Subnet {
				p.PeakNeededIPs, p.PeakNeededAt = s.PeakInUse, s.PeakAt
			}
		}
		p.NeedIPs = int(math.Ceil(float64(p.PeakNeededIPs)*(1+headroom) - 1e-9))
		prefix, ok := SmallestPrefix(p.NeedIPs)
		if !ok {
			return nil, fmt.Errorf("sizing subnet %s: %d IPs do not fit in a /%d", g.Subnet, p.NeedIPs, MinPrefix)
		}
		if o, ok := prefixes[g.Subnet]; ok {
			prefix = o
		}
		p.Prefix, p.CIDR, p.UsableIPs = prefix, fmt.Sprintf("/%d", prefix), UsableIPs(prefix)
		sizes[g.Subnet] = prefix
		p.Config = configYAML([]SubnetProposal{{Subnet: g.Subnet, Categories: cats, Prefix: prefix}}, jobsOf(d))
		props = append(props, p)
	}
	rep, err := Replay(d, Alternative{Assign: assign, Prefixes: sizes})
	if err != nil {
		return nil, err
	}
	for i := range props {
		for _, s := range rep.Subnets {
			if s.Subnet == props[i].Subnet {
				props[i].ReplayFailures = s.Failures
				props[i].ReplayPeakInUse = s.PeakInUse
			}
		}
		props[i].FailuresAvoided = max(0, props[i].RecordedFailures-props[i].ReplayFailures)
	}
	return &SubnetPlan{Proposals: props, Replay: rep, Config: configYAML(props, jobsOf(d))}, nil
}

// jobsOf lists each category's recorded job names, sorted.
func jobsOf(d *Demand) map[string][]string {
	seen := map[string]bool{}
	out := map[string][]string{}
	for i := range d.Runs {
		r := &d.Runs[i]
		if !seen[r.Job] {
			seen[r.Job] = true
			out[r.Category] = append(out[r.Category], r.Job)
		}
	}
	for c := range out {
		sort.Strings(out[c])
	}
	return out
}

// configYAML is the gluelens.yaml text placing each proposal's categories
// (matched by their recorded job names) in its subnet, with its size.
func configYAML(props []SubnetProposal, jobs map[string][]string) string {
	var b strings.Builder
	b.WriteString("categories:\n")
	for _, p := range props {
		for _, c := range p.Categories {
			quoted := make([]string, len(jobs[c]))
			for i, j := range jobs[c] {
				quoted[i] = strconv.Quote(j)
			}
			fmt.Fprintf(&b, "  - name: %s\n    jobs: [%s]\n    subnet: %s\n", strconv.Quote(c), strings.Join(quoted, ", "), strconv.Quote(p.Subnet))
		}
	}
	b.WriteString("subnets:\n")
	for _, p := range props {
		fmt.Fprintf(&b, "  %s: /%d\n", strconv.Quote(p.Subnet), p.Prefix)
	}
	return b.String()
}
