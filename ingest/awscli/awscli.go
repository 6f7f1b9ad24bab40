// Package awscli decodes the JSON the AWS CLI (or boto3) prints for the Glue
// and EC2 calls gluelens uses as evidence. There is one decoder per output
// shape, so the manifest kind says which shape an object held:
//
//	glue-job-runs           get-job-runs {"JobRuns":[...]} / get-job-run {"JobRun":{...}} → glue_runs
//	glue-jobs               get-jobs {"Jobs":[...]} / get-job {"Job":{...}}               → glue_jobs, glue_job_connections
//	glue-connections        get-connections {"ConnectionList":[...]} / get-connection     → glue_connections
//	ec2-subnets             describe-subnets {"Subnets":[...]}                             → subnets
//	ec2-vpcs                describe-vpcs {"Vpcs":[...]}, create-vpc {"Vpc":{...}}         → vpc_cidr_blocks
//	ec2-network-interfaces  describe-network-interfaces {"NetworkInterfaces":[...]},
//	                        create-network-interface {"NetworkInterface":{...}}           → eni_snapshots
//
// An object may hold several documents one after another (pages saved with
// --no-paginate and concatenated); record indexes then run on across them.
// Keys the decoders do not use are ignored, so newer CLI versions that add
// fields still load.
package awscli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/internal/jsonscan"
	"github.com/gluelens/gluelens/internal/store"
)

// shape is one CLI output shape.
type shape struct {
	kind    string
	listKey string // key of the list form (get-job-runs)
	oneKey  string // key of the single-item form (get-job-run), may be ""
	// item decodes one element and appends its rows; n is its index.
	item func(in *ingest.Input, raw json.RawMessage, n int, out ingest.Sink) error
}

// Decoder reads one AWS CLI output shape.
type Decoder struct{ s shape }

// GlueJobRuns returns the decoder for glue get-job-runs / get-job-run output.
func GlueJobRuns() *Decoder {
	return &Decoder{shape{kind: "glue-job-runs", listKey: "JobRuns", oneKey: "JobRun", item: decodeJobRun}}
}

// GlueJobs returns the decoder for glue get-jobs / get-job output.
func GlueJobs() *Decoder {
	return &Decoder{shape{kind: "glue-jobs", listKey: "Jobs", oneKey: "Job", item: decodeJob}}
}

// GlueConnections returns the decoder for glue get-connections / get-connection output.
func GlueConnections() *Decoder {
	return &Decoder{shape{kind: "glue-connections", listKey: "ConnectionList", oneKey: "Connection", item: decodeConnection}}
}

// EC2Subnets returns the decoder for ec2 describe-subnets output.
func EC2Subnets() *Decoder {
	return &Decoder{shape{kind: "ec2-subnets", listKey: "Subnets", item: decodeSubnet}}
}

// EC2VPCs returns the decoder for ec2 describe-vpcs output (and create-vpc
// output, one VPC).
func EC2VPCs() *Decoder {
	return &Decoder{shape{kind: "ec2-vpcs", listKey: "Vpcs", oneKey: "Vpc", item: decodeVPC}}
}

// EC2NetworkInterfaces returns the decoder for ec2 describe-network-interfaces
// output (and create-network-interface output, a one-ENI snapshot).
func EC2NetworkInterfaces() *Decoder {
	return &Decoder{shape{kind: "ec2-network-interfaces", listKey: "NetworkInterfaces", oneKey: "NetworkInterface", item: decodeNetworkInterface}}
}

// Decoders returns every AWS CLI decoder.
func Decoders() []ingest.Decoder {
	return []ingest.Decoder{GlueJobRuns(), GlueJobs(), GlueConnections(), EC2Subnets(), EC2VPCs(), EC2NetworkInterfaces()}
}

// Kind implements ingest.Decoder.
func (d *Decoder) Kind() string { return d.s.kind }

// Sniff claims an object whose first top-level key is the shape's list or
// single-item key. The CLI prints the response members in the order of the
// API model, where the payload comes before NextToken.
func (d *Decoder) Sniff(_ string, head []byte) bool {
	k := jsonscan.FirstKey(head)
	return k != "" && (k == d.s.listKey || k == d.s.oneKey)
}

