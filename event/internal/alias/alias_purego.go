//go:build purego

package alias

// Copies reports whether String copies (the purego build).
const Copies = true

// String returns a copy of b as a string.
func String(b []byte) string { return string(b) }
