//go:build unix

package cloudtrail_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user + system) the process has used. Benchmarks
// report throughput per CPU second too, because wall time on a shared
// machine says more about the neighbours than about the decoder.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
