package eventpattern

import (
	"errors"
	"fmt"
	"math"
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/internal/jsontree"
	"github.com/trailkit/trailkit/internal/wildcard"
)

// maxPatternLen is the longest event pattern EventBridge accepts (PutRule's
// EventPattern: at most 4096 characters).
const maxPatternLen = 4096

// SyntaxError is an event pattern that is not valid: not JSON, or JSON that
// is not a pattern; Compile returns no other error. Offset is the byte
// offset in Pattern of the problem.
type SyntaxError struct {
	Pattern string
	Offset  int
	Msg     string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("eventpattern: invalid event pattern at byte %d: %s", e.Offset, e.Msg)
}

// mkind is the kind of one matcher (one element of a field's array).
type mkind uint8

const (
	mString      mkind = iota // exact string
	mNumber                   // exact number, compared numerically
	mNull                     // JSON null
	mBool                     // true or false (b)
	mPrefix                   // s is a prefix (fold: ignoring case)
	mSuffix                   // s is a suffix (fold: ignoring case)
	mFold                     // equals-ignore-case
	mWildcard                 // parts, split at unescaped '*'
	mNumeric                  // range
	mExists                   // b: exists true or false
	mCIDR                     // prefix
	mAnythingBut              // none of but matches
)

type matcher struct {
	kind           mkind
	s              string
	fold           bool
	b              bool
	num            float64
	parts          []string
	lo             float64 // numeric range [lo, hi], with open ends
	hi             float64
	loOpen, hiOpen bool
	cidr           netip.Prefix
	but            []matcher
	text           string // the matcher's JSON, for explanations
}

// field is one leaf of the pattern: a path and the matchers of its array,
// any of which may match.
type field struct {
	path     []string
	pathText string
	ms       []matcher
	exists   bool // ms has an exists matcher: the leaf's absence is decided by it
}

// group is one pattern object: all fields must match, and each $or must
// have one branch that matches.
type group struct {
	fields []field
	ors    [][]group
	orPath []string // where each $or sits, for explanations
}

// Pattern is a compiled event pattern. It is immutable and safe for
// concurrent use.
type Pattern struct {
	src  string
	root group
}

// String returns the pattern's source text.
func (p *Pattern) String() string { return p.src }

// Compile parses an event pattern. A pattern that is not valid, or is
// longer than 4096 bytes (PutRule's limit), returns a *SyntaxError.
func Compile(src string) (*Pattern, error) {
	if len(src) > maxPatternLen {
		return nil, &SyntaxError{src, maxPatternLen, fmt.Sprintf("longer than %d bytes", maxPatternLen)}
	}
	c := compiler{src: src}
	if err := c.d.Parse([]byte(src)); err != nil {
		var je *jsontree.SyntaxError
		errors.As(err, &je)
		return nil, &SyntaxError{src, je.Offset, je.Msg}
	}
	if c.d.Kind(0) != jsontree.Object {
		return nil, c.errf(0, "an event pattern is a JSON object")
	}
	p := &Pattern{src: src}
	var err error
	if p.root, err = c.group(0, nil, 0); err != nil {
		return nil, err
	}
	return p, nil
}

type compiler struct {
	src string
	d   jsontree.Doc
}

func (c *compiler) errf(n int, msg string) error {
	return &SyntaxError{c.src, c.d.Start(n), msg}
}

// maxOrDepth bounds nested $or so that matching stays shallow.
const maxOrDepth = 8

func (c *compiler) group(n int, path []string, orDepth int) (group, error) {
	var g group
	if c.d.Count(n) == 0 {
		return g, c.errf(n, "empty object")
	}
	if err := c.members(&g, n, path, orDepth); err != nil {
		return g, err
	}
	return g, nil
}

