package metricfilter_test

import (
	"fmt"
	"time"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/metricfilter"
)

// Replay records through an alarm on console sign-in failures: three or
// more in a 5-minute period, in 2 of the last 3 periods.
func ExampleEvaluator() {
	start := time.Date(2024, 3, 5, 9, 0, 0, 0, time.UTC)
	a := metricfilter.Alarm{
		Filter:            metricfilter.Filter{Name: "SigninFailures", Pattern: metricfilter.MustCompile(`{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }`)},
		Threshold:         3,
		EvaluationPeriods: 3,
		DatapointsToAlarm: 2,
		TreatMissingData:  metricfilter.NotBreaching,
	}
	ev, err := metricfilter.NewEvaluator([]metricfilter.Alarm{a}, start, start.Add(30*time.Minute))
	if err != nil {
		panic(err)
	}
	// Four failures at 09:01-09:04, three at 09:11-09:13.
	for i, m := range []int{1, 2, 3, 4, 11, 12, 13} {
		ev.Add(event.Builder{}.ConsoleSignIn(event.Record{
			EventTime: start.Add(time.Duration(m) * time.Minute), EventID: fmt.Sprint("fail-", i),
			EventName: "ConsoleLogin", ErrorMessage: "Failed authentication",
		}))
	}
	for _, t := range ev.Transitions() {
		fmt.Println(t.Time.Format("15:04"), t.From, "->", t.To, t.Records)
	}
	// Output:
	// 09:05 INSUFFICIENT_DATA -> OK []
	// 09:15 OK -> ALARM [fail-0 fail-1 fail-2 fail-3 fail-4 fail-5 fail-6]
	// 09:20 ALARM -> OK []
}
