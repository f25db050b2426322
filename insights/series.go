package insights

import (
	"math"
	"math/bits"

	"github.com/trailkit/trailkit/event"
)

// SeriesKey names one counted series: one account, one Region and one API,
// and for ApiErrorRateInsight one error code.
type SeriesKey struct {
	AccountID   string            // recipientAccountId of the counted records
	Region      string            // awsRegion
	EventSource string            // e.g. s3.amazonaws.com
	EventName   string            // e.g. DeleteBucket
	InsightType event.InsightType // ApiCallRateInsight or ApiErrorRateInsight
	ErrorCode   string            // ApiErrorRateInsight only; empty otherwise
}

// The attributes CloudTrail attributes an insight to, in record order.
const (
	attrUser = iota
	attrAgent
	attrError
	numAttrs
)

var attrNames = [numAttrs]string{"userIdentityArn", "userAgent", "errorCode"}

const lastSize = 16 // counts of the most recent scored minutes (>= OpenWindow)

// series is the state of one SeriesKey. Its size is fixed by the options
// (pending ring of Lateness+2 steps, one uint32+uint8 per baseline hour)
// plus the attribution sketches' strings; see BenchmarkMemoryPerSeries.
type series struct {
	// Fields a record touches come first, to share cache lines.
	hash     uint64 // keyHash of key
	key      SeriesKey
	lastCall int64 // step of the newest observation
	open     *openInsight
	hasAttrs bool
	evicted  bool
	// recentAt is the step through which the attribution tables' recent
	// counters are halved: the halving of each scored step is applied
	// when the series is next touched (see catchUp), not by the scoring.
	recentAt int64
	// pendBuf holds the unscored steps' counts, step m at index
	// mod(m, Lateness+2) (Detector.pendSlot); the rest stays zero.
	pendBuf [maxPending]uint32
	attrs   [numAttrs]attrTable
	values  [numAttrs]attrValues

	hourCount []uint32       // calls per baseline hour (daily-job offsets taken out), index hour % len
	hourMins  []uint8        // steps counted per baseline hour
	totC      uint64         // sum of hourCount
	totM      uint32         // sum of hourMins
	profile   [2][24]float32 // rate per step by hour of day: weekdays, weekends
	trend     float32        // trend factor
	// dispNum/dispDen and diffNum/diffDen are the dispersion estimates'
	// exponentially weighted sums of squared standardized residuals (and
	// of differences of successive residuals) and of steps.
	dispNum, dispDen float64
	diffNum, diffDen float64
	prevR, prevLam   float32 // the previous step's residual and λ, if prevOK
	prevOK           bool
	sched            [60]float32      // learnt offset per step of the hour, >= 0
	schedBig         uint64           // bit k: step k of the previous hour was a burst
	jobs             [maxJobs]dayJob  // learnt offsets of steps of the day
	last             [lastSize]uint32 // scored counts, index step % lastSize
	lastIn           [lastSize]uint32 // what they added to the baseline ring
	riseBits         uint16           // bit j: step (scored-j) was an anomalous rise
	dropBits         uint16
	cooldown         int64 // no insight opens before this step
}

// maxJobs is the number of daily-job offsets a series keeps.
const maxJobs = 32

// dayJob is a learnt offset of one step of the day.
type dayJob struct {
	at   uint16  // step of the day + 1; 0: free
	seen uint8   // days the burst recurred, at most maxSeen
	off  float32 // calls per step above base + schedule, >= 1
}

// weight is the share of a daily-job offset the expected count includes:
// 1 - 2^-(seen+1), 0 when seen is 0, so a burst is three quarters
// expected the day after it was first seen and almost fully after a few
// days.
func (j *dayJob) weight() float64 {
	if j.seen == 0 {
		return 0
	}
	return 1 - 1/float64(uint(2)<<j.seen)
}

