package event

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"math/bits"
	"strconv"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/trailkit/trailkit/event/internal/alias"
)

// maxDepth bounds the nesting of objects and arrays, as encoding/json does,
// so hostile input cannot exhaust the stack.
const maxDepth = 10000

// decoder is a hand-written, reflection-free JSON reader specialised for
// records. It works on the whole input at once.
type decoder struct {
	data  []byte
	pos   int
	depth int
	buf   []byte  // scratch for unescaping strings
	toks  []uint8 // layout tokens of the objects being decoded
	lkey  []byte  // scratch for layout keys
	// tokArr and keyArr back toks and lkey: enough for the objects of a
	// real record without growing.
	tokArr [128]uint8
	keyArr [64]byte

	// arena holds the bytes of the values a record keeps (strings and raw
	// members), copied from data one after the other, so that a record
	// costs a few allocations instead of one per value, and only its
	// values are copied, not its keys and punctuation. The ranges handed
	// out are disjoint (strings through alias.String, raw values as
	// capacity-capped slices) and below len(arena), and nothing writes
	// below len(arena) again, so the strings stay immutable even if a user
	// modifies a raw member in place. A chunk is shared by the records
	// decoded one after another with this decoder (at most arenaChunk
	// bytes): the price is that a record kept alone keeps its chunk alive.
	arena []byte
	// next predicts keys (see members): next[typ][i] is 1 + the index of
	// the field that followed field i (or, for i = the number of fields,
	// came first) in the last object of layout type typ, or 0.
	next [len(fieldKeys)][maxFields + 1]uint8
	// layMemo remembers, per layout type, the tokens and code of the last
	// object that was not in the default order (see layoutCode).
	layMemo [len(fieldKeys)]struct {
		n    int
		toks [64]uint8
		code uint16
	}
	// recent caches short string values recently decoded by str, by hash
	// of their bytes (see intern).
	recent [1 << recentBits]string
	// idb and ssb hold the nested objects that most records have (see
	// identityBlock); used marks the parts handed out.
	idb  *identityBlock
	ssb  *sessionBlock
	used uint8
}

// decoders are reused: a decoder escapes to the heap (the typed objects
// reach it through an interface), and reusing it saves an allocation and
// its zeroing per record.
var decoders = sync.Pool{New: func() any { return new(decoder) }}

// getDecoder returns a decoder reading data. The record it decodes does
// not alias data.
func getDecoder(data []byte) *decoder {
	d := decoders.Get().(*decoder)
	d.data = data
	d.toks, d.lkey = d.tokArr[:0], d.keyArr[:0]
	return d
}

// putDecoder returns d to the pool without references to a record.
func putDecoder(d *decoder) {
	if cap(d.buf) > 64<<10 {
		d.buf = nil // do not keep a huge unescaping buffer
	}
	if cap(d.toks) > len(d.tokArr) || cap(d.lkey) > len(d.keyArr) {
		d.toks, d.lkey = nil, nil
	}
	d.data, d.pos, d.depth, d.idb, d.ssb, d.used = nil, 0, 0, nil, nil, 0
	decoders.Put(d)
}

// recentBits is log2 of the number of cached recent strings.
const recentBits = 10

// arenaChunk is the size of an arena chunk; a value longer than a quarter
// of it gets an allocation of its own.
const arenaChunk = 8 << 10

// save returns a copy of b in the arena, with its capacity capped.
func (d *decoder) save(b []byte) []byte {
	if len(b) > cap(d.arena)-len(d.arena) {
		if len(b) > arenaChunk/4 {
			return append([]byte(nil), b...)[:len(b):len(b)]
		}
		d.arena = make([]byte, 0, arenaChunk)
	}
	start := len(d.arena)
	d.arena = append(d.arena, b...)
	return d.arena[start:len(d.arena):len(d.arena)]
}

// text returns d.data[start:end] as a string the record can keep.
func (d *decoder) text(start, end int) string {
	if start == end {
		return ""
	}
	return alias.String(d.save(d.data[start:end]))
}

// keep returns d.data[start:end] as a raw value that is the record's own.
func (d *decoder) keep(start, end int) []byte {
	return d.save(d.data[start:end])
}

