package trail

import (
	"fmt"
	"strings"

	"github.com/trailkit/trailkit/event"
)

// Explanation says why a trail records an event or not. Explain builds it
// with the same code Match runs, so Recorded always equals Match.
type Explanation struct {
	// Recorded is the decision.
	Recorded bool
	// Stage is the pipeline step that decided (StageSelectors when the
	// event reached the selectors).
	Stage Stage
	// Reason is one sentence naming the decisive fact.
	Reason string
	// Selector is the index of the first matching selector, or -1.
	Selector int
	// Selectors has one verdict per selector, in order, when Stage is
	// StageSelectors (evaluation stops at the first match, so selectors
	// after it are not listed). A trail that never had selectors set has
	// one: the default selector, all management events.
	Selectors []SelectorVerdict

	kind selectorKind // for String
}

// SelectorVerdict is the outcome of one selector.
type SelectorVerdict struct {
	Index   int
	Name    string // advanced selectors only
	Matched bool
	// For a failed advanced selector: the deciding condition.
	Field      string   // its Field
	FieldIndex int      // its index in FieldSelectors, -1 for basic selectors
	Operator   Operator // the negative operator that excluded, or ""
	Value      string   // the excluding value, or ""
	Absent     bool     // the field is absent from the record
	// Reason describes the outcome in one sentence.
	Reason string
}

// Explain decides like Match and says why. It allocates; use Match on hot paths.
func (f *Filter) Explain(r *event.Record) Explanation {
	cat := effectiveCategory(r)
	e := Explanation{kind: f.kind, Selector: -1}
	st, why := f.scope(r, cat)
	e.Stage = st
	if st != StageSelectors {
		e.Reason = f.scopeReason(why, r, cat)
		return e
	}
	if f.kind == advancedSelector {
		for i := range f.adv {
			a := &f.adv[i]
			ok, fl := a.eval(r, cat, &f.opts)
			v := SelectorVerdict{Index: a.index, Name: a.name, Matched: ok, FieldIndex: -1}
			if ok {
				v.Reason = "every field selector holds"
			} else if fl.cond == nil {
				v.Reason = "the selector has no field selectors and matches nothing"
			} else {
				c := fl.cond
				v.Field, v.FieldIndex = c.name, c.index
				v.Operator, v.Value, v.Absent = fl.verdict.op, fl.verdict.value, fl.verdict.absent
				v.Reason = advancedReason(c, fl, r, cat, &f.opts)
			}
			e.Selectors = append(e.Selectors, v)
			if ok {
				e.Recorded, e.Selector = true, a.index
				e.Reason = fmt.Sprintf("advanced selector %d%s matched", a.index, quoteName(a.name))
				return e
			}
		}
		e.Reason = fmt.Sprintf("none of %d advanced selectors matched", len(f.adv))
		return e
	}
	for i := range f.basic {
		b := &f.basic[i]
		ok, why := b.eval(r, cat, &f.opts)
		v := SelectorVerdict{Index: b.index, Matched: ok, FieldIndex: -1, Reason: basicReason(why, b, r, cat)}
		e.Selectors = append(e.Selectors, v)
		if ok {
			e.Recorded, e.Selector = true, b.index
			if f.kind == defaultSelector {
				e.Reason = "the default selector (all management events) matched"
			} else {
				e.Reason = fmt.Sprintf("basic selector %d matched", b.index)
			}
			return e
		}
	}
	if f.kind == defaultSelector {
		e.Reason = "the default selector records management events only"
	} else {
		e.Reason = fmt.Sprintf("none of %d basic selectors matched", len(f.basic))
	}
	return e
}

func quoteName(n string) string {
	if n == "" {
		return ""
	}
	return fmt.Sprintf(" (%q)", n)
}

