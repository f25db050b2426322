package eventpattern

import (
	"encoding/json"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/trailkit/trailkit/event"
)

// docEvent is the example event of the EventBridge User Guide's "Amazon
// EventBridge events" page, with the detail members its content filtering
// examples use added.
const docEvent = `{
  "version": "0",
  "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification",
  "source": "aws.ec2",
  "account": "111122223333",
  "time": "2017-10-02T18:43:48Z",
  "region": "us-west-1",
  "resources": [
    "arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"
  ],
  "detail": {
    "instance-id": "i-1234567890abcdef0",
    "state": "terminated",
    "service": "EventBridge",
    "FileName": "image.png",
    "FilePath": "/usr/lib/libc.so",
    "c-count": 5,
    "d-count": 3,
    "x-limit": 301.8,
    "sourceIPAddress": "10.0.0.42",
    "tags": ["blue", "green"],
    "users": [{"name": "Anna", "id": 1}, {"name": "Peter", "id": 2}]
  }
}`

func TestDocumentationExamples(t *testing.T) {
	for _, c := range []struct {
		pattern string
		want    bool
	}{
		// Prefix, suffix and case.
		{`{"time": [{"prefix": "2017-10-02"}]}`, true},
		{`{"time": [{"prefix": "2017-10-03"}]}`, false},
		{`{"detail": {"service": [{"prefix": {"equals-ignore-case": "EventB"}}]}}`, true},
		{`{"detail": {"service": [{"prefix": {"equals-ignore-case": "EVENTB"}}]}}`, true},
		{`{"detail": {"service": [{"prefix": "EVENTB"}]}}`, false},
		{`{"detail": {"FileName": [{"suffix": ".png"}]}}`, true},
		{`{"detail": {"FileName": [{"suffix": {"equals-ignore-case": ".PNG"}}]}}`, true},
		{`{"detail": {"FileName": [{"suffix": ".PNG"}]}}`, false},
		{`{"detail-type": [{"equals-ignore-case": "ec2 instance state-change notification"}]}`, true},
		// Anything-but.
		{`{"detail": {"state": [{"anything-but": "initializing"}]}}`, true},
		{`{"detail": {"state": [{"anything-but": "terminated"}]}}`, false},
		{`{"detail": {"x-limit": [{"anything-but": 123}]}}`, true},
		{`{"detail": {"x-limit": [{"anything-but": 301.8}]}}`, false},
		{`{"detail": {"state": [{"anything-but": ["stopped", "overloaded"]}]}}`, true},
		{`{"detail": {"state": [{"anything-but": ["stopped", "terminated"]}]}}`, false},
		{`{"detail": {"x-limit": [{"anything-but": [100, 200, 300]}]}}`, true},
		{`{"detail": {"state": [{"anything-but": {"prefix": "init"}}]}}`, true},
		{`{"detail": {"state": [{"anything-but": {"prefix": "term"}}]}}`, false},
		{`{"detail": {"FileName": [{"anything-but": {"suffix": ".txt"}}]}}`, true},
		{`{"detail": {"FileName": [{"anything-but": {"suffix": ".png"}}]}}`, false},
		{`{"detail": {"state": [{"anything-but": {"equals-ignore-case": ["Stopped", "OverLoaded"]}}]}}`, true},
		{`{"detail": {"state": [{"anything-but": {"equals-ignore-case": "TERMINATED"}}]}}`, false},
		{`{"detail": {"FilePath": [{"anything-but": {"wildcard": "*/lib/*"}}]}}`, false},
		{`{"detail": {"FilePath": [{"anything-but": {"wildcard": ["*/bin/*", "*.dll"]}}]}}`, true},
		{`{"detail": {"missing": [{"anything-but": "x"}]}}`, false},
		// Numeric.
		{`{"detail": {"c-count": [{"numeric": [">", 0, "<=", 5]}], "d-count": [{"numeric": ["<", 10]}], "x-limit": [{"numeric": ["=", 3.018e2]}]}}`, true},
		{`{"detail": {"c-count": [{"numeric": [">", 0, "<", 5]}]}}`, false},
		{`{"detail": {"c-count": [{"numeric": [">=", 5]}]}}`, true},
		{`{"detail": {"c-count": [{"numeric": [">", 5]}]}}`, false},
		{`{"detail": {"c-count": [5.0]}}`, true},
		{`{"detail": {"c-count": ["5"]}}`, false},
		// IP addresses.
		{`{"detail": {"sourceIPAddress": [{"cidr": "10.0.0.0/24"}]}}`, true},
		{`{"detail": {"sourceIPAddress": [{"cidr": "10.0.1.0/24"}]}}`, false},
		{`{"detail": {"sourceIPAddress": [{"cidr": "2001:db8::/32"}]}}`, false},
		// Exists.
		{`{"detail": {"state": [{"exists": true}]}}`, true},
		{`{"detail": {"c-count": [{"exists": false}]}}`, false},
		{`{"detail": {"nothing": [{"exists": false}]}}`, true},
		{`{"detail": [{"exists": true}]}`, false}, // an object is not a leaf
		{`{"detail": {"users": [{"exists": true}]}}`, false},
		// Wildcard.
		{`{"resources": [{"wildcard": "arn:aws:ec2:us-west-1:*:instance/*"}]}`, true},
		{`{"resources": [{"wildcard": "arn:aws:ec2:us-east-1:*:instance/*"}]}`, false},
		{`{"detail": {"FilePath": [{"wildcard": "*lib*.so"}]}}`, true},
		// $or.
		{`{"detail": {"$or": [{"c-count": [{"numeric": [">", 0, "<=", 5]}]}, {"d-count": [{"numeric": ["<", 10]}]}]}}`, true},
		{`{"detail": {"$or": [{"c-count": [{"numeric": [">", 5]}]}, {"d-count": [{"numeric": ["<", 1]}]}]}}`, false},
		{`{"source": ["aws.ec2"], "$or": [{"region": ["us-east-1"]}, {"detail": {"state": ["terminated"]}}]}`, true},
		// Arrays: any element.
		{`{"resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f", "arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"]}`, true},
		{`{"detail": {"tags": ["green"]}}`, true},
		{`{"detail": {"tags": ["red"]}}`, false},
		{`{"detail": {"tags": [{"anything-but": "blue"}]}}`, true}, // "green" is not blue
		{`{"detail": {"users": {"name": ["Peter"]}}}`, true},
		{`{"detail": {"users": {"name": ["Anna"], "id": [2]}}}`, true}, // not array-consistent; see the package doc
		// The complex example.
		{`{"time": [{"prefix": "2017-10-02"}], "detail": {"state": [{"anything-but": "initializing"}], "c-count": [{"numeric": [">", 0, "<=", 5]}], "d-count": [{"numeric": ["<", 10]}], "x-limit": [{"anything-but": [100, 200, 300]}]}}`, true},
		// Exact values.
		{`{"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]}`, true},
		{`{"source": ["aws.EC2"]}`, false},
		{`{"detail": {"state": ["terminated", "stopped"]}}`, true},
		{`{"detail": {"state": [null]}}`, false},
	} {
		p, err := Compile(c.pattern)
		if err != nil {
			t.Errorf("%s: %v", c.pattern, err)
			continue
		}
		var e Event
		if err := e.SetJSON([]byte(docEvent)); err != nil {
			t.Fatal(err)
		}
		if got := p.MatchEvent(&e); got != c.want {
			t.Errorf("%s: got %v, want %v", c.pattern, got, c.want)
		}
		x := p.Explain(&e)
		if x.Matched != c.want || x.Reason == "" || len(x.Fields) == 0 {
			t.Errorf("%s: explanation %+v", c.pattern, x)
		}
	}
}