// identityBlock and sessionBlock hold the nested objects that most
// records have, so that they cost one allocation each: every real record
// has a userIdentity and most a readOnly or managementEvent flag; a third
// have a sessionContext, nearly always with its issuer and attributes.
// Rarer objects (webIdFederationData, tlsDetails, …) are allocated alone, so
// a record does not carry memory for members it lacks. A record's pointers
// into a block keep all of that block alive.
type identityBlock struct {
	userIdentity UserIdentity
	bools        [2]bool
}

type sessionBlock struct {
	sessionContext SessionContext
	sessionIssuer  SessionIssuer
	attributes     SessionAttributes
}

const (
	usedUserIdentity = 1 << iota
	usedBool0
	usedBool1
	usedSessionContext
	usedSessionIssuer
	usedAttributes
)

// identity returns the identity block if its part marked by bit is free.
func (d *decoder) identity(bit uint8) *identityBlock {
	if d.used&bit != 0 {
		return nil
	}
	if d.idb == nil {
		d.idb = new(identityBlock)
	}
	d.used |= bit
	return d.idb
}

// session returns the session block if its part marked by bit is free.
func (d *decoder) session(bit uint8) *sessionBlock {
	if d.used&bit != 0 {
		return nil
	}
	if d.ssb == nil {
		d.ssb = new(sessionBlock)
	}
	d.used |= bit
	return d.ssb
}

func (d *decoder) newUserIdentity() *UserIdentity {
	if b := d.identity(usedUserIdentity); b != nil {
		return &b.userIdentity
	}
	return new(UserIdentity)
}

func (d *decoder) newSessionContext() *SessionContext {
	if b := d.session(usedSessionContext); b != nil {
		return &b.sessionContext
	}
	return new(SessionContext)
}

func (d *decoder) newSessionIssuer() *SessionIssuer {
	if b := d.session(usedSessionIssuer); b != nil {
		return &b.sessionIssuer
	}
	return new(SessionIssuer)
}

func (d *decoder) newWebIDFederationData() *WebIDFederationData {
	return new(WebIDFederationData)
}

func (d *decoder) newSessionAttributes() *SessionAttributes {
	if b := d.session(usedAttributes); b != nil {
		return &b.attributes
	}
	return new(SessionAttributes)
}

func (d *decoder) newTLSDetails() *TLSDetails { return new(TLSDetails) }

func (d *decoder) newBool() *bool {
	if b := d.identity(usedBool0); b != nil {
		return &b.bools[0]
	}
	if b := d.identity(usedBool1); b != nil {
		return &b.bools[1]
	}
	return new(bool)
}

// objectFields is implemented by every typed object of the record model.
type objectFields interface {
	// decodeField decodes the value at d.pos into field i and reports
	// whether the field took the value. When ok is false the caller
	// rewinds and keeps the member in Unknown. The field is reset to its
	// zero value before anything else, so a later duplicate key wins.
	decodeField(d *decoder, i int) (ok bool, err error)
	// fieldIndex returns the index of the field named key, or -1.
	fieldIndex(key []byte) int
	// unknownMembers returns the object's Unknown list.
	unknownMembers() *Members
	// layoutOf returns the object's layout type and its layout code.
	layoutOf() (typ uint8, code *uint16)
}

func (d *decoder) syntaxError(msg string) error {
	return &SyntaxError{Offset: int64(d.pos), Msg: msg}
}

func (d *decoder) unexpected(context string) error {
	if d.pos >= len(d.data) {
		return d.syntaxError("unexpected end of input " + context)
	}
	return d.syntaxError("invalid character " + quoteChar(d.data[d.pos]) + " " + context)
}

func quoteChar(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	s := strconv.Quote(string(rune(c)))
	if c >= utf8.RuneSelf {
		s = `"\x` + strconv.FormatUint(uint64(c), 16) + `"`
	}
	return "'" + s[1:len(s)-1] + "'"
}

// skipWS advances past JSON whitespace and returns the next byte, or 0 at
// the end of input (check d.pos to tell a NUL byte from the end). Every
// byte above ' ' ends the whitespace: compact input takes the first test.
func (d *decoder) skipWS() byte {
	if d.pos < len(d.data) {
		if c := d.data[d.pos]; c > ' ' {
			return c
		}
	}
	return d.skipWSSlow()
}

