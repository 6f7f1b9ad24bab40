package synth

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
)

// delivered is one CloudTrail log file before compression.
type delivered struct {
	at      time.Time
	records [][]byte
	times   []time.Time
	eni     int // ENI records among records
}

// logFile is a delivered CloudTrail log file as a digest lists it.
type logFile struct {
	key            string
	raw            []byte // uncompressed content
	sum            string // SHA-256 of the uncompressed content, hex (AWS's hashValue)
	oldest, newest time.Time
	at             time.Time // delivery slot (the key's stamp)
	mtime          time.Time // delivery time: the object's modification time
	eni            int       // ENI records in the file
	records        int       // records in the file
	file           int       // index in the cell's files
}

// cellTrail is what one account and region's CloudTrail writer produced.
type cellTrail struct {
	files []File
	logs  []*logFile
}

// writeCloudTrail renders the simulation's ENI records and the noise, and
// delivers them the way CloudTrail does: per account and region a file
// every 5 minutes holding records 5–15 minutes old, in no particular
// order, and the hourly digest files that list them.
func writeCloudTrail(s *Scenario, seed uint64, g *rng, sim *simulation, out *Output) (ctStats, error) {
	var st ctStats
	for ci, c := range s.cells() {
		ct, err := writeCellTrail(s, c, ci, seed, g, sim, &st)
		if err != nil {
			return st, err
		}
		if err := writeDigests(s, c, ci, seed, ct, &st); err != nil {
			return st, err
		}
		out.Files = append(out.Files, ct.files...)
	}
	return st, nil
}

// writeCellTrail writes the log files of one account and region.
func writeCellTrail(s *Scenario, c cell, ci int, seed uint64, g *rng, sim *simulation, st *ctStats) (*cellTrail, error) {
	wd := newWorld(g, seed, c.acct, c.region)
	type rec struct {
		at   time.Time
		body []byte
		glue bool
		eni  bool
	}
	var recs []rec
	for _, r := range sim.Records {
		if s.subnetCell(r.Subnet) != c {
			continue
		}
		var w jw
		if err := writeENIRecord(&w, g, s, r); err != nil {
			return nil, err
		}
		recs = append(recs, rec{at: r.Time, body: w.b, glue: r.Run != nil && r.Kind == recCreate, eni: true})
	}
	for h := time.Duration(0); h < s.Cutoff; h += time.Hour {
		for i := 0; i < s.NoisePerHour; i++ {
			at := s.Start.Add(h + g.seconds(0, time.Hour-time.Second))
			if !at.Before(sim.Cutoff) {
				continue
			}
			var w jw
			at = writeNoise(&w, g, wd, at)
			recs = append(recs, rec{at: at, body: w.b})
		}
	}
	const every = 5 * time.Minute
	slots := map[int64]*delivered{}
	deliver := func(at time.Time, body []byte, delay time.Duration, eni bool) {
		slot := at.Add(delay).Truncate(every).Add(every)
		d := slots[slot.Unix()]
		if d == nil {
			d = &delivered{at: slot}
			slots[slot.Unix()] = d
		}
		d.records = append(d.records, body)
		d.times = append(d.times, at)
		if eni {
			d.eni++
		}
	}
	var glueCreates []int
	for i, r := range recs {
		deliver(r.at, r.body, 5*time.Minute+g.seconds(0, 5*time.Minute), r.eni)
		if r.glue {
			glueCreates = append(glueCreates, i)
		}
	}
	for i := 0; i < s.DuplicateRecords && len(glueCreates) > 0; i++ {
		r := recs[glueCreates[g.intn(len(glueCreates))]]
		deliver(r.at, r.body, 15*time.Minute, true) // the same eventID again, in a later file
		st.duplicates++
	}
	var order []*delivered
	for _, d := range slots {
		order = append(order, d)
	}
	sort.Slice(order, func(i, j int) bool { return order[i].at.Before(order[j].at) })

	// The order of the records in each file, its delivery time and its
	// name come from g, file after file; the padding and the compression
	// of each file depend on the file alone and run in parallel.
	type job struct {
		d     *delivered
		idx   []int
		mtime time.Time
		key   string
		pad   int
	}
	jobs := make([]job, len(order))
	eniRecs, allRecs := 0, 0
	for i, d := range order {
		idx := make([]int, len(d.records))
		for i := range idx {
			idx[i] = i
		}
		for i := len(idx) - 1; i > 0; i-- {
			j := g.intn(i + 1)
			idx[i], idx[j] = idx[j], idx[i]
		}
		mtime := d.at.Add(g.seconds(5*time.Second, 50*time.Second))
		key := logKey(c.acct, c.region, d.at, g.alnum(16))
		jobs[i] = job{d: d, idx: idx, mtime: mtime, key: key}
		eniRecs += d.eni
		allRecs += len(d.records)
	}
	if pads := padding(s.ENIShare, eniRecs, allRecs, len(jobs), newRNG(seed, 0x706164^uint64(ci)<<20)); pads != nil {
		for i := range jobs {
			jobs[i].pad = pads[i]
		}
	}
	ct := &cellTrail{logs: make([]*logFile, len(jobs)), files: make([]File, len(jobs))}
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				j := jobs[i]
				var pg *rng
				var pw *world
				if j.pad > 0 {
					pg = newRNG(seed, 0x7061640000000000^uint64(ci)<<32^uint64(i))
					cp := *wd
					cp.burst = 0
					pw = &cp
				}
				lf := renderLogFile(j.d, j.idx, j.pad, pg, pw)
				z, err := gz(lf.raw, gzip.DefaultCompression)
				if err != nil {
					errs[i] = fmt.Errorf("compressing CloudTrail file %s: %w", j.key, err)
					continue
				}
				lf.key, lf.mtime, lf.file = j.key, j.mtime, i
				ct.logs[i] = lf
				ct.files[i] = File{Path: j.key, Data: z, ModTime: j.mtime}
			}
		}()
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	for _, j := range jobs {
		st.files++
		st.records += len(j.d.records) + j.pad
		st.eniRecords += j.d.eni
	}
	return ct, nil
}

