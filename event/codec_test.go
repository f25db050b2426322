package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// decodeOK decodes s or fails the test.
func decodeOK(t *testing.T, s string) *Record {
	t.Helper()
	var r Record
	if err := Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("Unmarshal(%s): %v", s, err)
	}
	return &r
}

// roundTrip checks that r encodes to want and that want decodes back to a
// record that encodes to the same bytes.
func roundTrip(t *testing.T, r *Record, want string) {
	t.Helper()
	got := string(r.AppendJSON(nil))
	if got != want {
		t.Fatalf("AppendJSON:\n got %s\nwant %s", got, want)
	}
	back := decodeOK(t, got)
	if again := string(back.AppendJSON(nil)); again != got {
		t.Fatalf("re-encoding changed the bytes:\n got %s\nwant %s", again, got)
	}
}

func TestDecodePresence(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		check func(t *testing.T, r *Record)
		out   string // re-encoded; "" means same as in
	}{
		{
			name: "null raw kept distinct from absent",
			in:   `{"requestParameters":null}`,
			check: func(t *testing.T, r *Record) {
				if string(r.RequestParameters) != "null" || r.ResponseElements != nil {
					t.Errorf("RequestParameters=%q ResponseElements=%v", r.RequestParameters, r.ResponseElements)
				}
			},
		},
		{
			name: "raw kept byte for byte, whitespace inside included",
			in:   `{"requestParameters":{"a" : [1, 2.50, 1E3, "\u00e9\/"]}}`,
			check: func(t *testing.T, r *Record) {
				if string(r.RequestParameters) != `{"a" : [1, 2.50, 1E3, "\u00e9\/"]}` {
					t.Errorf("RequestParameters=%s", r.RequestParameters)
				}
			},
		},
		{
			name: "empty string of a typed field goes to Unknown",
			in:   `{"errorCode":"","eventName":"X"}`,
			check: func(t *testing.T, r *Record) {
				if r.ErrorCode != "" || len(r.Unknown) != 1 || r.Unknown[0].Key != "errorCode" || string(r.Unknown[0].Value) != `""` {
					t.Errorf("ErrorCode=%q Unknown=%v", r.ErrorCode, r.Unknown)
				}
			},
		},
		{
			name: "wrong JSON types go to Unknown in input order",
			in:   `{"readOnly":"true","resources":null,"eventTime":1700000000,"userIdentity":"x","eventVersion":1.08}`,
			check: func(t *testing.T, r *Record) {
				if r.ReadOnly != nil || r.Resources != nil || !r.EventTime.IsZero() || r.UserIdentity != nil || r.EventVersion != "" {
					t.Errorf("typed fields set: %+v", r)
				}
				var keys []string
				for _, m := range r.Unknown {
					keys = append(keys, m.Key)
				}
				if strings.Join(keys, ",") != "readOnly,resources,eventTime,userIdentity,eventVersion" {
					t.Errorf("Unknown keys %v", keys)
				}
			},
		},
		{
			name: "keys are case-sensitive",
			in:   `{"resources":[{"accountid":"1","ARN":"a","arn":"b"}]}`,
			check: func(t *testing.T, r *Record) {
				res := r.Resources[0]
				if res.AccountID != "" || res.ARN != "a" || len(res.Unknown) != 2 {
					t.Errorf("resource %+v", res)
				}
			},
		},
		{
			name: "resources with a non-object element stay whole in Unknown",
			in:   `{"resources":[{"ARN":"a"},"b"]}`,
			check: func(t *testing.T, r *Record) {
				if r.Resources != nil || string(r.Unknown[0].Value) != `[{"ARN":"a"},"b"]` {
					t.Errorf("Resources=%v Unknown=%v", r.Resources, r.Unknown)
				}
			},
		},
		{
			name: "empty arrays and objects are not absent",
			in:   `{"userIdentity":{"sessionContext":{"sessionIssuer":{},"webIdFederationData":{}}},"resources":[]}`,
			check: func(t *testing.T, r *Record) {
				if r.Resources == nil || len(r.Resources) != 0 || r.UserIdentity.SessionContext.SessionIssuer == nil {
					t.Errorf("%+v", r)
				}
			},
		},
		{
			name: "unknown members at every level",
			in:   `{"userIdentity":{"x":1,"sessionContext":{"x":2,"attributes":{"x":3}}},"tlsDetails":{"x":4},"insightDetails":{"x":5,"insightContext":{"statistics":{"baseline":{"average":1,"x":6},"x":7},"x":8}},"x":9}`,
			check: func(t *testing.T, r *Record) {
				if r.UserIdentity.SessionContext.Attributes.Unknown[0].Key != "x" ||
					string(r.InsightDetails.InsightContext.Statistics.Baseline.Unknown[0].Value) != "6" {
					t.Errorf("%+v", r)
				}
			},
		},
		{
			name: "escaped keys match typed fields",
			in:   `{"event\u004eame":"A","\u0065ventSource":"s"}`,
			out:  `{"eventName":"A","eventSource":"s"}`, // member order kept
			check: func(t *testing.T, r *Record) {
				if r.EventName != "A" || r.EventSource != "s" || r.Unknown != nil {
					t.Errorf("%+v", r)
				}
			},
		},
		{
			name: "string escapes, invalid UTF-8 and lone surrogates",
			in:   "{\"userAgent\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\\ud800x\xff\"}",
			out:  `{"userAgent":"a\"b\\c/d\b\f\n\r\té😀` + "\ufffd" + `x` + "\ufffd" + `"}`,
			check: func(t *testing.T, r *Record) {
				if r.UserAgent != "a\"b\\c/d\b\f\n\r\té😀\ufffdx\ufffd" {
					t.Errorf("UserAgent=%q", r.UserAgent)
				}
			},
		},
		{
			name: "unparseable eventTime kept as a string",
			in:   `{"eventTime":"redacted"}`,
			check: func(t *testing.T, r *Record) {
				if !r.EventTime.IsZero() || string(r.Unknown[0].Value) != `"redacted"` {
					t.Errorf("%+v", r)
				}
			},
		},
		{
			name: "eventTime as RFC 3339 with offset and fraction, converted to UTC",
			in:   `{"eventTime":"2024-03-05T10:16:03.250+01:00"}`,
			out:  `{"eventTime":"2024-03-05T09:16:03.25Z"}`,
			check: func(t *testing.T, r *Record) {
				want := time.Date(2024, 3, 5, 9, 16, 3, 250e6, time.UTC)
				if !r.EventTime.Equal(want) || r.EventTime.Location() != time.UTC {
					t.Errorf("EventTime=%v", r.EventTime)
				}
			},
		},
		{
			name: "the zero instant is not a time: kept in Unknown",
			in:   `{"eventTime":"0001-01-01T00:00:00Z"}`,
			check: func(t *testing.T, r *Record) {
				if !r.EventTime.IsZero() || len(r.Unknown) != 1 {
					t.Errorf("%+v", r)
				}
			},
		},
		{
			name: "invalid calendar date kept in Unknown",
			in:   `{"eventTime":"2023-02-29T00:00:00Z"}`,
			check: func(t *testing.T, r *Record) {
				if !r.EventTime.IsZero() || len(r.Unknown) != 1 {
					t.Errorf("%+v", r)
				}
			},
		},
		{
			name: "averages keep their text",
			in:   `{"insightDetails":{"insightContext":{"statistics":{"baseline":{"average":8.82145e-05},"insight":{"average":2.0}},"attributions":[{"insight":[{"value":"null","average":0.0}]}]}}}`,
			check: func(t *testing.T, r *Record) {
				s := r.InsightDetails.InsightContext.Statistics
				if s.Baseline.Average != 8.82145e-05 || s.Insight.Average != 2 {
					t.Errorf("%+v %+v", s.Baseline, s.Insight)
				}
			},
		},
		{
			name: "durations must be canonical integers",
			in:   `{"insightDetails":{"insightContext":{"statistics":{"insightDuration":5.0,"baselineDuration":-0}}}}`,
			check: func(t *testing.T, r *Record) {
				s := r.InsightDetails.InsightContext.Statistics
				if s.InsightDuration != nil || s.BaselineDuration != nil || len(s.Unknown) != 2 {
					t.Errorf("%+v", s)
				}
			},
		},
		{
			name: "average out of float64 range kept verbatim",
			in:   `{"insightDetails":{"insightContext":{"statistics":{"baseline":{"average":1e400}}}}}`,
			check: func(t *testing.T, r *Record) {
				b := r.InsightDetails.InsightContext.Statistics.Baseline
				if b.Average != 0 || string(b.Unknown[0].Value) != "1e400" {
					t.Errorf("%+v", b)
				}
			},
		},
		{
			name: "whitespace around tokens",
			in:   " \t\n{ \"eventName\" :\r\n \"A\" , \"readOnly\" : true } \n",
			out:  `{"eventName":"A","readOnly":true}`,
			check: func(t *testing.T, r *Record) {
				if r.EventName != "A" || r.ReadOnly == nil || !*r.ReadOnly {
					t.Errorf("%+v", r)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := decodeOK(t, tt.in)
			tt.check(t, r)
			want := tt.out
			if want == "" {
				want = tt.in
			}
			roundTrip(t, r, want)
		})
	}
}