func (d *decoder) skipWSSlow() byte {
	for d.pos < len(d.data) {
		switch c := d.data[d.pos]; c {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return c
		}
	}
	return 0
}

// record decodes a whole input holding one record.
func (d *decoder) record(r *Record) error {
	if c := d.skipWS(); c != '{' || d.pos >= len(d.data) {
		if d.pos >= len(d.data) {
			return d.syntaxError("unexpected end of input: a record is a JSON object")
		}
		return d.syntaxError("a record is a JSON object; found " + quoteChar(c))
	}
	if err := d.members(r.decodeField, r.fieldIndex, &r.Unknown, layRecord, &r.layout); err != nil {
		return err
	}
	d.skipWS()
	if d.pos < len(d.data) {
		return d.syntaxError("invalid character " + quoteChar(d.data[d.pos]) + " after top-level value")
	}
	return nil
}

// object decodes the object at d.pos (which holds '{') into o.
func (d *decoder) object(o objectFields) error {
	typ, code := o.layoutOf()
	return d.members(o.decodeField, o.fieldIndex, o.unknownMembers(), typ, code)
}

// members decodes the object at d.pos (which holds '{'): decode and index
// are the object's decodeField and fieldIndex, u its Unknown list, typ and
// lay its layout type and code. Taking method values instead of an
// interface lets a caller's *Record stay on its stack.
//
// Keys are predicted: the decoder remembers, per object type, which member
// followed each member the last time (records of one era and kind repeat
// their order), and compares the input with the predicted name before
// scanning and looking up the key.
func (d *decoder) members(decode func(*decoder, int) (bool, error), index func([]byte) int, u *Members, typ uint8, lay *uint16) error {
	d.depth++
	if d.depth > maxDepth {
		return d.syntaxError("exceeded max depth")
	}
	d.pos++
	*lay = 0
	var okSet, seen fieldSet
	// The layout: field index or tokUnknown per member, on d.toks from
	// base (a stack shared with the objects nested in this one).
	base := len(d.toks)
	dup, typedUnknown := false, false
	data := d.data // never changes while decoding; d.pos does
	keys := fieldKeys[typ]
	next := &d.next[typ]
	prev := len(keys) // before the first member
	c := d.skipWS()
	if c == '}' {
		d.pos++
		d.depth--
		return nil
	}
	for {
		if c != '"' { // also at the end of input, where c is 0
			return d.unexpected("looking for beginning of object key string")
		}
		keyStart := d.pos + 1
		keyEnd := -1 // the key is d.data[keyStart:keyEnd] unless escaped
		var escaped []byte
		idx := -1
		if p := int(next[prev]) - 1; p >= 0 {
			k := keys[p]
			if e := keyStart + len(k); e < len(data) && data[e] == '"' && string(data[keyStart:e]) == k {
				idx, keyEnd, d.pos = p, e, e+1
			}
		}
		if keyEnd < 0 {
			key, aliased, err := d.key()
			if err != nil {
				return err
			}
			if keyEnd = d.pos - 1; !aliased {
				escaped = key
			}
			if idx = index(key); idx >= 0 {
				next[prev] = uint8(idx + 1)
			}
		}
		pos := d.pos
		if pos < len(data) && data[pos] == ':' {
			pos++
		} else if d.skipWS() == ':' {
			pos = d.pos + 1
		} else {
			return d.unexpected("after object key")
		}
		// The value: in compact input it starts right here.
		if pos >= len(data) || data[pos] <= ' ' {
			d.pos = pos
			d.skipWS()
			pos = d.pos
		}
		if pos >= len(data) || data[pos] == '}' || data[pos] == ',' || data[pos] == ']' {
			d.pos = pos
			return d.unexpected("looking for beginning of value")
		}
		d.pos = pos
		start := pos
		tok := uint8(tokUnknown)
		if idx >= 0 {
			ok, err := decode(d, idx)
			if err != nil {
				return err
			}
			if seen.has(idx) {
				dup = true
			}
			seen.add(idx)
			prev = idx
			if ok {
				okSet.add(idx)
				tok = uint8(idx)
			} else {
				okSet.del(idx)
				typedUnknown = true
			}
		}
		if tok == tokUnknown {
			d.pos = start
			if err := d.skipValue(); err != nil {
				return err
			}
			ks := string(escaped)
			if escaped == nil {
				ks = d.text(keyStart, keyEnd)
			}
			*u = append(*u, Member{Key: ks, Value: d.keep(start, d.pos)})
		}
		d.toks = append(d.toks, tok)
		if pos := d.pos; pos+1 < len(data) && data[pos] == ',' && data[pos+1] == '"' {
			d.pos, c = pos+1, '"' // compact input: the next key
			continue
		}
		if c = d.skipWS(); c == ',' {
			d.pos++
			c = d.skipWS()
			continue
		}
		if c != '}' {
			return d.unexpected("after object key:value pair")
		}
		d.pos++
		break
	}
	if len(*u) > 1 || (typedUnknown && !okSet.empty()) {
		n := len(*u)
		dedupeMembers(u, index, &okSet, typedUnknown)
		if len(*u) != n {
			dup = true
		}
	}
	if !dup {
		*lay = d.layoutCode(typ, d.toks[base:])
	}
	d.toks = d.toks[:base]
	d.depth--
	return nil
}

