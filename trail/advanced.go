package trail

import (
	"strings"

	"github.com/trailkit/trailkit/event"
)

// fieldID is a compiled advanced-selector Field.
type fieldID uint8

const (
	fUnknown fieldID = iota
	fCategory
	fSource
	fName
	fType
	fReadOnly
	fSessionCred
	fUserARN
	fErrorCode
	fVPCE
	fResType // resources.* fields last: they are evaluated per resource
	fResARN
)

var fieldIDs = map[string]fieldID{
	fieldEventCategory: fCategory, fieldEventSource: fSource, fieldEventName: fName,
	fieldEventType: fType, fieldReadOnly: fReadOnly, fieldSessionCredentialFromConsole: fSessionCred,
	fieldUserIdentityARN: fUserARN, fieldErrorCode: fErrorCode, fieldVPCEndpointID: fVPCE,
	fieldResourcesType: fResType, fieldResourcesARN: fResARN,
}

// cond is one compiled field selector. Equals and NotEquals lists longer
// than setThreshold are also kept as sets; below it a linear scan of short
// strings is faster than hashing.
type cond struct {
	field       fieldID
	index       int // position in the selector's FieldSelectors
	name        string
	eq, sw, ew  []string
	neq, nsw    []string
	nes         []string
	eqSet       map[string]struct{}
	neqSet      map[string]struct{}
	hasPositive bool
}

const setThreshold = 8

func compileCond(i int, f *AdvancedFieldSelector) cond {
	c := cond{field: fieldIDs[f.Field], index: i, name: f.Field,
		eq: f.Equals, sw: f.StartsWith, ew: f.EndsWith,
		neq: f.NotEquals, nsw: f.NotStartsWith, nes: f.NotEndsWith}
	// Copy so later edits of the Trail do not reach the filter.
	for _, p := range []*[]string{&c.eq, &c.sw, &c.ew, &c.neq, &c.nsw, &c.nes} {
		if *p != nil {
			*p = append([]string(nil), (*p)...)
		}
	}
	c.hasPositive = f.Equals != nil || f.StartsWith != nil || f.EndsWith != nil
	if len(c.eq) > setThreshold {
		c.eqSet = toSet(c.eq)
	}
	if len(c.neq) > setThreshold {
		c.neqSet = toSet(c.neq)
	}
	return c
}

func toSet(vs []string) map[string]struct{} {
	m := make(map[string]struct{}, len(vs))
	for _, v := range vs {
		m[v] = struct{}{}
	}
	return m
}

// verdict says how a condition decided.
type verdict struct {
	absent bool     // the field is absent from the record
	op     Operator // the negative operator that excluded, or "" when no positive value matched
	value  string   // the excluding value
}

// test evaluates the condition against value s (present false: the field
// is absent). isPrefix marks a resource ARNPrefix for ARNPrefixOverlap.
func (c *cond) test(s string, present, isPrefix bool, o *CompileOptions) (bool, verdict) {
	if !present {
		if c.hasPositive || o.AbsentFieldFailsNegative {
			return false, verdict{absent: true}
		}
		return true, verdict{absent: true}
	}
	if c.hasPositive && !c.positive(s, isPrefix && o.ARNPrefixOverlap) {
		return false, verdict{}
	}
	return c.negative(s)
}

// pass is test without the verdict: Match's path.
func (c *cond) pass(s string, present, isPrefix bool, o *CompileOptions) bool {
	if !present {
		return !c.hasPositive && !o.AbsentFieldFailsNegative
	}
	if c.hasPositive && !c.positive(s, isPrefix && o.ARNPrefixOverlap) {
		return false
	}
	if c.neqSet != nil {
		if _, ok := c.neqSet[s]; ok {
			return false
		}
	} else {
		for _, v := range c.neq {
			if s == v {
				return false
			}
		}
	}
	for _, v := range c.nsw {
		if strings.HasPrefix(s, v) {
			return false
		}
	}
	for _, v := range c.nes {
		if strings.HasSuffix(s, v) {
			return false
		}
	}
	return true
}

