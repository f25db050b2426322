package scenario

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/insights"
	"github.com/trailkit/trailkit/internal/randdist"
)

// A Shape is a family of series with one kind of normal traffic, fed to a
// detector minute by minute through Observe, with anomalies placed on some
// of them. Counts are drawn per minute: Poisson of the series' mean, or
// with Dispersion > 1 negative binomial of that mean and variance
// Dispersion × mean (a gamma-distributed rate, then Poisson).
type Shape struct {
	Name      string
	Start     time.Time
	Days      int
	Allowance time.Duration // learning allowance: Starts before Start+Allowance are not counted as false
	Seed      uint64
	Series    []ShapeSeries
	Anomalies []ShapeAnomaly
}

// ShapeSeries is one series of a Shape.
type ShapeSeries struct {
	Key        insights.SeriesKey
	Mean       func(t time.Time) float64 // expected count of the minute starting at t
	Dispersion float64                   // variance / mean; 0 or 1: Poisson
}

// ShapeAnomaly replaces a series' mean during [Start, Start+Duration).
type ShapeAnomaly struct {
	Name     string
	Series   int // index in Shape.Series
	Start    time.Time
	Duration time.Duration
	Mean     func(t time.Time, normal float64) float64
}

// ShapeOutcome is the fate of one anomaly.
type ShapeOutcome struct {
	Anomaly  ShapeAnomaly
	Detected bool          // a Start on the anomaly's series within Slack of its start
	Latency  time.Duration // Start eventTime − anomaly start
	Delay    time.Duration // stream time of the Start's emission − anomaly start
}

// ShapeResult is the outcome of one Shape run.
type ShapeResult struct {
	Shape           string
	Series          int
	SeriesDays      float64 // series × days after the allowance
	Starts          int
	AllowanceStarts int // Starts inside the learning allowance
	FalseStarts     int // Starts after the allowance explained by no anomaly
	Invalid         []error
	Outcomes        []ShapeOutcome
	False           []*event.Record // the false Starts
}

// FalsePer100SeriesDays is FalseStarts per 100 series-days.
func (r *ShapeResult) FalsePer100SeriesDays() float64 {
	if r.SeriesDays <= 0 {
		return 0
	}
	return 100 * float64(r.FalseStarts) / r.SeriesDays
}

