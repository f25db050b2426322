package metricfilter

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/internal/jsontree"
	"github.com/trailkit/trailkit/internal/wildcard"
)

// maxPatternLen is the longest filter pattern CloudWatch Logs accepts
// (PutMetricFilter's filterPattern: 0 to 1024 characters).
const maxPatternLen = 1024

// SyntaxError is a filter pattern (or metric value) that does not parse:
// Compile and ParseMetricValue return no other error. Offset is the byte
// offset in Pattern where the problem was found.
type SyntaxError struct {
	Pattern string
	Offset  int
	Msg     string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("metricfilter: invalid filter pattern at byte %d: %s", e.Offset, e.Msg)
}

// op is a comparison operator.
type op uint8

const (
	opEq op = iota
	opNe
	opLt
	opLe
	opGt
	opGe
	opNull
	opNotExists
	opTrue
	opFalse
)

var opText = [...]string{"=", "!=", "<", "<=", ">", ">=", "IS NULL", "NOT EXISTS", "IS TRUE", "IS FALSE"}

// step is one selector step: a member name, or an array index when key is
// empty and index >= 0.
type step struct {
	key   string
	index int
}

// cond is one comparison: selector, operator, value.
type cond struct {
	sel    []step
	selTxt string
	slot   int // the selector's index among the pattern's distinct selectors
	op     op
	// The value, for = != < <= > >=.
	str      string         // the string value as written (unquoted content)
	parts    []string       // str split at '*' when it has wildcards
	wildcard bool           // str contains '*'
	any      bool           // the value is a lone '*'
	num      float64        // the numeric value when isNum
	isNum    bool           // the value is an unquoted number
	re       *regexp.Regexp // a %regex% value
}

// expr node kinds.
const (
	kCond = iota
	kAnd
	kOr
)

type expr struct {
	kind        int
	cond        int // index in Pattern.conds for kCond
	left, right int // indexes in Pattern.exprs for kAnd and kOr
}

// Pattern is a compiled filter pattern. It is immutable and safe for
// concurrent use.
type Pattern struct {
	src   string
	all   bool // the empty pattern, which matches every event
	conds []cond
	exprs []expr
	root  int
}

// String returns the pattern's source text.
func (p *Pattern) String() string { return p.src }

// mustCompile is Compile for the patterns of the CIS tables.
func mustCompile(src string) *Pattern {
	p, err := Compile(src)
	if err != nil {
		panic(err)
	}
	return p
}

// Compile parses a JSON filter pattern (or the empty pattern). A pattern
// that does not parse, or is longer than 1024 bytes (PutMetricFilter's
// limit), returns a *SyntaxError.
func Compile(src string) (*Pattern, error) {
	p := &Pattern{src: src}
	if len(src) > maxPatternLen {
		return nil, &SyntaxError{src, maxPatternLen, fmt.Sprintf("longer than %d bytes", maxPatternLen)}
	}
	c := compiler{p: p, s: src}
	c.ws()
	if c.i == len(src) {
		p.all = true
		return p, nil
	}
	if src[c.i] != '{' {
		return nil, c.errf("a JSON filter pattern starts with '{' (term and space-delimited patterns are not supported)")
	}
	c.i++
	root, err := c.or(0)
	if err != nil {
		return nil, err
	}
	c.ws()
	if c.i >= len(src) || src[c.i] != '}' {
		return nil, c.errf("expected '}'")
	}
	c.i++
	c.ws()
	if c.i != len(src) {
		return nil, c.errf("text after the closing '}'")
	}
	p.root = root
	return p, nil
}

// maxNesting bounds parentheses so that hostile patterns cannot recurse deep.
const maxNesting = 64

type compiler struct {
	p      *Pattern
	s      string
	i      int
	slots  map[string]int // distinct selectors by text
	nregex int
}

func (c *compiler) errf(msg string) error { return &SyntaxError{c.s, c.i, msg} }

func (c *compiler) ws() {
	for c.i < len(c.s) && (c.s[c.i] == ' ' || c.s[c.i] == '\t' || c.s[c.i] == '\n' || c.s[c.i] == '\r') {
		c.i++
	}
}

func (c *compiler) node(e expr) int {
	c.p.exprs = append(c.p.exprs, e)
	return len(c.p.exprs) - 1
}

// or := and ('||' and)*
func (c *compiler) or(depth int) (int, error) {
	l, err := c.and(depth)
	if err != nil {
		return 0, err
	}
	for {
		c.ws()
		if !strings.HasPrefix(c.s[c.i:], "||") {
			return l, nil
		}
		c.i += 2
		r, err := c.and(depth)
		if err != nil {
			return 0, err
		}
		l = c.node(expr{kind: kOr, left: l, right: r})
	}
}

