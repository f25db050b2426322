package insights

import "github.com/trailkit/trailkit/insights/internal/hotpath"

// The key hash, the key comparison and the attribute tables' search live
// in internal/hotpath, with plain-Go twins behind the purego build tag.

// baseHash hashes the fields every key has; keyHash adds the type and
// error code. A record's two series share the base hash. Fields are folded
// in one after another, each with its length (hotpath.FoldKey), so that
// the boundaries between fields count. Hash values are drawn afresh in
// every process; results never depend on them, as the series index
// compares keys whose hashes are equal.
func baseHash(k *SeriesKey) uint64 {
	return hotpath.FoldKey(&[4]string{k.AccountID, k.Region, k.EventSource, k.EventName})
}

// hashValue hashes an attribute value (and the error code of a key): a
// seeded 64-bit hash (maphash).
func hashValue(s string) uint64 { return hotpath.HashString(s) }

// sameKey reports whether a and b are equal keys: a == b, with the four
// common fields compared by hotpath.SameFields.
func sameKey(a, b *SeriesKey) bool {
	if len(a.ErrorCode) != len(b.ErrorCode) || len(a.InsightType) != len(b.InsightType) {
		return false
	}
	return hotpath.SameFields(&[4]string{a.AccountID, a.Region, a.EventSource, a.EventName},
		&[4]string{b.AccountID, b.Region, b.EventSource, b.EventName}) &&
		a.InsightType == b.InsightType && a.ErrorCode == b.ErrorCode
}
