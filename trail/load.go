package trail

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxDocumentSize bounds the JSON documents Parse and ReadAll read
// (16 MiB); a trail's whole configuration is far smaller.
const maxDocumentSize = 16 << 20

// Sentinel errors of Parse and ReadAll; each *LoadError wraps one of them.
var (
	// ErrMalformed: the input is not one of the documents Parse reads: not
	// valid JSON, a member of the wrong JSON type (for example
	// "IsMultiRegionTrail": "yes"), or valid JSON of none of the shapes.
	ErrMalformed = errors.New("trail: malformed trail document")
	// ErrTooLarge: the input exceeds 16 MiB.
	ErrTooLarge = errors.New("trail: document too large")
)

// LoadError is a Parse or ReadAll failure with its context.
type LoadError struct {
	// Document is what was being read, e.g. "describe-trails".
	Document string
	// Offset is the byte offset of the problem in the input, when known (-1 otherwise).
	Offset int64
	// Path is the JSON member being decoded, e.g. "trailList.IsMultiRegionTrail", when known.
	Path string
	// Err is ErrMalformed or ErrTooLarge.
	Err error
	// Cause is the underlying error (a *json.SyntaxError, *json.UnmarshalTypeError, …), or nil.
	Cause error
}

func (e *LoadError) Error() string {
	s := fmt.Sprintf("trail: reading %s: %v", e.Document, e.Err)
	if e.Path != "" {
		s += " at " + e.Path
	}
	if e.Offset >= 0 {
		s += fmt.Sprintf(" (offset %d)", e.Offset)
	}
	if e.Cause != nil {
		s += ": " + e.Cause.Error()
	}
	return s
}

// Unwrap returns the sentinel and the cause.
func (e *LoadError) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.Cause}
}

func decode(doc string, data []byte, v any) error {
	if len(data) > maxDocumentSize {
		return &LoadError{Document: doc, Offset: -1, Err: ErrTooLarge}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		le := &LoadError{Document: doc, Offset: -1, Err: ErrMalformed, Cause: err}
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			le.Offset = se.Offset
		case errors.As(err, &te):
			le.Offset, le.Path = te.Offset, te.Field
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			le.Offset = int64(len(data))
		}
		return le
	}
	// Nothing but white space may follow the value.
	if _, err := dec.Token(); err != io.EOF {
		return &LoadError{Document: doc, Offset: dec.InputOffset(), Err: ErrMalformed, Cause: errors.New("data after the JSON value")}
	}
	return nil
}