// Decode implements ingest.Decoder. A document that is not valid JSON is a
// fatal error naming the line and column; an element that does not decode
// is a bad record and the others still load.
func (d *Decoder) Decode(ctx context.Context, in *ingest.Input, out ingest.Sink) error {
	buf, release, err := ingest.ReadWhole(ctx, in.R, nil, 0) // up to ingest.MaxWholeObject
	defer release()
	if err != nil {
		return err
	}
	b := bytes.TrimPrefix(buf, []byte("\xef\xbb\xbf")) // UTF-8 BOM
	// Find the documents first so that a syntax error anywhere fails the
	// object before any of it is decoded.
	type span struct{ start, end int }
	var docs []span
	if err := jsonscan.Stream(b, func(_, s, e int) error {
		docs = append(docs, span{s, e})
		return nil
	}); err != nil {
		return fmt.Errorf("decoding: %w", jsonscan.Locate(b, 0, err))
	}
	if len(docs) == 0 {
		return fmt.Errorf("decoding: empty input")
	}
	n := 0
	for _, doc := range docs {
		var top map[string]json.RawMessage
		if err := json.Unmarshal(b[doc.start:doc.end], &top); err != nil {
			return fmt.Errorf("decoding: %w", jsonscan.Locate(b, doc.start, err))
		}
		var items []json.RawMessage
		if raw, ok := top[d.s.listKey]; ok {
			if err := json.Unmarshal(raw, &items); err != nil {
				return fmt.Errorf("decoding %s: %w", d.s.listKey, err)
			}
		} else if raw, ok := top[d.s.oneKey]; ok && d.s.oneKey != "" {
			items = []json.RawMessage{raw}
		} else {
			return fmt.Errorf("decoding: document at line %d has no %s key", line(b, doc.start), d.s.listKey)
		}
		for _, raw := range items {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := d.s.item(in, raw, n, out); err != nil {
				return err
			}
			n++
		}
	}
	return nil
}

func line(b []byte, off int) int {
	l, _ := jsonscan.Position(b, off)
	return l
}

// bad reports a record that cannot be decoded.
func bad(out ingest.Sink, n int, what string, err error) error {
	return out.Bad(int64(n), fmt.Errorf("decoding %s %d: %w", what, n, err))
}

// Numbers are decoded as float64 so that 10 and 10.0 both load; integer
// columns get the value rounded toward zero. Absent is NULL. Every integer
// the AWS CLI outputs gluelens keeps is a count or a duration (Attempt,
// ExecutionTime, Timeout, NumberOfWorkers, AvailableIpAddressCount): a
// negative one, or one past its column (2³¹-1 for INTEGER), is stored as
// NULL, never wrapped, with a warning naming the record and field.
type record struct {
	out  ingest.Sink
	n    int
	what string // "job run 3 (jr_…)"
}

func (r record) outside(field string, v float64) {
	r.out.Warn(int64(r.n), fmt.Sprintf("%s: %s %v is not a count gluelens can hold (0 to %d): stored as NULL", r.what, field, v, int64(math.MaxInt32)))
}

func (r record) i32(field string, p *float64) *int32 {
	if p == nil {
		return nil
	}
	v := math.Trunc(*p)
	if v < 0 || v > math.MaxInt32 {
		r.outside(field, *p)
		return nil
	}
	return store.Ptr(int32(v))
}

func (r record) i64(field string, p *float64) *int64 {
	if p == nil {
		return nil
	}
	v := math.Trunc(*p)
	if v < 0 || v > math.MaxInt32 {
		r.outside(field, *p)
		return nil
	}
	return store.Ptr(int64(v))
}

// compactJSON returns raw as compact JSON text, or NULL when absent or null.
func compactJSON(raw json.RawMessage) (*string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var c bytes.Buffer
	if err := json.Compact(&c, raw); err != nil {
		return nil, err
	}
	return store.Ptr(c.String()), nil
}
