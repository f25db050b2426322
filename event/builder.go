package event

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// currentVersion is the eventVersion the builders write: the newest version
// CloudTrail documents (1.11, October 2024).
const currentVersion = "1.11"

// jsonNull is the value the builders give requestParameters and
// responseElements when the caller left them unset: both are Optional=False
// in the record schema, so CloudTrail writes the key with a null value.
var jsonNull = json.RawMessage("null")

// Builder fills in the fields of a record that a service emitting events
// should not have to think about. Its zero value is ready to use: it reads
// the system clock and draws random (version 4) UUIDs. Set Now and NewID to
// make the output byte-stable in tests.
//
// Every builder method takes the caller's record by value, fills only the
// fields the caller left at their zero value, and returns the result; the
// caller's template is never modified (nested pointers are shared, not
// copied, and are not written through). The fields filled are:
//
//   - eventVersion: "1.11", the newest version CloudTrail documents.
//   - eventID: NewID().
//   - eventTime: Now(). A time the caller gave is kept as the same instant but
//     converted to UTC and truncated to the whole second, because that is the
//     only form a record can carry (layout [TimeLayout]); this is the one
//     normalisation of a caller-set field.
//   - eventType: the type of the method (AwsApiCall, AwsServiceEvent,
//     AwsConsoleSignIn).
//   - eventCategory: Management (an API call may give Data: a data event).
//   - managementEvent: true for Management, false for Data and
//     NetworkActivity, from the record's eventCategory.
//   - recipientAccountId: userIdentity.accountId, or when that is empty the
//     accountId of the first resource that has one.
//   - readOnly: for API calls (data events and console actions included),
//     [ReadOnlyAPI] of the event name; false for console sign-ins and
//     service events.
//   - requestParameters and responseElements: JSON null.
//
// The zero Builder uses the system clock and random UUIDs:
// event.Builder{}.APICall(r). A Builder is safe for concurrent use when Now
// and NewID are.
type Builder struct {
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// NewID returns a fresh eventID; nil means a random UUID (version 4) in
	// its canonical lower-case form.
	NewID func() string
}

// APICall completes r as an API call (eventType AwsApiCall, readOnly from
// the event name). It is a management event (eventCategory Management,
// managementEvent true) unless r's eventCategory is Data: then it is a data
// event, an API call on the data plane such as s3:GetObject or
// lambda:Invoke (managementEvent false), for which the caller usually also
// gives resources. The caller gives at least userIdentity, eventSource,
// eventName, awsRegion and sourceIPAddress.
//
// A console action that is not an API call is completed the same way with
// r's eventType set to AwsConsoleAction (readOnly false unless ReadOnlyAPI
// says otherwise), and network activity with AwsVpceEvent and eventCategory
// NetworkActivity.
func (b Builder) APICall(r Record) *Record {
	b.fill(&r, AwsAPICall, CategoryManagement)
	b.fillReadOnly(&r, ReadOnlyAPI(r.EventName))
	return &r
}

// ServiceEvent completes r as an event a service made on its own (eventType
// AwsServiceEvent, eventCategory Management, managementEvent true, readOnly
// false), such as KMS key rotation. CloudTrail's service events carry a
// userIdentity of the form {"accountId": …, "invokedBy": …}, and often
// serviceEventDetails.
func (b Builder) ServiceEvent(r Record) *Record {
	b.fill(&r, AwsServiceEvent, CategoryManagement)
	b.fillReadOnly(&r, false)
	return &r
}

// ConsoleSignIn completes r as a console sign-in (eventType
// AwsConsoleSignIn, eventCategory Management, managementEvent true, readOnly
// false). eventSource defaults to signin.amazonaws.com and eventName to
// ConsoleLogin. The outcome goes in responseElements
// ({"ConsoleLogin":"Success"} or "Failure") and additionalEventData carries
// LoginTo, MobileVersion and MFAUsed; the builder fills neither.
func (b Builder) ConsoleSignIn(r Record) *Record {
	if r.EventSource == "" {
		r.EventSource = "signin.amazonaws.com"
	}
	if r.EventName == "" {
		r.EventName = "ConsoleLogin"
	}
	b.fill(&r, AwsConsoleSignIn, CategoryManagement)
	b.fillReadOnly(&r, false)
	return &r
}

func (b Builder) fill(r *Record, t EventType, c Category) {
	if r.EventVersion == "" {
		r.EventVersion = currentVersion
	}
	if r.EventID == "" {
		if b.NewID != nil {
			r.EventID = b.NewID()
		} else {
			r.EventID = uuid.NewString()
		}
	}
	if r.EventTime.IsZero() {
		if b.Now != nil {
			r.EventTime = b.Now()
		} else {
			r.EventTime = time.Now()
		}
	}
	r.EventTime = r.EventTime.UTC().Truncate(time.Second)
	if r.EventType == "" {
		r.EventType = t
	}
	if r.EventCategory == "" {
		r.EventCategory = c
	}
	if r.ManagementEvent == nil {
		m := r.EventCategory == CategoryManagement
		r.ManagementEvent = &m
	}
	if r.RecipientAccountID == "" {
		r.RecipientAccountID = recipientFor(r)
	}
	if r.RequestParameters == nil {
		r.RequestParameters = jsonNull
	}
	if r.ResponseElements == nil {
		r.ResponseElements = jsonNull
	}
	for _, p := range []*json.RawMessage{&r.RequestParameters, &r.ResponseElements,
		&r.AdditionalEventData, &r.ServiceEventDetails} {
		*p = escapeRaw(*p)
	}
}

// escapeRaw returns raw with the characters CloudTrail escapes in strings
// (' = & < > U+2028 U+2029) escaped as CloudTrail writes them; raw itself
// when it holds none.
func escapeRaw(raw json.RawMessage) json.RawMessage {
	for _, c := range raw {
		if htmlByte(c) || c == 0xE2 {
			return appendRawValue(make([]byte, 0, len(raw)+24), raw)
		}
	}
	return raw
}

func (b Builder) fillReadOnly(r *Record, v bool) {
	if r.ReadOnly == nil {
		r.ReadOnly = &v
	}
}

// recipientFor returns the account that receives the record when the caller
// did not say: the caller's account, else the owner of the first resource.
func recipientFor(r *Record) string {
	if r.UserIdentity != nil && r.UserIdentity.AccountID != "" {
		return r.UserIdentity.AccountID
	}
	for i := range r.Resources {
		if a := r.Resources[i].AccountID; a != "" {
			return a
		}
	}
	return ""
}