func (c *compiler) members(g *group, n int, path []string, orDepth int) error {
	for m := c.d.First(n); m >= 0; m = c.d.Next(m) {
		key := string(c.d.Key(m))
		if key == "$or" {
			if orDepth >= maxOrDepth {
				return c.errf(m, "$or nested too deep")
			}
			if c.d.Kind(m) != jsontree.Array || c.d.Count(m) == 0 {
				return c.errf(m, "$or takes a non-empty array of objects")
			}
			var branches []group
			for b := c.d.First(m); b >= 0; b = c.d.Next(b) {
				if c.d.Kind(b) != jsontree.Object {
					return c.errf(b, "$or takes a non-empty array of objects")
				}
				sub, err := c.group(b, path, orDepth+1)
				if err != nil {
					return err
				}
				branches = append(branches, sub)
			}
			g.ors = append(g.ors, branches)
			g.orPath = append(g.orPath, strings.Join(path, "."))
			continue
		}
		p := append(path[:len(path):len(path)], key)
		switch c.d.Kind(m) {
		case jsontree.Object:
			if c.d.Count(m) == 0 {
				return c.errf(m, "empty object")
			}
			if err := c.members(g, m, p, orDepth); err != nil {
				return err
			}
		case jsontree.Array:
			f, err := c.field(m, p)
			if err != nil {
				return err
			}
			g.fields = append(g.fields, f)
		default:
			return c.errf(m, fmt.Sprintf("the value of %q must be an array or an object", key))
		}
	}
	return nil
}

func (c *compiler) field(n int, path []string) (field, error) {
	f := field{path: path, pathText: strings.Join(path, ".")}
	if c.d.Count(n) == 0 {
		return f, c.errf(n, "empty array")
	}
	for e := c.d.First(n); e >= 0; e = c.d.Next(e) {
		m, err := c.matcher(e, false)
		if err != nil {
			return f, err
		}
		if m.kind == mExists {
			f.exists = true
		}
		f.ms = append(f.ms, m)
	}
	return f, nil
}

// value is the single string, number or list of them that an operator takes.
func (c *compiler) str(n int, op string) (string, error) {
	if c.d.Kind(n) != jsontree.String {
		return "", c.errf(n, op+" takes a string")
	}
	return string(c.d.Str(n)), nil
}

func (c *compiler) matcher(n int, inBut bool) (matcher, error) {
	m := matcher{text: string(c.d.Raw(n))}
	switch c.d.Kind(n) {
	case jsontree.String:
		m.kind, m.s = mString, string(c.d.Str(n))
		return m, nil
	case jsontree.Number:
		m.kind, m.num = mNumber, c.d.Float(n)
		if math.IsInf(m.num, 0) {
			return m, c.errf(n, "number out of range")
		}
		return m, nil
	case jsontree.Null:
		if inBut {
			return m, c.errf(n, "anything-but takes strings or numbers")
		}
		m.kind = mNull
		return m, nil
	case jsontree.True, jsontree.False:
		if inBut {
			return m, c.errf(n, "anything-but takes strings or numbers")
		}
		m.kind, m.b = mBool, c.d.Kind(n) == jsontree.True
		return m, nil
	case jsontree.Array:
		return m, c.errf(n, "nested arrays are not allowed")
	}
	if c.d.Count(n) != 1 {
		return m, c.errf(n, "an operator object has exactly one member")
	}
	op := c.d.First(n)
	name := string(c.d.Key(op))
	var err error
	switch name {
	case "prefix", "suffix":
		m.kind = mPrefix
		if name == "suffix" {
			m.kind = mSuffix
		}
		if c.d.Kind(op) == jsontree.Object {
			if c.d.Count(op) != 1 || string(c.d.Key(c.d.First(op))) != "equals-ignore-case" {
				return m, c.errf(op, name+` takes a string or {"equals-ignore-case": string}`)
			}
			m.fold = true
			op = c.d.First(op)
		}
		m.s, err = c.str(op, name)
	case "equals-ignore-case":
		m.kind, m.fold = mFold, true
		m.s, err = c.str(op, name)
	case "wildcard":
		m.kind = mWildcard
		if m.s, err = c.str(op, name); err == nil {
			m.parts, err = c.wildcard(op, m.s)
		}
	case "numeric":
		if inBut {
			return m, c.errf(op, "numeric is not allowed inside anything-but")
		}
		m.kind = mNumeric
		err = c.numeric(op, &m)
	case "exists":
		if inBut {
			return m, c.errf(op, "exists is not allowed inside anything-but")
		}
		k := c.d.Kind(op)
		if k != jsontree.True && k != jsontree.False {
			return m, c.errf(op, "exists takes true or false")
		}
		m.kind, m.b = mExists, k == jsontree.True
	case "cidr":
		if inBut {
			return m, c.errf(op, "cidr is not allowed inside anything-but")
		}
		m.kind = mCIDR
		var s string
		if s, err = c.str(op, name); err == nil {
			m.cidr, err = netip.ParsePrefix(s)
			if err != nil {
				return m, c.errf(op, "cidr takes an IPv4 or IPv6 prefix such as 10.0.0.0/24")
			}
			m.cidr = m.cidr.Masked()
		}
	case "anything-but":
		if inBut {
			return m, c.errf(op, "anything-but cannot be nested")
		}
		m.kind = mAnythingBut
		err = c.anythingBut(op, &m)
	default:
		return m, c.errf(op, fmt.Sprintf("unknown operator %q", name))
	}
	return m, err
}

