package insights

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"time"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/insights/internal/hotpath"
)

// Errors returned by Observe, MarshalBinary and UnmarshalBinary.
var (
	// ErrInvalid: Observe was given a negative count, or a SeriesKey that
	// lacks a Region, EventSource or EventName, has an unknown
	// InsightType, or whose ErrorCode does not fit its type (required for
	// ApiErrorRateInsight, empty otherwise). The message says which.
	ErrInvalid = errors.New("insights: invalid observation")
	// ErrLate: the minute was already scored (older than the watermark
	// minus Options.Lateness); the observation was dropped and counted in
	// Stats.Late.
	ErrLate = errors.New("insights: observation later than the allowed lateness")
	// ErrTooManySeries: the observation would create a series beyond
	// Options.MaxSeries; it was dropped and counted in Stats.SeriesDropped.
	ErrTooManySeries = errors.New("insights: too many series")
	// ErrPendingInsights: MarshalBinary was called with emitted records not
	// yet taken with Drain; take them first so that none is lost.
	ErrPendingInsights = errors.New("insights: undrained insight records")
	// ErrCorruptState: the state given to UnmarshalBinary is malformed.
	ErrCorruptState = errors.New("insights: corrupt saved state")
	// ErrIncompatibleState: the state was saved under options that shape
	// the series differently (BaselineWindow, Lateness or Step).
	ErrIncompatibleState = errors.New("insights: saved state does not match the options")
)

// Stats counts what a Detector did since it was created (or restored),
// and how many series it holds now.
type Stats struct {
	Series        int    // live series now (not a running count)
	Records       uint64 // records given to Add
	Counted       uint64 // observations counted into some series (a record may count twice)
	Ignored       uint64 // records not analysed (reads, non-management, Insights records, no time)
	Late          uint64 // observations dropped because their minute was already scored
	SeriesDropped uint64 // observations dropped by MaxSeries
	Evicted       uint64 // series evicted as idle
	Started       uint64 // Start records emitted
	Ended         uint64 // End records emitted
}

// Detector learns per-series baselines and emits Insights records. It is
// not safe for concurrent use: feed it from one goroutine (CloudTrail
// itself analyses each Region separately; shard by Region for parallelism).
type Detector struct {
	cfg       config
	hourDecay float32
	index     seriesIndex
	list      []*series // creation order: the order of emission within a minute
	started   bool
	first     int64 // first minute of history (warm-up origin)
	scored    int64 // every minute <= scored is final
	watermark int64 // unix seconds of the newest time seen
	batch     []*event.Record
	out       []*event.Record
	stats     Stats
	intern    *interner
	sink      uint64 // loads made to warm the cache land here
	ringBase  int64  // mod(scored, Lateness+2) (see pendSlot)
}

// New returns a Detector with the given options (the zero Options gives
// every default).
func New(opts Options) *Detector {
	c := opts.resolve()
	return &Detector{
		cfg:       c,
		hourDecay: float32(math.Exp(-1 / float64(c.windowHours))),
		intern:    new(interner),
	}
}

// Stats returns the counters and the number of live series.
func (d *Detector) Stats() Stats {
	st := d.stats
	st.Series = d.index.n
	return st
}

// Drain returns the Insights records emitted since the last call, in
// emission order (by eventTime, then series creation order), and forgets
// them.
func (d *Detector) Drain() []*event.Record {
	out := d.out
	d.out = nil
	return out
}

// stepOf is the step holding unix time unix.
func (d *Detector) stepOf(unix int64) int64 { return floorDiv(unix, d.cfg.step) }

// start fixes the history and warm-up origin at the first minute seen.
// Records up to Lateness older than the first one are accepted but not
// learnt (the baseline starts at the first minute); a series created later
// is taken to have been silent since the first minute.
func (d *Detector) start(unix int64) {
	d.started = true
	d.watermark = unix
	d.first = d.stepOf(unix)
	d.setScored(d.first - d.cfg.lateness - 1)
}

// Advance moves the watermark to now (if later) and scores every minute
// that is then final. Call it when time passes without records, so that
// drops to silence are seen and open insights close.
func (d *Detector) Advance(now time.Time) {
	d.advance(now.Unix())
}

func (d *Detector) advance(unix int64) {
	if !d.started {
		d.start(unix)
	}
	if unix <= d.watermark {
		return
	}
	d.watermark = unix
	target := d.stepOf(unix) - d.cfg.lateness - 1
	if target > d.scored {
		d.scoreTo(target)
	}
}

