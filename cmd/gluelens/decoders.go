package main

import (
	"context"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/awscli"
	"github.com/gluelens/gluelens/ingest/cloudtrail"
	"github.com/gluelens/gluelens/ingest/parquetpack"
	"github.com/gluelens/gluelens/ingest/sparklog"
	"github.com/gluelens/gluelens/internal/store"
)

// decoders lists every input format gluelens reads, most specific first.
func decoders() []ingest.Decoder {
	return []ingest.Decoder{
		cloudtrail.New(), awscli.GlueJobRuns(), awscli.GlueJobs(), awscli.GlueConnections(), awscli.EC2Subnets(), awscli.EC2NetworkInterfaces(),
		&parquetpack.Decoder{},
		sparklog.Decoder{},
	}
}

// groupObjects maps keys of multi-file inputs (rolling Spark event logs) to
// their group; nil result means a plain object.
func groupObjects(key string) (string, int, bool) {
	return sparklog.RollingGroup(key)
}

// afterIngest rebuilds derived tables once new evidence is loaded.
func afterIngest(ctx context.Context, st *store.Store) error { return nil }
