//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly)

package logfile

import (
	"io/fs"
	"os"
	"time"
)

// lockTemp does nothing where flock is not available: removeStaleTemp
// goes by age instead.
func lockTemp(*os.File) (bool, error) { return true, nil }

// staleAge is how old a temporary file must be for removeStaleTemp to take
// it for the leftover of a crash where writers cannot lock their files.
const staleAge = time.Hour

// removeStaleTemp removes a temporary file older than staleAge.
func removeStaleTemp(path string) {
	if fi, err := os.Lstat(path); err == nil && time.Since(fi.ModTime()) > staleAge {
		os.Remove(path)
	}
}

// linkCount returns 1: the number of hard links is not portable.
func linkCount(fs.FileInfo) uint64 { return 1 }
