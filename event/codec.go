package event

import (
	"encoding/json"
	"math"
	"strconv"
)

// SyntaxError reports malformed JSON in a record: bytes that are not a
// well-formed JSON object. It is the only error Unmarshal returns; where
// errors are mixed (a log file reader's), errors.As with a *SyntaxError
// tells a rejected record from other failures.
type SyntaxError struct {
	Offset int64  // byte offset in the input at which the problem was found
	Msg    string // what was wrong, e.g. "invalid character 'x' after object key"
}

// Error returns "event: malformed JSON at offset N: " and the message.
func (e *SyntaxError) Error() string {
	return "event: malformed JSON at offset " + strconv.FormatInt(e.Offset, 10) + ": " + e.Msg
}

// EncodeError is the only error MarshalJSON returns: the record cannot be
// written as valid CloudTrail JSON (a raw member or Unknown value that is
// not valid JSON, a NaN or infinite average, or an eventTime outside the
// years 0000–9999). It names the member and wraps the underlying cause,
// where there is one.
type EncodeError struct {
	Member string // dotted path of the member, e.g. "requestParameters" or "userIdentity.Unknown[foo]"
	Msg    string
	Err    error // underlying cause (a *SyntaxError for invalid raw JSON), or nil
}

// Error names the member, the problem and the cause.
func (e *EncodeError) Error() string {
	s := "event: cannot encode " + e.Member + ": " + e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying cause, or nil.
func (e *EncodeError) Unwrap() error { return e.Err }

// Unmarshal decodes one record, a JSON object, from data into r. On success
// it replaces the whole of *r; on error *r is left unchanged. Leading and
// trailing JSON whitespace is allowed; anything else after the object is a
// syntax error. The record does not alias data: data may be reused as soon as
// Unmarshal returns.
//
// The only error is a *SyntaxError, for malformed JSON
// or a value that is not an object. Well-formed members the model cannot hold
// (an eventTime of "redacted", "readOnly":"true") are not errors: they are
// kept in Unknown.
func Unmarshal(data []byte, r *Record) error {
	// Decode in place and restore on error: a temporary would escape to
	// the heap (the decoder reaches it through an interface).
	saved := *r
	*r = Record{}
	d := getDecoder(data)
	defer putDecoder(d)
	if err := d.record(r); err != nil {
		*r = saved
		return err
	}
	return nil
}

// UnmarshalJSON implements json.Unmarshaler; it is Unmarshal, except that
// the JSON literal null leaves r unchanged, following the json.Unmarshaler
// convention.
func (r *Record) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	return Unmarshal(data, r)
}

// AppendJSON appends the record as compact CloudTrail JSON to dst and returns
// the extended slice. It does not allocate when dst has enough capacity.
// The encoding rules are in the package documentation ("Encoding").
//
// AppendJSON does not check the record: raw members and Unknown values are
// written verbatim, so a caller that sets them must supply valid JSON;
// MarshalJSON checks them.
func (r *Record) AppendJSON(dst []byte) []byte {
	return appendRecord(dst, r)
}

// MarshalJSON implements json.Marshaler. It returns what AppendJSON writes,
// after checking that the result is valid JSON; the only error is an
// *EncodeError.
// It has a value receiver so that json.Marshal encodes Record values as well
// as pointers the same way.
func (r Record) MarshalJSON() ([]byte, error) {
	if err := r.checkEncodable(); err != nil {
		return nil, err
	}
	return appendRecord(make([]byte, 0, 2048), &r), nil
}

