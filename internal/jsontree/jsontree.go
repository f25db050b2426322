// Package jsontree parses one JSON value into a flat table of nodes over the
// source bytes, so that many field lookups (CloudWatch Logs filter patterns,
// EventBridge event patterns) share one parse and allocate nothing once the
// Doc's tables have grown to the document's size.
//
// The parser accepts exactly RFC 8259 JSON (one value, optional surrounding
// whitespace), with nesting at most MaxDepth; anything else is a
// *SyntaxError with the byte offset of the problem. Duplicate object keys are
// kept; lookups find the first. Strings are
// unescaped on demand; invalid UTF-8 in the source is kept as is.
package jsontree

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Kind is the JSON type of a node.
type Kind uint8

// The JSON types.
const (
	Null Kind = iota
	False
	True
	Number
	String
	Object
	Array
)

func (k Kind) String() string {
	switch k {
	case Null:
		return "null"
	case False, True:
		return "boolean"
	case Number:
		return "number"
	case String:
		return "string"
	case Object:
		return "object"
	}
	return "array"
}

// MaxDepth is the deepest nesting Parse accepts.
const MaxDepth = 512

// node is one value. The children of a container follow it in the table;
// next links siblings.
type node struct {
	kind     Kind
	esc      bool  // a string (or key) with a backslash escape
	keyEsc   bool  // the member key has a backslash escape
	start    int32 // value bytes [start, end); a string's include the quotes
	end      int32
	keyStart int32 // member key bytes without quotes, for object members
	keyEnd   int32
	next     int32 // index of the next sibling, or -1
	n        int32 // number of children
}

// Doc is a parsed document. The zero value is empty; Parse fills it. A Doc
// is not safe for concurrent use; the source bytes must not change while it
// is in use.
type Doc struct {
	src   []byte
	nodes []node
	buf   []byte // unescaped strings; reset by Parse
}

// SyntaxError is a JSON syntax error at byte Offset.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at byte %d: %s", e.Offset, e.Msg)
}

// ErrSyntax matches every *SyntaxError with errors.Is.
var ErrSyntax = errors.New("invalid JSON")

// Is reports target == ErrSyntax.
func (e *SyntaxError) Is(target error) bool { return target == ErrSyntax }

// Parse parses src into d, replacing what d held.
func (d *Doc) Parse(src []byte) error {
	d.src = src
	d.nodes = d.nodes[:0]
	d.buf = d.buf[:0]
	p := parser{d: d, s: src}
	p.ws()
	if err := p.value(0); err != nil {
		d.nodes = d.nodes[:0]
		return err
	}
	p.ws()
	if p.i != len(src) {
		d.nodes = d.nodes[:0]
		return &SyntaxError{p.i, "data after the value"}
	}
	return nil
}

// Len is the number of nodes; 0 when nothing is parsed.
func (d *Doc) Len() int { return len(d.nodes) }

// Kind is node i's type.
func (d *Doc) Kind(i int) Kind { return d.nodes[i].kind }

// Start is the byte offset of node i in the source.
func (d *Doc) Start(i int) int { return int(d.nodes[i].start) }

// Raw is node i's JSON text.
func (d *Doc) Raw(i int) []byte { return d.src[d.nodes[i].start:d.nodes[i].end] }

// Count is the number of members or elements of container i.
func (d *Doc) Count(i int) int { return int(d.nodes[i].n) }

// First is the first child of container i, or -1.
func (d *Doc) First(i int) int {
	if d.nodes[i].n == 0 {
		return -1
	}
	return i + 1
}

// Next is the sibling after node i, or -1.
func (d *Doc) Next(i int) int { return int(d.nodes[i].next) }

