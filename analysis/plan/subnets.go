package plan

import (
	"fmt"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
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
			return nil, fmt.Errorf("split group %s (%s) matches no category with recorded runs", g.Subnet, strings.Join(g.Patterns, ","))
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
