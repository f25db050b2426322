package event

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"
)

// MaxRecordSize is the largest record CloudTrail delivers, in bytes of
// compact JSON as written by [Record.AppendJSON]: 256 KB.
const MaxRecordSize = 256 * 1024

// ErrInvalidRecord is matched (with errors.Is) by every error Validate
// returns.
var ErrInvalidRecord = errors.New("event: invalid record")

// ProblemCode classifies a [Problem].
type ProblemCode string

// The problem classes Validate reports.
const (
	// ProblemMissing: a field the record's event type and version require is
	// absent.
	ProblemMissing ProblemCode = "missing"
	// ProblemNotAllowed: a field is present that the event type never has
	// (for example userIdentity in an Insights record).
	ProblemNotAllowed ProblemCode = "not-allowed"
	// ProblemUnknownValue: an enumerated field holds a value CloudTrail does
	// not document.
	ProblemUnknownValue ProblemCode = "unknown-value"
	// ProblemMalformed: a value does not have the required form (eventVersion
	// not <major>.<minor>, eventTime not representable as
	// 2006-01-02T15:04:05Z, a resource with both ARN and ARNPrefix).
	ProblemMalformed ProblemCode = "malformed"
	// ProblemInconsistent: two fields contradict each other (managementEvent
	// against eventCategory, eventCategory against eventType).
	ProblemInconsistent ProblemCode = "inconsistent"
	// ProblemTooLarge: the record's compact JSON exceeds MaxRecordSize.
	ProblemTooLarge ProblemCode = "too-large"
)

// Problem is one thing wrong with a record.
type Problem struct {
	// Field is the JSON path of the field, in CloudTrail's key names, with
	// array indexes in brackets: "eventTime",
	// "userIdentity.sessionContext.attributes.mfaAuthenticated",
	// "resources[1]". It is "" for the record as a whole.
	Field   string
	Code    ProblemCode
	Message string // what is wrong, with the offending value quoted
}

// String returns "field: code: message".
func (p Problem) String() string {
	if p.Field == "" {
		return string(p.Code) + ": " + p.Message
	}
	return p.Field + ": " + string(p.Code) + ": " + p.Message
}

// ValidationError lists every problem Validate found in one record, in the
// order of the record's fields.
type ValidationError struct {
	EventID  string // the record's eventID, if it has one, to locate it
	Problems []Problem
}

// Error lists the problems, separated by "; ".
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("event: invalid record")
	if e.EventID != "" {
		b.WriteString(" ")
		b.WriteString(strconv.Quote(e.EventID))
	}
	for i, p := range e.Problems {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Is reports whether target is ErrInvalidRecord.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidRecord }

// Has reports whether the error lists a problem with the given field and code.
func (e *ValidationError) Has(field string, code ProblemCode) bool {
	for _, p := range e.Problems {
		if p.Field == field && p.Code == code {
			return true
		}
	}
	return false
}

