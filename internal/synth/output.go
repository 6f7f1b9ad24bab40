package synth

import (
	"bytes"
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
	// Meta is the object's S3 user metadata (x-amz-meta-NAME) when
	// uploaded: a digest's signature lives there, not in the file.
	Meta map[string]string
}

// Output is a generated scenario.
type Output struct {
	Files []File
	Truth Truth
}

// ctStats counts what the CloudTrail writer produced.
type ctStats struct {
	files, digests, duplicates int
	records, eniRecords        int // records in the log files, and those of them that are ENI calls
	integrity                  *IntegrityTruth
}

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

// WriteDir writes every file of the evidence under dir. The truth is not
// evidence and never goes inside it: see WriteTruth and TruthPath.
func (o *Output) WriteDir(dir string) error {
	for _, f := range o.Files {
		if err := writeFile(dir, f); err != nil {
			return err
		}
	}
	return nil
}

// WriteTruth writes the truth as JSON to path.
func (o *Output) WriteTruth(path string) error {
	tj, err := o.TruthJSON()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.WriteFile(path, tj, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// TruthPath is where the truth of the evidence written to dir goes by
// default: beside the folder, never inside it (DIR.truth.json).
func TruthPath(dir string) string {
	return filepath.Clean(dir) + ".truth.json"
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

// writeENIRecord renders one simulated ENI call.
func writeENIRecord(w *jw, g *rng, s *Scenario, r eniRecord) error {
	sn, err := s.subnet(r.Subnet)
	if err != nil {
		return err
	}
	cl := s.cellOf(sn)
	c := eniCall{acct: cl.acct, region: cl.region, vpc: cl.vpc, az: sn.AZ}
	operator := principal{Role: "platform-admin", PrincipalID: principalID("AROA", 0, cl.acct+"platform-admin"), Session: "jane.doe",
		SourceIP: "198.51.100.23", UserAgent: "aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/macos#23.5.0 md/arch#arm64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#ec2.create-network-interface"}
	tlsHost := "ec2." + cl.region + ".amazonaws.com"
	switch {
	case r.Kind == recDryRun:
		c.p, c.created = operator, r.Time.Add(-17*time.Minute)
		writeFailedCreateENI(w, g, c, r.Time, r.Subnet, "connectivity probe", sn.SecurityGroup, r.ErrorCode, "Request would have succeeded, but DryRun flag is set.", tlsHost)
	case r.Kind == recCreateFailed:
		c.p = glueService
		c.p.Role = r.Run.Cat.Role
		c.p.PrincipalID = principalID("AROA", 0, cl.acct+r.Run.Cat.Role)
		c.created = r.Run.StartedOn.Truncate(time.Second)
		writeFailedCreateENI(w, g, c, r.Time, r.Subnet, "Attached to Glue using role: "+roleARN(cl.acct, r.Run.Cat.Role), sn.SecurityGroup, r.ErrorCode, subnetFullMessage, "")
	default:
		e := r.ENI
		switch e.Owner {
		case ownerGlue:
			c.p = glueService
			c.p.Role = e.Run.Cat.Role
			c.p.PrincipalID = principalID("AROA", 0, cl.acct+e.Run.Cat.Role)
			c.created = e.Run.StartedOn.Truncate(time.Second)
		case ownerLambda:
			c.p = lambdaService
			c.p.Role = e.Function + "-role"
			c.p.Session = e.Function
			c.p.PrincipalID = principalID("AROA", 0, cl.acct+c.p.Role)
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
