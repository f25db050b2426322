//go:build (!amd64 && !arm64) || purego

package insights

// prefetch would ask the processor to load the cache lines at addrs; on
// this platform (or with the purego tag) it does nothing.
func prefetch(addrs []uintptr) {}
