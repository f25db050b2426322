package event

import (
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// MaxRecordSize is the largest record CloudTrail delivers, in bytes of
// compact JSON as written by [Record.AppendJSON]: 256 KB.
const MaxRecordSize = 256 * 1024

// ProblemCode classifies a [Problem].
type ProblemCode string

// The problem classes Validate reports.
const (
	// ProblemMissing: a field the record's event type and version require is
	// absent.
	ProblemMissing ProblemCode = "missing"
	// ProblemEmpty: a field the record's event type and version require is
	// present but an empty string.
	ProblemEmpty ProblemCode = "empty"
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

// text returns "field: code: message".
func (p Problem) text() string {
	if p.Field == "" {
		return string(p.Code) + ": " + p.Message
	}
	return p.Field + ": " + string(p.Code) + ": " + p.Message
}

// ValidationError lists every problem Validate found in one record, in the
// order of the record's fields. It is the only error Validate returns.
type ValidationError struct {
	EventID  string // the record's eventID, if it has one, to locate it
	Problems []Problem
}

// Error lists the problems, each as "field: code: message", separated by
// "; ".
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
		b.WriteString(p.text())
	}
	return b.String()
}

// Validate checks r against the record schema and returns nil or a
// *ValidationError listing every problem at
// once. It never panics, whatever r holds (a nil record, nil nested
// pointers).
//
// Which top-level members are required, optional or not allowed depends on
// the event type (the docs' Optional flag, spec formats.md §1.2, checked
// against the records CloudTrail delivered); the table is recordRules:
//
//   - AwsApiCall, AwsConsoleAction, AwsConsoleSignIn, and a record whose
//     eventType is unknown or (before 1.02) absent: eventVersion,
//     userIdentity (with its type), eventTime, eventSource, eventName,
//     awsRegion, sourceIPAddress, requestParameters and responseElements
//     (JSON null counts as present), eventID, eventType, eventCategory.
//   - AwsServiceEvent: the same except requestParameters, responseElements
//     and userIdentity.type, which service events often do not carry.
//   - AwsVpceEvent (network activity): the same as an API call except
//     requestParameters and responseElements.
//   - AwsCloudTrailInsight (§4.1): eventVersion, eventTime, awsRegion,
//     eventID, eventType, sharedEventID, eventCategory (which must be
//     Insight) and insightDetails with state, eventSource, eventName and
//     insightType; recipientAccountId is optional (current documentation).
//     userIdentity, eventSource, eventName, sourceIPAddress, userAgent,
//     requestParameters, responseElements, readOnly and managementEvent are
//     not allowed. insightDetails is not allowed in any other event type.
//
// Old records are judged by their own version (§1.4): eventID is required
// from 1.01, eventType from 1.02, eventCategory from 1.07; a field is never
// required of a record older than the version that introduced it. A record
// whose eventVersion is missing or malformed is judged by the newest rules.
//
// A required member that is present but is an empty string (kept in
// Unknown by the decoder) is reported as ProblemEmpty, not ProblemMissing;
// one present with a value its field cannot hold ("eventTime":"redacted")
// as ProblemMalformed.
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
	v := validator{r: r, minor: versionMinor(r.EventVersion)}
	v.presence(rulesFor(r.EventType))
	v.values()
	if len(v.problems) == 0 {
		return nil
	}
	sortProblems(v.problems)
	return &ValidationError{EventID: r.EventID, Problems: v.problems}
}

// sortProblems orders problems by the position of their top-level member
// in the record (the encoder's default order); problems of the record as a
// whole come last.
func sortProblems(ps []Problem) {
	var r Record
	rank := func(field string) int {
		if field == "" {
			return 1 << 30
		}
		if i := strings.IndexAny(field, ".["); i >= 0 {
			field = field[:i]
		}
		if i := r.fieldIndex([]byte(field)); i >= 0 {
			return i
		}
		return 1 << 29 // an Unknown member
	}
	sort.SliceStable(ps, func(i, j int) bool { return rank(ps[i].Field) < rank(ps[j].Field) })
}

