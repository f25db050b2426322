//go:build race

package digest_test

// raceEnabled shrinks the heaviest tests under the race detector, whose
// cost is mostly in RSA arithmetic; the same assertions are still made.
const raceEnabled = true
