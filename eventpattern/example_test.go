package eventpattern_test

import (
	"fmt"
	"time"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/eventpattern"
)

// Decide whether a rule for root API calls fires on a record, and why.
func Example() {
	r := event.Builder{}.APICall(event.Record{
		EventTime:    time.Date(2024, 3, 5, 9, 0, 0, 0, time.UTC),
		EventSource:  "iam.amazonaws.com",
		EventName:    "CreateAccessKey",
		AWSRegion:    "us-east-1",
		UserIdentity: &event.UserIdentity{Type: event.IdentityRoot, AccountID: "111122223333"},
	})
	env := eventpattern.Wrap(r)
	fmt.Println(env.DetailType, env.Source, env.Account)

	p := eventpattern.MustCompile(`{
	  "detail-type": ["AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail"],
	  "detail": {"userIdentity": {"type": ["Root"]}, "errorCode": [{"exists": false}]}
	}`)
	fmt.Println(p.Match(r))

	q := eventpattern.MustCompile(`{"source": ["aws.iam"], "detail": {"eventName": [{"prefix": "Delete"}]}}`)
	x := q.ExplainRecord(r)
	fmt.Println(x.Matched, x.Reason)
	// Output:
	// AWS API Call via CloudTrail aws.iam 111122223333
	// true
	// false detail.eventName = "CreateAccessKey" does not match [{"prefix": "Delete"}]
}
