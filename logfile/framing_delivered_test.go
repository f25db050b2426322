package logfile

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/internal/testenv"
)

// TestWriterFramingMatchesDelivered writes the records of each log file
// CloudTrail delivered (../shared/cloudtrail-realdata/delivered), decoded
// with event.Unmarshal, through a Writer into one object, and checks that
// the object's uncompressed bytes are the delivered file's, byte for byte:
// {"Records":[ ... ]} framing, commas, no trailing newline, and each
// record in its own era's member order and escaping. The 2014 files are
// skipped: their records have no recipientAccountId, which the Writer
// needs to route a record.
func TestWriterFramingMatchesDelivered(t *testing.T) {
	dir := testenv.RealData(t, "delivered")
	names, _ := filepath.Glob(filepath.Join(dir, "*.json.gz"))
	if len(names) == 0 {
		t.Fatalf("no delivered files in %s", dir)
	}
	ctx := context.Background()
	checked := 0
	for _, name := range names {
		want := gunzipFile(t, name)
		var file struct{ Records []json.RawMessage }
		if err := json.Unmarshal(want, &file); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		recs := make([]*event.Record, len(file.Records))
		routable := true
		for i, raw := range file.Records {
			recs[i] = new(event.Record)
			if err := event.Unmarshal(raw, recs[i]); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			routable = routable && recs[i].RecipientAccountID != ""
		}
		if !routable {
			continue
		}
		store := NewMemStore()
		clock := &fakeClock{t: recs[len(recs)-1].EventTime.Add(time.Minute)}
		w, err := NewWriter(store, WriterOptions{ManualTick: true, Location: Location{Bucket: "b"}, MaxRecords: len(recs), MaxAge: 24 * time.Hour, Now: clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		w.Subscribe(func(d Delivery) { keys = append(keys, d.Key) })
		for _, r := range recs {
			if err := w.Write(ctx, r); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		if err := w.Close(ctx); err != nil {
			t.Fatal(err)
		}
		if len(keys) != 1 {
			t.Fatalf("%s: %d objects delivered, want 1", name, len(keys))
		}
		obj, err := store.Get(ctx, "b", keys[0])
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(obj.Body))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the Writer's file differs from CloudTrail's (%d vs %d bytes)", filepath.Base(name), len(got), len(want))
		}
		checked++
	}
	t.Logf("%d delivered files re-written byte for byte", checked)
	if checked == 0 {
		t.Error("no delivered file could be written")
	}
}

func gunzipFile(t *testing.T, name string) []byte {
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
