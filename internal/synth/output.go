package synth

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/klauspost/compress/gzip"
)

// File is one generated object: a path relative to the output folder
// (slash-separated, the S3 key layout), its bytes and the modification
// time it should carry (its delivery time).
type File struct {
	Path    string
	Data    []byte
	ModTime time.Time
}

// Output is a generated scenario.
type Output struct {
	Files []File
	Truth Truth
}

// ctStats counts what the CloudTrail writer produced.
type ctStats struct{ files, digests, duplicates int }

// Generate runs scenario s with seed and renders its evidence.
func Generate(s Scenario, seed uint64) (*Output, error) {
	g := newRNG(seed, 1)
	sim, err := simulate(&s, g)
	if err != nil {
		return nil, err
	}
	if len(sim.Records) == 0 {
		return nil, fmt.Errorf("scenario %s: no ENI records", s.Name)
	}
	out := &Output{}
	ct, err := writeCloudTrail(&s, seed, newRNG(seed, 2), sim, out)
	if err != nil {
		return nil, err
	}
	if err := writeCLI(&s, newRNG(seed, 3), sim, out); err != nil {
		return nil, err
	}
	out.Truth = truth(&s, seed, sim, ct)
	sort.Slice(out.Files, func(i, j int) bool { return out.Files[i].Path < out.Files[j].Path })
	return out, nil
}

// TruthJSON renders the truth with stable key order.
func (o *Output) TruthJSON() ([]byte, error) {
	b, err := json.MarshalIndent(o.Truth, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding truth.json: %w", err)
	}
	return append(b, '\n'), nil
}

// WriteDir writes every file and truth.json under dir.
func (o *Output) WriteDir(dir string) error {
	tj, err := o.TruthJSON()
	if err != nil {
		return err
	}
	files := append(o.Files[:len(o.Files):len(o.Files)], File{Path: "truth.json", Data: tj})
	for _, f := range files {
		if err := writeFile(dir, f); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(dir string, f File) error {
	p := filepath.Join(dir, filepath.FromSlash(f.Path))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("writing %s: %w", p, err)
	}
	if err := os.WriteFile(p, f.Data, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", p, err)
	}
	if !f.ModTime.IsZero() {
		if err := os.Chtimes(p, f.ModTime, f.ModTime); err != nil {
			return fmt.Errorf("writing %s: %w", p, err)
		}
	}
	return nil
}

// gz compresses b deterministically (no name, no mtime in the header).
func gz(b []byte, level int) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, level)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// delivered is one CloudTrail log file before compression.
type delivered struct {
	at      time.Time
	records [][]byte
	times   []time.Time
}

