package trail_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/trail"
)

func ptr[T any](v T) *T { return &v }

func s3Get(bucket, key string) *event.Record {
	return &event.Record{
		EventSource: "s3.amazonaws.com", EventName: "GetObject", AWSRegion: "us-east-1",
		EventCategory: event.CategoryData, EventType: event.AwsAPICall, ReadOnly: ptr(true),
		RecipientAccountID: "111122223333",
		UserIdentity:       &event.UserIdentity{AccountID: "111122223333", ARN: "arn:aws:iam::111122223333:user/alice"},
		Resources: []event.Resource{
			{Type: "AWS::S3::Object", ARN: "arn:aws:s3:::" + bucket + "/" + key},
			{Type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::" + bucket, AccountID: "111122223333"},
		},
	}
}

func ExampleCompile() {
	var selectors []trail.AdvancedEventSelector
	err := json.Unmarshal([]byte(`[
	  {"Name": "S3 in bkt except scratch", "FieldSelectors": [
	    {"Field": "eventCategory", "Equals": ["Data"]},
	    {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
	    {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::bkt/"],
	     "NotStartsWith": ["arn:aws:s3:::bkt/scratch/"]}]}]`), &selectors)
	if err != nil {
		panic(err)
	}
	t := &trail.Trail{
		Name: "data-trail", IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true,
		TrailARN:               "arn:aws:cloudtrail:us-east-1:111122223333:trail/data-trail",
		AdvancedEventSelectors: selectors,
	}
	f, err := trail.Compile(t, trail.CompileOptions{})
	if err != nil {
		panic(err)
	}
	for _, key := range []string{"reports/q1.csv", "scratch/tmp"} {
		fmt.Println(key, f.Match(s3Get("bkt", key)))
	}
	fmt.Println("other bucket", f.Match(s3Get("other", "x")))
	// Output:
	// reports/q1.csv true
	// scratch/tmp false
	// other bucket false
}

func ExampleFilter_Explain() {
	t := &trail.Trail{
		Name: "mgmt", IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true,
		TrailARN: "arn:aws:cloudtrail:us-east-1:111122223333:trail/mgmt",
		AdvancedEventSelectors: []trail.AdvancedEventSelector{{
			Name: "writes minus KMS",
			FieldSelectors: []trail.AdvancedFieldSelector{
				{Field: "eventCategory", Equals: []string{"Management"}},
				{Field: "readOnly", Equals: []string{"false"}},
				{Field: "eventSource", NotEquals: []string{"kms.amazonaws.com"}},
			},
		}},
	}
	f, _ := trail.Compile(t, trail.CompileOptions{})
	r := &event.Record{
		EventSource: "kms.amazonaws.com", EventName: "ScheduleKeyDeletion", AWSRegion: "eu-west-1",
		EventCategory: event.CategoryManagement, ReadOnly: ptr(false), RecipientAccountID: "111122223333",
	}
	fmt.Println(f.Explain(r))
	r.RecipientAccountID = "444455556666"
	fmt.Println(f.Explain(r))
	// Output:
	// not recorded (selectors): none of 1 advanced selectors matched
	//   advanced selector 0 ("writes minus KMS"): no match: FieldSelectors[2]: eventSource "kms.amazonaws.com" is excluded by NotEquals "kms.amazonaws.com"
	// not recorded (account): recipientAccountId 444455556666 is not the trail's account 111122223333
}

func ExampleValidate() {
	t := &trail.Trail{
		Name: "my--trail", IsMultiRegionTrail: true, IncludeGlobalServiceEvents: false,
		EventSelectors: []trail.EventSelector{{
			DataResources: []trail.DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3:::data-bucket"}}},
		}},
	}
	err := trail.Validate(t, trail.ValidateOptions{})
	var ve *trail.ValidationError
	if errors.As(err, &ve) {
		for _, p := range ve.Problems {
			fmt.Printf("%s [%s] %s\n", p.Exception, p.Rule, p.Message)
		}
	}
	fmt.Println(errors.Is(err, trail.ErrInvalidTrail))
	// Output:
	// InvalidTrailNameException [TrailNameAdjacentPunctuation] Trail name must not contain adjacent periods, underscores or hyphens.
	// InvalidParameterCombinationException [MultiRegionWithoutGlobalEvents] Multi-Region trail must include global service events.
	// InvalidEventSelectorsException [DataResourceValue] Value arn:aws:s3:::data-bucket for DataResources.Values is invalid.
	// true
}

func ExampleParse() {
	doc := []byte(`{
	  "TrailARN": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/audit",
	  "EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true}]
	}`)
	trails, err := trail.Parse(doc)
	if err != nil {
		panic(err)
	}
	t := trails[0]
	region, account, _, _ := trail.ParseTrailARN(t.TrailARN)
	fmt.Println(t.Name, region, account, t.S3BucketName == "", t.EventSelectors[0].ReadWriteType)
	// Output: audit eu-west-1 111122223333 true WriteOnly
}

func ExampleAdvancedEquivalent() {
	adv := trail.AdvancedEquivalent([]trail.EventSelector{{
		ReadWriteType:                 trail.WriteOnly,
		ExcludeManagementEventSources: []string{"kms.amazonaws.com"},
		DataResources:                 []trail.DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3:::bkt/logs/"}}},
	}})
	b, _ := json.MarshalIndent(adv, "", " ")
	fmt.Println(string(b))
	// Output:
	// [
	//  {
	//   "Name": "Management events",
	//   "FieldSelectors": [
	//    {
	//     "Field": "eventCategory",
	//     "Equals": [
	//      "Management"
	//     ]
	//    },
	//    {
	//     "Field": "readOnly",
	//     "Equals": [
	//      "false"
	//     ]
	//    },
	//    {
	//     "Field": "eventSource",
	//     "NotEquals": [
	//      "kms.amazonaws.com"
	//     ]
	//    }
	//   ]
	//  },
	//  {
	//   "Name": "Data events: AWS::S3::Object",
	//   "FieldSelectors": [
	//    {
	//     "Field": "eventCategory",
	//     "Equals": [
	//      "Data"
	//     ]
	//    },
	//    {
	//     "Field": "resources.type",
	//     "Equals": [
	//      "AWS::S3::Object"
	//     ]
	//    },
	//    {
	//     "Field": "readOnly",
	//     "Equals": [
	//      "false"
	//     ]
	//    },
	//    {
	//     "Field": "resources.ARN",
	//     "StartsWith": [
	//      "arn:aws:s3:::bkt/logs/"
	//     ]
	//    }
	//   ]
	//  }
	// ]
}

// describe-trails prints a trail without its selectors
// (HasCustomEventSelectors says it has some); json.Unmarshal of
// get-event-selectors' output into the trail completes it.
func ExampleParse_completeWithSelectors() {
	describeTrails := []byte(`{"trailList": [{
	  "Name": "audit", "S3BucketName": "audit-logs", "IsMultiRegionTrail": true,
	  "IncludeGlobalServiceEvents": true, "HomeRegion": "eu-west-1",
	  "TrailARN": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/audit",
	  "HasCustomEventSelectors": true}]}`)
	getEventSelectors := []byte(`{
	  "TrailARN": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/audit",
	  "EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true}]}`)

	trails, err := trail.Parse(describeTrails)
	if err != nil {
		panic(err)
	}
	_, err = trail.Compile(&trails[0], trail.CompileOptions{})
	fmt.Println(err)
	if err := json.Unmarshal(getEventSelectors, &trails[0]); err != nil {
		panic(err)
	}
	f, err := trail.Compile(&trails[0], trail.CompileOptions{})
	fmt.Println(trails[0].S3BucketName, trails[0].EventSelectors[0].ReadWriteType, err, f != nil)
	// Output:
	// trail: HasCustomEventSelectors is true but no selectors were loaded
	// audit-logs WriteOnly <nil> true
}