// RunShape feeds sh to a detector with opts (NewID is set if nil).
func RunShape(sh Shape, o insights.Options) (*ShapeResult, error) {
	if o.NewID == nil {
		n := 0
		o.NewID = func() string {
			n++
			return fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
		}
	}
	d := insights.New(o)
	rngs := make([]*rand.Rand, len(sh.Series))
	for i := range rngs {
		rngs[i] = rand.New(rand.NewPCG(sh.Seed, uint64(i)))
	}
	res := &ShapeResult{Shape: sh.Name, Series: len(sh.Series)}
	type start struct {
		r  *event.Record
		at time.Time
	}
	var starts []start
	drain := func(now time.Time) {
		for _, r := range d.Drain() {
			if err := event.Validate(r); err != nil {
				res.Invalid = append(res.Invalid, err)
			}
			if r.InsightDetails.State == event.InsightStart {
				starts = append(starts, start{r, now})
			}
		}
	}
	minutes := sh.Days * 1440
	for m := range minutes {
		t := sh.Start.Add(time.Duration(m) * time.Minute)
		for i, s := range sh.Series {
			mean := s.Mean(t)
			for _, a := range sh.Anomalies {
				if a.Series == i && !t.Before(a.Start) && t.Before(a.Start.Add(a.Duration)) {
					mean = a.Mean(t, mean)
				}
			}
			n := Draw(rngs[i], mean, s.Dispersion)
			if n == 0 {
				continue
			}
			if err := d.Observe(s.Key, t, n); err != nil {
				return nil, err
			}
		}
		d.Advance(t)
		drain(t)
	}
	end := sh.Start.Add(time.Duration(minutes) * time.Minute)
	d.Advance(end.Add(lateness(o)))
	drain(end.Add(lateness(o)))

	res.SeriesDays = float64(len(sh.Series)) * (float64(sh.Days) - sh.Allowance.Hours()/24)
	res.Outcomes = make([]ShapeOutcome, len(sh.Anomalies))
	for i, a := range sh.Anomalies {
		res.Outcomes[i] = ShapeOutcome{Anomaly: a, Latency: math.MaxInt64}
	}
	for _, st := range starts {
		res.Starts++
		r := st.r
		key := insights.SeriesKey{AccountID: r.RecipientAccountID, Region: r.AWSRegion,
			EventSource: r.InsightDetails.EventSource, EventName: r.InsightDetails.EventName,
			InsightType: r.InsightDetails.InsightType, ErrorCode: r.InsightDetails.ErrorCode}
		explained := false
		for j := range res.Outcomes {
			oc := &res.Outcomes[j]
			a := oc.Anomaly
			if sh.Series[a.Series].Key != key {
				continue
			}
			if r.EventTime.Before(a.Start.Add(-Slack)) || r.EventTime.After(a.Start.Add(a.Duration).Add(10*time.Minute)) {
				continue
			}
			explained = true
			lat := r.EventTime.Sub(a.Start)
			if lat.Abs() <= Slack && lat.Abs() < oc.Latency.Abs() {
				oc.Detected, oc.Latency, oc.Delay = true, lat, st.at.Sub(a.Start)
			}
		}
		switch {
		case explained:
		case r.EventTime.Before(sh.Start.Add(sh.Allowance)):
			res.AllowanceStarts++
		default:
			res.FalseStarts++
			res.False = append(res.False, r)
		}
	}
	return res, nil
}

// Draw returns a count of mean mean and variance disp × mean (Poisson when
// disp <= 1, else negative binomial).
func Draw(r *rand.Rand, mean, disp float64) int {
	if mean <= 0 {
		return 0
	}
	if disp > 1 {
		// Gamma of shape k = mean/(disp-1) and scale disp-1: variance
		// mean·(disp-1), which the Poisson draw raises by mean.
		mean = gamma(r, mean/(disp-1)) * (disp - 1)
	}
	return randdist.Poisson(r.Float64, mean)
}

// gamma draws Gamma(k, 1) (Marsaglia and Tsang; k < 1 by boosting).
func gamma(r *rand.Rand, k float64) float64 {
	if k < 1 {
		return gamma(r, k+1) * math.Pow(r.Float64(), 1/k)
	}
	d := k - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if math.Log(u) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}

// shapeStart is the suite's first minute: a Monday.
var shapeStart = time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC)

func key(shape string, i int) insights.SeriesKey {
	return insights.SeriesKey{AccountID: "111122223333", Region: "us-east-1",
		EventSource: shape + ".amazonaws.com", EventName: fmt.Sprintf("Update%03d", i),
		InsightType: event.APICallRateInsight}
}

// daily is a daily cycle of amplitude a around 1, peaking at 14:00 UTC.
func daily(t time.Time, a float64) float64 {
	h := float64(t.Hour()) + float64(t.Minute())/60
	return 1 + a*math.Cos(2*math.Pi*(h-14)/24)
}

func within(t time.Time, minuteOfHour, length int) bool {
	k := (t.Minute() - minuteOfHour + 60) % 60
	return k < length
}

