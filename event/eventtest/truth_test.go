package eventtest

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/trailkit/trailkit/event"
)

// TestSignInErrorBurst: an ErrorBurst on ConsoleLogin writes what a failed
// console sign-in is in CloudTrail (issue 20: it used to write "Success"
// with an API error code, so a rule counting failures saw none).
func TestSignInErrorBurst(t *testing.T) {
	at := defaultStart.Add(20 * time.Minute)
	g := MustNew(Config{Seed: 4, Anomalies: []Anomaly{{Kind: ErrorBurst, EventSource: "signin.amazonaws.com", EventName: "ConsoleLogin", Region: "us-east-1", Start: at}}})
	an := g.Anomalies()[0]
	if an.ErrorCode != "Failed authentication" {
		t.Errorf("resolved ErrorCode %q", an.ErrorCode)
	}
	ids := map[string]bool{}
	for _, id := range g.Truth()[0].EventIDs {
		ids[id] = true
	}
	failures, inBurst := 0, 0
	for r := range g.Records() {
		if r.EventName != "ConsoleLogin" {
			continue
		}
		if err := event.Validate(r); err != nil {
			t.Fatal(err)
		}
		if r.ErrorCode != "" || r.EventType != event.AwsConsoleSignIn || *r.ReadOnly {
			t.Errorf("sign-in with errorCode %q, eventType %s, readOnly %v", r.ErrorCode, r.EventType, *r.ReadOnly)
		}
		failed := string(r.ResponseElements) == `{"ConsoleLogin":"Failure"}`
		if failed != (r.ErrorMessage == "Failed authentication") {
			t.Errorf("responseElements %s with errorMessage %q", r.ResponseElements, r.ErrorMessage)
		}
		if ids[r.EventID] {
			inBurst++
			if !failed {
				t.Errorf("burst record %s is not a failure", r.EventID)
			}
		}
		if failed && !r.EventTime.Before(at) && r.EventTime.Before(an.end()) {
			failures++
		}
	}
	// 12 a minute for 10 minutes, Poisson: 120 ± 4σ.
	if failures < 76 || failures > 164 || inBurst != failures {
		t.Errorf("%d failures in the burst window, %d listed by the truth", failures, inBurst)
	}
}

// TestActorAnomalies: a Spike and an ErrorBurst with an Actor add records of
// that one actor only, inside the window, at the configured rate; the truth
// lists exactly them; the rest of the activity is unchanged.
func TestActorAnomalies(t *testing.T) {
	start := time.Date(2024, 3, 5, 14, 0, 0, 0, time.UTC)
	base := Config{Seed: 21, Start: start, Duration: 90 * time.Minute, Rate: 150, Accounts: []string{"111122223333", "444455556666"}}
	role := roleSession("111122223333", "batch-exporter", "job-7", "2024-03-05T13:00:00Z", false)
	cfg := base
	cfg.Anomalies = []Anomaly{
		{Kind: ErrorBurst, Region: "us-east-1", EventSource: "s3.amazonaws.com", EventName: "GetObject", ErrorCode: "AccessDenied",
			Start: start.Add(30 * time.Minute), Duration: 15 * time.Minute, Factor: 20, Actor: &Actor{SourceIPAddress: "198.51.100.99"}},
		{Kind: Spike, Region: "us-east-1", EventSource: "sts.amazonaws.com", EventName: "AssumeRole",
			Start: start.Add(70 * time.Minute), Duration: 10 * time.Minute, Factor: 6, Actor: &Actor{Identity: role}},
	}
	g := MustNew(cfg)
	truth := g.Truth()
	if len(truth) != 2 || truth[0].Kind != "anomaly" || truth[0].Name != "error-burst" || truth[1].Name != "spike" {
		t.Fatalf("truth %+v", truth)
	}
	if truth[0].Actor.SourceIPAddress != "198.51.100.99" || truth[0].Actor.Identity.UserName != defaultUser ||
		truth[1].Actor.Identity != role || truth[1].Actor.SourceIPAddress != defaultActorIP {
		t.Errorf("actors %+v / %+v", truth[0].Actor, truth[1].Actor)
	}
	byActor := [2][]string{}
	plain := map[string]bool{}
	for r := range g.Records() {
		switch {
		case r.SourceIPAddress == "198.51.100.99":
			byActor[0] = append(byActor[0], r.EventID)
			if r.ErrorCode != "AccessDenied" || r.ErrorMessage != "Access Denied" || r.EventName != "GetObject" || r.EventCategory != event.CategoryData {
				t.Errorf("burst record %s %s %q %s", r.EventName, r.ErrorCode, r.ErrorMessage, r.EventCategory)
			}
		case r.UserIdentity == role:
			byActor[1] = append(byActor[1], r.EventID)
			if r.EventName != "AssumeRole" || r.ErrorCode != "" && r.ErrorCode != "AccessDenied" || r.SourceIPAddress != defaultActorIP {
				t.Errorf("spike record %s %s from %s", r.EventName, r.ErrorCode, r.SourceIPAddress)
			}
		default:
			plain[r.EventID] = true
		}
		if err := event.Validate(r); err != nil {
			t.Fatal(err)
		}
	}
	for i, tr := range truth {
		if !slices.Equal(tr.EventIDs, byActor[i]) {
			t.Errorf("anomaly %d: truth lists %d records, the actor made %d", i, len(tr.EventIDs), len(byActor[i]))
		}
	}
	// 20 a minute for 15 minutes: 300 ± 4σ.
	if n := len(byActor[0]); n < 230 || n > 370 {
		t.Errorf("%d burst records", n)
	}
	// The activity without the anomalies is the same, record for record.
	n := 0
	for r := range MustNew(base).Records() {
		n++
		if !plain[r.EventID] {
			t.Fatalf("record %s of the plain activity missing", r.EventID)
		}
	}
	if n != len(plain) {
		t.Errorf("%d plain records, %d without the actors", n, len(plain))
	}
}

