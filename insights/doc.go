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
// Add over a slice of records (d.Add(recs...), a decoded log file) has
// the same effect record for record as one call per record, and is the
// fast path: it resolves a block of records' series before updating any,
// so that their memory accesses overlap (BenchmarkDetectorAddBatch). The
// record path's speed tricks live in internal/hotpath; built with -tags
// purego, the package uses their plain-Go twins (no package unsafe, no
// warming passes), with the same results.
//
// # Time and steps
//
// The detector runs on event time, in steps of Options.Step (one minute
// by default; below, "minute" is a step). Its watermark is the newest
// eventTime (or Observe time, or the time given to [Detector.Advance]);
// step m is scored once the watermark reaches the end of m plus
// Options.Lateness (default 5 minutes). Until then records of step m may
// arrive in any order; after, they are dropped and counted in Stats.Late
// (Observe returns ErrLate). Every series is scored every step, including
// silent ones, so that drops to silence are seen: call Advance when time
// passes without records. History starts at the first step the detector
// sees; a series first seen later is taken to have been silent since
// then.
//
// Series sampled at a coarser interval (a metric every 5, 30 or 60
// minutes) go to a Detector whose Step is that interval, fed with Observe:
// each sample is one step's count. Steps divide the hour (1, 2, 3, 4, 5,
// 6, 10, 12, 15, 20, 30 or 60 minutes); every rule below counts in steps,
// and the records still report calls per minute and minutes: a step's
// count divided by its minutes, durations times them.
//
// # Model of normal
//
// The expected count of step m of a series is
//
//	λ(m) = base(m) + schedule(m) + job(m)
//
// and its variance φ·λ(m), with φ >= 1 the series' dispersion. Each part is
// learnt from the series' own history, as follows.
//
// The baseline ring holds, for the last BaselineWindow (default 7 days)
// plus the current hour, one counter per hour of the calls and of the
// steps counted in it. Every scored step enters it: its count less the
// schedule offset and the daily-job offset below (the latter if seen
// before the step, and at most the count's excess over base and
// schedule), so that the ring holds the background those offsets sit on;
// and, when the step was anomalous or
// inside an open insight, clipped first to the gates' bounds
// [λ·DropRatio, max(λ·MinRatio, λ+MinExcess)]. So an anomaly teaches the
// baseline only as much as the gates would call normal, and a lasting
// change of level is learnt step by step instead of never.
//
//   - flat = (calls + 0.5) / steps over the ring;
//   - at each hour boundary, with c(h), n(h) the calls and steps of hour
//     of day h (0–23) in the ring, P = Options.SeasonalPrior (default 10
//     calls): the hour-of-day rate hod(h) = (c(h) + P) / (n(h) + P/flat)
//     (HourOfDay); the weekday and weekend rates of hour h (DayOfWeek,
//     weekend = Saturday and Sunday UTC) are (c'(h) + P) / (n'(h) +
//     P/hod(h)) over the ring's weekday (or weekend) hours only, so a
//     day type with little history falls back to hod(h); without
//     HourOfDay, one rate per day type, (c' + P) / (n' + P/flat); without
//     both, flat. Busy series follow their profile, sparse ones use the
//     flat mean.
//   - the trend factor g = (calls + P) / (expected + P) over the ring's
//     last 24 complete hours, expected being the profile rates times the
//     steps counted, kept in [1/MaxTrend, MaxTrend] (default 4/3): growth
//     of a few percent a day would otherwise leave the week-long profile
//     behind.
//   - base(m) is the profile rates of the two hours whose centres are
//     nearest m's midpoint, linearly interpolated — or, when they differ
//     by more than 1.5x (a business day starting), the rate of the nearer
//     hour — times g; during the first two hours of a series' history
//     (fewer than two hours of steps in the ring), base(m) is flat, the
//     running mean, instead.
//
// schedule(m) (MinuteOfHour) is a learnt offset for each step of the
// hour. A step is a burst when its residual r = count − base − job(m) is
// at least 2 calls and more than 3 standard deviations (sqrt(φ·max(base,
// 1))). The offset of step-of-hour k moves a quarter of the way, every
// hour, towards r when step k was a burst in this hour and in the
// previous one (and no insight is open), and towards 0 otherwise: a
// burst that recurs every hour (or every 15 or 30 minutes) becomes
// expected in about three hours; a burst seen once, or once a day, does
// not enter it.
//
// job(m) (DailyJobs) is a learnt offset of the step of the day, kept for
// up to 32 steps per series. A burst at least 4 standard deviations above
// base + schedule, at a step with no offset, outside an open insight and
// not at a step of the hour that was a burst an hour ago, takes a slot
// (a free one, or the one of the smallest offset if that is smaller)
// with offset r and a seen count of 1. Each day after, the offset moves
// half way towards the day's residual at that step (a burst raises the
// seen count, at most 4; none lowers it) and is freed below one call. The
// expected count includes the offset times 1 − 2^−(seen+1) (0 at seen 0):
// three quarters the day after the burst was first seen, 97% after four
// days. Drops are tested
// against offsets seen on two days or more only, so that a burst seen
// once does not make its absence a drop.
//
// The dispersion φ is the larger of two estimates, each an exponentially
// weighted mean (time constant one day of steps, 60 steps of prior at 1)
// over steps that were neither anomalous nor inside an insight nor a
// daily job's, with r = count − λ:
//
//   - of r²/λ, from the detector's second day on: the count's variance
//     around the model, the model's own error included;
//   - of (r − r')²/(λ + λ'), r' and λ' the previous step's: the
//     difference of successive residuals has variance φ·(λ + λ') when
//     counts are independent, whatever slowly changing error the model
//     has, so it measures bursty clients from the first day, while the
//     profile is still learning.
//
// Each term is capped at 16·φ, so that one outlier does not inflate it;
// φ is kept in [1, MaxDispersion] (default 50; negative MaxDispersion:
// φ = 1, Poisson). A step expecting λ < 2 is tested with 1 + (φ − 1)·
// max(λ − 1, 0): Poisson below one expected call, whose tails the few
// calls of a sparse series cannot tell from an estimate's.
//
// Options.Seasonality selects the components (default all; NoSeasonality
// leaves base = flat × g). The reported baseline average is calls per
// minute in the ring at the insight's start, the insight's own steps
// left out; baselineDuration is the minutes from the ring's start (or
// the detector's first step, if later) to the insight's start: 10080 or
// a little more once 7 days of history exist.
//
// # Anomalous steps
//
// With x the step's count and X negative binomial of mean λ and variance
// φ·λ (number of failures before r = λ/(φ−1) successes of probability
// 1/φ; Poisson(λ) when φ = 1):
//
//   - a rise when x >= λ + MinExcess (default 2), x >= λ·MinRatio (default
//     2) and P(X >= x) <= Sensitivity (default 1e-5): one stray call on a
//     dead API does not fire, nor a small but significant change on a busy
//     one;
//   - a drop (ApiCallRateInsight only) when x < λ, x <= λ·DropRatio
//     (default 0.25) and P(X <= x) <= Sensitivity; since P(X <= x) >=
//     P(X = 0) = exp(−λ·ln(φ)/(φ−1)) (e^−λ for Poisson), only series
//     expecting about 11.5 calls a step or more (more when overdispersed)
//     can drop: silence must be improbable.
//
// Tail probabilities are regularized incomplete gamma functions for
// Poisson (P(X >= x) = P(x, λ), P(X <= x) = Q(x+1, λ)) and regularized
// incomplete beta functions for the negative binomial (P(X >= x) =
// I_{1−1/φ}(x, r), P(X <= x) = I_{1/φ}(r, x+1)).
//
// # Scores
//
// Options.OnScore receives a [Score] for every scored step of every
// series: the count, λ, φ, both tail probabilities and whether the step
// was anomalous, so that callers can rank, plot and tune.
// [Detector.OpenInsights] lists the insights open now.
//
// # Insights
//
// An insight opens when OpenAfter (default 2) of the last OpenWindow
// (default 3) scored steps were anomalous in the same direction, but
// never before the warm-up (Options.WarmUp, default 24 hours, after the
// first step). It starts at the earliest anomalous step of that window.
// At the defaults an insight is decided at most 8 minutes after its first
// anomalous minute (5 of lateness, 1 for the minute itself, 2 for the
// second anomalous one). It stays open while steps stay anomalous at the
// looser ExitSensitivity (default 1e-2, same ratio gates) and closes after
// CloseAfter (default 5) consecutive steps that are not; it ends after its
// last anomalous step. An insight lasting MaxInsightDuration (default 24
// hours) is ended there: the series is then taken to have changed level,
// and for one BaselineWindow every step enters its baseline unclipped and
// no insight opens on it. During the warm-up, too, steps enter the
// baseline unclipped (outliers need a baseline to be called outliers).
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
// A series holds a ring of pending steps (room for the largest
// Lateness), 169 hourly counters, 48 profile rates, 60 schedule offsets,
// 32 daily-job slots, the attribution tables and its key: about 3.0 KiB
// (3040 bytes) measured with realistic values, index and strings included
// (BenchmarkMemoryPerSeries; TestMemoryPerSeries checks at most 4 KiB),
// of which the model of schedules, jobs, weekly profile and dispersion
// takes about 800 bytes; an open insight adds its own sketch. Attribute and
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
