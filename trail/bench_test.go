package trail

import (
	"testing"
)

// The record mix of the benchmarks: 4096 generated records (55 %
// management, 35 % data, 7 % network activity, 3 % Insights).
var benchRecords = recordMix(4096, 5)

// BenchmarkMatch: a trail with 5 advanced selectors of 10 conditions each
// over the realistic mix (target: ≤ 100 ns/op, 0 allocs/op).
func BenchmarkMatch(b *testing.B) {
	tr := baseTrail()
	tr.AdvancedEventSelectors = benchSelectors()
	f, err := Compile(tr, CompileOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		if f.Match(benchRecords[i&4095]) {
			n++
		}
	}
	_ = n
}

// BenchmarkMatchBasic: 5 basic selectors with data resources.
func BenchmarkMatchBasic(b *testing.B) {
	tr := baseTrail()
	tr.EventSelectors = []EventSelector{
		{ReadWriteType: WriteOnly, ExcludeManagementEventSources: []string{"kms.amazonaws.com"}},
		{IncludeManagementEvents: ptr(false), DataResources: []DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3:::bkt/", "arn:aws:s3:::bk1/images/"}}}},
		{IncludeManagementEvents: ptr(false), DataResources: []DataResource{{Type: "AWS::Lambda::Function", Values: []string{"arn:aws:lambda:us-east-1:" + acctA + ":function:helloworld"}}}},
		{ReadWriteType: WriteOnly, IncludeManagementEvents: ptr(false), DataResources: []DataResource{{Type: "AWS::DynamoDB::Table", Values: []string{"arn:aws:dynamodb:us-east-1:" + acctA + ":table/orders"}}}},
		{ReadWriteType: ReadOnly, IncludeManagementEvents: ptr(false), DataResources: []DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3:::logs/"}}}},
	}
	f, err := Compile(tr, CompileOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		f.Match(benchRecords[i&4095])
	}
}

// BenchmarkExplain: Explain on the same trail and mix as BenchmarkMatch.
func BenchmarkExplain(b *testing.B) {
	tr := baseTrail()
	tr.AdvancedEventSelectors = benchSelectors()
	f, _ := Compile(tr, CompileOptions{})
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = f.Explain(benchRecords[i&4095])
	}
}

// BenchmarkExplainString: Explain plus rendering its String.
func BenchmarkExplainString(b *testing.B) {
	tr := baseTrail()
	tr.AdvancedEventSelectors = benchSelectors()
	f, _ := Compile(tr, CompileOptions{})
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = f.Explain(benchRecords[i&4095]).String()
	}
}

// BenchmarkMatchBaseline is the plain baseline: a hand-written Go
// predicate for the same 5 selectors' first two conditions (category and
// resource type or source), the least any matcher must do.
func BenchmarkMatchBaseline(b *testing.B) {
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		r := benchRecords[i&4095]
		switch r.EventCategory {
		case "Management":
			if r.ReadOnly != nil && !*r.ReadOnly && r.EventSource != "kms.amazonaws.com" && r.EventSource != "rdsdata.amazonaws.com" {
				n++
			}
		case "Data":
			for _, res := range r.Resources {
				if res.Type == "AWS::S3::Object" || res.Type == "AWS::Lambda::Function" || res.Type == "AWS::DynamoDB::Table" {
					n++
					break
				}
			}
		case "NetworkActivity":
			if r.EventSource == "kms.amazonaws.com" && r.ErrorCode == "VpceAccessDenied" {
				n++
			}
		}
	}
	_ = n
}

// BenchmarkCompile: compiling the 5×10 trail.
func BenchmarkCompile(b *testing.B) {
	tr := baseTrail()
	tr.AdvancedEventSelectors = benchSelectors()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(tr, CompileOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidate: validating the 5×10 trail.
func BenchmarkValidate(b *testing.B) {
	tr := baseTrail()
	tr.AdvancedEventSelectors = benchSelectors()
	o := ValidateOptions{AllowDuplicateFields: true}
	b.ReportAllocs()
	for b.Loop() {
		if err := Validate(tr, o); err != nil {
			b.Fatal(err)
		}
	}
}
