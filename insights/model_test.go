package insights_test

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/insights"
	"github.com/trailkit/trailkit/insights/internal/scenario"
)

var (
	mt0    = time.Date(2024, 6, 3, 0, 0, 0, 0, time.UTC) // a Monday
	putKey = insights.SeriesKey{AccountID: "111122223333", Region: "us-east-1",
		EventSource: "s3.amazonaws.com", EventName: "PutObject", InsightType: event.APICallRateInsight}
)

// run feeds count(step index) of putKey through Observe for n steps of
// step from mt0 and returns the detector and the Start records.
func run(t *testing.T, opts insights.Options, step time.Duration, n int, count func(i int, at time.Time) int) (*insights.Detector, []*event.Record) {
	t.Helper()
	d, recs := runAll(t, opts, step, n, count)
	var starts []*event.Record
	for _, r := range recs {
		if r.InsightDetails.State == event.InsightStart {
			starts = append(starts, r)
		}
	}
	return d, starts
}

// runAll is run returning every record.
func runAll(t *testing.T, opts insights.Options, step time.Duration, n int, count func(i int, at time.Time) int) (*insights.Detector, []*event.Record) {
	t.Helper()
	d := insights.New(opts)
	var recs []*event.Record
	for i := range n {
		at := mt0.Add(time.Duration(i) * step)
		if c := count(i, at); c > 0 {
			if err := d.Observe(putKey, at, c); err != nil {
				t.Fatal(err)
			}
		}
		d.Advance(at)
		recs = append(recs, d.Drain()...)
	}
	return d, recs
}

// TestRecurringBurstBecomesNormal: after the warm-up a new job starts
// bursting for 3 minutes at minute 20 of every hour. Its first bursts are
// insights; after a few repetitions it is normal; then one burst 5x
// larger and longer is an insight again. The same for a new daily job.
func TestRecurringBurstBecomesNormal(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	jobFrom := 36 * 60 // day 1, 12:00
	big := 3*24*60 + 15*60 + 20
	_, starts := run(t, insights.Options{}, time.Minute, 4*24*60, func(i int, at time.Time) int {
		mean := 10.0
		if i >= jobFrom && at.Minute() >= 20 && at.Minute() < 23 {
			mean = 120
		}
		if i >= big && i < big+15 {
			mean = 600
		}
		return scenario.Draw(r, mean, 1)
	})
	var learning, after, bigOnes int
	for _, s := range starts {
		i := int(s.EventTime.Sub(mt0) / time.Minute)
		switch {
		case i >= big && i < big+3:
			bigOnes++
		case i < jobFrom+6*60:
			learning++
		default:
			after++
			t.Errorf("insight at %s, after the hourly job was learnt", s.EventTime)
		}
	}
	if learning == 0 || learning > 4 {
		t.Errorf("%d insights while the hourly job was new, want 1 to 4", learning)
	}
	if bigOnes != 1 {
		t.Errorf("%d insights on the 5x larger and longer burst, want 1", bigOnes)
	}

	// A daily job at 03:30 from day 1, for 5 minutes.
	r = rand.New(rand.NewPCG(3, 4))
	jobDay := 24 * 60
	bigDay := 7*24*60 + 3*60 + 30
	_, starts = run(t, insights.Options{}, time.Minute, 8*24*60, func(i int, at time.Time) int {
		mean := 5.0
		if i >= jobDay && at.Hour() == 3 && at.Minute() >= 30 && at.Minute() < 35 {
			mean = 300
		}
		if i >= bigDay && i < bigDay+25 {
			mean = 1500
		}
		return scenario.Draw(r, mean, 1)
	})
	learning, bigOnes = 0, 0
	for _, s := range starts {
		i := int(s.EventTime.Sub(mt0) / time.Minute)
		switch {
		case i >= bigDay && i < bigDay+3:
			bigOnes++
		case i < jobDay+3*24*60:
			learning++
		default:
			t.Errorf("insight at %s, after the daily job was learnt", s.EventTime)
		}
	}
	if learning == 0 || learning > 3 {
		t.Errorf("%d insights while the daily job was new, want 1 to 3", learning)
	}
	if bigOnes != 1 {
		t.Errorf("%d insights on the 5x larger and longer daily burst, want 1", bigOnes)
	}
}

