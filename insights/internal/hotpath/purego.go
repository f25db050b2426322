//go:build purego

package hotpath

// Warm is whether Detector.Add over a slice makes its cache-warming passes.
const Warm = false

// load64 and load32 read the little-endian word at s[i:].
func load64(s string, i int) uint64 {
	_ = s[i+7]
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
}

func load32(s string, i int) uint64 {
	_ = s[i+3]
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24
}

// Find returns the index among the first n entries of the one holding
// hash h, or -1.
func Find(_ uint64, hash *[Entries]uint64, n int, h uint64) int {
	for i := range n {
		if hash[i] == h {
			return i
		}
	}
	return -1
}

// Victim returns the first index of the least of six counts.
func Victim(c *[Entries]float32) int {
	slot := 0
	for i := 1; i < Entries; i++ {
		if c[i] < c[slot] {
			slot = i
		}
	}
	return slot
}

// Halve halves the six counts.
func Halve(r *[Entries]float32) {
	for i := range r {
		r[i] *= 0.5
	}
}