// Member is the value of the first member of object i named key, or -1
// (also when i is not an object).
func (d *Doc) Member(i int, key string) int {
	if i < 0 || d.nodes[i].kind != Object {
		return -1
	}
	for j := d.First(i); j >= 0; j = int(d.nodes[j].next) {
		n := &d.nodes[j]
		k := d.src[n.keyStart:n.keyEnd]
		if n.keyEsc {
			k = d.unescape(k)
		}
		if string(k) == key {
			return j
		}
	}
	return -1
}

// Key is the member key of node i (a member of an object).
func (d *Doc) Key(i int) []byte {
	n := &d.nodes[i]
	k := d.src[n.keyStart:n.keyEnd]
	if n.keyEsc {
		k = d.unescape(k)
	}
	return k
}

// Elem is element k of array i, or -1.
func (d *Doc) Elem(i, k int) int {
	if i < 0 || d.nodes[i].kind != Array || k < 0 || k >= int(d.nodes[i].n) {
		return -1
	}
	j := i + 1
	for ; k > 0; k-- {
		j = int(d.nodes[j].next)
	}
	return j
}

// Str is the unescaped text of string node i. The bytes stay valid until
// the next Parse and must not be modified.
func (d *Doc) Str(i int) []byte {
	n := &d.nodes[i]
	s := d.src[n.start+1 : n.end-1]
	if n.esc {
		return d.unescape(s)
	}
	return s
}

// Float is number node i as a float64 (±Inf when out of range).
func (d *Doc) Float(i int) float64 {
	return ParseFloat(d.Raw(i))
}

// ParseFloat converts JSON number text to float64 without allocating.
func ParseFloat(b []byte) float64 {
	var tmp [64]byte
	if len(b) <= len(tmp) {
		// The conversion below does not escape: strconv keeps no reference.
		f, _ := strconv.ParseFloat(string(append(tmp[:0], b...)), 64)
		return f
	}
	f, _ := strconv.ParseFloat(string(b), 64)
	return f
}

// unescape decodes the content of a JSON string with escapes (already
// validated) into d.buf.
func (d *Doc) unescape(s []byte) []byte {
	start := len(d.buf)
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			d.buf = append(d.buf, c)
			i++
			continue
		}
		i++
		switch s[i] {
		case 'b':
			d.buf = append(d.buf, '\b')
		case 'f':
			d.buf = append(d.buf, '\f')
		case 'n':
			d.buf = append(d.buf, '\n')
		case 'r':
			d.buf = append(d.buf, '\r')
		case 't':
			d.buf = append(d.buf, '\t')
		case 'u':
			r := rune(hex4(s[i+1:]))
			i += 4
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if i+6 < len(s)+0 && s[i+1] == '\\' && s[i+2] == 'u' {
					r2 = rune(hex4(s[i+3:]))
				}
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					r = dec
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			d.buf = utf8.AppendRune(d.buf, r)
		default: // " \ /
			d.buf = append(d.buf, s[i])
		}
		i++
	}
	return d.buf[start:len(d.buf):len(d.buf)]
}

func hex4(b []byte) int {
	v := 0
	for _, c := range b[:4] {
		v <<= 4
		switch {
		case c >= '0' && c <= '9':
			v |= int(c - '0')
		case c >= 'a' && c <= 'f':
			v |= int(c - 'a' + 10)
		default:
			v |= int(c - 'A' + 10)
		}
	}
	return v
}

type parser struct {
	d *Doc
	s []byte
	i int
}

func (p *parser) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) errf(msg string) error { return &SyntaxError{p.i, msg} }

