package trail

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trailkit/trailkit/logfile"
)

type validateCase struct {
	name   string
	mod    func(*Trail)
	opts   ValidateOptions
	rules  []string // expected rule ids, in any order; nil = valid
	exc    string   // exception of the first expected problem
	exactM string   // exact message of the first expected problem, if the spec gives one
}

func withName(n string) func(*Trail) { return func(t *Trail) { t.Name = n } }
func withBasic(s ...EventSelector) func(*Trail) {
	return func(t *Trail) { t.EventSelectors = s }
}
func withAdv(s ...AdvancedEventSelector) func(*Trail) {
	return func(t *Trail) { t.AdvancedEventSelectors = s }
}
func s3DR(values ...string) EventSelector {
	return EventSelector{DataResources: []DataResource{{Type: "AWS::S3::Object", Values: values}}}
}
func nBuckets(n, from int) []string {
	v := make([]string, n)
	for i := range v {
		v[i] = fmt.Sprintf("arn:aws:s3:::bucket-%03d/", from+i)
	}
	return v
}
func op(field string, o Operator, v ...string) AdvancedFieldSelector {
	f := AdvancedFieldSelector{Field: field}
	switch o {
	case Equals:
		f.Equals = v
	case StartsWith:
		f.StartsWith = v
	case EndsWith:
		f.EndsWith = v
	case NotEquals:
		f.NotEquals = v
	case NotStartsWith:
		f.NotStartsWith = v
	case NotEndsWith:
		f.NotEndsWith = v
	}
	return f
}
func dataS3(extra ...AdvancedFieldSelector) AdvancedEventSelector {
	return dataSel("AWS::S3::Object", extra...)
}
func netSel(extra ...AdvancedFieldSelector) AdvancedEventSelector {
	return sel(append([]AdvancedFieldSelector{eq(fieldEventCategory, "NetworkActivity"), eq(fieldEventSource, "kms.amazonaws.com")}, extra...)...)
}
func mgmtSel(extra ...AdvancedFieldSelector) AdvancedEventSelector {
	return sel(append([]AdvancedFieldSelector{eq(fieldEventCategory, "Management")}, extra...)...)
}
func manyValues(n int) []string {
	v := make([]string, n)
	for i := range v {
		v[i] = fmt.Sprintf("Op%d", i)
	}
	return v
}

const lambdaARN = "arn:aws:lambda:us-east-1:111122223333:function:helloworld"

