package insights

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/trailkit/trailkit/event"
)

// TestAddSliceEqualsAddOne: Add over slices of any size gives exactly the
// records, counters and saved state of Add one record at a time, through
// insights opening and closing, ignored and late records, series evicted
// and re-created, and series dropped by MaxSeries.
func TestAddSliceEqualsAddOne(t *testing.T) {
	from := t0.Add(3 * time.Hour)
	apis := []api{
		{source: "s3.amazonaws.com", name: "DeleteBucket", rate: stepRate(20, 120, from, from.Add(15*time.Minute))},
		{source: "iam.amazonaws.com", name: "GetRole", readOnly: true, errorCode: "AccessDenied",
			rate: stepRate(0.5, 30, from.Add(time.Hour), from.Add(time.Hour+10*time.Minute))},
		{source: "ec2.amazonaws.com", name: "RunInstances", errorCode: "Client.UnauthorizedOperation", rate: constRate(2)},
		{source: "sqs.amazonaws.com", name: "DeleteQueue", rate: stepRate(5, 0, from.Add(2*time.Hour), from.Add(6*time.Hour))},
		{source: "sns.amazonaws.com", name: "GetTopicAttributes", readOnly: true, rate: constRate(3)},
	}
	var recs []*event.Record
	feedWith(t, 9, t0, 8*60, apis, func(r *event.Record) { recs = append(recs, r) }, func(time.Time) {})
	// Mix in records that are ignored, late, or of new series.
	r := rand.New(rand.NewPCG(3, 4))
	var mixed []*event.Record
	for i, rec := range recs {
		mixed = append(mixed, rec)
		switch i % 97 {
		case 5:
			c := *rec
			c.EventCategory = event.CategoryData // ignored: no DataEvents
			mixed = append(mixed, &c)
		case 11:
			c := *rec
			c.EventTime = c.EventTime.Add(-time.Duration(r.IntN(12)) * time.Minute) // some late
			mixed = append(mixed, &c)
		case 17:
			c := *rec
			c.EventName = "Other" + string(rune('A'+r.IntN(26))) // short-lived series
			c.UserIdentity = nil
			c.UserAgent = ""
			mixed = append(mixed, &c)
		case 23:
			c := *rec
			c.EventType = event.AwsConsoleSignIn
			mixed = append(mixed, &c)
		}
	}
	for _, maxSeries := range []int{0, 6} {
		opts := func() Options {
			return Options{NewID: seqIDs(), WarmUp: time.Hour, BaselineWindow: 2 * time.Hour,
				IdleAfter: 30 * time.Minute, MaxSeries: maxSeries}
		}
		one, many := New(opts()), New(opts())
		var outOne, outMany []*event.Record
		for i := 0; i < len(mixed); {
			n := min(1+r.IntN(100), len(mixed)-i)
			if r.IntN(4) == 0 {
				n = min(batchBlock*3+r.IntN(3)-1, len(mixed)-i)
			}
			for _, rec := range mixed[i : i+n] {
				one.Add(rec)
			}
			many.Add(mixed[i : i+n]...)
			i += n
			if r.IntN(10) == 0 {
				outOne = append(outOne, one.Drain()...)
				outMany = append(outMany, many.Drain()...)
			}
		}
		end := t0.Add(9 * time.Hour)
		one.Advance(end)
		many.Advance(end)
		outOne = append(outOne, one.Drain()...)
		outMany = append(outMany, many.Drain()...)
		if one.Stats() != many.Stats() {
			t.Errorf("MaxSeries %d: stats %+v (one by one) and %+v (slices)", maxSeries, one.Stats(), many.Stats())
		}
		st := one.Stats()
		if st.Started < 2 || st.Late == 0 || st.Ignored == 0 || st.Evicted == 0 || (maxSeries > 0) != (st.SeriesDropped > 0) {
			t.Errorf("MaxSeries %d: the input misses a case: %+v", maxSeries, st)
		}
		if len(outOne) != len(outMany) {
			t.Fatalf("MaxSeries %d: %d records (one by one) and %d (slices)", maxSeries, len(outOne), len(outMany))
		}
		for i := range outOne {
			a, b := outOne[i].AppendJSON(nil), outMany[i].AppendJSON(nil)
			if !bytes.Equal(a, b) {
				t.Errorf("MaxSeries %d: record %d differs:\n%s\n%s", maxSeries, i, a, b)
			}
		}
		sa, err := one.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		sb, err := many.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(sa, sb) {
			t.Errorf("MaxSeries %d: saved states differ (%d and %d bytes)", maxSeries, len(sa), len(sb))
		}
	}
}
