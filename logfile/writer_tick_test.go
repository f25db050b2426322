package logfile

import (
	"context"
	"testing"
	"time"
)

// TestWriterClockKeepsAgeDelivery: injecting a clock no longer turns off
// age-based delivery (the background ticker reads the injected clock);
// ManualTick does, and then Tick delivers.
func TestWriterClockKeepsAgeDelivery(t *testing.T) {
	ctx := context.Background()
	for _, manual := range []bool{false, true} {
		clock := &fakeClock{t: time.Date(2024, 3, 5, 9, 0, 0, 0, time.UTC)}
		w, err := NewWriter(NewMemStore(), WriterOptions{Location: Location{Bucket: "b"}, MaxAge: time.Second, Now: clock.Now, ManualTick: manual})
		if err != nil {
			t.Fatal(err)
		}
		delivered := make(chan Delivery, 1)
		w.Subscribe(func(d Delivery) { delivered <- d })
		if err := w.Write(ctx, genRecord(1, 0, "111122223333", "eu-west-1", clock.Now())); err != nil {
			t.Fatal(err)
		}
		clock.Add(2 * time.Second) // the batch is older than MaxAge by the injected clock
		select {
		case d := <-delivered:
			if manual {
				t.Errorf("ManualTick: delivered %s without Tick", d.Key)
			}
		case <-time.After(3 * time.Second):
			if !manual {
				t.Errorf("Now injected without ManualTick: the aged batch was not delivered within 3 s")
			}
		}
		if manual {
			if err := w.Tick(ctx); err != nil {
				t.Fatal(err)
			}
			select {
			case <-delivered:
			default:
				t.Error("ManualTick: Tick did not deliver the aged batch")
			}
		}
		if err := w.Close(ctx); err != nil {
			t.Fatal(err)
		}
	}
}
