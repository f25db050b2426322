package insights

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/trailkit/trailkit/event"
)

// TestRestartKeepsBaselines runs one detector straight through and another
// that is saved, discarded and restored twice (once with an insight open),
// and requires byte-identical Insights records.
func TestRestartKeepsBaselines(t *testing.T) {
	from := t0.Add(8 * 24 * time.Hour)
	apis := []api{
		{source: "s3.amazonaws.com", name: "DeleteBucket", rate: stepRate(20, 100, from, from.Add(15*time.Minute))},
		{source: "ec2.amazonaws.com", name: "RunInstances", errorCode: "Client.UnauthorizedOperation", rate: stepRate(0.01, 8, from.Add(-5*time.Minute), from.Add(20*time.Minute))},
	}
	whole := New(Options{NewID: seqIDs()})
	feed(t, whole, 9, t0, 8*24*60+60, apis)
	want := whole.Drain()
	if len(want) < 4 {
		t.Fatalf("reference run emitted %d records, want at least 4", len(want))
	}

	ids := seqIDs()
	d := New(Options{NewID: ids})
	var got []*event.Record
	// The feed is deterministic per seed, so split it by re-feeding from a
	// single generator: run the whole feed but restart at two points.
	restarts := map[time.Time]bool{
		t0.Add(3 * 24 * time.Hour):                true, // quiet
		from.Add(10*time.Minute + 30*time.Second): true, // insights open
	}
	feedWith(t, 9, t0, 8*24*60+60, apis, func(r *event.Record) {
		if restarts[r.EventTime] {
			delete(restarts, r.EventTime)
			got = append(got, d.Drain()...)
			b, err := d.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			d = New(Options{NewID: ids})
			if err := d.UnmarshalBinary(b); err != nil {
				t.Fatal(err)
			}
			b2, _ := d.MarshalBinary()
			if string(b) != string(b2) {
				t.Fatal("state changed across a save and restore")
			}
		}
		d.Add(r)
	}, func(now time.Time) { d.Advance(now) })
	if len(restarts) != 0 {
		t.Fatalf("restart points not reached: %v", restarts)
	}
	got = append(got, d.Drain()...)
	if len(got) != len(want) {
		t.Fatalf("restarted run emitted %d records, reference %d", len(got), len(want))
	}
	for i := range got {
		if g, w := got[i].AppendJSON(nil), want[i].AppendJSON(nil); string(g) != string(w) {
			t.Errorf("record %d differs:\n got %s\nwant %s", i, g, w)
		}
	}
	if !reflect.DeepEqual(d.Stats(), whole.Stats()) {
		t.Errorf("stats %+v, reference %+v", d.Stats(), whole.Stats())
	}
}

func TestStateErrors(t *testing.T) {
	d := New(Options{})
	d.Observe(SeriesKey{Region: "us-east-1", EventSource: "s3.amazonaws.com", EventName: "PutObject", InsightType: event.APICallRateInsight}, t0, 3)
	b, err := d.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	other := New(Options{Lateness: 10 * time.Minute})
	if err := other.UnmarshalBinary(b); !errors.Is(err, ErrIncompatibleState) {
		t.Errorf("different lateness: %v, want ErrIncompatibleState", err)
	}
	for i := range b {
		if err := New(Options{}).UnmarshalBinary(b[:i]); !errors.Is(err, ErrCorruptState) {
			t.Fatalf("truncated to %d bytes: %v, want ErrCorruptState", i, err)
		}
	}
	if err := New(Options{}).UnmarshalBinary(append(b, 0)); !errors.Is(err, ErrCorruptState) {
		t.Errorf("trailing byte: %v", err)
	}
	d.out = append(d.out, &event.Record{})
	if _, err := d.MarshalBinary(); !errors.Is(err, ErrPendingInsights) {
		t.Errorf("undrained: %v, want ErrPendingInsights", err)
	}
}

func FuzzUnmarshalBinary(f *testing.F) {
	d := New(Options{NewID: seqIDs()})
	from := t0.Add(26 * time.Hour)
	k := SeriesKey{Region: "us-east-1", EventSource: "s3.amazonaws.com", EventName: "DeleteBucket", InsightType: event.APICallRateInsight}
	for m := range 27 * 60 {
		tm := t0.Add(time.Duration(m) * time.Minute)
		n := 20
		if !tm.Before(from) {
			n = 100
		}
		d.Observe(k, tm, n)
	}
	d.Drain()
	b, _ := d.MarshalBinary()
	f.Add(b)
	f.Add([]byte(stateMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := New(Options{})
		if err := d.UnmarshalBinary(data); err != nil {
			if !errors.Is(err, ErrCorruptState) && !errors.Is(err, ErrIncompatibleState) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		// A restored detector must run without panicking.
		d.Observe(k, time.Unix(d.watermark, 0).Add(time.Minute), 5)
		d.Advance(time.Unix(d.watermark, 0).Add(30 * time.Minute))
		if _, err := d.MarshalBinary(); err != nil && !errors.Is(err, ErrPendingInsights) {
			t.Fatal(err)
		}
	})
}

// TestHalve checks that halve(v, k) equals k successive halvings, in the
// normal and the subnormal range, which the lazily applied halvings of the
// recent counters rely on to give the same results as halving each minute.
func TestHalve(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	values := []float32{0, 1, 0.5, 3, 1e9, math.MaxFloat32, 0x1p-126, 0x1.8p-126, 0x1p-149, 0x3p-149, 0x1.fffffep-127}
	for range 2000 {
		values = append(values, math.Float32frombits(r.Uint32N(0x7f800000)))
	}
	for _, v := range values {
		want := v
		for k := int64(0); k <= 320; k++ {
			if got := halve(v, k); math.Float32bits(got) != math.Float32bits(want) {
				t.Fatalf("halve(%g, %d) = %g, want %g", v, k, got, want)
			}
			want *= 0.5
		}
	}
}
