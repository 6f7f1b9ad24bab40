package report

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/gluelens/gluelens/internal/config"
	"github.com/gluelens/gluelens/internal/store"
)

// Capacity is the capacity report over one window: how full each subnet
// ran, who used the IPs, how the week compares with the weeks before, how
// close Spark executors came to their disk, and what to change.
type Capacity struct {
	Header  Header           `json:"header"`
	Summary Summary          `json:"summary"`
	Subnets []SubnetCapacity `json:"subnets"`
	Jobs    []Consumer       `json:"top_jobs"`
	// BySubnet lists the top jobs in each subnet, the subnets in the
	// order of Subnets (most troubled first).
	BySubnet   []SubnetConsumers  `json:"consumers_by_subnet"`
	Categories []Consumer         `json:"categories"`
	Trend      []TrendWeek        `json:"trend"`
	Disk       []ExecutorPressure `json:"disk_pressure"`
	// DiskFailures counts tasks, executors, stages and runs lost to a full
	// disk in the window.
	DiskFailures int `json:"disk_failures"`
	Actions      Fix `json:"actions"`
}

// SubnetCapacity is one subnet's occupancy over the window. Percentages
// are of the usable IPs and nil when the subnet's CIDR is unknown.
type SubnetCapacity struct {
	SubnetID string `json:"subnet_id"`
	// Name is the subnet's Name tag.
	Name          string      `json:"name,omitempty"`
	CIDR          string      `json:"cidr"`
	UsableIPs     *int64      `json:"usable_ips"`
	PeakInUse     int64       `json:"peak_in_use"`
	PeakAt        *time.Time  `json:"peak_at"`
	P95InUse      float64     `json:"p95_in_use"` // time-weighted: exceeded 5 % of the time
	PeakPct       *float64    `json:"peak_utilization_pct"`
	P95Pct        *float64    `json:"p95_utilization_pct"`
	HoursAbove80  *float64    `json:"hours_at_or_above_80pct"`
	HoursAbove90  *float64    `json:"hours_at_or_above_90pct"`
	FailedCreates int64       `json:"failed_creates"`
	Linger        Percentiles `json:"linger_minutes"`
	Occupancy     []Point     `json:"occupancy"`
	// RefusedAt lists the refused creates' instants.
	RefusedAt []time.Time `json:"refused_at"`
}

// SubnetConsumers is the jobs (and non-Glue requesters) that held IPs in
// one subnet, most IP-hours first.
type SubnetConsumers struct {
	SubnetID string     `json:"subnet_id"`
	Name     string     `json:"name,omitempty"`
	Jobs     []Consumer `json:"jobs"`
	// More counts the consumers left out of Jobs.
	More int `json:"more"`
}

// Consumer is a job, a category or a non-Glue requester and the IPs it
// held in the window.
type Consumer struct {
	Name          string   `json:"name"`
	Category      string   `json:"category,omitempty"`
	Subnets       []string `json:"subnets"`
	Runs          int64    `json:"runs"`
	ENIs          int64    `json:"enis"`
	IPHours       float64  `json:"ip_hours"`
	LingerIPHours float64  `json:"linger_ip_hours"` // held after the run had completed
}

// TrendWeek is one subnet in one earlier (or the current) window of the
// same length. reports/words labels the window (TrendLabel).
type TrendWeek struct {
	// Offset counts the windows back from the report's own (0: this one).
	Offset int `json:"-"`
	// Year and Week are the window's ISO week when the window is a
	// calendar week (seven days from a Monday); zero otherwise.
	Year          int      `json:"-"`
	Week          int      `json:"-"`
	From          string   `json:"from"`
	SubnetID      string   `json:"subnet_id"`
	PeakInUse     int64    `json:"peak_in_use"`
	PeakPct       *float64 `json:"peak_utilization_pct"`
	FailedCreates int64    `json:"failed_creates"`
}

// trendWindows is how many earlier windows the trend looks back.
const trendWindows = 4