func TestNullsAndBooleans(t *testing.T) {
	var e Event
	if err := e.SetJSON([]byte(`{"a": null, "b": true, "c": [], "d": "", "e": {"f": false}}`)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		pattern string
		want    bool
	}{
		{`{"a": [null]}`, true}, {`{"a": [{"exists": true}]}`, true}, {`{"a": [{"anything-but": "x"}]}`, false},
		{`{"b": [true]}`, true}, {`{"b": [false]}`, false}, {`{"b": ["true"]}`, false},
		{`{"c": [{"exists": false}]}`, true}, {`{"c": [{"exists": true}]}`, false},
		{`{"d": [""]}`, true}, {`{"d": [{"prefix": ""}]}`, true},
		{`{"e": {"f": [false]}}`, true},
		{`{"zz": [{"exists": false}], "b": [true]}`, true},
	} {
		p, err := Compile(c.pattern)
		if err != nil {
			t.Fatalf("%s: %v", c.pattern, err)
		}
		if got := p.MatchEvent(&e); got != c.want {
			t.Errorf("%s: got %v, want %v", c.pattern, got, c.want)
		}
	}
}

func TestSyntaxErrors(t *testing.T) {
	for _, c := range []struct {
		pattern string
		offset  int
	}{
		{`[]`, 0},
		{`{}`, 0},
		{`{"a": 1}`, 6},
		{`{"a": []}`, 6},
		{`{"a": {}}`, 6},
		{`{"a": [[1]]}`, 7},
		{`{"a": [{"prefix": 1}]}`, 18},
		{`{"a": [{"nope": 1}]}`, 16},
		{`{"a": [{"prefix": "x", "suffix": "y"}]}`, 7},
		{`{"a": [{"numeric": [">", 5, "<", 1]}]}`, 19},
		{`{"a": [{"numeric": ["=", 5, "<", 1]}]}`, 20},
		{`{"a": [{"numeric": [">", "5"]}]}`, 20},
		{`{"a": [{"numeric": ["!", 5]}]}`, 20},
		{`{"a": [{"exists": "yes"}]}`, 18},
		{`{"a": [{"cidr": "10.0.0.0/33"}]}`, 16},
		{`{"a": [{"wildcard": "a**b"}]}`, 20},
		{`{"a": [{"wildcard": "a\\xb"}]}`, 20},
		{`{"a": [{"anything-but": ["x", 1]}]}`, 30},
		{`{"a": [{"anything-but": {"numeric": [">", 1]}}]}`, 36},
		{`{"a": [{"anything-but": {"anything-but": "x"}}]}`, 41},
		{`{"a": [{"anything-but": null}]}`, 24},
		{`{"$or": {"a": ["x"]}}`, 8},
		{`{"$or": [1]}`, 9},
		{`{"a": ["x"]`, 11},
	} {
		_, err := Compile(c.pattern)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%s: error %v", c.pattern, err)
			continue
		}
		if se.Offset != c.offset {
			t.Errorf("%s: offset %d (%s), want %d", c.pattern, se.Offset, se.Msg, c.offset)
		}
	}
	var se *SyntaxError
	if _, err := Compile(`{"a":["` + strings.Repeat("x", 4096) + `"]}`); !errors.As(err, &se) || se.Offset != 4096 {
		t.Error("long pattern accepted")
	}
	deep := `{"a":["x"]}`
	for range maxOrDepth + 1 {
		deep = `{"$or":[` + deep + `]}`
	}
	if _, err := Compile(deep); !errors.As(err, &se) {
		t.Error("deep $or accepted")
	}
}

