package synth

import (
	"context"
	"fmt"
	"net/netip"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzip"
)

// BenchOptions shapes the CloudTrail benchmark corpus.
type BenchOptions struct {
	Size     int64   // decompressed bytes to write, about
	ENIShare float64 // fraction of records that are ENI create/delete calls
	Seed     uint64
	Accounts int // default 4
	Regions  int // default 3 (of us-east-1, eu-west-1, ap-southeast-2, ...)
	Days     int // default 3
	Workers  int // files compressed in parallel; default GOMAXPROCS
}

// BenchStats describes a written corpus.
type BenchStats struct {
	Files      int
	RawBytes   int64 // decompressed
	GzipBytes  int64
	Records    int64
	ENIRecords int64
}

var benchRegions = []string{"us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1"}

// benchFile is the plan of one corpus file.
type benchFile struct {
	index   int
	acct    string
	region  string
	at      time.Time // delivery time
	rawSize int
}

// planBench lays out the files: sizes between 256 KiB and 3 MiB
// decompressed (busy accounts deliver files of that order every five
// minutes), spread round-robin over accounts and regions and evenly over
// the days.
func planBench(o BenchOptions) []benchFile {
	g := newRNG(o.Seed, 7)
	var accts []string
	for i := 0; i < o.Accounts; i++ {
		accts = append(accts, strconv.Itoa(g.between(1, 9))+string(g.appendChars(nil, "0123456789", 11)))
	}
	var files []benchFile
	for total := int64(0); total < o.Size; {
		n := g.between(256<<10, 3<<20)
		if rest := o.Size - total; int64(n) > rest {
			n = int(rest)
		}
		files = append(files, benchFile{index: len(files), rawSize: n})
		total += int64(n)
	}
	groups := o.Accounts * o.Regions
	perGroup := (len(files) + groups - 1) / groups
	step := time.Duration(o.Days) * 24 * time.Hour / time.Duration(max(perGroup, 1))
	step = max(step.Truncate(5*time.Minute), 5*time.Minute)
	base := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	for i := range files {
		gi := i % groups
		files[i].acct = accts[gi/o.Regions]
		files[i].region = benchRegions[gi%o.Regions]
		files[i].at = base.Add(time.Duration(i/groups)*step + 15*time.Minute)
	}
	return files
}