// BuildCapacity assembles the capacity report for [from, to).
func BuildCapacity(ctx context.Context, st *store.Store, from, to time.Time, o Options) (*Capacity, error) {
	from, to = from.UTC(), to.UTC()
	if !to.After(from) {
		return nil, fmt.Errorf("building the capacity report: the window %s – %s is empty", from.Format(errorStamp), to.Format(errorStamp))
	}
	c := &Capacity{}
	start, _, err := evidenceBounds(ctx, st)
	if err != nil {
		return nil, err
	}
	span := to.Sub(from)
	earlier := 0
	for earlier < trendWindows && !start.IsZero() && start.Before(from.Add(-time.Duration(earlier)*span)) {
		earlier++
	}
	pd := loadDemand(ctx, st, o)
	defer pd.wait()
	ev, err := loadEvidence(ctx, st, Span{From: from.Add(-time.Duration(earlier) * span), To: to}, countsOnly)
	if err != nil {
		return nil, err
	}
	steps := ev.steps(from, to)
	failed := ev.failedCreates(from, to)
	ids := map[string]bool{}
	for id := range steps {
		ids[id] = true
	}
	for id := range failed {
		ids[id] = true
	}
	troubled := map[string]bool{} // subnets at 80 % or more, or with refused creates: the IP advice is about them
	for id := range ids {
		ss := steps[id]
		peak, peakAt := peakOf(ss)
		if peak == 0 && failed[id] == 0 {
			continue // no ENI held IPs here in the window
		}
		sc := SubnetCapacity{
			SubnetID: id, Name: ev.name(id), CIDR: ev.cidr(id), UsableIPs: ev.usable(id), RefusedAt: ev.refusedAt(id, from, to),
			PeakInUse: peak, FailedCreates: failed[id],
			P95InUse:  timeWeightedQuantile(ss, 0.95),
			Linger:    ev.lingerStats(from, to, id),
			Occupancy: downsampleSteps(stepPoints(ss), o.maxPoints()),
		}
		if len(ss) > 0 {
			sc.PeakAt = ptr(peakAt)
		}
		if u := deref(sc.UsableIPs); u > 0 {
			f := float64(u)
			sc.PeakPct = ptr(100 * float64(peak) / f)
			sc.P95Pct = ptr(100 * sc.P95InUse / f)
			sc.HoursAbove80 = ptr(secondsAtOrAbove(ss, 0.8*f) / 3600)
			sc.HoursAbove90 = ptr(secondsAtOrAbove(ss, 0.9*f) / 3600)
			if *sc.PeakPct >= 80 {
				troubled[id] = true
			}
		}
		if sc.FailedCreates > 0 {
			troubled[id] = true
		}
		c.Subnets = append(c.Subnets, sc)
	}
	sort.Slice(c.Subnets, func(i, j int) bool {
		a, b := c.Subnets[i], c.Subnets[j]
		if a.FailedCreates != b.FailedCreates {
			return a.FailedCreates > b.FailedCreates
		}
		if a.PeakInUse != b.PeakInUse {
			return a.PeakInUse > b.PeakInUse
		}
		return a.SubnetID < b.SubnetID
	})
	c.consumers(ev, from, to, o)
	c.Trend = trend(ev, from, to, earlier)
	press, err := diskPressure(ctx, st, from, to, "")
	if err != nil {
		return nil, err
	}
	if len(press) > 20 {
		press = press[:20]
	}
	c.Disk = press
	df, err := diskFailures(ctx, st, from, to, "")
	if err != nil {
		return nil, err
	}
	c.DiskFailures = len(df)
	if len(troubled) > 0 {
		if c.Actions.Advice, err = ipAdvice(pd, troubled, to, o); err != nil {
			return nil, err
		}
	}
	if err := c.diskActions(ctx, st, o.Config, df); err != nil {
		return nil, err
	}
	rank(c.Actions.Advice)
	sources, err := loadSources(ctx, st)
	if err != nil {
		return nil, err
	}
	c.Summary = capacitySummary(c, df)
	c.Header = Header{
		Kind: "capacity", GeneratedAt: o.Now.UTC(),
		Version: o.Version, Database: databaseName(st.Path()), From: from, To: to, Sources: sources,
	}
	if err = c.Header.restOn(ctx, st, from, to); err != nil {
		return nil, err
	}
	return c, nil
}

// maxAdvisedApps bounds how many Spark applications get advice.
const maxAdvisedApps = 3

// diskActions advises the applications that lost work to a full disk or
// came within 20 % of it, worst first.
func (c *Capacity) diskActions(ctx context.Context, st *store.Store, cfg *config.Config, fails []DiskFailure) error {
	seen := map[[2]string]bool{}
	var apps [][2]string
	label := map[[2]string]string{}
	for _, f := range fails {
		if f.AppID != nil {
			k := [2]string{*f.AppID, deref(f.AttemptID)}
			if !seen[k] {
				seen[k] = true
				apps = append(apps, k)
			}
		}
	}
	for _, p := range c.Disk {
		k := [2]string{p.AppID, p.AttemptID}
		label[k] = deref(p.JobName)
		if !seen[k] && p.ShareUsed != nil && *p.ShareUsed >= 0.8 {
			seen[k] = true
			apps = append(apps, k)
		}
	}
	if len(apps) > maxAdvisedApps {
		apps = apps[:maxAdvisedApps]
	}
	for _, k := range apps {
		name := label[k]
		if name == "" {
			name = k[0]
		}
		adv, err := sparkAdvice(ctx, st, cfg, k[0], k[1], name+": ")
		if err != nil {
			return err
		}
		c.Actions.Advice = append(c.Actions.Advice, adv...)
	}
	return nil
}

