//go:build !purego

package hotpath

import (
	"encoding/binary"
	"math"
	"math/bits"
	"unsafe"
)

// Warm is whether Detector.Add over a slice makes its cache-warming passes.
const Warm = true

// load64 and load32 read the little-endian word at s[i:]; the caller
// guarantees that it lies inside s.
func load64(s string, i int) uint64 {
	return binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))[:])
}

func load32(s string, i int) uint64 {
	return uint64(binary.LittleEndian.Uint32((*[4]byte)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))[:]))
}

// Find returns the index among the first n entries of the one holding
// hash h, or -1: the tags tested all at once (SWAR zero-byte search),
// then one hash compare; a scan only when another entry shares h's tag.
func Find(tags uint64, hash *[Entries]uint64, n int, h uint64) int {
	// x has a zero byte where an entry's tag is h's; m flags the zero
	// bytes, the lowest one exactly (a borrow may flag bytes above it).
	x := tags ^ TagOf(h)*lsb8
	m := (x - lsb8) &^ x & tagsMask
	if m == 0 {
		return -1
	}
	if i := bits.TrailingZeros64(m) >> 3; i < Entries && hash[i] == h {
		return i
	}
	for i := range n {
		if hash[i] == h {
			return i
		}
	}
	return -1
}

// Victim returns the first index of the least of six non-negative
// counts, without a branch (its position is unpredictable): counts that
// are never negative order like their bits.
func Victim(c *[Entries]float32) int {
	slot, least := uint64(0), uint64(math.Float32bits(c[0]))
	slot, least = lesser(slot, least, 1, c[1])
	slot, least = lesser(slot, least, 2, c[2])
	slot, least = lesser(slot, least, 3, c[3])
	slot, least = lesser(slot, least, 4, c[4])
	slot, _ = lesser(slot, least, 5, c[5])
	return int(slot % Entries)
}

// lesser returns (i, c's bits) if c is less than the count whose bits are
// least, else (slot, least), without a branch.
func lesser(slot, least, i uint64, c float32) (uint64, uint64) {
	b := uint64(math.Float32bits(c))
	lt := -((b - least) >> 63) // all ones when b < least
	return slot ^ (slot^i)&lt, least ^ (least^b)&lt
}

// Halve halves the six counts, unrolled.
func Halve(r *[Entries]float32) {
	r[0], r[1], r[2], r[3], r[4], r[5] = r[0]*0.5, r[1]*0.5, r[2]*0.5, r[3]*0.5, r[4]*0.5, r[5]*0.5
}
