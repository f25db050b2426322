package trail

import "strings"

// Trail is a trail's settings and selectors, with the CloudTrail API's own
// member names as JSON names, so the objects printed by
// `aws cloudtrail describe-trails` / `get-trail` load as they are.
//
// Fields marked "trailkit extension" are not part of the CloudTrail Trail
// shape; they carry what an offline filter needs and the API reports
// elsewhere (get-trail-status, the account and the organization).
type Trail struct {
	Name                       string `json:"Name,omitempty"`
	S3BucketName               string `json:"S3BucketName,omitempty"`
	S3KeyPrefix                string `json:"S3KeyPrefix,omitempty"`
	SnsTopicName               string `json:"SnsTopicName,omitempty"`
	SnsTopicARN                string `json:"SnsTopicARN,omitempty"`
	IncludeGlobalServiceEvents bool   `json:"IncludeGlobalServiceEvents"`
	IsMultiRegionTrail         bool   `json:"IsMultiRegionTrail"`
	// HomeRegion is the Region the trail was created in. When empty, the
	// Region of TrailARN is used.
	HomeRegion                string `json:"HomeRegion,omitempty"`
	TrailARN                  string `json:"TrailARN,omitempty"`
	LogFileValidationEnabled  bool   `json:"LogFileValidationEnabled"`
	CloudWatchLogsLogGroupArn string `json:"CloudWatchLogsLogGroupArn,omitempty"`
	CloudWatchLogsRoleArn     string `json:"CloudWatchLogsRoleArn,omitempty"`
	KmsKeyId                  string `json:"KmsKeyId,omitempty"`
	HasCustomEventSelectors   bool   `json:"HasCustomEventSelectors"`
	HasInsightSelectors       bool   `json:"HasInsightSelectors"`
	IsOrganizationTrail       bool   `json:"IsOrganizationTrail"`

	// EventSelectors are the basic selectors (get-event-selectors).
	EventSelectors []EventSelector `json:"EventSelectors,omitempty"`
	// AdvancedEventSelectors are the advanced selectors (get-event-selectors).
	AdvancedEventSelectors []AdvancedEventSelector `json:"AdvancedEventSelectors,omitempty"`
	// InsightSelectors are the Insights settings (get-insight-selectors).
	InsightSelectors []InsightSelector `json:"InsightSelectors,omitempty"`

	// IsLogging is the trail's logging status as get-trail-status reports it
	// (StartLogging/StopLogging). nil means unknown and is treated as
	// logging, because describe-trails does not print it. trailkit extension.
	IsLogging *bool `json:"IsLogging,omitempty"`
	// AccountId is the 12-digit account that owns the trail. When empty, the
	// account of TrailARN is used; when both are empty the filter does not
	// check accounts. trailkit extension.
	AccountId string `json:"AccountId,omitempty"`
	// OrganizationAccountIds lists the member accounts an organization trail
	// covers (besides AccountId). For an organization trail with an empty
	// list the filter accepts every account, since the organization's
	// membership is not known offline. Ignored unless IsOrganizationTrail.
	// trailkit extension.
	OrganizationAccountIds []string `json:"OrganizationAccountIds,omitempty"`
}

// EventSelector is a basic event selector.
type EventSelector struct {
	// ReadWriteType is ReadOnly, WriteOnly or All; empty means All.
	ReadWriteType ReadWriteType `json:"ReadWriteType,omitempty"`
	// IncludeManagementEvents defaults to true when nil (absent in JSON).
	IncludeManagementEvents *bool          `json:"IncludeManagementEvents,omitempty"`
	DataResources           []DataResource `json:"DataResources,omitempty"`
	// ExcludeManagementEventSources may hold kms.amazonaws.com and
	// rdsdata.amazonaws.com.
	ExcludeManagementEventSources []string `json:"ExcludeManagementEventSources,omitempty"`
}

// includesManagementEvents reports IncludeManagementEvents with its default
// (true) applied.
func (s *EventSelector) includesManagementEvents() bool {
	return s.IncludeManagementEvents == nil || *s.IncludeManagementEvents
}

// ReadWriteType is EventSelector.ReadWriteType.
type ReadWriteType string

// The ReadWriteType values.
const (
	ReadOnly  ReadWriteType = "ReadOnly"
	WriteOnly ReadWriteType = "WriteOnly"
	All       ReadWriteType = "All"
)

