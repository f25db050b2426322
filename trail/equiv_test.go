package trail

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

// equivalenceConfigs are basic selector configurations, each with the
// advanced selectors the User Guide documents as its equivalent (written
// out by hand, not produced by AdvancedEquivalent).
func equivalenceConfigs() []struct {
	name     string
	basic    []EventSelector
	advanced []AdvancedEventSelector
} {
	mgmt := func(extra ...AdvancedFieldSelector) AdvancedEventSelector { return mgmtSel(extra...) }
	ro, wo := eq(fieldReadOnly, "true"), eq(fieldReadOnly, "false")
	off := ptr(false)
	lambdaHW := "arn:aws:lambda:us-east-1:" + acctA + ":function:helloworld"
	table := "arn:aws:dynamodb:us-east-1:" + acctA + ":table/orders"
	return []struct {
		name     string
		basic    []EventSelector
		advanced []AdvancedEventSelector
	}{
		{"all management", []EventSelector{{ReadWriteType: All, IncludeManagementEvents: ptr(true)}}, []AdvancedEventSelector{mgmt()}},
		{"read management", []EventSelector{{ReadWriteType: ReadOnly}}, []AdvancedEventSelector{mgmt(ro)}},
		{"write management", []EventSelector{{ReadWriteType: WriteOnly}}, []AdvancedEventSelector{mgmt(wo)}},
		{"management minus KMS", []EventSelector{{ExcludeManagementEventSources: []string{"kms.amazonaws.com"}}},
			[]AdvancedEventSelector{mgmt(op(fieldEventSource, NotEquals, "kms.amazonaws.com"))}},
		{"write management minus KMS and RDS Data", []EventSelector{{ReadWriteType: WriteOnly, ExcludeManagementEventSources: []string{"kms.amazonaws.com", "rdsdata.amazonaws.com"}}},
			[]AdvancedEventSelector{mgmt(wo, op(fieldEventSource, NotEquals, "kms.amazonaws.com", "rdsdata.amazonaws.com"))}},
		{"all S3 objects", []EventSelector{{IncludeManagementEvents: off, DataResources: []DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3"}}}}},
			[]AdvancedEventSelector{dataS3()}},
		{"S3 bucket and prefix, writes", []EventSelector{{ReadWriteType: WriteOnly, IncludeManagementEvents: off,
			DataResources: []DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3:::bkt/", "arn:aws:s3:::bk1/images"}}}}},
			[]AdvancedEventSelector{dataS3(wo, op(fieldResourcesARN, StartsWith, "arn:aws:s3:::bkt/", "arn:aws:s3:::bk1/images"))}},
		{"S3 reads of logs plus management", []EventSelector{{ReadWriteType: ReadOnly, DataResources: []DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3:::logs/"}}}}},
			[]AdvancedEventSelector{mgmt(ro), dataS3(ro, op(fieldResourcesARN, StartsWith, "arn:aws:s3:::logs/"))}},
		{"one Lambda function", []EventSelector{{IncludeManagementEvents: off, DataResources: []DataResource{{Type: "AWS::Lambda::Function", Values: []string{lambdaHW}}}}},
			[]AdvancedEventSelector{dataSel("AWS::Lambda::Function", eq(fieldResourcesARN, lambdaHW))}},
		{"all Lambda functions", []EventSelector{{IncludeManagementEvents: off, DataResources: []DataResource{{Type: "AWS::Lambda::Function", Values: []string{"arn:aws:lambda"}}}}},
			[]AdvancedEventSelector{dataSel("AWS::Lambda::Function")}},
		{"one DynamoDB table", []EventSelector{{IncludeManagementEvents: off, DataResources: []DataResource{{Type: "AWS::DynamoDB::Table", Values: []string{table}}}}},
			[]AdvancedEventSelector{dataSel("AWS::DynamoDB::Table", eq(fieldResourcesARN, table))}},
		{"all DynamoDB tables", []EventSelector{{IncludeManagementEvents: off, DataResources: []DataResource{{Type: "AWS::DynamoDB::Table", Values: []string{"arn:aws:dynamodb"}}}}},
			[]AdvancedEventSelector{dataSel("AWS::DynamoDB::Table")}},
		{"three selectors", []EventSelector{
			{ReadWriteType: WriteOnly, ExcludeManagementEventSources: []string{"kms.amazonaws.com"}},
			{IncludeManagementEvents: off, DataResources: []DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3:::bkt/images/"}}, {Type: "AWS::Lambda::Function", Values: []string{"arn:aws:lambda"}}}},
			{ReadWriteType: ReadOnly, IncludeManagementEvents: off, DataResources: []DataResource{{Type: "AWS::DynamoDB::Table", Values: []string{table}}}},
		}, []AdvancedEventSelector{
			mgmt(wo, op(fieldEventSource, NotEquals, "kms.amazonaws.com")),
			dataS3(op(fieldResourcesARN, StartsWith, "arn:aws:s3:::bkt/images/")),
			dataSel("AWS::Lambda::Function"),
			dataSel("AWS::DynamoDB::Table", ro, eq(fieldResourcesARN, table)),
		}},
	}
}

// equivalenceOptions are the option sets the equivalence must hold under.
var equivalenceOptions = []*CompileOptions{
	nil,
	{AbsentReadOnly: ptr(false)},
	{AbsentReadOnly: ptr(true), ARNPrefixOverlap: true},
	{ResourceFieldsIndependent: true, AbsentFieldFailsNegative: true, IgnoreOwnerCaller: true},
}

func compileOrFatal(t *testing.T, tr *Trail, o *CompileOptions) *Filter {
	t.Helper()
	f, err := Compile(tr, orZero(o))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestBasicAdvancedEquivalence: each basic configuration, its documented
// advanced equivalent and AdvancedEquivalent's output decide identically
// over 100,000 generated records.
func TestBasicAdvancedEquivalence(t *testing.T) {
	const n = 100_000
	recs := recordMix(n, 1)
	for _, c := range equivalenceConfigs() {
		t.Run(c.name, func(t *testing.T) {
			tb, ta, tc := baseTrail(), baseTrail(), baseTrail()
			tb.EventSelectors, ta.AdvancedEventSelectors, tc.AdvancedEventSelectors = c.basic, c.advanced, AdvancedEquivalent(c.basic)
			for _, tr := range []*Trail{tb, ta, tc} {
				if err := Validate(tr, ValidateOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			for oi, o := range equivalenceOptions {
				recsHere := recs
				if oi > 0 {
					recsHere = recs[:n/5]
				}
				fb, fa, fc := compileOrFatal(t, tb, o), compileOrFatal(t, ta, o), compileOrFatal(t, tc, o)
				matched, diffs := 0, 0
				for _, r := range recsHere {
					b, a, cv := fb.Match(r), fa.Match(r), fc.Match(r)
					if b {
						matched++
					}
					if b != a || b != cv {
						if diffs++; diffs <= 3 {
							t.Errorf("options %d: basic %v, documented advanced %v, AdvancedEquivalent %v for %s %s %v\nbasic: %s\nadvanced: %s",
								oi, b, a, cv, r.EventCategory, r.EventName, r.Resources, fb.Explain(r), fa.Explain(r))
						}
					}
				}
				if diffs > 0 {
					t.Errorf("options %d: %d of %d records decided differently", oi, diffs, len(recsHere))
				}
				// The mix must exercise the configuration both ways.
				if matched == 0 || matched == len(recsHere) {
					t.Errorf("options %d: %d of %d records matched; the generator does not exercise this configuration", oi, matched, len(recsHere))
				}
			}
		})
	}
}

// TestAdvancedEquivalentRandom: AdvancedEquivalent agrees with the basic
// selectors for random basic configurations.
func TestAdvancedEquivalentRandom(t *testing.T) {
	g := rand.New(rand.NewPCG(42, 42))
	recs := recordMix(20_000, 2)
	values := map[string][]string{
		"AWS::S3::Object":       {"arn:aws:s3", "arn:aws:s3:::", "arn:aws:s3:::bkt/", "arn:aws:s3:::bkt/images/", "arn:aws:s3:::logs/", "arn:aws:s3:::bk1/docs/a"},
		"AWS::Lambda::Function": {"arn:aws:lambda", "arn:aws:lambda:us-east-1:" + acctA + ":function:helloworld", "arn:aws:lambda:us-west-2:" + acctB + ":function:f1"},
		"AWS::DynamoDB::Table":  {"arn:aws:dynamodb", "arn:aws:dynamodb:us-east-1:" + acctA + ":table/orders", "arn:aws:dynamodb:eu-west-1:" + acctA + ":table/users"},
	}
	types := []string{"AWS::S3::Object", "AWS::Lambda::Function", "AWS::DynamoDB::Table"}
	for i := 0; i < 30; i++ {
		var sels []EventSelector
		for j := 0; j <= g.IntN(3); j++ {
			s := EventSelector{ReadWriteType: pick(g, All, ReadOnly, WriteOnly, "")}
			if g.IntN(2) == 0 {
				s.IncludeManagementEvents = ptr(g.IntN(2) == 0)
			}
			if g.IntN(3) == 0 {
				s.ExcludeManagementEventSources = []string{pick(g, "kms.amazonaws.com", "rdsdata.amazonaws.com")}
			}
			for k := 0; k < g.IntN(3); k++ {
				typ := pick(g, types...)
				d := DataResource{Type: typ}
				for m := 0; m <= g.IntN(2); m++ {
					d.Values = append(d.Values, pick(g, values[typ]...))
				}
				s.DataResources = append(s.DataResources, d)
			}
			if !s.includesManagementEvents() && len(s.DataResources) == 0 {
				s.IncludeManagementEvents = nil
			}
			sels = append(sels, s)
		}
		tb, ta := baseTrail(), baseTrail()
		tb.EventSelectors, ta.AdvancedEventSelectors = sels, AdvancedEquivalent(sels)
		if err := Validate(ta, ValidateOptions{}); err != nil {
			t.Fatalf("config %d: AdvancedEquivalent output invalid: %v", i, err)
		}
		fb, fa := compileOrFatal(t, tb, nil), compileOrFatal(t, ta, nil)
		for _, r := range recs {
			if fb.Match(r) != fa.Match(r) {
				t.Fatalf("config %d %s: disagree on %s %v\nbasic: %s\nadvanced: %s", i, fmt.Sprint(sels), r.EventName, r.Resources, fb.Explain(r), fa.Explain(r))
			}
		}
	}
}

// The generator is deterministic: same seed, same records.
func TestRecordMixDeterministic(t *testing.T) {
	a, b := recordMix(1000, 9), recordMix(1000, 9)
	for i := range a {
		if !reflect.DeepEqual(a[i], b[i]) {
			t.Fatalf("record %d differs", i)
		}
	}
}