func TestParseAddr(t *testing.T) {
	for _, s := range []string{
		"10.0.0.1", "255.255.255.255", "0.0.0.0", "::", "::1", "1::", "2001:db8::8a2e:370:7334",
		"2001:0db8:0000:0000:0000:ff00:0042:8329", "::ffff:10.1.2.3", "1:2:3:4:5:6:7:8", "fe80::1:2",
		"1.2.3", "1.2.3.4.5", "01.2.3.4", "256.1.1.1", "1::2::3", ":::", "1:2:3:4:5:6:7:8:9", "12345::",
		"1:2:3:4:5:6:7::", "::1.2.3.4", "1::2:3:4:5:6:7:8", "", "x", "1:2", "fe80::1%eth0", ":1::", "1:",
	} {
		checkAddr(t, s)
	}
}

func checkAddr(t *testing.T, s string) {
	want, err := netip.ParseAddr(s)
	got, ok := parseAddr([]byte(s))
	if want.Zone() != "" {
		err = errors.New("zone") // zones never appear in CloudTrail addresses; parseAddr refuses them
	}
	if ok != (err == nil) || (ok && got != want) {
		t.Errorf("%q: got %v %v, netip %v %v", s, got, ok, want, err)
	}
}

func FuzzParseAddr(f *testing.F) {
	for _, s := range []string{"10.0.0.1", "::ffff:1.2.3.4", "2001:db8::1", "1::2::3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkAddr(t, s) })
}

func apiCall() *event.Record {
	return event.Builder{}.APICall(event.Record{
		EventTime:          time.Date(2024, 3, 5, 9, 0, 0, 0, time.UTC),
		EventID:            "3b2c9c4e-0d5a-4b59-9c0e-5f3e6a7b8c9d",
		EventSource:        "iam.amazonaws.com",
		EventName:          "CreateAccessKey",
		AWSRegion:          "us-east-1",
		SourceIPAddress:    "198.51.100.7",
		UserIdentity:       &event.UserIdentity{Type: event.IdentityRoot, AccountID: "111122223333", ARN: "arn:aws:iam::111122223333:root"},
		RequestParameters:  []byte(`{"userName":"bob"}`),
		RecipientAccountID: "111122223333",
	})
}

func TestWrap(t *testing.T) {
	r := apiCall()
	env := Wrap(r)
	b := env.AppendJSON(nil)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	if m["detail-type"] != "AWS API Call via CloudTrail" || m["source"] != "aws.iam" || m["account"] != "111122223333" ||
		m["region"] != "us-east-1" || m["time"] != "2024-03-05T09:00:00Z" || m["version"] != "0" {
		t.Errorf("envelope %s", b)
	}
	if res, ok := m["resources"].([]any); !ok || len(res) != 0 {
		t.Errorf("resources %v", m["resources"])
	}
	if d := m["detail"].(map[string]any); d["eventName"] != "CreateAccessKey" {
		t.Errorf("detail %v", d)
	}
	// The pooled path writes the same bytes as Wrap.
	if got := string(appendRecord(nil, r)); got != string(b) {
		t.Errorf("appendRecord:\n%s\nWrap:\n%s", got, b)
	}
	if Wrap(r).ID != env.ID || len(env.ID) != 36 || env.ID[14] != '5' {
		t.Errorf("id %q", env.ID)
	}
	for _, c := range []struct {
		typ       event.EventType
		src       string
		dt, wantS string
	}{
		{event.AwsConsoleSignIn, "signin.amazonaws.com", "AWS Console Sign In via CloudTrail", "aws.signin"},
		{event.AwsServiceEvent, "kms.amazonaws.com", "AWS Service Event via CloudTrail", "aws.kms"},
		{event.AwsCloudTrailInsight, "", "AWS Insight via CloudTrail", "aws.cloudtrail"},
		{event.AwsConsoleAction, "s3.amazonaws.com", "AWS API Call via CloudTrail", "aws.s3"},
	} {
		x := *r
		x.EventType, x.EventSource = c.typ, c.src
		if e := Wrap(&x); e.DetailType != c.dt || e.Source != c.wantS {
			t.Errorf("%s: %q %q", c.typ, e.DetailType, e.Source)
		}
		if got, want := string(appendRecord(nil, &x)), string(func() []byte { e := Wrap(&x); return e.AppendJSON(nil) }()); got != want {
			t.Errorf("%s: appendRecord differs", c.typ)
		}
	}
}

func TestMatchRecord(t *testing.T) {
	r := apiCall()
	p := mustCompile(`{"source":["aws.iam"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventName":["CreateAccessKey","CreateUser"],"userIdentity":{"type":["Root"]},"sourceIPAddress":[{"cidr":"198.51.100.0/24"}],"requestParameters":{"userName":[{"prefix":"b"}]},"errorCode":[{"exists":false}]}}`)
	if !p.Match(r) {
		t.Fatalf("no match: %+v", explainRecord(p, r))
	}
	if n := testing.AllocsPerRun(200, func() { p.Match(r) }); n != 0 && !raceEnabled {
		t.Errorf("Match: %v allocations", n)
	}
	var e Event
	if err := e.SetRecord(r); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(200, func() { p.MatchEvent(&e) }); n != 0 {
		t.Errorf("MatchEvent: %v allocations", n)
	}
	q := mustCompile(`{"detail":{"userIdentity":{"type":["IAMUser"]},"eventName":["CreateAccessKey"]}}`)
	x := explainRecord(q, r)
	if x.Matched || x.Reason != `detail.userIdentity.type = "Root" does not match ["IAMUser"]` {
		t.Errorf("explanation %+v", x)
	}
	if len(x.Fields) != 2 || !x.Fields[1].Matched || x.Fields[1].Values[0] != `"CreateAccessKey"` {
		t.Errorf("fields %+v", x.Fields)
	}
}

func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		`{"a":["x",1,null,true]}`, `{"a":{"b":[{"prefix":"x"},{"suffix":{"equals-ignore-case":"Y"}}]}}`,
		`{"$or":[{"a":[{"numeric":[">",0,"<=",5]}]},{"b":[{"cidr":"10.0.0.0/8"}]}]}`,
		`{"a":[{"anything-but":{"wildcard":["*x*","y\\*"]}}],"b":[{"exists":false}]}`,
	} {
		f.Add(s, `{"a":["x",{"b":"Yy"}],"b":"10.1.2.3"}`)
	}
	f.Fuzz(func(t *testing.T, src, ev string) {
		p, err := Compile(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(src) {
				t.Fatalf("%q: bad error %v", src, err)
			}
			return
		}
		var e Event
		if e.SetJSON([]byte(ev)) == nil {
			if p.MatchEvent(&e) != p.Explain(&e).Matched {
				t.Fatal("Explain disagrees with MatchEvent")
			}
		}
	})
}

// mustCompile compiles a pattern of a test, which is valid.
func mustCompile(src string) *Pattern {
	p, err := Compile(src)
	if err != nil {
		panic(err)
	}
	return p
}

// explainRecord is Explain on the envelope of r.
func explainRecord(p *Pattern, r *event.Record) Explanation {
	var e Event
	if err := e.SetRecord(r); err != nil {
		return Explanation{Reason: err.Error()}
	}
	return p.Explain(&e)
}
