//go:build race

package logfile

// raceEnabled lets heavy tests shrink under the race detector, which slows
// them about tenfold; they make the same assertions on less data.
const raceEnabled = true