// presence is what an event type's rules say of a top-level member.
type presence uint8

const (
	optional presence = iota
	required
	forbidden
)

// topMember is a top-level member the per-type rules speak of.
type topMember struct {
	name  string
	since int // the minor eventVersion from which it can be required
	set   func(r *Record) bool
}

// topMembers are the members recordRules constrain, in record order.
var topMembers = [...]topMember{
	{"eventVersion", 0, func(r *Record) bool { return r.EventVersion != "" }},
	{"userIdentity", 0, func(r *Record) bool { return r.UserIdentity != nil }},
	{"eventTime", 0, func(r *Record) bool { return !r.EventTime.IsZero() }},
	{"eventSource", 0, func(r *Record) bool { return r.EventSource != "" }},
	{"eventName", 0, func(r *Record) bool { return r.EventName != "" }},
	{"awsRegion", 0, func(r *Record) bool { return r.AWSRegion != "" }},
	{"sourceIPAddress", 0, func(r *Record) bool { return r.SourceIPAddress != "" }},
	{"userAgent", 0, func(r *Record) bool { return r.UserAgent != "" }},
	{"requestParameters", 0, func(r *Record) bool { return r.RequestParameters != nil }},
	{"responseElements", 0, func(r *Record) bool { return r.ResponseElements != nil }},
	{"eventID", 1, func(r *Record) bool { return r.EventID != "" }},
	{"readOnly", 0, func(r *Record) bool { return r.ReadOnly != nil }},
	{"eventType", 2, func(r *Record) bool { return r.EventType != "" }},
	{"managementEvent", 0, func(r *Record) bool { return r.ManagementEvent != nil }},
	{"recipientAccountId", 0, func(r *Record) bool { return r.RecipientAccountID != "" }},
	{"sharedEventID", 0, func(r *Record) bool { return r.SharedEventID != "" }},
	{"eventCategory", 7, func(r *Record) bool { return r.EventCategory != "" }},
	{"insightDetails", 0, func(r *Record) bool { return r.InsightDetails != nil }},
}

// typeRule is the rule of one event type: required and not-allowed
// top-level members (space-separated names), and whether userIdentity.type
// is required.
type typeRule struct {
	required, forbidden string
	identityType        bool
}

const apiCallRequired = "eventVersion userIdentity eventTime eventSource eventName awsRegion " +
	"sourceIPAddress requestParameters responseElements eventID eventType eventCategory"

// recordRules is the table of per-type rules; an unknown or absent
// eventType is judged as an API call.
var recordRules = map[EventType]typeRule{
	AwsAPICall:       {required: apiCallRequired, forbidden: "insightDetails", identityType: true},
	AwsConsoleAction: {required: apiCallRequired, forbidden: "insightDetails", identityType: true},
	AwsConsoleSignIn: {required: apiCallRequired, forbidden: "insightDetails", identityType: true},
	AwsServiceEvent: {required: "eventVersion userIdentity eventTime eventSource eventName awsRegion " +
		"sourceIPAddress eventID eventType eventCategory", forbidden: "insightDetails"},
	AwsVpceEvent: {required: "eventVersion userIdentity eventTime eventSource eventName awsRegion " +
		"sourceIPAddress eventID eventType eventCategory", forbidden: "insightDetails", identityType: true},
	AwsCloudTrailInsight: {required: "eventVersion eventTime awsRegion eventID eventType sharedEventID eventCategory insightDetails",
		forbidden: "userIdentity eventSource eventName sourceIPAddress userAgent requestParameters " +
			"responseElements readOnly managementEvent"},
}

// compiledRule is a typeRule as one presence per topMembers entry.
type compiledRule struct {
	eventType    EventType
	member       [len(topMembers)]presence
	identityType bool
}

