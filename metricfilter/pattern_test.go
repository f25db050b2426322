package metricfilter

import (
	"errors"
	"testing"
	"time"

	"github.com/trailkit/trailkit/event"
)

// docEvent is the example log event of the CloudWatch Logs User Guide's
// "Using filter patterns to match terms in JSON log events".
const docEvent = `{
  "eventType": "UpdateTrail",
  "sourceIPAddress": "111.111.111.111",
  "arrayKey": [
        "value",
        "another value"
  ],
  "objectList": [
       {
         "name": "a",
         "id": 1
       },
       {
         "name": "b",
         "id": 2
       }
  ],
  "SomeObject": null,
  "cases": {
      "caseId": "41",
      "case": true
  },
  "ThisFlag": true
}`

// docEventOld is the example log event of the guide's earlier "Using metric
// filters to match terms in JSON log events" (compound conditions).
const docEventOld = `{
  "user": {
      "id": 1,
      "email": "John.Stiles@example.com"
  },
  "users": [
      {
       "id": 2,
       "email": "John.Doe@example.com"
      },
      {
       "id": 3,
       "email": "Max.Muster@example.com"
      }
  ],
  "actions": [
      "GET",
      "PUT",
      "DELETE"
  ],
  "coordinates": [
      [0, 1, 2],
      [4, 5, 6],
      [7, 8, 9]
  ]
}`

func TestDocumentationExamples(t *testing.T) {
	for _, c := range []struct {
		event, pattern string
		want           bool
	}{
		// The guide's examples, each documented as matching the event.
		{docEvent, `{ $.eventType = "UpdateTrail" }`, true},
		{docEvent, `{ $.sourceIPAddress != 123.123.* }`, true},
		{docEvent, `{ $.arrayKey[0] = "value" }`, true},
		{docEvent, `{ $.objectList[1].id = 2 }`, true},
		{docEvent, `{ $.SomeObject IS NULL }`, true},
		{docEvent, `{ $.SomeOtherObject NOT EXISTS }`, true},
		{docEvent, `{ $.ThisFlag IS TRUE }`, true},
		{docEvent, `{ ($.eventType = "UpdateTrail") && ($.sourceIPAddress != 123.123.*) }`, true},
		{docEvent, `{ $.eventType = "UpdateTrail" || $.sourceIPAddress = 123.123.* }`, true},
		{docEvent, `{ $.cases.case IS TRUE }`, true},
		// Their negations, which must not match.
		{docEvent, `{ $.eventType = "CreateTrail" }`, false},
		{docEvent, `{ $.sourceIPAddress = 123.123.* }`, false},
		{docEvent, `{ $.sourceIPAddress = 111.111.* }`, true},
		{docEvent, `{ $.arrayKey[1] = "value" }`, false},
		{docEvent, `{ $.arrayKey[2] NOT EXISTS }`, true},
		{docEvent, `{ $.objectList[1].id = 1 }`, false},
		{docEvent, `{ $.ThisFlag IS NULL }`, false},
		{docEvent, `{ $.SomeObject NOT EXISTS }`, false},
		{docEvent, `{ $.ThisFlag IS FALSE }`, false},
		{docEvent, `{ $.cases.caseId = 41 }`, true}, // numeric text against a string: compared as text
		// The earlier guide's compound examples, with its stated outcomes.
		{docEventOld, `{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }`, true},
		{docEventOld, `{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }`, false},
		{docEventOld, `{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }`, true},
		{docEventOld, `{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }`, false},
		{docEventOld, `{ $.coordinates[0][1] = 1 }`, true},
		{docEventOld, `{ $.users[1].id >= 3 && $.users[1].id < 4 }`, true},
		{docEventOld, `{ $.users[1].id > 3 }`, false},
		{docEventOld, `{ $.users[1].id <= 2.5 }`, false},
		{docEventOld, `{ $.users[*].id = 2 }`, false}, // not a selector; see TestSyntaxErrors
	} {
		p, err := Compile(c.pattern)
		if c.pattern == `{ $.users[*].id = 2 }` {
			if err == nil {
				t.Errorf("%s compiled", c.pattern)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.pattern, err)
			continue
		}
		var e LogEvent
		if err := e.SetMessage([]byte(c.event)); err != nil {
			t.Fatal(err)
		}
		if got := p.MatchEvent(&e); got != c.want {
			t.Errorf("%s: got %v, want %v", c.pattern, got, c.want)
		}
	}
}

