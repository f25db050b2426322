package metricfilter

import "testing"

func BenchmarkMatch(b *testing.B) {
	r := consoleLogin()
	p := MustCompile(`{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }`)
	b.ReportAllocs()
	for b.Loop() {
		p.Match(r)
	}
}

func BenchmarkMatchEvent(b *testing.B) {
	r := consoleLogin()
	p := MustCompile(`{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }`)
	var e LogEvent
	if err := e.SetRecord(r); err != nil {
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
		_ = e.SetRecord(r)
	}
}
