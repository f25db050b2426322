package eventtest

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/trailkit/trailkit/event"
)

// Config sets what a Generator produces. The zero value is one hour of
// activity at 60 records per minute in one account and region. Fields left
// at zero take the defaults documented on them.
type Config struct {
	// Seed selects the activity; the same Config always yields the same
	// records, byte for byte.
	Seed int64
	// Start is the first minute (truncated to the minute, in UTC); default
	// 2024-03-05T00:00:00Z.
	Start time.Time
	// Duration is how much activity to generate, rounded up to whole
	// minutes; default 1h.
	Duration time.Duration
	// Accounts are the 12-digit accounts the activity belongs to (each
	// record's recipientAccountId); default {"111122223333"}.
	Accounts []string
	// Regions are the regions of regional services; default {"us-east-1"}.
	// Global services (IAM, STS's AssumeRoleWithSAML, Route 53,
	// Organizations, console sign-in) are recorded in us-east-1 whatever
	// this says, as CloudTrail records global service events.
	Regions []string
	// Rate is the mean number of records per minute of the built-in mix,
	// over all accounts and regions (explicit Series come on top); default
	// 60, at most 1e6 (a rate beyond holds more records in one minute
	// than a test can use). A negative Rate turns the built-in mix off, so
	// that only Series produce records.
	Rate float64
	// Seasonality is the amplitude A of the daily cycle: the rate at time t
	// is mean·(1 + A·cos(2π(t − 14:00 UTC)/24h)), so the peak is at 14:00
	// UTC and the mean over a whole day is the configured rate. Default
	// 0.5; values above 1 count as 1; a negative value means no cycle.
	Seasonality float64
	// Series are extra series added to the mix, with their own rates; they
	// follow the same daily cycle.
	Series []Series
	// Anomalies are injected into the activity; see Anomaly.
	Anomalies []Anomaly
	// Attacks are attack techniques of the catalogue (see Techniques)
	// executed inside the activity, each by one actor.
	Attacks []Attack
	// Extra are the caller's own records (built with event's builders, say)
	// mixed into the stream at their eventTime: each must pass
	// event.Validate and fall inside [Start, Start+Duration). Records
	// yields a copy of each (the top-level struct; nested values are
	// shared) after the generated records of the same second, in the order
	// given.
	Extra []*event.Record
	// OrgID is the AWS Organizations id (o-…) shown in Organizations
	// responses; default o-a1b2c3d4e5. Other packages use it for the
	// organization-trail key layout.
	OrgID string
}

// Series is one stream of records: one API of one service in one region of
// one account, successful calls or one error code.
type Series struct {
	Region      string
	EventSource string // e.g. "ec2.amazonaws.com"
	EventName   string // e.g. "RunInstances"
	ErrorCode   string // "" for successful calls
	// Rate is the mean records per minute over a whole day (before the
	// daily cycle and anomalies), 0 to 1e6.
	Rate     float64
	ReadOnly bool // the records' readOnly
	Data     bool // data event (eventCategory Data, managementEvent false)
	// Account is the recipient account; "" in Config.Series means the
	// first of Config.Accounts.
	Account string
}

// AnomalyKind is the shape of an injected anomaly.
type AnomalyKind string

// The anomaly kinds.
const (
	// Spike multiplies the call rate of an API by Factor (default 5).
	Spike AnomalyKind = "spike"
	// Drop stops an API's calls: its rate is zero for the duration.
	Drop AnomalyKind = "drop"
	// ErrorBurst adds Factor errors per minute (default 12) with ErrorCode.
	ErrorBurst AnomalyKind = "error-burst"
)

// Anomaly is an injected deviation from the baseline, and after
// resolution by New (see Generator.Anomalies) its ground truth.
//
// Spike and Drop act on every series of (Region, EventSource, EventName) in
// every account, successful calls and errors alike; ErrorCode is ignored
// and resolved to "". ErrorBurst acts on the error series (Region,
// EventSource, EventName, ErrorCode) of every account that has calls of
// that API (or of the first account if none has), creating the series with
// base rate 0 if the mix does not have it; its added errors follow no daily
// cycle.
type Anomaly struct {
	Kind AnomalyKind
	// The series. Empty fields are chosen by the generator: from the
	// busiest write management APIs (successful, readOnly false, not data)
	// that match the fields given, the i-th anomaly taking the (i mod 3)-th
	// busiest, so that several anomalies land on different APIs. An empty
	// ErrorCode of an ErrorBurst becomes the service's access-denied code
	// (AccessDenied, AccessDeniedException or Client.UnauthorizedOperation).
	Region, EventSource, EventName, ErrorCode string
	// Start is the first minute of the anomaly (truncated to the minute);
	// zero means the middle of the generated span. Duration is rounded up
	// to whole minutes; zero means 10 minutes. The anomaly covers
	// [Start, Start+Duration) and is clipped to the generated span.
	Start    time.Time
	Duration time.Duration
	// Factor: for Spike the rate multiplier (default 5), for ErrorBurst the
	// errors per minute (default 12), at most 1e6; resolved to 0 for Drop.
	Factor float64
	// Actor, when not nil, performs the anomaly's added calls: a Spike's
	// extra calls ((Factor−1) times the rate of each affected series) and
	// an ErrorBurst's errors are then records of their own, all by this one
	// actor (in the first account that calls the API), and
	// Generator.Truth lists exactly them. A zero Actor means the default
	// actor (see Actor).
	// Without an Actor the added calls come from the series' usual callers
	// and cannot be told apart from the baseline; a Drop has no actor.
	Actor *Actor
}

