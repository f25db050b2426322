package insights

import (
	"testing"
	"time"

	"github.com/trailkit/trailkit/event"
)

// insightsOf splits drained records into Start and End records.
func insightsOf(recs []*event.Record) (starts, ends []*event.Record) {
	for _, r := range recs {
		switch r.InsightDetails.State {
		case event.InsightStart:
			starts = append(starts, r)
		case event.InsightEnd:
			ends = append(ends, r)
		}
	}
	return
}

func checkPair(t *testing.T, recs []*event.Record, typ event.InsightType, name string, start, end time.Time) (s, e *event.Record) {
	t.Helper()
	var mine []*event.Record
	for _, r := range recs {
		if r.InsightDetails.InsightType == typ {
			mine = append(mine, r)
		}
	}
	starts, ends := insightsOf(mine)
	if len(starts) != 1 || len(ends) != 1 {
		for _, r := range recs {
			t.Logf("%s %s %s %s", r.EventTime, r.InsightDetails.State, r.InsightDetails.EventName, r.InsightDetails.InsightType)
		}
		t.Fatalf("got %d Start and %d End records, want 1 and 1", len(starts), len(ends))
	}
	s, e = starts[0], ends[0]
	for _, r := range []*event.Record{s, e} {
		if r.InsightDetails.InsightType != typ || r.InsightDetails.EventName != name {
			t.Errorf("%s record for %s %s, want %s %s", r.InsightDetails.State, r.InsightDetails.InsightType, r.InsightDetails.EventName, typ, name)
		}
		if err := event.Validate(r); err != nil {
			t.Errorf("%s record invalid: %v", r.InsightDetails.State, err)
		}
		checkRoundTrip(t, r)
	}
	if s.SharedEventID == "" || s.SharedEventID != e.SharedEventID || s.EventID == e.EventID {
		t.Errorf("ids: start %s/%s end %s/%s", s.EventID, s.SharedEventID, e.EventID, e.SharedEventID)
	}
	if !s.EventTime.Equal(start) {
		t.Errorf("Start eventTime %s, want %s", s.EventTime, start)
	}
	if !e.EventTime.Equal(end) {
		t.Errorf("End eventTime %s, want %s", e.EventTime, end)
	}
	return s, e
}

// checkRoundTrip encodes r with the event codec and decodes it again.
func checkRoundTrip(t *testing.T, r *event.Record) {
	t.Helper()
	b := r.AppendJSON(nil)
	var back event.Record
	if err := event.Unmarshal(b, &back); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	if b2 := back.AppendJSON(nil); string(b2) != string(b) {
		t.Errorf("round trip changed the record:\n%s\n%s", b, b2)
	}
}

func stat(r *event.Record) *event.InsightStatistics {
	return r.InsightDetails.InsightContext.Statistics
}