func (c *cond) positive(s string, overlap bool) bool {
	if c.eqSet != nil {
		if _, ok := c.eqSet[s]; ok {
			return true
		}
	} else {
		for _, v := range c.eq {
			if s == v {
				return true
			}
		}
	}
	for _, v := range c.sw {
		if strings.HasPrefix(s, v) || overlap && strings.HasPrefix(v, s) {
			return true
		}
	}
	for _, v := range c.ew {
		if strings.HasSuffix(s, v) {
			return true
		}
	}
	return false
}

func (c *cond) negative(s string) (bool, verdict) {
	if c.neqSet != nil {
		if _, ok := c.neqSet[s]; ok {
			return false, verdict{op: NotEquals, value: s}
		}
	} else {
		for _, v := range c.neq {
			if s == v {
				return false, verdict{op: NotEquals, value: v}
			}
		}
	}
	for _, v := range c.nsw {
		if strings.HasPrefix(s, v) {
			return false, verdict{op: NotStartsWith, value: v}
		}
	}
	for _, v := range c.nes {
		if strings.HasSuffix(s, v) {
			return false, verdict{op: NotEndsWith, value: v}
		}
	}
	return true, verdict{}
}

// recordField returns the value of a non-resource field in r.
func recordField(id fieldID, r *event.Record, cat event.Category, o *CompileOptions) (string, bool) {
	switch id {
	case fCategory:
		return string(cat), true
	case fSource:
		return r.EventSource, r.EventSource != ""
	case fName:
		return r.EventName, r.EventName != ""
	case fType:
		return string(r.EventType), r.EventType != ""
	case fReadOnly:
		ro, known := readOnlyOf(r, o)
		if !known {
			return "", false
		}
		if ro {
			return "true", true
		}
		return "false", true
	case fSessionCred:
		return r.SessionCredentialFromConsole, r.SessionCredentialFromConsole != ""
	case fUserARN:
		if r.UserIdentity == nil || r.UserIdentity.ARN == "" {
			return "", false
		}
		return r.UserIdentity.ARN, true
	case fErrorCode:
		return r.ErrorCode, r.ErrorCode != ""
	case fVPCE:
		return r.VPCEndpointID, r.VPCEndpointID != ""
	}
	return "", false
}

// resourceField returns the value of a resources.* field of one entry;
// isPrefix reports that resources.ARN came from ARNPrefix.
func resourceField(id fieldID, res *event.Resource) (s string, present, isPrefix bool) {
	if id == fResType {
		return res.Type, res.Type != "", false
	}
	if res.ARN != "" {
		return res.ARN, true, false
	}
	return res.ARNPrefix, res.ARNPrefix != "", res.ARNPrefix != ""
}

// advSel is a compiled advanced selector: record conditions in evaluation
// order (eventCategory first, it rejects most records), then the
// resources.* conditions.
type advSel struct {
	index int
	name  string
	conds []cond
	res   []cond
	nCat  int // conds[:nCat] are the eventCategory conditions
}

func compileAdvanced(i int, s *AdvancedEventSelector) advSel {
	a := advSel{index: i, name: s.Name}
	for j := range s.FieldSelectors {
		c := compileCond(j, &s.FieldSelectors[j])
		if c.field >= fResType {
			a.res = append(a.res, c)
		} else {
			a.conds = append(a.conds, c)
		}
	}
	// Stable sort by field id: eventCategory, eventSource, eventName, ...
	for x := 1; x < len(a.conds); x++ {
		for y := x; y > 0 && a.conds[y].field < a.conds[y-1].field; y-- {
			a.conds[y], a.conds[y-1] = a.conds[y-1], a.conds[y]
		}
	}
	for a.nCat < len(a.conds) && a.conds[a.nCat].field == fCategory {
		a.nCat++
	}
	return a
}

