//go:build !unix

package cloudtrail_test

import "time"

// cpuTime is not measured on this platform; benchmarks then omit the metric.
func cpuTime() time.Duration { return 0 }
