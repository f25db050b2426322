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
// (pending ring of Lateness+2 minutes, one uint32+uint8 per baseline hour)
// plus the attribution sketches' strings; see BenchmarkMemoryPerSeries.
type series struct {
	// Fields a record touches come first, to share cache lines.
	hash     uint64 // keyHash of key
	key      SeriesKey
	lastCall int64 // minute of the newest observation
	open     *openInsight
	hasAttrs bool
	evicted  bool
	// recentAt is the minute through which the attribution tables' recent
	// counters are halved: the halving of each scored minute is applied
	// when the series is next touched (see catchUp), not by the scoring.
	recentAt int64
	// pendBuf holds the unscored minutes' counts, minute m at index
	// mod(m, Lateness+2) (Detector.pendSlot); the rest stays zero.
	pendBuf [maxPending]uint32
	attrs   [numAttrs]attrTable
	values  [numAttrs]attrValues

	hourCount []uint32 // calls per baseline hour (normal minutes only), index hour % len
	hourMins  []uint8  // normal minutes per baseline hour
	totC      uint64   // sum of hourCount
	totM      uint32   // sum of hourMins
	profile   [24]float32
	last      [lastSize]uint32 // scored counts, index minute % lastSize
	riseBits  uint16           // bit j: minute (scored-j) was an anomalous rise
	dropBits  uint16
	cooldown  int64 // no insight opens before this minute
}

// maxPending is the largest pending ring: Lateness is at most 60 minutes.
const maxPending = 62

// openInsight is an insight between its Start and End records.
type openInsight struct {
	rise       bool
	start      int64 // first anomalous minute
	lastAnom   int64
	sum        float64 // calls from start through lastAnom
	tail       float64 // calls in the normal minutes after lastAnom
	normal     int     // consecutive normal minutes
	startCount uint32
	baseAvg    float64
	baseDur    int64
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
	// minutes of every hour from max(first, ring start) to scored.
	d.fillSilent(s)
	return s
}

// fillSilent sets the baseline to silence over the detector's history.
func (d *Detector) fillSilent(s *series) {
	clear(s.hourCount)
	clear(s.hourMins)
	s.totC, s.totM = 0, 0
	H := int64(len(s.hourCount))
	hCur := floorDiv(d.scored, 60)
	for h := hCur - H + 1; h <= hCur; h++ {
		lo, hi := h*60, h*60+59
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

// flat is the scoring mean: calls per normal minute with half a call of
// prior, so a silent baseline still has a (tiny) positive rate.
func (s *series) flat() float64 {
	m := float64(s.totM)
	if m < 1 {
		m = 1
	}
	return (float64(s.totC) + 0.5) / m
}

// computeProfile recomputes the hour-of-day rates from the baseline ring.
func (s *series) computeProfile(d *Detector, hCur int64) {
	var c, m [24]float64
	H := int64(len(s.hourCount))
	for h := hCur - H + 1; h <= hCur; h++ {
		i := mod(h, H)
		hod := mod(h, 24)
		c[hod] += float64(s.hourCount[i])
		m[hod] += float64(s.hourMins[i])
	}
	flat := s.flat()
	a := d.cfg.prior
	for i := range 24 {
		s.profile[i] = float32((c[i] + a) / (m[i] + a/flat))
	}
}

// expected is the seasonal expected count of minute m: the hour-of-day
// rates linearly interpolated between hour centres.
func (s *series) expected(m int64) float64 {
	pos := float64(mod(m, 1440))/60 + 1.0/120 - 0.5
	h0 := math.Floor(pos)
	f := pos - h0
	i := int(mod(int64(h0), 24))
	j := (i + 1) % 24
	return float64(s.profile[i])*(1-f) + float64(s.profile[j])*f
}

// isRise and isDrop are the per-minute tests (see the package doc).
func (c *config) isRise(x, lam, alpha float64) bool {
	if x <= lam || x < lam+c.minExcess || x < lam*c.minRatio {
		return false
	}
	return poissonUpper(x, lam) <= alpha
}

func (c *config) isDrop(key *SeriesKey, x, lam, alpha float64) bool {
	if key.InsightType != event.APICallRateInsight || x > lam*c.dropRatio || lam < -math.Log(alpha) {
		return false
	}
	return poissonLower(x, lam) <= alpha
}

func (s *series) include(m int64, x uint32) {
	i := mod(floorDiv(m, 60), int64(len(s.hourCount)))
	s.hourCount[i] += x
	s.hourMins[i]++
	s.totC += uint64(x)
	s.totM++
}

// catchUp applies the recent counters' halvings due through minute m.
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

// score finalises minute m of the series.
func (s *series) score(d *Detector, m int64) {
	c := &d.cfg
	pi := mod(m, int64(d.cfg.pendingMinutes))
	x := s.pendBuf[pi]
	s.pendBuf[pi] = 0
	s.last[mod(m, lastSize)] = x
	if mod(m, 60) == 0 {
		s.rollHour(d, floorDiv(m, 60))
	}
	if m < d.first {
		// Before the first minute seen there is no history to learn:
		// the few records that arrived this late are not learnt.
		return
	}
	lam := s.expected(m)
	xf := float64(x)

	if o := s.open; o != nil {
		var still bool
		if o.rise {
			still = c.isRise(xf, lam, c.alphaX)
		} else {
			still = c.isDrop(&s.key, xf, lam, c.alphaX)
		}
		if still {
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
			s.cooldown = m + 1 + int64(c.windowHours)*60
		}
		return
	}

	rise := c.isRise(xf, lam, c.alpha)
	drop := !rise && c.isDrop(&s.key, xf, lam, c.alpha)
	s.riseBits <<= 1
	s.dropBits <<= 1
	if m < s.cooldown || m < d.first+c.warmUp {
		// Warm-up and cool-down learn every minute: excluding outliers
		// needs a baseline to call them outliers against.
		s.riseBits, s.dropBits = 0, 0
		s.include(m, x)
		return
	}
	if rise {
		s.riseBits |= 1
	}
	if drop {
		s.dropBits |= 1
	}
	if !rise && !drop {
		s.include(m, x)
	}
	mask := uint16(1)<<c.openN - 1
	switch {
	case bits.OnesCount16(s.riseBits&mask) >= c.openK:
		d.openInsight(s, m, true, s.riseBits&mask)
	case bits.OnesCount16(s.dropBits&mask) >= c.openK:
		d.openInsight(s, m, false, s.dropBits&mask)
	}
}