// value parses one value and appends its node (and its children's).
func (p *parser) value(depth int) error {
	if p.i >= len(p.s) {
		return p.errf("unexpected end of input")
	}
	idx := len(p.d.nodes)
	p.d.nodes = append(p.d.nodes, node{start: int32(p.i), next: -1})
	switch c := p.s[p.i]; {
	case c == '{' || c == '[':
		if depth >= MaxDepth {
			return p.errf("nesting too deep")
		}
		return p.container(idx, depth)
	case c == '"':
		esc, err := p.str()
		if err != nil {
			return err
		}
		p.d.nodes[idx].kind, p.d.nodes[idx].esc = String, esc
	case c == '-' || (c >= '0' && c <= '9'):
		if err := p.number(); err != nil {
			return err
		}
		p.d.nodes[idx].kind = Number
	case c == 't':
		if err := p.lit("true"); err != nil {
			return err
		}
		p.d.nodes[idx].kind = True
	case c == 'f':
		if err := p.lit("false"); err != nil {
			return err
		}
		p.d.nodes[idx].kind = False
	case c == 'n':
		if err := p.lit("null"); err != nil {
			return err
		}
		p.d.nodes[idx].kind = Null
	default:
		return p.errf(fmt.Sprintf("unexpected character %q", c))
	}
	p.d.nodes[idx].end = int32(p.i)
	return nil
}

func (p *parser) container(idx, depth int) error {
	obj := p.s[p.i] == '{'
	closer := byte(']')
	p.d.nodes[idx].kind = Array
	if obj {
		closer = '}'
		p.d.nodes[idx].kind = Object
	}
	p.i++
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == closer {
		p.i++
		p.d.nodes[idx].end = int32(p.i)
		return nil
	}
	prev, n := -1, 0
	for {
		var ks, ke int
		var kesc bool
		if obj {
			if p.i >= len(p.s) || p.s[p.i] != '"' {
				return p.errf("expected a member name")
			}
			ks = p.i + 1
			esc, err := p.str()
			if err != nil {
				return err
			}
			ke, kesc = p.i-1, esc
			p.ws()
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return p.errf("expected ':'")
			}
			p.i++
			p.ws()
		}
		child := len(p.d.nodes)
		if err := p.value(depth + 1); err != nil {
			return err
		}
		if obj {
			p.d.nodes[child].keyStart, p.d.nodes[child].keyEnd, p.d.nodes[child].keyEsc = int32(ks), int32(ke), kesc
		}
		if prev >= 0 {
			p.d.nodes[prev].next = int32(child)
		}
		prev = child
		n++
		p.ws()
		if p.i >= len(p.s) {
			return p.errf("unexpected end of input")
		}
		switch p.s[p.i] {
		case ',':
			p.i++
			p.ws()
		case closer:
			p.i++
			p.d.nodes[idx].n = int32(n)
			p.d.nodes[idx].end = int32(p.i)
			return nil
		default:
			return p.errf("expected ',' or '" + string(closer) + "'")
		}
	}
}

// str consumes a string starting at the opening quote and reports whether
// it has escapes.
func (p *parser) str() (bool, error) {
	p.i++
	esc := false
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return esc, nil
		case c == '\\':
			esc = true
			if p.i+1 >= len(p.s) {
				return false, p.errf("unexpected end of input")
			}
			switch p.s[p.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.i += 2
			case 'u':
				if p.i+6 > len(p.s) {
					return false, p.errf("short \\u escape")
				}
				for _, h := range p.s[p.i+2 : p.i+6] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return false, p.errf("bad \\u escape")
					}
				}
				p.i += 6
			default:
				return false, p.errf("bad escape")
			}
		case c < 0x20:
			return false, p.errf("control character in string")
		default:
			p.i++
		}
	}
	return false, p.errf("unterminated string")
}

func (p *parser) number() error {
	s, i := p.s, p.i
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		p.i = i
		return p.errf("bad number")
	}
	if i < len(s) && s[i] == '.' {
		i++
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == j {
			p.i = i
			return p.errf("bad number")
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == j {
			p.i = i
			return p.errf("bad number")
		}
	}
	p.i = i
	return nil
}

func (p *parser) lit(w string) error {
	if len(p.s)-p.i < len(w) || string(p.s[p.i:p.i+len(w)]) != w {
		return p.errf("bad literal")
	}
	p.i += len(w)
	return nil
}
