package eventpattern

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/event/eventtest"
)

// patterns100 are 100 rules of the kinds CloudTrail users write: exact
// source and event names, prefixes, identity types, errors with
// anything-but and exists, source address ranges, and $or.
func patterns100() []*Pattern {
	services := []string{"iam", "s3", "ec2", "kms", "sts", "lambda", "ssm", "logs", "dynamodb", "rds"}
	verbs := []string{"Create", "Delete", "Put", "Update", "Attach", "Detach", "Get", "List", "Describe", "Run"}
	var out []*Pattern
	for i := range 100 {
		svc, verb := services[i%10], verbs[(i/10)%10]
		var src string
		switch i % 5 {
		case 0:
			src = fmt.Sprintf(`{"source":["aws.%s"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventName":[{"prefix":%q}]}}`, svc, verb)
		case 1:
			src = fmt.Sprintf(`{"source":["aws.%s"],"detail":{"userIdentity":{"type":["Root","IAMUser"]},"readOnly":[false]}}`, svc)
		case 2:
			src = fmt.Sprintf(`{"detail":{"eventSource":["%s.amazonaws.com"],"errorCode":[{"exists":true},{"anything-but":{"prefix":"Throttl"}}]}}`, svc)
		case 3:
			src = fmt.Sprintf(`{"source":["aws.%s"],"detail":{"sourceIPAddress":[{"cidr":"10.%d.0.0/16"},{"cidr":"198.51.100.0/24"}],"eventName":[{"wildcard":"%s*"}]}}`, svc, i, verb)
		default:
			src = fmt.Sprintf(`{"$or":[{"source":["aws.%s"],"detail":{"eventName":[{"equals-ignore-case":"%sbucket"}]}},{"detail":{"awsRegion":[{"anything-but":["us-east-1","eu-west-1"]}],"eventSource":[{"suffix":"%s.amazonaws.com"}]}}]}`, svc, verb, svc)
		}
		out = append(out, mustCompile(src))
	}
	return out
}

func generated(b *testing.B) []*event.Record {
	g := eventtest.MustNew(eventtest.Config{Seed: 21, Duration: 20 * time.Minute})
	var recs []*event.Record
	for r := range g.Records() {
		recs = append(recs, r)
	}
	return recs
}

// BenchmarkPatterns100 is the cost per record of 100 patterns: one
// SetRecord (envelope encoded and parsed) and 100 MatchEvent calls.
func BenchmarkPatterns100(b *testing.B) {
	recs, ps := generated(b), patterns100()
	var e Event
	c0 := cpuTime()
	b.ReportAllocs()
	i, n := 0, 0
	for b.Loop() {
		if err := e.SetRecord(recs[i]); err != nil {
			b.Fatal(err)
		}
		for _, p := range ps {
			if p.MatchEvent(&e) {
				n++
			}
		}
		i = (i + 1) % len(recs)
	}
	b.ReportMetric(float64(n)/float64(b.N), "matches/op")
	if d := cpuTime() - c0; d > 0 {
		b.ReportMetric(float64(b.N)/d.Seconds(), "records/cpu-s")
	}
}

// BenchmarkPatterns100MatchOnly is BenchmarkPatterns100 on parsed events.
func BenchmarkPatterns100MatchOnly(b *testing.B) {
	recs, ps := generated(b), patterns100()
	evs := make([]Event, len(recs))
	for i, r := range recs {
		if err := evs[i].SetRecord(r); err != nil {
			b.Fatal(err)
		}
	}
	c0 := cpuTime()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		for _, p := range ps {
			p.MatchEvent(&evs[i])
		}
		i = (i + 1) % len(recs)
	}
	if d := cpuTime() - c0; d > 0 {
		b.ReportMetric(float64(b.N)/d.Seconds(), "records/cpu-s")
	}
}

// BenchmarkEnvelopeJSONBaseline is the plain baseline: what a matcher
// built on encoding/json pays before matching anything, the envelope
// encoded and decoded into map[string]any.
func BenchmarkEnvelopeJSONBaseline(b *testing.B) {
	recs := generated(b)
	c0 := cpuTime()
	b.ReportAllocs()
	i := 0
	var buf []byte
	for b.Loop() {
		env := Wrap(recs[i])
		buf = env.AppendJSON(buf[:0])
		var m map[string]any
		if err := json.Unmarshal(buf, &m); err != nil {
			b.Fatal(err)
		}
		i = (i + 1) % len(recs)
	}
	if d := cpuTime() - c0; d > 0 {
		b.ReportMetric(float64(b.N)/d.Seconds(), "records/cpu-s")
	}
}