func TestDecodeDuplicateKeysLastWins(t *testing.T) {
	tests := []struct{ in, out string }{
		{`{"eventName":"A","eventName":"B"}`, `{"eventName":"B"}`},
		{`{"eventName":"A","eventName":1}`, `{"eventName":1}`},
		{`{"eventName":1,"eventName":"A"}`, `{"eventName":"A"}`},
		{`{"eventName":1,"x":0,"eventName":2,"eventName":"A","x":3}`, `{"eventName":"A","x":3}`},
		{`{"x":1,"y":2,"x":3}`, `{"y":2,"x":3}`},
		{`{"readOnly":true,"readOnly":"no"}`, `{"readOnly":"no"}`},
		{`{"userIdentity":{"type":"Root"},"userIdentity":{"type":"IAMUser"}}`, `{"userIdentity":{"type":"IAMUser"}}`},
		{`{"insightDetails":{"insightContext":{"statistics":{"baseline":{"average":"x","average":0}}}}}`,
			`{"insightDetails":{"insightContext":{"statistics":{"baseline":{"average":0}}}}}`},
	}
	for _, tt := range tests {
		r := decodeOK(t, tt.in)
		if got := string(r.AppendJSON(nil)); got != tt.out {
			t.Errorf("%s:\n got %s\nwant %s", tt.in, got, tt.out)
		}
	}
	// Many distinct unknown keys with repeats (the map path of the dedupe).
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < 40; i++ {
		b.WriteString(`"k` + string(rune('a'+i%20)) + `":` + string(rune('0'+i/20)) + `,`)
	}
	b.WriteString(`"end":true}`)
	r := decodeOK(t, b.String())
	if len(r.Unknown) != 21 || string(r.Unknown[0].Value) != "1" || r.Unknown[0].Key != "ka" || r.Unknown[20].Key != "end" {
		t.Errorf("Unknown after dedupe: %v", r.Unknown)
	}
}