// dedupeMembers applies "the last duplicate key wins" to the Unknown list:
// it drops a member whose key a later Unknown member repeats, and a member
// whose key belongs to a typed field that took a later value (okSet).
func dedupeMembers(u *Members, index func([]byte) int, okSet *fieldSet, typedUnknown bool) {
	m := *u
	keep := m[:0]
	var later map[string]int // last index of each key, for long lists
	if len(m) > 16 {
		later = make(map[string]int, len(m))
		for i, x := range m {
			later[x.Key] = i
		}
	}
	for i, x := range m {
		if typedUnknown && !okSet.empty() {
			if idx := index([]byte(x.Key)); idx >= 0 && okSet.has(idx) {
				continue
			}
		}
		dup := false
		if later != nil {
			dup = later[x.Key] != i
		} else {
			for _, y := range m[i+1:] {
				if y.Key == x.Key {
					dup = true
					break
				}
			}
		}
		if !dup {
			keep = append(keep, x)
		}
	}
	clear(m[len(keep):])
	if len(keep) == 0 {
		keep = nil
	}
	*u = keep
}

// key reads the object key at d.pos (which holds '"'). The result aliases
// d.data (aliased is true) when the key is plain ASCII without escapes;
// otherwise it is a fresh slice.
func (d *decoder) key() (key []byte, aliased bool, err error) {
	start := d.pos + 1
	if i, ok := plainEnd(d.data, start); ok {
		d.pos = i + 1
		return d.data[start:i], true, nil
	}
	b, err := d.unescape()
	if err != nil {
		return nil, false, err
	}
	return bytes.Clone(b), false, nil
}

// str reads the string at d.pos (which holds '"').
func (d *decoder) string() (string, error) {
	start := d.pos + 1
	if i, ok := plainEnd(d.data, start); ok {
		d.pos = i + 1
		return d.text(start, i), nil
	}
	b, err := d.unescape()
	if err != nil || len(b) == 0 {
		return "", err
	}
	return alias.String(d.save(b)), nil
}