// Validate checks r against the record schema and returns nil or a
// *ValidationError (which matches ErrInvalidRecord) listing every problem at
// once. It never panics, whatever r holds (a nil record, nil nested
// pointers).
//
// Required fields follow the docs' Optional=False flag (spec formats.md
// §1.2), per event type:
//
//   - AwsApiCall, AwsConsoleAction, AwsConsoleSignIn, AwsServiceEvent, and a
//     record whose eventType is unknown or (before 1.02) absent: eventVersion,
//     userIdentity, eventTime, eventSource, eventName, awsRegion,
//     sourceIPAddress, requestParameters and responseElements (JSON null
//     counts as present), eventID, eventType, eventCategory.
//     userIdentity.type is required except in AwsServiceEvent records, whose
//     userIdentity is {"accountId","invokedBy"} in CloudTrail's own samples.
//   - AwsVpceEvent (network activity): the same except requestParameters and
//     responseElements, which these records do not carry.
//   - AwsCloudTrailInsight (§4.1): eventVersion, eventTime, awsRegion,
//     eventID, eventType, recipientAccountId, sharedEventID, eventCategory
//     (which must be Insight) and insightDetails with state, eventSource,
//     eventName and insightType. userIdentity, eventSource, eventName,
//     sourceIPAddress, userAgent, requestParameters, responseElements,
//     readOnly and managementEvent must be absent. insightDetails is not
//     allowed in any other event type.
//
// Old records are judged by their own version (§1.4): eventID is required
// from 1.01, eventType from 1.02, eventCategory from 1.07; a field is never
// required of a record older than the version that introduced it. A record
// whose eventVersion is missing or malformed is judged by the newest rules.
// recipientAccountId is optional outside Insights, as the docs say.
//
// Values checked: eventVersion is <major>.<minor> in ASCII digits with major
// 1; eventTime is non-zero, in UTC and a whole second within years 0–9999
// (what the layout 2006-01-02T15:04:05Z can carry exactly); eventType,
// eventCategory, userIdentity.type, sessionIssuer.type (Root, IAMUser,
// Role), addendum.reason, insightDetails.state and insightType and
// attribution attributes are documented values; managementEvent agrees with
// eventCategory (false for Data and NetworkActivity, true for Management);
// sessionCredentialFromConsole is "true" when present; mfaAuthenticated is
// "true" or "false"; no resource has both ARN and ARNPrefix; raw members
// (requestParameters, …) and Unknown values are valid JSON (only the first
// invalid one is reported, with the codec's path); an average in
// insightDetails is a finite number; the compact JSON written by
// [Record.AppendJSON] is at most MaxRecordSize bytes (checked for every
// version, although the limit was documented from 1.05).
//
// Values CloudTrail does not constrain are not checked: awsRegion,
// sourceIPAddress and account ids are opaque strings (real logs hold
// "AWS Internal", service host names and anonymised values there).
func Validate(r *Record) error {
	if r == nil {
		return &ValidationError{Problems: []Problem{{Code: ProblemMissing, Message: "record is nil"}}}
	}
	v := validator{r: r}
	v.record()
	if len(v.problems) == 0 {
		return nil
	}
	return &ValidationError{EventID: r.EventID, Problems: v.problems}
}

type validator struct {
	r        *Record
	problems []Problem
}

func (v *validator) add(field string, code ProblemCode, msg string) {
	v.problems = append(v.problems, Problem{Field: field, Code: code, Message: msg})
}

func (v *validator) missing(field string) {
	v.add(field, ProblemMissing, "required field is absent")
}

func (v *validator) notAllowed(field, why string) {
	v.add(field, ProblemNotAllowed, why)
}

// minor returns the minor version the record's requirements are judged by.
func (v *validator) minor() int {
	major, minor, ok := parseVersion(v.r.EventVersion)
	if !ok || major != 1 {
		return 1 << 30 // newest rules
	}
	return minor
}

func parseVersion(s string) (major, minor int, ok bool) {
	dot := strings.IndexByte(s, '.')
	if dot <= 0 || dot == len(s)-1 || dot > 4 || len(s)-dot > 5 {
		return 0, 0, false
	}
	for i := 0; i < len(s); i++ {
		if i != dot && (s[i] < '0' || s[i] > '9') {
			return 0, 0, false
		}
	}
	major, _ = strconv.Atoi(s[:dot])
	minor, _ = strconv.Atoi(s[dot+1:])
	return major, minor, true
}