// Constants of the model (see the package doc).
const (
	schedRate    = 0.25 // MinuteOfHour: learning rate per hour
	schedSigmas  = 3.0  // a step-of-hour burst: residual above this many standard deviations
	jobRate      = 0.5  // DailyJobs: learning rate per day
	jobSigmas    = 4.0  // a daily burst: residual above this many standard deviations
	maxSeen      = 4
	minBurst     = 2.0  // a burst is at least this many calls above expected
	dispPrior    = 60.0 // steps of prior weight on dispersion 1
	residualCapK = 16.0 // squared residual capped at this many variances
	stepRatio    = 1.5  // adjacent hours' rates further apart are not interpolated
)

// maxPending is the largest pending ring: Lateness is at most 60 steps.
const maxPending = 62

// openInsight is an insight between its Start and End records.
type openInsight struct {
	rise       bool
	start      int64 // first anomalous step
	lastAnom   int64
	sum        float64 // calls from start through lastAnom
	tail       float64 // calls in the normal steps after lastAnom
	normal     int     // consecutive normal steps
	startCount uint32
	baseAvg    float64 // calls per step
	baseDur    int64   // steps
	sharedID   string
	baseAttr   []event.Attribution // baseline lists, reported in Start and End
	attr       [numAttrs]topK
}

func newSeries(d *Detector, key SeriesKey) *series {
	h := int(d.cfg.windowHours) + 1
	s := &series{
		key:       key,
		hourCount: make([]uint32, h),
		hourMins:  make([]uint8, h),
	}
	s.recentAt = d.scored
	// The series was silent since the detector started: fill the normal
	// steps of every hour from max(first, ring start) to scored.
	d.fillSilent(s)
	return s
}