// Observe counts n calls (or errors) of series key in the minute holding
// t, then advances the watermark to t. It is the entry for rates that do
// not come from records; series fed only through Observe have no
// attributions.
func (d *Detector) Observe(key SeriesKey, t time.Time, n int) error {
	if err := checkKey(&key); err != nil {
		return err
	}
	if n < 0 {
		return fmt.Errorf("%w: negative count %d", ErrInvalid, n)
	}
	unix := t.Unix()
	d.advance(unix)
	m := d.stepOf(unix)
	if m <= d.scored {
		d.stats.Late++
		return fmt.Errorf("%w: minute %s, scored through %s", ErrLate,
			time.Unix(m*d.cfg.step, 0).UTC().Format(event.TimeLayout), time.Unix(d.scored*d.cfg.step, 0).UTC().Format(event.TimeLayout))
	}
	s := d.seriesFor(&key, keyHash(&key, baseHash(&key)))
	if s == nil {
		return ErrTooManySeries
	}
	s.count(m, d.pendSlot(m), uint32(min(uint64(n), math.MaxUint32)))
	d.stats.Counted++
	return nil
}

func checkKey(k *SeriesKey) error {
	switch {
	case k.Region == "" || k.EventSource == "" || k.EventName == "":
		return fmt.Errorf("%w: Region, EventSource and EventName are required", ErrInvalid)
	case k.InsightType == event.APICallRateInsight && k.ErrorCode != "":
		return fmt.Errorf("%w: ErrorCode %q on an ApiCallRateInsight series", ErrInvalid, k.ErrorCode)
	case k.InsightType == event.APIErrorRateInsight && k.ErrorCode == "":
		return fmt.Errorf("%w: ApiErrorRateInsight series without ErrorCode", ErrInvalid)
	case !k.InsightType.Known():
		return fmt.Errorf("%w: InsightType %q", ErrInvalid, k.InsightType)
	}
	return nil
}

// setScored makes every minute through m final.
func (d *Detector) setScored(m int64) {
	d.scored = m
	d.ringBase = mod(m, int64(d.cfg.pendingMinutes))
}

// pendSlot is mod(m, Lateness+2), the index of minute m in every series'
// pending ring, found without a division for the minutes that can be
// pending: scored < m <= scored+Lateness+1.
func (d *Detector) pendSlot(m int64) int64 {
	L, off := int64(d.cfg.pendingMinutes), m-d.scored
	if uint64(off-1) >= uint64(L-1) {
		return mod(m, L)
	}
	i := d.ringBase + off
	if i >= L {
		i -= L
	}
	return i
}

// count adds n calls to minute m, whose index in the pending ring is i.
func (s *series) count(m, i int64, n uint32) {
	if v := s.pendBuf[i] + n; v >= s.pendBuf[i] {
		s.pendBuf[i] = v
	} else {
		s.pendBuf[i] = math.MaxUint32
	}
	if m > s.lastCall {
		s.lastCall = m
	}
}

func keyHash(k *SeriesKey, base uint64) uint64 {
	if k.InsightType == event.APICallRateInsight {
		return base
	}
	return errorKeyHash(base, hashValue(k.ErrorCode))
}

// errorKeyHash is keyHash of an ApiErrorRateInsight key whose ErrorCode
// hashes (hashValue) to code.
func errorKeyHash(base, code uint64) uint64 {
	return (base^code)*0xbf58476d1ce4e5b9 + 5
}

func (d *Detector) lookup(k *SeriesKey, h uint64) *series { return d.index.find(h, k) }

func (d *Detector) insert(s *series) {
	s.hash = keyHash(&s.key, baseHash(&s.key))
	d.index.add(s)
	d.list = append(d.list, s)
}

func (d *Detector) seriesFor(k *SeriesKey, h uint64) *series {
	if s := d.lookup(k, h); s != nil {
		return s
	}
	if d.index.n >= d.cfg.maxSeries {
		d.stats.SeriesDropped++
		return nil
	}
	// The key's strings may point into a decoder's buffer: keep copies.
	in := d.intern
	key := SeriesKey{
		AccountID:   in.get(hashValue(k.AccountID), k.AccountID),
		Region:      in.get(hashValue(k.Region), k.Region),
		EventSource: in.get(hashValue(k.EventSource), k.EventSource),
		EventName:   in.get(hashValue(k.EventName), k.EventName),
		InsightType: k.InsightType,
		ErrorCode:   in.get(hashValue(k.ErrorCode), k.ErrorCode),
	}
	s := newSeries(d, key)
	d.insert(s)
	return s
}

