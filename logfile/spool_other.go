//go:build !unix

package logfile

import "os"

// lockFile does nothing where flock(2) is not available; the caller must
// not open one spool from two processes.
func lockFile(*os.File) error { return nil }