// stringStop returns the index of the first byte at or after i that ends
// the plain ASCII run of a string: '"', '\\', a control byte or a byte of
// 0x80 and above (len(data) if none). It tests eight bytes at a time
// (SWAR): for each byte b of x, bit 7 of x-k*lsb is set when b < k or
// b >= 0x80+k, exactly for the lowest byte below k (a borrow can only flag
// bytes above it); "b == c" is "b^c < 1", and every byte of 0x80 and above
// stops the run anyway, which makes the other flags of x-k*lsb harmless.
func stringStop(data []byte, i int) int {
	// The constants come from memory: as literals the compiler would
	// rematerialise each 64-bit immediate in every iteration.
	quotes, backslashes, spaces, ones, highs := swar[0], swar[1], swar[2], swar[3], swar[4]
	for ; i <= len(data)-8; i += 8 {
		x := binary.LittleEndian.Uint64(data[i:])
		if m := (x | (x - spaces) | ((x ^ quotes) - ones) | ((x ^ backslashes) - ones)) & highs; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(data); i++ {
		if c := data[i]; c == '"' || c == '\\' || c < 0x20 || c >= 0x80 {
			break
		}
	}
	return i
}

// swar holds stringStop's constants: '"', '\\', ' ', 1 and 0x80 in every
// byte.
var swar = [5]uint64{0x2222222222222222, 0x5c5c5c5c5c5c5c5c, 0x2020202020202020, 0x0101010101010101, 0x8080808080808080}

// plainEnd returns the index of the quote that ends the string whose
// contents start at data[start], and true, when the string has no escapes
// or control bytes and is valid UTF-8: then its value is data[start:end].
// Otherwise it returns false (the index is of no use).
func plainEnd(data []byte, start int) (end int, ok bool) {
	i := stringStop(data, start)
	if i < len(data) && data[i] == '"' {
		return i, true
	}
	ascii := true
	for i < len(data) && data[i] >= 0x80 {
		ascii = false
		i = stringStop(data, i+1)
	}
	return i, i < len(data) && data[i] == '"' && (ascii || utf8.Valid(data[start:i]))
}

// transientString reads the string at d.pos (which holds '"') and returns
// its contents, valid only until the decoder reads another string: the
// caller must not keep it.
func (d *decoder) transientString() ([]byte, error) {
	start := d.pos + 1
	if i, ok := plainEnd(d.data, start); ok {
		d.pos = i + 1
		return d.data[start:i], nil
	}
	return d.unescape()
}

// unescape reads a string with escapes or non-ASCII bytes into d.buf and
// returns its contents (valid until the next call). Invalid UTF-8 and
// unpaired surrogate escapes become U+FFFD, as in encoding/json.
func (d *decoder) unescape() ([]byte, error) {
	b := d.buf[:0]
	i := d.pos + 1
	for {
		if i >= len(d.data) {
			d.pos = i
			return nil, d.syntaxError("unexpected end of input in string literal")
		}
		c := d.data[i]
		switch {
		case c == '"':
			d.pos = i + 1
			d.buf = b
			return b, nil
		case c == '\\':
			if i+1 >= len(d.data) {
				d.pos = i + 1
				return nil, d.syntaxError("unexpected end of input in string escape code")
			}
			e := d.data[i+1]
			switch e {
			case '"', '\\', '/':
				b = append(b, e)
				i += 2
			case 'b':
				b = append(b, '\b')
				i += 2
			case 'f':
				b = append(b, '\f')
				i += 2
			case 'n':
				b = append(b, '\n')
				i += 2
			case 'r':
				b = append(b, '\r')
				i += 2
			case 't':
				b = append(b, '\t')
				i += 2
			case 'u':
				r1, ok := hex4(d.data, i+2)
				if !ok {
					d.pos = i + 2
					return nil, d.syntaxError("invalid \\u escape in string literal")
				}
				i += 6
				if utf16.IsSurrogate(r1) {
					// A high surrogate followed by an escaped low one is
					// one character; anything else is U+FFFD.
					if i+1 < len(d.data) && d.data[i] == '\\' && d.data[i+1] == 'u' {
						if r2, ok := hex4(d.data, i+2); ok {
							if dec := utf16.DecodeRune(r1, r2); dec != utf8.RuneError {
								b = utf8.AppendRune(b, dec)
								i += 6
								continue
							}
						}
					}
					r1 = utf8.RuneError
				}
				b = utf8.AppendRune(b, r1)
			default:
				d.pos = i + 1
				return nil, d.syntaxError("invalid character " + quoteChar(e) + " in string escape code")
			}
		case c < 0x20:
			d.pos = i
			return nil, d.syntaxError("invalid control character " + quoteChar(c) + " in string literal")
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRune(d.data[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, "\uFFFD"...)
			} else {
				b = append(b, d.data[i:i+size]...)
			}
			i += size
		}
	}
}

// hex4 decodes the four hex digits at data[i:].
func hex4(data []byte, i int) (rune, bool) {
	if i+4 > len(data) {
		return 0, false
	}
	var r rune
	for _, c := range data[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// skipValue advances past one JSON value, checking its syntax.
func (d *decoder) skipValue() error {
	if d.pos >= len(d.data) {
		return d.syntaxError("unexpected end of input looking for beginning of value")
	}
	switch c := d.data[d.pos]; c {
	case '{':
		d.depth++
		if d.depth > maxDepth {
			return d.syntaxError("exceeded max depth")
		}
		d.pos++
		c := d.skipWS()
		if c == '}' {
			d.pos++
			d.depth--
			return nil
		}
		for {
			if c != '"' || d.pos >= len(d.data) {
				return d.unexpected("looking for beginning of object key string")
			}
			if err := d.skipString(); err != nil {
				return err
			}
			if d.skipWS() != ':' {
				return d.unexpected("after object key")
			}
			d.pos++
			d.skipWS()
			if err := d.skipValue(); err != nil {
				return err
			}
			switch d.skipWS() {
			case ',':
				d.pos++
				c = d.skipWS()
				continue
			case '}':
				d.pos++
				d.depth--
				return nil
			}
			return d.unexpected("after object key:value pair")
		}
	case '[':
		d.depth++
		if d.depth > maxDepth {
			return d.syntaxError("exceeded max depth")
		}
		d.pos++
		if d.skipWS() == ']' {
			d.pos++
			d.depth--
			return nil
		}
		for {
			if err := d.skipValue(); err != nil {
				return err
			}
			switch d.skipWS() {
			case ',':
				d.pos++
				d.skipWS()
				continue
			case ']':
				d.pos++
				d.depth--
				return nil
			}
			return d.unexpected("after array element")
		}
	case '"':
		return d.skipString()
	case 't':
		return d.literal("true")
	case 'f':
		return d.literal("false")
	case 'n':
		return d.literal("null")
	default:
		if c == '-' || ('0' <= c && c <= '9') {
			_, err := d.number()
			return err
		}
		return d.unexpected("looking for beginning of value")
	}
}

func (d *decoder) literal(lit string) error {
	if end := d.pos + len(lit); end <= len(d.data) && string(d.data[d.pos:end]) == lit {
		d.pos = end
		return nil
	}
	for i := 0; i < len(lit); i++ {
		if d.pos >= len(d.data) || d.data[d.pos] != lit[i] {
			return d.unexpected("in literal " + lit + " (expecting " + quoteChar(lit[i]) + ")")
		}
		d.pos++
	}
	return nil
}

// skipString advances past the string at d.pos, checking escapes and
// control characters. Invalid UTF-8 is accepted (as by encoding/json).
func (d *decoder) skipString() error {
	i := d.pos + 1
	for {
		i = stringStop(d.data, i)
		if i >= len(d.data) {
			break
		}
		c := d.data[i]
		switch {
		case c >= 0x80: // any byte: encoding/json accepts invalid UTF-8 here
			i++
		case c == '"':
			d.pos = i + 1
			return nil
		case c == '\\':
			if i+1 >= len(d.data) {
				d.pos = i + 1
				return d.syntaxError("unexpected end of input in string escape code")
			}
			switch e := d.data[i+1]; e {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if _, ok := hex4(d.data, i+2); !ok {
					d.pos = i + 2
					return d.syntaxError("invalid \\u escape in string literal")
				}
				i += 6
			default:
				d.pos = i + 1
				return d.syntaxError("invalid character " + quoteChar(e) + " in string escape code")
			}
		default: // c < 0x20
			d.pos = i
			return d.syntaxError("invalid control character " + quoteChar(c) + " in string literal")
		}
	}
	d.pos = i
	return d.syntaxError("unexpected end of input in string literal")
}

// number advances past the number at d.pos and returns its text, checking
// the JSON grammar -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func (d *decoder) number() ([]byte, error) {
	start := d.pos
	i := d.pos
	if i < len(d.data) && d.data[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(d.data) && '0' <= d.data[i] && d.data[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(d.data) && d.data[i] == '0' {
		i++
	} else if digits() == 0 {
		d.pos = i
		return nil, d.unexpected("in numeric literal")
	}
	if i < len(d.data) && d.data[i] == '.' {
		i++
		if digits() == 0 {
			d.pos = i
			return nil, d.unexpected("after decimal point in numeric literal")
		}
	}
	if i < len(d.data) && (d.data[i] == 'e' || d.data[i] == 'E') {
		i++
		if i < len(d.data) && (d.data[i] == '+' || d.data[i] == '-') {
			i++
		}
		if digits() == 0 {
			d.pos = i
			return nil, d.unexpected("in exponent of numeric literal")
		}
	}
	d.pos = i
	return d.data[start:i], nil
}

// Typed field readers. Each resets the field, then reports whether the value
// at d.pos has a JSON type (and form) the field can hold. A field is reset
// only when set: the nested objects are on the heap, where even storing nil
// costs a write barrier while the GC marks.

// str reads a string member whose values often repeat from record to
// record (eventSource, awsRegion, arn, userAgent, …): a short value is
// looked up in the decoder's cache of recent values and shares its memory
// with the records that had it before.
func (d *decoder) str(p *string) (bool, error) {
	if *p != "" {
		*p = ""
	}
	if d.data[d.pos] != '"' {
		return false, nil
	}
	start := d.pos + 1
	i := stringStop(d.data, start)
	if i >= len(d.data) || d.data[i] != '"' {
		s, err := d.string()
		if err != nil || s == "" {
			return false, err
		}
		*p = s
		return true, nil
	}
	d.pos = i + 1
	if i == start {
		return false, nil
	}
	*p = d.intern(d.data[start:i])
	return true, nil
}

// uniqueStr reads a string member whose values seldom repeat (ids).
func (d *decoder) uniqueStr(p *string) (bool, error) {
	if *p != "" {
		*p = ""
	}
	if d.data[d.pos] != '"' {
		return false, nil
	}
	s, err := d.string()
	if err != nil || s == "" {
		return false, err
	}
	*p = s
	return true, nil
}

// maxInterned is the length up to which str looks values up in the cache.
const maxInterned = 128

// intern returns b as a string: the cached one if the cache holds b,
// otherwise a new one that replaces the cache's entry. Cached strings are
// allocations of their own, never arena chunks, so that a record sharing
// one keeps nothing else alive.
func (d *decoder) intern(b []byte) string {
	n := len(b)
	if n > maxInterned {
		return alias.String(d.save(b))
	}
	// Hash the length, the first, middle and last 8 bytes; the full
	// comparison below settles the rest.
	var x uint64
	if n >= 8 {
		x = binary.LittleEndian.Uint64(b) ^ bits.RotateLeft64(binary.LittleEndian.Uint64(b[n-8:]), 29) ^
			bits.RotateLeft64(binary.LittleEndian.Uint64(b[n/2-4:]), 47)
	} else {
		for _, c := range b {
			x = x<<8 | uint64(c)
		}
	}
	x = (x ^ uint64(n)) * 0x9E3779B97F4A7C15
	e := &d.recent[x>>(64-recentBits)]
	if *e == string(b) {
		return *e
	}
	s := string(b)
	*e = s
	return s
}

func (d *decoder) raw(p *json.RawMessage) (bool, error) {
	if *p != nil {
		*p = nil
	}
	start := d.pos
	if err := d.skipValue(); err != nil {
		return false, err
	}
	*p = d.keep(start, d.pos)
	return true, nil
}

func (d *decoder) boolean(p **bool) (bool, error) {
	if *p != nil {
		*p = nil
	}
	var v bool
	switch d.data[d.pos] {
	case 't':
		if err := d.literal("true"); err != nil {
			return false, err
		}
		v = true
	case 'f':
		if err := d.literal("false"); err != nil {
			return false, err
		}
	default:
		return false, nil
	}
	b := d.newBool()
	*b = v
	*p = b
	return true, nil
}

func (d *decoder) eventTime(p *time.Time) (bool, error) {
	*p = time.Time{}
	if d.data[d.pos] != '"' {
		return false, nil
	}
	s, err := d.transientString()
	if err != nil {
		return false, err
	}
	t, ok := parseTimeLayout(s)
	if !ok {
		// Real logs hold "redacted" and "..." here: not an error, the
		// member stays verbatim in Unknown.
		if t, err = time.Parse(time.RFC3339Nano, string(s)); err != nil {
			return false, nil
		}
		t = t.UTC()
	}
	if t.IsZero() || t.Year() < 0 || t.Year() > 9999 {
		// The zero time means "absent", and an offset can carry the UTC
		// year out of what the layout can write: keep the member verbatim.
		return false, nil
	}
	*p = t
	return true, nil
}

// parseTimeLayout is a fast path for TimeLayout.
func parseTimeLayout(s []byte) (time.Time, bool) {
	if len(s) != len(TimeLayout) || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
		s[13] != ':' || s[16] != ':' || s[19] != 'Z' {
		return time.Time{}, false
	}
	num := func(i, n int) int {
		v := 0
		for _, c := range s[i : i+n] {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	year, month, day := num(0, 4), num(5, 2), num(8, 2)
	hour, minute, sec := num(11, 2), num(14, 2), num(17, 2)
	if year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 ||
		minute < 0 || minute > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	if day > daysIn(time.Month(month), year) {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC), true
}

func daysIn(m time.Month, year int) int {
	switch m {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// average reads a JSON number into *f. When the number's text is not what
// the encoder would write for the value (8.82145e-05, 2.0), the text is kept
// in *text so the encoder can write it back unchanged.
func (d *decoder) average(f *float64, text *string) (bool, error) {
	*f, *text = 0, ""
	c := d.data[d.pos]
	if c != '-' && (c < '0' || c > '9') {
		return false, nil
	}
	num, err := d.number()
	if err != nil {
		return false, err
	}
	v, err := strconv.ParseFloat(string(num), 64)
	if err != nil || math.IsInf(v, 0) {
		return false, nil // out of float64 range: keep it verbatim in Unknown
	}
	*f = v
	var tmp [32]byte
	if string(strconv.AppendFloat(tmp[:0], v, 'f', -1, 64)) != string(num) {
		*text = string(num)
	}
	return true, nil
}

// minutes reads a JSON integer in canonical form (no fraction, exponent or
// "-0") that fits in int64.
func (d *decoder) minutes(p **int64) (bool, error) {
	if *p != nil {
		*p = nil
	}
	c := d.data[d.pos]
	if c != '-' && (c < '0' || c > '9') {
		return false, nil
	}
	num, err := d.number()
	if err != nil {
		return false, err
	}
	v, err := strconv.ParseInt(string(num), 10, 64)
	if err != nil {
		return false, nil
	}
	var tmp [24]byte
	if string(strconv.AppendInt(tmp[:0], v, 10)) != string(num) {
		return false, nil
	}
	*p = &v
	return true, nil
}

// obj decodes an object into a fresh *T.
func obj[T any, PT interface {
	*T
	objectFields
}](d *decoder, p *PT) (bool, error) {
	return objFrom(d, p, func() PT { return new(T) })
}

// objFrom is obj with the object's memory from alloc.
func objFrom[T any, PT interface {
	*T
	objectFields
}](d *decoder, p *PT, alloc func() PT) (bool, error) {
	if *p != nil {
		*p = nil
	}
	if d.data[d.pos] != '{' {
		return false, nil
	}
	v := alloc()
	if err := d.object(v); err != nil {
		return false, err
	}
	*p = v
	return true, nil
}

// array decodes an array of objects into *p. Any element that is not an
// object makes the whole array unfit for the field.
func array[T any, PT interface {
	*T
	objectFields
}](d *decoder, p *[]T) (bool, error) {
	if *p != nil {
		*p = nil
	}
	if d.data[d.pos] != '[' {
		return false, nil
	}
	d.depth++
	if d.depth > maxDepth {
		return false, d.syntaxError("exceeded max depth")
	}
	d.pos++
	var s []T
	c := d.skipWS()
	if c == ']' {
		d.pos++
		d.depth--
		*p = []T{} // non-nil: [] is kept distinct from absent
		return true, nil
	}
	for {
		if c != '{' || d.pos >= len(d.data) {
			d.depth--
			return false, nil
		}
		s = append(s, *new(T))
		if err := d.object(PT(&s[len(s)-1])); err != nil {
			return false, err
		}
		switch d.skipWS() {
		case ',':
			d.pos++
			c = d.skipWS()
			continue
		case ']':
			d.pos++
			d.depth--
			*p = s
			return true, nil
		}
		return false, d.unexpected("after array element")
	}
}