func TestDecodeSyntaxErrors(t *testing.T) {
	tests := []struct {
		in     string
		offset int64
	}{
		{``, 0},
		{`   `, 3},
		{`null`, 0},
		{`[]`, 0},
		{`"x"`, 0},
		{`{`, 1},
		{`{"a"`, 4},
		{`{"a":`, 5},
		{`{"a":1`, 6},
		{`{"a":1,}`, 7},
		{`{,}`, 1},
		{`{"a" 1}`, 5},
		{`{"a":1 "b":2}`, 7},
		{`{a:1}`, 1},
		{`{"a":tru}`, 8},
		{`{"a":nul}`, 8},
		{`{"a":-}`, 6},
		{`{"a":01}`, 6},
		{`{"a":1.}`, 7},
		{`{"a":.5}`, 5},
		{`{"a":1e}`, 7},
		{`{"a":+1}`, 5},
		{`{"a":"\x"}`, 7},
		{`{"a":"\u12G4"}`, 8},
		{"{\"a\":\"\x01\"}", 6},
		{"{\"eventName\":\"a\nb\"}", 15},
		{`{"a":"abc`, 9},
		{`{"a":[1,]}`, 8},
		{`{"a":[1 2]}`, 8},
		{`{"a":{"b":1,}}`, 12},
		{`{"a":1}}`, 7},
		{`{"a":1} x`, 8},
		{`{"a":1}{}`, 7},
		{`{"resources":[{"ARN":"a"},]}`, 26},
		{`{"resources":[{"ARN":"a"}`, 25},
		{`{"userIdentity":{"type":"x",}}`, 28},
		{`{"eventTime":"2024-01-01T00:00:00Z`, 34},
		{`{"readOnly":tru}`, 15},
		{`{"insightDetails":{"insightContext":{"statistics":{"baseline":{"average":1.e3}}}}}`, 75},
		{"\xef\xbb\xbf{}", 0}, // a byte-order mark is not JSON whitespace
	}
	for _, tt := range tests {
		before := Record{EventName: "unchanged"}
		r := before
		err := Unmarshal([]byte(tt.in), &r)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Unmarshal(%q) = %v, want a *SyntaxError", tt.in, err)
			continue
		}
		if se.Offset != tt.offset {
			t.Errorf("Unmarshal(%q): offset %d, want %d (%v)", tt.in, se.Offset, tt.offset, err)
		}
		if !reflect.DeepEqual(r, before) {
			t.Errorf("Unmarshal(%q) modified the record on error", tt.in)
		}
		// encoding/json agrees that the input is not a valid object.
		if json.Valid([]byte(tt.in)) && strings.HasPrefix(strings.TrimSpace(tt.in), "{") {
			t.Errorf("encoding/json accepts %q", tt.in)
		}
	}
}

