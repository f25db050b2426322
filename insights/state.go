package insights

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/trailkit/trailkit/event"
)

// stateMagic starts every saved state; the digit is the format version.
const stateMagic = "trailkit-insights-state-2\n"

// MarshalBinary saves the detector's whole state (watermark, warm-up
// origin, every series' baseline, pending minutes, open insights and
// attribution sketches) so that a restarted process continues where this
// one stopped, without a new warm-up. Options are not saved: restore with
// the same options. It fails with ErrPendingInsights while records wait in
// Drain.
//
// The format is: the magic line "trailkit-insights-state-2\n", then
// unsigned varints (u), signed varints (s), IEEE-754 bit patterns as
// uvarints (f), length-prefixed strings; see the code for the order. It is
// an implementation detail, versioned by the magic line.
func (d *Detector) MarshalBinary() ([]byte, error) {
	if len(d.out) > 0 {
		return nil, ErrPendingInsights
	}
	b := []byte(stateMagic)
	b = binary.AppendUvarint(b, uint64(d.cfg.windowHours))
	b = binary.AppendUvarint(b, uint64(d.cfg.pendingMinutes))
	b = binary.AppendUvarint(b, uint64(d.cfg.step))
	b = appendBool(b, d.started)
	b = binary.AppendVarint(b, d.first)
	b = binary.AppendVarint(b, d.scored)
	b = binary.AppendVarint(b, d.watermark)
	st := &d.stats
	for _, v := range []uint64{st.Records, st.Counted, st.Ignored, st.Late, st.SeriesDropped, st.Evicted, st.Started, st.Ended} {
		b = binary.AppendUvarint(b, v)
	}
	b = binary.AppendUvarint(b, uint64(len(d.list)))
	for _, s := range d.list {
		b = s.append(b, d.scored-s.recentAt, d.cfg.pendingMinutes)
	}
	return b, nil
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendFloat(b []byte, f float64) []byte { return binary.AppendUvarint(b, math.Float64bits(f)) }

// append saves s; due is the number of recent-counter halvings not yet
// applied, which the saved counters include; pendingMinutes is the length
// of the pending ring.
func (s *series) append(b []byte, due int64, pendingMinutes int) []byte {
	k := &s.key
	for _, v := range []string{k.AccountID, k.Region, k.EventSource, k.EventName, string(k.InsightType), k.ErrorCode} {
		b = appendString(b, v)
	}
	for _, v := range s.pendBuf[:pendingMinutes] {
		b = binary.AppendUvarint(b, uint64(v))
	}
	for _, v := range s.hourCount {
		b = binary.AppendUvarint(b, uint64(v))
	}
	b = append(b, s.hourMins...)
	for _, v := range s.last {
		b = binary.AppendUvarint(b, uint64(v))
	}
	for _, v := range s.lastIn {
		b = binary.AppendUvarint(b, uint64(v))
	}
	b = binary.AppendUvarint(b, uint64(s.riseBits))
	b = binary.AppendUvarint(b, uint64(s.dropBits))
	b = binary.AppendVarint(b, s.lastCall)
	b = binary.AppendVarint(b, s.cooldown)
	b = appendFloat(b, s.dispNum)
	b = appendFloat(b, s.dispDen)
	b = appendFloat(b, s.diffNum)
	b = appendFloat(b, s.diffDen)
	b = appendBool(b, s.prevOK)
	b = binary.AppendUvarint(b, uint64(math.Float32bits(s.prevR)))
	b = binary.AppendUvarint(b, uint64(math.Float32bits(s.prevLam)))
	for _, v := range s.sched {
		b = binary.AppendUvarint(b, uint64(math.Float32bits(v)))
	}
	b = binary.AppendUvarint(b, s.schedBig)
	for _, j := range s.jobs {
		b = binary.AppendUvarint(b, uint64(j.at))
		b = append(b, j.seen)
		b = binary.AppendUvarint(b, uint64(math.Float32bits(j.off)))
	}
	b = appendBool(b, s.hasAttrs)
	for a := range numAttrs {
		b = s.attrs[a].append(b, &s.values[a], due)
	}
	b = appendBool(b, s.open != nil)
	if o := s.open; o != nil {
		b = appendBool(b, o.rise)
		b = binary.AppendVarint(b, o.start)
		b = binary.AppendVarint(b, o.lastAnom)
		b = appendFloat(b, o.sum)
		b = appendFloat(b, o.tail)
		b = binary.AppendUvarint(b, uint64(o.normal))
		b = binary.AppendUvarint(b, uint64(o.startCount))
		b = appendFloat(b, o.baseAvg)
		b = binary.AppendVarint(b, o.baseDur)
		b = appendString(b, o.sharedID)
		b = appendBool(b, o.baseAttr != nil)
		b = binary.AppendUvarint(b, uint64(len(o.baseAttr)))
		for _, at := range o.baseAttr {
			b = appendString(b, at.Attribute)
			b = binary.AppendUvarint(b, uint64(len(at.Baseline)))
			for _, v := range at.Baseline {
				b = appendString(b, v.Value)
				b = appendFloat(b, v.Average)
			}
		}
		for a := range numAttrs {
			b = o.attr[a].append(b)
		}
	}
	return b
}

func (t *topK) append(b []byte) []byte {
	b = append(b, t.n)
	b = binary.AppendUvarint(b, uint64(math.Float32bits(t.total)))
	for i := range int(t.n) {
		b = appendString(b, t.e[i].value)
		b = binary.AppendUvarint(b, uint64(math.Float32bits(t.e[i].count)))
	}
	return b
}

// UnmarshalBinary replaces the detector's state with one saved by
// MarshalBinary. The detector must have been created with options giving
// the same BaselineWindow and Lateness (else ErrIncompatibleState).
// Malformed input gives an error matching ErrCorruptState and leaves the
// detector unchanged.
func (d *Detector) UnmarshalBinary(data []byte) error {
	r := stateReader{b: data}
	if len(data) < len(stateMagic) || string(data[:len(stateMagic)]) != stateMagic {
		return fmt.Errorf("%w: bad magic", ErrCorruptState)
	}
	r.b = r.b[len(stateMagic):]
	wh, pm, sp := r.uvarint(), r.uvarint(), r.uvarint()
	if r.err == nil && (wh != uint64(d.cfg.windowHours) || pm != uint64(d.cfg.pendingMinutes) || sp != uint64(d.cfg.step)) {
		return fmt.Errorf("%w: saved with a %d-hour window, %d pending steps and %d-second steps, options give %d, %d and %d",
			ErrIncompatibleState, wh, pm, sp, d.cfg.windowHours, d.cfg.pendingMinutes, d.cfg.step)
	}
	nd := New(Options{})
	nd.cfg, nd.hourDecay = d.cfg, d.hourDecay
	r.in = nd.intern
	nd.started = r.bool()
	var scored int64
	nd.first, scored, nd.watermark = r.varint(), r.varint(), r.varint()
	nd.setScored(scored)
	st := &nd.stats
	for _, p := range []*uint64{&st.Records, &st.Counted, &st.Ignored, &st.Late, &st.SeriesDropped, &st.Evicted, &st.Started, &st.Ended} {
		*p = r.uvarint()
	}
	n := r.uvarint()
	if n > uint64(len(r.b)) || n > uint64(d.cfg.maxSeries) {
		r.fail("series count %d", n)
	}
	for i := uint64(0); i < n && r.err == nil; i++ {
		s := r.series(nd)
		if r.err != nil {
			break
		}
		if nd.lookup(&s.key, keyHash(&s.key, baseHash(&s.key))) != nil {
			r.fail("duplicate series %+v", s.key)
			break
		}
		nd.insert(s)
	}
	if r.err == nil && len(r.b) != 0 {
		r.fail("%d trailing bytes", len(r.b))
	}
	if r.err != nil {
		return r.err
	}
	*d = *nd
	return nil
}

type stateReader struct {
	b   []byte
	err error
	in  *interner
}

func (r *stateReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: "+format, append([]any{ErrCorruptState}, args...)...)
	}
	r.b = nil
}

