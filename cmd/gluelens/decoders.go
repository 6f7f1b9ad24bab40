package main

import (
	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/awscli"
	"github.com/gluelens/gluelens/ingest/cloudtrail"
	"github.com/gluelens/gluelens/ingest/ctdigest"
	"github.com/gluelens/gluelens/ingest/parquetpack"
	"github.com/gluelens/gluelens/ingest/sparklog"
)

// decoders lists every input format gluelens reads, most specific first.
func decoders() []ingest.Decoder {
	out := append([]ingest.Decoder{ctdigest.Digest{}, ctdigest.PublicKeys{}, cloudtrail.New()}, awscli.Decoders()...)
	return append(out, &parquetpack.Decoder{}, sparklog.Decoder{})
}

// groupObjects maps keys of multi-file inputs (rolling Spark event logs) to
// their group; nil result means a plain object.
func groupObjects(key string) (string, int, bool) {
	return sparklog.RollingGroup(key)
}
