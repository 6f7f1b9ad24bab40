// Command gluelens is an offline forensic analyzer for AWS Glue: it ingests
// CloudTrail ENI events, Glue job-run histories and Spark event logs into a
// DuckDB file and explains subnet IP exhaustion and full worker disks.
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