// Shapes returns the suite of normal traffic shapes, n series each (the
// suite's tests use 20; fewer under the race detector), with the anomalies
// of the issue placed on some of them. The weekly shape runs 28 days, the
// others 14.
func Shapes(n int) []Shape {
	day := 24 * time.Hour
	frac := func(i int) float64 { return float64(i) / float64(max(n-1, 1)) }
	var out []Shape

	// Hourly jobs: background b, a 3-minute burst at minute k of every
	// hour, 10·b + 50 a minute.
	hourly := Shape{Name: "hourly job", Start: shapeStart, Days: 14, Allowance: day, Seed: 1}
	for i := range n {
		b := 2 * math.Pow(25, frac(i)) // 2 .. 50 a minute
		k := (i * 7) % 60
		hourly.Series = append(hourly.Series, ShapeSeries{Key: key("hourly", i), Mean: func(t time.Time) float64 {
			if within(t, k, 3) {
				return 10*b + 50
			}
			return b * daily(t, 0.3)
		}})
	}
	// A spike inside an hourly-job series, away from its job; the job of
	// another series 5x larger and 15 minutes long.
	hourly.Anomalies = append(hourly.Anomalies, ShapeAnomaly{Name: "spike inside an hourly-job series", Series: n / 2,
		Start: shapeStart.Add(9*day + 11*time.Hour + time.Duration((n/2*7)%60+25)*time.Minute), Duration: 10 * time.Minute,
		Mean: func(_ time.Time, normal float64) float64 { return 5 * normal }})
	jobSeries := n - 1
	jk := (jobSeries * 7) % 60
	hourly.Anomalies = append(hourly.Anomalies, ShapeAnomaly{Name: "hourly job 5x larger and 5x longer", Series: jobSeries,
		Start: shapeStart.Add(10*day + 15*time.Hour + time.Duration(jk)*time.Minute), Duration: 15 * time.Minute,
		Mean: func(t time.Time, _ float64) float64 {
			b := 2 * math.Pow(25, frac(jobSeries))
			return 5 * (10*b + 50)
		}})
	out = append(out, hourly)

	// Quarter-hourly jobs: 2-minute bursts every 15 minutes (and every 30
	// for odd series).
	quarter := Shape{Name: "quarter-hourly job", Start: shapeStart, Days: 14, Allowance: day, Seed: 2}
	for i := range n {
		b := 1 * math.Pow(40, frac(i))
		every := 15
		if i%2 == 1 {
			every = 30
		}
		k := i % every
		quarter.Series = append(quarter.Series, ShapeSeries{Key: key("quarter", i), Mean: func(t time.Time) float64 {
			if (t.Minute()-k+60)%every < 2 {
				return 8*b + 30
			}
			return b
		}})
	}
	out = append(out, quarter)

	// Daily jobs: a 5-minute burst at the same time every day. Four days
	// of allowance: the detector's first day takes its bursts into the
	// baseline before it knows them as jobs (the first day's profile
	// cannot tell a burst from an hour not yet seen), and their excess
	// fades from the hour's rate over the next days.
	dailyJob := Shape{Name: "daily job", Start: shapeStart, Days: 14, Allowance: 4 * day, Seed: 3}
	for i := range n {
		b := 0.5 * math.Pow(60, frac(i))
		at := time.Duration((i*97)%1440) * time.Minute
		size := 100 + 400*frac(i)
		dailyJob.Series = append(dailyJob.Series, ShapeSeries{Key: key("daily", i), Mean: func(t time.Time) float64 {
			if off := t.Sub(t.Truncate(day)); off >= at && off < at+5*time.Minute {
				return size
			}
			return b * daily(t, 0.5)
		}})
	}
	js := n / 3
	jat := time.Duration((js*97)%1440) * time.Minute
	jsize := 100 + 400*frac(js)
	dailyJob.Anomalies = append(dailyJob.Anomalies, ShapeAnomaly{Name: "daily job 5x larger and 5x longer", Series: js,
		Start: shapeStart.Add(9*day + jat), Duration: 25 * time.Minute,
		Mean: func(time.Time, float64) float64 { return 5 * jsize }})
	out = append(out, dailyJob)

	// Weekday business hours (09:00-18:00 UTC) at B, nights and weekends
	// at B/10, over 4 weeks.
	weekly := Shape{Name: "weekday/weekend cycle", Start: shapeStart, Days: 28, Allowance: 14 * day, Seed: 4}
	busy := func(t time.Time, B float64) float64 {
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday && t.Hour() >= 9 && t.Hour() < 18 {
			return B
		}
		return B / 10
	}
	for i := range n {
		B := 10 * math.Pow(30, frac(i))
		weekly.Series = append(weekly.Series, ShapeSeries{Key: key("weekly", i), Mean: func(t time.Time) float64 { return busy(t, B) }})
	}
	// Sunday of the third week, 21:00, for two hours.
	ws := n / 2
	wB := 10 * math.Pow(30, frac(ws))
	weekly.Anomalies = append(weekly.Anomalies, ShapeAnomaly{Name: "weekday traffic on a Sunday night", Series: ws,
		Start: shapeStart.Add(20*day + 21*time.Hour + 7*time.Minute), Duration: 2 * time.Hour,
		Mean: func(time.Time, float64) float64 { return wB }})
	out = append(out, weekly)

	// Overdispersed counts: variance 5x the mean, daily cycle.
	over := Shape{Name: "overdispersed (variance 5x mean)", Start: shapeStart, Days: 14, Allowance: day, Seed: 5}
	for i := range n {
		mu := 5 * math.Pow(40, frac(i)) // 5 .. 200
		over.Series = append(over.Series, ShapeSeries{Key: key("over", i), Dispersion: 5,
			Mean: func(t time.Time) float64 { return mu * daily(t, 0.4) }})
	}
	os := n * 3 / 4
	over.Anomalies = append(over.Anomalies, ShapeAnomaly{Name: "5x spike on an overdispersed series", Series: os,
		Start: shapeStart.Add(8*day + 13*time.Hour + 17*time.Minute), Duration: 10 * time.Minute,
		Mean: func(_ time.Time, normal float64) float64 { return 5 * normal }})
	out = append(out, over)

	// Growth of 3% a day, daily cycle; a busy one drops to zero.
	growth := Shape{Name: "3%/day growth", Start: shapeStart, Days: 14, Allowance: day, Seed: 6}
	for i := range n {
		mu := 2 * math.Pow(250, frac(i)) // 2 .. 500
		growth.Series = append(growth.Series, ShapeSeries{Key: key("growth", i), Mean: func(t time.Time) float64 {
			return mu * math.Pow(1.03, t.Sub(shapeStart).Hours()/24) * daily(t, 0.5)
		}})
	}
	growth.Anomalies = append(growth.Anomalies, ShapeAnomaly{Name: "busy API dropping to zero", Series: n - 2,
		Start: shapeStart.Add(11*day + 10*time.Hour + 3*time.Minute), Duration: 20 * time.Minute,
		Mean: func(time.Time, float64) float64 { return 0 }})
	out = append(out, growth)

	// Sparse calls: from about one a day to one every 10 minutes; and
	// sparse error series, one of which bursts.
	sparse := Shape{Name: "sparse calls", Start: shapeStart, Days: 14, Allowance: day, Seed: 7}
	for i := range n {
		rate := 0.0007 * math.Pow(140, frac(i)) // 0.0007 .. 0.1 a minute
		k := key("sparse", i)
		if i%2 == 1 {
			k.InsightType, k.ErrorCode = event.APIErrorRateInsight, "AccessDenied"
		}
		sparse.Series = append(sparse.Series, ShapeSeries{Key: k, Mean: func(t time.Time) float64 { return rate * daily(t, 0.5) }})
	}
	es := n/2 | 1
	sparse.Anomalies = append(sparse.Anomalies, ShapeAnomaly{Name: "error burst", Series: es,
		Start: shapeStart.Add(7*day + 16*time.Hour + 41*time.Minute), Duration: 10 * time.Minute,
		Mean: func(time.Time, float64) float64 { return 12 }})
	out = append(out, sparse)
	return out
}

// SortOutcomes orders outcomes by anomaly name.
func SortOutcomes(o []ShapeOutcome) {
	slices.SortStableFunc(o, func(a, b ShapeOutcome) int {
		switch {
		case a.Anomaly.Name < b.Anomaly.Name:
			return -1
		case a.Anomaly.Name > b.Anomaly.Name:
			return 1
		}
		return 0
	})
}