var compiledRules = func() map[EventType]*compiledRule {
	m := make(map[EventType]*compiledRule, len(recordRules))
	for t, rule := range recordRules {
		c := &compiledRule{eventType: t, identityType: rule.identityType}
		for _, set := range []struct {
			names string
			p     presence
		}{{rule.required, required}, {rule.forbidden, forbidden}} {
			for _, name := range strings.Fields(set.names) {
				i := topMemberIndex(name)
				if i < 0 {
					panic("event: recordRules names unknown member " + name)
				}
				c.member[i] = set.p
			}
		}
		m[t] = c
	}
	return m
}()

func topMemberIndex(name string) int {
	for i, m := range topMembers {
		if m.name == name {
			return i
		}
	}
	return -1
}

// rulesFor returns the rule of an event type.
func rulesFor(t EventType) *compiledRule {
	if c, ok := compiledRules[t]; ok {
		return c
	}
	return compiledRules[AwsAPICall]
}

type validator struct {
	r        *Record
	minor    int // the minor version the record is judged by
	insight  bool
	rule     *compiledRule
	problems []Problem
}

func (v *validator) add(field string, code ProblemCode, msg string) {
	v.problems = append(v.problems, Problem{Field: field, Code: code, Message: msg})
}

// absent reports a required member that the typed model does not hold:
// ProblemEmpty when it is present as "", ProblemMalformed when it is present
// with a value the field cannot hold, else ProblemMissing. unknown is the
// Unknown list of the object the member belongs in.
func (v *validator) absent(path, key string, unknown Members) {
	switch raw, ok := unknown.Get(key); {
	case !ok:
		v.add(path, ProblemMissing, "required field is absent")
	case string(raw) == `""`:
		v.add(path, ProblemEmpty, "required field is an empty string")
	default:
		v.add(path, ProblemMalformed, key+" is "+quoteRaw(raw)+", which is not a value of its type")
	}
}

// quoteRaw shortens a raw value for a message.
func quoteRaw(raw []byte) string {
	if len(raw) > 64 {
		return string(raw[:61]) + "..."
	}
	return string(raw)
}

