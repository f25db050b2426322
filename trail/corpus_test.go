package trail

import (
	"testing"

	"github.com/trailkit/trailkit/internal/testenv"

	"github.com/trailkit/trailkit/event"
)

// corpusRecords decodes ../shared/cloudtrail-realdata/records.jsonl, or
// skips when the corpus is absent.
func corpusRecords(t *testing.T) []*event.Record {
	t.Helper()
	var recs []*event.Record
	for _, line := range testenv.RecordLines(t) {
		r := new(event.Record)
		if err := event.Unmarshal(line, r); err != nil {
			t.Fatalf("record %d: %v", len(recs)+1, err)
		}
		recs = append(recs, r)
	}
	return recs
}

// TestRealRecords runs trails over the 884 real records decoded from
// JSON: Match and Explain agree, and the counts per category follow the
// corpus's composition.
func TestRealRecords(t *testing.T) {
	recs := corpusRecords(t)
	if len(recs) < 800 {
		t.Fatalf("only %d records", len(recs))
	}
	// A trail with no account or home Region known: only categories and
	// selectors decide.
	anyTrail := func(mod func(*Trail)) *Filter {
		tr := &Trail{Name: "corpus", IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true}
		mod(tr)
		f, err := Compile(tr, CompileOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	cats := map[event.Category]int{}
	s3Objects := 0
	for _, r := range recs {
		c := effectiveCategory(r)
		cats[c]++
		if c == event.CategoryData {
			for _, res := range r.Resources {
				if res.Type == "AWS::S3::Object" {
					s3Objects++
					break
				}
			}
		}
	}
	if cats[event.CategoryInsight] != 6 || cats[event.CategoryNetworkActivity] != 6 || s3Objects < 10 {
		t.Errorf("corpus categories %v, S3 object data events %d", cats, s3Objects)
	}
	count := func(f *Filter) int {
		n := 0
		for _, r := range recs {
			m := f.Match(r)
			if e := f.Explain(r); e.Recorded != m {
				t.Fatalf("Match %v, Explain %s", m, e)
			}
			if m {
				n++
			}
		}
		return n
	}
	if n := count(anyTrail(func(*Trail) {})); n != cats[event.CategoryManagement] {
		t.Errorf("default trail recorded %d, want the %d management events", n, cats[event.CategoryManagement])
	}
	s3All := anyTrail(func(tr *Trail) {
		tr.EventSelectors = []EventSelector{{IncludeManagementEvents: ptr(false), DataResources: []DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3"}}}}}
	})
	if n := count(s3All); n != s3Objects {
		t.Errorf("all-S3 trail recorded %d, want %d", n, s3Objects)
	}
	adv := anyTrail(func(tr *Trail) { tr.AdvancedEventSelectors = []AdvancedEventSelector{dataS3()} })
	if n := count(adv); n != s3Objects {
		t.Errorf("advanced all-S3 trail recorded %d, want %d", n, s3Objects)
	}
	netS3 := anyTrail(func(tr *Trail) {
		tr.AdvancedEventSelectors = []AdvancedEventSelector{sel(eq(fieldEventCategory, "NetworkActivity"), eq(fieldEventSource, "s3.amazonaws.com"))}
	})
	if n := count(netS3); n != 5 {
		t.Errorf("S3 network-activity trail recorded %d, want 5", n)
	}
	everything := anyTrail(func(tr *Trail) {
		tr.AdvancedEventSelectors = []AdvancedEventSelector{mgmtSel(), sel(op(fieldEventCategory, NotEquals, "Management"))}
	})
	if n := count(everything); n != len(recs)-cats[event.CategoryInsight] {
		t.Errorf("catch-all trail recorded %d of %d; Insight records must never match", n, len(recs))
	}
	// Spec §3.7's example and the benchmark trail run without surprises.
	l, _ := parseAdvancedEventSelectorList([]byte(specExample))
	count(anyTrail(func(tr *Trail) { tr.AdvancedEventSelectors = l }))
	count(anyTrail(func(tr *Trail) { tr.AdvancedEventSelectors = benchSelectors() }))
}
