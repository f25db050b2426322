//go:build unix

package eventpattern

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time (user and system, all threads, GC included)
// the process has used, so that benchmarks can report a throughput that does
// not depend on how busy the machine is.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
