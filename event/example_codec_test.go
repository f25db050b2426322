package event_test

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/trailkit/trailkit/event"
)

// Build a record by hand and write it as CloudTrail writes it: compact, in
// CloudTrail's key order, absent fields left out, "/" not escaped.
func ExampleRecord_AppendJSON() {
	readOnly, management := false, true
	r := event.Record{
		EventVersion: "1.11",
		UserIdentity: &event.UserIdentity{
			Type:        event.IdentityIAMUser,
			PrincipalID: "AIDAEXAMPLEUSER00001",
			ARN:         "arn:aws:iam::111122223333:user/alice",
			AccountID:   "111122223333",
			UserName:    "alice",
		},
		EventTime:          time.Date(2024, 3, 5, 9, 16, 3, 0, time.UTC),
		EventSource:        "ssm.amazonaws.com",
		EventName:          "PutParameter",
		AWSRegion:          "eu-west-1",
		SourceIPAddress:    "198.51.100.23",
		UserAgent:          "aws-cli/2.15.0",
		RequestParameters:  json.RawMessage(`{"name":"/ci/build-number","overwrite":true}`),
		ResponseElements:   json.RawMessage(`null`),
		EventID:            "6c2d9b7e-1f3a-4e58-8c21-9b0e7d4a3f65",
		ReadOnly:           &readOnly,
		EventType:          event.AwsAPICall,
		ManagementEvent:    &management,
		RecipientAccountID: "111122223333",
		EventCategory:      event.CategoryManagement,
	}
	buf := make([]byte, 0, 1024) // reuse buf across records: no allocation
	buf = r.AppendJSON(buf)
	os.Stdout.Write(append(buf, '\n'))
	// Output:
	// {"eventVersion":"1.11","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLEUSER00001","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},"eventTime":"2024-03-05T09:16:03Z","eventSource":"ssm.amazonaws.com","eventName":"PutParameter","awsRegion":"eu-west-1","sourceIPAddress":"198.51.100.23","userAgent":"aws-cli/2.15.0","requestParameters":{"name":"/ci/build-number","overwrite":true},"responseElements":null,"eventID":"6c2d9b7e-1f3a-4e58-8c21-9b0e7d4a3f65","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}
}

// Decode a record: typed fields, raw members kept byte for byte, and
// members the model does not know (or cannot hold) kept in Unknown, so the
// record is written back without losing anything.
func ExampleUnmarshal() {
	line := []byte(`{"eventVersion":"1.08","eventTime":"2020-07-21T20:56:00Z","eventName":"GetObject",` +
		`"requestParameters":{"bucketName":"b","key":"k"},"readOnly":"true","newField":{"x":1}}`)
	var r event.Record
	if err := event.Unmarshal(line, &r); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.EventName, r.EventTime.Format(time.RFC3339), string(r.RequestParameters))
	fmt.Println("readOnly typed:", r.ReadOnly != nil)
	for _, m := range r.Unknown {
		fmt.Printf("unknown %s=%s\n", m.Key, m.Value)
	}
	fmt.Println(string(r.AppendJSON(nil)))

	// Malformed input is a *SyntaxError carrying the offset.
	err := event.Unmarshal([]byte(`{"eventName":"A",}`), &r)
	fmt.Println(err)
	// Output:
	// GetObject 2020-07-21T20:56:00Z {"bucketName":"b","key":"k"}
	// readOnly typed: false
	// unknown readOnly="true"
	// unknown newField={"x":1}
	// {"eventVersion":"1.08","eventTime":"2020-07-21T20:56:00Z","eventName":"GetObject","requestParameters":{"bucketName":"b","key":"k"},"readOnly":"true","newField":{"x":1}}
	// event: malformed JSON at offset 17: invalid character '}' looking for beginning of object key string
}

// Strings are escaped the way CloudTrail writes them (Gson's HTML-safe
// mode): ' = & < > become \u0027 \u003d \u0026 \u003c \u003e. json.Marshal,
// which uses MarshalJSON, and AppendJSON write the same bytes.
func ExampleRecord_MarshalJSON() {
	r := event.Record{EventName: "Put<Object>", ErrorMessage: "a & b, x='y'"}
	viaMarshal, _ := json.Marshal(r)
	fmt.Println(string(viaMarshal))
	fmt.Println(string(r.AppendJSON(nil)))
	// Output:
	// {"eventName":"Put\u003cObject\u003e","errorMessage":"a \u0026 b, x\u003d\u0027y\u0027"}
	// {"eventName":"Put\u003cObject\u003e","errorMessage":"a \u0026 b, x\u003d\u0027y\u0027"}
}
