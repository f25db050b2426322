// Package insights is a baseline-rate detector that emits CloudTrail
// Insights records: it learns each API's normal call rate and error rate,
// notices unusual rises and drops, and writes a Start record when an
// insight opens and an End record when it closes, in CloudTrail's exact
// record format (see "Records" below), ready for a logfile.Writer under the
// CloudTrail-Insight prefix.
//
// CloudTrail does not publish its model. This package's model is simple,
// explainable and every threshold is an Options field; what follows is
// precise enough to reimplement it.
//
// # Series
//
// A record given to [Detector.Add] that is an API call (eventType
// AwsApiCall) is counted, by its eventTime's minute, in
//
//   - the ApiCallRateInsight series (recipientAccountId, awsRegion,
//     eventSource, eventName) when it is a write management call
//     (eventCategory Management, readOnly false) or, with
//     Options.DataEvents, any data call (eventCategory Data);
//   - the ApiErrorRateInsight series (recipientAccountId, awsRegion,
//     eventSource, eventName, errorCode) when it is a management call (read
//     or write), or with Options.DataEvents a data call, with an errorCode.
//
// A failed write call counts in both. Series are per account as well as per
// Region, as CloudTrail analyses each account's trail; an organization
// trail's records are analysed per member account. Other records are
// ignored (Stats.Ignored). [Detector.Observe] takes the same per-minute
// counts directly for any [SeriesKey], so the detector serves rates that do
// not come from records.
// [Detector.AddBatch] is Add over a slice of records (a decoded log file),
// with the same effect record for record, and is the fast path: it
// resolves a block of records' series before updating any, so that their
// memory accesses overlap (BenchmarkDetectorAddBatch).
//
// # Time
//
// The detector runs on event time. Its watermark is the newest eventTime
// (or Observe time, or the time given to [Detector.Advance]); minute m is
// scored once the watermark reaches m + 1 minute + Options.Lateness
// (default 5 minutes). Until then records of minute m may arrive in any
// order; after, they are dropped and counted in Stats.Late (Observe returns
// ErrLate). Every series is scored every minute, including silent ones,
// so that drops to silence are seen: call Advance when time passes without
// records. History starts at the first minute the detector sees; a series
// first seen later is taken to have been silent since then.
//
// # Baseline
//
// Each series keeps, for the last BaselineWindow (default 7 days) plus the
// current hour, one counter per hour of the calls and of the "normal"
// minutes scored in it. A minute is normal unless it was anomalous (below)
// or inside an open insight: anomalies do not teach the baseline.
//
//   - flat = (calls + 0.5) / normal minutes over the window;
//   - at each hour boundary, for each hour of day h (0–23), with c(h) and
//     n(h) the calls and normal minutes of that hour of day in the window,
//     rate(h) = (c(h) + P) / (n(h) + P/flat), P = Options.SeasonalPrior
//     (default 10 calls): busy series follow their daily profile, sparse
//     ones fall back to the flat mean;
//   - the expected count λ of minute m is rate() linearly interpolated
//     between the centres of the two hours of day nearest m's midpoint.
//
// The reported baseline average is calls / normal minutes over the window
// at the insight's start (unrounded by the prior), and baselineDuration the
// minutes from the window's start (or the detector's first minute, if
// later) to the insight's start: 10080 or a little more once 7 days of
// history exist.
//
// # Anomalous minutes
//
// With x the minute's count and X ~ Poisson(λ):
//
//   - a rise when x >= λ + MinExcess (default 2), x >= λ·MinRatio (default
//     2) and P(X >= x) <= Sensitivity (default 1e-5): one stray call on a
//     dead API does not fire, nor a small but significant change on a busy
//     one;
//   - a drop (ApiCallRateInsight only) when x <= λ·DropRatio (default 0.25)
//     and P(X <= x) <= Sensitivity; since P(X <= x) >= e^-λ, only series
//     expecting about 11.5 calls a minute or more can drop (silence must be
//     improbable).
//
// Tail probabilities are the regularized incomplete gamma functions
// (P(X >= x) = P(x, λ), P(X <= x) = Q(x+1, λ)).
//
// # Insights
//
// An insight opens when OpenAfter (default 2) of the last OpenWindow
// (default 3) scored minutes were anomalous in the same direction, but
// never before the warm-up (Options.WarmUp, default 24 hours, after the
// first minute). It starts at the earliest anomalous minute of that window.
// It stays open while minutes stay anomalous at the looser ExitSensitivity
// (default 1e-2, same ratio gates) and closes after CloseAfter (default 5)
// consecutive minutes that are not; it ends after its last anomalous
// minute. An insight lasting MaxInsightDuration (default 24 hours) is
// ended there: the series is then taken to have changed level, and for one
// BaselineWindow every minute enters its baseline and no insight opens on
// it.
//
// # Records
//
// Start and End records share a sharedEventID; each has its own eventID
// (Options.NewID, random UUIDs by default). Key order and members, as
// CloudTrail writes them: eventVersion ("1.08"), eventTime (Start: the
// insight's first minute; End: the minute after its last anomalous minute),
// awsRegion, eventID, eventType AwsCloudTrailInsight, recipientAccountId,
// sharedEventID, insightDetails {state, eventSource, eventName,
// insightType, errorCode (ApiErrorRateInsight only), insightContext
// {statistics {baseline {average}, insight {average}, insightDuration,
// baselineDuration}, attributions}}, eventCategory Insight. insight.average
// is the first minute's count at Start and the mean count per minute of
// the whole insight at End; insightDuration is 1 at Start and the
// insight's minutes at End; averages are rounded to 10 decimal places.
//
// attributions lists userIdentityArn, userAgent and (ApiCallRateInsight
// only) errorCode, whose value is the string "null" for calls without an
// error. Each has at most 5 values for the insight and for the baseline,
// highest average first; a value's average is its share of the calls
// times the insight (or baseline) average. Series fed only through Observe
// have no attributions. Attributions need bounded memory, so they are
// approximate: each attribute of a series is a space-saving sketch
// (Metwally et al.) of 6 counters; a value holding more than 1/6 of the
// calls is always present, and counts overestimate by at most 1/6 of the
// total, exact when a series has at most 6 distinct values. Values are
// told apart by a 64-bit hash (a collision, about 2^-64 per pair of
// values of one series, would merge two values' counts). Baseline
// counts decay by e^(-1/window hours) every hour (an exponentially
// weighted week); recent counts halve every minute and seed the insight's
// own sketch at Start (so the Start lists describe the last few minutes);
// from then on the insight's calls are counted without decay.
//
// # Memory, eviction, state
//
// A series holds a ring of pending minutes (room for the largest
// Lateness), 169 hourly counters, 24 profile rates, the attribution tables
// and its key: about 2.2 KiB measured with realistic values, index and
// strings included (BenchmarkMemoryPerSeries, TestMemoryPerSeries checks
// at most 4 KiB); an open insight adds its own sketch. Attribute and
// key strings are copied (never pinning a decoder's buffer) and shared
// through a 4096-slot cache. A series without calls for IdleAfter (default
// the baseline window) and no open insight is evicted: its baseline was
// silence, which is what a re-created series assumes. Options.MaxSeries
// bounds the number of series. [Detector.MarshalBinary] and
// [Detector.UnmarshalBinary] save and restore the whole state, so a restart
// keeps baselines, warm-up and open insights.
//
// The detector is deterministic: the same inputs and NewID give the same
// records, byte for byte. It is not safe for concurrent use.
package insights
