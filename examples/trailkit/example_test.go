package main

import (
	"os"
	"strings"
)

// The selectors command explains, record by record, what a trail records.
func Example_selectors() {
	records := `{"eventID":"put-1","eventCategory":"Data","eventSource":"s3.amazonaws.com","eventName":"PutObject","readOnly":false,"awsRegion":"eu-west-1","recipientAccountId":"111122223333","resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::data/k"}]}
{"eventID":"get-1","eventCategory":"Data","eventSource":"s3.amazonaws.com","eventName":"GetObject","readOnly":true,"awsRegion":"eu-west-1","recipientAccountId":"111122223333","resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::data/k"}]}
{"eventID":"run-1","eventCategory":"Management","eventSource":"ec2.amazonaws.com","eventName":"RunInstances","readOnly":false,"awsRegion":"eu-west-1","recipientAccountId":"444455556666"}
`
	code := run([]string{"selectors", "--trail", "testdata/example-trail.json", "--json"}, strings.NewReader(records), os.Stdout, os.Stderr)
	if code != 0 {
		panic(code)
	}
	// Output:
	// {"eventID":"put-1","recorded":true,"reason":"advanced selector 1 (\"S3 object writes\") matched"}
	// {"eventID":"get-1","recorded":false,"reason":"none of 2 advanced selectors matched: selector 0 \"Management events\": eventCategory \"Data\" matches none of Equals [\"Management\"]; selector 1 \"S3 object writes\": readOnly \"true\" matches none of Equals [\"false\"]"}
	// {"eventID":"run-1","recorded":false,"reason":"recipientAccountId 444455556666 is not the trail's account 111122223333"}
}