func (c *compiler) anythingBut(n int, m *matcher) error {
	switch c.d.Kind(n) {
	case jsontree.String, jsontree.Number:
		sub, err := c.matcher(n, true)
		m.but = []matcher{sub}
		return err
	case jsontree.Array:
		if c.d.Count(n) == 0 {
			return c.errf(n, "anything-but takes a non-empty list")
		}
		first := c.d.Kind(c.d.First(n))
		for e := c.d.First(n); e >= 0; e = c.d.Next(e) {
			if k := c.d.Kind(e); k != first || (k != jsontree.String && k != jsontree.Number) {
				return c.errf(e, "an anything-but list holds only strings or only numbers")
			}
			sub, err := c.matcher(e, true)
			if err != nil {
				return err
			}
			m.but = append(m.but, sub)
		}
		return nil
	case jsontree.Object:
		if c.d.Count(n) != 1 {
			return c.errf(n, "an operator object has exactly one member")
		}
		op := c.d.First(n)
		name := string(c.d.Key(op))
		switch name {
		case "prefix", "suffix":
			sub, err := c.matcher(n, true)
			if err != nil {
				return err
			}
			if sub.fold {
				return c.errf(op, "anything-but "+name+" takes a string")
			}
			m.but = []matcher{sub}
			return nil
		case "equals-ignore-case", "wildcard":
			if c.d.Kind(op) != jsontree.Array {
				sub, err := c.matcher(n, true)
				m.but = []matcher{sub}
				return err
			}
			if c.d.Count(op) == 0 {
				return c.errf(op, "anything-but "+name+" takes a string or a non-empty list of strings")
			}
			for e := c.d.First(op); e >= 0; e = c.d.Next(e) {
				s, err := c.str(e, name)
				if err != nil {
					return err
				}
				sub := matcher{kind: mFold, s: s, fold: true, text: string(c.d.Raw(e))}
				if name == "wildcard" {
					sub = matcher{kind: mWildcard, s: s, text: string(c.d.Raw(e))}
					if sub.parts, err = c.wildcard(e, s); err != nil {
						return err
					}
				}
				m.but = append(m.but, sub)
			}
			return nil
		}
		return c.errf(op, fmt.Sprintf("anything-but does not take %q", name))
	}
	return c.errf(n, "anything-but takes a string, a number, a list or an operator object")
}

