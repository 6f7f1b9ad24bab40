// Package synthetic generates realistic AWS Glue evidence — CloudTrail log
// and digest files in the S3 key layout, AWS CLI output of Glue and EC2 —
// together with its truth, in-process, for tests in any module:
//
//	tree, err := synthetic.IPExhaustion(synthetic.Options{Seed: 1})
//	tree.WriteDir(dir)                            // the evidence
//	tree.WriteTruth(synthetic.TruthPath(dir))     // beside it, never inside
//
// It is the public face of gluelens' own generator (internal/synth, also
// behind `gluelens synth`): the same seed and options give the same bytes
// on every platform. The package lives under ingest/ because what it
// writes is exactly what gluelens ingest reads — the inputs of the ingest
// pipeline, in the formats its decoders claim — and the design fixes the
// repository's top-level folders; "synthetic" says what the evidence is,
// so a test reads `synthetic.IPExhaustion(...)`.
//
// The truth comes from the generator's own event-by-event simulation of
// AWS (which ENI holds which IP, when; which digest lists which file),
// never from gluelens' analysis: Truth's doc comment gives the definitions
// behind every field.
package synthetic

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"time"

	"github.com/gluelens/gluelens/internal/synth"
)

// Truth is what the evidence must lead to; see the field documentation in
// gluelens' docs/synth.md.
type Truth = synth.Truth

// File is one generated object: its slash-separated path (the S3 key
// layout), bytes, modification time (delivery time) and S3 user metadata.
type File = synth.File

// Integrity asks for a CloudTrail digest chain and damage done to the
// trail after delivery (deleted, altered, re-compressed or added log
// files; deleted or altered digests).
type Integrity = synth.Integrity

// Hard adds evidence an analysis finds hard: ENIs known only by their
// deletes, categories sharing a role, Glue-vs-CloudTrail clock skew, ENI
// creation lag (issue 16).
type Hard = synth.Hard

// Options shape the ip-exhaustion scenario. The zero value (seed 0) is a
// valid scenario; Seed picks the random stream.
type Options struct {
	Seed uint64
	// Start is the first day (midnight UTC); zero: 2026-11-02.
	Start time.Time
	// Accounts and Regions to spread the workload over (default
	// 481516234200 and eu-west-1). Every account and region beyond the
	// first has its own subnets, jobs (suffixed -aNNNN / -REGION), trail
	// and CLI output under ACCOUNT/REGION/.
	Accounts, Regions []string
	// Jobs renames the jobs of a category (ingest, transform, export,
	// report).
	Jobs map[string][]string
	// Scale repeats the workload in each account and region (1–200).
	Scale int
	// Noise scales duplicate deliveries, DryRun probes and light non-ENI
	// records (nil: ×1, the shipped scenario; 0: clean evidence).
	Noise *int
	// ENIShare pads the trail with realistic non-ENI records until ENI
	// calls are this share of it (a real trail: about 0.005; 0: no
	// padding, ENI calls are about half the records).
	ENIShare float64
	// Integrity: digests over the whole trail and damage to it.
	Integrity Integrity
	// Hard: evidence situations that make attribution hard.
	Hard Hard
}

// Tree is a generated evidence tree and its truth.
type Tree struct {
	Files []File // sorted by Path
	Truth Truth
	out   *synth.Output
}

// IPExhaustion generates a day in which Glue jobs sharing a /26 run out of
// IP addresses: CloudTrail ENI calls among realistic management events,
// get-job-runs / get-jobs / get-connections, describe-subnets, describe-vpcs and
// describe-network-interfaces output.
func IPExhaustion(o Options) (*Tree, error) {
	s, err := synth.Customize(synth.Options{Start: o.Start, Accounts: o.Accounts, Regions: o.Regions, Jobs: o.Jobs,
		Scale: o.Scale, Noise: o.Noise, ENIShare: o.ENIShare, Integrity: o.Integrity, Hard: o.Hard})
	if err != nil {
		return nil, fmt.Errorf("ip-exhaustion scenario: %w", err)
	}
	out, err := synth.Generate(s, o.Seed)
	if err != nil {
		return nil, err
	}
	return &Tree{Files: out.Files, Truth: out.Truth, out: out}, nil
}

// WriteDir writes the evidence under dir (created if needed), with each
// file's modification time set to its delivery time.
func (t *Tree) WriteDir(dir string) error { return t.out.WriteDir(dir) }

// WriteTruth writes the truth as indented JSON to path.
func (t *Tree) WriteTruth(path string) error { return t.out.WriteTruth(path) }

// TruthJSON is the truth as WriteTruth writes it.
func (t *Tree) TruthJSON() ([]byte, error) { return t.out.TruthJSON() }

// TruthPath is where the truth of evidence in dir goes by default:
// DIR.truth.json, beside the folder.
func TruthPath(dir string) string { return synth.TruthPath(dir) }

// Checksum is the hex SHA-256 of the tree: for every file in path order,
// its path, modification time (Unix seconds), size and bytes. Equal
// checksums mean byte-identical trees, modification times included.
func (t *Tree) Checksum() string {
	files := append([]File(nil), t.Files...)
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	h := sha256.New()
	for _, f := range files {
		fmt.Fprintf(h, "%s\x00%d\x00%d\x00", f.Path, f.ModTime.Unix(), len(f.Data))
		h.Write(f.Data)
	}
	return hex.EncodeToString(h.Sum(nil))
}
