package insights

import (
	"math"
	"slices"
	"strings"

	"github.com/trailkit/trailkit/insights/internal/hotpath"
)

// topKSize is the number of counters of one space-saving sketch. With k
// counters, every value whose true share of the sketch's weight exceeds 1/k
// is held, and each held count overestimates the true count by at most the
// sketch's smallest count (at most total/k). So the top 5 reported are
// exact when a series has at most 5 distinct values of an attribute, and
// otherwise correct for any value with a share above 20%, with averages at
// most 20% of the total too high (Metwally, Agrawal, El Abbadi 2005).
const topKSize = 6

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

// internSize is the number of slots of a Detector's string cache.
const internSize = 4096

// interner shares attribute strings between sketches and series: a
// direct-mapped cache of internSize cloned strings indexed by hash. Values
// are cloned so that a sketch never pins a decoder's buffer; the cache
// makes the clone (an allocation) rare for recurring values, and bounds
// what it holds to internSize strings.
type interner struct {
	slot [internSize]string
	hash [internSize]uint64 // hashValue of slot, valid when slot is set
}

// get returns a clone of v (whose hashValue is h), shared with earlier
// calls for the same string.
func (in *interner) get(h uint64, v string) string {
	i := h % internSize
	if in.hash[i] == h && in.slot[i] == v {
		return in.slot[i]
	}
	return in.put(i, h, v)
}

// attr is get for attribute values, which the sketches already tell apart
// by hash alone (see attrTable): a cached string of the same hash and
// length is taken as v without comparing the bytes, which keeps the
// replacement of a sketch entry, frequent for attributes with many values,
// from reading the cached string.
func (in *interner) attr(h uint64, v string) string {
	i := h % internSize
	if in.hash[i] == h && len(in.slot[i]) == len(v) {
		return in.slot[i]
	}
	return in.put(i, h, v)
}

func (in *interner) put(i, h uint64, v string) string {
	c := strings.Clone(v)
	in.slot[i], in.hash[i] = c, h
	return c
}

// add counts value v (hash h) with weight w. sibling, when not nil, is a
// sketch whose string may be shared; otherwise in supplies it.
func (t *topK) add(h uint64, v string, w float32, sibling *topK, in *interner) {
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
	t.e[slot] = topEntry{hash: h, count: base + w, value: t.own(h, v, sibling, in)}
}

func (t *topK) own(h uint64, v string, sibling *topK, in *interner) string {
	if sibling != nil {
		for i := range int(sibling.n) {
			if sibling.e[i].hash == h && sibling.e[i].value == v {
				return sibling.e[i].value
			}
		}
	}
	return in.attr(h, v)
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

// attrK is the number of counters of one attribute's table.
const attrK = hotpath.Entries // 6

// attrTable tracks one attribute of one series outside insights: a
// space-saving sketch with two counters per value, calls of the baseline
// (decayed hourly) and of the recent minutes (halved every minute), sharing
// their entries so that a record costs one scan. The victim of a
// replacement is the entry with the least baseline count; both counters
// inherit the victim's counts, as in space-saving, so each count
// overestimates by at most the victim's count (recent counts never exceed
// baseline counts, which decay more slowly).
//
// Values are recognised by their 64-bit hash alone, which keeps the
// per-record scan inside two cache lines; two distinct values of one
// attribute of one series colliding (probability about 2^-64 per pair)
// would share a counter. tags holds a byte per entry, the top 7 bits of
// its hash with the high bit set (0 for a free entry), so that a record
// finds its entry, or learns that there is none, by testing all six tags
// at once (hotpath.Find; a plain scan with -tags purego). The layout
// keeps the hot arrays first and the strings, touched only on insertion
// and reporting, last.
type attrTable struct {
	tags                   uint64
	hash                   [attrK]uint64
	base, recent           [attrK]float32
	n                      uint8
	baseTotal, recentTotal float32
}

// attrValues holds the strings of an attrTable, apart so that the tables a
// record scans stay in few cache lines.
type attrValues [attrK]string

// setEntry makes entry i hold hash h.
func (t *attrTable) setEntry(i uint64, h uint64) {
	t.hash[i] = h
	t.tags = hotpath.SetTag(t.tags, i, h)
}

// add counts one call with value v (hash h; "" for a call without one,
// which counts in the totals only).
func (t *attrTable) add(h uint64, v string, in *interner, value *attrValues) {
	t.baseTotal++
	t.recentTotal++
	if v == "" {
		return
	}
	if i := hotpath.Find(t.tags, &t.hash, int(t.n), h); i >= 0 {
		t.base[i]++
		t.recent[i]++
		return
	}
	n := uint64(t.n)
	if n < attrK {
		t.setEntry(n, h)
		value[n], t.base[n], t.recent[n] = in.attr(h, v), 1, 1
		t.n++
		return
	}
	// The victim is the first entry with the least baseline count.
	slot := uint64(hotpath.Victim(&t.base))
	t.setEntry(slot, h)
	value[slot] = in.attr(h, v)
	t.base[slot]++
	t.recent[slot]++
}

func (t *attrTable) decayBase(f float32) {
	for i := range int(t.n) {
		t.base[i] *= f
	}
	t.baseTotal *= f
}

// halveRecent halves the recent counters k times (k >= 0), exactly as k
// successive minutes of halving would.
func (t *attrTable) halveRecent(k int64) {
	if k == 1 {
		// Entries past n hold zeros, which halve to zeros.
		hotpath.Halve(&t.recent)
		t.recentTotal *= 0.5
		return
	}
	for i := range int(t.n) {
		t.recent[i] = halve(t.recent[i], k)
	}
	t.recentTotal = halve(t.recentTotal, k)
}

// halve returns v (>= 0) halved k times, exactly as k successive v *= 0.5
// in float32 would: in big steps while the result stays normal (scaling
// by a power of two is then exact), then one halving at a time in the
// subnormal range, where each halving rounds.
func halve(v float32, k int64) float32 {
	for k > 0 && v != 0 {
		e := int64(math.Float32bits(v) >> 23 & 0xff) // biased exponent
		if e <= 1 {
			v *= 0.5
			k--
			continue
		}
		j := min(k, e-1) // v * 2^-j stays normal
		v = float32(float64(v) * math.Float64frombits(uint64(1023-j)<<52))
		k -= j
	}
	return v
}

// sketch returns the baseline (recent false) or recent counters as a topK.
func (t *attrTable) sketch(recent bool, value *attrValues) topK {
	var k topK
	for i := range int(t.n) {
		c := t.base[i]
		if recent {
			c = t.recent[i]
		}
		if c <= 0 {
			continue
		}
		k.e[k.n] = topEntry{hash: t.hash[i], value: value[i], count: c}
		k.n++
	}
	k.total = t.baseTotal
	if recent {
		k.total = t.recentTotal
	}
	return k
}
