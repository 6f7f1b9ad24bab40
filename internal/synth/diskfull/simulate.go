package diskfull

import (
	"container/heap"
	"fmt"
	"math/rand/v2"
	"sort"
)

// Reasons a simulated task attempt ends with.
const (
	reasonSuccess   = "Success"
	reasonException = "ExceptionFailure"
	reasonKilled    = "TaskKilled"
)

// diskFullText is what the JVM says when a write hits a full file system.
const diskFullText = "No space left on device"

// task is one simulated task attempt.
type task struct {
	ID      int64
	Stage   int
	Index   int // partition index within the stage
	Attempt int
	Exec    int
	Launch  int64 // epoch ms
	Finish  int64 // epoch ms; the planned finish while running
	Reason  string
	Done    bool

	InputBytes, InputRecords     int64
	ReadBytes, ReadRecords       int64 // shuffle read (remote + local)
	MemSpill, DiskSpill          int64
	WriteBytes, WriteRecords     int64 // shuffle write, only kept on success
	plannedWrite, plannedRecords int64
}

// executor is one simulated executor (one G.2X worker).
type executor struct {
	ID        int
	Host      string
	AddedAt   int64
	RemovedAt int64 // 0 while alive
	Removed   string
	idle      int // cores neither running a task nor about to launch one
	dying     bool
	tasks     []*task // every attempt ever launched here
}

// crossing records the moment an executor's estimated disk went above
// the usable disk.
type crossing struct {
	Exec      int
	At        int64
	DiskBytes int64
}

// partition is the planned work of one reduce partition.
type partition struct {
	read, records int64
	spill, mem    int64
	write         int64
}

type evKind int

const (
	evLaunch evKind = iota // a core of Exec takes the next pending task
	evEnd                  // Task ends (check Task.Finish == At: otherwise stale)
	evRemove               // Exec is removed
)

type event struct {
	At   int64
	Seq  int64
	Kind evKind
	Exec int
	Task *task
}

type eventQueue []*event