func (v *validator) record() {
	r := v.r
	minor := v.minor()
	insight := r.EventType == AwsCloudTrailInsight

	// eventVersion
	switch major, _, ok := parseVersion(r.EventVersion); {
	case r.EventVersion == "":
		v.missing("eventVersion")
	case !ok:
		v.add("eventVersion", ProblemMalformed, "eventVersion "+strconv.Quote(r.EventVersion)+" is not <major>.<minor> in digits")
	case major != 1:
		v.add("eventVersion", ProblemUnknownValue, "eventVersion "+strconv.Quote(r.EventVersion)+" has major version other than 1")
	}

	// userIdentity
	switch {
	case insight && r.UserIdentity != nil:
		v.notAllowed("userIdentity", "Insights records have no userIdentity")
	case !insight && r.UserIdentity == nil:
		v.missing("userIdentity")
	case r.UserIdentity != nil:
		v.userIdentity(r.UserIdentity)
	}

	v.eventTime()

	// The fields of an API call that Insights records must not have.
	callFields := []struct {
		name    string
		present bool
	}{
		{"eventSource", r.EventSource != ""},
		{"eventName", r.EventName != ""},
		{"awsRegion", r.AWSRegion != ""},
		{"sourceIPAddress", r.SourceIPAddress != ""},
		{"userAgent", r.UserAgent != ""},
		{"requestParameters", r.RequestParameters != nil},
		{"responseElements", r.ResponseElements != nil},
	}
	for _, f := range callFields {
		switch {
		case f.name == "awsRegion":
			if !f.present {
				v.missing(f.name)
			}
		case insight:
			if f.present {
				v.notAllowed(f.name, "Insights records have no top-level "+f.name)
			}
		case f.name == "userAgent":
			// Optional.
		case r.EventType == AwsVpceEvent && (f.name == "requestParameters" || f.name == "responseElements"):
			// Network-activity records do not carry them.
		case !f.present:
			v.missing(f.name)
		}
	}

	if r.EventID == "" && minor >= 1 {
		v.missing("eventID")
	}
	if insight {
		if r.ReadOnly != nil {
			v.notAllowed("readOnly", "Insights records have no readOnly")
		}
	}
	for i := range r.Resources {
		if r.Resources[i].ARN != "" && r.Resources[i].ARNPrefix != "" {
			v.add("resources["+strconv.Itoa(i)+"]", ProblemMalformed, "has both ARN and ARNPrefix")
		}
	}

	// eventType
	switch {
	case r.EventType == "":
		if minor >= 2 {
			v.missing("eventType")
		}
	case !r.EventType.Known():
		v.add("eventType", ProblemUnknownValue, "unknown eventType "+strconv.Quote(string(r.EventType)))
	}

	// managementEvent
	if insight && r.ManagementEvent != nil {
		v.notAllowed("managementEvent", "Insights records have no managementEvent")
	} else if m := r.ManagementEvent; m != nil {
		switch r.EventCategory {
		case CategoryManagement:
			if !*m {
				v.add("managementEvent", ProblemInconsistent, "managementEvent is false but eventCategory is Management")
			}
		case CategoryData, CategoryNetworkActivity:
			if *m {
				v.add("managementEvent", ProblemInconsistent, "managementEvent is true but eventCategory is "+string(r.EventCategory))
			}
		}
	}

	if insight {
		if r.RecipientAccountID == "" {
			v.missing("recipientAccountId")
		}
		if r.SharedEventID == "" {
			v.missing("sharedEventID")
		}
	}

	// eventCategory
	switch {
	case r.EventCategory == "":
		if minor >= 7 {
			v.missing("eventCategory")
		}
	case !r.EventCategory.Known():
		v.add("eventCategory", ProblemUnknownValue, "unknown eventCategory "+strconv.Quote(string(r.EventCategory)))
	case insight != (r.EventCategory == CategoryInsight):
		v.add("eventCategory", ProblemInconsistent, "eventCategory "+string(r.EventCategory)+" with eventType "+strconv.Quote(string(r.EventType)))
	}

	if a := r.Addendum; a != nil && !a.Reason.Known() {
		if a.Reason == "" {
			v.missing("addendum.reason")
		} else {
			v.add("addendum.reason", ProblemUnknownValue, "unknown addendum reason "+strconv.Quote(string(a.Reason)))
		}
	}

	if s := r.SessionCredentialFromConsole; s != "" && s != "true" {
		v.add("sessionCredentialFromConsole", ProblemUnknownValue, "sessionCredentialFromConsole is "+strconv.Quote(s)+", CloudTrail writes only \"true\"")
	}

	switch {
	case insight && r.InsightDetails == nil:
		v.missing("insightDetails")
	case insight:
		v.insightDetails(r.InsightDetails)
	case r.InsightDetails != nil:
		v.notAllowed("insightDetails", "insightDetails appears only in AwsCloudTrailInsight records")
	}

	// Raw members and Unknown values must be valid JSON (checked by the
	// codec; it reports the first bad member). The eventTime year is
	// reported above.
	if ee, ok := r.checkEncodable().(*EncodeError); ok && ee.Member != "eventTime" {
		v.add(ee.Member, ProblemMalformed, ee.Msg)
	}

	if n := encodedSize(r); n > MaxRecordSize {
		v.add("", ProblemTooLarge, "record is "+strconv.Itoa(n)+" bytes of JSON, over the "+strconv.Itoa(MaxRecordSize)+"-byte limit")
	}
}