// parseTrail reads one trail object, as in the elements of describe-trails'
// trailList or get-trail's {"Trail": {...}} (both accepted).
func parseTrail(data []byte) (*Trail, error) {
	var w struct {
		Trail *Trail `json:"Trail"`
	}
	if err := decode("trail", data, &w); err != nil {
		return nil, err
	}
	if w.Trail != nil {
		return w.Trail, nil
	}
	var t Trail
	if err := decode("trail", data, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// parseDescribeTrails reads `aws cloudtrail describe-trails` output:
// {"trailList": [...]}.
func parseDescribeTrails(data []byte) ([]Trail, error) {
	var w struct {
		TrailList *[]Trail `json:"trailList"`
	}
	if err := decode("describe-trails", data, &w); err != nil {
		return nil, err
	}
	if w.TrailList == nil {
		return nil, &LoadError{Document: "describe-trails", Offset: -1, Err: ErrMalformed, Cause: errors.New(`no "trailList" member`)}
	}
	return *w.TrailList, nil
}

// eventSelectorsDoc is `aws cloudtrail get-event-selectors` output.
type eventSelectorsDoc struct {
	TrailARN               string                  `json:"TrailARN,omitempty"`
	EventSelectors         []EventSelector         `json:"EventSelectors,omitempty"`
	AdvancedEventSelectors []AdvancedEventSelector `json:"AdvancedEventSelectors,omitempty"`
}

// parseEventSelectors reads get-event-selectors output.
func parseEventSelectors(data []byte) (*eventSelectorsDoc, error) {
	var o eventSelectorsDoc
	if err := decode("get-event-selectors", data, &o); err != nil {
		return nil, err
	}
	return &o, nil
}

// insightSelectorsDoc is `aws cloudtrail get-insight-selectors` output.
type insightSelectorsDoc struct {
	TrailARN         string            `json:"TrailARN,omitempty"`
	InsightSelectors []InsightSelector `json:"InsightSelectors,omitempty"`
}

// parseInsightSelectors reads get-insight-selectors output.
func parseInsightSelectors(data []byte) (*insightSelectorsDoc, error) {
	var o insightSelectorsDoc
	if err := decode("get-insight-selectors", data, &o); err != nil {
		return nil, err
	}
	return &o, nil
}

// parseEventSelectorList reads the bare array that
// `put-event-selectors --event-selectors file://…` takes.
func parseEventSelectorList(data []byte) ([]EventSelector, error) {
	var l []EventSelector
	if err := decode("event selector list", data, &l); err != nil {
		return nil, err
	}
	return l, nil
}

// parseAdvancedEventSelectorList reads the bare array that
// `put-event-selectors --advanced-event-selectors file://…` takes.
func parseAdvancedEventSelectorList(data []byte) ([]AdvancedEventSelector, error) {
	var l []AdvancedEventSelector
	if err := decode("advanced event selector list", data, &l); err != nil {
		return nil, err
	}
	return l, nil
}

// shape is the kind of document Parse recognised.
type shape uint8

// The document shapes Parse recognises.
const (
	shapeDescribeTrails       shape = iota + 1 // {"trailList": [...]}
	shapeTrail                                 // a trail object, or {"Trail": {...}}
	shapeEventSelectors                        // get-event-selectors output
	shapeInsightSelectors                      // get-insight-selectors output
	shapeEventSelectorList                     // [ {ReadWriteType…}, … ]
	shapeAdvancedSelectorList                  // [ {FieldSelectors…}, … ]
)

func (s shape) String() string {
	switch s {
	case shapeDescribeTrails:
		return "describe-trails"
	case shapeTrail:
		return "trail"
	case shapeEventSelectors:
		return "get-event-selectors"
	case shapeInsightSelectors:
		return "get-insight-selectors"
	case shapeEventSelectorList:
		return "event selector list"
	case shapeAdvancedSelectorList:
		return "advanced event selector list"
	}
	return "unknown"
}

// Parse recognises any of the documents above and returns their trails:
// all of describe-trails' trails, or one trail for the other shapes. For
// selector documents the trail carries TrailARN (when given) and the
// selectors; for a bare selector array only the selectors. Those trails
// have no S3BucketName, which every trail CloudTrail prints has, so a
// caller can tell them apart and validate them with
// ValidateOptions.SelectorsOnly. Name is filled from TrailARN when the
// document has no Name.
//
// Sniffing: an array whose first element has "FieldSelectors" is an
// advanced list, any other array (including []) a basic list; an object
// with "trailList" is describe-trails, with "Trail" get-trail; an object
// with "Name" or "S3BucketName" is a trail; with "EventSelectors" or
// "AdvancedEventSelectors" get-event-selectors; with "InsightSelectors"
// get-insight-selectors. Member names are matched exactly.
func Parse(data []byte) ([]Trail, error) {
	ts, _, err := parse(data)
	return ts, err
}

// parse is Parse, also returning the shape it recognised.
func parse(data []byte) ([]Trail, shape, error) {
	sh, err := sniff(data)
	if err != nil {
		return nil, 0, err
	}
	var t Trail
	switch sh {
	case shapeDescribeTrails:
		ts, err := parseDescribeTrails(data)
		if err != nil {
			return nil, 0, err
		}
		for i := range ts {
			fillName(&ts[i])
		}
		return ts, sh, nil
	case shapeTrail:
		p, err := parseTrail(data)
		if err != nil {
			return nil, 0, err
		}
		t = *p
	case shapeEventSelectors:
		o, err := parseEventSelectors(data)
		if err != nil {
			return nil, 0, err
		}
		t = Trail{TrailARN: o.TrailARN, EventSelectors: o.EventSelectors, AdvancedEventSelectors: o.AdvancedEventSelectors,
			HasCustomEventSelectors: len(o.EventSelectors)+len(o.AdvancedEventSelectors) > 0}
	case shapeInsightSelectors:
		o, err := parseInsightSelectors(data)
		if err != nil {
			return nil, 0, err
		}
		t = Trail{TrailARN: o.TrailARN, InsightSelectors: o.InsightSelectors, HasInsightSelectors: len(o.InsightSelectors) > 0}
	case shapeEventSelectorList:
		l, err := parseEventSelectorList(data)
		if err != nil {
			return nil, 0, err
		}
		t = Trail{EventSelectors: l, HasCustomEventSelectors: len(l) > 0}
	case shapeAdvancedSelectorList:
		l, err := parseAdvancedEventSelectorList(data)
		if err != nil {
			return nil, 0, err
		}
		t = Trail{AdvancedEventSelectors: l, HasCustomEventSelectors: len(l) > 0}
	}
	fillName(&t)
	return []Trail{t}, sh, nil
}

func fillName(t *Trail) {
	if t.Name == "" {
		if _, _, n, ok := ParseTrailARN(t.TrailARN); ok {
			t.Name = n
		}
	}
}

func sniff(data []byte) (shape, error) {
	const doc = "trail document"
	var top json.RawMessage
	if err := decode(doc, data, &top); err != nil {
		return 0, err
	}
	top = bytes.TrimSpace(top)
	switch {
	case len(top) > 0 && top[0] == '[':
		var elems []map[string]json.RawMessage
		if err := decode(doc, data, &elems); err != nil {
			return 0, err
		}
		if len(elems) > 0 && elems[0]["FieldSelectors"] != nil {
			return shapeAdvancedSelectorList, nil
		}
		return shapeEventSelectorList, nil
	case len(top) > 0 && top[0] == '{':
		var m map[string]json.RawMessage
		if err := decode(doc, data, &m); err != nil {
			return 0, err
		}
		has := func(k string) bool { _, ok := m[k]; return ok }
		switch {
		case has("trailList"):
			return shapeDescribeTrails, nil
		case has("Trail"), has("Name"), has("S3BucketName"):
			return shapeTrail, nil
		case has("EventSelectors"), has("AdvancedEventSelectors"):
			return shapeEventSelectors, nil
		case has("InsightSelectors"):
			return shapeInsightSelectors, nil
		}
	}
	return 0, &LoadError{Document: doc, Offset: -1, Err: ErrMalformed, Cause: errors.New("unrecognised document shape")}
}

// ReadAll reads r (at most 16 MiB) and Parses it.
func ReadAll(r io.Reader) ([]Trail, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxDocumentSize+1))
	if err != nil {
		return nil, err
	}
	return Parse(data)
}