// match is eval without the failure, for Match. It skips the eventCategory
// conditions: Match only calls it for selectors that admit the category.
func (a *advSel) match(r *event.Record, cat event.Category, o *CompileOptions) bool {
	for i := a.nCat; i < len(a.conds); i++ {
		c := &a.conds[i]
		s, present := recordField(c.field, r, cat, o)
		if !c.pass(s, present, false, o) {
			return false
		}
	}
	if len(a.res) == 0 {
		return true
	}
	if o.ResourceFieldsIndependent {
		ok, _ := a.evalResourcesIndependent(r, o)
		return ok
	}
	if len(r.Resources) == 0 {
		for i := range a.res {
			if !a.res[i].pass("", false, false, o) {
				return false
			}
		}
		return true
	}
	for j := range r.Resources {
		res := &r.Resources[j]
		ok := true
		for i := range a.res {
			c := &a.res[i]
			s, present, isPrefix := resourceField(c.field, res)
			if !c.pass(s, present, isPrefix, o) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// admits reports whether the selector's eventCategory conditions accept
// category cat (every other condition is left to eval).
func (a *advSel) admits(cat event.Category, o *CompileOptions) bool {
	if a.empty() {
		return false
	}
	for i := range a.conds {
		if c := &a.conds[i]; c.field == fCategory {
			if ok, _ := c.test(string(cat), true, false, o); !ok {
				return false
			}
		}
	}
	return true
}

// empty reports a selector without field selectors (invalid): it matches
// nothing, rather than everything.
func (a *advSel) empty() bool { return len(a.conds)+len(a.res) == 0 }

// failure identifies the condition that rejected a record.
type failure struct {
	cond     *cond
	verdict  verdict
	resource int // index of the deciding resource entry, or -1
}

func (a *advSel) eval(r *event.Record, cat event.Category, o *CompileOptions) (bool, failure) {
	if a.empty() {
		return false, failure{resource: -1}
	}
	for i := range a.conds {
		c := &a.conds[i]
		s, present := recordField(c.field, r, cat, o)
		if ok, v := c.test(s, present, false, o); !ok {
			return false, failure{cond: c, verdict: v, resource: -1}
		}
	}
	if len(a.res) == 0 {
		return true, failure{}
	}
	if o.ResourceFieldsIndependent {
		return a.evalResourcesIndependent(r, o)
	}
	// Default: one resource entry satisfies every resources.* condition.
	var first failure
	for j := range r.Resources {
		res := &r.Resources[j]
		ok := true
		for i := range a.res {
			c := &a.res[i]
			s, present, isPrefix := resourceField(c.field, res)
			if pass, v := c.test(s, present, isPrefix, o); !pass {
				if first.cond == nil || c.field == fResARN && first.cond.field == fResType {
					first = failure{cond: c, verdict: v, resource: j}
				}
				ok = false
				break
			}
		}
		if ok {
			return true, failure{}
		}
	}
	if len(r.Resources) == 0 { // every resources.* field is absent
		for i := range a.res {
			c := &a.res[i]
			if ok, v := c.test("", false, false, o); !ok {
				return false, failure{cond: c, verdict: v, resource: -1}
			}
		}
		return true, failure{}
	}
	return false, first
}

// evalResourcesIndependent: each resources.* condition passes when some
// entry satisfies its positive part and no entry hits its negative part.
func (a *advSel) evalResourcesIndependent(r *event.Record, o *CompileOptions) (bool, failure) {
	for i := range a.res {
		c := &a.res[i]
		if len(r.Resources) == 0 {
			if ok, v := c.test("", false, false, o); !ok {
				return false, failure{cond: c, verdict: v, resource: -1}
			}
			continue
		}
		posOK := !c.hasPositive
		for j := range r.Resources {
			s, present, isPrefix := resourceField(c.field, &r.Resources[j])
			if !present {
				if o.AbsentFieldFailsNegative && !c.hasPositive {
					return false, failure{cond: c, verdict: verdict{absent: true}, resource: j}
				}
				continue
			}
			if !posOK && c.positive(s, isPrefix && o.ARNPrefixOverlap) {
				posOK = true
			}
			if ok, v := c.negative(s); !ok {
				return false, failure{cond: c, verdict: v, resource: j}
			}
		}
		if !posOK {
			return false, failure{cond: c, resource: -1}
		}
	}
	return true, failure{}
}