// padding spreads the non-ENI records that make ENI records share of the
// trail over n files (nil when share is 0 or already reached): about the
// same number per file, ±25 %, as a steady management trail has.
func padding(share float64, eni, all, n int, g *rng) []int {
	if share <= 0 || eni == 0 || n == 0 {
		return nil
	}
	total := int(float64(eni)/share+0.5) - all
	if total <= 0 {
		return nil
	}
	w := make([]float64, n)
	sum := 0.0
	for i := range w {
		w[i] = 0.75 + 0.5*g.float()
		sum += w[i]
	}
	pads := make([]int, n)
	given := 0
	for i := range w {
		pads[i] = int(float64(total) * w[i] / sum)
		given += pads[i]
	}
	for i := 0; given < total; i = (i + 1) % n {
		pads[i]++
		given++
	}
	return pads
}

// renderLogFile writes the {"Records":[…]} body of one log file: its
// records in the order idx gives, with pad further non-ENI records of
// about the same age drawn from pg and interleaved at random.
func renderLogFile(d *delivered, idx []int, pad int, pg *rng, wd *world) *logFile {
	body := make([]byte, 0, 64+len(d.records)*1200+pad*1800)
	body = append(body, `{"Records":[`...)
	oldest, newest := d.times[0], d.times[0]
	seen := func(t time.Time) {
		if t.Before(oldest) {
			oldest = t
		}
		if t.After(newest) {
			newest = t
		}
	}
	n, left, padLeft := 0, len(idx), pad
	for left+padLeft > 0 {
		if n > 0 {
			body = append(body, ',')
		}
		n++
		if padLeft > 0 && pg.intn(left+padLeft) < padLeft {
			padLeft--
			w := jw{b: body}
			at := wd.noiseTime(pg, d.at)
			seen(writeNoise(&w, pg, wd, at))
			body = w.b
			continue
		}
		i := idx[len(idx)-left]
		left--
		body = append(body, d.records[i]...)
		seen(d.times[i])
	}
	body = append(body, "]}"...)
	sum := sha256.Sum256(body)
	return &logFile{raw: body, sum: hex.EncodeToString(sum[:]), oldest: oldest, newest: newest, at: d.at, eni: d.eni, records: n}
}

// noiseTime is the eventTime of a padding record in the file delivered at
// slot: 5–15 minutes before it, like every record CloudTrail delivers (a
// burst adds up to 2 s to its first call).
func (w *world) noiseTime(g *rng, slot time.Time) time.Time {
	return slot.Add(-15*time.Minute + g.seconds(0, 10*time.Minute-3*time.Second))
}
