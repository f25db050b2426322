//go:build race

package insights

// raceEnabled scales heavy tests down under the race detector.
const raceEnabled = true
