package insights

import (
	"time"

	"github.com/google/uuid"
)

// Options configures a Detector. The zero value (or a nil *Options) gives
// the defaults listed on each field; a zero field always means "the
// default". Where a field's doc says so, a negative value turns a gate off.
type Options struct {
	// BaselineWindow is the trailing window the baseline is learnt over and
	// reported for (baselineDuration). Default 7 days (10080 minutes), as
	// CloudTrail reports. It is held as whole hours; at most 28 days.
	BaselineWindow time.Duration

	// WarmUp is how much history (from the first minute the detector saw)
	// must exist before any insight opens. Default 24 hours. Set it to
	// BaselineWindow to guarantee baselineDuration >= BaselineWindow in
	// every record, as CloudTrail does after its 28-day back-fill.
	WarmUp time.Duration

	// Lateness is how far behind the newest event time a record may arrive
	// and still be counted. A minute is scored once the watermark (the
	// newest event time seen, or the time given to Advance) has passed its
	// end by Lateness; records for a scored minute are dropped and counted
	// in Stats.Late. Default 5 minutes; at most 1 hour. Rounded up to whole
	// minutes.
	Lateness time.Duration

	// Sensitivity is the Poisson tail probability below which one minute
	// counts as anomalous: P(X >= x | expected) for rises, P(X <= x |
	// expected) for drops. Default 1e-5.
	Sensitivity float64

	// ExitSensitivity is the (looser) tail probability a minute must stay
	// below to keep an open insight going (hysteresis). Default 1e-2.
	ExitSensitivity float64

	// MinExcess is the least number of calls per minute above the expected
	// rate a rise must have: one stray call on a dead API does not fire.
	// Default 2. Negative means no minimum.
	MinExcess float64

	// MinRatio is the least ratio observed/expected a rise must have. It
	// guards busy series against small but statistically significant
	// changes (Poisson variance is small next to real traffic's). Default 2.
	// Negative means no minimum.
	MinRatio float64

	// DropRatio is the largest ratio observed/expected a drop may have.
	// Default 0.25. Drops are tested only for ApiCallRateInsight series,
	// and only fire when silence is improbable: P(X <= x | expected) must
	// be below Sensitivity, which needs an expected rate of about 11.5
	// calls per minute or more at the default.
	DropRatio float64

	// OpenAfter and OpenWindow: an insight opens when at least OpenAfter of
	// the last OpenWindow scored minutes were anomalous in the same
	// direction. Defaults 2 of 3. OpenWindow is at most 16.
	OpenAfter, OpenWindow int

	// CloseAfter is how many consecutive minutes that are no longer
	// anomalous at ExitSensitivity close an open insight. Default 5.
	CloseAfter int

	// MaxInsightDuration ends an insight that has lasted this long (a level
	// shift, not an anomaly). The series then adopts its new level: for one
	// BaselineWindow no insight opens on it and every minute enters the
	// baseline. Default 24 hours.
	MaxInsightDuration time.Duration

	// SeasonalPrior is the weight, in calls, that pulls each hour-of-day
	// estimate towards the series' flat mean (empirical-Bayes shrinkage):
	// rate(h) = (calls(h) + SeasonalPrior) / (minutes(h) + SeasonalPrior/flat).
	// Busy series follow their daily profile; sparse ones use the flat
	// mean. Default 10.
	SeasonalPrior float64

	// IdleAfter evicts a series that saw no call for this long and has no
	// open insight. Evicting after a full BaselineWindow of silence loses
	// nothing but attribution history: a re-created series starts with a
	// silent baseline, which is what it had. Default BaselineWindow.
	IdleAfter time.Duration

	// MaxSeries bounds the number of series; observations that would create
	// more are dropped and counted in Stats.SeriesDropped. Default 1<<20.
	MaxSeries int

	// DataEvents enables Insights on data events: data calls (read and
	// write) are counted for ApiCallRateInsight and data calls with an
	// errorCode for ApiErrorRateInsight. Off by default, as on a trail.
	DataEvents bool

	// NewID returns a fresh eventID or sharedEventID; nil means random
	// version-4 UUIDs. Set it for byte-stable output.
	NewID func() string
}

