//go:build !purego

// Package alias turns the decoder's private copy of a record's bytes into
// strings without copying them again. It is the event package's only use of
// unsafe; building with the purego tag selects a plain-Go twin that copies
// (slower, same results), and CI tests both.
package alias

import "unsafe"

// Copies reports whether String copies (the purego build).
const Copies = false

// String returns the bytes of b as a string sharing b's memory. The caller
// must never modify b afterwards.
func String(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}
