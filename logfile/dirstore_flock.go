//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

package logfile

import (
	"io/fs"
	"os"
	"syscall"
)

// lockTemp takes an exclusive lock on a new temporary file, held until the
// file is closed. It returns false when the file was removed before the
// lock was taken (by removeStaleTemp in another process).
func lockTemp(f *os.File) (bool, error) {
	if err := flock(f, syscall.LOCK_EX); err != nil {
		return false, err
	}
	return stillThere(f), nil
}

// removeStaleTemp removes a temporary file unless a writer holds its lock.
func removeStaleTemp(path string) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	if flock(f, syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		return // a Put in progress
	}
	if stillThere(f) {
		os.Remove(path)
	}
}

// stillThere reports whether f's name still names f.
func stillThere(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	li, err := os.Lstat(f.Name())
	return err == nil && os.SameFile(fi, li)
}

func flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if err != syscall.EINTR {
			return err
		}
	}
}

// linkCount returns the file's number of hard links.
func linkCount(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink)
	}
	return 1
}
