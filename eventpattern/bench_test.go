package eventpattern

import "testing"

func BenchmarkMatch(b *testing.B) {
	r := apiCall()
	p := mustCompile(`{"source":["aws.iam"],"detail":{"eventName":[{"prefix":"Create"}],"userIdentity":{"type":["Root"]}}}`)
	b.ReportAllocs()
	for b.Loop() {
		p.Match(r)
	}
}
