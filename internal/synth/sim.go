package synth

import (
	"container/heap"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"time"
)

// Who created an ENI.
const (
	ownerGlue        = "glue"
	ownerLambda      = "lambda"
	ownerPreexisting = "preexisting"
)

// run is one Glue job run as the simulation sees it.
type run struct {
	ID          string
	Job         string
	Cat         *Category
	Subnet      string // the category's subnet, or its Repoint subnet once moved
	Workers     int
	Trigger     string // "" for a manual start
	StartedOn   time.Time
	plannedEnd  time.Time // CompletedOn if no ENI create fails
	CompletedOn time.Time
	Failed      bool
	FailedAt    time.Time // eventTime of the failed create
	ErrorCode   string
	enis        []*eni
	// Gated scenarios: the scheduled start, the drawn duration and ENI
	// create delays, applied when the gate lets the run start.
	requested    time.Time
	duration     time.Duration
	createDelays []time.Duration
}

// end is the run's CompletedOn, or its planned completion while it runs.
func (r *run) end() time.Time {
	if !r.CompletedOn.IsZero() {
		return r.CompletedOn
	}
	return r.plannedEnd
}

// eni is one network interface and the IP it holds.
type eni struct {
	ID          string
	Subnet      string
	IP          netip.Addr
	IPCount     int
	Owner       string // ownerGlue, ownerLambda or ownerPreexisting
	Run         *run   // Glue ENIs
	Function    string // Lambda ENIs
	Description string
	Created     time.Time // zero for a pre-existing ENI
	Deleted     time.Time // zero when not deleted before the cutoff
	MAC         string
	noSnapshot  bool // pre-existing ENI absent from the snapshot
}

// Kinds of CloudTrail ENI record.
const (
	recCreate = iota
	recCreateFailed
	recDelete
	recDryRun
)

// eniRecord is one CloudTrail ENI call the scenario writes.
type eniRecord struct {
	Time      time.Time
	Kind      int
	ENI       *eni   // create and delete
	Run       *run   // Glue create (ok or failed)
	Subnet    string // failed create and dry run
	ErrorCode string
}

// failure is the simulation's own view of a failed create.
type failure struct {
	At                         time.Time
	Subnet                     string
	Run                        *run
	InUse                      int
	Running, Finished, NonGlue int
	Unattributed               int
	FinishedMinAgo             float64
	FinishedMaxAgo             float64
}

// occupancy is one change of a subnet's IPs in use, in processing order.
type occupancy struct {
	At     time.Time
	Subnet string
	Delta  int
}

// simulation is the outcome of running a Scenario.
type simulation struct {
	Runs     []*run // by StartedOn
	ENIs     []*eni // in creation order (pre-existing first)
	Records  []eniRecord
	Failures []failure
	Changes  []occupancy
	Cutoff   time.Time
	// InUseAtCutoff per subnet, for describe-subnets' AvailableIpAddressCount.
	InUseAtCutoff map[string]int
}

// Event kinds of the simulation queue; deletes sort first at equal times.
const (
	evDelete = iota
	evGlueCreate
	evRunEnd
	evLambdaCreate
	evDryRun
	evLaunch    // a gated run reaches its scheduled start
	evGateCheck // a category's start gap ends
)

type simEvent struct {
	at    time.Time
	kind  int
	seq   int
	run   *run
	eni   *eni
	cat   *Category // evGateCheck
	index int       // entry of Scenario.Lambdas or Scenario.DryRuns
}

type eventQueue []*simEvent

