package insights

import (
	"time"

	"github.com/google/uuid"
)

// Options configures a Detector. The zero value gives the defaults listed
// on each field; a zero field always means "the
// default" (the defaults are not exported: they are the documented values
// below, which a caller sets explicitly to pin them). Every gate or model component that can be switched off is
// switched off the same way: by a negative value (MinExcess, MinRatio,
// DropRatio, WarmUp, Seasonality, MaxDispersion, MaxTrend).
//
// Durations are in event time. "Step" below is Options.Step, one minute by
// default.
type Options struct {
	// Step is the interval the detector counts and scores in: one minute
	// by default, as CloudTrail. Series sampled at a coarser interval (a
	// metric every 5, 30 or 60 minutes) go to a Detector whose Step is
	// that interval: Observe then adds a count to the step holding t.
	// Every other option keeps its unit (time, or calls per step where it
	// says so). Step is rounded up to one of 1, 2, 3, 4, 5, 6, 10, 12, 15,
	// 20, 30 or 60 minutes (a whole number of steps per hour); at most 60
	// minutes. The records still report averages per minute and durations
	// in minutes (see the package doc, "Steps").
	Step time.Duration

	// Seasonality selects the periodic components of the model of normal
	// (see the package doc, "Model of normal"): zero means all four; a
	// negative value (NoSeasonality) switches them all off, leaving the
	// flat mean with its trend; otherwise the bitwise OR of some of
	// HourOfDay, DayOfWeek, MinuteOfHour and DailyJobs.
	Seasonality Seasonality

	// MaxDispersion bounds the per-series dispersion φ (variance / mean of
	// a count, 1 for Poisson) that the tail probabilities use. Default 50.
	// Negative turns the estimate off: counts are taken to be Poisson.
	MaxDispersion float64

	// MaxTrend bounds the trend factor, the ratio of the last 24 hours'
	// calls to what the profile expected for them: the factor is kept in
	// [1/MaxTrend, MaxTrend]. Default 4/3 (enough for growth of about 10%
	// a day). Negative turns the trend off (factor 1).
	MaxTrend float64

	// BaselineWindow is the trailing window the baseline is learnt over and
	// reported for (baselineDuration). Default 7 days (10080 minutes), as
	// CloudTrail reports. It is held as whole hours; at most 28 days.
	BaselineWindow time.Duration

	// WarmUp is how much history (from the first minute the detector saw)
	// must exist before any insight opens. Default 24 hours; negative
	// means none. Set it to
	// BaselineWindow to guarantee baselineDuration >= BaselineWindow in
	// every record, as CloudTrail does after its 28-day back-fill.
	WarmUp time.Duration

	// Lateness is how far behind the newest event time a record may arrive
	// and still be counted. A step is scored once the watermark (the
	// newest event time seen, or the time given to Advance) has passed its
	// end by Lateness; records for a scored step are dropped and counted
	// in Stats.Late. Default 5 minutes; at most 1 hour. Rounded up to whole
	// steps.
	Lateness time.Duration

	// Sensitivity is the tail probability below which one minute counts
	// as anomalous: P(X >= x) for rises, P(X <= x) for drops, X the
	// count's distribution under the model of normal (negative binomial of
	// the expected mean and the series' dispersion; Poisson when the
	// dispersion is 1). Default 1e-5.
	Sensitivity float64

	// ExitSensitivity is the (looser) tail probability a minute must stay
	// below to keep an open insight going (hysteresis). Default 1e-2.
	ExitSensitivity float64

	// MinExcess is the least number of calls per step above the expected
	// rate a rise must have: one stray call on a dead API does not fire.
	// Default 2. Negative means no minimum.
	MinExcess float64

	// MinRatio is the least ratio observed/expected a rise must have. It
	// guards busy series against small but statistically significant
	// changes (Poisson variance is small next to real traffic's). Default 2.
	// Negative means no minimum.
	MinRatio float64

	// DropRatio is the largest ratio observed/expected a drop may have.
	// Default 0.25; negative means no maximum (the tail probability alone
	// decides). Drops are tested only for ApiCallRateInsight series, and
	// only fire when silence is improbable: P(X <= x) must be below
	// Sensitivity, which needs an expected rate of about 11.5 calls per
	// step or more at the default (more for overdispersed series).
	DropRatio float64

	// OpenAfter and OpenWindow: an insight opens when at least OpenAfter of
	// the last OpenWindow scored steps were anomalous in the same
	// direction. Defaults 2 of 3. OpenWindow is at most 16.
	OpenAfter, OpenWindow int

	// CloseAfter is how many consecutive steps that are no longer
	// anomalous at ExitSensitivity close an open insight. Default 5.
	CloseAfter int

	// MaxInsightDuration ends an insight that has lasted this long (a level
	// shift, not an anomaly). The series then adopts its new level: for one
	// BaselineWindow no insight opens on it and every minute enters the
	// baseline. Default 24 hours.
	MaxInsightDuration time.Duration

	// SeasonalPrior is the weight, in calls, that pulls each hour-of-day
	// estimate towards the series' flat mean (empirical-Bayes shrinkage):
	// rate(h) = (calls(h) + SeasonalPrior) / (steps(h) + SeasonalPrior/flat),
	// and each weekday or weekend hour towards the hour-of-day rate.
	// Busy series follow their profile; sparse ones use the flat mean.
	// Default 10.
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

	// OnScore, when set, is called for every scored step of every series
	// (each series' steps in time order; a call that makes several steps
	// final goes through them series by series), with the
	// step's observed count, expected count and tail probabilities (see
	// Score), from inside the Add, Observe or Advance call that
	// made the step final. It must not call the Detector. Scoring costs
	// two tail probabilities a series and step more when it is set.
	OnScore func(Score)
}

