package insights

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestSeriesIndex checks the open-addressing index against a map under
// random inserts and removals, with hashes forced to collide often.
func TestSeriesIndex(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var x seriesIndex
	ref := map[SeriesKey]*series{}
	keys := make([]SeriesKey, 300)
	for i := range keys {
		keys[i] = SeriesKey{Region: "r", EventSource: "s", EventName: fmt.Sprint(i), InsightType: "ApiCallRateInsight"}
	}
	hash := func(k *SeriesKey) uint64 { return uint64(len(k.EventName)*7) + uint64(k.EventName[0]%3) } // few distinct hashes
	for step := range 20000 {
		k := &keys[r.IntN(len(keys))]
		h := hash(k)
		got := x.find(h, k)
		if got != ref[*k] {
			t.Fatalf("step %d: find(%v) = %p, want %p", step, k.EventName, got, ref[*k])
		}
		if got == nil {
			s := &series{key: *k, hash: h}
			x.add(s)
			ref[*k] = s
		} else if r.IntN(2) == 0 {
			x.remove(got)
			delete(ref, *k)
		}
		if x.n != len(ref) {
			t.Fatalf("step %d: %d entries, want %d", step, x.n, len(ref))
		}
	}
	for k, s := range ref {
		if x.find(hash(&k), &k) != s {
			t.Fatalf("lost %v", k.EventName)
		}
	}
}