// Add analyses records, in order. Counted are, by each record's eventTime:
//   - for ApiCallRateInsight, write management calls (eventCategory
//     Management, readOnly false) and, with Options.DataEvents, data calls;
//   - for ApiErrorRateInsight, the same categories' calls (read or write)
//     that carry an errorCode.
//
// Only API calls are analysed (eventType AwsApiCall, or no eventType):
// Insights counts API calls, so console sign-ins, console actions, service
// events, network activity and Insights records are counted in
// Stats.Ignored, as are reads for the call rate and records without
// eventTime, awsRegion, eventSource or eventName. A record whose minute
// was already scored is counted in Stats.Late.
//
// Add(recs...) over a slice (a decoded log file, say) has exactly the
// effect of calling Add on each record in turn (same counts, same records,
// same state), only faster: it works through the slice in blocks of 32
// records, first finding every record's series and loading their state,
// then updating them, so that the memory waits of a block overlap. No
// record may be nil; the detector keeps no reference to the slice.
func (d *Detector) Add(recs ...*event.Record) {
	if len(recs) == 1 {
		var p prepared
		d.prepare(recs[0], &p)
		d.apply(recs[0], &p)
		return
	}
	d.addBlocks(recs)
}

// batchBlock is the number of records Add resolves before updating any:
// the series lookups of a block are independent memory accesses, which
// the processor overlaps instead of waiting for each in turn.
const batchBlock = 32

// addBlocks is Add over many records, block by block.
func (d *Detector) addBlocks(recs []*event.Record) {
	var ps [batchBlock]prepared
	var home [2 * batchBlock]*series
	for len(recs) > 0 {
		blk := recs[:min(len(recs), batchBlock)]
		recs = recs[len(blk):]
		// The first passes change nothing: they filter and hash the
		// records, then load the memory the updates will touch, each pass
		// a short loop whose loads do not depend on one another, so that
		// the processor overlaps their cache misses.
		var sink uint64
		if hotpath.Warm {
			for _, r := range blk {
				sink += uint64(len(r.EventCategory) + len(r.RecipientAccountID) + len(r.EventType) + len(r.ErrorCode))
			}
			for _, r := range blk {
				sink += uint64(firstByte(r.EventName) + firstByte(r.EventSource))
			}
		}
		for i, r := range blk {
			p := &ps[i]
			*p = prepared{}
			d.prepare(r, p)
		}
		if !hotpath.Warm {
			for i, r := range blk {
				d.apply(r, &ps[i])
			}
			continue
		}
		slots := d.index.slots
		mask := uint64(len(slots) - 1)
		if len(slots) > 0 {
			for i := range blk {
				p := &ps[i]
				sink += slots[p.base&mask].hash + slots[p.errHash&mask].hash
			}
		}
		// The series in each key's home slot (usually its own).
		nh := 0
		if len(slots) > 0 {
			for i := range blk {
				p := &ps[i]
				if p.write {
					if s := slots[p.base&mask].s; s != nil {
						sink += s.hash
						home[nh] = s
						nh++
					}
				}
				if p.errKey {
					if s := slots[p.errHash&mask].s; s != nil {
						sink += s.hash
						home[nh] = s
						nh++
					}
				}
			}
		}
		for _, s := range home[:nh] {
			sink += s.touch()
		}
		clear(home[:nh])
		d.sink += sink
		for i, r := range blk {
			d.apply(r, &ps[i])
		}
	}
}

// firstByte is the first byte of v, or 0.
func firstByte(v string) byte {
	if v == "" {
		return 0
	}
	return v[0]
}

// touch loads the cache lines a record's update of s will use, but the
// pending counter.
func (s *series) touch() uint64 {
	v := uint64(len(s.key.EventName)) + uint64(firstByte(s.key.EventName))
	for a := range s.attrs {
		t := &s.attrs[a]
		v += t.hash[0] + uint64(math.Float32bits(t.base[attrK-1])) + uint64(math.Float32bits(t.recentTotal))
	}
	return v + uint64(s.pendBuf[0]) + uint64(s.pendBuf[len(s.pendBuf)-1])
}

