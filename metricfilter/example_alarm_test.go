package metricfilter_test

import (
	"fmt"
	"slices"
	"time"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/metricfilter"
)

// Replay records through an alarm on console sign-in failures: three or
// more in a 5-minute period, in 2 of the last 3 periods.
func ExampleEvaluate() {
	start := time.Date(2024, 3, 5, 9, 0, 0, 0, time.UTC)
	p, err := metricfilter.Compile(`{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }`)
	if err != nil {
		panic(err)
	}
	a := metricfilter.Alarm{
		Filter:            metricfilter.Filter{Name: "SigninFailures", Pattern: p},
		Threshold:         3,
		EvaluationPeriods: 3,
		DatapointsToAlarm: 2,
		TreatMissingData:  metricfilter.NotBreaching,
	}
	// Four failures at 09:01-09:04, three at 09:11-09:13.
	var records []*event.Record
	for i, m := range []int{1, 2, 3, 4, 11, 12, 13} {
		records = append(records, event.Builder{}.ConsoleSignIn(event.Record{
			EventTime: start.Add(time.Duration(m) * time.Minute), EventID: fmt.Sprint("fail-", i),
			EventName: "ConsoleLogin", ErrorMessage: "Failed authentication",
		}))
	}
	ts, err := metricfilter.Evaluate([]metricfilter.Alarm{a}, start, start.Add(30*time.Minute), slices.Values(records))
	if err != nil {
		panic(err)
	}
	for _, t := range ts {
		fmt.Println(t.Time.Format("15:04"), t.From, "->", t.To, t.Records)
	}
	// Output:
	// 09:05 INSUFFICIENT_DATA -> OK []
	// 09:15 OK -> ALARM [fail-0 fail-1 fail-2 fail-3 fail-4 fail-5 fail-6]
	// 09:20 ALARM -> OK []
}
