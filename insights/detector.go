package insights

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"time"
	"unsafe"

	"github.com/trailkit/trailkit/event"
)

// Errors returned by the observation entry and by UnmarshalBinary.
var (
	// ErrInvalidSeriesKey: a SeriesKey lacks a Region, EventSource or
	// EventName, has an unknown InsightType, or its ErrorCode does not fit
	// its type (required for ApiErrorRateInsight, empty otherwise).
	ErrInvalidSeriesKey = errors.New("insights: invalid series key")
	// ErrInvalidCount: a negative count.
	ErrInvalidCount = errors.New("insights: negative count")
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
	// the series differently (BaselineWindow or Lateness).
	ErrIncompatibleState = errors.New("insights: saved state does not match the options")
)

// Stats counts what a Detector did since it was created (or restored).
type Stats struct {
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
	pipe      *pipeline // AddBatch's working memory
}

// New returns a Detector with the given options (nil means defaults).
func New(opts *Options) *Detector {
	c := opts.resolve()
	return &Detector{
		cfg:       c,
		hourDecay: float32(math.Exp(-1 / float64(c.windowHours))),
		intern:    new(interner),
	}
}

// Stats returns the counters.
func (d *Detector) Stats() Stats { return d.stats }

// Series returns the number of live series.
func (d *Detector) Series() int { return d.index.n }

// Drain returns the Insights records emitted since the last call, in
// emission order (by eventTime, then series creation order), and forgets
// them.
func (d *Detector) Drain() []*event.Record {
	out := d.out
	d.out = nil
	return out
}

func minuteOf(unix int64) int64 { return floorDiv(unix, 60) }

// start fixes the history and warm-up origin at the first minute seen.
// Records up to Lateness older than the first one are accepted but not
// learnt (the baseline starts at the first minute); a series created later
// is taken to have been silent since the first minute.
func (d *Detector) start(unix int64) {
	d.started = true
	d.watermark = unix
	d.first = minuteOf(unix)
	d.scored = d.first - d.cfg.lateness - 1
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
	target := minuteOf(unix) - d.cfg.lateness - 1
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
		return fmt.Errorf("%w: %d", ErrInvalidCount, n)
	}
	unix := t.Unix()
	d.advance(unix)
	m := minuteOf(unix)
	if m <= d.scored {
		d.stats.Late++
		return fmt.Errorf("%w: minute %s, scored through %s", ErrLate,
			time.Unix(m*60, 0).UTC().Format(event.TimeLayout), time.Unix(d.scored*60, 0).UTC().Format(event.TimeLayout))
	}
	var buf [packMax]byte
	pr := probeKey(&key, &buf)
	s := d.seriesFor(&pr)
	if s == nil {
		return ErrTooManySeries
	}
	s.count(m, uint32(min(n, math.MaxUint32)))
	d.stats.Counted++
	return nil
}

func checkKey(k *SeriesKey) error {
	switch {
	case k.Region == "" || k.EventSource == "" || k.EventName == "":
		return fmt.Errorf("%w: Region, EventSource and EventName are required", ErrInvalidSeriesKey)
	case k.InsightType == event.APICallRateInsight && k.ErrorCode != "":
		return fmt.Errorf("%w: ErrorCode %q on an ApiCallRateInsight series", ErrInvalidSeriesKey, k.ErrorCode)
	case k.InsightType == event.APIErrorRateInsight && k.ErrorCode == "":
		return fmt.Errorf("%w: ApiErrorRateInsight series without ErrorCode", ErrInvalidSeriesKey)
	case !k.InsightType.Known():
		return fmt.Errorf("%w: InsightType %q", ErrInvalidSeriesKey, k.InsightType)
	}
	return nil
}

func (s *series) count(m int64, n uint32) {
	c := &s.pendBuf[mod(m, int64(s.pendN))]
	if v := *c + n; v >= *c {
		*c = v
	} else {
		*c = math.MaxUint32
	}
	if m > s.lastCall {
		s.lastCall = m
	}
}

// insert adds s, whose key is set, to the index and the list.
func (d *Detector) insert(s *series) {
	var buf [packMax]byte
	p := probeKey(&s.key, &buf)
	s.hash = p.h
	s.kn = uint8(copy(s.kb[:], p.pk))
	d.index.add(s)
	d.list = append(d.list, s)
}

