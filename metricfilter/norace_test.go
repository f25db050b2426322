//go:build !race

package metricfilter

const raceEnabled = false