// prepared is a record's filtering and hashing, done before its update.
type prepared struct {
	ok      bool // analysed: counted unless late
	write   bool // counts in the call-rate series
	errKey  bool // counts in the error-rate series
	minute  int64
	unix    int64
	base    uint64 // key hash of the call-rate series
	errHash uint64 // key hash of the error-rate series
	hs      [numAttrs]uint64
}

// nullHash is the hash of the errorCode attribute of calls without error.
var nullHash = hashValue("null")

// prepare filters r and hashes its keys and attributes; it changes
// nothing. It reports whether r is analysed.
func (d *Detector) prepare(r *event.Record, p *prepared) bool {
	var data bool
	switch r.EventCategory {
	case event.CategoryManagement:
	case event.CategoryData:
		data = true
	case "":
		// Records older than eventVersion 1.07 have no category.
		data = r.ManagementEvent != nil && !*r.ManagementEvent
	default:
		return false
	}
	if data && !d.cfg.dataEvents || r.EventTime.IsZero() || r.AWSRegion == "" ||
		r.EventSource == "" || r.EventName == "" || (r.EventType != event.AwsAPICall && r.EventType != "") {
		return false
	}
	write := data || !r.IsReadOnly() // records without readOnly: the API table
	if !write && r.ErrorCode == "" {
		return false
	}
	p.ok, p.write, p.errKey = true, write, r.ErrorCode != ""
	p.unix = r.EventTime.Unix()
	p.minute = d.stepOf(p.unix)
	if r.UserIdentity != nil && r.UserIdentity.ARN != "" {
		p.hs[attrUser] = hashValue(r.UserIdentity.ARN)
	}
	if r.UserAgent != "" {
		p.hs[attrAgent] = hashValue(r.UserAgent)
	}
	if r.ErrorCode != "" {
		p.hs[attrError] = hashValue(r.ErrorCode)
	} else {
		p.hs[attrError] = nullHash
	}
	key := SeriesKey{AccountID: r.RecipientAccountID, Region: r.AWSRegion,
		EventSource: r.EventSource, EventName: r.EventName}
	p.base = baseHash(&key)
	if p.errKey {
		p.errHash = errorKeyHash(p.base, p.hs[attrError])
	}
	return true
}

func callKey(r *event.Record) SeriesKey {
	return SeriesKey{AccountID: r.RecipientAccountID, Region: r.AWSRegion,
		EventSource: r.EventSource, EventName: r.EventName, InsightType: event.APICallRateInsight}
}

func errKey(r *event.Record) SeriesKey {
	return SeriesKey{AccountID: r.RecipientAccountID, Region: r.AWSRegion,
		EventSource: r.EventSource, EventName: r.EventName, InsightType: event.APIErrorRateInsight,
		ErrorCode: r.ErrorCode}
}

// apply counts a prepared record.
func (d *Detector) apply(r *event.Record, p *prepared) {
	d.stats.Records++
	if !p.ok {
		d.stats.Ignored++
		return
	}
	d.advance(p.unix)
	m := p.minute
	if m <= d.scored {
		d.stats.Late++
		return
	}
	var vs [numAttrs]string
	if r.UserIdentity != nil {
		vs[attrUser] = r.UserIdentity.ARN
	}
	vs[attrAgent] = r.UserAgent
	vs[attrError] = r.ErrorCode
	if vs[attrError] == "" {
		vs[attrError] = "null"
	}
	if p.write {
		k := callKey(r)
		s := d.seriesFor(&k, p.base)
		d.countRecord(s, m, &p.hs, &vs, numAttrs)
	}
	if p.errKey {
		k := errKey(r)
		s := d.seriesFor(&k, p.errHash)
		d.countRecord(s, m, &p.hs, &vs, attrError)
	}
}

func (d *Detector) countRecord(s *series, m int64, hs *[numAttrs]uint64, vs *[numAttrs]string, nattr int) {
	if s == nil {
		return
	}
	d.stats.Counted++
	s.count(m, d.pendSlot(m), 1)
	s.hasAttrs = true
	if o := s.open; o != nil {
		for a := range nattr {
			o.attr[a].addValue(hs[a], vs[a], d.intern)
		}
		return
	}
	if s.recentAt != d.scored {
		s.catchUp(d.scored)
	}
	// Unrolled: constant indices spare the bounds checks and offsets.
	in := d.intern
	s.attrs[attrUser].add(hs[attrUser], vs[attrUser], in, &s.values[attrUser])
	s.attrs[attrAgent].add(hs[attrAgent], vs[attrAgent], in, &s.values[attrAgent])
	if nattr > attrError {
		s.attrs[attrError].add(hs[attrError], vs[attrError], in, &s.values[attrError])
	}
}