// topJobs is how many jobs the report lists; topJobsPerSubnet how many
// per subnet.
const (
	topJobs          = 15
	topJobsPerSubnet = 8
)

func (c *Capacity) consumers(ev *evidence, from, to time.Time, o Options) {
	rows := ev.consumers(from, to)
	jobs := map[string]*Consumer{}
	cats := map[string]*Consumer{}
	add := func(m map[string]*Consumer, name, cat string, r consumerRow) {
		x := m[name]
		if x == nil {
			x = &Consumer{Name: name, Category: cat}
			m[name] = x
		}
		x.Runs += r.Runs
		x.ENIs += r.ENIs
		x.IPHours += r.IPHours
		x.LingerIPHours += r.LingerIPHours
		for _, s := range x.Subnets {
			if s == r.SubnetID {
				return
			}
		}
		x.Subnets = append(x.Subnets, r.SubnetID)
		sort.Strings(x.Subnets)
	}
	for _, r := range rows {
		name, cat := r.JobName, ""
		if name == "" {
			name = "(" + orDefault(r.Requester, "unknown") + " ENIs)"
			cat = name
		} else {
			cat = o.category(name)
		}
		add(jobs, name, cat, r)
		add(cats, cat, "", r)
	}
	per := map[string]map[string]*Consumer{}
	for _, r := range rows {
		name, cat := r.JobName, ""
		if name == "" {
			name = "(" + orDefault(r.Requester, "unknown") + " ENIs)"
			cat = name
		} else {
			cat = o.category(name)
		}
		if per[r.SubnetID] == nil {
			per[r.SubnetID] = map[string]*Consumer{}
		}
		add(per[r.SubnetID], name, cat, r)
	}
	for _, sc := range c.Subnets {
		m := per[sc.SubnetID]
		if len(m) == 0 {
			continue
		}
		g := SubnetConsumers{SubnetID: sc.SubnetID, Name: sc.Name, Jobs: sortConsumers(m)}
		if len(g.Jobs) > topJobsPerSubnet {
			g.More = len(g.Jobs) - topJobsPerSubnet
			g.Jobs = g.Jobs[:topJobsPerSubnet]
		}
		c.BySubnet = append(c.BySubnet, g)
	}
	c.Jobs = sortConsumers(jobs)
	if len(c.Jobs) > topJobs {
		c.Jobs = c.Jobs[:topJobs]
	}
	c.Categories = sortConsumers(cats)
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func sortConsumers(m map[string]*Consumer) []Consumer {
	out := make([]Consumer, 0, len(m))
	for _, c := range m {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].IPHours != out[j].IPHours {
			return out[i].IPHours > out[j].IPHours
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// trend measures the earlier windows of the same length (oldest first),
// then the window itself.
func trend(ev *evidence, from, to time.Time, earlier int) []TrendWeek {
	if earlier == 0 {
		return nil
	}
	span := to.Sub(from)
	var out []TrendWeek
	for i := earlier; i >= 0; i-- {
		f := from.Add(-time.Duration(i) * span)
		steps := ev.steps(f, f.Add(span))
		failed := ev.failedCreates(f, f.Add(span))
		var year, week int
		if span == 7*24*time.Hour && f.Weekday() == time.Monday {
			year, week = f.ISOWeek()
		}
		ids := make([]string, 0, len(steps))
		for id := range steps {
			ids = append(ids, id)
		}
		for id := range failed {
			if _, ok := steps[id]; !ok {
				ids = append(ids, id)
			}
		}
		sort.Strings(ids)
		for _, id := range ids {
			peak, _ := peakOf(steps[id])
			if peak == 0 && failed[id] == 0 {
				continue
			}
			t := TrendWeek{Offset: i, Year: year, Week: week, From: f.Format("2006-01-02"), SubnetID: id, PeakInUse: peak, FailedCreates: failed[id]}
			if u := deref(ev.usable(id)); u > 0 {
				t.PeakPct = ptr(100 * float64(peak) / float64(u))
			}
			out = append(out, t)
		}
	}
	return out
}
