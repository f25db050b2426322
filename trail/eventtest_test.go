package trail

import (
	"testing"
	"time"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/event/eventtest"
)

// TestEquivalenceEventtest repeats the basic/advanced equivalence over the
// shared fixture generator's activity (28 services, every identity type,
// S3 data events), for the trail's own account in every Region.
func TestEquivalenceEventtest(t *testing.T) {
	g := eventtest.MustNew(eventtest.Config{
		Seed: 3, Start: time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC), Duration: 90 * time.Minute,
		Accounts: []string{acctA, acctB}, Regions: []string{"us-east-1", "eu-west-1"},
	})
	var recs []*event.Record
	for r := range g.Records() {
		recs = append(recs, r)
	}
	if len(recs) < 1000 {
		t.Fatalf("only %d records", len(recs))
	}
	for _, c := range equivalenceConfigs() {
		tb, ta := baseTrail(), baseTrail()
		tb.EventSelectors, ta.AdvancedEventSelectors = c.basic, c.advanced
		fb, fa := compileOrFatal(t, tb, nil), compileOrFatal(t, ta, nil)
		for _, r := range recs {
			b := fb.Match(r)
			if b != fa.Match(r) || b != fb.Explain(r).Recorded {
				t.Fatalf("%s: disagree on %s %s\nbasic: %s\nadvanced: %s", c.name, r.EventSource, r.EventName, fb.Explain(r), fa.Explain(r))
			}
		}
	}
	// Account scope: the trail of acctA sees exactly acctA's records.
	f := compileOrFatal(t, baseTrail(), nil)
	for _, r := range recs {
		if f.Match(r) && r.RecipientAccountID != acctA {
			t.Fatalf("recorded a record delivered to %s", r.RecipientAccountID)
		}
	}
}
