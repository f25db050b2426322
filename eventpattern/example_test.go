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

	p, err := eventpattern.Compile(`{
	  "detail-type": ["AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail"],
	  "detail": {"userIdentity": {"type": ["Root"]}, "errorCode": [{"exists": false}]}
	}`)
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Match(r))

	// Several rules on one record: parse its envelope once.
	var ev eventpattern.Event
	if err := ev.SetRecord(r); err != nil {
		panic(err)
	}
	q, err := eventpattern.Compile(`{"source": ["aws.iam"], "detail": {"eventName": [{"prefix": "Delete"}]}}`)
	if err != nil {
		panic(err)
	}
	fmt.Println(p.MatchEvent(&ev), q.MatchEvent(&ev))
	x := q.Explain(&ev)
	fmt.Println(x.Matched, x.Reason)
	// Output:
	// AWS API Call via CloudTrail aws.iam 111122223333
	// true
	// true false
	// false detail.eventName = "CreateAccessKey" does not match [{"prefix": "Delete"}]
}
