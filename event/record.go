package event

import (
	"encoding/json"
	"time"
)

// Record is one CloudTrail event: one element of a log file's "Records" array.
//
// Presence rules, which the codec follows exactly:
//   - A string field that is "" is absent: it is not written. A record that
//     arrived with an explicit empty string for a typed field keeps that member
//     in Unknown, and AppendJSON writes it back where it stood.
//   - A raw JSON field (RequestParameters, ResponseElements, …) that is nil is
//     absent; the 4 bytes "null" are JSON null, kept distinct from absent.
//     The bytes are kept exactly as read.
//   - Pointer fields (ReadOnly, ManagementEvent, UserIdentity, …) that are nil
//     are absent.
//   - Resources: nil is absent, a non-nil empty slice is written as [].
//   - A member whose key is not one of the typed fields (matched exactly,
//     case-sensitively), or whose value has a JSON type the typed field cannot
//     hold (for example "resources":null or "readOnly":"true"), is kept
//     verbatim in Unknown. A decoded record writes its Unknown members back
//     where they stood; one built in Go after its typed members.
type Record struct {
	EventVersion         string          // "eventVersion", e.g. "1.11"
	UserIdentity         *UserIdentity   // "userIdentity"
	EventTime            time.Time       // "eventTime", written as 2006-01-02T15:04:05Z
	EventSource          string          // "eventSource"
	EventName            string          // "eventName"
	AWSRegion            string          // "awsRegion"
	SourceIPAddress      string          // "sourceIPAddress"
	UserAgent            string          // "userAgent"
	ErrorCode            string          // "errorCode"
	ErrorMessage         string          // "errorMessage"
	RequestParameters    json.RawMessage // "requestParameters"
	ResponseElements     json.RawMessage // "responseElements"
	AdditionalEventData  json.RawMessage // "additionalEventData"
	RequestID            string          // "requestID"
	EventID              string          // "eventID"
	ReadOnly             *bool           // "readOnly"
	Resources            []Resource      // "resources"
	EventType            EventType       // "eventType"
	APIVersion           string          // "apiVersion"
	ManagementEvent      *bool           // "managementEvent"
	RecipientAccountID   string          // "recipientAccountId"
	SharedEventID        string          // "sharedEventID"
	VPCEndpointID        string          // "vpcEndpointId"
	VPCEndpointAccountID string          // "vpcEndpointAccountId"
	ServiceEventDetails  json.RawMessage // "serviceEventDetails"
	EventCategory        Category        // "eventCategory"
	Addendum             *Addendum       // "addendum"
	TLSDetails           *TLSDetails     // "tlsDetails"
	// SessionCredentialFromConsole is the string "true" when set; CloudTrail
	// writes a string, not a boolean, and omits the field otherwise.
	SessionCredentialFromConsole string          // "sessionCredentialFromConsole"
	EdgeDeviceDetails            json.RawMessage // "edgeDeviceDetails"
	InsightDetails               *InsightDetails // "insightDetails"
	// EventContext exists only in CloudTrail Lake with enrichment; kept raw.
	EventContext json.RawMessage // "eventContext"
	// Annotation appears in CloudTrail Lake; kept for completeness.
	Annotation string // "annotation"

	Unknown Members // members not covered above, verbatim, in input order

	layout uint16 // the member order as decoded; see the package doc
}

// Member is one JSON object member kept verbatim: its key and its raw value.
type Member struct {
	Key   string
	Value json.RawMessage
}

// Members is an ordered list of verbatim JSON object members.
type Members []Member

// Get returns the raw value of the first member named key, and whether it exists.
func (m Members) Get(key string) (json.RawMessage, bool) {
	for _, x := range m {
		if x.Key == key {
			return x.Value, true
		}
	}
	return nil, false
}

// UserIdentity is the "userIdentity" element: who made the request.
type UserIdentity struct {
	Type              IdentityType       // "type"
	PrincipalID       string             // "principalId"
	ARN               string             // "arn"
	AccountID         string             // "accountId"
	AccessKeyID       string             // "accessKeyId"
	UserName          string             // "userName"
	SessionContext    *SessionContext    // "sessionContext"
	InvokedBy         string             // "invokedBy"
	InvokedByDelegate *InvokedByDelegate // "invokedByDelegate"
	IdentityProvider  string             // "identityProvider"
	CredentialID      string             // "credentialId"
	OnBehalfOf        *OnBehalfOf        // "onBehalfOf"
	InScopeOf         *InScopeOf         // "inScopeOf"
	Unknown           Members

	layout uint16 // the member order as decoded; see the package doc
}

// SessionContext is "userIdentity.sessionContext": present when temporary
// credentials were used.
type SessionContext struct {
	SessionIssuer       *SessionIssuer       // "sessionIssuer"
	WebIDFederationData *WebIDFederationData // "webIdFederationData"
	Attributes          *SessionAttributes   // "attributes"
	SourceIdentity      string               // "sourceIdentity"
	EC2RoleDelivery     string               // "ec2RoleDelivery"
	EC2IssuedInVPC      string               // "ec2IssuedInVPC"
	AssumedRoot         string               // "assumedRoot"
	SignInSessionARN    string               // "signInSessionArn"
	Unknown             Members

	layout uint16 // the member order as decoded; see the package doc
}

