package metricfilter

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailkit/trailkit/event"
)

var t0 = time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)

// denied returns an AccessDenied record at minute m, with a latency member
// for value tests.
func denied(m int, id string, latency int) *event.Record {
	r := call("s3.amazonaws.com", "GetObject", func(r *event.Record) {
		r.ErrorCode, r.EventID = "AccessDenied", id
		r.EventTime = t0.Add(time.Duration(m) * time.Minute)
		r.AdditionalEventData = []byte(fmt.Sprintf(`{"latency":%d}`, latency))
	})
	return r
}

func other(m int) *event.Record {
	return call("s3.amazonaws.com", "GetObject", func(r *event.Record) {
		r.EventTime = t0.Add(time.Duration(m) * time.Minute)
		r.EventID = fmt.Sprintf("ok-%d", m)
	})
}

func summary(ts []Transition) string {
	var b strings.Builder
	for _, t := range ts {
		fmt.Fprintf(&b, "%s %s>%s %v;", t.Time.Sub(t0), t.From, t.To, strings.Join(t.Records, ","))
	}
	return b.String()
}

func TestAlarmEvaluation(t *testing.T) {
	f := Filter{Name: "Denied", Pattern: mustCompile(`{ $.errorCode = "AccessDenied*" }`)}
	zero := 0.0
	withDefault := f
	withDefault.DefaultValue = &zero
	lat := f
	lat.Value, _ = ParseMetricValue("$.additionalEventData.latency")
	// Denied calls at minutes 1, 2 (period 0), 12 (period 2), 16 (period 3);
	// other calls at minutes 7 and 22 (periods 1 and 4).
	recs := []*event.Record{denied(12, "c", 30), other(7), denied(1, "a", 10), denied(16, "d", 5), denied(2, "b", 20), other(22)}
	end := t0.Add(30 * time.Minute) // six 5-minute periods
	for _, c := range []struct {
		name  string
		alarm Alarm
		want  string
	}{
		{"CIS style, notBreaching", Alarm{Filter: f, Threshold: 1, TreatMissingData: NotBreaching},
			"5m0s INSUFFICIENT_DATA>ALARM a,b;10m0s ALARM>OK ;15m0s OK>ALARM c;25m0s ALARM>OK ;"},
		{"missing goes to INSUFFICIENT_DATA", Alarm{Filter: f, Threshold: 1},
			"5m0s INSUFFICIENT_DATA>ALARM a,b;10m0s ALARM>INSUFFICIENT_DATA ;15m0s INSUFFICIENT_DATA>ALARM c;25m0s ALARM>INSUFFICIENT_DATA ;"},
		{"ignore keeps the state", Alarm{Filter: f, Threshold: 1, TreatMissingData: Ignore},
			"5m0s INSUFFICIENT_DATA>ALARM a,b;"},
		{"default value makes datapoints", Alarm{Filter: withDefault, Threshold: 1},
			"5m0s INSUFFICIENT_DATA>ALARM a,b;10m0s ALARM>OK ;15m0s OK>ALARM c;25m0s ALARM>OK ;30m0s OK>INSUFFICIENT_DATA ;"},
		{"sum threshold 2", Alarm{Filter: f, Threshold: 2, TreatMissingData: NotBreaching},
			"5m0s INSUFFICIENT_DATA>ALARM a,b;10m0s ALARM>OK ;"},
		{"2 of 3", Alarm{Filter: f, Threshold: 1, EvaluationPeriods: 3, DatapointsToAlarm: 2, TreatMissingData: NotBreaching},
			"5m0s INSUFFICIENT_DATA>OK ;15m0s OK>ALARM a,b,c;30m0s ALARM>OK ;"},
		{"breaching missing data", Alarm{Filter: f, Threshold: 1, EvaluationPeriods: 2, TreatMissingData: Breaching},
			"5m0s INSUFFICIENT_DATA>ALARM a,b;"},
		{"metric value from a field, Maximum", Alarm{Filter: lat, Statistic: Maximum, Threshold: 25, TreatMissingData: NotBreaching},
			"5m0s INSUFFICIENT_DATA>OK ;15m0s OK>ALARM c;20m0s ALARM>OK ;"},
		{"SampleCount, LessThan", Alarm{Filter: withDefault, Statistic: SampleCount, Comparison: LessThanThreshold, Threshold: 1},
			"5m0s INSUFFICIENT_DATA>OK ;30m0s OK>INSUFFICIENT_DATA ;"},
		{"10-minute period, Average", Alarm{Filter: lat, Statistic: Average, Period: 10 * time.Minute, Threshold: 15, TreatMissingData: NotBreaching},
			"10m0s INSUFFICIENT_DATA>ALARM a,b;30m0s ALARM>OK ;"},
	} {
		ts, err := Evaluate([]Alarm{c.alarm}, t0, end, slices.Values(recs))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := summary(ts); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

func TestAlarmTransitionDetails(t *testing.T) {
	bad := denied(4, "unencodable", 1)
	bad.RequestParameters = json.RawMessage(`{"x":`)
	recs := []*event.Record{denied(3, "x", 1), denied(-1, "before", 1), bad, denied(60, "after", 1)}
	ts, err := Evaluate(CIS140(), t0, t0.Add(time.Hour), slices.Values(recs))
	// The record that cannot be encoded publishes nothing and is reported;
	// the others are evaluated.
	if err == nil || !strings.Contains(err.Error(), "1 records published nothing") || !strings.Contains(err.Error(), "unencodable") {
		t.Errorf("Evaluate error %v; want one record reported", err)
	}
	// The 15 alarms leave INSUFFICIENT_DATA at 5m (one to ALARM), then
	// UnauthorizedAPICalls returns to OK at 10m; records outside the range
	// are ignored.
	if len(ts) != 16 {
		t.Errorf("%d transitions: %+v", len(ts), ts)
	}
	var alarm *Transition
	for i := range ts {
		if ts[i].To == StateAlarm {
			if alarm != nil {
				t.Fatalf("two ALARM transitions: %+v", ts)
			}
			alarm = &ts[i]
		}
	}
	if alarm == nil || alarm.Alarm != "UnauthorizedAPICalls" || alarm.Value != 1 || len(alarm.Records) != 1 || alarm.Records[0] != "x" ||
		!alarm.Time.Equal(t0.Add(5*time.Minute)) || !strings.Contains(alarm.Reason, "1 of the last 1 datapoints [1] breach GreaterThanOrEqualToThreshold 1") {
		t.Errorf("ALARM transition %+v", alarm)
	}
	last := ts[len(ts)-1]
	if last.Alarm != "UnauthorizedAPICalls" || last.To != StateOK || !math.IsNaN(last.Value) {
		t.Errorf("last transition %+v", last)
	}
}

func TestAlarmErrors(t *testing.T) {
	f := Filter{Name: "x", Pattern: mustCompile(`{ $.a = 1 }`)}
	for _, a := range []Alarm{
		{Filter: Filter{Name: "nopattern"}},
		{Filter: f, Period: 1500 * time.Millisecond},
		{Filter: f, EvaluationPeriods: 2, DatapointsToAlarm: 3},
		{Filter: f, Statistic: "p99"},
		{Filter: f, Comparison: "Equal"},
		{Filter: f, TreatMissingData: "maybe"},
		{Filter: f, Threshold: math.NaN()},
	} {
		if _, err := Evaluate([]Alarm{a}, t0, t0.Add(time.Hour), nil); !errors.Is(err, ErrAlarm) {
			t.Errorf("%+v: %v", a, err)
		}
	}
	if _, err := Evaluate(nil, t0, t0, nil); !errors.Is(err, ErrAlarm) {
		t.Errorf("empty range: %v", err)
	}
}
