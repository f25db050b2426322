//go:build !unix

package insights

import "time"

// cpuTime falls back to wall time where getrusage does not exist.
var start = time.Now()

func cpuTime() time.Duration { return time.Since(start) }
