// Command gluelens is an offline forensic analyzer for AWS Glue: it ingests
// CloudTrail ENI events, Glue job-run histories and Spark event logs into a
// DuckDB file and explains subnet IP exhaustion and full worker disks.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"syscall"
)

// memoryTarget is the Go heap's soft limit: the collector works harder as
// the heap nears it, so memory freed by a large object is reused before the
// process grows (README "Limits": peak RSS under 1 GB). GOMEMLIMIT overrides it.
const memoryTarget = 512 << 20

// exit ends the process; the test binary standing in for gluelens
// (readonly_test.go) first notes its peak RSS.
var exit = os.Exit

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryTarget)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// GLUELENS_CPUPROFILE=FILE writes a Go CPU profile of the run, for
	// "optimise only with a profile in hand".
	if path := os.Getenv("GLUELENS_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gluelens: writing CPU profile:", err)
			exit(exitFailure)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "gluelens: writing CPU profile:", err)
			exit(exitFailure)
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if code != exitOK {
		pprof.StopCPUProfile()
		exit(code)
	}
}