// TestDispersionEstimate: for counts of variance 5x the mean the scores
// report a dispersion near 5; for Poisson counts near 1; with
// MaxDispersion negative, exactly 1.
func TestDispersionEstimate(t *testing.T) {
	for _, c := range []struct {
		disp, max  float64
		lo, hi     float64
		wantPlain1 bool
	}{{5, 0, 4, 6.5, false}, {1, 0, 1, 1.3, false}, {5, -1, 1, 1, true}} {
		r := rand.New(rand.NewPCG(9, 9))
		var last insights.Score
		run(t, insights.Options{MaxDispersion: c.max, OnScore: func(s insights.Score) { last = s }},
			time.Minute, 3*24*60, func(int, time.Time) int { return scenario.Draw(r, 40, c.disp) })
		if last.Dispersion < c.lo || last.Dispersion > c.hi {
			t.Errorf("variance %vx the mean, MaxDispersion %v: dispersion %.2f, want in [%v, %v]", c.disp, c.max, last.Dispersion, c.lo, c.hi)
		}
	}
}

// TestSeasonalityOff: with NoSeasonality and no trend the expected count
// is the flat mean of the ring, the same at every minute; an hourly job
// then stays unusual (its minutes are not learnt as a schedule), while by
// default it is learnt.
func TestSeasonalityOff(t *testing.T) {
	job := func(_ int, at time.Time) int {
		if at.Minute() < 3 {
			return 200
		}
		return 10
	}
	var exp []float64
	_, starts := run(t, insights.Options{Seasonality: insights.NoSeasonality, MaxTrend: -1, OnScore: func(s insights.Score) {
		if s.Time.After(mt0.Add(47*time.Hour)) && !s.Insight {
			exp = append(exp, s.Expected)
		}
	}}, time.Minute, 2*24*60, job)
	if len(starts) == 0 {
		t.Error("no insight on an hourly job without seasonality")
	}
	for _, e := range exp[1:] {
		if math.Abs(e-exp[0]) > 0.05*exp[0] {
			t.Fatalf("expected counts %v and %v within one hour without seasonality", exp[0], e)
		}
	}
	if _, starts := run(t, insights.Options{}, time.Minute, 2*24*60, job); len(starts) != 0 {
		t.Errorf("%d insights on an hourly job with the default seasonality", len(starts))
	}
}

// TestSeasonalityComponents: each periodic component can be left out on
// its own, and then the job it learns stays unusual: an hourly job without
// MinuteOfHour, a daily job without DailyJobs (both are learnt with every
// component, TestRecurringBurstBecomesNormal and TestSeasonalityOff).
func TestSeasonalityComponents(t *testing.T) {
	hourly := func(_ int, at time.Time) int {
		if at.Minute() < 3 {
			return 200
		}
		return 10
	}
	_, starts := run(t, insights.Options{Seasonality: insights.HourOfDay | insights.DayOfWeek | insights.DailyJobs},
		time.Minute, 2*24*60, hourly)
	late := 0
	for _, s := range starts {
		if s.EventTime.Sub(mt0) >= 36*time.Hour {
			late++
		}
	}
	if late < 10 {
		t.Errorf("%d insights on the hourly job in its last 12 hours without MinuteOfHour, want one an hour", late)
	}

	r := rand.New(rand.NewPCG(3, 4))
	_, starts = run(t, insights.Options{Seasonality: insights.HourOfDay | insights.DayOfWeek | insights.MinuteOfHour},
		time.Minute, 8*24*60, func(i int, at time.Time) int {
			mean := 5.0
			if i >= 24*60 && at.Hour() == 3 && at.Minute() >= 30 && at.Minute() < 35 {
				mean = 300
			}
			return scenario.Draw(r, mean, 1)
		})
	days := map[int]bool{}
	for _, s := range starts {
		if s.EventTime.Hour() == 3 && s.EventTime.Sub(mt0) >= 4*24*time.Hour {
			days[int(s.EventTime.Sub(mt0)/(24*time.Hour))] = true
		}
	}
	if len(days) != 4 {
		t.Errorf("insights on the daily job on %d of its last 4 days without DailyJobs, want every day", len(days))
	}
}

