package plan

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// busyDemand generates 30 days of a busy account: 40 subnets (/24, 251
// usable), 8 categories, runs every few minutes, 2–20 workers each, ENIs
// created 5–60 s after start and deleted 50–90 minutes after the run, plus
// one Lambda ENI per subnet-hour as background.
func busyDemand(runsPerDay int) *Demand {
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	const days = 30
	d := &Demand{Start: start, End: start.Add(days * 24 * time.Hour), Subnets: map[string]SubnetInfo{}}
	for s := range 40 {
		id := fmt.Sprintf("subnet-%02d", s)
		d.Subnets[id] = SubnetInfo{ID: id, Prefix: 24, Usable: UsableIPs(24)}
		for h := range days * 24 {
			from := start.Add(time.Duration(h)*time.Hour + time.Duration(rng.IntN(3600))*time.Second)
			d.Background = append(d.Background, Hold{ENI: fmt.Sprintf("eni-l%d-%d", s, h), Subnet: id, From: from,
				To: from.Add(time.Duration(30+rng.IntN(600)) * time.Minute), IPs: 1})
		}
	}
	total := runsPerDay * days
	d.Runs = make([]Run, 0, total)
	for i := range total {
		cat := fmt.Sprintf("cat%d", i%8)
		subnet := fmt.Sprintf("subnet-%02d", (i%8)*5+rng.IntN(5))
		st := start.Add(time.Duration(rng.Int64N(int64(days * 24 * time.Hour))))
		dur := time.Duration(5+rng.IntN(60)) * time.Minute
		workers := 2 + rng.IntN(19)
		r := Run{ID: fmt.Sprintf("jr_%d", i), Job: cat + "-job", Category: cat, Subnet: subnet, Start: st,
			Duration: dur, RecordedEnd: st.Add(dur), Workers: workers}
		for range workers {
			r.Attempts = append(r.Attempts, Attempt{Offset: time.Duration(5+rng.IntN(55)) * time.Second, IPs: 1,
				Linger: time.Duration(50+rng.IntN(40)) * time.Minute})
		}
		d.Runs = append(d.Runs, r)
	}
	return d
}

func enis(d *Demand) int {
	n := len(d.Background)
	for i := range d.Runs {
		n += len(d.Runs[i].Attempts)
	}
	return n
}

// BenchmarkReplay30DaysBusy replays ≈ 500 000 ENIs (1 500 runs a day for
// 30 days, 11 workers on average, plus background). Bytes are reported as
// ENIs, so the MB/s column reads as millions of ENIs per second.
func BenchmarkReplay30DaysBusy(b *testing.B) {
	d := busyDemand(1500)
	gate := map[string]int{}
	for c := range 8 {
		gate[fmt.Sprintf("cat%d", c)] = 40
	}
	for _, bc := range []struct {
		name string
		alt  Alternative
	}{
		{"recorded", Alternative{}},
		{"gate", Alternative{Gate: gate}},
		{"split", Alternative{Assign: map[string]string{"cat0": "new-a", "cat1": "new-a", "cat2": "new-b"}, Prefixes: map[string]int{"new-a": 22, "new-b": 23}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(enis(d)))
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				if _, err := Replay(d, bc.alt); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
		})
	}
}

func BenchmarkThresholds30DaysBusy(b *testing.B) {
	d := busyDemand(1500)
	b.SetBytes(int64(enis(d)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		Thresholds(d, ThresholdOptions{Window: 14 * 24 * time.Hour, Buffer: -1})
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
}

func TestBusyDemandSize(t *testing.T) {
	d := busyDemand(1500)
	n := enis(d)
	t.Logf("busy demand: %d runs, %d ENIs (%d background)", len(d.Runs), n, len(d.Background))
	if n < 300_000 {
		t.Fatalf("busy demand has %d ENIs, want hundreds of thousands", n)
	}
	res, err := Replay(d, Alternative{})
	if err != nil || res.Runs != 45_000 {
		t.Fatalf("replay: %v, %+v", err, res)
	}
}