// versionMinor returns the minor version a record's requirements are
// judged by: the newest rules for a missing or malformed version.
func versionMinor(s string) int {
	major, minor, ok := parseVersion(s)
	if !ok || major != 1 {
		return 1 << 30
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

// presence applies an event type's rule to the top-level members.
func (v *validator) presence(rule *compiledRule) {
	v.rule = rule
	v.insight = rule.eventType == AwsCloudTrailInsight
	for i, m := range topMembers {
		switch rule.member[i] {
		case required:
			if !m.set(v.r) && v.minor >= m.since {
				v.absent(m.name, m.name, v.r.Unknown)
			}
		case forbidden:
			if m.set(v.r) {
				v.add(m.name, ProblemNotAllowed, m.name+" does not appear in "+string(rule.eventType)+" records")
			}
		}
	}
}

// values checks the values of the members that are present, in record
// order.
func (v *validator) values() {
	v.eventVersion()
	v.userIdentity()
	v.eventTime()
	v.resources()
	v.eventType()
	v.managementEvent()
	v.eventCategory()
	v.addendum()
	v.sessionCredentialFromConsole()
	v.insightDetails()
	v.encodable()
}

func (v *validator) eventVersion() {
	s := v.r.EventVersion
	if s == "" {
		return
	}
	switch major, _, ok := parseVersion(s); {
	case !ok:
		v.add("eventVersion", ProblemMalformed, "eventVersion "+strconv.Quote(s)+" is not <major>.<minor> in digits")
	case major != 1:
		v.add("eventVersion", ProblemUnknownValue, "eventVersion "+strconv.Quote(s)+" has major version other than 1")
	}
}

func (v *validator) eventTime() {
	t := v.r.EventTime
	switch _, off := t.Zone(); {
	case t.IsZero():
	case t.Location() != time.UTC || off != 0:
		v.add("eventTime", ProblemMalformed, "eventTime "+t.Format(time.RFC3339Nano)+" is not in UTC")
	case t.Nanosecond() != 0:
		v.add("eventTime", ProblemMalformed, "eventTime "+t.Format(time.RFC3339Nano)+" has a fraction of a second")
	case t.Year() < 0 || t.Year() > 9999:
		v.add("eventTime", ProblemMalformed, "eventTime year "+strconv.Itoa(t.Year())+" does not fit 2006-01-02T15:04:05Z")
	}
}

func (v *validator) userIdentity() {
	u := v.r.UserIdentity
	if u == nil || v.insight {
		return
	}
	switch {
	case u.Type == "":
		if v.rule.identityType {
			v.absent("userIdentity.type", "type", u.Unknown)
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

func (v *validator) resources() {
	for i := range v.r.Resources {
		if v.r.Resources[i].ARN != "" && v.r.Resources[i].ARNPrefix != "" {
			v.add("resources["+strconv.Itoa(i)+"]", ProblemMalformed, "has both ARN and ARNPrefix")
		}
	}
}

func (v *validator) eventType() {
	if t := v.r.EventType; t != "" && !t.Known() {
		v.add("eventType", ProblemUnknownValue, "unknown eventType "+strconv.Quote(string(t)))
	}
}

func (v *validator) managementEvent() {
	m := v.r.ManagementEvent
	if m == nil || v.insight {
		return
	}
	switch c := v.r.EventCategory; c {
	case CategoryManagement:
		if !*m {
			v.add("managementEvent", ProblemInconsistent, "managementEvent is false but eventCategory is Management")
		}
	case CategoryData, CategoryNetworkActivity:
		if *m {
			v.add("managementEvent", ProblemInconsistent, "managementEvent is true but eventCategory is "+string(c))
		}
	}
}

func (v *validator) eventCategory() {
	switch c := v.r.EventCategory; {
	case c == "":
	case !c.Known():
		v.add("eventCategory", ProblemUnknownValue, "unknown eventCategory "+strconv.Quote(string(c)))
	case v.insight != (c == CategoryInsight):
		v.add("eventCategory", ProblemInconsistent, "eventCategory "+string(c)+" with eventType "+strconv.Quote(string(v.r.EventType)))
	}
}

func (v *validator) addendum() {
	a := v.r.Addendum
	switch {
	case a == nil || a.Reason.Known():
	case a.Reason == "":
		v.absent("addendum.reason", "reason", a.Unknown)
	default:
		v.add("addendum.reason", ProblemUnknownValue, "unknown addendum reason "+strconv.Quote(string(a.Reason)))
	}
}

func (v *validator) sessionCredentialFromConsole() {
	if s := v.r.SessionCredentialFromConsole; s != "" && s != "true" {
		v.add("sessionCredentialFromConsole", ProblemUnknownValue, "sessionCredentialFromConsole is "+strconv.Quote(s)+", CloudTrail writes only \"true\"")
	}
}

func (v *validator) insightDetails() {
	d := v.r.InsightDetails
	if d == nil || !v.insight {
		return
	}
	const p = "insightDetails."
	for _, f := range [...]struct {
		key string
		set bool
	}{{"state", d.State != ""}, {"eventSource", d.EventSource != ""}, {"eventName", d.EventName != ""}, {"insightType", d.InsightType != ""}} {
		if !f.set {
			v.absent(p+f.key, f.key, d.Unknown)
		}
	}
	if d.State != "" && !d.State.Known() {
		v.add(p+"state", ProblemUnknownValue, "unknown Insight state "+strconv.Quote(string(d.State)))
	}
	if d.InsightType != "" && !d.InsightType.Known() {
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

// encodable reports the first raw member or Unknown value that is not
// valid JSON (the eventTime year is reported by eventTime), and a record
// over MaxRecordSize.
func (v *validator) encodable() {
	if ee, ok := v.r.checkEncodable().(*EncodeError); ok && ee.Member != "eventTime" {
		v.add(ee.Member, ProblemMalformed, ee.Msg)
	}
	if n := encodedSize(v.r); n > MaxRecordSize {
		v.add("", ProblemTooLarge, "record is "+strconv.Itoa(n)+" bytes of JSON, over the "+strconv.Itoa(MaxRecordSize)+"-byte limit")
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
