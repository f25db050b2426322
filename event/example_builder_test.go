package event_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/trailkit/trailkit/event"
)

// A service builds a record for one of its API calls. The clock and ID
// source are fixed here so that the output is stable; in production the
// zero Builder (or event.NewAPICall) uses the system clock and random UUIDs.
func ExampleBuilder_APICall() {
	b := event.Builder{
		Now:   func() time.Time { return time.Date(2024, 3, 5, 9, 16, 3, 412_000_000, time.UTC) },
		NewID: func() string { return "6c2d9b7e-1f3a-4e58-8c21-9b0e7d4a3f65" },
	}
	r := b.APICall(event.Record{
		UserIdentity: &event.UserIdentity{
			Type:        event.IdentityIAMUser,
			PrincipalID: "AIDAEXAMPLEUSER00001",
			ARN:         "arn:aws:iam::111122223333:user/alice",
			AccountID:   "111122223333",
			UserName:    "alice",
		},
		EventSource:       "orders.example.com",
		EventName:         "GetOrder",
		AWSRegion:         "eu-west-1",
		SourceIPAddress:   "198.51.100.23",
		UserAgent:         "orders-cli/1.4",
		RequestParameters: []byte(`{"orderId":"o-1234"}`),
	})
	if err := event.Validate(r); err != nil {
		panic(err)
	}
	fmt.Println(string(r.AppendJSON(nil)))
	// Output:
	// {"eventVersion":"1.11","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLEUSER00001","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},"eventTime":"2024-03-05T09:16:03Z","eventSource":"orders.example.com","eventName":"GetOrder","awsRegion":"eu-west-1","sourceIPAddress":"198.51.100.23","userAgent":"orders-cli/1.4","requestParameters":{"orderId":"o-1234"},"responseElements":null,"eventID":"6c2d9b7e-1f3a-4e58-8c21-9b0e7d4a3f65","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}
}

// Validate lists every problem of a record at once.
func ExampleValidate() {
	r := &event.Record{
		EventVersion: "1.11",
		EventTime:    time.Date(2024, 3, 5, 9, 16, 3, 500_000_000, time.UTC),
		EventType:    "AwsApiCal",
		UserIdentity: &event.UserIdentity{Type: event.IdentityRoot},
		EventSource:  "s3.amazonaws.com", EventName: "ListBuckets", AWSRegion: "us-east-1",
		SourceIPAddress: "192.0.2.10", EventID: "e1", EventCategory: event.CategoryManagement,
		RequestParameters: []byte("null"),
	}
	err := event.Validate(r)
	var ve *event.ValidationError
	fmt.Println(errors.As(err, &ve))
	for _, p := range ve.Problems {
		fmt.Printf("%s: %s: %s\n", p.Field, p.Code, p.Message)
	}
	// Output:
	// true
	// eventTime: malformed: eventTime 2024-03-05T09:16:03.5Z has a fraction of a second
	// responseElements: missing: required field is absent
	// eventType: unknown-value: unknown eventType "AwsApiCal"
}
