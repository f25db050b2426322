package main

import (
	"testing"

	"github.com/trailkit/trailkit/event"
)

// TestLookupReadOnlyOldRecords: records older than the readOnly field
// (CloudTrail's 2014 files) match ReadOnly=true or ReadOnly=false by the
// API table, instead of neither.
func TestLookupReadOnlyOldRecords(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string
	}{
		{`{"eventVersion":"1.01","eventTime":"2014-09-27T14:17:40Z","eventSource":"rds.amazonaws.com","eventName":"DescribeDBEngineVersions","awsRegion":"us-east-1","eventID":"a"}`, "true"},
		{`{"eventVersion":"1.01","eventTime":"2014-09-27T18:00:25Z","eventSource":"elasticloadbalancing.amazonaws.com","eventName":"CreateLoadBalancer","awsRegion":"us-east-1","eventID":"b"}`, "false"},
		{`{"eventVersion":"1.05","eventTime":"2017-06-01T08:41:07Z","eventSource":"sts.amazonaws.com","eventName":"GetSessionToken","awsRegion":"us-east-1","eventID":"c"}`, "false"},
	} {
		var r event.Record
		if err := event.Unmarshal([]byte(c.in), &r); err != nil {
			t.Fatal(err)
		}
		ev := newLookupEvent(&r)
		other := map[string]string{"true": "false", "false": "true"}[c.want]
		if !ev.matches("ReadOnly", c.want) || ev.matches("ReadOnly", other) {
			t.Errorf("%s: ReadOnly attribute %q, want %s", r.EventName, ev.ReadOnly, c.want)
		}
	}
}
