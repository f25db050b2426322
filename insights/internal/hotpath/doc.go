// Package hotpath holds the insights record path's speed tricks, so that
// the detector itself is plain Go: the key hash with word loads, the
// word-wise key comparison, the SWAR search of an attribute table's tags,
// the branch-free choice of a replacement victim, the unrolled halving of
// six counters, and the switch for the cache-warming passes of
// Detector.Add over a slice.
//
// Each trick has a plain-Go twin, built with the purego build tag
// (go test -tags purego ./insights/...), that computes exactly the same
// results without package unsafe, word tricks or warming loads; the
// package's tests check both builds against plain reference definitions.
// Only the default build's loads use unsafe (reading 8 bytes at once from
// a string whose bounds the caller has checked); no runtime function is
// linked by name.
package hotpath

import (
	"hash/maphash"
	"math/bits"
)

// Keys seed the key hash. They are drawn afresh in every process (from a
// maphash seed), so hash values, like maphash's, are not stable across
// processes and cannot be chosen by an adversary who does not know them.
var Keys = func() (k [4]uint64) {
	s := maphash.MakeSeed()
	for i := range k {
		k[i] = maphash.Comparable(s, i) | 1
	}
	return k
}()

// Mix is wyhash's mixing step: the two halves of the 128-bit product,
// folded.
func Mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// FoldField folds string s into h: its bytes word by word (the last word
// overlapping the one before when the length is not a multiple of 8) and
// its length, so that the boundaries between successive fields count. It
// is cheaper than maphash (no copy, no calls) and weaker, which is enough
// for the series index, where keys of equal hashes are compared.
func FoldField(h uint64, s string) uint64 {
	n := len(s)
	switch {
	case n >= 8:
		for i := 0; i < n-8; i += 8 {
			h = Mix(h^load64(s, i), Keys[1])
		}
		h = Mix(h^load64(s, n-8), Keys[2])
	case n >= 4:
		h = Mix(h^(load32(s, 0)<<32|load32(s, n-4)), Keys[2])
	case n > 0:
		h = Mix(h^(uint64(s[0])|uint64(s[n>>1])<<8|uint64(s[n-1])<<16), Keys[2])
	}
	return h ^ uint64(n)<<56
}

// FoldKey is Mix(FoldField(...FoldField(Keys[3], f[0])..., f[3]), Keys[0]),
// with fields of 9 to 24 bytes, the most common in keys, folded in place
// rather than by a call.
func FoldKey(f *[4]string) uint64 {
	h := Keys[3]
	for _, s := range f {
		if n := len(s); uint(n-9) < 16 {
			h = Mix(h^load64(s, 0), Keys[1])
			if n > 16 {
				h = Mix(h^load64(s, 8), Keys[1])
			}
			h = Mix(h^load64(s, n-8), Keys[2]) ^ uint64(n)<<56
		} else {
			h = FoldField(h, s)
		}
	}
	return Mix(h, Keys[0])
}

// valueSeed seeds HashString.
var valueSeed = maphash.MakeSeed()

// HashString is a seeded 64-bit hash of s (maphash.String).
func HashString(s string) uint64 { return maphash.String(valueSeed, s) }

// SameFields reports whether a and b hold equal strings: a == b, written
// so that strings of 8 to 24 bytes, common in keys, cost three word
// compares instead of a call each.
func SameFields(a, b *[4]string) bool {
	for i := range a {
		x, y := a[i], b[i]
		n := len(x)
		if n != len(y) {
			return false
		}
		if uint(n-8) > 16 {
			if x != y {
				return false
			}
			continue
		}
		// Three words cover 8 to 24 bytes: the first, the middle and the
		// last, overlapping.
		m := n/2 - 4
		if (load64(x, 0)^load64(y, 0))|(load64(x, m)^load64(y, m))|(load64(x, n-8)^load64(y, n-8)) != 0 {
			return false
		}
	}
	return true
}

// The attribute tables: six entries, each with a 64-bit hash and a tag
// byte in one word, the top 7 bits of its hash with the high bit set (0 for
// a free entry).
const (
	// Entries is the number of entries of a table.
	Entries = 6
	lsb8    = 0x0101010101010101
	// tagsMask holds the high bits of the tags of Entries entries.
	tagsMask = 0x0000808080808080
)

// TagOf is the tag of hash h: never 0, the tag of a free entry.
func TagOf(h uint64) uint64 { return h>>57 | 0x80 }

// SetTag returns tags with entry i's tag set to that of hash h.
func SetTag(tags, i, h uint64) uint64 { return tags&^(0xff<<(8*i)) | TagOf(h)<<(8*i) }