// end returns Start+Duration, the first minute after the anomaly.
func (a Anomaly) end() time.Time { return a.Start.Add(a.Duration) }

// Default values of Config.
var (
	defaultStart    = time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)
	defaultDuration = time.Hour
	defaultAccounts = []string{"111122223333"}
	defaultRegions  = []string{"us-east-1"}
)

const (
	defaultRate        = 60
	defaultSeasonality = 0.5
	defaultOrgID       = "o-a1b2c3d4e5"
	defaultAnomalyLen  = 10 * time.Minute
	defaultSpike       = 5
	defaultBurst       = 12
	maxDuration        = 366 * 24 * time.Hour
)

// resolved is a Config with every default applied.
func (c Config) resolved() Config {
	if c.Start.IsZero() {
		c.Start = defaultStart
	}
	c.Start = c.Start.UTC().Truncate(time.Minute)
	if c.Duration <= 0 {
		c.Duration = defaultDuration
	}
	c.Duration = roundUpMinute(c.Duration)
	if len(c.Accounts) == 0 {
		c.Accounts = defaultAccounts
	}
	if len(c.Regions) == 0 {
		c.Regions = defaultRegions
	}
	switch {
	case c.Rate == 0:
		c.Rate = defaultRate
	case c.Rate < 0:
		c.Rate = 0
	}
	switch {
	case c.Seasonality == 0:
		c.Seasonality = defaultSeasonality
	case c.Seasonality < 0:
		c.Seasonality = 0
	case c.Seasonality > 1:
		c.Seasonality = 1
	}
	if c.OrgID == "" {
		c.OrgID = defaultOrgID
	}
	return c
}

func roundUpMinute(d time.Duration) time.Duration {
	return (d + time.Minute - 1).Truncate(time.Minute)
}

// maxRate is the highest rate, in records per minute, that Config.Rate, a
// Series' Rate or the records an Anomaly adds may have: beyond it a
// generator would hold more records in one minute than a test can use.
const maxRate = 1e6

// ErrConfig is matched (errors.Is) by the error of New for a Config that
// cannot be honoured. The message names the field at fault as a Go
// expression on Config (e.g. "eventtest: Config.Regions[1]: empty region"
// or "Config.Attacks[0].Technique") and says why.
var ErrConfig = errors.New("eventtest: invalid configuration")

// configError is a Config field that cannot be honoured, and why.
type configError struct {
	field  string
	reason string
}

func (e *configError) Error() string {
	return "eventtest: Config." + e.field + ": " + e.reason
}

// Is reports whether target is ErrConfig.
func (e *configError) Is(target error) bool { return target == ErrConfig }

func configErr(field, reason string) *configError {
	return &configError{field: field, reason: reason}
}

// badRate reports whether r cannot be a rate (NaN, infinite, negative or
// above maxRate).
func badRate(r float64) bool {
	return math.IsNaN(r) || r < 0 || r > maxRate
}

func (c Config) check() error {
	for i, a := range c.Accounts {
		if a == "" {
			return configErr(fmt.Sprintf("Accounts[%d]", i), "empty account id")
		}
	}
	for i, r := range c.Regions {
		if r == "" {
			return configErr(fmt.Sprintf("Regions[%d]", i), "empty region")
		}
	}
	if math.IsNaN(c.Rate) || c.Rate > maxRate || math.IsInf(c.Rate, 0) {
		return configErr("Rate", fmt.Sprintf("%v records per minute is not a rate (at most %g)", c.Rate, float64(maxRate)))
	}
	if math.IsNaN(c.Seasonality) {
		return configErr("Seasonality", "NaN")
	}
	if c.Duration > maxDuration {
		return configErr("Duration", fmt.Sprintf("%v is longer than %v", c.Duration, maxDuration))
	}
	for i, s := range c.Series {
		if s.EventSource == "" || s.EventName == "" {
			return configErr(fmt.Sprintf("Series[%d]", i), "needs EventSource and EventName")
		}
		if badRate(s.Rate) {
			return configErr(fmt.Sprintf("Series[%d].Rate", i), fmt.Sprintf("%v records per minute is not a rate (0 to %g)", s.Rate, float64(maxRate)))
		}
	}
	for i, a := range c.Anomalies {
		switch a.Kind {
		case Spike, Drop, ErrorBurst:
		default:
			return configErr(fmt.Sprintf("Anomalies[%d].Kind", i), fmt.Sprintf("unknown kind %q", a.Kind))
		}
		if badRate(a.Factor) {
			return configErr(fmt.Sprintf("Anomalies[%d].Factor", i), fmt.Sprintf("%v is negative, not a number or above %g", a.Factor, float64(maxRate)))
		}
		if a.Duration < 0 {
			return configErr(fmt.Sprintf("Anomalies[%d].Duration", i), "negative")
		}
		if a.Actor != nil && a.Kind == Drop {
			return configErr(fmt.Sprintf("Anomalies[%d].Actor", i), "a Drop removes calls; it has no actor")
		}
	}
	return nil
}