func TestDecodeDepthLimit(t *testing.T) {
	deep := func(n int) []byte {
		return []byte(`{"requestParameters":` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}`)
	}
	var r Record
	if err := Unmarshal(deep(9998), &r); err != nil {
		t.Fatalf("depth 9999: %v", err)
	}
	err := Unmarshal(deep(10000), &r)
	var se *SyntaxError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "max depth") {
		t.Fatalf("depth 10001: %v", err)
	}
	// Deep typed nesting via unknown members too.
	obj := []byte(`{"userIdentity":{"x":` + strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20000) + `}}`)
	if err := Unmarshal(obj, &r); !errors.As(err, &se) {
		t.Fatalf("deep object: %v", err)
	}
}

func TestUnmarshalJSONNull(t *testing.T) {
	r := Record{EventName: "kept"}
	if err := json.Unmarshal([]byte(`null`), &r); err != nil || r.EventName != "kept" {
		t.Fatalf("null: %v %+v", err, r)
	}
	var p *Record
	if err := json.Unmarshal([]byte(`{"eventName":"A"}`), &p); err != nil || p.EventName != "A" {
		t.Fatalf("through a nil pointer: %v %+v", err, p)
	}
	var s []Record
	if err := json.Unmarshal([]byte(`[{"eventName":"A"},{"eventName":"B"}]`), &s); err != nil || len(s) != 2 || s[1].EventName != "B" {
		t.Fatalf("slice: %v %+v", err, s)
	}
	var bad Record
	err := json.Unmarshal([]byte(`{"eventName":1,}`), &bad)
	if err == nil {
		t.Fatal("json.Unmarshal accepted a trailing comma")
	}
}

func TestDecodeDoesNotAliasInput(t *testing.T) {
	in := []byte(`{"eventName":"Original","requestParameters":{"k":"v"},"zz":[1]}`)
	var r Record
	if err := Unmarshal(in, &r); err != nil {
		t.Fatal(err)
	}
	for i := range in {
		in[i] = 'X'
	}
	if r.EventName != "Original" || string(r.RequestParameters) != `{"k":"v"}` || string(r.Unknown[0].Value) != "[1]" {
		t.Fatalf("record changed with its input: %+v", r)
	}
	// Appending to a raw member must not overwrite its neighbours.
	r.RequestParameters = append(r.RequestParameters, "garbage"...)
	if r.EventName != "Original" || string(r.Unknown[0].Value) != "[1]" {
		t.Fatalf("appending to a raw member clobbered others: %+v", r)
	}
}

// TestDecodedRecordsAreIndependent: records decoded one after another
// share the decoder's arena; none may see another's bytes change, whatever
// the user does to the raw members, and strings taken through the
// unescaping path or too long for the arena are copies too.
func TestDecodedRecordsAreIndependent(t *testing.T) {
	long := strings.Repeat("x", 3*arenaChunk)
	inputs := []string{
		`{"eventName":"First","requestParameters":{"k":"v"},"zz":[1]}`,
		`{"eventName":"Sec\u006fnd","userAgent":"` + long + `","responseElements":{"a":"` + long + `"}}`,
		`{"eventName":"Third","errorMessage":"caf\u00e9","requestParameters":[3]}`,
	}
	var recs []Record
	for range 4 { // enough records to fill arena chunks
		for _, in := range inputs {
			b := []byte(in)
			var r Record
			if err := Unmarshal(b, &r); err != nil {
				t.Fatal(err)
			}
			for i := range b {
				b[i] = 'X'
			}
			recs = append(recs, r)
		}
	}
	for i := range recs {
		recs[i].RequestParameters = append(recs[i].RequestParameters, "garbage"...)
		if len(recs[i].ResponseElements) > 0 {
			recs[i].ResponseElements[0] = '!'
		}
	}
	for i, r := range recs {
		var want Record
		if err := Unmarshal([]byte(inputs[i%3]), &want); err != nil {
			t.Fatal(err)
		}
		want.RequestParameters = append(want.RequestParameters, "garbage"...)
		if len(want.ResponseElements) > 0 {
			want.ResponseElements[0] = '!'
		}
		if !reflect.DeepEqual(r, want) {
			t.Fatalf("record %d changed after others were decoded and modified: %q %q %q %q", i, r.EventName, r.RequestParameters, r.ErrorMessage, r.Unknown)
		}
	}
}

// TestDecodeAlternatingOrders decodes objects of one type whose member
// orders alternate, so that the decoder's key prediction and layout memo
// are wrong each time, and checks that each re-encodes byte for byte.
func TestDecodeAlternatingOrders(t *testing.T) {
	inputs := []string{
		`{"eventVersion":"1.05","userIdentity":{"type":"AssumedRole","sessionContext":{"attributes":{"mfaAuthenticated":"false","creationDate":"2017-01-01T00:00:00Z"}}},"eventName":"A","awsRegion":"us-east-1"}`,
		`{"awsRegion":"us-east-1","eventName":"A","userIdentity":{"sessionContext":{"attributes":{"creationDate":"2017-01-01T00:00:00Z","mfaAuthenticated":"false"}},"type":"AssumedRole"},"eventVersion":"1.05"}`,
		`{"eventVersion":"1.05","eventName":"A","x":"","awsRegion":"us-east-1"}`,
		`{"eventVersion":"1.05","eventName":"A","awsRegion":"us-east-1"}`,
		`{"eventVersion":"1.05","event\u004eame":"A","awsRegion":"us-east-1"}`,
	}
	for round := range 3 {
		for _, in := range inputs {
			var r Record
			if err := Unmarshal([]byte(in), &r); err != nil {
				t.Fatal(err)
			}
			want := in
			if strings.Contains(in, `\u004e`) {
				want = strings.Replace(in, `event\u004eame`, "eventName", 1)
			}
			if got := string(r.AppendJSON(nil)); got != want {
				t.Fatalf("round %d: %s\nre-encodes as\n%s", round, want, got)
			}
		}
	}
}

// TestDecodeConcurrently decodes the same inputs on several goroutines
// while others read the records already decoded (run with -race).
func TestDecodeConcurrently(t *testing.T) {
	in := []byte(`{"eventName":"Con\u0063urrent","userIdentity":{"type":"IAMUser","sessionContext":{"attributes":{"mfaAuthenticated":"false"}}},"requestParameters":{"k":"v"},"readOnly":true}`)
	var want Record
	if err := Unmarshal(in, &want); err != nil {
		t.Fatal(err)
	}
	out := make(chan Record, 64)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				var r Record
				if err := Unmarshal(in, &r); err != nil {
					t.Error(err)
					return
				}
				out <- r
			}
		}()
	}
	go func() { wg.Wait(); close(out) }()
	for r := range out {
		if !reflect.DeepEqual(r, want) {
			t.Fatalf("decoded %+v, want %+v", r, want)
		}
	}
}

// TestEncodeStringsLikeCloudTrail checks appendString against Gson's
// HTML-safe rules, one rule per case, as CloudTrail's writer applies them
// (see ../shared/cloudtrail-realdata/delivered/README.md).
func TestEncodeStringsLikeCloudTrail(t *testing.T) {
	rules := []struct{ name, in, want string }{
		{"apostrophe", "it's", `"it\u0027s"`},
		{"equals", "a=b", `"a\u003db"`},
		{"ampersand", "a&b", `"a\u0026b"`},
		{"less than", "<x", `"\u003cx"`},
		{"greater than", "x>", `"x\u003e"`},
		{"quote", `say "hi"`, `"say \"hi\""`},
		{"backslash", `C:\dir`, `"C:\\dir"`},
		{"newline", "a\nb", `"a\nb"`},
		{"carriage return", "a\rb", `"a\rb"`},
		{"tab", "a\tb", `"a\tb"`},
		{"backspace", "a\bb", `"a\bb"`},
		{"form feed", "a\fb", `"a\fb"`},
		{"other control, lowercase hex", "\x00\x1b\x1f", `"\u0000\u001b\u001f"`},
		{"line separator", "a\u2028b", `"a\u2028b"`},
		{"paragraph separator", "a\u2029b", `"a\u2029b"`},
		{"slash literal", "arn:aws:iam::1:user/x", `"arn:aws:iam::1:user/x"`},
		{"non-ASCII as UTF-8", "Ünïcödé 名前 😀", `"Ünïcödé 名前 😀"`},
		{"DEL literal", "\x7f", "\"\x7f\""},
		{"invalid UTF-8", "\xff", `"\ufffd"`},
		{"long run then escape", "abcdefghijklmnopqrstuvwxyz=", `"abcdefghijklmnopqrstuvwxyz\u003d"`},
		{"escape in the 8-byte tail", "abcdefghijk<", `"abcdefghijk\u003c"`},
	}
	for _, r := range rules {
		if got := string(appendString(nil, r.in)); got != r.want {
			t.Errorf("%s: appendString(%q) = %s, want %s", r.name, r.in, got, r.want)
		}
	}
}

// TestEncodeStringsAgainstEncodingJSON compares appendString with
// encoding/json in its HTML-escaping mode, which applies Gson's rules except
// for ' and = (left literal): every byte value, at every position of the
// eight-byte fast path.
func TestEncodeStringsAgainstEncodingJSON(t *testing.T) {
	inputs := []string{
		"plain", "", "/ slashes / and <html> & ampersands", "\"quoted\" \\back\\",
		"\x00\x01\x07\x08\x09\x0a\x0b\x0c\x0d\x1b\x1f\x20\x7f",
		"é ü 名前 😀 \u2028 \u2029 \u2027 \u202a", "\xff\xfe invalid \xc3 utf8 \xe2\x82",
		"long run of safe bytes before the escape at the very end of it\n",
		"12345678\"12345678\\1234567\x01", "key=value&x='y'",
	}
	for c := 0; c < 256; c++ {
		for pad := 0; pad < 9; pad++ {
			inputs = append(inputs, strings.Repeat("a", pad)+string([]byte{byte(c)})+"ijklmnop"[:pad%9])
		}
	}
	for _, s := range inputs {
		var b bytes.Buffer
		if err := json.NewEncoder(&b).Encode(s); err != nil {
			t.Fatal(err)
		}
		want := strings.TrimSuffix(b.String(), "\n")
		want = strings.NewReplacer("'", `\u0027`, "=", `\u003d`).Replace(want)
		if got := string(appendString(nil, s)); got != want {
			t.Errorf("appendString(%q) = %s, want %s", s, got, want)
		}
	}
}

// TestEncodeStringsAsDelivered re-escapes every string literal of the log
// files CloudTrail delivered: decoding each with encoding/json and writing
// it back with appendString must give the literal's exact bytes.
func TestEncodeStringsAsDelivered(t *testing.T) {
	n, escaped := 0, 0
	for _, f := range deliveredFiles(t) {
		d := decoder{data: f.data}
		for d.pos < len(d.data) {
			if d.data[d.pos] != '"' {
				d.pos++
				continue
			}
			start := d.pos
			if err := d.skipString(); err != nil {
				t.Fatalf("%s: %v", f.name, err)
			}
			lit := d.data[start:d.pos]
			var s string
			if err := json.Unmarshal(lit, &s); err != nil {
				t.Fatalf("%s: %s: %v", f.name, lit, err)
			}
			if got := appendString(nil, s); !bytes.Equal(got, lit) {
				t.Errorf("%s: CloudTrail wrote %s, appendString writes %s", f.name, lit, got)
			}
			n++
			if bytes.IndexByte(lit, '\\') >= 0 {
				escaped++
			}
		}
	}
	t.Logf("%d string literals re-escaped exactly, %d of them with escapes", n, escaped)
	if escaped == 0 {
		t.Error("no escaped string in the delivered files: the test proves nothing")
	}
}

func TestEncodeEventTime(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Time{}, `{}`},
		{time.Date(2024, 3, 5, 9, 16, 3, 0, time.UTC), `{"eventTime":"2024-03-05T09:16:03Z"}`},
		{time.Date(2024, 3, 5, 10, 16, 3, 0, paris), `{"eventTime":"2024-03-05T09:16:03Z"}`},
		{time.Date(2024, 3, 5, 9, 16, 3, 500, time.UTC), `{"eventTime":"2024-03-05T09:16:03.0000005Z"}`},
		{time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), `{"eventTime":"0000-01-01T00:00:00Z"}`},
		{time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), `{"eventTime":"9999-12-31T23:59:59Z"}`},
	}
	for _, tt := range tests {
		r := Record{EventTime: tt.t}
		if got := string(r.AppendJSON(nil)); got != tt.want {
			t.Errorf("%v: got %s, want %s", tt.t, got, tt.want)
		}
		back := decodeOK(t, tt.want)
		if !back.EventTime.Equal(tt.t) {
			t.Errorf("%v: decoded back as %v", tt.t, back.EventTime)
		}
	}
	// Monotonic clock readings do not matter.
	now := time.Now()
	r := Record{EventTime: now}
	back := decodeOK(t, string(r.AppendJSON(nil)))
	if !back.EventTime.Equal(now) {
		t.Errorf("time.Now() %v round-tripped as %v", now, back.EventTime)
	}
}

func TestEncodeAverages(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{0, "0"}, {2, "2"}, {0.0000882145, "0.0000882145"}, {8.82145e-05, "0.0000882145"},
		{1e-10, "0.0000000001"}, {1e21, "1000000000000000000000"}, {-1.5, "-1.5"},
		{85.4202380952, "85.4202380952"}, {math.Copysign(0, -1), "-0"},
	}
	for _, tt := range tests {
		r := Record{InsightDetails: &InsightDetails{InsightContext: &InsightContext{Statistics: &InsightStatistics{Baseline: &Average{Average: tt.f}}}}}
		want := `{"insightDetails":{"insightContext":{"statistics":{"baseline":{"average":` + tt.want + `}}}}}`
		roundTrip(t, &r, want)
	}
	// A remembered text is dropped once the value changes.
	r := decodeOK(t, `{"insightDetails":{"insightContext":{"statistics":{"baseline":{"average":2.50}}}}}`)
	if got := string(r.AppendJSON(nil)); !strings.Contains(got, `"average":2.50}`) {
		t.Errorf("text not kept: %s", got)
	}
	r.InsightDetails.InsightContext.Statistics.Baseline.Average = 3
	if got := string(r.AppendJSON(nil)); !strings.Contains(got, `"average":3}`) {
		t.Errorf("changed value not written: %s", got)
	}
}

func TestMarshalJSONErrors(t *testing.T) {
	avg := func(f float64) Record {
		return Record{InsightDetails: &InsightDetails{InsightContext: &InsightContext{Attributions: []Attribution{{Baseline: []AttributionValue{{Average: f}}}}}}}
	}
	tests := []struct {
		name   string
		r      Record
		member string
	}{
		{"invalid raw", Record{RequestParameters: json.RawMessage(`{"a":}`)}, "requestParameters"},
		{"two values in raw", Record{ResponseElements: json.RawMessage(`1 2`)}, "responseElements"},
		{"invalid Unknown", Record{Unknown: Members{{Key: "k", Value: json.RawMessage(`nope`)}}}, "record.Unknown[k]"},
		{"invalid nested Unknown", Record{TLSDetails: &TLSDetails{Unknown: Members{{Key: "k", Value: json.RawMessage(`{`)}}}}, "tlsDetails.Unknown[k]"},
		{"NaN", avg(math.NaN()), "insightDetails.insightContext.attributions[0].baseline[0]"},
		{"Inf", avg(math.Inf(1)), "insightDetails.insightContext.attributions[0].baseline[0]"},
		{"year", Record{EventTime: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, "eventTime"},
	}
	for _, tt := range tests {
		_, err := tt.r.MarshalJSON()
		var ee *EncodeError
		if !errors.As(err, &ee) || ee.Member != tt.member {
			t.Errorf("%s: err = %v, want an *EncodeError for %s", tt.name, err, tt.member)
		}
		if _, err := json.Marshal(tt.r); !errors.As(err, &ee) || ee.Member != tt.member {
			t.Errorf("%s: json.Marshal: %v, want an *EncodeError for %s", tt.name, err, tt.member)
		}
	}
	// Raw with surrounding whitespace is valid JSON and written as is.
	r := Record{RequestParameters: json.RawMessage(" {} "), ResponseElements: json.RawMessage{}}
	b, err := r.MarshalJSON()
	if err != nil || string(b) != `{"requestParameters": {} }` {
		t.Errorf("got %s, %v", b, err)
	}
}

func TestMarshalMatchesAppendJSON(t *testing.T) {
	for _, g := range codecGoldenRecords {
		r := g.rec()
		app := r.AppendJSON(nil)
		var html bytes.Buffer
		json.HTMLEscape(&html, app)
		for _, v := range []any{r, *r, []Record{*r}, map[string]*Record{"k": r}} {
			got, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("%s: %v", g.name, err)
			}
			want := html.Bytes()
			switch v.(type) {
			case []Record:
				want = []byte("[" + string(want) + "]")
			case map[string]*Record:
				want = []byte(`{"k":` + string(want) + "}")
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s (%T): json.Marshal\n got %s\nwant %s", g.name, v, got, want)
			}
		}
		m, err := r.MarshalJSON()
		if err != nil || !bytes.Equal(m, app) {
			t.Errorf("%s: MarshalJSON differs from AppendJSON: %v", g.name, err)
		}
		// Without HTML escaping, encoding/json writes exactly AppendJSON.
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r); err != nil || !bytes.Equal(bytes.TrimSuffix(b.Bytes(), []byte("\n")), app) {
			t.Errorf("%s: Encoder with SetEscapeHTML(false) differs:\n%s\n%s", g.name, b.Bytes(), app)
		}
	}
}

func TestAppendJSONAllocations(t *testing.T) {
	for _, g := range codecGoldenRecords {
		r := g.rec()
		buf := make([]byte, 0, 8192)
		if n := testing.AllocsPerRun(100, func() { buf = r.AppendJSON(buf[:0]) }); n != 0 {
			t.Errorf("%s: AppendJSON allocates %v times per call", g.name, n)
		}
	}
	// It appends: what dst held is kept.
	r := codecTypicalRecord()
	out := r.AppendJSON([]byte("prefix:"))
	if !bytes.HasPrefix(out, []byte(`prefix:{"eventVersion":"1.11"`)) {
		t.Errorf("AppendJSON lost the prefix: %.40s", out)
	}
}

// TestCodecConcurrent encodes one record and decodes into separate records
// from many goroutines (run with -race): AppendJSON and MarshalJSON only
// read the record, and the decoder keeps no shared state.
func TestCodecConcurrent(t *testing.T) {
	r := codecEverything()
	want := r.AppendJSON(nil)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				if got := r.AppendJSON(nil); !bytes.Equal(got, want) {
					t.Error("concurrent AppendJSON differs")
					return
				}
				if _, err := json.Marshal(r); err != nil {
					t.Error(err)
					return
				}
				var back Record
				if err := Unmarshal(want, &back); err != nil || !reflect.DeepEqual(&back, r) {
					t.Error("concurrent Unmarshal differs", err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestSWARScans checks the eight-bytes-at-a-time scans of the encoder and
// the decoder against byte-by-byte definitions, with each interesting byte
// at every position of strings of every length up to 24.
func TestSWARScans(t *testing.T) {
	special := []byte{0x00, 0x01, 0x08, 0x1f, ' ', '!', '"', '#', '/', '\\', ']', 0x7f, 0x80, 0xa0, 0xc3, 0xe2, 0xff}
	for n := 0; n <= 24; n++ {
		for pos := 0; pos < n; pos++ {
			for _, c := range special {
				b := bytes.Repeat([]byte{'a'}, n)
				b[pos] = c
				if c == 0xc3 && pos+1 < n {
					b[pos+1] = 0xa9 // a valid two-byte sequence
				}
				var buf bytes.Buffer
				enc := json.NewEncoder(&buf)
				enc.SetEscapeHTML(false)
				if err := enc.Encode(string(b)); err != nil {
					t.Fatal(err)
				}
				if got, want := string(appendString(nil, string(b))), strings.TrimSuffix(buf.String(), "\n"); got != want {
					t.Fatalf("appendString(%q) = %s, want %s", b, got, want)
				}
				for start := 0; start <= n; start++ {
					wantStop := start
					for wantStop < n && b[wantStop] != '"' && b[wantStop] != '\\' && b[wantStop] >= 0x20 && b[wantStop] < 0x80 {
						wantStop++
					}
					if stop := stringStop(b, start); stop != wantStop {
						t.Fatalf("stringStop(%q, %d) = %d; want %d", b, start, stop, wantStop)
					}
				}
			}
		}
	}
}
