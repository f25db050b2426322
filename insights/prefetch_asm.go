//go:build (amd64 || arm64) && !purego

package insights

// prefetch asks the processor to load the cache lines at addrs, without
// waiting for them: a hint that changes nothing but timing. On amd64 and
// arm64 it is a loop of prefetch instructions, which never fault, so a
// stale address is harmless; elsewhere it does nothing.
//
//go:noescape
func prefetch(addrs []uintptr)