// WriteBenchCorpus writes a CloudTrail corpus of about o.Size decompressed
// bytes under dir in the real key layout. Files are generated in parallel;
// each draws from its own random stream, so the output does not depend on
// scheduling.
func WriteBenchCorpus(ctx context.Context, dir string, o BenchOptions) (BenchStats, error) {
	if o.Accounts <= 0 {
		o.Accounts = 4
	}
	if o.Regions <= 0 {
		o.Regions = 3
	}
	o.Regions = min(o.Regions, len(benchRegions))
	if o.Days <= 0 {
		o.Days = 3
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Size <= 0 {
		return BenchStats{}, fmt.Errorf("writing bench corpus: size must be positive")
	}
	if o.ENIShare < 0 || o.ENIShare > 1 {
		return BenchStats{}, fmt.Errorf("writing bench corpus: ENI share %g is not in [0, 1]", o.ENIShare)
	}
	files := planBench(o)
	var (
		st       BenchStats
		raw, gzb atomic.Int64
		recs     atomic.Int64
		enis     atomic.Int64
		next     atomic.Int64
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	for w := 0; w < o.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var body []byte
			var zbuf writeBuffer
			zw, _ := gzip.NewWriterLevel(&zbuf, gzip.DefaultCompression)
			for {
				i := int(next.Add(1) - 1)
				if i >= len(files) || ctx.Err() != nil {
					return
				}
				f := files[i]
				var n, e int64
				var key string
				body, key, n, e = benchBody(body[:0], o, f)
				zbuf.b = zbuf.b[:0]
				zw.Reset(&zbuf)
				_, err := zw.Write(body)
				if err == nil {
					err = zw.Close()
				}
				if err == nil {
					err = writeFile(dir, File{Path: key, Data: zbuf.b, ModTime: f.at.Add(23 * time.Second)})
				}
				if err != nil {
					errOnce.Do(func() { firstErr = fmt.Errorf("writing bench corpus: %w", err) })
					return
				}
				raw.Add(int64(len(body)))
				gzb.Add(int64(len(zbuf.b)))
				recs.Add(n)
				enis.Add(e)
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return st, firstErr
	}
	if err := ctx.Err(); err != nil {
		return st, err
	}
	st = BenchStats{Files: len(files), RawBytes: raw.Load(), GzipBytes: gzb.Load(), Records: recs.Load(), ENIRecords: enis.Load()}
	return st, nil
}

type writeBuffer struct{ b []byte }

func (w *writeBuffer) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }

// benchBody renders one corpus file into body (reused) and returns its key
// and record counts.
func benchBody(body []byte, o BenchOptions, f benchFile) ([]byte, string, int64, int64) {
	g := newRNG(o.Seed, 1000+uint64(f.index))
	wd := newWorld(g, o.Seed^hashString(f.acct+f.region), f.acct, f.region)
	key := logKey(f.acct, f.region, f.at, g.alnum(16))
	w := jw{b: append(body, `{"Records":[`...)}
	var n, enis int64
	azs := []string{f.region + "a", f.region + "b", f.region + "c"}
	// The ENI share is kept per file by a running quota so that small
	// shares still land in most files instead of clustering.
	quota := g.float()
	for len(w.b) < f.rawSize {
		at := f.at.Add(-5*time.Minute - time.Duration(g.intn(600))*time.Second)
		quota += o.ENIShare
		if quota >= 1 {
			quota--
			writeBenchENI(&w, g, wd, at, pick(g, azs))
			enis++
		} else {
			writeNoise(&w, g, wd, at)
		}
		n++
	}
	w.b = append(w.b, "]}"...)
	return w.b, key, n, enis
}

// writeBenchENI writes a Glue or Lambda ENI call with plausible values.
func writeBenchENI(w *jw, g *rng, wd *world, at time.Time, az string) {
	c := eniCall{acct: wd.acct, region: wd.region, vpc: "vpc-0" + g.hex(16), az: az, created: at.Add(-time.Minute)}
	role := pick(g, []string{"glue-ingest-role", "glue-transform-role", "glue-export-role"})
	if g.chance(0.8) {
		c.p = glueService
		c.p.Role = role
	} else {
		role = pick(g, appNames)
		c.p = lambdaService
		c.p.Role = role + "-role"
		c.p.Session = role
	}
	c.p.PrincipalID = principalID("AROA", 0, wd.acct+c.p.Role)
	subnet := pick(g, wd.subnets)
	switch k := g.intn(100); {
	case k < 48:
		e := &eni{ID: "eni-0" + g.hex(16), Subnet: subnet, IPCount: 1, Owner: ownerGlue, MAC: mac(g), Description: "Attached to Glue using role: " + roleARN(wd.acct, role)}
		if c.p.InvokedBy == lambdaService.InvokedBy {
			e.Owner = ownerLambda
			e.Description = "AWS Lambda VPC ENI-" + role + "-" + g.uuid()
		}
		e.IP = benchIP(g)
		writeCreateENI(w, g, c, at, e, "sg-0"+g.hex(16))
	case k < 52:
		writeFailedCreateENI(w, g, c, at, subnet, "Attached to Glue using role: "+roleARN(wd.acct, role), "sg-0"+g.hex(16),
			pick(g, []string{"Client.InsufficientFreeAddressesInSubnet", "InsufficientFreeAddressesInSubnet"}), subnetFullMessage, "")
	default:
		writeDeleteENI(w, g, c, at, "eni-0"+g.hex(16), "")
	}
}

func benchIP(g *rng) netip.Addr {
	return netip.AddrFrom4([4]byte{10, byte(g.intn(64)), byte(g.intn(256)), byte(4 + g.intn(250))})
}

func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// ParseSize reads a byte size such as 1GiB, 500MB, 64MiB, 2G or 1048576.
// Binary (KiB, MiB, GiB, TiB) and decimal (KB, MB, GB, TB) units are
// accepted, case-insensitively; a bare K, M, G or T is binary.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || num == "" {
		return 0, fmt.Errorf("parsing size %q: want a number with an optional unit like 1GiB or 500MB", s)
	}
	mult := map[string]float64{
		"": 1, "b": 1,
		"k": 1 << 10, "kib": 1 << 10, "kb": 1e3,
		"m": 1 << 20, "mib": 1 << 20, "mb": 1e6,
		"g": 1 << 30, "gib": 1 << 30, "gb": 1e9,
		"t": 1 << 40, "tib": 1 << 40, "tb": 1e12,
	}[unit]
	if mult == 0 {
		return 0, fmt.Errorf("parsing size %q: unknown unit %q", s, t[i:])
	}
	n := v * mult
	if n < 1 || n > 1<<50 {
		return 0, fmt.Errorf("parsing size %q: out of range (1 B to 1 PiB)", s)
	}
	return int64(n), nil
}
