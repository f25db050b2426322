package eventtest_test

import (
	"fmt"
	"time"

	"github.com/trailkit/trailkit/event/eventtest"
)

// Generate ten minutes of activity with a spike, and read the ground truth
// a detector test would score itself against.
func Example() {
	g := eventtest.MustNew(eventtest.Config{
		Seed:      7,
		Start:     time.Date(2024, 3, 5, 14, 0, 0, 0, time.UTC),
		Duration:  10 * time.Minute,
		Anomalies: []eventtest.Anomaly{{Kind: eventtest.Spike, Start: time.Date(2024, 3, 5, 14, 5, 0, 0, time.UTC)}},
	})
	n := 0
	for r := range g.Records() {
		if n < 3 {
			fmt.Println(r.EventTime.Format(time.RFC3339), r.EventSource, r.EventName, r.UserIdentity.Type, *r.ReadOnly)
		}
		n++
	}
	fmt.Println(n, "records")
	for _, a := range g.Anomalies() {
		fmt.Println(a.Kind, a.Region, a.EventSource, a.EventName, a.Start.Format(time.RFC3339), a.Duration, a.Factor)
	}
	// Output:
	// 2024-03-05T14:00:00Z s3.amazonaws.com GetObject AssumedRole true
	// 2024-03-05T14:00:00Z sts.amazonaws.com AssumeRole AssumedRole true
	// 2024-03-05T14:00:01Z ssm.amazonaws.com GetParameters IAMUser true
	// 971 records
	// spike us-east-1 logs.amazonaws.com CreateLogStream 2024-03-05T14:05:00Z 5m0s 5
}