func TestOperators(t *testing.T) {
	const ev = `{"s":"AccessDenied","u":"Client.UnauthorizedOperation","n":5,"f":-2.5e1,"b":false,"z":null,"o":{"k":"v"},"a":[1,"x"],"e":"a\"b*c","q":"x y"}`
	for _, c := range []struct {
		pattern string
		want    bool
	}{
		{`{$.s="AccessDenied"}`, true},
		{`{$.s=AccessDenied}`, true},
		{`{$.s=accessdenied}`, false}, // case-sensitive
		{`{$.s=Access*}`, true},
		{`{$.s=*Denied}`, true},
		{`{$.s=*cess*nie*}`, true},
		{`{$.s=*cess*xx*}`, false},
		{`{$.s="AccessDenied*"}`, true},
		{`{$.u="*UnauthorizedOperation"}`, true},
		{`{$.u="*UnauthorizedOperation*"}`, true},
		{`{$.s!="AccessDenied*"}`, false},
		{`{$.s!=Foo}`, true},
		{`{$.missing!=Foo}`, false},
		{`{$.missing=*}`, false},
		{`{$.s=*}`, true},
		{`{$.n=*}`, true},
		{`{$.z=*}`, false},
		{`{$.n=5}`, true},
		{`{$.n=5.0}`, true},
		{`{$.n=5e0}`, true},
		{`{$.n!=5}`, false},
		{`{$.n!=6}`, true},
		{`{$.n>4.9}`, true},
		{`{$.n>=5}`, true},
		{`{$.n<5}`, false},
		{`{$.n<=5}`, true},
		{`{$.f<-24}`, true},
		{`{$.f=-25}`, true},
		{`{$.s>1}`, false},
		{`{$.b IS FALSE}`, true},
		{`{$.b IS TRUE}`, false},
		{`{$.b=false}`, true},
		{`{$.z IS NULL}`, true},
		{`{$.z=null}`, false},
		{`{$.o=*}`, false},
		{`{$.o.k=v}`, true},
		{`{$.o.k.x NOT EXISTS}`, true},
		{`{$.a[0]=1}`, true},
		{`{$.a[1]=x}`, true},
		{`{$.a=x}`, false},       // no index: the array itself
		{`{$.e="a\"b*c"}`, true}, // * is a wildcard even in quotes, matching "*" too
		{`{$.e="a\"b*"}`, true},
		{`{$.e="a\"b"}`, false},
		{`{$.q="x y"}`, true},
		// Regular expressions (%…%), found anywhere in the value.
		{`{$.s=%^Access%}`, true},
		{`{$.s=%Denied$%}`, true},
		{`{$.s=%^Denied%}`, false},
		{`{$.s!=%^Denied%}`, true},
		{`{$.u=%Unauthori[sz]ed%}`, true},
		{`{$.n=%^[0-9]+$%}`, true},
		{`{$.missing!=%x%}`, false},
		{`{$.s=%^A.*d$% && $.u=%Client\.%}`, true},
		{`{$.s=AccessDenied&&$.n=5}`, true},
		{`{$.s=AccessDenied&&$.n=6||$.b IS FALSE}`, true},
		{`{$.s=AccessDenied&&($.n=6||$.b IS TRUE)}`, false},
		{`{(($.n=5))}`, true},
		{"", true},
		{"   ", true},
	} {
		p, err := Compile(c.pattern)
		if err != nil {
			t.Errorf("%s: %v", c.pattern, err)
			continue
		}
		var e LogEvent
		if err := e.SetMessage([]byte(ev)); err != nil {
			t.Fatal(err)
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
		{`ERROR`, 0},
		{`{`, 1},
		{`{ }`, 2},
		{`{ $.a }`, 6},
		{`{ $.a = }`, 8},
		{`{ $ = 1 }`, 3},
		{`{ $. = 1 }`, 4},
		{`{ $.a[x] = 1 }`, 6},
		{`{ $.a[1 = 1 }`, 7},
		{`{ $.a > x }`, 8},
		{`{ $.a = "x }`, 8},
		{`{ $.a = 1 } x`, 12},
		{`{ ($.a = 1 }`, 11},
		{`{ $.a = 1 && }`, 13},
		{`{ $.a = %a(b)% }`, 10},
		{`{ $.a = %ab }`, 8},
		{`{ $.a = %% }`, 8},
		{`{ $.a > %1% }`, 8},
		{`{ $.a = %é% }`, 9},
		{`{ $.a = %a% || $.b = %b% || $.c = %c% }`, 34},
		{`{ $.a = %a{2,1}% }`, 9},
		{`{ $.a IS NULLX }`, 13},
		{`{ $.a is null }`, 6},
		{`{ $.users[*].id = 2 }`, 10},
	} {
		_, err := Compile(c.pattern)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%s: error %v", c.pattern, err)
			continue
		}
		if se.Offset != c.offset || se.Pattern != c.pattern {
			t.Errorf("%s: offset %d (%s), want %d", c.pattern, se.Offset, se.Msg, c.offset)
		}
	}
	long := "{ $.a = \"" + string(make([]byte, maxPatternLen)) + "\" }"
	var se *SyntaxError
	if _, err := Compile(long); !errors.As(err, &se) || se.Offset != 1024 {
		t.Errorf("long pattern: %v", err)
	}
}

