package insights_test

import (
	"fmt"
	"time"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/insights"
)

// Two days of 20 DeleteBucket calls a minute, then 100 a minute for 10
// minutes, through the raw-observation entry.
func Example() {
	n := 0
	d := insights.New(&insights.Options{NewID: func() string {
		n++
		return fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
	}})
	key := insights.SeriesKey{AccountID: "111122223333", Region: "us-east-1",
		EventSource: "s3.amazonaws.com", EventName: "DeleteBucket", InsightType: event.APICallRateInsight}
	start := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	spike := start.Add(48 * time.Hour)
	for m := range 49 * 60 {
		t := start.Add(time.Duration(m) * time.Minute)
		count := 20
		if !t.Before(spike) && t.Before(spike.Add(10*time.Minute)) {
			count = 100
		}
		if err := d.Observe(key, t, count); err != nil {
			panic(err)
		}
	}
	for _, r := range d.Drain() {
		s := r.InsightDetails.InsightContext.Statistics
		fmt.Println(r.InsightDetails.State, r.EventTime.Format(event.TimeLayout), r.SharedEventID[24:],
			"baseline", s.Baseline.Average, "insight", s.Insight.Average, "minutes", *s.InsightDuration, "baseline minutes", *s.BaselineDuration)
	}
	// Output:
	// Start 2024-06-03T00:00:00Z 000000000001 baseline 20 insight 100 minutes 1 baseline minutes 2880
	// End 2024-06-03T00:10:00Z 000000000001 baseline 20 insight 100 minutes 10 baseline minutes 2880
}
