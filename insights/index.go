package insights

// seriesIndex finds a series by key: an open-addressing hash table with
// linear probing over (hash, series) slots, at most half full. Compared
// with a map keyed by SeriesKey it keeps a lookup to one or two cache lines
// before the series itself is touched; distinct keys with equal hashes sit
// in successive slots and are told apart by comparing keys.
type seriesIndex struct {
	slots []indexSlot
	n     int
}

type indexSlot struct {
	hash uint64
	s    *series
}

func (x *seriesIndex) find(h uint64, k *SeriesKey) *series {
	if len(x.slots) == 0 {
		return nil
	}
	mask := uint64(len(x.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		sl := &x.slots[i]
		if sl.s == nil {
			return nil
		}
		if sl.hash == h && sameKey(&sl.s.key, k) {
			return sl.s
		}
	}
}

func (x *seriesIndex) add(s *series) {
	if (x.n+1)*2 > len(x.slots) {
		old := x.slots
		x.slots = make([]indexSlot, max(16, 2*len(old)))
		for _, sl := range old {
			if sl.s != nil {
				x.place(sl)
			}
		}
	}
	x.place(indexSlot{s.hash, s})
	x.n++
}

func (x *seriesIndex) place(sl indexSlot) {
	mask := uint64(len(x.slots) - 1)
	i := sl.hash & mask
	for x.slots[i].s != nil {
		i = (i + 1) & mask
	}
	x.slots[i] = sl
}

// remove deletes s by backward-shift deletion, so no tombstones remain.
func (x *seriesIndex) remove(s *series) {
	mask := uint64(len(x.slots) - 1)
	i := s.hash & mask
	for x.slots[i].s != s {
		i = (i + 1) & mask
	}
	for j := i; ; {
		j = (j + 1) & mask
		if x.slots[j].s == nil {
			break
		}
		// Leave slot j where it is if its home lies cyclically in (i, j].
		home := x.slots[j].hash & mask
		if i <= j && i < home && home <= j || i > j && (i < home || home <= j) {
			continue
		}
		x.slots[i] = x.slots[j]
		i = j
	}
	x.slots[i] = indexSlot{}
	x.n--
}
