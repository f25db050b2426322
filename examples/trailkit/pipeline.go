package main

import (
	"context"
	"crypto"
	"os"
	"time"

	"github.com/trailkit/trailkit/event/eventtest"
	"github.com/trailkit/trailkit/event/eventtest/fixture"
	"github.com/trailkit/trailkit/insights"
	"github.com/trailkit/trailkit/logfile"
)

// activity describes generated activity and the trail and bucket it goes
// to. demo and gen share it.
type activity struct {
	Dir       string           // DirStore root; the bucket is Dir/Location.Bucket
	Location  logfile.Location // where the trail's objects go in the bucket
	Account   string
	Regions   []string // regions of the activity; the first is the trail's home Region
	TrailName string
	Start     time.Time
	Hours     int
	Rate      float64 // records per minute, over all regions
	Anomalies int
	Attacks   []eventtest.Attack // techniques executed inside the activity
	Seed      int64
	Signer    crypto.Signer
	// Insights, when not nil, runs the detector with these options over
	// the recorded events and writes its records as Insights files.
	Insights *insights.Options
	Progress *progress
}

// outcome is what the pipeline wrote.
type outcome = fixture.Result

// injectedAnomalies spreads n anomalies over the second half of the span, so
// that a detector can learn a baseline on the first half: spikes (ten times
// the rate of one of the busiest write APIs) and error bursts (12 errors a
// minute) alternating, in the Regions in turn, each lasting a quarter of its
// slot (at most 30 minutes).
func injectedAnomalies(n int, start time.Time, span time.Duration, regions []string) []eventtest.Anomaly {
	if n <= 0 {
		return nil
	}
	half := span / 2
	slot := half / time.Duration(n)
	dur := min(30*time.Minute, slot/4).Truncate(time.Minute)
	dur = max(dur, 2*time.Minute)
	var out []eventtest.Anomaly
	for i := range n {
		a := eventtest.Anomaly{
			Region:   regions[i%len(regions)],
			Start:    start.Add(half + slot*time.Duration(i) + slot/4).Truncate(time.Minute),
			Duration: dur,
		}
		if i%2 == 0 {
			a.Kind, a.Factor = eventtest.Spike, 10
		} else {
			a.Kind, a.Factor = eventtest.ErrorBurst, 12
		}
		out = append(out, a)
	}
	return out
}

// generate writes the fixture bucket of a into a DirStore at a.Dir with
// fixture.Write: eventtest activity through the trail's selectors into log
// files delivered every 5 simulated minutes, hourly signed digests per
// delivering Region and, with a.Insights, Insights files. The same
// activity and signing key give the same bytes.
func generate(ctx context.Context, a *activity) (*outcome, error) {
	if err := os.MkdirAll(a.Dir, 0o755); err != nil {
		return nil, err
	}
	store, err := logfile.NewDirStore(a.Dir, logfile.DirStoreOptions{})
	if err != nil {
		return nil, err
	}
	span := time.Duration(a.Hours) * time.Hour
	opts := fixture.Options{
		Activity: eventtest.Config{
			Seed:      a.Seed,
			Start:     a.Start,
			Duration:  span,
			Accounts:  []string{a.Account},
			Regions:   a.Regions,
			Rate:      a.Rate,
			Anomalies: injectedAnomalies(a.Anomalies, a.Start, span, a.Regions),
			Attacks:   a.Attacks,
			OrgID:     a.Location.OrgID,
		},
		Location:  a.Location,
		TrailName: a.TrailName,
		Signer:    a.Signer, Insights: a.Insights,
		Progress: func(minute, minutes, generated int) {
			a.Progress.update("generating: %d/%d minutes, %d records", minute, minutes, generated)
		},
	}
	out, err := fixture.Write(ctx, store, opts)
	if err != nil {
		return nil, err
	}
	a.Progress.done()
	return out, nil
}
