//go:build unix

package logfile

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive flock on f without waiting: a second process
// opening the same spool fails instead of interleaving frames.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}
