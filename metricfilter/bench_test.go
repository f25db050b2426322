package metricfilter

import (
	"testing"
	"time"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/event/eventtest"
)

func BenchmarkMatch(b *testing.B) {
	r := consoleLogin()
	p := mustCompile(`{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }`)
	b.ReportAllocs()
	for b.Loop() {
		p.Match(r)
	}
}

func BenchmarkMatchEvent(b *testing.B) {
	r := consoleLogin()
	p := mustCompile(`{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }`)
	var e LogEvent
	if err := e.setRecord(r); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		p.MatchEvent(&e)
	}
}

func BenchmarkSetRecord(b *testing.B) {
	r := consoleLogin()
	var e LogEvent
	b.ReportAllocs()
	for b.Loop() {
		_ = e.setRecord(r)
	}
}

// BenchmarkCISSet is the cost per record of the 15 v1.4.0 CIS filters:
// one setRecord and 15 MatchEvent calls, over generated records.
func BenchmarkCISSet(b *testing.B) {
	g := eventtest.MustNew(eventtest.Config{Seed: 21, Duration: 20 * time.Minute})
	var recs []*event.Record
	for r := range g.Records() {
		recs = append(recs, r)
	}
	filters := filtersOf(CIS140())
	var e LogEvent
	c0 := cpuTime()
	b.ReportAllocs()
	i, n := 0, 0
	for b.Loop() {
		if err := e.setRecord(recs[i]); err != nil {
			b.Fatal(err)
		}
		for _, f := range filters {
			if f.Pattern.MatchEvent(&e) {
				n++
			}
		}
		i = (i + 1) % len(recs)
	}
	_ = n
	if d := cpuTime() - c0; d > 0 {
		b.ReportMetric(float64(b.N)/d.Seconds(), "records/cpu-s")
	}
}

// BenchmarkCISMatchOnly is BenchmarkCISSet without setRecord: the 15
// patterns on a parsed log event.
func BenchmarkCISMatchOnly(b *testing.B) {
	g := eventtest.MustNew(eventtest.Config{Seed: 21, Duration: 20 * time.Minute})
	var evs []*LogEvent
	for r := range g.Records() {
		e := new(LogEvent)
		if err := e.setRecord(r); err != nil {
			b.Fatal(err)
		}
		evs = append(evs, e)
	}
	filters := filtersOf(CIS140())
	c0 := cpuTime()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		for _, f := range filters {
			f.Pattern.MatchEvent(evs[i])
		}
		i = (i + 1) % len(evs)
	}
	if d := cpuTime() - c0; d > 0 {
		b.ReportMetric(float64(b.N)/d.Seconds(), "records/cpu-s")
	}
}

// BenchmarkCISClassifier is the plain baseline of BenchmarkCISSet: the
// 15 controls decided by hand-written Go on the typed record (cisClass,
// which also decodes two raw members with encoding/json for sign-ins).
func BenchmarkCISClassifier(b *testing.B) {
	g := eventtest.MustNew(eventtest.Config{Seed: 21, Duration: 20 * time.Minute})
	var recs []*event.Record
	for r := range g.Records() {
		recs = append(recs, r)
	}
	c0 := cpuTime()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		cisClass(recs[i])
		i = (i + 1) % len(recs)
	}
	if d := cpuTime() - c0; d > 0 {
		b.ReportMetric(float64(b.N)/d.Seconds(), "records/cpu-s")
	}
}