func (r *stateReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail("truncated or overlong varint")
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *stateReader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail("truncated or overlong varint")
		return 0
	}
	r.b = r.b[n:]
	// Minutes and seconds far outside any real time would overflow the
	// arithmetic on them.
	if v > 1<<50 || v < -(1<<50) {
		r.fail("time %d out of range", v)
		return 0
	}
	return v
}

func (r *stateReader) u32() uint32 {
	v := r.uvarint()
	if v > math.MaxUint32 {
		r.fail("count %d out of range", v)
		return 0
	}
	return uint32(v)
}

func (r *stateReader) byte() byte {
	if r.err != nil {
		return 0
	}
	if len(r.b) == 0 {
		r.fail("truncated")
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *stateReader) bool() bool {
	switch r.byte() {
	case 0:
		return false
	case 1:
		return true
	}
	r.fail("bad boolean")
	return false
}

func (r *stateReader) string() string {
	n := r.uvarint()
	if r.err != nil {
		return ""
	}
	if n > uint64(len(r.b)) {
		r.fail("string of %d bytes with %d left", n, len(r.b))
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

// float reads a finite, non-negative float64.
func (r *stateReader) float() float64 {
	f := math.Float64frombits(r.uvarint())
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		r.fail("bad number %v", f)
		return 0
	}
	return f
}

func (r *stateReader) float32() float32 {
	f := r.signedFloat32()
	if f < 0 {
		r.fail("bad number %v", f)
		return 0
	}
	return f
}

// signedFloat32 reads a finite float32.
func (r *stateReader) signedFloat32() float32 {
	v := r.uvarint()
	if v > math.MaxUint32 {
		r.fail("bad float32")
		return 0
	}
	f := math.Float32frombits(uint32(v))
	if f != f || math.IsInf(float64(f), 0) {
		r.fail("bad number %v", f)
		return 0
	}
	return f
}

func (r *stateReader) series(d *Detector) *series {
	var k SeriesKey
	k.AccountID, k.Region, k.EventSource, k.EventName = r.string(), r.string(), r.string(), r.string()
	k.InsightType = event.InsightType(r.string())
	k.ErrorCode = r.string()
	if r.err != nil {
		return nil
	}
	if err := checkKey(&k); err != nil {
		r.fail("%v", err)
		return nil
	}
	H := d.cfg.windowHours + 1
	s := &series{key: k, hourCount: make([]uint32, H), hourMins: make([]uint8, H), recentAt: d.scored}
	for i := range d.cfg.pendingMinutes {
		s.pendBuf[i] = r.u32()
	}
	for i := range s.hourCount {
		s.hourCount[i] = r.u32()
		s.totC += uint64(s.hourCount[i])
	}
	for i := range s.hourMins {
		s.hourMins[i] = r.byte()
		if s.hourMins[i] > 60 {
			r.fail("%d minutes in an hour", s.hourMins[i])
		}
		s.totM += uint32(s.hourMins[i])
	}
	for i := range s.last {
		s.last[i] = r.u32()
	}
	for i := range s.lastIn {
		s.lastIn[i] = r.u32()
	}
	s.riseBits, s.dropBits = uint16(r.u32()), uint16(r.u32())
	s.lastCall, s.cooldown = r.varint(), r.varint()
	s.dispNum, s.dispDen = r.float(), r.float()
	s.diffNum, s.diffDen = r.float(), r.float()
	s.prevOK = r.bool()
	s.prevR, s.prevLam = r.signedFloat32(), r.float32()
	for i := range s.sched {
		s.sched[i] = r.float32()
	}
	s.schedBig = r.uvarint()
	for i := range s.jobs {
		at := r.uvarint()
		if at > uint64(24*d.cfg.perHour) {
			r.fail("daily job at step %d", at)
		}
		seen := r.byte()
		if seen > maxSeen {
			r.fail("daily job seen %d days", seen)
		}
		s.jobs[i] = dayJob{at: uint16(at), seen: seen, off: r.float32()}
	}
	s.hasAttrs = r.bool()
	for a := range numAttrs {
		r.attrTable(&s.attrs[a], &s.values[a])
	}
	if r.bool() {
		o := &openInsight{}
		o.rise = r.bool()
		o.start, o.lastAnom = r.varint(), r.varint()
		o.sum, o.tail = r.float(), r.float()
		o.normal = int(r.u32())
		o.startCount = r.u32()
		o.baseAvg = r.float()
		o.baseDur = r.varint()
		o.sharedID = r.string()
		hasBase := r.bool()
		na := r.uvarint()
		want := uint64(0)
		if hasBase {
			want = numAttrs
			if k.InsightType == event.APIErrorRateInsight {
				want = attrError
			}
		}
		if na != want {
			r.fail("%d baseline attributions", na)
		}
		if hasBase {
			o.baseAttr = make([]event.Attribution, 0, numAttrs)
		}
		for range na {
			at := event.Attribution{Attribute: r.string(), Baseline: []event.AttributionValue{}}
			nv := r.uvarint()
			if nv > 5 {
				r.fail("%d attribution values", nv)
			}
			for range nv {
				at.Baseline = append(at.Baseline, event.AttributionValue{Value: r.string(), Average: r.float()})
			}
			o.baseAttr = append(o.baseAttr, at)
		}
		for a := range numAttrs {
			r.topK(&o.attr[a])
		}
		if r.err == nil && (o.lastAnom < o.start || o.sharedID == "") {
			r.fail("bad open insight")
		}
		s.open = o
	}
	if r.err != nil {
		return nil
	}
	s.computeProfile(d, floorDiv(d.scored, 60))
	return s
}

func (r *stateReader) topK(t *topK) {
	n := r.byte()
	if n > topKSize {
		r.fail("sketch of %d entries", n)
		return
	}
	t.n = n
	t.total = r.float32()
	for i := range int(n) {
		v := r.string()
		h := hashValue(v)
		t.e[i] = topEntry{hash: h, value: r.in.get(h, v), count: r.float32()}
	}
}

func (t *attrTable) append(b []byte, value *attrValues, due int64) []byte {
	b = append(b, t.n)
	b = binary.AppendUvarint(b, uint64(math.Float32bits(t.baseTotal)))
	b = binary.AppendUvarint(b, uint64(math.Float32bits(halve(t.recentTotal, due))))
	for i := range int(t.n) {
		b = appendString(b, value[i])
		b = binary.AppendUvarint(b, uint64(math.Float32bits(t.base[i])))
		b = binary.AppendUvarint(b, uint64(math.Float32bits(halve(t.recent[i], due))))
	}
	return b
}

func (r *stateReader) attrTable(t *attrTable, value *attrValues) {
	n := r.byte()
	if n > attrK {
		r.fail("attribute table of %d entries", n)
		return
	}
	t.n = n
	t.baseTotal, t.recentTotal = r.float32(), r.float32()
	for i := range int(n) {
		v := r.string()
		h := hashValue(v)
		t.setEntry(uint64(i), h)
		value[i] = r.in.get(h, v)
		t.base[i], t.recent[i] = r.float32(), r.float32()
	}
}
