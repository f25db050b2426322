package logfile

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/internal/testenv"
)

// hostileRaw are raw member values that are not one JSON value with nothing
// around it, or that are but might not read back as themselves.
var hostileRaw = []string{
	`null},{"eventName":"StopLogging","awsRegion":"us-east-1","recipientAccountId":"111122223333"`,
	`{"a":`, `{}}`, `}`, `"x`, `1 2`, `{} {}`, `[`, `]`, `,`, `:`, `{"a":1}x`, `{"a":1},`,
	` {}`, `{} `, "\t1", "1\n", `01`, `-`, `1.`, `.5`, `1e`, `+1`, `tru`, `nul`, `NaN`,
	"\"\x01\"", `"\x"`, `"\u12"`, "\"\xff\"", "\"\xed\xa0\x80\"", "{\"\xff\":1}",
	`{"a":1,"a":2}`, `{"eventName":"x"}`, `[1,]`, `{"a":1,}`, `{,}`, `{"a"}`, `{1:2}`,
	"\"'=&<>\u2028\"", `"\u2028"`, `null`, `true`, `false`, `0`, `-0`, `1E+2`, `""`, `[]`, `{}`,
	`{"a":[1,{"b":null}],"c":"}\"{"}`,
}

// hostileMutations put v into each kind of raw member of a copy of r.
func hostileMutations(r *event.Record, v json.RawMessage) []*event.Record {
	var out []*event.Record
	add := func(f func(*event.Record)) {
		c := *r
		if c.UserIdentity != nil {
			u := *c.UserIdentity
			if u.SessionContext != nil {
				s := *u.SessionContext
				if s.WebIDFederationData != nil {
					w := *s.WebIDFederationData
					s.WebIDFederationData = &w
				}
				u.SessionContext = &s
			}
			c.UserIdentity = &u
		}
		if c.Addendum != nil {
			a := *c.Addendum
			c.Addendum = &a
		}
		f(&c)
		out = append(out, &c)
	}
	add(func(c *event.Record) { c.RequestParameters = v })
	add(func(c *event.Record) { c.ResponseElements = v })
	add(func(c *event.Record) { c.AdditionalEventData = v })
	add(func(c *event.Record) { c.ServiceEventDetails = v })
	add(func(c *event.Record) { c.EdgeDeviceDetails = v })
	add(func(c *event.Record) { c.EventContext = v })
	add(func(c *event.Record) { c.Unknown = append(event.Members{{Key: "k", Value: v}}, c.Unknown...) })
	add(func(c *event.Record) { c.Unknown = event.Members{{Key: "eventName", Value: v}} })
	add(func(c *event.Record) { c.Addendum = &event.Addendum{UpdatedFields: v} })
	add(func(c *event.Record) {
		if c.UserIdentity == nil {
			c.UserIdentity = &event.UserIdentity{}
		}
		c.UserIdentity.Unknown = event.Members{{Key: "k", Value: v}, {Key: "k", Value: json.RawMessage(`1`)}}
	})
	add(func(c *event.Record) {
		if c.UserIdentity == nil {
			c.UserIdentity = &event.UserIdentity{}
		}
		if c.UserIdentity.SessionContext == nil {
			c.UserIdentity.SessionContext = &event.SessionContext{}
		}
		c.UserIdentity.SessionContext.WebIDFederationData = &event.WebIDFederationData{Attributes: v}
	})
	return out
}

// TestCheckRecordMatchesRoundTrip: the cheap check (checkRecord) and the
// full round trip (checkRoundTrip) take the same decision, with the same
// error, on every record of the real-data corpus and on those records and
// generated ones with hostile raw members; and every record the cheap check
// passes without decoding does read back as itself.
func TestCheckRecordMatchesRoundTrip(t *testing.T) {
	var base []*event.Record
	for i, line := range testenv.RecordLines(t) {
		r := new(event.Record)
		if err := event.Unmarshal(line, r); err != nil {
			t.Fatalf("corpus record %d: %v", i, err)
		}
		base = append(base, r)
	}
	if len(base) < 800 {
		t.Fatalf("corpus has %d records, want 884", len(base))
	}
	t0 := time.Date(2024, 1, 2, 3, 0, 0, 0, time.UTC)
	for i := range 20 {
		base = append(base, genRecord(11, i, "111122223333", "us-east-1", t0.Add(time.Duration(i)*time.Second)))
	}
	fast, compared := 0, 0
	compare := func(what string, r *event.Record) {
		t.Helper()
		compared++
		data := r.AppendJSON(nil)
		got, want := checkRecord(r, data), checkRoundTrip(r, data)
		if (got == nil) != (want == nil) || got != nil && got.Error() != want.Error() {
			t.Fatalf("%s: cheap check %v, round trip %v\n%s", what, got, want, data)
		}
		if r.KnownToRoundTrip() {
			fast++
			var back event.Record
			if err := event.Unmarshal(data, &back); err != nil || string(back.AppendJSON(nil)) != string(data) {
				t.Fatalf("%s: known to round trip, but reads back as %s (%v)", what, back.AppendJSON(nil), err)
			}
		}
	}
	corpusFast := 0
	for i, r := range base {
		compare("record "+r.EventID, r)
		if i == 883 {
			corpusFast = fast
		}
	}
	step := 1
	if raceEnabled || testing.Short() {
		step = 16 // the same assertions on fewer base records
	}
	for i, r := range base {
		if i%step != 0 && i < 884 {
			continue
		}
		for _, v := range hostileRaw {
			for j, m := range hostileMutations(r, json.RawMessage(v)) {
				compare("record "+r.EventID+" mutation "+string(rune('a'+j))+" "+v, m)
			}
		}
	}
	t.Logf("%d records compared; %d of the first 884 (the corpus) and %d in all passed without decoding", compared, corpusFast, fast)
}
