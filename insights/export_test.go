package insights

// RaceEnabled lets the external tests shrink under the race detector.
const RaceEnabled = raceEnabled