// writeCloudTrail renders the simulation's ENI records and the noise, and
// delivers them the way CloudTrail does: a file every 5 minutes holding
// records 5–15 minutes old, in no particular order.
func writeCloudTrail(s *Scenario, seed uint64, g *rng, sim *simulation, out *Output) (ctStats, error) {
	var st ctStats
	wd := newWorld(g, seed, s.AccountID, s.Region)
	type rec struct {
		at   time.Time
		body []byte
		glue bool
	}
	var recs []rec
	for _, r := range sim.Records {
		var w jw
		if err := writeENIRecord(&w, g, s, r); err != nil {
			return st, err
		}
		recs = append(recs, rec{at: r.Time, body: w.b, glue: r.Run != nil && r.Kind == recCreate})
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
	deliver := func(at time.Time, body []byte, delay time.Duration) {
		slot := at.Add(delay).Truncate(every).Add(every)
		d := slots[slot.Unix()]
		if d == nil {
			d = &delivered{at: slot}
			slots[slot.Unix()] = d
		}
		d.records = append(d.records, body)
		d.times = append(d.times, at)
	}
	var glueCreates []int
	for i, r := range recs {
		deliver(r.at, r.body, 5*time.Minute+g.seconds(0, 5*time.Minute))
		if r.glue {
			glueCreates = append(glueCreates, i)
		}
	}
	for i := 0; i < s.DuplicateRecords && len(glueCreates) > 0; i++ {
		r := recs[glueCreates[g.intn(len(glueCreates))]]
		deliver(r.at, r.body, 15*time.Minute) // the same eventID again, in a later file
		st.duplicates++
	}
	var order []*delivered
	for _, d := range slots {
		order = append(order, d)
	}
	sort.Slice(order, func(i, j int) bool { return order[i].at.Before(order[j].at) })
	var logs []logFile
	for _, d := range order {
		idx := make([]int, len(d.records))
		for i := range idx {
			idx[i] = i
		}
		for i := len(idx) - 1; i > 0; i-- {
			j := g.intn(i + 1)
			idx[i], idx[j] = idx[j], idx[i]
		}
		var body []byte
		body = append(body, `{"Records":[`...)
		oldest, newest := d.times[0], d.times[0]
		for n, i := range idx {
			if n > 0 {
				body = append(body, ',')
			}
			body = append(body, d.records[i]...)
			if d.times[i].Before(oldest) {
				oldest = d.times[i]
			}
			if d.times[i].After(newest) {
				newest = d.times[i]
			}
		}
		body = append(body, "]}"...)
		z, err := gz(body, gzip.DefaultCompression)
		if err != nil {
			return st, fmt.Errorf("compressing CloudTrail file for %s: %w", d.at.Format(time.RFC3339), err)
		}
		mtime := d.at.Add(g.seconds(5*time.Second, 50*time.Second))
		key := logKey(s.AccountID, s.Region, d.at, g.alnum(16))
		out.Files = append(out.Files, File{Path: key, Data: z, ModTime: mtime})
		sum := sha256.Sum256(z)
		logs = append(logs, logFile{key: key, sum: hex.EncodeToString(sum[:]), oldest: oldest, newest: newest, at: d.at})
		st.files++
	}
	for h := 0; h < s.DigestFiles; h++ {
		f, err := digestFile(s, g, s.Start.Add(time.Duration(h)*time.Hour), logs)
		if err != nil {
			return st, err
		}
		out.Files = append(out.Files, f)
		st.digests++
	}
	return st, nil
}

// logFile is a delivered CloudTrail log file as a digest lists it.
type logFile struct {
	key            string
	sum            string // SHA-256 of the stored (gzip) bytes, hex
	oldest, newest time.Time
	at             time.Time // delivery
}

// digestFile writes the CloudTrail-Digest file for the hour starting at
// from, listing the log files delivered in that hour. Ingest must skip it.
func digestFile(s *Scenario, g *rng, from time.Time, logs []logFile) (File, error) {
	to := from.Add(time.Hour)
	var w jw
	w.obj()
	w.kv("awsAccountId", s.AccountID)
	w.key("digestStartTime")
	w.ts(from)
	w.key("digestEndTime")
	w.ts(to)
	bucket := "cloudtrail-" + s.AccountID
	w.kv("digestS3Bucket", bucket)
	name := s.AccountID + "_CloudTrail-Digest_" + s.Region + "_management-trail_" + s.Region + "_" + to.Add(2*time.Minute+11*time.Second).Format("20060102T150405Z") + ".json.gz"
	key := "AWSLogs/" + s.AccountID + "/CloudTrail-Digest/" + s.Region + "/" + to.Format("2006/01/02") + "/" + name
	w.kv("digestS3Object", key)
	w.kv("digestPublicKeyFingerprint", g.hex(32))
	w.kv("digestSignatureAlgorithm", "SHA256withRSA")
	var inHour []logFile
	for _, l := range logs {
		if !l.at.Before(from) && l.at.Before(to) {
			inHour = append(inHour, l)
		}
	}
	if len(inHour) > 0 {
		oldest, newest := inHour[0].oldest, inHour[0].newest
		for _, l := range inHour {
			if l.oldest.Before(oldest) {
				oldest = l.oldest
			}
			if l.newest.After(newest) {
				newest = l.newest
			}
		}
		w.key("newestEventTime")
		w.ts(newest)
		w.key("oldestEventTime")
		w.ts(oldest)
	}
	w.kv("previousDigestS3Bucket", bucket)
	w.key("previousDigestS3Object")
	w.null()
	w.key("previousDigestHashValue")
	w.null()
	w.key("previousDigestHashAlgorithm")
	w.null()
	w.key("previousDigestSignature")
	w.null()
	w.key("logFiles")
	w.arr()
	for _, l := range inHour {
		w.obj()
		w.kv("s3Bucket", bucket)
		w.kv("s3Object", l.key)
		w.kv("hashValue", l.sum)
		w.kv("hashAlgorithm", "SHA-256")
		w.key("newestEventTime")
		w.ts(l.newest)
		w.key("oldestEventTime")
		w.ts(l.oldest)
		w.end()
	}
	w.endArr()
	w.end()
	z, err := gz(w.b, gzip.DefaultCompression)
	if err != nil {
		return File{}, fmt.Errorf("compressing digest file %s: %w", key, err)
	}
	return File{Path: key, Data: z, ModTime: to.Add(2*time.Minute + 11*time.Second)}, nil
}

// writeENIRecord renders one simulated ENI call.
func writeENIRecord(w *jw, g *rng, s *Scenario, r eniRecord) error {
	sn, err := s.subnet(r.Subnet)
	if err != nil {
		return err
	}
	c := eniCall{acct: s.AccountID, region: s.Region, vpc: s.VPCID, az: sn.AZ}
	operator := principal{Role: "platform-admin", PrincipalID: principalID("AROA", 0, s.AccountID+"platform-admin"), Session: "jane.doe",
		SourceIP: "198.51.100.23", UserAgent: "aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/macos#23.5.0 md/arch#arm64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#ec2.create-network-interface"}
	tlsHost := "ec2." + s.Region + ".amazonaws.com"
	switch {
	case r.Kind == recDryRun:
		c.p, c.created = operator, r.Time.Add(-17*time.Minute)
		writeFailedCreateENI(w, g, c, r.Time, r.Subnet, "connectivity probe", sn.SecurityGroup, r.ErrorCode, "Request would have succeeded, but DryRun flag is set.", tlsHost)
	case r.Kind == recCreateFailed:
		c.p = glueService
		c.p.Role = r.Run.Cat.Role
		c.p.PrincipalID = principalID("AROA", 0, s.AccountID+r.Run.Cat.Role)
		c.created = r.Run.StartedOn.Truncate(time.Second)
		writeFailedCreateENI(w, g, c, r.Time, r.Subnet, "Attached to Glue using role: "+roleARN(s.AccountID, r.Run.Cat.Role), sn.SecurityGroup, r.ErrorCode, subnetFullMessage, "")
	default:
		e := r.ENI
		switch e.Owner {
		case ownerGlue:
			c.p = glueService
			c.p.Role = e.Run.Cat.Role
			c.p.PrincipalID = principalID("AROA", 0, s.AccountID+e.Run.Cat.Role)
			c.created = e.Run.StartedOn.Truncate(time.Second)
		case ownerLambda:
			c.p = lambdaService
			c.p.Role = e.Function + "-role"
			c.p.Session = e.Function
			c.p.PrincipalID = principalID("AROA", 0, s.AccountID+c.p.Role)
			c.created = r.Time.Add(-3 * time.Minute)
		default:
			c.p = operator
			c.p.UserAgent = "aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/macos#23.5.0 md/arch#arm64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#ec2.delete-network-interface"
			c.created = r.Time.Add(-9 * time.Minute)
		}
		if r.Kind == recCreate {
			writeCreateENI(w, g, c, r.Time, e, sn.SecurityGroup)
		} else {
			host := ""
			if e.Owner == ownerPreexisting {
				host = tlsHost
			}
			writeDeleteENI(w, g, c, r.Time, e.ID, host)
		}
	}
	return nil
}

// subnetFullMessage is EC2's text for a create in a full subnet.
const subnetFullMessage = "The specified subnet does not have enough free addresses to satisfy the request."