func validateCases() []validateCase {
	E, N, P := invalidEventSelectorsException, invalidTrailNameException, invalidParameterCombinationException
	I := invalidInsightSelectorsException
	return []validateCase{
		{name: "valid base trail"},
		// §5 trail names.
		{name: "name 3 chars", mod: withName("abc")},
		{name: "name 2 chars", mod: withName("ab"), rules: []string{"TrailNameTooShort"}, exc: N,
			exactM: "Trail name too short. Minimum allowed length: 3 characters. Specified name length: 2 characters."},
		{name: "name 128 chars", mod: withName(strings.Repeat("a", 128))},
		{name: "name 129 chars", mod: withName(strings.Repeat("a", 129)), rules: []string{"TrailNameTooLong"}, exc: N,
			exactM: "Trail name too long. Maximum allowed length: 128 characters. Specified name length: 129 characters."},
		{name: "name starts with hyphen", mod: withName("-abc"), rules: []string{"TrailNameStart"}, exc: N, exactM: "Trail name must starts with a letter or number."},
		{name: "name ends with period", mod: withName("abc."), rules: []string{"TrailNameEnd"}, exc: N, exactM: "Trail name must ends with a letter or number."},
		{name: "name with space", mod: withName("my trail"), rules: []string{"TrailNameCharset"}, exc: N,
			exactM: "Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_)."},
		{name: "name punctuation separated", mod: withName("My.trail-name_1")},
		{name: "name adjacent -_", mod: withName("my-_x"), rules: []string{"TrailNameAdjacentPunctuation"}, exc: N},
		{name: "name adjacent --", mod: withName("my--x"), rules: []string{"TrailNameAdjacentPunctuation"}, exc: N},
		{name: "name IP address", mod: withName("192.168.5.4"), rules: []string{"TrailNameIPAddress"}, exc: N},
		{name: "name almost IP", mod: withName("192.168.5.4a")},
		{name: "empty name", mod: withName(""), rules: []string{"TrailNameTooShort"}, exc: N},
		{name: "selectors only skips name", mod: withName(""), opts: ValidateOptions{SelectorsOnly: true}},
		// §5 settings.
		{name: "prefix 200", mod: func(t *Trail) { t.S3KeyPrefix = strings.Repeat("p", 200) }},
		{name: "prefix 201", mod: func(t *Trail) { t.S3KeyPrefix = strings.Repeat("p", 201) }, rules: []string{"S3KeyPrefixTooLong"}, exc: invalidS3PrefixException},
		{name: "multi-Region with global", mod: func(t *Trail) { t.IsMultiRegionTrail, t.IncludeGlobalServiceEvents = true, true }},
		{name: "multi-Region without global", mod: func(t *Trail) { t.IsMultiRegionTrail, t.IncludeGlobalServiceEvents = true, false },
			rules: []string{"MultiRegionWithoutGlobalEvents"}, exc: P, exactM: "Multi-Region trail must include global service events."},
		{name: "single-Region without global", mod: func(t *Trail) { t.IsMultiRegionTrail, t.IncludeGlobalServiceEvents = false, false }},
		{name: "SNS 256", mod: func(t *Trail) { t.SnsTopicName = strings.Repeat("s", 256) }},
		{name: "SNS 257", mod: func(t *Trail) { t.SnsTopicName = strings.Repeat("s", 257) }, rules: []string{"SnsTopicNameTooLong"}, exc: invalidSnsTopicNameException},
		{name: "KMS alias", mod: func(t *Trail) { t.KmsKeyId = "alias/trail-key" }},
		{name: "KMS key id", mod: func(t *Trail) { t.KmsKeyId = "1234abcd-12ab-34cd-56ef-1234567890ab" }},
		{name: "KMS key ARN", mod: func(t *Trail) {
			t.KmsKeyId = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
		}},
		{name: "KMS bad", mod: func(t *Trail) { t.KmsKeyId = "my key" }, rules: []string{"KmsKeyIdForm"}, exc: invalidKmsKeyIdException},
		// §2.2 basic limits.
		{name: "5 selectors", mod: withBasic(EventSelector{}, EventSelector{}, EventSelector{}, EventSelector{}, EventSelector{})},
		{name: "6 selectors", mod: withBasic(EventSelector{}, EventSelector{}, EventSelector{}, EventSelector{}, EventSelector{}, EventSelector{}),
			rules: []string{"TooManyEventSelectors"}, exc: E},
		{name: "5x50 data resources", mod: withBasic(s3DR(nBuckets(50, 0)...), s3DR(nBuckets(50, 50)...), s3DR(nBuckets(50, 100)...), s3DR(nBuckets(50, 150)...), s3DR(nBuckets(50, 200)...))},
		{name: "3x50+99+1 data resources", mod: withBasic(s3DR(nBuckets(50, 0)...), s3DR(nBuckets(50, 50)...), s3DR(nBuckets(50, 100)...), s3DR(nBuckets(99, 150)...), s3DR(nBuckets(1, 249)...))},
		{name: "5x100 data resources", mod: withBasic(s3DR(nBuckets(100, 0)...), s3DR(nBuckets(100, 100)...), s3DR(nBuckets(100, 200)...), s3DR(nBuckets(100, 300)...), s3DR(nBuckets(100, 400)...)),
			rules: []string{"TooManyDataResources"}, exc: E},
		{name: "250 named plus all values", mod: withBasic(s3DR(append(nBuckets(250, 0), "arn:aws:s3")...), EventSelector{DataResources: []DataResource{{Type: "AWS::Lambda::Function", Values: []string{"arn:aws:lambda"}}}})},
		// §2.1/§2.3 basic values.
		{name: "ReadWriteType ReadOnly", mod: withBasic(EventSelector{ReadWriteType: ReadOnly})},
		{name: "ReadWriteType bad", mod: withBasic(EventSelector{ReadWriteType: "read-only"}), rules: []string{"ReadWriteType"}, exc: E},
		{name: "type S3 bucket", mod: withBasic(EventSelector{DataResources: []DataResource{{Type: "AWS::S3::Bucket", Values: []string{"arn:aws:s3"}}}}), rules: []string{"DataResourceType"}, exc: E},
		{name: "type SQS (advanced only)", mod: withBasic(EventSelector{DataResources: []DataResource{{Type: "AWS::SQS::Queue", Values: []string{"arn:aws:sqs"}}}}), rules: []string{"DataResourceType"}, exc: E},
		{name: "no values", mod: withBasic(EventSelector{DataResources: []DataResource{{Type: "AWS::S3::Object"}}}), rules: []string{"DataResourceNoValues"}, exc: E},
		{name: "S3 all", mod: withBasic(s3DR("arn:aws:s3"))},
		{name: "S3 all in aws-cn", mod: withBasic(s3DR("arn:aws-cn:s3"))},
		{name: "S3 all with colons", mod: withBasic(s3DR("arn:aws:s3:::"))},
		{name: "S3 all with colons, strict", mod: withBasic(s3DR("arn:aws:s3:::")), opts: ValidateOptions{RejectS3AllColons: true},
			rules: []string{"DataResourceValue"}, exc: E, exactM: "Value arn:aws:s3::: for DataResources.Values is invalid."},
		{name: "S3 bucket with slash", mod: withBasic(s3DR("arn:aws:s3:::data-bucket/"))},
		{name: "S3 bucket prefix", mod: withBasic(s3DR("arn:aws:s3:::data-bucket/images"))},
		{name: "S3 bucket without slash", mod: withBasic(s3DR("arn:aws:s3:::data-bucket")), rules: []string{"DataResourceValue"}, exc: E,
			exactM: "Value arn:aws:s3:::data-bucket for DataResources.Values is invalid."},
		{name: "S3 wildcard", mod: withBasic(s3DR("arn:aws:s3:::*")), rules: []string{"DataResourceValue"}, exc: E, exactM: "Value arn:aws:s3:::* for DataResources.Values is invalid."},
		{name: "S3 wildcard in key", mod: withBasic(s3DR("arn:aws:s3:::bkt/*")), rules: []string{"DataResourceValue"}, exc: E},
		{name: "Lambda ARN", mod: withBasic(EventSelector{DataResources: []DataResource{{Type: "AWS::Lambda::Function", Values: []string{lambdaARN}}}})},
		{name: "Lambda all", mod: withBasic(EventSelector{DataResources: []DataResource{{Type: "AWS::Lambda::Function", Values: []string{"arn:aws:lambda"}}}})},
		{name: "Lambda wildcard", mod: withBasic(EventSelector{DataResources: []DataResource{{Type: "AWS::Lambda::Function", Values: []string{"arn:aws:lambda:*"}}}}),
			rules: []string{"DataResourceValue"}, exc: E, exactM: "Value arn:aws:lambda:* for DataResources.Values is invalid."},
		{name: "Lambda bad account", mod: withBasic(EventSelector{DataResources: []DataResource{{Type: "AWS::Lambda::Function", Values: []string{"arn:aws:lambda:us-east-1:1:function:x"}}}}),
			rules: []string{"DataResourceValue"}, exc: E},
		{name: "DynamoDB table", mod: withBasic(EventSelector{DataResources: []DataResource{{Type: "AWS::DynamoDB::Table", Values: []string{"arn:aws:dynamodb:us-east-1:111122223333:table/orders"}}}})},
		{name: "DynamoDB all", mod: withBasic(EventSelector{DataResources: []DataResource{{Type: "AWS::DynamoDB::Table", Values: []string{"arn:aws:dynamodb"}}}})},
		{name: "DynamoDB no table name", mod: withBasic(EventSelector{DataResources: []DataResource{{Type: "AWS::DynamoDB::Table", Values: []string{"arn:aws:dynamodb:us-east-1:111122223333:table/"}}}}),
			rules: []string{"DataResourceValue"}, exc: E},
		{name: "exclude kms and rdsdata", mod: withBasic(EventSelector{ExcludeManagementEventSources: []string{"kms.amazonaws.com", "rdsdata.amazonaws.com"}})},
		{name: "exclude s3", mod: withBasic(EventSelector{ExcludeManagementEventSources: []string{"s3.amazonaws.com"}}), rules: []string{"ExcludeManagementEventSources"}, exc: E},
		{name: "management off with data", mod: withBasic(EventSelector{IncludeManagementEvents: ptr(false), DataResources: []DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3"}}}})},
		{name: "management off without data", mod: withBasic(EventSelector{IncludeManagementEvents: ptr(false)}), rules: []string{"ManagementOffNoDataResources"}, exc: E,
			exactM: "Invalid combination of parameters in EventSelectors. When includeManagementEvents is false, DataResources must not be empty"},
		// §1 one kind only.
		{name: "basic and advanced", mod: func(t *Trail) {
			t.EventSelectors = []EventSelector{{}}
			t.AdvancedEventSelectors = []AdvancedEventSelector{mgmtSel()}
		}, rules: []string{"BasicAndAdvanced"}, exc: P},
		// §3.1 shape.
		{name: "advanced management", mod: withAdv(mgmtSel())},
		{name: "no field selectors", mod: withAdv(AdvancedEventSelector{Name: "x"}), rules: []string{"NoFieldSelectors"}, exc: E},
		{name: "name 1000", mod: withAdv(AdvancedEventSelector{Name: strings.Repeat("n", 1000), FieldSelectors: mgmtSel().FieldSelectors})},
		{name: "name 1001", mod: withAdv(AdvancedEventSelector{Name: strings.Repeat("n", 1001), FieldSelectors: mgmtSel().FieldSelectors}), rules: []string{"AdvancedNameTooLong"}, exc: E},
		{name: "name 101 with CFN bound", mod: withAdv(AdvancedEventSelector{Name: strings.Repeat("n", 101), FieldSelectors: mgmtSel().FieldSelectors}),
			opts: ValidateOptions{MaxAdvancedNameLength: 100}, rules: []string{"AdvancedNameTooLong"}, exc: E},
		{name: "field pattern", mod: withAdv(mgmtSel(op("read Only", Equals, "true"))), rules: []string{"FieldName", "UnknownField"}, exc: E},
		{name: "field too long", mod: withAdv(mgmtSel(op(strings.Repeat("f", 1001), Equals, "x"))), rules: []string{"FieldName", "UnknownField"}, exc: E},
		{name: "eventTypeName is not a field", mod: withAdv(dataS3(op("eventTypeName", Equals, "x"))), rules: []string{"UnknownField"}, exc: E},
		{name: "no operator", mod: withAdv(dataS3(AdvancedFieldSelector{Field: fieldEventName})), rules: []string{"NoOperator"}, exc: E},
		{name: "empty operator list", mod: withAdv(dataS3(AdvancedFieldSelector{Field: fieldEventName, Equals: []string{}})), rules: []string{"EmptyOperator"}, exc: E},
		{name: "empty value", mod: withAdv(dataS3(op(fieldEventName, Equals, ""))), rules: []string{"FieldValue"}, exc: E},
		{name: "value 2048", mod: withAdv(dataS3(op(fieldEventName, Equals, strings.Repeat("v", 2048))))},
		{name: "value 2049", mod: withAdv(dataS3(op(fieldEventName, Equals, strings.Repeat("v", 2049)))), rules: []string{"FieldValue"}, exc: E},
		{name: "value with newline", mod: withAdv(dataS3(op(fieldEventName, Equals, "a\nb"))), rules: []string{"FieldValue"}, exc: E},
		{name: "asterisk is literal", mod: withAdv(dataS3(op(fieldEventName, StartsWith, "Get*")))},
		// §3.2 eventCategory.
		{name: "eventCategory missing", mod: withAdv(sel(op(fieldReadOnly, Equals, "true"))), rules: []string{"EventCategoryRequired"}, exc: E},
		{name: "eventCategory NotEquals", mod: withAdv(sel(op(fieldEventCategory, NotEquals, "Data"))), rules: []string{"OperatorNotAllowed"}, exc: E},
		{name: "eventCategory Insight (EDS only)", mod: withAdv(sel(eq(fieldEventCategory, "Insight"))), rules: []string{"EventCategoryValue"}, exc: E},
		{name: "eventCategory two values", mod: withAdv(sel(eq(fieldEventCategory, "Management", "Data"))), rules: []string{"SingleValueRequired"}, exc: E},
		// §3.2 fields per category.
		{name: "management readOnly", mod: withAdv(mgmtSel(eq(fieldReadOnly, "false")))},
		{name: "management eventName", mod: withAdv(mgmtSel(eq(fieldEventName, "RunInstances"))), rules: []string{"FieldNotAllowedForCategory"}, exc: E},
		{name: "management eventSource NotEquals kms", mod: withAdv(mgmtSel(op(fieldEventSource, NotEquals, "kms.amazonaws.com", "rdsdata.amazonaws.com")))},
		{name: "management eventSource Equals", mod: withAdv(mgmtSel(op(fieldEventSource, Equals, "kms.amazonaws.com"))), rules: []string{"OperatorNotAllowed"}, exc: E},
		{name: "management eventSource NotEquals s3", mod: withAdv(mgmtSel(op(fieldEventSource, NotEquals, "s3.amazonaws.com"))), rules: []string{"ManagementEventSourceValue"}, exc: E},
		{name: "data all fields", mod: withAdv(dataS3(op(fieldEventSource, StartsWith, "s3"), op(fieldReadOnly, Equals, "true"), op(fieldEventName, NotEndsWith, "Acl"),
			op(fieldEventType, NotEquals, "AwsServiceEvent"), op(fieldResourcesARN, StartsWith, "arn:aws:s3:::bkt/"), op(fieldSessionCredentialFromConsole, NotEquals, "true"),
			op(fieldUserIdentityARN, NotStartsWith, "arn:aws:sts::111122223333:assumed-role/ci-")))},
		{name: "data errorCode", mod: withAdv(dataS3(eq(fieldErrorCode, "VpceAccessDenied"))), rules: []string{"FieldNotAllowedForCategory"}, exc: E},
		{name: "data vpcEndpointId", mod: withAdv(dataS3(eq(fieldVPCEndpointID, "vpce-1"))), rules: []string{"FieldNotAllowedForCategory"}, exc: E},
		{name: "readOnly bad value", mod: withAdv(dataS3(eq(fieldReadOnly, "yes"))), rules: []string{"ReadOnlyValue"}, exc: E},
		{name: "readOnly StartsWith", mod: withAdv(dataS3(op(fieldReadOnly, StartsWith, "true"))), rules: []string{"OperatorNotAllowed"}, exc: E},
		{name: "sessionCredentialFromConsole false", mod: withAdv(dataS3(eq(fieldSessionCredentialFromConsole, "false"))), rules: []string{"SessionCredentialValue"}, exc: E},
		{name: "sessionCredentialFromConsole StartsWith", mod: withAdv(dataS3(op(fieldSessionCredentialFromConsole, StartsWith, "true"))), rules: []string{"OperatorNotAllowed"}, exc: E},
		// §3.4/§3.5 resources.type.
		{name: "Data without resources.type", mod: withAdv(sel(eq(fieldEventCategory, "Data"))), rules: []string{"ResourcesTypeRequired"}, exc: E},
		{name: "resources.type twice", mod: withAdv(sel(eq(fieldEventCategory, "Data"), eq(fieldResourcesType, "AWS::S3::Object"), eq(fieldResourcesType, "AWS::SNS::Topic"))), rules: []string{"ResourcesTypeRepeated"}, exc: E},
		{name: "resources.type two values", mod: withAdv(sel(eq(fieldEventCategory, "Data"), eq(fieldResourcesType, "AWS::S3::Object", "AWS::SNS::Topic"))), rules: []string{"SingleValueRequired"}, exc: E},
		{name: "resources.type NotEquals", mod: withAdv(sel(eq(fieldEventCategory, "Data"), op(fieldResourcesType, NotEquals, "AWS::S3::Object"))), rules: []string{"OperatorNotAllowed"}, exc: E},
		{name: "resources.type from the list", mod: withAdv(dataSel("AWS::Quicksight::ActionConnector"), dataSel("AWS::QApps::QApp"), dataSel("AWS::XRay::Trace"))},
		{name: "resources.type one-colon spelling", mod: withAdv(dataSel("AWS::QApps:QApp")), rules: []string{"ResourcesTypeValue"}, exc: E},
		{name: "resources.type extra", mod: withAdv(dataSel("AWS::New::Thing")), opts: ValidateOptions{ExtraResourceTypes: []string{"AWS::New::Thing"}}},
		{name: "resources.type on management", mod: withAdv(mgmtSel(eq(fieldResourcesType, "AWS::S3::Object"))), rules: []string{"FieldNotAllowedForCategory"}, exc: E},
		// §3.5 resources.ARN forms.
		{name: "ARN Equals Lambda", mod: withAdv(dataSel("AWS::Lambda::Function", eq(fieldResourcesARN, lambdaARN)))},
		{name: "ARN Equals Lambda bad", mod: withAdv(dataSel("AWS::Lambda::Function", eq(fieldResourcesARN, "arn:aws:lambda:us-east-1:111122223333:helloworld"))), rules: []string{"ResourcesARNForm"}, exc: E},
		{name: "ARN NotEquals DynamoDB table", mod: withAdv(dataSel("AWS::DynamoDB::Table", op(fieldResourcesARN, NotEquals, "arn:aws:dynamodb:us-east-1:111122223333:table/orders")))},
		{name: "ARN NotEquals DynamoDB stream ARN for table", mod: withAdv(dataSel("AWS::DynamoDB::Table", op(fieldResourcesARN, NotEquals, "arn:aws:dynamodb:us-east-1:111122223333:table/orders/stream/2024"))), rules: []string{"ResourcesARNForm"}, exc: E},
		{name: "ARN Equals S3 object", mod: withAdv(dataS3(eq(fieldResourcesARN, "arn:aws:s3:::bkt/path/")))},
		{name: "ARN Equals S3 bucket only", mod: withAdv(dataS3(eq(fieldResourcesARN, "arn:aws:s3:::bkt"))), rules: []string{"ResourcesARNForm"}, exc: E},
		{name: "ARN StartsWith partial", mod: withAdv(dataS3(op(fieldResourcesARN, StartsWith, "arn:aws:s3:::bkt")))},
		{name: "ARN Equals EC2 snapshot", mod: withAdv(dataSel("AWS::EC2::Snapshot", eq(fieldResourcesARN, "arn:aws:ec2:us-east-1::snapshot/snap-0123")))},
		{name: "ARN Equals EC2 snapshot with account", mod: withAdv(dataSel("AWS::EC2::Snapshot", eq(fieldResourcesARN, "arn:aws:ec2:us-east-1:111122223333:snapshot/snap-0123"))), rules: []string{"ResourcesARNForm"}, exc: E},
		{name: "ARN Equals generic type", mod: withAdv(dataSel("AWS::SNS::Topic", eq(fieldResourcesARN, "arn:aws:sns:us-east-1:111122223333:alerts")))},
		{name: "ARN Equals generic type not an ARN", mod: withAdv(dataSel("AWS::SNS::Topic", eq(fieldResourcesARN, "alerts"))), rules: []string{"ResourcesARNForm"}, exc: E},
		// §3.6 network activity.
		{name: "network selector", mod: withAdv(netSel(eq(fieldErrorCode, "VpceAccessDenied"), op(fieldVPCEndpointID, NotEquals, "vpce-1"), op(fieldEventName, StartsWith, "Get"), op(fieldUserIdentityARN, NotStartsWith, "arn:aws:iam")))},
		{name: "network without eventSource", mod: withAdv(sel(eq(fieldEventCategory, "NetworkActivity"))), rules: []string{"NetworkEventSourceRequired"}, exc: E},
		{name: "network eventSource StartsWith", mod: withAdv(sel(eq(fieldEventCategory, "NetworkActivity"), op(fieldEventSource, StartsWith, "kms.amazonaws.com"))), rules: []string{"OperatorNotAllowed"}, exc: E},
		{name: "network two sources", mod: withAdv(sel(eq(fieldEventCategory, "NetworkActivity"), eq(fieldEventSource, "kms.amazonaws.com", "s3.amazonaws.com"))), rules: []string{"SingleValueRequired"}, exc: E},
		{name: "network unknown source", mod: withAdv(sel(eq(fieldEventCategory, "NetworkActivity"), eq(fieldEventSource, "iam.amazonaws.com"))), rules: []string{"NetworkEventSourceValue"}, exc: E},
		{name: "network extra source", mod: withAdv(sel(eq(fieldEventCategory, "NetworkActivity"), eq(fieldEventSource, "new.amazonaws.com"))), opts: ValidateOptions{ExtraNetworkActivityEventSources: []string{"new.amazonaws.com"}}},
		{name: "network errorCode other", mod: withAdv(netSel(eq(fieldErrorCode, "AccessDenied"))), rules: []string{"ErrorCodeValue"}, exc: E},
		{name: "network errorCode NotEquals", mod: withAdv(netSel(op(fieldErrorCode, NotEquals, "VpceAccessDenied"))), rules: []string{"OperatorNotAllowed"}, exc: E},
		{name: "network readOnly", mod: withAdv(netSel(eq(fieldReadOnly, "true"))), rules: []string{"FieldNotAllowedForCategory"}, exc: E},
		{name: "network resources.ARN", mod: withAdv(netSel(op(fieldResourcesARN, StartsWith, "arn:"))), rules: []string{"FieldNotAllowedForCategory"}, exc: E},
		// §3.4 duplicates and totals.
		{name: "duplicate field", mod: withAdv(dataS3(eq(fieldEventName, "GetObject"), op(fieldEventName, NotEquals, "PutObject"))), rules: []string{"DuplicateField"}, exc: E},
		{name: "duplicate field allowed", mod: withAdv(dataS3(eq(fieldEventName, "GetObject"), op(fieldEventName, NotEquals, "PutObject"))), opts: ValidateOptions{AllowDuplicateFields: true}},
		{name: "500 values", mod: withAdv(dataS3(eq(fieldEventName, manyValues(498)...)))},
		{name: "501 values", mod: withAdv(dataS3(eq(fieldEventName, manyValues(499)...))), rules: []string{"TooManyAdvancedValues"}, exc: E},
		{name: "500 values over selectors", mod: withAdv(dataS3(eq(fieldEventName, manyValues(248)...)), dataS3(eq(fieldEventName, manyValues(248)...)))},
		{name: "501 values over selectors", mod: withAdv(dataS3(eq(fieldEventName, manyValues(248)...)), dataS3(eq(fieldEventName, manyValues(249)...))), rules: []string{"TooManyAdvancedValues"}, exc: E},
		{name: "250 ARN values", mod: withAdv(dataS3(op(fieldResourcesARN, StartsWith, nBuckets(250, 0)...)))},
		{name: "251 ARN values", mod: withAdv(dataS3(op(fieldResourcesARN, StartsWith, nBuckets(251, 0)...))), rules: []string{"TooManyDataResources"}, exc: E},
		{name: "advanced selector cap", mod: withAdv(mgmtSel(), mgmtSel(), mgmtSel()), opts: ValidateOptions{MaxAdvancedSelectors: 2}, rules: []string{"TooManyAdvancedSelectors"}, exc: E},
		{name: "no advanced selector cap by default", mod: withAdv(mgmtSel(), mgmtSel(), mgmtSel(), mgmtSel(), mgmtSel(), mgmtSel(), mgmtSel())},
		// §7.1 insight selectors.
		{name: "insights default", mod: func(t *Trail) {
			t.InsightSelectors = []InsightSelector{{InsightType: "ApiCallRateInsight"}, {InsightType: "ApiErrorRateInsight"}}
		}},
		{name: "insight type bad", mod: func(t *Trail) { t.InsightSelectors = []InsightSelector{{InsightType: "ApiRateInsight"}} }, rules: []string{"InsightType"}, exc: I},
		{name: "insight type twice", mod: func(t *Trail) {
			t.InsightSelectors = []InsightSelector{{InsightType: "ApiCallRateInsight"}, {InsightType: "ApiCallRateInsight"}}
		}, rules: []string{"InsightTypeRepeated"}, exc: I},
		{name: "insight category bad", mod: func(t *Trail) {
			t.InsightSelectors = []InsightSelector{{InsightType: "ApiCallRateInsight", EventCategories: []string{"NetworkActivity"}}}
		}, rules: []string{"InsightEventCategory"}, exc: I},
		{name: "data insights without data events", mod: func(t *Trail) {
			t.InsightSelectors = []InsightSelector{{InsightType: "ApiCallRateInsight", EventCategories: []string{"Data"}}}
		}, rules: []string{"InsightPrerequisite"}, exc: I},
		{name: "data insights, prerequisites skipped", mod: func(t *Trail) {
			t.InsightSelectors = []InsightSelector{{InsightType: "ApiCallRateInsight", EventCategories: []string{"Data"}}}
		}, opts: ValidateOptions{SkipInsightPrerequisites: true}},
		{name: "data insights, selectors not loaded", mod: func(t *Trail) {
			t.HasCustomEventSelectors = true
			t.InsightSelectors = []InsightSelector{{InsightType: "ApiCallRateInsight", EventCategories: []string{"Data"}}}
		}},
		{name: "data insights with data events", mod: func(t *Trail) {
			t.EventSelectors = []EventSelector{s3DR("arn:aws:s3")}
			t.InsightSelectors = []InsightSelector{{InsightType: "ApiCallRateInsight", EventCategories: []string{"Data", "Management"}}}
		}},
		{name: "call rate needs write management", mod: func(t *Trail) {
			t.EventSelectors = []EventSelector{{ReadWriteType: ReadOnly}}
			t.InsightSelectors = []InsightSelector{{InsightType: "ApiCallRateInsight"}}
		}, rules: []string{"InsightPrerequisite"}, exc: I},
		{name: "error rate with read management", mod: func(t *Trail) {
			t.EventSelectors = []EventSelector{{ReadWriteType: ReadOnly}}
			t.InsightSelectors = []InsightSelector{{InsightType: "ApiErrorRateInsight"}}
		}},
		{name: "call rate, advanced write management", mod: func(t *Trail) {
			t.AdvancedEventSelectors = []AdvancedEventSelector{mgmtSel(eq(fieldReadOnly, "false"))}
			t.InsightSelectors = []InsightSelector{{InsightType: "ApiCallRateInsight"}}
		}},
		{name: "error rate, advanced without management", mod: func(t *Trail) {
			t.AdvancedEventSelectors = []AdvancedEventSelector{dataS3()}
			t.InsightSelectors = []InsightSelector{{InsightType: "ApiErrorRateInsight"}}
		}, rules: []string{"InsightPrerequisite"}, exc: I},
	}
}

func TestValidate(t *testing.T) {
	for _, c := range validateCases() {
		t.Run(c.name, func(t *testing.T) {
			tr := baseTrail()
			if c.mod != nil {
				c.mod(tr)
			}
			err := Validate(tr, c.opts)
			if c.rules == nil {
				if err != nil {
					t.Fatalf("unexpected: %v", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want *ValidationError", err)
			}
			if !errors.Is(err, ErrInvalidTrail) {
				t.Errorf("errors.Is(%v, ErrInvalidTrail) = false", err)
			}
			got := map[string]bool{}
			for _, p := range ve.Problems {
				got[p.Rule] = true
			}
			for _, r := range c.rules {
				if !got[r] {
					t.Errorf("missing rule %s in %v", r, err)
				}
			}
			if len(got) != len(c.rules) {
				t.Errorf("rules %v, want exactly %v", got, c.rules)
			}
			var first *Problem
			for i := range ve.Problems {
				if ve.Problems[i].Rule == c.rules[0] {
					first = &ve.Problems[i]
					break
				}
			}
			if first == nil {
				return
			}
			if first.Exception != c.exc {
				t.Errorf("exception %s, want %s", first.Exception, c.exc)
			}
			if c.exactM != "" && (first.Message != c.exactM || !first.ServiceMessage) {
				t.Errorf("message %q (service %v), want %q", first.Message, first.ServiceMessage, c.exactM)
			}
			if first.Message == "" {
				t.Error("empty message")
			}
		})
	}
}

// Every problem is reported at once, each with its own exception and path.
func TestValidateReportsAll(t *testing.T) {
	tr := baseTrail()
	tr.Name = "-x"
	tr.IncludeGlobalServiceEvents = false
	tr.S3KeyPrefix = strings.Repeat("p", 201)
	tr.EventSelectors = []EventSelector{
		{IncludeManagementEvents: ptr(false)},
		s3DR("arn:aws:s3:::bkt", "arn:aws:s3:::okb/", "arn:aws:s3:::*"),
	}
	tr.InsightSelectors = []InsightSelector{{InsightType: "Nope"}}
	err := Validate(tr, ValidateOptions{})
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v", err)
	}
	want := []struct {
		exc  string
		path string
	}{
		{invalidTrailNameException, "Name"}, // too short
		{invalidTrailNameException, "Name"}, // start
		{invalidS3PrefixException, "S3KeyPrefix"},
		{invalidParameterCombinationException, "IncludeGlobalServiceEvents"},
		{invalidEventSelectorsException, "EventSelectors[0]"},
		{invalidEventSelectorsException, "EventSelectors[1].DataResources[0].Values[0]"},
		{invalidEventSelectorsException, "EventSelectors[1].DataResources[0].Values[2]"},
		{invalidInsightSelectorsException, "InsightSelectors[0].InsightType"},
	}
	if len(ve.Problems) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(ve.Problems), len(want), err)
	}
	for i, w := range want {
		if p := ve.Problems[i]; p.Exception != w.exc || p.Path != w.path {
			t.Errorf("problem %d = %s %s, want %s %s", i, p.Exception, p.Path, w.exc, w.path)
		}
	}
	if !errors.Is(err, ErrInvalidTrail) {
		t.Error("errors.Is(err, ErrInvalidTrail) = false")
	}
	if !strings.Contains(err.Error(), "8 problem(s)") || !strings.Contains(err.Error(), "Value arn:aws:s3:::bkt for DataResources.Values is invalid.") {
		t.Errorf("Error() = %s", err)
	}
}

// The documented composed example of spec §3.7 is valid and counts 10 values.
func TestValidateSpecExample(t *testing.T) {
	l, err := parseAdvancedEventSelectorList([]byte(specExample))
	if err != nil {
		t.Fatal(err)
	}
	tr := baseTrail()
	tr.AdvancedEventSelectors = l
	if err := Validate(tr, ValidateOptions{}); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range l {
		for _, f := range s.FieldSelectors {
			for _, ov := range f.operators() {
				n += len(ov.Values)
			}
		}
	}
	if n != 10 {
		t.Errorf("values = %d, want 10", n)
	}
}

const specExample = `[
 {"Name":"mgmt minus KMS","FieldSelectors":[
   {"Field":"eventCategory","Equals":["Management"]},
   {"Field":"eventSource","NotEquals":["kms.amazonaws.com"]}]},
 {"Name":"S3 writes in bkt except CI role","FieldSelectors":[
   {"Field":"eventCategory","Equals":["Data"]},
   {"Field":"resources.type","Equals":["AWS::S3::Object"]},
   {"Field":"readOnly","Equals":["false"]},
   {"Field":"resources.ARN","StartsWith":["arn:aws:s3:::bkt/"]},
   {"Field":"userIdentity.arn","NotStartsWith":["arn:aws:sts::111122223333:assumed-role/ci-"]}]},
 {"Name":"KMS VPCE denials","FieldSelectors":[
   {"Field":"eventCategory","Equals":["NetworkActivity"]},
   {"Field":"eventSource","Equals":["kms.amazonaws.com"]},
   {"Field":"errorCode","Equals":["VpceAccessDenied"]}]}
]`

func TestResourceTypesTable(t *testing.T) {
	types := ResourceTypes()
	if len(types) != 175 {
		t.Errorf("ResourceTypes has %d values, want 175", len(types))
	}
	seen := map[string]bool{}
	for _, v := range types {
		if seen[v] || !strings.HasPrefix(v, "AWS::") {
			t.Errorf("bad or repeated type %q", v)
		}
		seen[v] = true
	}
	for _, v := range []string{"AWS::S3::Object", "AWS::Lambda::Function", "AWS::DynamoDB::Table"} {
		if !seen[v] {
			t.Errorf("missing %s", v)
		}
	}
	if n := len(NetworkActivityEventSources()); n != 76 {
		t.Errorf("NetworkActivityEventSources has %d values", n)
	}
}

func TestBenchSelectorsValid(t *testing.T) {
	tr := baseTrail()
	tr.AdvancedEventSelectors = benchSelectors()
	if err := Validate(tr, ValidateOptions{AllowDuplicateFields: true}); err != nil {
		t.Fatal(err)
	}
	for i, s := range tr.AdvancedEventSelectors {
		if len(s.FieldSelectors) != 10 {
			t.Errorf("selector %d has %d conditions", i, len(s.FieldSelectors))
		}
	}
}

// trail.Validate and logfile (the trail names of digest keys) apply one set
// of naming rules (internal/trailname). Before they shared it, logfile accepted the
// IP-address-shaped names the documentation forbids ("192.168.5.4", its
// own example) and Validate stopped looking for adjacent punctuation after
// the first bad character.
func TestTrailNameRulesShared(t *testing.T) {
	for _, name := range []string{
		"192.168.5.4", "999.1.1.1", "10.0.0.1", "1.2.3", "1.2.3.4.5", "1234.1.1.1",
		"my-_namespace", "my--namespace", "a b--c", "abc", "ab", "_abc", "abc-",
		strings.Repeat("x", 128), strings.Repeat("x", 129), "org_trail.v2", "",
	} {
		tr := baseTrail()
		tr.Name = name
		var nameProblems []string
		var ve *ValidationError
		if err := Validate(tr, ValidateOptions{}); errors.As(err, &ve) {
			for _, p := range ve.Problems {
				if strings.HasPrefix(p.Rule, "TrailName") {
					nameProblems = append(nameProblems, p.Rule)
				}
			}
		}
		digestKey := logfile.Key{Kind: logfile.KindDigest, Account: "111122223333", Region: "us-east-1",
			Time: time.Date(2024, 3, 5, 9, 0, 0, 0, time.UTC), Trail: name, HomeRegion: "us-east-1"}
		logfileErr := digestKey.Validate()
		if (len(nameProblems) == 0) != (logfileErr == nil) {
			t.Errorf("%q: trail.Validate name problems %v, logfile.Key.Validate %v", name, nameProblems, logfileErr)
		}
	}
	tr := baseTrail()
	tr.Name = "a b--c"
	var ve *ValidationError
	if !errors.As(Validate(tr, ValidateOptions{}), &ve) || !hasRule(ve, "TrailNameCharset") || !hasRule(ve, "TrailNameAdjacentPunctuation") {
		t.Errorf("a b--c: want both the charset and the adjacency problem, got %v", ve)
	}
}

// hasRule reports whether any problem of e has the rule id.
func hasRule(e *ValidationError, rule string) bool {
	for _, p := range e.Problems {
		if p.Rule == rule {
			return true
		}
	}
	return false
}
