package logfile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/trailkit/trailkit/event"
)

// writeAndRead writes recs through a fresh Writer, flushes, and returns the
// errors of the writes and every record stored (all files), in order.
func writeAndRead(t testing.TB, recs ...*event.Record) ([]error, []*event.Record) {
	t.Helper()
	ctx := context.Background()
	store := NewMemStore()
	w, err := NewWriter(store, WriterOptions{ManualTick: true, Location: Location{Bucket: "b"}, Now: func() time.Time { return time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	var errs []error
	for _, r := range recs {
		errs = append(errs, w.Write(ctx, r))
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	var got []*event.Record
	for key, err := range store.List(ctx, "b", "", "") {
		if err != nil {
			t.Fatal(err)
		}
		obj, err := store.Get(ctx, "b", key)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, readAll(t, obj.Body)...)
	}
	return errs, got
}

// TestWriterRefusesForgedRecords: raw members that would end the record
// early (forging a StopLogging record) or leave it open (making the rest of
// the file unreadable) were stored before and the files signed; now Write
// refuses them with a *RecordError wrapping ErrInvalidRecord naming the member, and nothing
// of them is stored.
func TestWriterRefusesForgedRecords(t *testing.T) {
	base := genRecord(5, 0, "111122223333", "us-east-1", time.Date(2024, 1, 2, 3, 0, 0, 0, time.UTC))
	forged := `null},{"eventVersion":"1.08","eventTime":"2024-01-02T03:00:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"us-east-1","recipientAccountId":"111122223333"`
	tests := []struct {
		name, member string
		mut          func(*event.Record)
	}{
		{"forged record", "requestParameters", func(r *event.Record) { r.RequestParameters = json.RawMessage(forged) }},
		{"open object", "requestParameters", func(r *event.Record) { r.RequestParameters = json.RawMessage(`{"a":`) }},
		{"responseElements two values", "responseElements", func(r *event.Record) { r.ResponseElements = json.RawMessage(`1 2`) }},
		{"additionalEventData", "additionalEventData", func(r *event.Record) { r.AdditionalEventData = json.RawMessage(`}`) }},
		{"serviceEventDetails", "serviceEventDetails", func(r *event.Record) { r.ServiceEventDetails = json.RawMessage(`"x`) }},
		{"unknown value", "record.Unknown[k]", func(r *event.Record) {
			r.Unknown = event.Members{{Key: "k", Value: json.RawMessage(`1},{"eventName":"DeleteTrail"`)}}
		}},
		{"nested unknown", "userIdentity.Unknown[k]", func(r *event.Record) {
			u := *r.UserIdentity
			u.Unknown = event.Members{{Key: "k", Value: json.RawMessage(`[`)}}
			r.UserIdentity = &u
		}},
		// Valid JSON each, but the encoding does not read back as itself.
		{"whitespace around raw", "", func(r *event.Record) { r.RequestParameters = json.RawMessage(" {} ") }},
		{"unknown repeats typed member", "", func(r *event.Record) {
			r.Unknown = event.Members{{Key: "eventName", Value: json.RawMessage(`"StopLogging"`)}}
		}},
	}
	for _, tt := range tests {
		r := *base
		tt.mut(&r)
		ok := *base
		ok.EventID = "00000000-0000-4000-8000-000000000001"
		errs, got := writeAndRead(t, &r, &ok)
		var ie *RecordError
		if !errors.Is(errs[0], ErrInvalidRecord) || !errors.As(errs[0], &ie) || ie.Field != tt.member || ie.EventID != r.EventID {
			t.Errorf("%s: Write = %v (%+v), want a *RecordError wrapping ErrInvalidRecord for %q", tt.name, errs[0], ie, tt.member)
		}
		if errs[1] != nil {
			t.Errorf("%s: valid record: %v", tt.name, errs[1])
		}
		if len(got) != 1 || got[0].EventID != ok.EventID || got[0].EventName != ok.EventName {
			t.Errorf("%s: stored %d records, want only the valid one", tt.name, len(got))
		}
	}
}

// TestWriterAcceptsWhatReadsBack: records from the generator and with every
// kind of valid raw member are accepted and read back as themselves.
func TestWriterAcceptsWhatReadsBack(t *testing.T) {
	var recs []*event.Record
	t0 := time.Date(2024, 1, 2, 3, 0, 0, 0, time.UTC)
	for i := range 200 {
		recs = append(recs, genRecord(7, i, "111122223333", "us-east-1", t0.Add(time.Duration(i)*time.Second)))
	}
	r := *recs[0]
	r.EventID = "raw"
	r.RequestParameters = json.RawMessage(`{"a":[1,2,{"b":null}],"c":"}\"{"}`)
	r.ResponseElements = json.RawMessage(`null`)
	r.AdditionalEventData = json.RawMessage(`"x"`)
	r.ServiceEventDetails = json.RawMessage(`-1.5e3`)
	r.Unknown = event.Members{{Key: "newMember", Value: json.RawMessage(`{"x":true}`)}}
	recs = append(recs, &r)
	errs, got := writeAndRead(t, recs...)
	for i, err := range errs {
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	checkSame(t, recs, got)
}

func checkSame(t testing.TB, want, got []*event.Record) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("read %d records, wrote %d", len(got), len(want))
	}
	byID := map[string]*event.Record{}
	for _, r := range got {
		byID[r.EventID] = r
	}
	for _, r := range want {
		g := byID[r.EventID]
		if g == nil || !bytes.Equal(g.AppendJSON(nil), r.AppendJSON(nil)) {
			t.Fatalf("record %s does not read back as itself", r.EventID)
		}
	}
}

// FuzzWriterRecord: whatever the raw members and strings, a record Write
// accepts reads back through Reader as exactly itself (its encoding, and
// the record value when its strings are valid UTF-8 and its time whole
// seconds), and nothing else is in the file but the records accepted.
func FuzzWriterRecord(f *testing.F) {
	f.Add(`null},{"eventName":"StopLogging"`, `{"a":`, "k", `1`, "agent")
	f.Add(`{"a":1}`, `null`, "eventName", `"x"`, "\x00\u2028")
	f.Add(` {} `, `[]`, "", `{}`, "\xff")
	f.Fuzz(func(t *testing.T, req, resp, ukey, uval, agent string) {
		base := genRecord(9, 0, "111122223333", "us-east-1", time.Date(2024, 1, 2, 3, 0, 0, 0, time.UTC))
		r := *base
		r.EventID = "fuzzed"
		r.RequestParameters = json.RawMessage(req)
		r.ResponseElements = json.RawMessage(resp)
		r.UserAgent = agent
		if ukey != "" || uval != "" {
			r.Unknown = event.Members{{Key: ukey, Value: json.RawMessage(uval)}}
		}
		if r.KnownToRoundTrip() {
			// The cheap check passes r without decoding: the full
			// round trip must agree.
			if err := checkRoundTrip(&r, r.AppendJSON(nil)); err != nil {
				t.Fatalf("known to round trip, but %v", err)
			}
		}
		ok := *base
		errs, got := writeAndRead(t, &r, &ok, &r)
		if errs[1] != nil {
			t.Fatal(errs[1])
		}
		if errs[0] != nil {
			if !errors.Is(errs[0], ErrInvalidRecord) && !errors.Is(errs[0], ErrTooLarge) {
				t.Fatalf("unexpected error %v", errs[0])
			}
			if errs[2] == nil || errs[2].Error() != errs[0].Error() {
				t.Fatalf("second write: %v, first %v", errs[2], errs[0])
			}
			checkSame(t, []*event.Record{&ok}, got)
			return
		}
		if len(got) != 3 {
			t.Fatalf("read %d records, want 3", len(got))
		}
		for _, i := range []int{0, 2} {
			if !bytes.Equal(got[i].AppendJSON(nil), r.AppendJSON(nil)) {
				t.Fatalf("record %d reads back as %s, wrote %s", i, got[i].AppendJSON(nil), r.AppendJSON(nil))
			}
		}
		if !bytes.Equal(got[1].AppendJSON(nil), ok.AppendJSON(nil)) {
			t.Fatal("the valid record changed")
		}
	})
}
