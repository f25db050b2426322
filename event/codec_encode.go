package event

import (
	"encoding/json"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// The encoder writes each object's members as `,"key":value` and then turns
// the first comma into the opening brace (or writes {} when nothing was
// written), so no member needs a "first" flag.

// closeObject finishes an object whose members start at dst[start:].
func closeObject(dst []byte, start int) []byte {
	if len(dst) == start {
		return append(dst, '{', '}')
	}
	dst[start] = '{'
	return append(dst, '}')
}

func appendStr(dst []byte, key, s string) []byte {
	if s == "" {
		return dst
	}
	dst = append(dst, key...)
	return appendString(dst, s)
}

func appendRaw(dst []byte, key string, raw json.RawMessage) []byte {
	if len(raw) == 0 {
		return dst
	}
	dst = append(dst, key...)
	return append(dst, raw...)
}

func appendBool(dst []byte, key string, b *bool) []byte {
	if b == nil {
		return dst
	}
	dst = append(dst, key...)
	if *b {
		return append(dst, "true"...)
	}
	return append(dst, "false"...)
}

func appendMembers(dst []byte, m Members) []byte {
	for _, x := range m {
		if len(x.Value) == 0 {
			continue
		}
		dst = append(dst, ',')
		dst = appendString(dst, x.Key)
		dst = append(dst, ':')
		dst = append(dst, x.Value...)
	}
	return dst
}

// An Average or AttributionValue always has its "average" member: Average
// has no absent state, so 0 is written for {} (the model cannot tell the
// two apart). The one exception is an "average" the decoder could not hold
// (a string, 1e400), kept in Unknown: it is written instead of the field.

// appendNumber writes f in plain decimal notation (strconv 'f', -1: never an
// exponent), or text, the number as it was read, when text still denotes f.
// NaN and infinities, which JSON cannot carry, are written as null.
func appendNumber(dst []byte, f float64, text string) []byte {
	if text != "" {
		if v, err := strconv.ParseFloat(text, 64); err == nil && v == f && math.Signbit(v) == math.Signbit(f) {
			return append(dst, text...)
		}
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	return strconv.AppendFloat(dst, f, 'f', -1, 64)
}

// appendEventTime writes t in UTC: as TimeLayout when it is a whole second,
// else as RFC 3339 with the shortest fraction (so nothing is lost; Validate
// reports such a record). The zero time is absent.
func appendEventTime(dst []byte, key string, t time.Time) []byte {
	if t.IsZero() {
		return dst
	}
	dst = append(dst, key...)
	dst = append(dst, '"')
	t = t.UTC()
	year, month, day := t.Date()
	if t.Nanosecond() != 0 || year < 0 || year > 9999 {
		dst = t.AppendFormat(dst, time.RFC3339Nano)
		return append(dst, '"')
	}
	hour, minute, sec := t.Clock()
	dst = append(dst,
		byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-',
		byte('0'+month/10), byte('0'+month%10), '-',
		byte('0'+day/10), byte('0'+day%10), 'T',
		byte('0'+hour/10), byte('0'+hour%10), ':',
		byte('0'+minute/10), byte('0'+minute%10), ':',
		byte('0'+sec/10), byte('0'+sec%10), 'Z', '"')
	return dst
}

const hexDigits = "0123456789abcdef"

// safe[c] is true for the ASCII bytes that need no escaping in a JSON
// string written the way CloudTrail writes it.
var safe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && !htmlByte(byte(c))
	}
	return t
}()

// htmlByte reports whether c is one of the five characters Gson's
// HTML-safe mode escapes: ' = & < >.
func htmlByte(c byte) bool {
	return c == '\'' || c == '=' || c == '&' || c == '<' || c == '>'
}

// flagged returns, in bit 7 of each byte, which bytes of the eight in x
// need attention in a string: a control byte, '"', '\\', one of the five
// HTML characters, or a byte >= 0x80. (SWAR: a byte b of x is flagged in
// bit 7 of (x-k)&^x when b < k, and b == c is b^c < 1.)
func flagged(x uint64) uint64 {
	const lsb, msb = 0x0101010101010101, 0x8080808080808080
	q := x ^ (lsb * '"')
	b := x ^ (lsb * '\\')
	a := x ^ (lsb * '\'')
	e := x ^ (lsb * '=')
	m := x ^ (lsb * '&')
	l := x ^ (lsb * '<')
	g := x ^ (lsb * '>')
	return (x | (x-lsb*0x20)&^x | (q-lsb)&^q | (b-lsb)&^b | (a-lsb)&^a |
		(e-lsb)&^e | (m-lsb)&^m | (l-lsb)&^l | (g-lsb)&^g) & msb
}

// load8 reads eight bytes of s at i, little-endian.
func load8(s string, i int) uint64 {
	t := s[i : i+8]
	return uint64(t[0]) | uint64(t[1])<<8 | uint64(t[2])<<16 | uint64(t[3])<<24 |
		uint64(t[4])<<32 | uint64(t[5])<<40 | uint64(t[6])<<48 | uint64(t[7])<<56
}

// appendString writes s as a JSON string the way CloudTrail does (Gson in
// HTML-safe mode): " and \ escaped with a backslash; \b \f \n \r \t;
// other bytes below 0x20 as \u00xx (lowercase hex); ' = & < > as \u0027
// \u003d \u0026 \u003c \u003e; U+2028 and U+2029 as \u2028 and \u2029;
// invalid UTF-8 as \ufffd; everything else, / and non-ASCII text
// included, literally.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; ; {
		// Skip eight bytes at a time while none needs attention.
		for len(s)-i >= 8 && flagged(load8(s, i)) == 0 {
			i += 8
		}
		if n := len(s); n-i < 8 && n >= 8 && i < n {
			// The tail: test the last eight bytes, overlapping bytes
			// already known to be safe.
			if flagged(load8(s, n-8)) == 0 {
				i = n
			}
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if safe[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendRawValue appends a raw JSON value with the characters CloudTrail
// always escapes, and that valid JSON can hold only inside strings, escaped
// as CloudTrail writes them: ' = & < > as \u0027 \u003d \u0026 \u003c
// \u003e, and U+2028 and U+2029 as \u2028 and \u2029. Everything else is
// copied. Raw values CloudTrail wrote contain none of them; the builders use
// it on raw members built in Go (json.Marshal leaves ' and = literal).
func appendRawValue(dst []byte, raw []byte) []byte {
	s := raw
	start := 0
	for i := 0; i < len(s); {
		if len(s)-i >= 8 {
			x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
				uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
			if rawFlagged(x) == 0 {
				i += 8
				continue
			}
		}
		c := s[i]
		switch {
		case htmlByte(c):
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			i++
			start = i
		case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9):
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[s[i+2]&0xF])
			i += 3
			start = i
		default:
			i++
		}
	}
	return append(dst, s[start:]...)
}

// rawFlagged is flagged for raw values: it flags the five HTML characters
// and the lead byte 0xE2 of U+2028 and U+2029.
func rawFlagged(x uint64) uint64 {
	const lsb, msb = 0x0101010101010101, 0x8080808080808080
	a := x ^ (lsb * '\'')
	e := x ^ (lsb * '=')
	m := x ^ (lsb * '&')
	l := x ^ (lsb * '<')
	g := x ^ (lsb * '>')
	u := x ^ (lsb * 0xE2)
	return ((a-lsb)&^a | (e-lsb)&^e | (m-lsb)&^m | (l-lsb)&^l | (g-lsb)&^g | (u-lsb)&^u) & msb
}