// wildcard splits a wildcard value at its unescaped '*'s, unescaping \* and
// \\; any other backslash and two consecutive '*' are errors, as in
// EventBridge.
func (c *compiler) wildcard(n int, s string) ([]string, error) {
	var parts []string
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 >= len(s) || (s[i+1] != '*' && s[i+1] != '\\') {
				return nil, c.errf(n, `wildcard: a backslash escapes only * and \`)
			}
			i++
			cur.WriteByte(s[i])
		case '*':
			if i+1 < len(s) && s[i+1] == '*' {
				return nil, c.errf(n, "wildcard: consecutive * are not allowed")
			}
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(s[i])
		}
	}
	return append(parts, cur.String()), nil
}

func (c *compiler) numeric(n int, m *matcher) error {
	bad := func(at int) error {
		return c.errf(at, `numeric takes ["=", n], or one or two bounds such as [">", 0, "<=", 5]`)
	}
	if c.d.Kind(n) != jsontree.Array || c.d.Count(n)%2 != 0 || c.d.Count(n) == 0 || c.d.Count(n) > 4 {
		return bad(n)
	}
	m.lo, m.hi = math.Inf(-1), math.Inf(1)
	hasLo, hasHi := false, false
	for e := c.d.First(n); e >= 0; e = c.d.Next(c.d.Next(e)) {
		v := c.d.Next(e)
		if c.d.Kind(e) != jsontree.String || c.d.Kind(v) != jsontree.Number {
			return bad(e)
		}
		x := c.d.Float(v)
		if math.IsInf(x, 0) {
			return c.errf(v, "number out of range")
		}
		switch op := string(c.d.Str(e)); op {
		case "=":
			if c.d.Count(n) != 2 {
				return bad(e)
			}
			m.lo, m.hi = x, x
			hasLo, hasHi = true, true
		case ">", ">=":
			if hasLo {
				return bad(e)
			}
			m.lo, m.loOpen, hasLo = x, op == ">", true
		case "<", "<=":
			if hasHi {
				return bad(e)
			}
			m.hi, m.hiOpen, hasHi = x, op == "<", true
		default:
			return bad(e)
		}
	}
	if m.lo > m.hi || (m.lo == m.hi && (m.loOpen || m.hiOpen)) {
		return c.errf(n, "numeric: the range is empty")
	}
	return nil
}

// Match reports whether the pattern matches the envelope of r (Wrap). It
// encodes the envelope into a pooled buffer and allocates nothing after
// warm-up. To evaluate many patterns on one record, set an Event once and
// call MatchEvent.
func (p *Pattern) Match(r *event.Record) bool {
	e := eventPool.Get().(*Event)
	ok := e.SetRecord(r) == nil && p.MatchEvent(e)
	eventPool.Put(e)
	return ok
}

// MatchEvent reports whether the pattern matches the event.
func (p *Pattern) MatchEvent(e *Event) bool {
	if !e.ok {
		return false
	}
	return p.root.match(&e.doc)
}

func (g *group) match(d *jsontree.Doc) bool {
	for i := range g.fields {
		if !g.fields[i].match(d) {
			return false
		}
	}
	for _, branches := range g.ors {
		ok := false
		for i := range branches {
			if branches[i].match(d) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// match reports whether any leaf value at the field's path matches any of
// its matchers, or, for exists false, whether there is no leaf value.
func (f *field) match(d *jsontree.Doc) bool {
	if f.anyLeaf(d, 0, 0) {
		return true
	}
	if f.exists {
		for i := range f.ms {
			if f.ms[i].kind == mExists && !f.ms[i].b && !f.hasLeaf(d, 0, 0) {
				return true
			}
		}
	}
	return false
}

// anyLeaf walks the path from node n at step i; arrays on the way and at
// the end are searched element by element.
func (f *field) anyLeaf(d *jsontree.Doc, n, i int) bool {
	if d.Kind(n) == jsontree.Array {
		for e := d.First(n); e >= 0; e = d.Next(e) {
			if f.anyLeaf(d, e, i) {
				return true
			}
		}
		return false
	}
	if i == len(f.path) {
		if d.Kind(n) == jsontree.Object {
			return false
		}
		for k := range f.ms {
			if f.ms[k].match(d, n) {
				return true
			}
		}
		return false
	}
	m := d.Member(n, f.path[i])
	return m >= 0 && f.anyLeaf(d, m, i+1)
}

// hasLeaf reports whether a leaf value (not an object, not an empty array)
// exists at the path.
func (f *field) hasLeaf(d *jsontree.Doc, n, i int) bool {
	if d.Kind(n) == jsontree.Array {
		for e := d.First(n); e >= 0; e = d.Next(e) {
			if f.hasLeaf(d, e, i) {
				return true
			}
		}
		return false
	}
	if i == len(f.path) {
		return d.Kind(n) != jsontree.Object
	}
	m := d.Member(n, f.path[i])
	return m >= 0 && f.hasLeaf(d, m, i+1)
}

// match reports whether leaf value n matches.
func (m *matcher) match(d *jsontree.Doc, n int) bool {
	k := d.Kind(n)
	switch m.kind {
	case mExists:
		return m.b
	case mNull:
		return k == jsontree.Null
	case mBool:
		return (k == jsontree.True && m.b) || (k == jsontree.False && !m.b)
	case mNumber:
		return k == jsontree.Number && d.Float(n) == m.num
	case mNumeric:
		if k != jsontree.Number {
			return false
		}
		x := d.Float(n)
		return (x > m.lo || (x == m.lo && !m.loOpen)) && (x < m.hi || (x == m.hi && !m.hiOpen))
	case mAnythingBut:
		if k != jsontree.String && k != jsontree.Number {
			return false
		}
		for i := range m.but {
			if m.but[i].match(d, n) {
				return false
			}
		}
		return true
	}
	if k != jsontree.String {
		return false
	}
	s := d.Str(n)
	switch m.kind {
	case mString:
		return string(s) == m.s
	case mFold:
		return equalFold(s, m.s)
	case mPrefix:
		if len(s) < len(m.s) {
			return false
		}
		if m.fold {
			return equalFold(s[:len(m.s)], m.s)
		}
		return string(s[:len(m.s)]) == m.s
	case mSuffix:
		if len(s) < len(m.s) {
			return false
		}
		if m.fold {
			return equalFold(s[len(s)-len(m.s):], m.s)
		}
		return string(s[len(s)-len(m.s):]) == m.s
	case mWildcard:
		return wildcard.Match(s, m.parts)
	case mCIDR:
		a, ok := parseAddr(s)
		return ok && m.cidr.Contains(a)
	}
	return false
}

// equalFold is strings.EqualFold(string(b), s) without converting b.
func equalFold(b []byte, s string) bool {
	for len(b) > 0 && len(s) > 0 {
		var r1, r2 rune
		if b[0] < utf8.RuneSelf {
			r1, b = rune(b[0]), b[1:]
		} else {
			var n int
			r1, n = utf8.DecodeRune(b)
			b = b[n:]
		}
		if s[0] < utf8.RuneSelf {
			r2, s = rune(s[0]), s[1:]
		} else {
			var n int
			r2, n = utf8.DecodeRuneInString(s)
			s = s[n:]
		}
		if r1 == r2 {
			continue
		}
		if r2 < r1 {
			r1, r2 = r2, r1
		}
		if r2 < utf8.RuneSelf {
			if 'A' <= r1 && r1 <= 'Z' && r2 == r1+'a'-'A' {
				continue
			}
			return false
		}
		r := unicode.SimpleFold(r1)
		for r != r1 && r < r2 {
			r = unicode.SimpleFold(r)
		}
		if r != r2 {
			return false
		}
	}
	return len(b) == len(s)
}
