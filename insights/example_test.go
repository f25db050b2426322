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
	d := insights.New(insights.Options{NewID: func() string {
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

// Add takes one record or a slice of them (recs...), such as a decoded log
// file, with the same effect as one call per record.
func ExampleDetector_Add() {
	d := insights.New(insights.Options{})
	t := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	yes, no := true, false
	call := func(name string, readOnly *bool, errorCode string) *event.Record {
		return &event.Record{EventVersion: "1.11", EventTime: t, AWSRegion: "us-east-1",
			EventSource: "s3.amazonaws.com", EventName: name, ReadOnly: readOnly, ErrorCode: errorCode,
			EventType: event.AwsAPICall, EventCategory: event.CategoryManagement, RecipientAccountID: "111122223333"}
	}
	d.Add([]*event.Record{
		call("DeleteBucket", &no, ""),              // a write: the call-rate series
		call("GetBucketAcl", &yes, "AccessDenied"), // a failed read: the error-rate series
		call("GetBucketAcl", &yes, ""),             // a read: ignored
	}...)
	st := d.Stats()
	fmt.Println("records", st.Records, "counted", st.Counted, "ignored", st.Ignored, "series", st.Series)
	// Output:
	// records 3 counted 2 ignored 1 series 2
}