func TestPublishedS3DeleteBucketRise(t *testing.T) {
	d := New(Options{NewID: seqIDs()})
	from := t0.Add(8 * 24 * time.Hour)
	to := from.Add(15 * time.Minute)
	feed(t, d, 1, t0, 8*24*60+60, []api{
		{source: "s3.amazonaws.com", name: "DeleteBucket", rate: stepRate(20, 100, from, to)},
		{source: "s3.amazonaws.com", name: "PutBucketPolicy", rate: constRate(3)},
	})
	s, e := checkPair(t, d.Drain(), event.APICallRateInsight, "DeleteBucket", from, to)
	st, et := stat(s), stat(e)
	if b := st.Baseline.Average; b < 19 || b > 21 {
		t.Errorf("baseline average %v, want about 20", b)
	}
	if v := st.Insight.Average; v < 70 || v > 130 {
		t.Errorf("Start insight average %v, want about 100", v)
	}
	if v := et.Insight.Average; v < 90 || v > 110 {
		t.Errorf("End insight average %v, want about 100", v)
	}
	if *st.InsightDuration != 1 || *et.InsightDuration != 15 {
		t.Errorf("insightDuration %d/%d, want 1/15", *st.InsightDuration, *et.InsightDuration)
	}
	if *st.BaselineDuration < 10080 {
		t.Errorf("baselineDuration %d < 10080", *st.BaselineDuration)
	}
	attr := s.InsightDetails.InsightContext.Attributions
	if len(attr) != 3 || attr[2].Attribute != "errorCode" || attr[2].Insight[0].Value != "null" {
		t.Fatalf("attributions %+v", attr)
	}
	for _, a := range attr[:2] {
		if len(a.Insight) != 3 || len(a.Baseline) != 3 {
			t.Errorf("%s: %d insight and %d baseline values, want 3 and 3", a.Attribute, len(a.Insight), len(a.Baseline))
		}
		sum := 0.0
		for i, v := range a.Baseline {
			sum += v.Average
			if i > 0 && v.Average > a.Baseline[i-1].Average {
				t.Errorf("%s baseline not sorted: %+v", a.Attribute, a.Baseline)
			}
		}
		if sum < st.Baseline.Average*0.999 || sum > st.Baseline.Average*1.001 {
			t.Errorf("%s baseline averages sum to %v, want %v", a.Attribute, sum, st.Baseline.Average)
		}
	}
	if d.Stats().Late != 0 {
		t.Errorf("late %d", d.Stats().Late)
	}
}

func TestPublishedEC2AuthorizeSecurityGroupIngressDrop(t *testing.T) {
	d := New(Options{NewID: seqIDs()})
	from := t0.Add(8*24*time.Hour + 7*time.Hour)
	to := from.Add(10 * time.Minute)
	feed(t, d, 2, t0, 8*24*60+8*60, []api{
		{source: "ec2.amazonaws.com", name: "AuthorizeSecurityGroupIngress", rate: stepRate(20, 0, from, to)},
	})
	s, e := checkPair(t, d.Drain(), event.APICallRateInsight, "AuthorizeSecurityGroupIngress", from, to)
	if v := stat(s).Insight.Average; v != 0 {
		t.Errorf("Start insight average %v, want 0", v)
	}
	if v := stat(e).Insight.Average; v != 0 {
		t.Errorf("End insight average %v, want 0", v)
	}
	if *stat(e).InsightDuration != 10 {
		t.Errorf("insightDuration %d, want 10", *stat(e).InsightDuration)
	}
}

func TestPublishedIAMAccessDeniedErrorRate(t *testing.T) {
	d := New(Options{NewID: seqIDs()})
	from := t0.Add(8*24*time.Hour + 3*time.Hour)
	to := from.Add(20 * time.Minute)
	feed(t, d, 3, t0, 8*24*60+4*60, []api{
		// Under one error a day, then 12 a minute.
		{source: "iam.amazonaws.com", name: "DeleteInstanceProfile", errorCode: "AccessDeniedException",
			rate: stepRate(0.5/1440, 12, from, to)},
		{source: "iam.amazonaws.com", name: "DeleteInstanceProfile", rate: constRate(0.2)},
	})
	recs := d.Drain()
	s, e := checkPair(t, recs, event.APIErrorRateInsight, "DeleteInstanceProfile", from, to)
	if s.InsightDetails.ErrorCode != "AccessDeniedException" || e.InsightDetails.ErrorCode != "AccessDeniedException" {
		t.Errorf("errorCode %q/%q", s.InsightDetails.ErrorCode, e.InsightDetails.ErrorCode)
	}
	if b := stat(s).Baseline.Average; b >= 1.0/1440 {
		t.Errorf("baseline average %v, want under one a day", b)
	}
	if v := stat(e).Insight.Average; v < 10 || v > 14 {
		t.Errorf("End insight average %v, want about 12", v)
	}
	for _, a := range s.InsightDetails.InsightContext.Attributions {
		if a.Attribute == "errorCode" {
			t.Errorf("error-rate insight has an errorCode attribution")
		}
	}
}
