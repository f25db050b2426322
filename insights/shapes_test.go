package insights_test

import (
	"testing"
	"time"

	"github.com/trailkit/trailkit/insights"
	"github.com/trailkit/trailkit/insights/internal/scenario"
)

// TestShapes runs the suite of normal traffic shapes (hourly,
// quarter-hourly and daily jobs, a weekday/weekend cycle over 4 weeks,
// counts of variance 5x the mean, 3%/day growth, sparse calls) with the
// anomalies placed on them, at default options: at most 1 false insight
// per 100 series-days after each shape's learning allowance, every anomaly
// detected (Start within 2 minutes of its first anomalous minute) and
// decided (the Start emitted) within 8 minutes of its first anomalous
// minute.
func TestShapes(t *testing.T) {
	n := 20
	if insights.RaceEnabled || testing.Short() {
		n = 4
	}
	for _, sh := range scenario.Shapes(n) {
		t.Run(sh.Name, func(t *testing.T) {
			t.Parallel()
			res, err := scenario.RunShape(sh, insights.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d series, %.0f series-days after a %s allowance: %d Starts, %d false, %d in the allowance",
				res.Series, res.SeriesDays, sh.Allowance, res.Starts, res.FalseStarts, res.AllowanceStarts)
			if f := res.FalsePer100SeriesDays(); f > 1 {
				t.Errorf("%.2f false insights per 100 series-days (%d in %.0f), want at most 1", f, res.FalseStarts, res.SeriesDays)
			}
			for i, r := range res.False {
				if i == 8 {
					break
				}
				st := r.InsightDetails.InsightContext.Statistics
				t.Logf("false Start %s %s %s baseline %v insight %v", r.EventTime.Format(time.RFC3339), r.InsightDetails.EventName,
					r.InsightDetails.InsightType, st.Baseline.Average, st.Insight.Average)
			}
			if len(res.Invalid) > 0 {
				t.Errorf("%d invalid records, first: %v", len(res.Invalid), res.Invalid[0])
			}
			for _, o := range res.Outcomes {
				switch {
				case !o.Detected:
					t.Errorf("%s at %s: not detected", o.Anomaly.Name, o.Anomaly.Start)
				case o.Delay > 8*time.Minute:
					t.Errorf("%s: decided %s after its first minute, want at most 8m", o.Anomaly.Name, o.Delay)
				default:
					t.Logf("%s: Start %s off, decided after %s", o.Anomaly.Name, o.Latency, o.Delay)
				}
			}
		})
	}
}