func (q eventQueue) Len() int { return len(q) }
func (q eventQueue) Less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	if (q[i].kind == evDelete) != (q[j].kind == evDelete) {
		return q[i].kind == evDelete
	}
	return q[i].seq < q[j].seq
}
func (q eventQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *eventQueue) Push(x any)   { *q = append(*q, x.(*simEvent)) }
func (q *eventQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// pool is the free and held addresses of one subnet.
type pool struct {
	usable int
	free   []netip.Addr // sorted
	held   []*eni
	inUse  int
}

type simulator struct {
	s      *Scenario
	g      *rng
	q      eventQueue
	seq    int
	pools  map[string]*pool
	out    *simulation
	cutoff time.Time
	// Launch gate (Scenario.LaunchGate): runs waiting per category, in
	// arrival order, and each category's last start.
	waiting   map[*Category][]*run
	lastStart map[*Category]time.Time
}

// simulate runs the scenario event by event, keeping track of which ENI
// holds which IP.
func simulate(s *Scenario, g *rng) (*simulation, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	m := &simulator{s: s, g: g, pools: map[string]*pool{}, out: &simulation{InUseAtCutoff: map[string]int{}}, cutoff: s.Start.Add(s.Cutoff),
		waiting: map[*Category][]*run{}, lastStart: map[*Category]time.Time{}}
	m.out.Cutoff = m.cutoff
	for _, sn := range s.Subnets {
		p, _ := parseCIDR(sn.CIDR)
		m.pools[sn.ID] = &pool{usable: len(p.hosts), free: p.hosts}
	}
	m.out.Runs = schedule(s, g)
	for _, r := range m.out.Runs {
		if s.LaunchGate != nil {
			// The same draws as below, applied when the gate starts the run.
			r.requested, r.duration = r.StartedOn, r.plannedEnd.Sub(r.StartedOn)
			for w := 0; w < r.Workers; w++ {
				r.createDelays = append(r.createDelays, g.seconds(s.CreateDelay[0], s.CreateDelay[1]-time.Second))
			}
			m.push(&simEvent{at: r.StartedOn, kind: evLaunch, run: r})
			continue
		}
		first := ceilSecond(r.StartedOn)
		for w := 0; w < r.Workers; w++ {
			m.push(&simEvent{at: first.Add(g.seconds(s.CreateDelay[0], s.CreateDelay[1]-time.Second)), kind: evGlueCreate, run: r})
		}
		m.push(&simEvent{at: r.plannedEnd, kind: evRunEnd, run: r})
	}
	for _, pe := range s.Preexisting {
		e := &eni{ID: "eni-0" + g.hex(16), Subnet: pe.Subnet, IPCount: 1, Owner: ownerPreexisting, Description: pe.Description, MAC: mac(g), noSnapshot: pe.NoSnapshot}
		if err := m.hold(s.Start.Add(-24*time.Hour), e); err != nil {
			return nil, err
		}
		m.scheduleDelete(e, s.Start.Add(pe.Delete))
	}
	for i, l := range s.Lambdas {
		m.push(&simEvent{at: s.Start.Add(l.Create), kind: evLambdaCreate, index: i})
	}
	for i, d := range s.DryRuns {
		m.push(&simEvent{at: s.Start.Add(d.At), kind: evDryRun, index: i})
	}
	for m.q.Len() > 0 {
		ev := heap.Pop(&m.q).(*simEvent)
		if !ev.at.Before(m.cutoff) {
			break
		}
		if err := m.handle(ev); err != nil {
			return nil, err
		}
	}
	for id, p := range m.pools {
		m.out.InUseAtCutoff[id] = p.inUse
	}
	for ci := range s.Categories {
		if q := m.waiting[&s.Categories[ci]]; len(q) > 0 {
			return nil, fmt.Errorf("scenario %s: %d runs of %s still wait for the launch gate at the cutoff", s.Name, len(q), s.Categories[ci].Name)
		}
	}
	if s.LaunchGate != nil {
		sort.SliceStable(m.out.Runs, func(i, j int) bool { return m.out.Runs[i].StartedOn.Before(m.out.Runs[j].StartedOn) })
	}
	return m.out, nil
}

func (m *simulator) push(ev *simEvent) {
	m.seq++
	ev.seq = m.seq
	heap.Push(&m.q, ev)
}

func (m *simulator) handle(ev *simEvent) error {
	s, g := m.s, m.g
	switch ev.kind {
	case evDelete:
		if err := m.release(ev.at, ev.eni); err != nil {
			return err
		}
		if s.LaunchGate != nil {
			m.released(ev.at, ev.eni.Subnet)
		}
	case evLaunch:
		m.arrive(ev.at, ev.run)
	case evGateCheck:
		m.admit(ev.at, ev.cat)
	case evRunEnd:
		r := ev.run
		if r.Failed {
			return nil
		}
		r.CompletedOn = ev.at
		m.lingerThenDelete(r)
	case evGlueCreate:
		r := ev.run
		if r.Failed {
			return nil // Glue stops provisioning a run that already failed
		}
		p := m.pools[r.Subnet]
		if p.inUse+1 > p.usable {
			m.fail(ev.at, r, p)
			return nil
		}
		sn, _ := s.subnet(r.Subnet)
		e := &eni{ID: "eni-0" + g.hex(16), Subnet: sn.ID, IPCount: 1, Owner: ownerGlue, Run: r,
			Description: "Attached to Glue using role: " + roleARN(s.cellOf(sn).acct, r.Cat.Role), Created: ev.at, MAC: mac(g)}
		if err := m.hold(ev.at, e); err != nil {
			return err
		}
		r.enis = append(r.enis, e)
		m.out.Records = append(m.out.Records, eniRecord{Time: ev.at, Kind: recCreate, ENI: e, Run: r, Subnet: e.Subnet})
	case evLambdaCreate:
		l := s.Lambdas[ev.index]
		p := m.pools[l.Subnet]
		if p.inUse+1 > p.usable {
			// Lambda retries its Hyperplane ENI quietly; try again a minute later.
			m.push(&simEvent{at: ev.at.Add(time.Minute), kind: evLambdaCreate, index: ev.index})
			return nil
		}
		e := &eni{ID: "eni-0" + g.hex(16), Subnet: l.Subnet, IPCount: 1, Owner: ownerLambda, Function: l.Function,
			Description: "AWS Lambda VPC ENI-" + l.Function + "-" + g.uuid(), Created: ev.at, MAC: mac(g)}
		if err := m.hold(ev.at, e); err != nil {
			return err
		}
		m.out.Records = append(m.out.Records, eniRecord{Time: ev.at, Kind: recCreate, ENI: e, Subnet: e.Subnet})
		if l.Delete > 0 {
			m.scheduleDelete(e, s.Start.Add(l.Delete))
		}
	case evDryRun:
		m.out.Records = append(m.out.Records, eniRecord{Time: ev.at, Kind: recDryRun, Subnet: s.DryRuns[ev.index].Subnet, ErrorCode: "Client.DryRunOperation"})
	}
	return nil
}

// fail records a create that found the subnet full and fails its run.
func (m *simulator) fail(at time.Time, r *run, p *pool) {
	f := failure{At: at, Subnet: r.Subnet, Run: r, InUse: p.inUse}
	first := true
	for _, e := range p.held {
		switch e.Owner {
		case ownerLambda:
			f.NonGlue += e.IPCount
		case ownerPreexisting:
			f.Unattributed += e.IPCount
		case ownerGlue:
			end := e.Run.end()
			if at.Before(end) {
				f.Running += e.IPCount
				continue
			}
			f.Finished += e.IPCount
			ago := at.Sub(end).Minutes()
			if first || ago < f.FinishedMinAgo {
				f.FinishedMinAgo = ago
			}
			if first || ago > f.FinishedMaxAgo {
				f.FinishedMaxAgo = ago
			}
			first = false
		}
	}
	m.out.Failures = append(m.out.Failures, f)
	// EC2 reports the error with and without the Client. prefix; alternate.
	code := "Client.InsufficientFreeAddressesInSubnet"
	if len(m.out.Failures)%2 == 0 {
		code = "InsufficientFreeAddressesInSubnet"
	}
	r.Failed = true
	r.FailedAt = at
	r.ErrorCode = code
	r.CompletedOn = at.Add(m.g.duration(m.s.FailDelay[0], m.s.FailDelay[1]))
	m.out.Records = append(m.out.Records, eniRecord{Time: at, Kind: recCreateFailed, Run: r, Subnet: r.Subnet, ErrorCode: code})
	m.lingerThenDelete(r)
}

// lingerThenDelete schedules the deletes of a completed run's ENIs.
func (m *simulator) lingerThenDelete(r *run) {
	for _, e := range r.enis {
		m.scheduleDelete(e, r.CompletedOn.Add(m.g.duration(m.s.Linger[0], m.s.Linger[1])).Truncate(time.Second))
	}
}

func (m *simulator) scheduleDelete(e *eni, at time.Time) {
	if at.Before(m.cutoff) {
		m.push(&simEvent{at: at, kind: evDelete, eni: e})
	}
}

// hold gives e a free address of its subnet.
func (m *simulator) hold(at time.Time, e *eni) error {
	p := m.pools[e.Subnet]
	if p == nil {
		return fmt.Errorf("scenario %s: unknown subnet %s", m.s.Name, e.Subnet)
	}
	if len(p.free) < e.IPCount {
		return fmt.Errorf("scenario %s: subnet %s has no free address at %s", m.s.Name, e.Subnet, at.Format(time.RFC3339))
	}
	i := m.g.intn(len(p.free))
	e.IP = p.free[i]
	p.free = slices.Delete(p.free, i, i+1)
	p.held = append(p.held, e)
	p.inUse += e.IPCount
	m.out.ENIs = append(m.out.ENIs, e)
	m.out.Changes = append(m.out.Changes, occupancy{At: at, Subnet: e.Subnet, Delta: e.IPCount})
	return nil
}

// release frees e's address.
func (m *simulator) release(at time.Time, e *eni) error {
	p := m.pools[e.Subnet]
	i := slices.Index(p.held, e)
	if i < 0 {
		return fmt.Errorf("scenario %s: deleting %s which holds no address", m.s.Name, e.ID)
	}
	p.held = slices.Delete(p.held, i, i+1)
	j, _ := slices.BinarySearchFunc(p.free, e.IP, func(a, b netip.Addr) int { return a.Compare(b) })
	p.free = slices.Insert(p.free, j, e.IP)
	p.inUse -= e.IPCount
	e.Deleted = at
	m.out.Records = append(m.out.Records, eniRecord{Time: at, Kind: recDelete, ENI: e, Run: e.Run, Subnet: e.Subnet})
	m.out.Changes = append(m.out.Changes, occupancy{At: at, Subnet: e.Subnet, Delta: -e.IPCount})
	return nil
}

// schedule lays out the runs of every category: regular runs of each job
// plus the bursts, then pushes starts apart so runs sharing a role and a
// subnet start at least MinStartGap apart.
func schedule(s *Scenario, g *rng) []*run {
	var all []*run
	for ci := range s.Categories {
		c := &s.Categories[ci]
		var runs []*run
		for _, job := range c.Jobs {
			if c.Every <= 0 {
				break
			}
			phase := g.duration(0, c.Every)
			for t := phase; t < s.RunSpan; t += c.Every {
				at := t + g.duration(-5*time.Minute, 5*time.Minute)
				if at < 0 {
					at = 0
				}
				runs = append(runs, &run{Job: job, Cat: c, Trigger: c.Name + "-schedule", StartedOn: s.Start.Add(at)})
			}
			for _, b := range c.Bursts {
				runs = append(runs, &run{Job: job, Cat: c, StartedOn: s.Start.Add(b + g.duration(0, 2*time.Minute))})
			}
		}
		for _, at := range c.Exact {
			runs = append(runs, &run{Job: c.Jobs[0], Cat: c, StartedOn: s.Start.Add(at)})
		}
		sort.SliceStable(runs, func(i, j int) bool { return runs[i].StartedOn.Before(runs[j].StartedOn) })
		for i := 1; i < len(runs); i++ {
			if min := runs[i-1].StartedOn.Add(s.MinStartGap); runs[i].StartedOn.Before(min) {
				runs[i].StartedOn = min.Add(g.duration(time.Second, 90*time.Second))
			}
		}
		for _, r := range runs {
			r.Subnet = c.Subnet
			if rp := c.Repoint; rp != nil && r.Job == rp.Job && !r.StartedOn.Before(s.Start.Add(rp.At)) {
				r.Subnet = rp.Subnet
			}
			r.ID = "jr_" + g.hex(64)
			r.Workers = g.between(c.Workers[0], c.Workers[1])
			r.plannedEnd = r.StartedOn.Add(g.duration(c.Duration[0], c.Duration[1]))
		}
		all = append(all, runs...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].StartedOn.Before(all[j].StartedOn) })
	return all
}