func TestMetricValue(t *testing.T) {
	var e LogEvent
	if err := e.SetMessage([]byte(`{"latency": 12.5, "s": "12", "a": [{"b": 3}]}`)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		src  string
		want float64
		ok   bool
	}{
		{"1", 1, true}, {"", 1, true}, {"2.5", 2.5, true}, {"$.latency", 12.5, true},
		{"$.s", 0, false}, {"$.missing", 0, false}, {"$.a[0].b", 3, true},
	} {
		var v MetricValue
		if c.src != "" {
			var err error
			if v, err = ParseMetricValue(c.src); err != nil {
				t.Fatalf("%q: %v", c.src, err)
			}
		}
		got, ok := v.Value(&e)
		if got != c.want || ok != c.ok {
			t.Errorf("%q: %v %v, want %v %v", c.src, got, ok, c.want, c.ok)
		}
	}
	for _, bad := range []string{"x", "$", "$.a b", "1x", "NaN"} {
		var se *SyntaxError
		if _, err := ParseMetricValue(bad); !errors.As(err, &se) || se.Pattern != bad {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func consoleLogin() *event.Record {
	r := event.Builder{}.ConsoleSignIn(event.Record{
		EventTime:           time.Date(2024, 3, 5, 9, 0, 0, 0, time.UTC),
		EventName:           "ConsoleLogin",
		AWSRegion:           "us-east-1",
		SourceIPAddress:     "203.0.113.9",
		UserIdentity:        &event.UserIdentity{Type: event.IdentityIAMUser, AccountID: "111122223333", UserName: "alice", ARN: "arn:aws:iam::111122223333:user/alice"},
		ResponseElements:    []byte(`{"ConsoleLogin":"Success"}`),
		AdditionalEventData: []byte(`{"LoginTo":"https://console.aws.amazon.com/","MobileVersion":"No","MFAUsed":"No"}`),
		Resources:           []event.Resource{{ARN: "arn:aws:iam::111122223333:user/alice", Type: "AWS::IAM::User"}},
	})
	return r
}

func TestMatchRecord(t *testing.T) {
	r := consoleLogin()
	for _, c := range []struct {
		pattern string
		want    bool
	}{
		{`{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }`, true},
		{`{ $.userIdentity.type = "IAMUser" && $.responseElements.ConsoleLogin = "Success" }`, true},
		{`{ $.resources[0].ARN = "arn:aws:iam::*:user/alice" }`, true},
		{`{ $.resources[1].ARN EXISTS }`, false},
		{`{ $.errorCode NOT EXISTS }`, true},
		{`{ $.eventTime = "2024-03-05T09:00:00Z" }`, true},
	} {
		p, err := Compile(c.pattern)
		if err != nil {
			if c.want {
				t.Errorf("%s: %v", c.pattern, err)
			}
			continue
		}
		if got := p.Match(r); got != c.want {
			t.Errorf("%s: got %v", c.pattern, got)
		}
	}
}

func TestMatchAllocs(t *testing.T) {
	r := consoleLogin()
	p := mustCompile(`{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && $.resources[0].ARN = "*alice" && $.sourceIPAddress = %^203\.0\.113\.[0-9]+$% }`)
	if !p.Match(r) {
		t.Fatal("no match")
	}
	if n := testing.AllocsPerRun(200, func() { p.Match(r) }); n != 0 && !raceEnabled {
		t.Errorf("Match: %v allocations", n)
	}
	var e LogEvent
	if err := e.setRecord(r); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(200, func() { p.MatchEvent(&e) }); n != 0 {
		t.Errorf("MatchEvent: %v allocations", n)
	}
}

func FuzzCompile(f *testing.F) {
	for _, s := range []string{`{ $.a = "x" }`, `{ ($.a[0].b != 1.5e3) || $.c IS NULL && $.d NOT EXISTS }`, `{ $.a = *x* }`, `{$.a>=-1}`, ``, `{ $.a IS TRUE }`} {
		f.Add(s, `{"a":[{"b":1500}],"c":null}`)
	}
	f.Fuzz(func(t *testing.T, src, msg string) {
		p, err := Compile(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(src) {
				t.Fatalf("%q: bad error %v", src, err)
			}
			return
		}
		var e LogEvent
		if e.SetMessage([]byte(msg)) == nil {
			p.MatchEvent(&e)
		}
		// A compiled pattern recompiles from its text.
		if _, err := Compile(p.String()); err != nil {
			t.Fatal(err)
		}
	})
}
