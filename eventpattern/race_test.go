//go:build race

package eventpattern

const raceEnabled = true