// SessionIssuer is "sessionContext.sessionIssuer": the entity that issued the
// temporary credentials. Often the empty object {} for IAM users.
type SessionIssuer struct {
	Type        string // "type": Root, IAMUser or Role
	PrincipalID string // "principalId"
	ARN         string // "arn"
	AccountID   string // "accountId"
	UserName    string // "userName"
	Unknown     Members

	layout uint16 // the member order as decoded; see the package doc
}

// WebIDFederationData is "sessionContext.webIdFederationData"; often {}.
type WebIDFederationData struct {
	FederatedProvider string          // "federatedProvider"
	Attributes        json.RawMessage // "attributes": an object of strings, kept raw
	Unknown           Members

	layout uint16 // the member order as decoded; see the package doc
}

// SessionAttributes is "sessionContext.attributes".
type SessionAttributes struct {
	CreationDate string // "creationDate": kept as written (extended or basic ISO 8601)
	// MFAAuthenticated is the string "true" or "false", as CloudTrail writes it.
	MFAAuthenticated string // "mfaAuthenticated"
	Unknown          Members

	layout uint16 // the member order as decoded; see the package doc
}

// InvokedByDelegate is "userIdentity.invokedByDelegate".
type InvokedByDelegate struct {
	AccountID string // "accountId"
	Unknown   Members

	layout uint16 // the member order as decoded; see the package doc
}

// OnBehalfOf is "userIdentity.onBehalfOf" (IAM Identity Center callers).
type OnBehalfOf struct {
	UserID           string // "userId"
	IdentityStoreARN string // "identityStoreArn"
	Unknown          Members

	layout uint16 // the member order as decoded; see the package doc
}

// InScopeOf is "userIdentity.inScopeOf" (eventVersion 1.11).
type InScopeOf struct {
	SourceARN           string // "sourceArn"
	SourceAccount       string // "sourceAccount"
	IssuerType          string // "issuerType", e.g. AWS::Lambda::Function
	CredentialsIssuedTo string // "credentialsIssuedTo"
	Unknown             Members

	layout uint16 // the member order as decoded; see the package doc
}

// Resource is one element of "resources". It carries ARN or ARNPrefix, not both.
type Resource struct {
	AccountID string // "accountId"
	Type      string // "type", e.g. AWS::S3::Object
	ARN       string // "ARN"
	ARNPrefix string // "ARNPrefix"
	Unknown   Members

	layout uint16 // the member order as decoded; see the package doc
}

// TLSDetails is "tlsDetails".
type TLSDetails struct {
	TLSVersion               string // "tlsVersion"
	CipherSuite              string // "cipherSuite"
	ClientProvidedHostHeader string // "clientProvidedHostHeader"
	KeyExchange              string // "keyExchange"
	Unknown                  Members

	layout uint16 // the member order as decoded; see the package doc
}

// Addendum is "addendum": why a record was delivered late or changed.
type Addendum struct {
	Reason            AddendumReason  // "reason"
	UpdatedFields     json.RawMessage // "updatedFields": its JSON type is not documented, kept raw
	OriginalRequestID string          // "originalRequestID"
	OriginalEventID   string          // "originalEventID"
	Unknown           Members

	layout uint16 // the member order as decoded; see the package doc
}

// InsightDetails is "insightDetails" of an Insights record.
type InsightDetails struct {
	State          InsightState    // "state"
	EventSource    string          // "eventSource"
	EventName      string          // "eventName"
	InsightType    InsightType     // "insightType"
	ErrorCode      string          // "errorCode" (ApiErrorRateInsight only)
	InsightContext *InsightContext // "insightContext"
	Unknown        Members

	layout uint16 // the member order as decoded; see the package doc
}

// InsightContext is "insightDetails.insightContext".
type InsightContext struct {
	Statistics   *InsightStatistics // "statistics"
	Attributions []Attribution      // "attributions"; nil is absent
	Unknown      Members

	layout uint16 // the member order as decoded; see the package doc
}

// InsightStatistics is "insightContext.statistics".
type InsightStatistics struct {
	Baseline *Average // "baseline"
	Insight  *Average // "insight"
	// InsightDuration and BaselineDuration are whole minutes; nil is absent
	// (early Insights records had neither).
	InsightDuration  *int64 // "insightDuration"
	BaselineDuration *int64 // "baselineDuration"
	Unknown          Members

	layout uint16 // the member order as decoded; see the package doc
}

// Average is {"average": n}: a rate per minute.
type Average struct {
	Average float64 // "average"
	Unknown Members

	text string // the number as read, when not in canonical form; see the package doc

	layout uint16 // the member order as decoded; see the package doc
}

// Attribution is one element of "insightContext.attributions".
type Attribution struct {
	Attribute string             // "attribute": userIdentityArn, userAgent or errorCode
	Insight   []AttributionValue // "insight": at most 5, highest average first
	Baseline  []AttributionValue // "baseline": at most 5, highest average first
	Unknown   Members

	layout uint16 // the member order as decoded; see the package doc
}

// AttributionValue is {"value": s, "average": n}.
type AttributionValue struct {
	Value   string  // "value"; "null" (the string) for "no error"
	Average float64 // "average"
	Unknown Members

	text string // the number as read, when not in canonical form; see the package doc

	layout uint16 // the member order as decoded; see the package doc
}