// TestMixing: the caller's records appear once each, in time order, after
// the generated records of the same second, as copies; with techniques and
// mixed-in records the same Config yields the same bytes.
func TestMixing(t *testing.T) {
	start := time.Date(2024, 3, 5, 14, 0, 0, 0, time.UTC)
	b := event.Builder{NewID: func() string { return "" }}
	var extra []*event.Record
	for i, off := range []time.Duration{59 * time.Minute, 0, 10*time.Minute + 30*time.Second, 10*time.Minute + 30*time.Second} {
		r := b.APICall(event.Record{
			EventTime: start.Add(off), EventSource: "dynamodb.amazonaws.com", EventName: "DeleteTable", AWSRegion: "us-east-1",
			SourceIPAddress: "192.0.2.250", UserIdentity: &event.UserIdentity{Type: event.IdentityRoot, AccountID: "111122223333", PrincipalID: "111122223333"},
			RequestParameters: json.RawMessage(`{"tableName":"orders"}`),
		})
		r.EventID = "00000000-0000-4000-8000-00000000000" + string(rune('0'+i))
		extra = append(extra, r)
	}
	cfg := Config{Seed: 8, Start: start, Rate: 60, Extra: extra,
		Attacks: []Attack{{Technique: "aws.credential-access.console-login-brute-force"}, {Technique: "aws.defense-evasion.cloudtrail-stop"}}}
	g := MustNew(cfg)
	var got []*event.Record
	var prev *event.Record
	for r := range g.Records() {
		if prev != nil && r.EventTime.Before(prev.EventTime) {
			t.Fatalf("%s before %s", r.EventTime, prev.EventTime)
		}
		if r.SourceIPAddress == "192.0.2.250" {
			got = append(got, r)
		} else if prev != nil && prev.SourceIPAddress == "192.0.2.250" && prev.EventTime.Equal(r.EventTime) && r.SourceIPAddress != defaultActorIP {
			t.Errorf("generated record %s after a mixed-in record of the same second", r.EventID)
		}
		prev = r
	}
	want := []*event.Record{extra[1], extra[2], extra[3], extra[0]}
	if len(got) != len(want) {
		t.Fatalf("%d mixed-in records, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] == want[i] || got[i].EventID != want[i].EventID || string(got[i].AppendJSON(nil)) != string(want[i].AppendJSON(nil)) {
			t.Errorf("record %d: %s, want a copy of %s", i, got[i].EventID, want[i].EventID)
		}
	}
	// The attacks default to 1/3 and 2/3 of the span.
	tr := g.Truth()
	if !tr[0].First.Equal(start.Add(20*time.Minute)) || !tr[1].First.Equal(start.Add(40*time.Minute)) {
		t.Errorf("attacks at %s and %s", tr[0].First, tr[1].First)
	}
	d1, n1 := digest(g)
	d2, n2 := digest(MustNew(cfg))
	if d1 != d2 || n1 != n2 {
		t.Errorf("same Config, different records: %d vs %d", n1, n2)
	}
	cfg.Seed++
	if d3, _ := digest(MustNew(cfg)); d3 == d1 {
		t.Error("another seed, same records")
	}
}