// checkEncodable finds what AppendJSON would write as invalid JSON. It
// returns nil or an *EncodeError for the first problem. (Validate uses it.)
func (r *Record) checkEncodable() error {
	if !r.EventTime.IsZero() {
		if y := r.EventTime.UTC().Year(); y < 0 || y > 9999 {
			return &EncodeError{Member: "eventTime", Msg: "year " + strconv.Itoa(y) + " outside 0000-9999"}
		}
	}
	var err error
	check := func(path string, raw json.RawMessage) {
		if err != nil || len(raw) == 0 {
			return
		}
		if e := validJSON(raw); e != nil {
			err = &EncodeError{Member: path, Msg: "raw value is not valid JSON", Err: e}
		}
	}
	checkMembers := func(path string, m Members) {
		for _, x := range m {
			check(path+".Unknown["+x.Key+"]", x.Value)
		}
	}
	checkAvg := func(path string, f float64) {
		if err == nil && (math.IsNaN(f) || math.IsInf(f, 0)) {
			err = &EncodeError{Member: path, Msg: "average " + strconv.FormatFloat(f, 'g', -1, 64) + " is not a JSON number"}
		}
	}
	check("requestParameters", r.RequestParameters)
	check("responseElements", r.ResponseElements)
	check("additionalEventData", r.AdditionalEventData)
	check("serviceEventDetails", r.ServiceEventDetails)
	check("edgeDeviceDetails", r.EdgeDeviceDetails)
	check("eventContext", r.EventContext)
	checkMembers("record", r.Unknown)
	if u := r.UserIdentity; u != nil {
		checkMembers("userIdentity", u.Unknown)
		if s := u.SessionContext; s != nil {
			checkMembers("userIdentity.sessionContext", s.Unknown)
			if s.SessionIssuer != nil {
				checkMembers("userIdentity.sessionContext.sessionIssuer", s.SessionIssuer.Unknown)
			}
			if w := s.WebIDFederationData; w != nil {
				check("userIdentity.sessionContext.webIdFederationData.attributes", w.Attributes)
				checkMembers("userIdentity.sessionContext.webIdFederationData", w.Unknown)
			}
			if s.Attributes != nil {
				checkMembers("userIdentity.sessionContext.attributes", s.Attributes.Unknown)
			}
		}
		if u.InvokedByDelegate != nil {
			checkMembers("userIdentity.invokedByDelegate", u.InvokedByDelegate.Unknown)
		}
		if u.OnBehalfOf != nil {
			checkMembers("userIdentity.onBehalfOf", u.OnBehalfOf.Unknown)
		}
		if u.InScopeOf != nil {
			checkMembers("userIdentity.inScopeOf", u.InScopeOf.Unknown)
		}
	}
	for i := range r.Resources {
		checkMembers("resources["+strconv.Itoa(i)+"]", r.Resources[i].Unknown)
	}
	if a := r.Addendum; a != nil {
		check("addendum.updatedFields", a.UpdatedFields)
		checkMembers("addendum", a.Unknown)
	}
	if t := r.TLSDetails; t != nil {
		checkMembers("tlsDetails", t.Unknown)
	}
	if in := r.InsightDetails; in != nil {
		checkMembers("insightDetails", in.Unknown)
		if c := in.InsightContext; c != nil {
			checkMembers("insightDetails.insightContext", c.Unknown)
			if s := c.Statistics; s != nil {
				p := "insightDetails.insightContext.statistics"
				checkMembers(p, s.Unknown)
				if s.Baseline != nil {
					checkAvg(p+".baseline", s.Baseline.Average)
					checkMembers(p+".baseline", s.Baseline.Unknown)
				}
				if s.Insight != nil {
					checkAvg(p+".insight", s.Insight.Average)
					checkMembers(p+".insight", s.Insight.Unknown)
				}
			}
			for i, a := range c.Attributions {
				p := "insightDetails.insightContext.attributions[" + strconv.Itoa(i) + "]"
				checkMembers(p, a.Unknown)
				for j, v := range a.Insight {
					checkAvg(p+".insight["+strconv.Itoa(j)+"]", v.Average)
					checkMembers(p+".insight["+strconv.Itoa(j)+"]", v.Unknown)
				}
				for j, v := range a.Baseline {
					checkAvg(p+".baseline["+strconv.Itoa(j)+"]", v.Average)
					checkMembers(p+".baseline["+strconv.Itoa(j)+"]", v.Unknown)
				}
			}
		}
	}
	return err
}

// validJSON reports whether b is exactly one JSON value, optionally
// surrounded by whitespace.
func validJSON(b []byte) error {
	d := decoder{data: b}
	d.skipWS()
	if err := d.skipValue(); err != nil {
		return err
	}
	if d.skipWS() != 0 || d.pos < len(d.data) {
		return d.syntaxError("trailing data after JSON value")
	}
	return nil
}

// KnownToRoundTrip reports, without decoding, that AppendJSON's output for r
// reads back through Unmarshal as a record whose AppendJSON output is the
// same bytes. It is true only for records of a simple, common form: every raw
// member is exactly one valid JSON value with no whitespace around it (what
// Unmarshal keeps verbatim), no object has Unknown members (so no key can
// repeat or collide with a field), there are no insight details (averages),
// eventTime is zero or a whole second in the years 0000–9999, and the
// process's layout table is far from full. False means only "not known":
// decode and re-encode to find out.
func (r *Record) KnownToRoundTrip() bool {
	if !r.EventTime.IsZero() {
		t := r.EventTime.UTC()
		if t.Nanosecond() != 0 || t.Year() < 0 || t.Year() > 9999 {
			return false
		}
	}
	if r.InsightDetails != nil || len(r.Unknown) != 0 || layoutsCrowded() {
		return false
	}
	if !strictRaw(r.RequestParameters) || !strictRaw(r.ResponseElements) ||
		!strictRaw(r.AdditionalEventData) || !strictRaw(r.ServiceEventDetails) ||
		!strictRaw(r.EdgeDeviceDetails) || !strictRaw(r.EventContext) {
		return false
	}
	if u := r.UserIdentity; u != nil {
		if len(u.Unknown) != 0 {
			return false
		}
		if s := u.SessionContext; s != nil {
			if len(s.Unknown) != 0 ||
				s.SessionIssuer != nil && len(s.SessionIssuer.Unknown) != 0 ||
				s.Attributes != nil && len(s.Attributes.Unknown) != 0 {
				return false
			}
			if w := s.WebIDFederationData; w != nil && (len(w.Unknown) != 0 || !strictRaw(w.Attributes)) {
				return false
			}
		}
		if u.InvokedByDelegate != nil && len(u.InvokedByDelegate.Unknown) != 0 ||
			u.OnBehalfOf != nil && len(u.OnBehalfOf.Unknown) != 0 ||
			u.InScopeOf != nil && len(u.InScopeOf.Unknown) != 0 {
			return false
		}
	}
	for i := range r.Resources {
		if len(r.Resources[i].Unknown) != 0 {
			return false
		}
	}
	if a := r.Addendum; a != nil && (len(a.Unknown) != 0 || !strictRaw(a.UpdatedFields)) {
		return false
	}
	if t := r.TLSDetails; t != nil && len(t.Unknown) != 0 {
		return false
	}
	return true
}

// strictRaw reports whether b is empty (absent) or exactly one JSON value
// with nothing, not even whitespace, around it.
func strictRaw(b []byte) bool {
	if len(b) == 0 {
		return true
	}
	switch b[0] {
	case ' ', '\t', '\n', '\r':
		return false
	}
	d := decoder{data: b}
	return d.skipValue() == nil && d.pos == len(d.data)
}

// layoutsCrowded reports whether the layout table is over half full: a
// record's new layouts might then not be interned, and a laid-out object
// would read back in the default order.
func layoutsCrowded() bool { return layoutsUsed.Load() >= maxLayouts/2 }