// and := unary ('&&' unary)*
func (c *compiler) and(depth int) (int, error) {
	l, err := c.unary(depth)
	if err != nil {
		return 0, err
	}
	for {
		c.ws()
		if !strings.HasPrefix(c.s[c.i:], "&&") {
			return l, nil
		}
		c.i += 2
		r, err := c.unary(depth)
		if err != nil {
			return 0, err
		}
		l = c.node(expr{kind: kAnd, left: l, right: r})
	}
}

// unary := '(' or ')' | condition
func (c *compiler) unary(depth int) (int, error) {
	c.ws()
	if c.i < len(c.s) && c.s[c.i] == '(' {
		if depth >= maxNesting {
			return 0, c.errf("parentheses nested too deep")
		}
		c.i++
		e, err := c.or(depth + 1)
		if err != nil {
			return 0, err
		}
		c.ws()
		if c.i >= len(c.s) || c.s[c.i] != ')' {
			return 0, c.errf("expected ')'")
		}
		c.i++
		return e, nil
	}
	k, err := c.cond()
	if err != nil {
		return 0, err
	}
	return c.node(expr{kind: kCond, cond: k}), nil
}

// nameByte reports whether b may appear in an unquoted member name.
func nameByte(b byte) bool {
	switch b {
	case ' ', '\t', '\n', '\r', '.', '[', ']', '=', '!', '<', '>', '(', ')', '&', '|', '{', '}', '"', '$':
		return false
	}
	return b > ' '
}

func (c *compiler) cond() (int, error) {
	var k cond
	start := c.i
	if c.i >= len(c.s) || c.s[c.i] != '$' {
		return 0, c.errf("expected a selector ($.field)")
	}
	c.i++
	for c.i < len(c.s) {
		switch c.s[c.i] {
		case '.':
			c.i++
			j := c.i
			for c.i < len(c.s) && nameByte(c.s[c.i]) {
				c.i++
			}
			if j == c.i {
				return 0, c.errf("expected a field name after '.'")
			}
			k.sel = append(k.sel, step{key: c.s[j:c.i], index: -1})
			continue
		case '[':
			c.i++
			j := c.i
			for c.i < len(c.s) && c.s[c.i] >= '0' && c.s[c.i] <= '9' {
				c.i++
			}
			if j == c.i || c.i-j > 9 {
				return 0, c.errf("expected an array index")
			}
			n, _ := strconv.Atoi(c.s[j:c.i])
			if c.i >= len(c.s) || c.s[c.i] != ']' {
				return 0, c.errf("expected ']'")
			}
			c.i++
			k.sel = append(k.sel, step{index: n})
			continue
		}
		break
	}
	if len(k.sel) == 0 {
		return 0, c.errf("expected '.' or '[' after '$'")
	}
	k.selTxt = c.s[start:c.i]
	if c.slots == nil {
		c.slots = map[string]int{}
	}
	slot, ok := c.slots[k.selTxt]
	if !ok {
		slot = len(c.slots)
		c.slots[k.selTxt] = slot
	}
	k.slot = slot
	c.ws()
	rest := c.s[c.i:]
	switch {
	case strings.HasPrefix(rest, "IS NULL"):
		k.op, c.i = opNull, c.i+7
	case strings.HasPrefix(rest, "IS TRUE"):
		k.op, c.i = opTrue, c.i+7
	case strings.HasPrefix(rest, "IS FALSE"):
		k.op, c.i = opFalse, c.i+8
	case strings.HasPrefix(rest, "NOT EXISTS"):
		k.op, c.i = opNotExists, c.i+10
	case strings.HasPrefix(rest, "!="):
		k.op, c.i = opNe, c.i+2
	case strings.HasPrefix(rest, "<="):
		k.op, c.i = opLe, c.i+2
	case strings.HasPrefix(rest, ">="):
		k.op, c.i = opGe, c.i+2
	case strings.HasPrefix(rest, "="):
		k.op, c.i = opEq, c.i+1
	case strings.HasPrefix(rest, "<"):
		k.op, c.i = opLt, c.i+1
	case strings.HasPrefix(rest, ">"):
		k.op, c.i = opGt, c.i+1
	default:
		return 0, c.errf("expected an operator (= != < <= > >= IS NULL IS TRUE IS FALSE NOT EXISTS)")
	}
	if k.op >= opNull {
		if c.i < len(c.s) && nameByte(c.s[c.i]) {
			return 0, c.errf("unexpected text after " + opText[k.op])
		}
	} else if err := c.value(&k); err != nil {
		return 0, err
	}
	c.p.conds = append(c.p.conds, k)
	return len(c.p.conds) - 1, nil
}

