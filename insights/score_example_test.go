package insights_test

import (
	"fmt"
	"time"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/insights"
)

// A job calls PutObject 100 times a minute for 3 minutes at the top of
// every hour, over a background of 10 a minute; two days later a client
// adds 50 calls a minute for 5 minutes at 00:10. OnScore sees every
// scored minute: the job's minutes are expected (learnt as a schedule),
// the extra calls are not.
func ExampleScore() {
	start := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	day2 := start.Add(48 * time.Hour)
	d := insights.New(insights.Options{
		NewID: func() string { return "00000000-0000-4000-8000-000000000001" },
		OnScore: func(s insights.Score) {
			if s.Time.Before(day2) || s.Time.Minute() > 2 && s.Time.Minute() < 9 {
				return
			}
			fmt.Printf("%s observed %3d expected %5.1f surprise %5.1f anomalous %-5v insight %v\n",
				s.Time.Format("15:04"), s.Observed, s.Expected, s.Surprise(), s.Anomalous, s.Insight)
		},
	})
	key := insights.SeriesKey{AccountID: "111122223333", Region: "us-east-1",
		EventSource: "s3.amazonaws.com", EventName: "PutObject", InsightType: event.APICallRateInsight}
	for m := range 48*60 + 20 {
		t := start.Add(time.Duration(m) * time.Minute)
		n := 10
		if t.Minute() < 3 {
			n = 100
		}
		if !t.Before(day2.Add(10*time.Minute)) && t.Before(day2.Add(15*time.Minute)) {
			n += 50
		}
		if err := d.Observe(key, t, n); err != nil {
			panic(err)
		}
	}
	for o := range d.OpenInsights() {
		fmt.Println("open:", o.Key.EventName, o.Start.Format("15:04"), "average", o.Average)
	}
	// Output:
	// 00:00 observed 100 expected 101.0 surprise   0.3 anomalous false insight false
	// 00:01 observed 100 expected 101.0 surprise   0.3 anomalous false insight false
	// 00:02 observed 100 expected 101.0 surprise   0.3 anomalous false insight false
	// 00:09 observed  10 expected  11.0 surprise   0.3 anomalous false insight false
	// 00:10 observed  60 expected  11.1 surprise  24.0 anomalous true  insight false
	// 00:11 observed  60 expected  11.1 surprise  23.9 anomalous true  insight true
	// 00:12 observed  60 expected  11.1 surprise  23.8 anomalous true  insight true
	// 00:13 observed  60 expected  11.2 surprise  23.8 anomalous true  insight true
	// open: PutObject 00:10 average 60
}