// seriesFor finds the series of a probe, creating it if need be; nil when
// MaxSeries forbids a new one.
func (d *Detector) seriesFor(p *probe) *series {
	if s := d.index.find(p); s != nil {
		return s
	}
	if d.index.n >= d.cfg.maxSeries {
		d.stats.SeriesDropped++
		return nil
	}
	// The key's strings may point into a decoder's buffer: keep copies.
	in := d.intern
	k := p.k
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

// Add analyses one record. Counted are, by the record's eventTime:
//   - for ApiCallRateInsight, write management calls (eventCategory
//     Management, readOnly false) and, with Options.DataEvents, data calls;
//   - for ApiErrorRateInsight, the same categories' calls (read or write)
//     that carry an errorCode.
//
// Only API calls are analysed (eventType AwsApiCall, or no eventType):
// Insights counts API calls, so console sign-ins, console actions, service
// events, network activity and Insights records are counted in
// Stats.Ignored, as are reads for the call rate and records without
// eventTime, awsRegion, eventSource or eventName. A record whose minute was already scored is counted in
// Stats.Late.
//
// For many records at once, [Detector.AddBatch] is the faster entry.
func (d *Detector) Add(r *event.Record) {
	var p prepared
	d.prepare(r, &p)
	d.apply(r, &p)
}

// batchBlock is the number of records AddBatch handles per stage.
const batchBlock = 32

// pipeline is AddBatch's working memory, kept between calls: the prepared
// records of three blocks and the addresses to prefetch.
type pipeline struct {
	ps    [3][batchBlock]prepared
	addrs [batchBlock * 2 * seriesLines]uintptr
}

// seriesLines is the most cache lines prefetched for one series.
const seriesLines = 12

// AddBatch analyses recs in order, exactly as calling [Detector.Add] on
// each would (same counts, same records, same state), only faster: it is
// the fast path for a decoded log file or any slice of records. The slice
// may have any length; no element may be nil (as for Add), and the
// detector keeps no reference to the slice.
//
// It works as a pipeline over blocks of 32 records. While one block is
// counted, the blocks after it are, one stage per block: the records'
// fields prefetched into the cache; their strings prefetched; the user
// ARNs prefetched; the records filtered and hashed, with their index slots
// prefetched; their series prefetched. Each memory access is then asked
// for well before it is needed, and the waits for memory overlap the
// counting instead of adding to it. The prefetching changes nothing (a
// stale address is harmless): the counting finds every series anew.
func (d *Detector) AddBatch(recs []*event.Record) {
	if d.pipe == nil {
		d.pipe = new(pipeline)
	}
	pl := d.pipe
	nb := (len(recs) + batchBlock - 1) / batchBlock
	block := func(b int) []*event.Record {
		if b < 0 || b >= nb {
			return nil
		}
		return recs[b*batchBlock : min(len(recs), (b+1)*batchBlock)]
	}
	for b := -5; b < nb; b++ {
		prefetchRecords(block(b+5), &pl.addrs)
		prefetchStrings(block(b+4), &pl.addrs)
		prefetchARNs(block(b+3), &pl.addrs)
		if c := b + 2; c >= 0 && c < nb {
			d.prepareBlock(block(c), &pl.ps[c%3], &pl.addrs)
		}
		if c := b + 1; c >= 0 && c < nb {
			d.prefetchSeries(len(block(c)), &pl.ps[c%3], &pl.addrs)
		}
		if b >= 0 {
			ps := &pl.ps[b%3]
			for i, r := range block(b) {
				d.apply(r, &ps[i])
			}
		}
	}
}

// recordFields are the offsets of the Record fields that prepare reads.
var recordFields = [...]uintptr{
	unsafe.Offsetof(event.Record{}.UserIdentity),
	unsafe.Offsetof(event.Record{}.EventTime),
	unsafe.Offsetof(event.Record{}.EventSource),
	unsafe.Offsetof(event.Record{}.EventName),
	unsafe.Offsetof(event.Record{}.AWSRegion),
	unsafe.Offsetof(event.Record{}.UserAgent),
	unsafe.Offsetof(event.Record{}.ErrorCode),
	unsafe.Offsetof(event.Record{}.ReadOnly),
	unsafe.Offsetof(event.Record{}.EventType),
	unsafe.Offsetof(event.Record{}.ManagementEvent),
	unsafe.Offsetof(event.Record{}.RecipientAccountID),
	unsafe.Offsetof(event.Record{}.EventCategory),
}

// prefetchRecords prefetches the cache lines of the fields prepare reads.
// It reads only the slice of pointers.
func prefetchRecords(blk []*event.Record, addrs *[len(pipeline{}.addrs)]uintptr) {
	n := 0
	for _, r := range blk {
		u := uintptr(unsafe.Pointer(r))
		last := ^uintptr(0)
		for _, off := range recordFields {
			if l := (u + off) &^ 63; l != last {
				addrs[n] = l
				n++
				last = l
			}
		}
	}
	prefetch(addrs[:n])
}

// prefetchStrings prefetches the first bytes of the strings prepare hashes
// and the user identity's ARN field.
func prefetchStrings(blk []*event.Record, addrs *[len(pipeline{}.addrs)]uintptr) {
	n := 0
	str := func(v string) {
		if v != "" {
			addrs[n] = uintptr(unsafe.Pointer(unsafe.StringData(v)))
			n++
		}
	}
	for _, r := range blk {
		str(r.EventSource)
		str(r.EventName)
		str(r.AWSRegion)
		str(r.RecipientAccountID)
		str(r.UserAgent)
		str(r.ErrorCode)
		if r.UserIdentity != nil {
			addrs[n] = uintptr(unsafe.Pointer(&r.UserIdentity.ARN))
			n++
		}
	}
	prefetch(addrs[:n])
}

// prefetchARNs prefetches the first bytes of the user identities' ARNs.
func prefetchARNs(blk []*event.Record, addrs *[len(pipeline{}.addrs)]uintptr) {
	n := 0
	for _, r := range blk {
		if u := r.UserIdentity; u != nil && u.ARN != "" {
			addrs[n] = uintptr(unsafe.Pointer(unsafe.StringData(u.ARN)))
			n++
		}
	}
	prefetch(addrs[:n])
}

// prepareBlock prepares a block's records and prefetches their index slots.
func (d *Detector) prepareBlock(blk []*event.Record, ps *[batchBlock]prepared, addrs *[len(pipeline{}.addrs)]uintptr) {
	slots := d.index.slots
	mask := uint64(len(slots) - 1)
	n := 0
	for i, r := range blk {
		p := &ps[i]
		if !d.prepare(r, p) || len(slots) == 0 {
			continue
		}
		if p.write {
			addrs[n] = uintptr(unsafe.Pointer(&slots[p.base&mask]))
			n++
		}
		if p.errKey {
			addrs[n] = uintptr(unsafe.Pointer(&slots[p.errHash&mask]))
			n++
		}
	}
	prefetch(addrs[:n])
}

// prefetchSeries prefetches the memory a block's updates will touch: for
// each record, the series in its keys' home slots (usually their own), at
// the lines that the lookup (hash and packed key), the count and the
// attribution tables use.
func (d *Detector) prefetchSeries(nrec int, ps *[batchBlock]prepared, addrs *[len(pipeline{}.addrs)]uintptr) {
	slots := d.index.slots
	if len(slots) == 0 {
		return
	}
	mask := uint64(len(slots) - 1)
	pend := int64(d.cfg.pendingMinutes)
	n := 0
	for i := range nrec {
		p := &ps[i]
		if !p.ok {
			continue
		}
		if p.write {
			if s := slots[p.base&mask].s; s != nil {
				n = s.lines(addrs[:], n, int(p.kn), numAttrs, mod(p.minute, pend))
			}
		}
		if p.errKey {
			if s := slots[p.errHash&mask].s; s != nil {
				n = s.lines(addrs[:], n, int(p.ekn), attrError, mod(p.minute, pend))
			}
		}
	}
	prefetch(addrs[:n])
}

// lines appends to addrs[n:] the cache lines of s that counting a record
// reads: the header and kn bytes of packed key, nattr attribution tables
// and pending slot i. It computes addresses only; it reads nothing of s.
func (s *series) lines(addrs []uintptr, n, kn, nattr int, i int64) int {
	add := func(from, to uintptr) {
		for l := from &^ 63; l < to; l += 64 {
			addrs[n] = l
			n++
		}
	}
	add(uintptr(unsafe.Pointer(s)), uintptr(unsafe.Pointer(&s.kb))+uintptr(kn))
	t := uintptr(unsafe.Pointer(&s.attrs))
	add(t, t+uintptr(nattr)*unsafe.Sizeof(attrTable{}))
	c := uintptr(unsafe.Pointer(&s.pendBuf[i]))
	add(c, c+4)
	return n
}

// prepared is a record's filtering and hashing, done before its update.
type prepared struct {
	ok      bool  // analysed: counted unless late
	write   bool  // counts in the call-rate series
	errKey  bool  // counts in the error-rate series
	kn, ekn uint8 // packed lengths of the two keys when they fit inline, else 0
	minute  int64
	unix    int64
	base    uint64 // key hash of the call-rate series
	errHash uint64 // key hash of the error-rate series
	hs      [numAttrs]uint64
	kb      [packMax]byte // the packed keys: call-rate kb[:kn], error-rate kb[:ekn]
}

// nullHash is the hash of the errorCode attribute of calls without error.
var nullHash = hashValue("null")

// prepare filters r and hashes its keys and attributes; it changes
// nothing. It reports whether r is analysed.
func (d *Detector) prepare(r *event.Record, p *prepared) bool {
	p.ok = false
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
	write := data || (r.ReadOnly != nil && !*r.ReadOnly)
	if !write && r.ErrorCode == "" {
		return false
	}
	p.ok, p.write, p.errKey = true, write, r.ErrorCode != ""
	p.unix = r.EventTime.Unix()
	p.minute = minuteOf(p.unix)
	p.hs = [numAttrs]uint64{}
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
	n := packBase(&p.kb, r.RecipientAccountID, r.AWSRegion, r.EventSource, r.EventName)
	p.base = baseHash(&p.kb, n, r.RecipientAccountID, r.AWSRegion, r.EventSource, r.EventName)
	p.kn = inline(n)
	if p.errKey {
		p.errHash = errorKeyHash(p.base, p.hs[attrError])
		p.ekn = inline(packError(&p.kb, n, r.ErrorCode))
	}
	return true
}

// inline is a packed key length as kept in prepared: 0 when the key does
// not fit inline.
func inline(n int) uint8 {
	if n > keyInline {
		return 0
	}
	return uint8(n)
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

// recordSeries finds or creates one of a prepared record's series: the
// call-rate series, or with isErr the error-rate series.
func (d *Detector) recordSeries(r *event.Record, p *prepared, isErr bool) *series {
	pr := probe{h: p.base}
	kn := p.kn
	if isErr {
		pr.h, kn = p.errHash, p.ekn
	}
	if kn > 0 {
		pr.pk = p.kb[:kn]
		if s := d.index.find(&pr); s != nil {
			return s
		}
	}
	// A new series, or a key too long to compare inline.
	k := callKey(r)
	if isErr {
		k = errKey(r)
	}
	pr.k = &k
	return d.seriesFor(&pr)
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
		d.countRecord(d.recordSeries(r, p, false), m, &p.hs, &vs, numAttrs)
	}
	if p.errKey {
		d.countRecord(d.recordSeries(r, p, true), m, &p.hs, &vs, attrError)
	}
}

func (d *Detector) countRecord(s *series, m int64, hs *[numAttrs]uint64, vs *[numAttrs]string, nattr int) {
	if s == nil {
		return
	}
	d.stats.Counted++
	s.count(m, 1)
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
	s.baseTotal++
	s.recentTotal++
	for a := range nattr {
		if vs[a] != "" {
			s.attrs[a].add(&s.an[a], hs[a], vs[a], d.intern, &s.values[a])
		}
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
	limit := int64(d.cfg.windowHours)*60 + d.cfg.maxDur + 60
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
	d.scored = target
	if walkTo < target {
		for _, s := range d.list {
			if s.evicted {
				continue
			}
			d.fillSilent(s)
			// The recent counters were halved through walkTo only.
			s.recentAt += target - walkTo
			s.riseBits, s.dropBits = 0, 0
			s.last = [lastSize]uint32{}
			clear(s.pending)
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
	if s.totM > 0 {
		o.baseAvg = float64(s.totC) / float64(s.totM)
	}
	earliest := max(d.first, (floorDiv(m, 60)-int64(len(s.hourCount))+1)*60)
	o.baseDur = max(start-earliest, 0)
	s.catchUp(m)
	for a := range s.attrs {
		o.attr[a] = s.sketch(a, true)
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
