package scenario

import (
	"fmt"
	"math"
	"time"

	"github.com/trailkit/trailkit/event/eventtest"
)

// Regions of the standard scenarios.
var Regions = []string{"us-east-1", "eu-west-1"}

// Stationary returns days of seasonal traffic (daily amplitude 0.5) over
// 2 regions × 100 write APIs with rates log-spaced from 0.0007 per minute
// (about one call a day) to 2000 per minute, plus 2 × 30 error series from
// 0.0001 to 3 per minute: 260 detector series, no anomalies.
func Stationary(seed int64, days int) eventtest.Config {
	var series []eventtest.Series
	for _, region := range Regions {
		for i := range 100 {
			rate := 0.0007 * math.Pow(2000/0.0007, float64(i)/99)
			series = append(series, eventtest.Series{Region: region,
				EventSource: fmt.Sprintf("svc%02d.amazonaws.com", i%20), EventName: fmt.Sprintf("UpdateThing%03d", i), Rate: rate})
		}
		for i := range 30 {
			rate := 0.0001 * math.Pow(3/0.0001, float64(i)/29)
			series = append(series, eventtest.Series{Region: region,
				EventSource: fmt.Sprintf("svc%02d.amazonaws.com", i%20), EventName: fmt.Sprintf("DescribeThing%03d", i),
				ErrorCode: "AccessDenied", ReadOnly: true, Rate: rate})
		}
	}
	return eventtest.Config{
		Seed: seed, Start: time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC),
		Duration: time.Duration(days) * 24 * time.Hour, Regions: Regions,
		Rate: -1, Seasonality: 0.5, Series: series,
	}
}

// WithAnomalies adds n anomalies of each kind to a Stationary config,
// after a day of warm-up, one every few hours at odd minutes: spikes (5x,
// 5 to 30 minutes) on APIs of 10 calls per minute or more, drops to zero
// (10 to 30 minutes) on APIs of 20 per minute or more, and error bursts
// (12 errors per minute, 5 to 20 minutes) on APIs of any rate.
func WithAnomalies(cfg eventtest.Config, n int) eventtest.Config {
	var busy, busier, any []eventtest.Series
	for _, s := range cfg.Series {
		if s.ReadOnly {
			continue
		}
		any = append(any, s)
		if s.Rate >= 10 {
			busy = append(busy, s)
		}
		if s.Rate >= 20 {
			busier = append(busier, s)
		}
	}
	day := cfg.Start.Add(26 * time.Hour)
	span := cfg.Duration - 28*time.Hour
	step := span / time.Duration(3*n)
	k := 0
	at := func() time.Time {
		t := day.Add(time.Duration(k) * step).Truncate(time.Minute).Add(time.Duration(k*7%53) * time.Minute)
		k++
		return t
	}
	for i := range n {
		s := busy[(i*7)%len(busy)]
		cfg.Anomalies = append(cfg.Anomalies, eventtest.Anomaly{Kind: eventtest.Spike, Region: s.Region,
			EventSource: s.EventSource, EventName: s.EventName, Start: at(),
			Duration: time.Duration(5+(i*5)%26) * time.Minute, Factor: 5})
		s = busier[(i*5)%len(busier)]
		cfg.Anomalies = append(cfg.Anomalies, eventtest.Anomaly{Kind: eventtest.Drop, Region: s.Region,
			EventSource: s.EventSource, EventName: s.EventName, Start: at(),
			Duration: time.Duration(10+(i*3)%21) * time.Minute})
		s = any[(i*11)%len(any)]
		cfg.Anomalies = append(cfg.Anomalies, eventtest.Anomaly{Kind: eventtest.ErrorBurst, Region: s.Region,
			EventSource: s.EventSource, EventName: s.EventName, ErrorCode: "ThrottlingException", Start: at(),
			Duration: time.Duration(5+(i*4)%16) * time.Minute, Factor: 12})
	}
	return cfg
}

// WithModerateSpikes adds n spikes (5x, 10 minutes) on APIs of 1 to 10
// calls per minute to a Stationary config: below the detector's reliable
// range at the default thresholds (a 5x spike of 1 call per minute is
// about 5 calls, which a Poisson baseline of 1 makes only somewhat
// unusual), to show where detection stops.
func WithModerateSpikes(cfg eventtest.Config, n int) eventtest.Config {
	var mid []eventtest.Series
	for _, s := range cfg.Series {
		if !s.ReadOnly && s.Rate >= 1 && s.Rate < 10 {
			mid = append(mid, s)
		}
	}
	step := (cfg.Duration - 28*time.Hour) / time.Duration(n)
	for i := range n {
		s := mid[i%len(mid)]
		cfg.Anomalies = append(cfg.Anomalies, eventtest.Anomaly{Kind: eventtest.Spike, Region: s.Region,
			EventSource: s.EventSource, EventName: s.EventName,
			Start:    cfg.Start.Add(26*time.Hour + time.Duration(i)*step).Truncate(time.Minute).Add(time.Duration(i*11%47) * time.Minute),
			Duration: 10 * time.Minute, Factor: 5})
	}
	return cfg
}
