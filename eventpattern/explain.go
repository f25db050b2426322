package eventpattern

import (
	"fmt"
	"strings"

	"github.com/trailkit/trailkit/internal/jsontree"
)

// Explanation says why a pattern matched an event or not. Explain builds it
// with the code MatchEvent runs, so Matched always equals MatchEvent.
type Explanation struct {
	// Matched is the decision.
	Matched bool
	// Fields has one verdict per pattern field, in pattern order, those in
	// $or branches included (every field is evaluated, so a failed match
	// lists all its reasons).
	Fields []FieldVerdict
	// Reason is one sentence naming the decisive fact.
	Reason string
}

// FieldVerdict is the outcome of one field of the pattern.
type FieldVerdict struct {
	// Path is the field's dotted path from the top of the event, such as
	// detail.userIdentity.type.
	Path string `json:"path"`
	// Branch locates a field inside $or branches, such as "$or[1]" or
	// "detail.$or[0] $or[2]"; "" for fields outside $or.
	Branch string `json:"branch,omitempty"`
	// Matched reports whether the field matched.
	Matched bool `json:"matched"`
	// Values are the JSON texts of the event's values at Path (each
	// element of an array separately); empty when the field is absent.
	Values []string `json:"values"`
	// Reason describes the outcome in one sentence.
	Reason string `json:"reason"`
}

// Explain decides like MatchEvent and says why. It allocates; use
// MatchEvent on hot paths.
func (p *Pattern) Explain(e *Event) Explanation {
	var x Explanation
	if !e.ok {
		x.Reason = "the event is empty (not a JSON object)"
		return x
	}
	x.Matched = p.root.explain(&e.doc, "", &x.Fields)
	if x.Matched {
		x.Reason = "every field matched"
		return x
	}
	for _, f := range x.Fields {
		if !f.Matched && f.Branch == "" {
			x.Reason = f.Reason
			return x
		}
	}
	x.Reason = "no branch of an $or matched"
	return x
}

func (g *group) explain(d *jsontree.Doc, branch string, out *[]FieldVerdict) bool {
	ok := true
	for i := range g.fields {
		f := &g.fields[i]
		v := FieldVerdict{Path: f.pathText, Branch: branch, Matched: f.match(d)}
		f.values(d, 0, 0, &v.Values)
		v.Reason = f.reason(v.Matched, v.Values)
		*out = append(*out, v)
		ok = ok && v.Matched
	}
	for k, branches := range g.ors {
		any := false
		for i := range branches {
			label := fmt.Sprintf("$or[%d]", i)
			if g.orPath[k] != "" {
				label = g.orPath[k] + "." + label
			}
			if branch != "" {
				label = branch + " " + label
			}
			if branches[i].explain(d, label, out) {
				any = true
			}
		}
		ok = ok && any
	}
	return ok
}

// values collects the JSON text of the leaf values at the field's path.
func (f *field) values(d *jsontree.Doc, n, i int, out *[]string) {
	if d.Kind(n) == jsontree.Array {
		for e := d.First(n); e >= 0; e = d.Next(e) {
			f.values(d, e, i, out)
		}
		return
	}
	if i == len(f.path) {
		if d.Kind(n) != jsontree.Object {
			*out = append(*out, string(d.Raw(n)))
		}
		return
	}
	if m := d.Member(n, f.path[i]); m >= 0 {
		f.values(d, m, i+1, out)
	}
}

func (f *field) reason(matched bool, values []string) string {
	ms := make([]string, len(f.ms))
	for i := range f.ms {
		ms[i] = f.ms[i].text
	}
	want := "[" + strings.Join(ms, ", ") + "]"
	switch {
	case matched && len(values) == 0:
		return fmt.Sprintf("%s is absent, as %s requires", f.pathText, want)
	case matched:
		return fmt.Sprintf("%s = %s matches %s", f.pathText, strings.Join(values, ", "), want)
	case len(values) == 0:
		return fmt.Sprintf("%s is absent; %s needs a value", f.pathText, want)
	}
	return fmt.Sprintf("%s = %s does not match %s", f.pathText, strings.Join(values, ", "), want)
}
