package trail

import (
	"github.com/trailkit/trailkit/event"
)

// Records for tests are built in Go (the event codec is being written).

const (
	acctA = "111122223333"
	acctB = "444455556666"
	acctC = "777788889999"
)

func ptr[T any](v T) *T { return &v }

// orZero is *o, or the zero CompileOptions for nil.
func orZero(o *CompileOptions) CompileOptions {
	if o == nil {
		return CompileOptions{}
	}
	return *o
}

// rec is a management API call from acctA in us-east-1.
func rec(mods ...func(*event.Record)) *event.Record {
	r := &event.Record{
		EventVersion:       "1.11",
		EventSource:        "ec2.amazonaws.com",
		EventName:          "RunInstances",
		AWSRegion:          "us-east-1",
		EventType:          event.AwsAPICall,
		EventCategory:      event.CategoryManagement,
		ManagementEvent:    ptr(true),
		ReadOnly:           ptr(false),
		RecipientAccountID: acctA,
		UserIdentity: &event.UserIdentity{Type: event.IdentityAssumedRole, AccountID: acctA,
			ARN: "arn:aws:sts::" + acctA + ":assumed-role/dev/alice"},
	}
	for _, m := range mods {
		m(r)
	}
	return r
}

func src(s, name string) func(*event.Record) {
	return func(r *event.Record) { r.EventSource, r.EventName = s, name }
}
func readOnly(ro bool) func(*event.Record) { return func(r *event.Record) { r.ReadOnly = ptr(ro) } }
func noReadOnly(r *event.Record)           { r.ReadOnly = nil }
func region(s string) func(*event.Record)  { return func(r *event.Record) { r.AWSRegion = s } }
func recipient(a string) func(*event.Record) {
	return func(r *event.Record) { r.RecipientAccountID = a }
}
func caller(a string) func(*event.Record) {
	return func(r *event.Record) { r.UserIdentity.AccountID = a }
}
func userARN(a string) func(*event.Record) { return func(r *event.Record) { r.UserIdentity.ARN = a } }

func data(r *event.Record) {
	r.EventCategory, r.ManagementEvent = event.CategoryData, ptr(false)
}

// s3Object is a GetObject/PutObject on bucket/key owned by owner.
func s3Object(bucket, key, owner string) func(*event.Record) {
	return func(r *event.Record) {
		data(r)
		r.EventSource, r.EventName = "s3.amazonaws.com", "GetObject"
		r.Resources = []event.Resource{
			{Type: "AWS::S3::Object", ARN: "arn:aws:s3:::" + bucket + "/" + key},
			{Type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::" + bucket, AccountID: owner},
		}
	}
}

// s3List is a bucket-level ListObjects: the object resource has ARNPrefix.
func s3List(bucket, owner string) func(*event.Record) {
	return func(r *event.Record) {
		data(r)
		r.EventSource, r.EventName, r.ReadOnly = "s3.amazonaws.com", "ListObjects", ptr(true)
		r.Resources = []event.Resource{
			{Type: "AWS::S3::Object", ARNPrefix: "arn:aws:s3:::" + bucket + "/"},
			{Type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::" + bucket, AccountID: owner},
		}
	}
}

func lambdaFn(name, owner string) func(*event.Record) {
	return func(r *event.Record) {
		data(r)
		r.EventSource, r.EventName = "lambda.amazonaws.com", "Invoke"
		r.Resources = []event.Resource{{Type: "AWS::Lambda::Function", AccountID: owner,
			ARN: "arn:aws:lambda:us-east-1:" + owner + ":function:" + name}}
	}
}

func ddbTable(name string, stream bool) func(*event.Record) {
	return func(r *event.Record) {
		data(r)
		r.EventSource, r.EventName = "dynamodb.amazonaws.com", "PutItem"
		arn := "arn:aws:dynamodb:us-east-1:" + acctA + ":table/" + name
		r.Resources = []event.Resource{{Type: "AWS::DynamoDB::Table", ARN: arn, AccountID: acctA}}
		if stream {
			r.EventName = "GetRecords"
			r.Resources = append([]event.Resource{{Type: "AWS::DynamoDB::Stream", ARN: arn + "/stream/2024-01-01T00:00:00.000", AccountID: acctA}}, r.Resources...)
		}
	}
}

func network(source, errorCode string) func(*event.Record) {
	return func(r *event.Record) {
		r.EventCategory, r.EventType, r.ManagementEvent, r.ReadOnly = event.CategoryNetworkActivity, event.AwsVpceEvent, nil, nil
		r.EventSource, r.EventName = source, "Decrypt"
		r.ErrorCode = errorCode
		if errorCode == "VpceAccessDenied" {
			r.ErrorMessage = "The request was denied due to a VPC endpoint policy"
		}
		r.VPCEndpointID = "vpce-0123456789abcdef0"
		r.VPCEndpointAccountID = r.RecipientAccountID
	}
}

func insight(r *event.Record) {
	r.EventCategory, r.EventType, r.ReadOnly, r.ManagementEvent = event.CategoryInsight, event.AwsCloudTrailInsight, nil, nil
	r.InsightDetails = &event.InsightDetails{State: event.InsightStart, EventSource: "ec2.amazonaws.com", EventName: "RunInstances", InsightType: event.APICallRateInsight}
}

// baseTrail is a valid multi-Region trail of acctA with no selectors.
func baseTrail() *Trail {
	return &Trail{
		Name: "my-trail", S3BucketName: "trail-bucket", IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true,
		HomeRegion: "us-east-1", TrailARN: "arn:aws:cloudtrail:us-east-1:" + acctA + ":trail/my-trail",
	}
}

func sel(fs ...AdvancedFieldSelector) AdvancedEventSelector {
	return AdvancedEventSelector{FieldSelectors: fs}
}
func eq(field string, v ...string) AdvancedFieldSelector {
	return AdvancedFieldSelector{Field: field, Equals: v}
}
