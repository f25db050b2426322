//go:build !unix

package logfile

import "time"

// cpuTime is not measured on this system; per-CPU metrics are left out.
func cpuTime() time.Duration { return 0 }