func (f *Filter) scopeReason(why scopeWhy, r *event.Record, cat event.Category) string {
	switch why {
	case whyNotLogging:
		return "the trail is not logging"
	case whyInsight:
		return "Insights events are produced by Insights, never by selectors"
	case whyUnknownCategory:
		return fmt.Sprintf("eventCategory %q is not one a trail records", cat)
	case whyOtherAccount:
		return fmt.Sprintf("recipientAccountId %s is not the trail's account %s", r.RecipientAccountID, f.account)
	case whyNotMember:
		return fmt.Sprintf("recipientAccountId %s is neither the trail's account %s nor a listed organization member", r.RecipientAccountID, f.account)
	case whyGlobalExcluded:
		return fmt.Sprintf("%s in us-east-1 is a global service event and IncludeGlobalServiceEvents is false", r.EventSource)
	case whyGlobalOtherHome:
		return fmt.Sprintf("%s in us-east-1 is a global service event; a single-Region trail in %s does not receive it", r.EventSource, f.home)
	case whyOtherRegion:
		return fmt.Sprintf("awsRegion %s is not the single-Region trail's home Region %s", r.AWSRegion, f.home)
	case whyNeitherOwnerNorCaller:
		return fmt.Sprintf("data event delivered to %s, which is neither the resource owner nor the caller", r.RecipientAccountID)
	}
	return ""
}

func basicReason(why basicWhy, b *basicSel, r *event.Record, cat event.Category) string {
	switch why {
	case basicOK:
		if cat == event.CategoryManagement {
			return "management events included"
		}
		return "a DataResources value matches a resource of the record"
	case basicNetwork:
		return "basic selectors cannot select NetworkActivity events"
	case basicNoManagement:
		return "IncludeManagementEvents is false"
	case basicReadWrite:
		if r.ReadOnly == nil {
			return fmt.Sprintf("the record has no readOnly and ReadWriteType is %s", b.rw)
		}
		return fmt.Sprintf("readOnly %t does not match ReadWriteType %s", *r.ReadOnly, b.rw)
	case basicExcludedSource:
		return fmt.Sprintf("eventSource %s is in ExcludeManagementEventSources", r.EventSource)
	case basicNoDataResource:
		return "no DataResources value matches the record's resources"
	}
	return ""
}

func advancedReason(c *cond, fl failure, r *event.Record, cat event.Category, o *CompileOptions) string {
	v := fl.verdict
	switch {
	case v.absent:
		if c.hasPositive {
			return fmt.Sprintf("%s is absent from the record, so no positive operator matches", c.name)
		}
		return fmt.Sprintf("%s is absent from the record (AbsentFieldFailsNegative)", c.name)
	case v.op != "":
		return fmt.Sprintf("%s %q is excluded by %s %q", c.name, fieldText(c, fl, r, cat, o), v.op, v.value)
	}
	return fmt.Sprintf("%s %q matches none of %s", c.name, fieldText(c, fl, r, cat, o), positiveText(c))
}

func fieldText(c *cond, fl failure, r *event.Record, cat event.Category, o *CompileOptions) string {
	if c.field >= fResType {
		if fl.resource >= 0 && fl.resource < len(r.Resources) {
			s, _, _ := resourceField(c.field, &r.Resources[fl.resource])
			return s
		}
		var vals []string
		for j := range r.Resources {
			s, _, _ := resourceField(c.field, &r.Resources[j])
			vals = append(vals, s)
		}
		return strings.Join(vals, ", ")
	}
	s, _ := recordField(c.field, r, cat, o)
	return s
}

func positiveText(c *cond) string {
	var parts []string
	for _, ov := range []operatorValues{{Equals, c.eq}, {StartsWith, c.sw}, {EndsWith, c.ew}} {
		if ov.Values != nil {
			parts = append(parts, fmt.Sprintf("%s %q", ov.Operator, ov.Values))
		}
	}
	return strings.Join(parts, ", ")
}

// String renders the explanation on one line per selector.
func (e Explanation) String() string {
	var b strings.Builder
	if e.Recorded {
		b.WriteString("recorded: ")
	} else {
		fmt.Fprintf(&b, "not recorded (%s): ", e.Stage)
	}
	b.WriteString(e.Reason)
	for _, v := range e.Selectors {
		b.WriteString("\n  ")
		fmt.Fprintf(&b, "%s selector %d%s: ", e.kind, v.Index, quoteName(v.Name))
		if v.Matched {
			b.WriteString("match: ")
		} else {
			b.WriteString("no match: ")
		}
		if v.FieldIndex >= 0 {
			fmt.Fprintf(&b, "FieldSelectors[%d]: ", v.FieldIndex)
		}
		b.WriteString(v.Reason)
	}
	return b.String()
}