// DataResource selects data events of one resource type in a basic selector.
type DataResource struct {
	// Type is AWS::S3::Object, AWS::Lambda::Function or AWS::DynamoDB::Table.
	Type   string   `json:"Type,omitempty"`
	Values []string `json:"Values,omitempty"`
}

// AdvancedEventSelector is one advanced event selector: its field selectors
// are AND'd.
type AdvancedEventSelector struct {
	Name           string                  `json:"Name,omitempty"`
	FieldSelectors []AdvancedFieldSelector `json:"FieldSelectors"`
}

// AdvancedFieldSelector is one condition on one record field. A nil
// operator list is absent; a non-nil empty list is present and invalid.
type AdvancedFieldSelector struct {
	Field         string   `json:"Field"`
	Equals        []string `json:"Equals,omitempty"`
	StartsWith    []string `json:"StartsWith,omitempty"`
	EndsWith      []string `json:"EndsWith,omitempty"`
	NotEquals     []string `json:"NotEquals,omitempty"`
	NotStartsWith []string `json:"NotStartsWith,omitempty"`
	NotEndsWith   []string `json:"NotEndsWith,omitempty"`
}

// Operator names an AdvancedFieldSelector operator.
type Operator string

// The six operators, positive first.
const (
	Equals        Operator = "Equals"
	StartsWith    Operator = "StartsWith"
	EndsWith      Operator = "EndsWith"
	NotEquals     Operator = "NotEquals"
	NotStartsWith Operator = "NotStartsWith"
	NotEndsWith   Operator = "NotEndsWith"
)

// operators returns the selector's operator lists in canonical order
// (Equals, StartsWith, EndsWith, NotEquals, NotStartsWith, NotEndsWith),
// with nil for absent ones.
func (f *AdvancedFieldSelector) operators() [6]operatorValues {
	return [6]operatorValues{
		{Equals, f.Equals}, {StartsWith, f.StartsWith}, {EndsWith, f.EndsWith},
		{NotEquals, f.NotEquals}, {NotStartsWith, f.NotStartsWith}, {NotEndsWith, f.NotEndsWith},
	}
}

// operatorValues is one operator and its value list.
type operatorValues struct {
	Operator Operator
	Values   []string
}

// The advanced-selector fields CloudTrail accepts on trails (the package
// documentation lists them per eventCategory).
const (
	fieldEventCategory                = "eventCategory"
	fieldEventSource                  = "eventSource"
	fieldEventName                    = "eventName"
	fieldEventType                    = "eventType"
	fieldReadOnly                     = "readOnly"
	fieldResourcesType                = "resources.type"
	fieldResourcesARN                 = "resources.ARN"
	fieldSessionCredentialFromConsole = "sessionCredentialFromConsole"
	fieldUserIdentityARN              = "userIdentity.arn"
	fieldErrorCode                    = "errorCode"
	fieldVPCEndpointID                = "vpcEndpointId"
)

// InsightSelector enables one Insights type.
type InsightSelector struct {
	// InsightType is ApiCallRateInsight or ApiErrorRateInsight.
	InsightType string `json:"InsightType,omitempty"`
	// EventCategories ⊆ {Management, Data}; empty means Management.
	EventCategories []string `json:"EventCategories,omitempty"`
}

// ParseTrailARN splits arn:<partition>:cloudtrail:<region>:<account>:trail/<name>.
// ok is false when arn does not have that form.
func ParseTrailARN(arn string) (region, account, name string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "cloudtrail" {
		return "", "", "", false
	}
	name, found := strings.CutPrefix(parts[5], "trail/")
	if !found || name == "" || parts[3] == "" {
		return "", "", "", false
	}
	return parts[3], parts[4], name, true
}

// region returns HomeRegion, or the Region in TrailARN when HomeRegion is empty.
func (t *Trail) region() string {
	if t.HomeRegion != "" {
		return t.HomeRegion
	}
	r, _, _, _ := ParseTrailARN(t.TrailARN)
	return r
}

// account returns AccountId, or the account in TrailARN when AccountId is empty.
func (t *Trail) account() string {
	if t.AccountId != "" {
		return t.AccountId
	}
	_, a, _, _ := ParseTrailARN(t.TrailARN)
	return a
}

// logging reports whether the trail is logging (IsLogging nil counts as true).
func (t *Trail) logging() bool { return t.IsLogging == nil || *t.IsLogging }