// value parses the right-hand side of a comparison.
func (c *compiler) value(k *cond) error {
	c.ws()
	if c.i >= len(c.s) {
		return c.errf("expected a value")
	}
	vstart := c.i
	quoted := false
	if c.s[c.i] == '"' {
		quoted = true
		c.i++
		var b strings.Builder
		for {
			if c.i >= len(c.s) {
				c.i = vstart
				return c.errf("unterminated quoted value")
			}
			ch := c.s[c.i]
			if ch == '"' {
				c.i++
				break
			}
			if ch == '\\' && c.i+1 < len(c.s) && (c.s[c.i+1] == '"' || c.s[c.i+1] == '\\') {
				c.i++
				ch = c.s[c.i]
			}
			b.WriteByte(ch)
			c.i++
		}
		k.str = b.String()
	} else {
		if c.s[c.i] == '%' {
			return c.regex(k)
		}
		for c.i < len(c.s) && valueByte(c.s[c.i]) {
			c.i++
		}
		if c.i == vstart {
			return c.errf("expected a value")
		}
		k.str = c.s[vstart:c.i]
	}
	if !quoted {
		if f, err := strconv.ParseFloat(k.str, 64); err == nil && numberText(k.str) {
			k.num, k.isNum = f, true
		}
		k.any = k.str == "*"
	}
	if k.op >= opLt && k.op <= opGe && !k.isNum {
		c.i = vstart
		return c.errf(opText[k.op] + " needs a numeric value")
	}
	if !k.isNum && strings.Contains(k.str, "*") {
		k.wildcard = true
		k.parts = strings.Split(k.str, "*")
	}
	return nil
}

// maxRegexes is CloudWatch Logs' limit of regular expressions in a JSON
// filter pattern.
const maxRegexes = 2

// regex parses a %regex% value. CloudWatch Logs allows only alphanumeric
// characters, the symbols : _ # = @ / ; , - and the operators
// ^ $ ? [ ] { } | \ * + . in it; no parentheses, no multi-byte characters.
func (c *compiler) regex(k *cond) error {
	start := c.i
	end := strings.IndexByte(c.s[start+1:], '%')
	if end < 0 {
		return c.errf("unterminated regular expression (%…%)")
	}
	expr := c.s[start+1 : start+1+end]
	for j := 0; j < len(expr); j++ {
		ch := expr[j]
		if ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || strings.IndexByte(":_#=@/;,-^$?[]{}|\\*+.", ch) >= 0 {
			continue
		}
		c.i = start + 1 + j
		return c.errf(fmt.Sprintf("%q is not allowed in a regular expression", ch))
	}
	if expr == "" {
		return c.errf("empty regular expression")
	}
	if k.op != opEq && k.op != opNe {
		return c.errf("a regular expression needs = or !=")
	}
	c.nregex++
	if c.nregex > maxRegexes {
		return c.errf(fmt.Sprintf("more than %d regular expressions in one pattern", maxRegexes))
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		c.i = start + 1
		return c.errf("bad regular expression: " + err.Error())
	}
	k.re, k.str = re, "%"+expr+"%"
	c.i = start + end + 2
	return nil
}

// numberText reports whether s is a decimal number: an optional sign,
// digits with an optional fraction, an optional exponent (no hex, no Inf,
// no NaN, no underscores, which strconv would accept).
func numberText(s string) bool {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	digits := false
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i, digits = i+1, true
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, digits = i+1, true
		}
	}
	if !digits {
		return false
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
			return false
		}
	}
	return i == len(s)
}

// valueByte reports whether b may appear in an unquoted value.
func valueByte(b byte) bool {
	switch b {
	case ' ', '\t', '\n', '\r', '(', ')', '&', '|', '}', '"':
		return false
	}
	return b > ' '
}

// LogEvent is one log event's message, parsed once so that many patterns
// can be evaluated on it. The zero value is empty (every pattern but the
// empty one fails on it). A LogEvent is not safe for concurrent use; reuse
// one per goroutine to match without allocating.
//
// The log event of a CloudTrail record is the record's JSON as CloudTrail
// delivers it to CloudWatch Logs: SetMessage(r.AppendJSON(buf[:0])).
type LogEvent struct {
	doc jsontree.Doc
	buf []byte
	ok  bool
}

// setRecord makes the log event the record as CloudTrail delivers it to
// CloudWatch Logs: the record's JSON (event.Record.AppendJSON) is the
// message. It fails only when the record cannot be encoded.
func (e *LogEvent) setRecord(r *event.Record) error {
	e.ok = false
	e.buf = r.AppendJSON(e.buf[:0])
	if err := e.doc.Parse(e.buf); err != nil {
		return fmt.Errorf("metricfilter: record %s: %w", r.EventID, err)
	}
	e.ok = true
	return nil
}

