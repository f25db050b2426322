package insights

import (
	"iter"
	"math"
	"time"
)

// Score is the model's verdict on one scored step of one series, given to
// Options.OnScore.
type Score struct {
	Key        SeriesKey
	Time       time.Time // start of the step
	Observed   int       // calls (or errors) counted in the step
	Expected   float64   // the model's expected count λ (see the package doc)
	Dispersion float64   // φ: the count's variance is φ·λ (1: Poisson)
	Upper      float64   // P(X >= Observed) under the model
	Lower      float64   // P(X <= Observed) under the model
	// Anomalous: the step passed the rise or drop test (at
	// ExitSensitivity while an insight is open, else at Sensitivity).
	Anomalous bool
	// Insight: the series has an open insight after this step.
	Insight bool
}

// Surprise is -log10 of the smaller tail probability: 0 for an
// unremarkable step, 5 for one as unusual as the default Sensitivity.
func (s Score) Surprise() float64 {
	p := min(s.Upper, s.Lower)
	if p <= 0 {
		return math.Inf(1)
	}
	return -math.Log10(min(p, 1))
}

// report gives step m's score to Options.OnScore.
func (d *Detector) report(s *series, m int64, x uint32, lam, phi float64, anomalous bool) {
	f := d.cfg.onScore
	if f == nil {
		return
	}
	xf := float64(x)
	f(Score{
		Key:        s.key,
		Time:       time.Unix(m*d.cfg.step, 0).UTC(),
		Observed:   int(x),
		Expected:   lam,
		Dispersion: phi,
		Upper:      nbUpper(xf, lam, phi),
		Lower:      nbLower(xf, lam, phi),
		Anomalous:  anomalous,
		Insight:    s.open != nil,
	})
}

// OpenInsight describes an insight whose Start record was emitted and
// whose End record was not.
type OpenInsight struct {
	Key           SeriesKey
	SharedEventID string
	Rise          bool      // a rise; false for a drop
	Start         time.Time // the Start record's eventTime
	LastAnomalous time.Time // start of its latest anomalous step
	// Average is calls per minute from Start through LastAnomalous, the
	// End record's insight average if it ended there.
	Average float64
}

// OpenInsights returns the open insights, in series creation order.
func (d *Detector) OpenInsights() iter.Seq[OpenInsight] {
	return func(yield func(OpenInsight) bool) {
		for _, s := range d.list {
			o := s.open
			if o == nil {
				continue
			}
			steps := o.lastAnom - o.start + 1
			if !yield(OpenInsight{
				Key:           s.key,
				SharedEventID: o.sharedID,
				Rise:          o.rise,
				Start:         time.Unix(o.start*d.cfg.step, 0).UTC(),
				LastAnomalous: time.Unix(o.lastAnom*d.cfg.step, 0).UTC(),
				Average:       o.sum / float64(steps) / d.cfg.stepMin,
			}) {
				return
			}
		}
	}
}