// cidr is a parsed subnet block.
type cidr struct {
	prefix netip.Prefix
	hosts  []netip.Addr // usable addresses: all but the first four and the last
}

// parseCIDR parses an IPv4 block of /16 to /28 and lists its usable
// addresses: AWS reserves the network address, +1, +2, +3 and the last.
func parseCIDR(s string) (cidr, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return cidr{}, fmt.Errorf("parsing CIDR %q: %w", s, err)
	}
	if !p.Addr().Is4() || p.Bits() < 16 || p.Bits() > 28 || p.Masked() != p {
		return cidr{}, fmt.Errorf("parsing CIDR %q: want an IPv4 network block of /16 to /28", s)
	}
	n := 1 << (32 - p.Bits())
	hosts := make([]netip.Addr, 0, n-5)
	a := p.Addr()
	for i := 0; i < n; i++ {
		if i >= 4 && i < n-1 {
			hosts = append(hosts, a)
		}
		a = a.Next()
	}
	return cidr{prefix: p, hosts: hosts}, nil
}

func roleARN(acct, role string) string { return "arn:aws:iam::" + acct + ":role/" + role }

func mac(g *rng) string {
	h := g.hex(10)
	return "02:" + h[0:2] + ":" + h[2:4] + ":" + h[4:6] + ":" + h[6:8] + ":" + h[8:10]
}

func ceilSecond(t time.Time) time.Time {
	if u := t.Truncate(time.Second); !u.Equal(t) {
		return u.Add(time.Second)
	}
	return t
}
