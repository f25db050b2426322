package insights

import (
	"encoding/binary"
	"hash/maphash"
	"math/bits"
	"unsafe"
)

// hashKeys seed the key hash (see foldField). They are drawn afresh in
// every process (from a maphash seed), so hash values, like maphash's, are
// not stable across processes and cannot be chosen by an adversary who
// does not know them. Results never depend on them: the series index
// compares keys whose hashes are equal.
var hashKeys = func() (k [4]uint64) {
	s := maphash.MakeSeed()
	for i := range k {
		k[i] = maphash.Comparable(s, i) | 1
	}
	return k
}()

// hashMix is wyhash's mixing step: the two halves of the 128-bit
// product, folded.
func hashMix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// word reads the little-endian word at p; the caller guarantees that its
// 8 bytes lie inside one string.
func word(p unsafe.Pointer) uint64 { return binary.LittleEndian.Uint64((*[8]byte)(p)[:]) }

// load64, load32 and load8 read the little-endian word at p+i, under the
// same guarantee.
func load64(p *byte, i int) uint64 { return word(unsafe.Add(unsafe.Pointer(p), i)) }

func load32(p *byte, i int) uint64 {
	return uint64(binary.LittleEndian.Uint32((*[4]byte)(unsafe.Add(unsafe.Pointer(p), i))[:]))
}

func load8(p *byte, i int) byte { return *(*byte)(unsafe.Add(unsafe.Pointer(p), i)) }

// foldField folds the key field s into h: its bytes word by word (the
// last word overlapping the one before when the length is not a multiple
// of 8) and its length. It is cheaper than maphash (no copy, no calls)
// and weaker, which is enough for the series index, where keys of equal
// hashes are compared.
func foldField(h uint64, s string) uint64 {
	p := unsafe.StringData(s)
	n := len(s)
	switch {
	case n >= 8:
		for i := 0; i < n-8; i += 8 {
			h = hashMix(h^load64(p, i), hashKeys[1])
		}
		h = hashMix(h^load64(p, n-8), hashKeys[2])
	case n >= 4:
		h = hashMix(h^(load32(p, 0)<<32|load32(p, n-4)), hashKeys[2])
	case n > 0:
		h = hashMix(h^(uint64(load8(p, 0))|uint64(load8(p, n>>1))<<8|uint64(load8(p, n-1))<<16), hashKeys[2])
	}
	return h ^ uint64(n)<<56
}

// hashSeed seeds hashValue.
var hashSeed = maphash.MakeSeed()

// memhash is the runtime's hash of n bytes at p, the function behind
// maphash (AES-based where the processor has AES instructions). The
// runtime keeps it available to packages by name (go.dev/issue/67401:
// "Do not remove or change the type signature"); calling it directly
// spares maphash.String's two layers of calls, about 80 of the record
// path's instructions. It is used where uintptr has 64 bits.
//
//go:linkname memhash runtime.memhash
//go:noescape
func memhash(p unsafe.Pointer, seed, n uintptr) uintptr

// memSeed seeds memhash, drawn afresh in every process like hashSeed.
var memSeed = uintptr(maphash.Comparable(hashSeed, 7))

// hashValue hashes an attribute value (and the error code of a key): a
// seeded 64-bit hash, maphash.String's on 32-bit platforms.
func hashValue(s string) uint64 {
	if unsafe.Sizeof(uintptr(0)) == 8 {
		return uint64(memhash(unsafe.Pointer(unsafe.StringData(s)), memSeed, uintptr(len(s))))
	}
	return maphash.String(hashSeed, s)
}

// sameKey reports whether a and b are equal keys. It is a == b, written so
// that the fields of 8 to 24 bytes common in keys cost three word compares
// instead of a call each.
func sameKey(a, b *SeriesKey) bool {
	if len(a.ErrorCode) != len(b.ErrorCode) || len(a.InsightType) != len(b.InsightType) {
		return false
	}
	fa, fb := keyFields(a), keyFields(b)
	for i := range fa {
		x, y := fa[i], fb[i]
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
		px, py := unsafe.Pointer(unsafe.StringData(x)), unsafe.Pointer(unsafe.StringData(y))
		m := n/2 - 4
		if (word(px)^word(py))|(word(unsafe.Add(px, m))^word(unsafe.Add(py, m)))|
			(word(unsafe.Add(px, n-8))^word(unsafe.Add(py, n-8))) != 0 {
			return false
		}
	}
	return sameText(string(a.InsightType), string(b.InsightType)) && sameText(a.ErrorCode, b.ErrorCode)
}

// sameText is a == b for strings of equal lengths, without a call when
// they are empty or share their bytes (as the constant insight types do).
func sameText(a, b string) bool {
	return len(a) == 0 || unsafe.StringData(a) == unsafe.StringData(b) || a == b
}