// Default values of Options.
const (
	DefaultBaselineWindow     = 7 * 24 * time.Hour
	DefaultWarmUp             = 24 * time.Hour
	DefaultLateness           = 5 * time.Minute
	DefaultSensitivity        = 1e-5
	DefaultExitSensitivity    = 1e-2
	DefaultMinExcess          = 2.0
	DefaultMinRatio           = 2.0
	DefaultDropRatio          = 0.25
	DefaultOpenAfter          = 2
	DefaultOpenWindow         = 3
	DefaultCloseAfter         = 5
	DefaultMaxInsightDuration = 24 * time.Hour
	DefaultSeasonalPrior      = 10.0
	DefaultMaxSeries          = 1 << 20
)

// config is Options resolved to the units the detector works in.
type config struct {
	windowHours    int   // baseline window in hours
	warmUp         int64 // minutes
	lateness       int64 // minutes
	alpha, alphaX  float64
	minExcess      float64
	minRatio       float64
	dropRatio      float64
	openK, openN   int
	closeM         int
	maxDur         int64 // minutes
	prior          float64
	idle           int64 // minutes
	maxSeries      int
	dataEvents     bool
	newID          func() string
	pendingMinutes int // ring size for unscored minutes
}

func minutesCeil(d time.Duration) int64 {
	return int64((d + time.Minute - 1) / time.Minute)
}

func (o *Options) resolve() config {
	var z Options
	if o == nil {
		o = &z
	}
	c := config{}
	w := o.BaselineWindow
	if w <= 0 {
		w = DefaultBaselineWindow
	}
	c.windowHours = int((w + time.Hour - 1) / time.Hour)
	if c.windowHours > 28*24 {
		c.windowHours = 28 * 24
	}
	c.warmUp = minutesCeil(orDur(o.WarmUp, DefaultWarmUp))
	c.lateness = minutesCeil(orDur(o.Lateness, DefaultLateness))
	if c.lateness > 60 {
		c.lateness = 60
	}
	c.alpha = orF(o.Sensitivity, DefaultSensitivity)
	c.alphaX = orF(o.ExitSensitivity, DefaultExitSensitivity)
	if c.alphaX < c.alpha {
		c.alphaX = c.alpha
	}
	c.minExcess = gate(o.MinExcess, DefaultMinExcess)
	c.minRatio = gate(o.MinRatio, DefaultMinRatio)
	c.dropRatio = orF(o.DropRatio, DefaultDropRatio)
	c.openN = o.OpenWindow
	if c.openN <= 0 {
		c.openN = DefaultOpenWindow
	}
	if c.openN > 16 {
		c.openN = 16
	}
	c.openK = o.OpenAfter
	if c.openK <= 0 {
		c.openK = DefaultOpenAfter
	}
	if c.openK > c.openN {
		c.openK = c.openN
	}
	c.closeM = o.CloseAfter
	if c.closeM <= 0 {
		c.closeM = DefaultCloseAfter
	}
	c.maxDur = minutesCeil(orDur(o.MaxInsightDuration, DefaultMaxInsightDuration))
	c.prior = orF(o.SeasonalPrior, DefaultSeasonalPrior)
	c.idle = minutesCeil(orDur(o.IdleAfter, time.Duration(c.windowHours)*time.Hour))
	c.maxSeries = o.MaxSeries
	if c.maxSeries <= 0 {
		c.maxSeries = DefaultMaxSeries
	}
	c.dataEvents = o.DataEvents
	c.newID = o.NewID
	if c.newID == nil {
		c.newID = uuid.NewString
	}
	// Unscored minutes span at most lateness+2 distinct minutes.
	c.pendingMinutes = int(c.lateness) + 2
	return c
}

func orDur(v, def time.Duration) time.Duration {
	if v <= 0 {
		return def
	}
	return v
}

func orF(v, def float64) float64 {
	if v <= 0 {
		return def
	}
	return v
}

func gate(v, def float64) float64 {
	switch {
	case v < 0:
		return 0
	case v == 0:
		return def
	}
	return v
}