// TestCoarseSteps: series sampled every 5, 30 and 60 minutes, fed to
// detectors of that Step: a steady rate is quiet; a 5x spike of two
// samples is one insight, starting at the first spiking sample, whose
// records report calls per minute and minutes.
func TestCoarseSteps(t *testing.T) {
	for _, step := range []time.Duration{5 * time.Minute, 30 * time.Minute, time.Hour} {
		perDay := int(24 * time.Hour / step)
		spike := 3*perDay + perDay/2
		r := rand.New(rand.NewPCG(5, uint64(step)))
		_, recs := runAll(t, insights.Options{Step: step}, step, 4*perDay, func(i int, _ time.Time) int {
			mean := 20 * step.Minutes() // 20 calls a minute
			if i >= spike && i < spike+2 {
				mean *= 5
			}
			return scenario.Draw(r, mean, 1)
		})
		if len(recs) != 2 {
			t.Errorf("step %s: %d records, want one Start and one End", step, len(recs))
			continue
		}
		start, end := recs[0], recs[1]
		if want := mt0.Add(time.Duration(spike) * step); !start.EventTime.Equal(want) || !end.EventTime.Equal(want.Add(2*step)) {
			t.Errorf("step %s: Start %s End %s, want %s and 2 steps later", step, start.EventTime, end.EventTime, want)
		}
		st := end.InsightDetails.InsightContext.Statistics
		if *st.InsightDuration != int64(2*step/time.Minute) || st.Insight.Average < 80 || st.Insight.Average > 120 ||
			st.Baseline.Average < 18 || st.Baseline.Average > 22 {
			t.Errorf("step %s: duration %d minutes, insight %v, baseline %v calls a minute; want %d, about 100 and 20",
				step, *st.InsightDuration, st.Insight.Average, st.Baseline.Average, 2*step/time.Minute)
		}
		if err := event.Validate(end); err != nil {
			t.Error(err)
		}
	}
}

// TestGatesOff: gates switch off by a negative value. WarmUp -1: a spike
// in the third hour is an insight (by default the warm-up hides it).
// DropRatio -1: a busy series falling to 40% is a drop (by default a drop
// must fall to 25% or less).
func TestGatesOff(t *testing.T) {
	spike := func(i int, _ time.Time) int {
		if i >= 150 && i < 160 {
			return 200
		}
		return 20
	}
	// Without a warm-up the first minutes, with no baseline yet, are an
	// insight too; the spike must be one.
	_, starts := run(t, insights.Options{WarmUp: -1}, time.Minute, 4*60, spike)
	found := false
	for _, s := range starts {
		found = found || s.EventTime.Equal(mt0.Add(150*time.Minute))
	}
	if !found {
		t.Errorf("WarmUp -1: no insight at the spike among %d", len(starts))
	}
	if _, starts := run(t, insights.Options{}, time.Minute, 4*60, spike); len(starts) != 0 {
		t.Errorf("default warm-up: %d insights in the first hours", len(starts))
	}
	fall := func(i int, _ time.Time) int {
		if i >= 2*24*60 && i < 2*24*60+20 {
			return 80
		}
		return 200
	}
	if _, starts := run(t, insights.Options{DropRatio: -1}, time.Minute, 2*24*60+60, fall); len(starts) != 1 {
		t.Errorf("DropRatio -1: %d insights, want the fall's", len(starts))
	}
	if _, starts := run(t, insights.Options{}, time.Minute, 2*24*60+60, fall); len(starts) != 0 {
		t.Errorf("default DropRatio: %d insights on a fall to 40%%", len(starts))
	}
}