// addValue counts one call with value v; an absent value ("") counts in
// the total only, so that shares stay shares of all calls.
func (t *topK) addValue(h uint64, v string, in *interner) {
	if v == "" {
		t.total++
		return
	}
	t.add(h, v, 1, nil, in)
}

// scoreTo scores every series through minute target. A gap longer than
// the baseline window plus MaxInsightDuration (a stream restarted after a
// long pause, or a far-future eventTime) is not walked minute by minute:
// after the first such span every series is reset to a silent baseline.
func (d *Detector) scoreTo(target int64) {
	from := d.scored + 1
	limit := int64(d.cfg.windowHours)*d.cfg.perHour + d.cfg.maxDur + d.cfg.perHour
	walkTo := target
	if target-from+1 > limit {
		walkTo = from + limit - 1
	}
	evict := false
	for _, s := range d.list {
		for m := from; m <= walkTo; m++ {
			s.score(d, m)
		}
		if walkTo-s.lastCall > d.cfg.idle && s.open == nil && walkTo >= s.cooldown {
			s.evicted = true
			evict = true
		}
	}
	d.setScored(target)
	if walkTo < target {
		for _, s := range d.list {
			if s.evicted {
				continue
			}
			d.fillSilent(s)
			// The recent counters were halved through walkTo only.
			s.recentAt += target - walkTo
			s.riseBits, s.dropBits = 0, 0
			s.last, s.lastIn = [lastSize]uint32{}, [lastSize]uint32{}
			clear(s.pendBuf[:])
		}
	}
	if evict {
		d.list = slices.DeleteFunc(d.list, func(s *series) bool {
			if s.evicted {
				d.index.remove(s)
				d.stats.Evicted++
				return true
			}
			return false
		})
	}
	if len(d.batch) > 0 {
		slices.SortStableFunc(d.batch, func(a, b *event.Record) int { return a.EventTime.Compare(b.EventTime) })
		d.out = append(d.out, d.batch...)
		clear(d.batch)
		d.batch = d.batch[:0]
	}
}

// openInsight opens an insight at scored minute m; window holds the
// anomalous minutes of the open window (bit j is minute m-j).
func (d *Detector) openInsight(s *series, m int64, rise bool, window uint16) {
	start := m - int64(bits.Len16(window)-1)
	o := &openInsight{rise: rise, start: start, lastAnom: m, sharedID: d.cfg.newID()}
	for t := start; t <= m; t++ {
		o.sum += float64(s.last[mod(t, lastSize)])
	}
	o.startCount = s.last[mod(start, lastSize)]
	// The baseline average leaves out the insight's own steps, which the
	// ring took in clipped.
	totC, totM := int64(s.totC), int64(s.totM)
	for t := start; t <= m; t++ {
		totC -= int64(s.lastIn[mod(t, lastSize)])
		totM--
	}
	if totM > 0 && totC >= 0 {
		o.baseAvg = float64(totC) / float64(totM)
	}
	P := d.cfg.perHour
	earliest := max(d.first, (floorDiv(m, P)-int64(len(s.hourCount))+1)*P)
	o.baseDur = max(start-earliest, 0)
	s.catchUp(m)
	for a := range s.attrs {
		o.attr[a] = s.attrs[a].sketch(true, &s.values[a])
	}
	s.open = o
	s.riseBits, s.dropBits = 0, 0
	if s.hasAttrs {
		o.baseAttr = make([]event.Attribution, 0, numAttrs)
	}
	d.batch = append(d.batch, d.insightRecord(s, o, event.InsightStart, start, float64(o.startCount), 1, &o.attr))
	d.stats.Started++
}

func (d *Detector) closeInsight(s *series, end int64) {
	o := s.open
	dur := end - o.start
	avg := o.sum / float64(dur)
	d.batch = append(d.batch, d.insightRecord(s, o, event.InsightEnd, end, avg, dur, &o.attr))
	s.open = nil
	s.riseBits, s.dropBits = 0, 0
	d.stats.Ended++
}