// Seasonality is a set of periodic components of the model of normal.
type Seasonality int

// The periodic components (see the package doc, "Model of normal").
const (
	// HourOfDay: one rate per hour of day, interpolated between hours.
	HourOfDay Seasonality = 1 << iota
	// DayOfWeek: separate hour-of-day rates for weekdays and for weekends
	// (Saturday and Sunday, UTC). Without HourOfDay: one rate each.
	DayOfWeek
	// MinuteOfHour: a learnt offset for each step of the hour (jobs
	// running every hour, or every 15 or 30 minutes).
	MinuteOfHour
	// DailyJobs: learnt offsets for up to 32 steps of the day that keep
	// bursting (a job running at the same time every day).
	DailyJobs

	// NoSeasonality switches every periodic component off.
	NoSeasonality Seasonality = -1
)

// The defaults of Options, documented on its fields.
const (
	defaultBaselineWindow     = 7 * 24 * time.Hour
	defaultWarmUp             = 24 * time.Hour
	defaultLateness           = 5 * time.Minute
	defaultSensitivity        = 1e-5
	defaultExitSensitivity    = 1e-2
	defaultMinExcess          = 2.0
	defaultMinRatio           = 2.0
	defaultDropRatio          = 0.25
	defaultOpenAfter          = 2
	defaultOpenWindow         = 3
	defaultCloseAfter         = 5
	defaultMaxInsightDuration = 24 * time.Hour
	defaultSeasonalPrior      = 10.0
	defaultMaxSeries          = 1 << 20
	defaultMaxDispersion      = 50.0
	defaultMaxTrend           = 4.0 / 3
)

// config is Options resolved to the units the detector works in.
type config struct {
	step           int64   // seconds
	perHour        int64   // steps per hour
	stepMin        float64 // minutes per step
	season         Seasonality
	maxDisp        float64 // 1: Poisson
	maxTrend       float64 // 1: no trend
	onScore        func(Score)
	windowHours    int   // baseline window in hours
	warmUp         int64 // steps
	lateness       int64 // steps
	alpha, alphaX  float64
	minExcess      float64
	minRatio       float64
	dropRatio      float64
	openK, openN   int
	closeM         int
	maxDur         int64 // steps
	prior          float64
	idle           int64 // steps
	maxSeries      int
	dataEvents     bool
	newID          func() string
	pendingMinutes int // ring size for unscored minutes
}

// steps are the allowed Options.Step values, in minutes.
var steps = []int64{1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60}

func (c *config) stepsCeil(d time.Duration) int64 {
	s := time.Duration(c.step) * time.Second
	return int64((d + s - 1) / s)
}

func (o Options) resolve() config {
	c := config{}
	c.step = 3600
	for _, m := range steps {
		if time.Duration(m)*time.Minute >= o.Step {
			c.step = m * 60
			break
		}
	}
	c.perHour = 3600 / c.step
	c.stepMin = float64(c.step) / 60
	c.season = o.Seasonality
	switch {
	case c.season == 0:
		c.season = HourOfDay | DayOfWeek | MinuteOfHour | DailyJobs
	case c.season < 0:
		c.season = 0
	}
	c.maxDisp = gate(o.MaxDispersion, defaultMaxDispersion)
	if c.maxDisp < 1 {
		c.maxDisp = 1
	}
	c.maxTrend = gate(o.MaxTrend, defaultMaxTrend)
	if c.maxTrend < 1 {
		c.maxTrend = 1
	}
	c.onScore = o.OnScore
	w := o.BaselineWindow
	if w <= 0 {
		w = defaultBaselineWindow
	}
	c.windowHours = int((w + time.Hour - 1) / time.Hour)
	if c.windowHours > 28*24 {
		c.windowHours = 28 * 24
	}
	if o.WarmUp >= 0 {
		c.warmUp = c.stepsCeil(orDur(o.WarmUp, defaultWarmUp))
	}
	c.lateness = c.stepsCeil(orDur(o.Lateness, defaultLateness))
	c.lateness = min(c.lateness, c.stepsCeil(time.Hour))
	c.alpha = orF(o.Sensitivity, defaultSensitivity)
	c.alphaX = orF(o.ExitSensitivity, defaultExitSensitivity)
	if c.alphaX < c.alpha {
		c.alphaX = c.alpha
	}
	c.minExcess = gate(o.MinExcess, defaultMinExcess)
	c.minRatio = gate(o.MinRatio, defaultMinRatio)
	c.dropRatio = orF(o.DropRatio, defaultDropRatio)
	if o.DropRatio < 0 {
		c.dropRatio = 1
	}
	c.openN = o.OpenWindow
	if c.openN <= 0 {
		c.openN = defaultOpenWindow
	}
	if c.openN > 16 {
		c.openN = 16
	}
	c.openK = o.OpenAfter
	if c.openK <= 0 {
		c.openK = defaultOpenAfter
	}
	if c.openK > c.openN {
		c.openK = c.openN
	}
	c.closeM = o.CloseAfter
	if c.closeM <= 0 {
		c.closeM = defaultCloseAfter
	}
	c.maxDur = c.stepsCeil(orDur(o.MaxInsightDuration, defaultMaxInsightDuration))
	c.prior = orF(o.SeasonalPrior, defaultSeasonalPrior)
	c.idle = c.stepsCeil(orDur(o.IdleAfter, time.Duration(c.windowHours)*time.Hour))
	c.maxSeries = o.MaxSeries
	if c.maxSeries <= 0 {
		c.maxSeries = defaultMaxSeries
	}
	c.dataEvents = o.DataEvents
	c.newID = o.NewID
	if c.newID == nil {
		c.newID = uuid.NewString
	}
	// Unscored steps span at most lateness+2 distinct steps.
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
