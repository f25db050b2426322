package insights_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/event/eventtest"
	"github.com/trailkit/trailkit/insights"
	"github.com/trailkit/trailkit/insights/internal/scenario"
)

// raceDays is the scenarios' length: 14 days, 7 under the race detector
// (CI runs the package at full size without it too).
func raceDays() int {
	if insights.RaceEnabled {
		return 7
	}
	return 14
}

// TestStationaryFalseInsights: 14 days of seasonal traffic over more than
// 200 series must give at most 1 insight per 100 series-days, none in the
// warm-up.
func TestStationaryFalseInsights(t *testing.T) {
	res, err := scenario.Run(scenario.Stationary(11, raceDays()), insights.Options{}, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(res.Describe())
	if res.Series < 200 {
		t.Fatalf("only %d series", res.Series)
	}
	if f := res.FalsePerSeriesDay(); f > 0.01 {
		t.Errorf("%.4f false insights per series-day (%d in %.0f), want at most 0.01", f, res.FalseStarts, res.SeriesDays)
	}
	if res.WarmUpStarts != 0 {
		t.Errorf("%d insights started during the warm-up", res.WarmUpStarts)
	}
}

// TestInjectedAnomalies: spikes (5x, 5 minutes or more), drops to zero of
// busy series and error bursts are at least 95% detected, with the Start
// within 2 minutes of the anomaly's start; every record validates.
func TestInjectedAnomalies(t *testing.T) {
	res, err := scenario.Run(scenario.WithAnomalies(scenario.Stationary(12, raceDays()), 20), insights.Options{}, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(res.Describe())
	for _, k := range []eventtest.AnomalyKind{eventtest.Spike, eventtest.Drop, eventtest.ErrorBurst} {
		det, tot := res.Recall(k)
		if tot < 20 || float64(det) < 0.95*float64(tot) {
			t.Errorf("%s: detected %d of %d, want at least 95%%", k, det, tot)
		}
	}
	for _, o := range res.Anomalies {
		if o.Detected && o.Latency.Abs() > 2*time.Minute {
			t.Errorf("%s at %s: Start %s off", o.Anomaly.Kind, o.Anomaly.Start, o.Latency)
		}
	}
	if f := res.FalsePerSeriesDay(); f > 0.01 {
		t.Errorf("%.4f false insights per series-day", f)
	}
	if res.WarmUpStarts != 0 {
		t.Errorf("%d insights started during the warm-up", res.WarmUpStarts)
	}
	if len(res.Invalid) > 0 {
		t.Errorf("%d invalid records, first: %v", len(res.Invalid), res.Invalid[0])
	}
	if res.Starts != res.Ends {
		t.Errorf("%d Starts and %d Ends", res.Starts, res.Ends)
	}
}

// TestRecordPathScenario runs generated records (the built-in mix plus
// the three published examples as anomalies) through Add.
func TestRecordPathScenario(t *testing.T) {
	start := time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC)
	at := start.Add(8*24*time.Hour + 9*time.Hour)
	cfg := eventtest.Config{
		Seed: 5, Start: start, Duration: 8*24*time.Hour + 12*time.Hour, Rate: -1, Seasonality: 0.3,
		Series: []eventtest.Series{
			{Region: "us-east-1", EventSource: "s3.amazonaws.com", EventName: "DeleteBucket", Rate: 20},
			{Region: "us-east-1", EventSource: "ec2.amazonaws.com", EventName: "AuthorizeSecurityGroupIngress", Rate: 20},
			{Region: "us-east-1", EventSource: "iam.amazonaws.com", EventName: "DeleteInstanceProfile", Rate: 0.05},
		},
		Anomalies: []eventtest.Anomaly{
			{Kind: eventtest.Spike, Region: "us-east-1", EventSource: "s3.amazonaws.com", EventName: "DeleteBucket", Start: at, Duration: 15 * time.Minute, Factor: 5},
			{Kind: eventtest.Drop, Region: "us-east-1", EventSource: "ec2.amazonaws.com", EventName: "AuthorizeSecurityGroupIngress", Start: at.Add(time.Hour), Duration: 10 * time.Minute},
			{Kind: eventtest.ErrorBurst, Region: "us-east-1", EventSource: "iam.amazonaws.com", EventName: "DeleteInstanceProfile", ErrorCode: "AccessDeniedException", Start: at.Add(2 * time.Hour), Duration: 10 * time.Minute, Factor: 12},
		},
	}
	ids := 0
	res, err := scenario.Run(cfg, insights.Options{NewID: func() string {
		ids++
		return fmt.Sprintf("5e0f0000-0000-4000-8000-%012d", ids)
	}}, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(res.Describe())
	if det, tot := res.Recall(""); det != tot || tot != 3 {
		t.Errorf("detected %d of %d published examples", det, tot)
	}
	if res.FalseStarts != 0 || res.WarmUpStarts != 0 {
		t.Errorf("%d false and %d warm-up insights", res.FalseStarts, res.WarmUpStarts)
	}
	if len(res.Invalid) > 0 {
		t.Errorf("invalid record: %v", res.Invalid[0])
	}
	pairs := map[string]int{}
	for _, r := range res.Records {
		pairs[r.SharedEventID]++
		b := r.AppendJSON(nil)
		var back event.Record
		if err := event.Unmarshal(b, &back); err != nil {
			t.Fatalf("decode: %v\n%s", err, b)
		}
		if b2 := back.AppendJSON(nil); string(b2) != string(b) {
			t.Errorf("round trip:\n%s\n%s", b, b2)
		}
	}
	for id, n := range pairs {
		if n != 2 {
			t.Errorf("sharedEventID %s on %d records, want a Start and an End", id, n)
		}
	}
}