func (q eventQueue) Len() int { return len(q) }
func (q eventQueue) Less(i, j int) bool {
	if q[i].At != q[j].At {
		return q[i].At < q[j].At
	}
	return q[i].Seq < q[j].Seq
}
func (q eventQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *eventQueue) Push(x any)   { *q = append(*q, x.(*event)) }
func (q *eventQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// simulation is the outcome of running a scenario: what the event log and
// the Glue run will say, and what the disk model saw.
type simulation struct {
	p          Params
	execs      []*executor // index = executor id - 1
	tasks      []*task     // in launch order (task id order)
	mapOut     []int64     // planned shuffle write per map task
	mapIn      []int64     // the same at lz4 size: the input volume follows it
	parts      []partition
	stage0Sub  int64
	stage0Done int64
	stage1Sub  int64
	stage1Done int64 // stages 1 and 2 complete only when the run succeeds
	stage2Sub  int64
	stage2Done int64
	crossings  []crossing
	abortAt    int64 // when stage 1 was aborted (0 if it completed)
	abortTask  *task // the attempt whose failure aborted the stage
	failures   map[int]int

	rng     *rand.Rand
	q       eventQueue
	seq     int64
	nextID  int64
	pending []int // stack of reduce partition indices (top = next)
	stage   int
}

func (s *simulation) push(e *event) {
	s.seq++
	e.Seq = s.seq
	heap.Push(&s.q, e)
}

func (s *simulation) between(lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + s.rng.Int64N(hi-lo+1)
}

func (s *simulation) uniform(lo, hi float64) float64 { return lo + (hi-lo)*s.rng.Float64() }

// simulate runs the scenario: stage 0 reads the input and writes the
// shuffle, stage 1 reads it into Partitions reduce tasks that spill and
// write the next shuffle; when stage 1 completes (only without ExpectFull)
// stage 2 reads that shuffle and writes the result to S3, with no spill
// and no shuffle output. Every launch checks the launching executor's
// estimated disk with the same model as the executor_disk_timeline view;
// the first launch that takes it over the usable disk fills it.
//
// A few draws lose every executor before any partition has failed
// MaxFailures times (Spark would then wait for executors forever); the
// simulation then redraws from the next stream of the same seed, so a seed
// still always gives the same scenario.
func simulate(p Params) (*simulation, error) {
	var err error
	for stream := uint64(0); stream < 16; stream++ {
		var s *simulation
		if s, err = simulateStream(p, stream); err == nil {
			return s, nil
		}
	}
	return nil, err
}

func simulateStream(p Params, stream uint64) (*simulation, error) {
	s := &simulation{p: p, rng: rand.New(rand.NewPCG(p.Seed, 0x5eed0d15cf11+stream)), failures: map[int]int{}}
	start := p.Start.UnixMilli()
	for i := 0; i < p.Executors; i++ {
		s.execs = append(s.execs, &executor{
			ID:      i + 1,
			Host:    fmt.Sprintf("172.31.%d.%d", 16+s.rng.IntN(32), 10+s.rng.IntN(240)),
			AddedAt: start + s.between(18_000, 31_000),
		})
	}
	// Map side: shuffle output per map task.
	var total int64
	for i := 0; i < p.MapTasks; i++ {
		b := int64(float64(p.MapOutputBytes) * s.uniform(0.88, 1.12))
		s.mapIn = append(s.mapIn, b)
		if r := p.codecRatio(); r != 1 {
			b = int64(float64(b) * r)
		}
		s.mapOut = append(s.mapOut, b)
		total += b
	}
	// Reduce side: which partitions are empty, and how the rest share the shuffle.
	weights := make([]float64, p.Partitions)
	var wsum float64
	for i := range weights {
		if s.rng.Float64() < p.EmptyShare {
			continue
		}
		weights[i] = s.uniform(0.85, 1.2)
		wsum += weights[i]
	}
	s.parts = make([]partition, p.Partitions)
	var assigned int64
	last := -1
	for i, w := range weights {
		if w == 0 {
			continue
		}
		s.parts[i].read = int64(float64(total) * w / wsum)
		assigned += s.parts[i].read
		last = i
	}
	if last < 0 {
		return nil, fmt.Errorf("simulating seed %d: every reduce partition came out empty", p.Seed)
	}
	s.parts[last].read += total - assigned
	for i := range s.parts {
		pt := &s.parts[i]
		if pt.read == 0 {
			continue
		}
		pt.records = pt.read / 96
		pt.spill = int64(float64(pt.read) * s.uniform(0.95, 1.10))
		pt.mem = int64(float64(pt.spill) * s.uniform(2.7, 3.3))
		pt.write = int64(float64(pt.read) * s.uniform(0.55, 0.65))
	}

	s.stage0Sub = start + 56_000 + s.between(0, 900)
	s.stage = 0
	for i := p.MapTasks - 1; i >= 0; i-- {
		s.pending = append(s.pending, i)
	}
	for _, e := range s.execs {
		e.idle = p.Cores
	}
	s.fillIdle(s.stage0Sub)
	for s.q.Len() > 0 {
		ev := heap.Pop(&s.q).(*event)
		switch ev.Kind {
		case evLaunch:
			s.launch(ev.At, s.execs[ev.Exec-1])
		case evEnd:
			if ev.Task.Done || ev.Task.Finish != ev.At {
				continue
			}
			s.end(ev.At, ev.Task)
		case evRemove:
			e := s.execs[ev.Exec-1]
			e.RemovedAt = ev.At
		}
	}
	switch {
	case p.ExpectFull && s.abortAt == 0:
		return nil, fmt.Errorf("simulating seed %d: stage 1 finished without filling a disk", p.Seed)
	case !p.ExpectFull && len(s.crossings) > 0:
		return nil, fmt.Errorf("simulating seed %d: executor %d's disk filled although the run should succeed", p.Seed, s.crossings[0].Exec)
	case !p.ExpectFull && s.stage2Done == 0:
		return nil, fmt.Errorf("simulating seed %d: the run did not complete", p.Seed)
	}
	return s, nil
}

// fillIdle schedules launches on idle cores of live executors while tasks
// are pending, executors in id order.
func (s *simulation) fillIdle(now int64) {
	want := len(s.pending)
	for _, e := range s.execs {
		for e.idle > 0 && !e.dying && e.RemovedAt == 0 && want > 0 {
			e.idle--
			want--
			s.push(&event{At: now + s.between(3, 40), Kind: evLaunch, Exec: e.ID})
		}
	}
}

// diskAt is the estimated disk of e at t, by the executor_disk_timeline
// model: shuffle output of ShuffleMapTasks that succeeded by t, plus the
// spill of tasks launched by t and not yet ended.
func diskAt(e *executor, t int64) int64 {
	var d int64
	for _, k := range e.tasks {
		succeeds := k.Reason == reasonSuccess || (!k.Done && k.Reason == "")
		if succeeds && k.Finish <= t {
			d += k.plannedWrite
		}
		if k.Launch <= t && t < k.Finish {
			d += k.DiskSpill
		}
	}
	return d
}

func (s *simulation) launch(now int64, e *executor) {
	if e.dying || e.RemovedAt != 0 || s.abortAt != 0 {
		return
	}
	if len(s.pending) == 0 {
		e.idle++
		return
	}
	idx := s.pending[len(s.pending)-1]
	s.pending = s.pending[:len(s.pending)-1]
	k := &task{ID: s.nextID, Stage: s.stage, Index: idx, Attempt: s.failures[idx], Exec: e.ID, Launch: now}
	s.nextID++
	if s.stage == 0 {
		k.InputBytes = int64(float64(s.mapIn[idx]) * s.uniform(1.05, 1.25))
		k.InputRecords = k.InputBytes / 112
		k.plannedWrite = s.mapOut[idx]
		k.plannedRecords = k.InputRecords
		k.Finish = now + s.between(202_000, 282_000)
	} else if s.stage == 2 {
		pt := s.parts[idx]
		k.ReadBytes, k.ReadRecords = pt.write, pt.records/3
		k.Finish = now + int64((3+float64(pt.write)/40e6*s.uniform(0.9, 1.1))*1000)
	} else {
		pt := s.parts[idx]
		k.ReadBytes, k.ReadRecords = pt.read, pt.records
		k.MemSpill, k.DiskSpill = pt.mem, pt.spill
		k.plannedWrite, k.plannedRecords = pt.write, pt.records/3
		if pt.read == 0 {
			k.Finish = now + s.between(40, 180)
		} else {
			secs := 20 + float64(pt.read)/8.5e6*s.uniform(0.9, 1.1)
			k.Finish = now + int64(secs*1000)
		}
	}
	s.tasks = append(s.tasks, k)
	e.tasks = append(e.tasks, k)
	s.push(&event{At: k.Finish, Kind: evEnd, Task: k})
	if k.DiskSpill == 0 {
		return
	}
	if d := diskAt(e, now); d > s.p.UsableDisk {
		s.fill(now, e, d)
	}
}

// fill handles an executor whose disk just filled: every task running on
// it fails with the JVM's IOException a few seconds later, then the
// executor is removed.
func (s *simulation) fill(now int64, e *executor, disk int64) {
	s.crossings = append(s.crossings, crossing{Exec: e.ID, At: now, DiskBytes: disk})
	e.dying = true
	last := now
	n := int64(0)
	for _, k := range e.tasks {
		if k.Done || k.Finish <= now {
			continue
		}
		failAt := now + 2_000 + 700*n + s.between(0, 400)
		n++
		if failAt < k.Finish {
			k.Finish = failAt
		}
		k.Reason = reasonException
		s.push(&event{At: k.Finish, Kind: evEnd, Task: k})
		if k.Finish > last {
			last = k.Finish
		}
	}
	s.push(&event{At: last + s.between(900, 1_600), Kind: evRemove, Exec: e.ID})
}

func (s *simulation) end(now int64, k *task) {
	k.Done = true
	e := s.execs[k.Exec-1]
	if s.abortAt != 0 {
		return
	}
	if k.Reason == "" {
		k.Reason = reasonSuccess
		k.WriteBytes, k.WriteRecords = k.plannedWrite, k.plannedRecords
	}
	if k.Reason == reasonException {
		s.failures[k.Index]++
		if s.failures[k.Index] >= s.p.MaxFailures {
			s.abort(now, k)
			return
		}
		s.requeue(k.Index)
		s.fillIdle(now)
		return
	}
	if e.dying {
		return
	}
	if s.stage < s.lastStage() && s.stageDone(s.stage) {
		sub := now + s.between(150, 400)
		switch s.stage {
		case 0:
			s.stage0Done, s.stage1Sub = now, sub
		case 1:
			s.stage1Done, s.stage2Sub = now, sub
		}
		s.stage++
		for i := s.p.Partitions - 1; i >= 0; i-- {
			s.pending = append(s.pending, i)
		}
		e.idle++
		for _, x := range s.execs {
			if x.RemovedAt == 0 && !x.dying {
				n := x.idle
				x.idle = 0
				for j := 0; j < n; j++ {
					s.push(&event{At: sub + s.between(5, 60), Kind: evLaunch, Exec: x.ID})
				}
			}
		}
		return
	}
	if s.stage == 2 && s.stageDone(2) {
		s.stage2Done = now
		e.idle++
		return
	}
	s.push(&event{At: now + s.between(2, 30), Kind: evLaunch, Exec: e.ID})
}

// lastStage is the last stage the simulation runs: the disk-full run
// never gets past stage 1, a successful one writes its result in stage 2.
func (s *simulation) lastStage() int {
	if s.p.ExpectFull {
		return 1
	}
	return 2
}

// stageTasks is the number of tasks (partitions) of stage.
func (s *simulation) stageTasks(stage int) int {
	if stage == 0 {
		return s.p.MapTasks
	}
	return s.p.Partitions
}

// recommendedPartitions is ceil(Σ shuffle bytes written by stage 0 /
// TargetPartition): the partition count the advice recommends.
func (s *simulation) recommendedPartitions() int {
	var b int64
	for _, k := range s.tasks {
		if k.Stage == 0 {
			b += k.WriteBytes
		}
	}
	return int((b + s.p.TargetPartition - 1) / s.p.TargetPartition)
}

// requeue puts a failed partition back on the pending stack above every
// partition that failed fewer times, so the partition closest to its
// last allowed attempt runs next (Spark re-adds failed tasks to the end
// of its pending list, which it takes first).
func (s *simulation) requeue(idx int) {
	pos := len(s.pending)
	for pos > 0 && s.failures[s.pending[pos-1]] > s.failures[idx] {
		pos--
	}
	s.pending = append(s.pending, 0)
	copy(s.pending[pos+1:], s.pending[pos:])
	s.pending[pos] = idx
}

func (s *simulation) stageDone(stage int) bool {
	done := 0
	for _, k := range s.tasks {
		if k.Stage == stage && k.Done && k.Reason == reasonSuccess {
			done++
		}
	}
	return done == s.stageTasks(stage)
}

// abort ends stage 1 after a partition failed MaxFailures times: the
// scheduler kills every attempt still running.
func (s *simulation) abort(now int64, k *task) {
	s.abortAt = now
	s.abortTask = k
	var running []*task
	for _, t := range s.tasks {
		if !t.Done {
			running = append(running, t)
		}
	}
	sort.Slice(running, func(i, j int) bool { return running[i].ID < running[j].ID })
	for i, t := range running {
		t.Done = true
		t.Reason = reasonKilled
		t.Finish = now + 40 + int64(i)*3
	}
	// Only the removals of executors whose disk filled are still to come.
	var keep eventQueue
	for _, ev := range s.q {
		if ev.Kind == evRemove {
			keep = append(keep, ev)
		}
	}
	s.q = keep
	heap.Init(&s.q)
}
