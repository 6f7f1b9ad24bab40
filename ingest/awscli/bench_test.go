package awscli_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/gluelens/gluelens/ingest"
	"github.com/gluelens/gluelens/ingest/awscli"
	"github.com/gluelens/gluelens/internal/testutil"
)

// BenchmarkGlueJobRuns decodes get-job-runs output with 1,000 runs in the
// CLI v1 "wire" rendering.
func BenchmarkGlueJobRuns(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString(`{"JobRuns":[`)
	for i := 0; i < 1000; i++ {
		if i > 0 {
			buf.WriteByte(',')
		}
		fmt.Fprintf(&buf, `{"Id":"jr_%064d","Attempt":0,"JobName":"etl-%d","StartedOn":1602873931.255,"LastModifiedOn":1602874075.985,`+
			`"CompletedOn":1602874075.985,"JobRunState":"FAILED","ErrorMessage":"The specified subnet does not have enough free addresses to satisfy the request.",`+
			`"Arguments":{"--enable-spark-ui":"true","--spark-event-logs-path":"s3://assets/sparkHistoryLogs/"},"PredecessorRuns":[],`+
			`"AllocatedCapacity":10,"ExecutionTime":117,"Timeout":2880,"MaxCapacity":10.0,"WorkerType":"G.1X","NumberOfWorkers":10,"GlueVersion":"4.0"}`, i, i%7)
	}
	buf.WriteString(`],"NextToken":"x"}`)
	data := buf.Bytes()
	d := awscli.GlueJobRuns()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sink := testutil.NewSink()
		in := &ingest.Input{Object: ingest.Object{URI: "/b", Key: "b", ModTime: mtime}, R: bytes.NewReader(data)}
		if err := d.Decode(context.Background(), in, sink); err != nil {
			b.Fatal(err)
		}
		if n := len(sink.Rows["glue_runs"]); n != 1000 {
			b.Fatalf("%d runs", n)
		}
	}
}