func (v *validator) eventTime() {
	t := v.r.EventTime
	switch _, off := t.Zone(); {
	case t.IsZero():
		v.missing("eventTime")
	case t.Location() != time.UTC || off != 0:
		v.add("eventTime", ProblemMalformed, "eventTime "+t.Format(time.RFC3339Nano)+" is not in UTC")
	case t.Nanosecond() != 0:
		v.add("eventTime", ProblemMalformed, "eventTime "+t.Format(time.RFC3339Nano)+" has a fraction of a second")
	case t.Year() < 0 || t.Year() > 9999:
		v.add("eventTime", ProblemMalformed, "eventTime year "+strconv.Itoa(t.Year())+" does not fit 2006-01-02T15:04:05Z")
	}
}

func (v *validator) userIdentity(u *UserIdentity) {
	switch {
	case u.Type == "":
		if v.r.EventType != AwsServiceEvent {
			v.missing("userIdentity.type")
		}
	case !u.Type.Known():
		v.add("userIdentity.type", ProblemUnknownValue, "unknown identity type "+strconv.Quote(string(u.Type)))
	}
	sc := u.SessionContext
	if sc == nil {
		return
	}
	if si := sc.SessionIssuer; si != nil {
		switch si.Type {
		case "", "Root", "IAMUser", "Role":
		default:
			v.add("userIdentity.sessionContext.sessionIssuer.type", ProblemUnknownValue, "unknown session issuer type "+strconv.Quote(si.Type))
		}
	}
	if a := sc.Attributes; a != nil {
		switch a.MFAAuthenticated {
		case "", "true", "false":
		default:
			v.add("userIdentity.sessionContext.attributes.mfaAuthenticated", ProblemUnknownValue,
				"mfaAuthenticated is "+strconv.Quote(a.MFAAuthenticated)+", CloudTrail writes \"true\" or \"false\"")
		}
	}
}

func (v *validator) insightDetails(d *InsightDetails) {
	const p = "insightDetails."
	switch {
	case d.State == "":
		v.missing(p + "state")
	case !d.State.Known():
		v.add(p+"state", ProblemUnknownValue, "unknown Insight state "+strconv.Quote(string(d.State)))
	}
	if d.EventSource == "" {
		v.missing(p + "eventSource")
	}
	if d.EventName == "" {
		v.missing(p + "eventName")
	}
	switch {
	case d.InsightType == "":
		v.missing(p + "insightType")
	case !d.InsightType.Known():
		v.add(p+"insightType", ProblemUnknownValue, "unknown insightType "+strconv.Quote(string(d.InsightType)))
	}
	if c := d.InsightContext; c != nil {
		for i, a := range c.Attributions {
			switch a.Attribute {
			case "userIdentityArn", "userAgent", "errorCode":
			default:
				v.add(p+"insightContext.attributions["+strconv.Itoa(i)+"].attribute", ProblemUnknownValue,
					"unknown attribution attribute "+strconv.Quote(a.Attribute))
			}
		}
	}
}

// sizeBuffers holds encode buffers for the size check, so that validating a
// stream of records does not allocate a buffer per record.
var sizeBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// encodedSize returns the length of r's compact JSON, as AppendJSON writes it.
func encodedSize(r *Record) int {
	bp := sizeBuffers.Get().(*[]byte)
	b := r.AppendJSON((*bp)[:0])
	n := len(b)
	if cap(b) <= 1<<20 { // do not keep huge buffers in the pool
		*bp = b[:0]
		sizeBuffers.Put(bp)
	}
	return n
}