// SetMessage makes the log event the message msg, which is kept (not
// copied) until the next Set call. A message that is not a JSON value
// leaves the event empty and returns the JSON syntax error (JSON filter
// patterns never match such messages in CloudWatch Logs either).
func (e *LogEvent) SetMessage(msg []byte) error {
	e.ok = false
	if err := e.doc.Parse(msg); err != nil {
		return err
	}
	e.ok = true
	return nil
}

var eventPool = sync.Pool{New: func() any { return new(LogEvent) }}

// Match reports whether the pattern matches the record's log event. It
// encodes the record into a pooled buffer: after warm-up it allocates
// nothing. To evaluate several patterns on one record, set a LogEvent once
// and call MatchEvent for each.
func (p *Pattern) Match(r *event.Record) bool {
	if p.all {
		return true
	}
	e := eventPool.Get().(*LogEvent)
	ok := e.setRecord(r) == nil && p.MatchEvent(e)
	eventPool.Put(e)
	return ok
}

// MatchEvent reports whether the pattern matches the log event.
func (p *Pattern) MatchEvent(e *LogEvent) bool {
	if p.all {
		return true
	}
	if !e.ok {
		return false
	}
	// Many conditions share a selector (the CIS filters test $.eventName
	// up to 18 times): each distinct selector is resolved once per event.
	var memo selMemo
	return p.eval(e, p.root, &memo)
}

// maxMemo is how many distinct selectors of a pattern are resolved once per
// event; conditions on further selectors resolve theirs each time.
const maxMemo = 32

// selMemo holds resolved selectors: 0 is not yet resolved, otherwise the
// node index + 2 (1 for an unresolved selector).
type selMemo [maxMemo]int32

func (p *Pattern) eval(e *LogEvent, i int, memo *selMemo) bool {
	x := &p.exprs[i]
	switch x.kind {
	case kAnd:
		return p.eval(e, x.left, memo) && p.eval(e, x.right, memo)
	case kOr:
		return p.eval(e, x.left, memo) || p.eval(e, x.right, memo)
	}
	k := &p.conds[x.cond]
	var n int
	if k.slot < maxMemo {
		if memo[k.slot] == 0 {
			memo[k.slot] = int32(k.resolve(&e.doc) + 2)
		}
		n = int(memo[k.slot]) - 2
	} else {
		n = k.resolve(&e.doc)
	}
	return k.match(&e.doc, n)
}

// resolve follows the selector from the document's root; -1 when a step
// does not exist.
func (k *cond) resolve(d *jsontree.Doc) int {
	n := 0
	for _, s := range k.sel {
		if s.key != "" {
			n = d.Member(n, s.key)
		} else {
			n = d.Elem(n, s.index)
		}
		if n < 0 {
			return -1
		}
	}
	return n
}

// match evaluates the condition on node n, the resolved selector (-1 when
// unresolved).
func (k *cond) match(d *jsontree.Doc, n int) bool {
	if k.op == opNotExists {
		return n < 0
	}
	if n < 0 {
		return false
	}
	kind := d.Kind(n)
	switch k.op {
	case opNull:
		return kind == jsontree.Null
	case opTrue:
		return kind == jsontree.True
	case opFalse:
		return kind == jsontree.False
	case opEq, opNe:
		eq, comparable := k.equal(d, n, kind)
		if !comparable {
			return false
		}
		return eq == (k.op == opEq)
	}
	if kind != jsontree.Number {
		return false
	}
	f := d.Float(n)
	switch k.op {
	case opLt:
		return f < k.num
	case opLe:
		return f <= k.num
	case opGt:
		return f > k.num
	}
	return f >= k.num
}

// equal compares node n with the value; comparable is false when the
// node's type cannot be compared with it (then neither = nor != matches).
func (k *cond) equal(d *jsontree.Doc, n int, kind jsontree.Kind) (eq, comparable bool) {
	switch kind {
	case jsontree.String:
		s := d.Str(n)
		if k.re != nil {
			return k.re.Match(s), true
		}
		if k.any {
			return true, true
		}
		if k.wildcard {
			return wildcard.Match(s, k.parts), true
		}
		return string(s) == k.str, true
	case jsontree.Number:
		if k.re != nil {
			return k.re.Match(d.Raw(n)), true
		}
		if k.any {
			return true, true
		}
		if k.isNum {
			return d.Float(n) == k.num, true
		}
		if k.wildcard {
			return wildcard.Match(d.Raw(n), k.parts), true
		}
		return string(d.Raw(n)) == k.str, true
	case jsontree.True, jsontree.False:
		if k.re != nil {
			return k.re.Match(d.Raw(n)), true
		}
		if k.any {
			return true, true
		}
		return string(d.Raw(n)) == k.str, true
	}
	return false, false
}
