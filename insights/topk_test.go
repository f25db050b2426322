package insights

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/trailkit/trailkit/insights/internal/hotpath"
)

// refTable is attrTable.add written plainly: a linear scan by hash, then a
// free entry or the first entry with the least baseline count.
type refTable struct {
	hash         []uint64
	base, recent []float32
}

func (r *refTable) add(h uint64) {
	for i, x := range r.hash {
		if x == h {
			r.base[i]++
			r.recent[i]++
			return
		}
	}
	if len(r.hash) < attrK {
		r.hash, r.base, r.recent = append(r.hash, h), append(r.base, 1), append(r.recent, 1)
		return
	}
	v := 0
	for i := range r.base {
		if r.base[i] < r.base[v] {
			v = i
		}
	}
	r.hash[v] = h
	r.base[v]++
	r.recent[v]++
}

// TestAttrTableTags: the tag search of attrTable.add finds exactly what a
// plain scan finds, also when values share tags (hashes equal in their top
// bits), when they differ only in their tags, and across replacements,
// decay and halving.
func TestAttrTableTags(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	in := new(interner)
	for _, pool := range [][]uint64{
		{1, 2, 3, 4, 5, 6, 7, 8, 9, 10},                         // all tags equal (top bits 0)
		{1 << 57, 2 << 57, 3 << 57, 127 << 57, 1, 2, 3<<57 | 1}, // tags differ, or equal with hashes apart
		{^uint64(0), ^uint64(0) - 1, 0x8000000000000000, 0x7fffffffffffffff, 42, 43, 44, 45},
	} {
		var tab attrTable
		var vals attrValues
		var ref refTable
		for step := range 20000 {
			h := pool[r.IntN(len(pool))]
			tab.add(h, "v", in, &vals)
			ref.add(h)
			if step%97 == 0 {
				tab.decayBase(0.9)
				tab.halveRecent(1)
				for i := range ref.base {
					ref.base[i] *= 0.9
					ref.recent[i] *= 0.5
				}
			}
			if int(tab.n) != len(ref.hash) {
				t.Fatalf("step %d: %d entries, want %d", step, tab.n, len(ref.hash))
			}
			for i := range ref.hash {
				if tab.hash[i] != ref.hash[i] || tab.base[i] != ref.base[i] || tab.recent[i] != ref.recent[i] ||
					tab.tags>>(8*i)&0xff != hotpath.TagOf(ref.hash[i]) {
					t.Fatalf("step %d, entry %d: hash %x base %v recent %v tag %x; want %x %v %v %x", step, i,
						tab.hash[i], tab.base[i], tab.recent[i], tab.tags>>(8*i)&0xff,
						ref.hash[i], ref.base[i], ref.recent[i], hotpath.TagOf(ref.hash[i]))
				}
			}
			if tab.tags>>(8*tab.n) != 0 {
				t.Fatalf("step %d: free entries have tags %x", step, tab.tags)
			}
		}
	}
}

// TestPendSlot: pendSlot is mod(m, Lateness+2) for every minute, the
// pending ones (found without a division) and any other.
func TestPendSlot(t *testing.T) {
	for _, late := range []time.Duration{0, time.Minute, 5 * time.Minute, time.Hour} {
		d := New(Options{Lateness: late})
		L := int64(d.cfg.pendingMinutes)
		for _, scored := range []int64{-3 * L, -L - 1, -1, 0, 1, L - 1, L, 29_000_000, 29_000_000 + L/2} {
			d.setScored(scored)
			for m := scored - 2*L; m <= scored+2*L; m++ {
				if got, want := d.pendSlot(m), mod(m, L); got != want {
					t.Fatalf("lateness %v, scored %d: pendSlot(%d) = %d, want %d", late, scored, m, got, want)
				}
			}
		}
	}
}
