package insights

import (
	"hash/maphash"
	"slices"
	"strings"
)

// topKSize is the number of counters of one space-saving sketch. With k
// counters, every value whose true share of the sketch's weight exceeds 1/k
// is held, and each held count overestimates the true count by at most the
// sketch's smallest count (at most total/k). So the top 5 reported are
// exact when a series has at most 5 distinct values of an attribute, and
// otherwise correct for any value with a share above 20%, with averages at
// most 20% of the total too high (Metwally, Agrawal, El Abbadi 2005).
const topKSize = 5

// hashSeed only speeds up comparisons; results never depend on it.
var hashSeed = maphash.MakeSeed()

func hashValue(s string) uint64 { return maphash.String(hashSeed, s) }

type topEntry struct {
	hash  uint64
	count float32
	value string
}

// topK is a space-saving sketch (Metwally et al.) of weighted string values.
type topK struct {
	e     [topKSize]topEntry
	n     uint8
	total float32
}

// add counts value v (hash h) with weight w. sibling, when not nil, is a
// sketch whose strings may be shared instead of cloning v: values are
// cloned so that a sketch never pins a decoder's buffer.
func (t *topK) add(h uint64, v string, w float32, sibling *topK) {
	t.total += w
	n := int(t.n)
	for i := range n {
		if t.e[i].hash == h && t.e[i].value == v {
			t.e[i].count += w
			return
		}
	}
	var slot int
	var base float32
	if n < topKSize {
		slot = n
		t.n++
	} else {
		slot = 0
		for i := 1; i < topKSize; i++ {
			if t.e[i].count < t.e[slot].count {
				slot = i
			}
		}
		base = t.e[slot].count
	}
	t.e[slot] = topEntry{hash: h, count: base + w, value: t.own(h, v, sibling)}
}

func (t *topK) own(h uint64, v string, sibling *topK) string {
	if sibling != nil {
		for i := range int(sibling.n) {
			if sibling.e[i].hash == h && sibling.e[i].value == v {
				return sibling.e[i].value
			}
		}
	}
	return strings.Clone(v)
}

// decay multiplies every count by f (0 < f <= 1).
func (t *topK) decay(f float32) {
	for i := range int(t.n) {
		t.e[i].count *= f
	}
	t.total *= f
}

// shares returns up to k values with their share of the sketch's total,
// highest first, ties by value.
func (t *topK) shares(k int) []share {
	if t.n == 0 || t.total <= 0 {
		return nil
	}
	out := make([]share, 0, t.n)
	for i := range int(t.n) {
		s := float64(t.e[i].count) / float64(t.total)
		if s > 1 {
			s = 1
		}
		out = append(out, share{t.e[i].value, s})
	}
	slices.SortFunc(out, func(a, b share) int {
		switch {
		case a.share > b.share:
			return -1
		case a.share < b.share:
			return 1
		}
		return strings.Compare(a.value, b.value)
	})
	if len(out) > k {
		out = out[:k]
	}
	return out
}

type share struct {
	value string
	share float64
}