// fillSilent sets the baseline to silence over the detector's history.
func (d *Detector) fillSilent(s *series) {
	clear(s.hourCount)
	clear(s.hourMins)
	s.totC, s.totM = 0, 0
	s.dispNum, s.dispDen, s.diffNum, s.diffDen, s.prevOK = 0, 0, 0, 0, false
	s.sched, s.schedBig = [60]float32{}, 0
	s.jobs = [maxJobs]dayJob{}
	H := int64(len(s.hourCount))
	P := d.cfg.perHour
	hCur := floorDiv(d.scored, P)
	for h := hCur - H + 1; h <= hCur; h++ {
		lo, hi := h*P, h*P+P-1
		if lo < d.first {
			lo = d.first
		}
		if hi > d.scored {
			hi = d.scored
		}
		if hi < lo {
			continue
		}
		n := uint8(hi - lo + 1)
		s.hourMins[mod(h, H)] = n
		s.totM += uint32(n)
	}
	s.computeProfile(d, hCur)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func mod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

// weekend reports whether absolute hour h (hours since 1970-01-01, a
// Thursday) falls on a Saturday or Sunday, UTC.
func weekend(h int64) int {
	wd := mod(floorDiv(h, 24)+4, 7) // 0 is Sunday
	if wd == 0 || wd == 6 {
		return 1
	}
	return 0
}

// flat is the flat mean: calls per step with half a call of prior, so a
// silent baseline still has a (tiny) positive rate.
func (s *series) flat() float64 {
	m := float64(s.totM)
	if m < 1 {
		m = 1
	}
	return (float64(s.totC) + 0.5) / m
}

// computeProfile recomputes the profile rates and the trend factor from
// the baseline ring; hCur is the current hour.
func (s *series) computeProfile(d *Detector, hCur int64) {
	var c, m [2][24]float64
	H := int64(len(s.hourCount))
	for h := hCur - H + 1; h <= hCur; h++ {
		i := mod(h, H)
		t, hod := weekend(h), mod(h, 24)
		c[t][hod] += float64(s.hourCount[i])
		m[t][hod] += float64(s.hourMins[i])
	}
	flat := s.flat()
	a := d.cfg.prior
	se := d.cfg.season
	var tc, tm [2]float64
	for t := range 2 {
		for h := range 24 {
			tc[t] += c[t][h]
			tm[t] += m[t][h]
		}
	}
	for h := range 24 {
		comb := flat
		if se&HourOfDay != 0 {
			comb = (c[0][h] + c[1][h] + a) / (m[0][h] + m[1][h] + a/flat)
		}
		for t := range 2 {
			r := comb
			if se&DayOfWeek != 0 {
				if se&HourOfDay != 0 {
					r = (c[t][h] + a) / (m[t][h] + a/comb)
				} else {
					r = (tc[t] + a) / (tm[t] + a/flat)
				}
			}
			s.profile[t][h] = float32(r)
		}
	}
	s.trend = 1
	if d.cfg.maxTrend > 1 {
		// The last 24 complete hours against what the profile expected.
		var got, want float64
		for h := hCur - 24; h < hCur; h++ {
			i := mod(h, H)
			got += float64(s.hourCount[i])
			want += float64(s.profile[weekend(h)][mod(h, 24)]) * float64(s.hourMins[i])
		}
		g := (got + a) / (want + a)
		s.trend = float32(min(max(g, 1/d.cfg.maxTrend), d.cfg.maxTrend))
	}
}

// base is the profile's expected count of step m: the rates of the two
// hours whose centres are nearest m's midpoint, linearly interpolated
// (or m's own hour's rate when they differ by more than stepRatio), times
// the trend factor.
func (s *series) base(c *config, m int64) float64 {
	if s.totM < uint32(2*c.perHour) {
		// The first two hours of a series' history: the running mean.
		return s.flat()
	}
	pos := (float64(m)+0.5)/float64(c.perHour) - 0.5
	h0 := math.Floor(pos)
	f := pos - h0
	h := int64(h0)
	r0 := float64(s.profile[weekend(h)][mod(h, 24)])
	r1 := float64(s.profile[weekend(h+1)][mod(h+1, 24)])
	r := r0*(1-f) + r1*f
	if max(r0, r1) > stepRatio*min(r0, r1) {
		if f < 0.5 {
			r = r0
		} else {
			r = r1
		}
	}
	return r * float64(s.trend)
}

// job returns the index of step m's daily-job offset, or -1.
func (s *series) job(c *config, m int64) int {
	at := uint16(mod(m, 24*c.perHour) + 1)
	for i := range s.jobs {
		if s.jobs[i].at == at {
			return i
		}
	}
	return -1
}

// dispersion is φ, the variance of a count over its mean: the larger of
// the two estimates (see learnDispersion), with dispPrior steps of prior
// at 1 each, in [1, MaxDispersion].
func (s *series) dispersion(c *config) float64 {
	if c.maxDisp <= 1 {
		return 1
	}
	phi := max((s.dispNum+dispPrior)/(s.dispDen+dispPrior), (s.diffNum+dispPrior)/(s.diffDen+dispPrior))
	return min(max(phi, 1), c.maxDisp)
}

// learnDispersion updates the two dispersion estimates with a normal
// step's residual r = x - lam: the mean of r²/λ, which also takes in the
// model's own error, once the detector has a day of history (resid), and
// the mean of (r - r')²/(λ + λ') over successive steps, which a slowly
// changing model error does not affect, from the start.
func (s *series) learnDispersion(c *config, resid bool, r, lam, phi float64) {
	dec := 1 - 1/float64(24*c.perHour)
	capZ := residualCapK * phi
	if resid {
		s.dispNum = s.dispNum*dec + min(r*r/lam, capZ)
		s.dispDen = s.dispDen*dec + 1
	}
	if s.prevOK {
		dr := r - float64(s.prevR)
		s.diffNum = s.diffNum*dec + min(dr*dr/(lam+float64(s.prevLam)), capZ)
		s.diffDen = s.diffDen*dec + 1
	}
	s.prevR, s.prevLam, s.prevOK = float32(r), float32(lam), true
}

// isRise and isDrop are the per-step tests (see the package doc).
func (c *config) isRise(x, lam, phi, alpha float64) bool {
	if x <= lam || x < lam+c.minExcess || x < lam*c.minRatio {
		return false
	}
	return nbUpper(x, lam, phi) <= alpha
}

func (c *config) isDrop(key *SeriesKey, x, lam, phi, alpha float64) bool {
	if key.InsightType != event.APICallRateInsight || x >= lam || x > lam*c.dropRatio {
		return false
	}
	// P(X <= x) >= P(X = 0) = exp(-lam * ln(phi)/(phi-1)).
	if lam*zeroRate(phi) < -math.Log(alpha) {
		return false
	}
	return nbLower(x, lam, phi) <= alpha
}

func (s *series) include(c *config, m int64, x uint32) {
	i := mod(floorDiv(m, c.perHour), int64(len(s.hourCount)))
	s.hourCount[i] += x
	s.hourMins[i]++
	s.totC += uint64(x)
	s.totM++
}

// catchUp applies the recent counters' halvings due through step m.
func (s *series) catchUp(m int64) {
	if k := m - s.recentAt; k > 0 {
		for a := range s.attrs {
			s.attrs[a].halveRecent(k)
		}
		s.recentAt = m
	}
}

// rollHour starts hour h: the slot that held h-len(ring) is cleared.
func (s *series) rollHour(d *Detector, h int64) {
	i := mod(h, int64(len(s.hourCount)))
	s.totC -= uint64(s.hourCount[i])
	s.totM -= uint32(s.hourMins[i])
	s.hourCount[i], s.hourMins[i] = 0, 0
	s.computeProfile(d, h)
	f := d.hourDecay
	for a := range s.attrs {
		s.attrs[a].decayBase(f)
	}
}

// score finalises step m of the series.
func (s *series) score(d *Detector, m int64) {
	c := &d.cfg
	pi := mod(m, int64(c.pendingMinutes))
	x := s.pendBuf[pi]
	s.pendBuf[pi] = 0
	s.last[mod(m, lastSize)] = x
	if mod(m, c.perHour) == 0 {
		s.rollHour(d, floorDiv(m, c.perHour))
	}
	if m < d.first {
		// Before the first step seen there is no history to learn: the
		// few records that arrived this late are not learnt.
		return
	}
	base := s.base(c, m)
	ks := mod(m, c.perHour)
	useSched := c.season&MinuteOfHour != 0 && c.perHour > 1
	var sched, job, jobFull, jobDrop float64
	if useSched {
		sched = float64(s.sched[ks])
	}
	ji := -1
	if c.season&DailyJobs != 0 {
		if ji = s.job(c, m); ji >= 0 {
			j := &s.jobs[ji]
			if j.seen > 0 {
				jobFull = float64(j.off)
			}
			job = float64(j.off) * j.weight()
			if j.seen >= 2 {
				jobDrop = job
			}
		}
	}
	lam := max(base+sched+job, 1e-6)
	// Drops are tested against the daily jobs seen on two days or more:
	// a burst seen once may not recur.
	lamDrop := max(base+sched+jobDrop, 1e-6)
	// Sparse steps are taken as Poisson: below one expected call, φ is 1;
	// from two on, the estimate; linear in between.
	phi := s.dispersion(c)
	if lam < 2 {
		phi = 1 + (phi-1)*max(lam-1, 0)
	}
	xf := float64(x)

	// The test: an open insight continues at ExitSensitivity; otherwise
	// the step is tested at Sensitivity.
	o := s.open
	var rise, drop bool
	if o != nil {
		if o.rise {
			rise = c.isRise(xf, lam, phi, c.alphaX)
		} else {
			drop = c.isDrop(&s.key, xf, lamDrop, phi, c.alphaX)
		}
	} else {
		rise = c.isRise(xf, lam, phi, c.alpha)
		drop = !rise && c.isDrop(&s.key, xf, lamDrop, phi, c.alpha)
	}
	quiet := m < s.cooldown || m < d.first+c.warmUp

	// Learning. The baseline ring takes every step, clipped to the
	// gates' bounds when unusual, less the schedule's and the daily job's
	// offsets.
	unusual := rise || drop || o != nil
	xc := xf
	if unusual && !quiet {
		hi := max(lam*c.minRatio, lam+c.minExcess, lam)
		lo := min(lam*c.dropRatio, lam)
		xc = min(max(xf, lo), hi)
	}
	if !unusual && ji < 0 && c.maxDisp > 1 {
		s.learnDispersion(c, m >= d.first+24*c.perHour, xf-lam, lam, phi)
	} else {
		s.prevOK = false
	}
	bit := uint64(1) << ks
	prevBig := s.schedBig&bit != 0
	if useSched {
		// A burst at this step of the hour teaches the schedule only when
		// the same step of the previous hour was a burst too.
		r := xf - base - jobFull
		big := r >= minBurst && r > schedSigmas*math.Sqrt(phi*max(base, 1))
		target := 0.0
		if big && prevBig && o == nil {
			target = r
		}
		s.sched[ks] += float32(schedRate * (target - float64(s.sched[ks])))
		if big {
			s.schedBig |= bit
		} else {
			s.schedBig &^= bit
		}
	}
	if c.season&DailyJobs != 0 && m >= d.first+min(10, c.perHour) && o == nil {
		s.learnJob(c, m, ji, xf-base-sched, base+sched, phi, useSched && prevBig)
	}
	// A daily job's offset (seen before this step) comes out of the ring,
	// but never more than the step's excess over base and schedule.
	jobOut := min(jobFull, max(xc-base-sched, 0))
	in := uint32(math.Round(max(xc-jobOut-sched, 0)))
	s.include(c, m, in)
	s.lastIn[mod(m, lastSize)] = in

	if o != nil {
		if rise || drop {
			o.sum += o.tail + xf
			o.tail = 0
			o.lastAnom = m
			o.normal = 0
		} else {
			o.tail += xf
			o.normal++
		}
		switch {
		case o.normal >= c.closeM:
			d.closeInsight(s, o.lastAnom+1)
		case m-o.start+1 >= c.maxDur:
			o.sum += o.tail
			o.lastAnom = m
			d.closeInsight(s, m+1)
			s.cooldown = m + 1 + int64(c.windowHours)*c.perHour
		}
		d.report(s, m, x, lam, phi, rise || drop)
		return
	}
	s.riseBits <<= 1
	s.dropBits <<= 1
	if quiet {
		// Warm-up and cool-down open nothing.
		s.riseBits, s.dropBits = 0, 0
		d.report(s, m, x, lam, phi, rise || drop)
		return
	}
	if rise {
		s.riseBits |= 1
	}
	if drop {
		s.dropBits |= 1
	}
	mask := uint16(1)<<c.openN - 1
	switch {
	case bits.OnesCount16(s.riseBits&mask) >= c.openK:
		d.openInsight(s, m, true, s.riseBits&mask)
	case bits.OnesCount16(s.dropBits&mask) >= c.openK:
		d.openInsight(s, m, false, s.dropBits&mask)
	}
	d.report(s, m, x, lam, phi, rise || drop)
}

// learnJob updates the daily-job offsets with step m's residual r over
// the base and schedule lam0. A burst is a residual of at least minBurst
// calls and jobSigmas standard deviations. An existing offset moves by
// jobRate towards r; its seen count goes up on a day with a burst and
// down on one without; it is freed when it falls below one call. A
// burst at a step without an offset takes a slot (free, or the one of
// the smallest offset if smaller), unless the same step of the previous
// hour was a burst too (hourly, the schedule's part).
func (s *series) learnJob(c *config, m int64, ji int, r, lam0, phi float64, hourly bool) {
	big := r >= minBurst && r > jobSigmas*math.Sqrt(phi*max(lam0, 1))
	if ji >= 0 {
		j := &s.jobs[ji]
		j.off += float32(jobRate * (max(r, 0) - float64(j.off)))
		switch {
		case big:
			j.seen = min(j.seen+1, maxSeen)
		case j.seen > 0:
			j.seen--
		}
		if j.off < 1 {
			*j = dayJob{}
		}
		return
	}
	if !big || hourly {
		return
	}
	off := float32(r)
	slot := 0
	for i := range s.jobs {
		if s.jobs[i].at == 0 {
			slot = i
			break
		}
		if s.jobs[i].off < s.jobs[slot].off {
			slot = i
		}
	}
	if s.jobs[slot].at != 0 && s.jobs[slot].off >= off {
		return
	}
	s.jobs[slot] = dayJob{at: uint16(mod(m, 24*c.perHour) + 1), seen: 1, off: off}
}
