package event

import (
	"sync"
	"sync/atomic"
)

// Layouts. A decoded object remembers the order its members came in, so
// that AppendJSON writes CloudTrail's bytes back whatever era's order they
// were in, and explicit empty strings (kept in Unknown) where they stood.
// The order is a layout: one token per member, the field's index in the
// object's field table or tokUnknown for "the next Unknown member", with
// trailing tokUnknown tokens dropped. Layouts are interned process-wide;
// an object keeps only a uint16 code. Code 0 is the default order, the
// one the encoder writes for objects built in Go, so a record built in Go
// and that record decoded from its own encoding are equal.

// tokUnknown marks an Unknown member in a layout.
const tokUnknown = 0xFF

// maxLayouts bounds the interned layouts (and so their memory, at most
// maxLayouts × 256 bytes, against hostile input). An object whose layout
// does not fit once the table is full is written in the default order.
const maxLayouts = 1 << 12

// maxTokens bounds the length of a layout.
const maxTokens = 256

var layouts struct {
	mu    sync.Mutex
	byKey map[string]uint16 // guarded by mu
	n     int               // guarded by mu
	// cache finds a layout's code without the lock: a direct-mapped
	// table of recently used keys.
	cache [1024]atomic.Pointer[layoutEntry]
}

// layoutsUsed is layouts.n, readable without the lock.
var layoutsUsed atomic.Int32

// layoutKeys[code] is the interned key of a code: the type byte, then the
// tokens. An entry is written once, under layouts.mu, before its code is
// published.
var layoutKeys [maxLayouts]string

type layoutEntry struct {
	key  string
	code uint16
}

// internLayout returns the code of the layout key (type byte + tokens),
// or 0 when the table is full.
func internLayout(key []byte) uint16 {
	h := uint32(2166136261)
	for _, c := range key {
		h = (h ^ uint32(c)) * 16777619
	}
	slot := &layouts.cache[(h^h>>10^h>>20)&1023]
	if e := slot.Load(); e != nil && e.key == string(key) {
		return e.code
	}
	layouts.mu.Lock()
	defer layouts.mu.Unlock()
	code, ok := layouts.byKey[string(key)]
	if !ok {
		if layouts.n+1 >= maxLayouts {
			return 0
		}
		if layouts.byKey == nil {
			layouts.byKey = make(map[string]uint16)
		}
		layouts.n++
		layoutsUsed.Store(int32(layouts.n))
		code = uint16(layouts.n)
		k := string(key)
		layoutKeys[code] = k
		layouts.byKey[k] = code
	}
	slot.Store(&layoutEntry{key: layoutKeys[code], code: code})
	return code
}

// layoutTokens returns the tokens of a non-zero code.
func layoutTokens(code uint16) string { return layoutKeys[code][1:] }

// layoutCode returns the code for the tokens of an object of type typ as
// decoded, or 0 when they are the default order: typed members in field
// table order (Record with insightDetails: the Insights order) and Unknown
// members after them. It is also 0 for more than maxTokens tokens (after
// dropping trailing Unknown ones). scratch is reused for the key.
func layoutCode(typ uint8, toks []uint8, scratch *[]byte) uint16 {
	for len(toks) > 0 && toks[len(toks)-1] == tokUnknown {
		toks = toks[:len(toks)-1]
	}
	var ranks []uint8
	if typ == layRecord {
		for _, t := range toks {
			if t == recordInsightDetails {
				ranks = recordInsightRanks
				break
			}
		}
	}
	def := true
	last := -1
	for _, t := range toks {
		if t == tokUnknown {
			def = false
			break
		}
		r := int(t)
		if ranks != nil {
			r = int(ranks[t])
		}
		if r <= last {
			def = false
			break
		}
		last = r
	}
	if def {
		return 0
	}
	if len(toks) > maxTokens {
		return 0
	}
	key := append(append((*scratch)[:0], typ), toks...)
	*scratch = key
	return internLayout(key)
}

// layoutCode is layoutCode with a memo of the last code per type: the
// objects of one file mostly repeat their order.
func (d *decoder) layoutCode(typ uint8, toks []uint8) uint16 {
	m := &d.layMemo[typ]
	if m.n == len(toks) && string(m.toks[:m.n]) == string(toks) {
		return m.code
	}
	code := layoutCode(typ, toks, &d.lkey)
	if len(toks) <= len(m.toks) && (code != 0 || !layoutsCrowded()) {
		m.n = copy(m.toks[:], toks)
		m.code = code
	}
	return code
}

// laidOut is an object the encoder can write member by member.
type laidOut interface {
	appendField(dst []byte, i int) []byte
}

// appendLaidOut writes the members of x (an object of nf fields with
// Unknown members unknown) in the order of layout code: each token's
// member where it stood, then fields set since decoding in field order,
// then the remaining Unknown members.
func appendLaidOut(dst []byte, x laidOut, code uint16, unknown Members, nf int) []byte {
	var done [4]uint64
	uk := 0
	toks := layoutTokens(code)
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t == tokUnknown {
			if uk < len(unknown) {
				dst = appendMembers(dst, unknown[uk:uk+1])
				uk++
			}
			continue
		}
		if done[t>>6]&(1<<(t&63)) != 0 || int(t) >= nf {
			continue
		}
		done[t>>6] |= 1 << (t & 63)
		dst = x.appendField(dst, int(t))
	}
	for i := 0; i < nf; i++ {
		if done[i>>6]&(1<<(i&63)) == 0 {
			dst = x.appendField(dst, i)
		}
	}
	return appendMembers(dst, unknown[uk:])
}

// fieldSet is a set of field indices (a layout token is below 255).
type fieldSet [4]uint64

func (s *fieldSet) add(i int)      { s[i>>6] |= 1 << (uint(i) & 63) }
func (s *fieldSet) del(i int)      { s[i>>6] &^= 1 << (uint(i) & 63) }
func (s *fieldSet) has(i int) bool { return s[i>>6]&(1<<(uint(i)&63)) != 0 }
func (s *fieldSet) empty() bool    { return s[0]|s[1]|s[2]|s[3] == 0 }
