package event

// EventType is the record's "eventType".
type EventType string

// The event types CloudTrail writes.
const (
	AwsAPICall           EventType = "AwsApiCall"
	AwsServiceEvent      EventType = "AwsServiceEvent"
	AwsConsoleAction     EventType = "AwsConsoleAction"
	AwsConsoleSignIn     EventType = "AwsConsoleSignIn"
	AwsCloudTrailInsight EventType = "AwsCloudTrailInsight"
	// AwsVpceEvent is a network-activity event. The docs print "AwsVpceEvents";
	// real records carry the singular.
	AwsVpceEvent EventType = "AwsVpceEvent"
)

// Known reports whether t is one of the documented event types.
func (t EventType) Known() bool {
	switch t {
	case AwsAPICall, AwsServiceEvent, AwsConsoleAction, AwsConsoleSignIn, AwsCloudTrailInsight, AwsVpceEvent:
		return true
	}
	return false
}

// Category is the record's "eventCategory".
type Category string

// The event categories of trails.
const (
	CategoryManagement      Category = "Management"
	CategoryData            Category = "Data"
	CategoryNetworkActivity Category = "NetworkActivity"
	CategoryInsight         Category = "Insight"
)

// Known reports whether c is one of the documented categories.
func (c Category) Known() bool {
	switch c {
	case CategoryManagement, CategoryData, CategoryNetworkActivity, CategoryInsight:
		return true
	}
	return false
}

// IdentityType is "userIdentity.type".
type IdentityType string

// The documented identity types.
const (
	IdentityRoot               IdentityType = "Root"
	IdentityIAMUser            IdentityType = "IAMUser"
	IdentityAssumedRole        IdentityType = "AssumedRole"
	IdentityRole               IdentityType = "Role"
	IdentityFederatedUser      IdentityType = "FederatedUser"
	IdentityDirectory          IdentityType = "Directory"
	IdentityAWSAccount         IdentityType = "AWSAccount"
	IdentityAWSService         IdentityType = "AWSService"
	IdentityIdentityCenterUser IdentityType = "IdentityCenterUser"
	IdentitySAMLUser           IdentityType = "SAMLUser"
	IdentityWebIdentityUser    IdentityType = "WebIdentityUser"
	IdentityUnknown            IdentityType = "Unknown"
)

// Known reports whether t is one of the documented identity types.
func (t IdentityType) Known() bool {
	switch t {
	case IdentityRoot, IdentityIAMUser, IdentityAssumedRole, IdentityRole, IdentityFederatedUser,
		IdentityDirectory, IdentityAWSAccount, IdentityAWSService, IdentityIdentityCenterUser,
		IdentitySAMLUser, IdentityWebIdentityUser, IdentityUnknown:
		return true
	}
	return false
}

// InsightType is "insightDetails.insightType".
type InsightType string

// The Insights types.
const (
	APICallRateInsight  InsightType = "ApiCallRateInsight"
	APIErrorRateInsight InsightType = "ApiErrorRateInsight"
)

// Known reports whether t is a documented Insights type.
func (t InsightType) Known() bool { return t == APICallRateInsight || t == APIErrorRateInsight }

// InsightState is "insightDetails.state".
type InsightState string

// The two states of an Insight.
const (
	InsightStart InsightState = "Start"
	InsightEnd   InsightState = "End"
)

// Known reports whether s is Start or End.
func (s InsightState) Known() bool { return s == InsightStart || s == InsightEnd }

// AddendumReason is "addendum.reason".
type AddendumReason string

// The documented addendum reasons.
const (
	ReasonDeliveryDelay AddendumReason = "DELIVERY_DELAY"
	ReasonUpdatedData   AddendumReason = "UPDATED_DATA"
	ReasonServiceOutage AddendumReason = "SERVICE_OUTAGE"
)

// Known reports whether r is a documented addendum reason.
func (r AddendumReason) Known() bool {
	return r == ReasonDeliveryDelay || r == ReasonUpdatedData || r == ReasonServiceOutage
}

// TimeLayout is the exact layout of "eventTime" and of every time CloudTrail
// writes in records and digests: UTC, whole seconds, a literal Z.
const TimeLayout = "2006-01-02T15:04:05Z"
