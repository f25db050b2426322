//go:build race

package eventtest

const raceEnabled = true
