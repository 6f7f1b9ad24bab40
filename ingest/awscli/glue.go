package awscli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/eniclass"
	"github.com/gluelens/gluelens/internal/store"
)

// str maps "" to NULL.
var str = store.OptString

const (
	errMissingIDMsg      = "missing Id"
	errMissingNameMsg    = "missing Name"
	errMissingSubnetMsg  = "missing SubnetId"
	errMissingNetIfIDMsg = "missing NetworkInterfaceId"
	errMissingVpcIDMsg   = "missing VpcId"
)

// jobRun is the part of a Glue JobRun that glue_runs keeps.
type jobRun struct {
	ID              string          `json:"Id"`
	JobName         string          `json:"JobName"`
	Attempt         *float64        `json:"Attempt"`
	PreviousRunID   string          `json:"PreviousRunId"`
	TriggerName     string          `json:"TriggerName"`
	StartedOn       Timestamp       `json:"StartedOn"`
	CompletedOn     Timestamp       `json:"CompletedOn"`
	LastModifiedOn  Timestamp       `json:"LastModifiedOn"`
	JobRunState     string          `json:"JobRunState"`
	ErrorMessage    string          `json:"ErrorMessage"`
	ExecutionTime   *float64        `json:"ExecutionTime"`
	Timeout         *float64        `json:"Timeout"`
	MaxCapacity     *float64        `json:"MaxCapacity"`
	WorkerType      string          `json:"WorkerType"`
	NumberOfWorkers *float64        `json:"NumberOfWorkers"`
	GlueVersion     string          `json:"GlueVersion"`
	ExecutionClass  string          `json:"ExecutionClass"`
	DPUSeconds      *float64        `json:"DPUSeconds"`
	Arguments       json.RawMessage `json:"Arguments"`
	JobMode         string          `json:"JobMode"`
}

func decodeJobRun(in *ingest.Input, raw json.RawMessage, n int, out ingest.Sink) error {
	var r jobRun
	if err := json.Unmarshal(raw, &r); err != nil {
		return bad(out, n, "job run", err)
	}
	if r.ID == "" {
		return bad(out, n, "job run", errors.New(errMissingIDMsg))
	}
	args, err := compactJSON(r.Arguments)
	if err != nil {
		return bad(out, n, "job run", err)
	}
	rec := record{out, n, fmt.Sprintf("job run %d (%s)", n, r.ID)}
	return out.Append(&store.GlueRun{
		RunID: r.ID, JobName: str(r.JobName), Attempt: rec.i32("Attempt", r.Attempt), PreviousRunID: str(r.PreviousRunID), TriggerName: str(r.TriggerName),
		StartedOn: r.StartedOn.value(), CompletedOn: r.CompletedOn.value(), LastModifiedOn: r.LastModifiedOn.value(),
		State: str(r.JobRunState), ErrorMessage: str(r.ErrorMessage), ExecutionTimeS: rec.i64("ExecutionTime", r.ExecutionTime), TimeoutMin: rec.i64("Timeout", r.Timeout),
		MaxCapacity: r.MaxCapacity, WorkerType: str(r.WorkerType), NumberOfWorkers: rec.i32("NumberOfWorkers", r.NumberOfWorkers), GlueVersion: str(r.GlueVersion),
		ExecutionClass: str(r.ExecutionClass), DPUSeconds: r.DPUSeconds, Arguments: args,
		FailureClass: str(eniclass.RunFailure(r.ErrorMessage)), SourceURI: str(in.URI), JobMode: str(r.JobMode)})
}

// job is the part of a Glue Job that glue_jobs keeps.
type job struct {
	Name             string          `json:"Name"`
	Role             string          `json:"Role"`
	WorkerType       string          `json:"WorkerType"`
	NumberOfWorkers  *float64        `json:"NumberOfWorkers"`
	MaxCapacity      *float64        `json:"MaxCapacity"`
	GlueVersion      string          `json:"GlueVersion"`
	DefaultArguments json.RawMessage `json:"DefaultArguments"`
	LastModifiedOn   Timestamp       `json:"LastModifiedOn"`
	Connections      *struct {
		Connections []string `json:"Connections"`
	} `json:"Connections"`
}

// decodeJob fills glue_jobs and, in order, glue_job_connections. Role is
// stored as given: GetJob returns whatever was set, an ARN or a bare role
// name, and a bare name cannot be turned into an ARN without the account.
func decodeJob(in *ingest.Input, raw json.RawMessage, n int, out ingest.Sink) error {
	var j job
	if err := json.Unmarshal(raw, &j); err != nil {
		return bad(out, n, "job", err)
	}
	if j.Name == "" {
		return bad(out, n, "job", errors.New(errMissingNameMsg))
	}
	args, err := compactJSON(j.DefaultArguments)
	if err != nil {
		return bad(out, n, "job", err)
	}
	rec := record{out, n, fmt.Sprintf("job %d (%s)", n, j.Name)}
	if err := out.Append(&store.GlueJob{
		JobName: j.Name, RoleArn: str(j.Role), WorkerType: str(j.WorkerType), NumberOfWorkers: rec.i32("NumberOfWorkers", j.NumberOfWorkers), MaxCapacity: j.MaxCapacity,
		GlueVersion: str(j.GlueVersion), DefaultArguments: args, LastModifiedOn: j.LastModifiedOn.value(), SourceURI: str(in.URI)}); err != nil {
		return err
	}
	if j.Connections == nil {
		return nil
	}
	for pos, c := range j.Connections.Connections {
		if err := out.Append(&store.GlueJobConnection{JobName: j.Name, Position: int32(pos), ConnectionName: c, JobModifiedOn: j.LastModifiedOn.value()}); err != nil {
			return err
		}
	}
	return nil
}

// connection is the part of a Glue Connection that glue_connections keeps.
type connection struct {
	Name                           string    `json:"Name"`
	ConnectionType                 string    `json:"ConnectionType"`
	LastUpdatedTime                Timestamp `json:"LastUpdatedTime"`
	CreationTime                   Timestamp `json:"CreationTime"`
	PhysicalConnectionRequirements *struct {
		SubnetID            string   `json:"SubnetId"`
		AvailabilityZone    string   `json:"AvailabilityZone"`
		SecurityGroupIDList []string `json:"SecurityGroupIdList"`
	} `json:"PhysicalConnectionRequirements"`
}

// decodeConnection fills glue_connections. last_updated is LastUpdatedTime,
// else CreationTime (a connection never edited has only the latter).
func decodeConnection(in *ingest.Input, raw json.RawMessage, n int, out ingest.Sink) error {
	var c connection
	if err := json.Unmarshal(raw, &c); err != nil {
		return bad(out, n, "connection", err)
	}
	if c.Name == "" {
		return bad(out, n, "connection", errors.New(errMissingNameMsg))
	}
	var subnet, az, groups string
	if p := c.PhysicalConnectionRequirements; p != nil {
		subnet, az, groups = p.SubnetID, p.AvailabilityZone, strings.Join(p.SecurityGroupIDList, ",")
	}
	updated := c.LastUpdatedTime
	if updated.IsZero() {
		updated = c.CreationTime
	}
	return out.Append(&store.GlueConnection{
		ConnectionName: c.Name, ConnectionType: str(c.ConnectionType), SubnetID: str(subnet), AvailabilityZone: str(az),
		SecurityGroupIDs: str(groups), LastUpdated: updated.value(), SourceURI: str(in.URI)})
}
