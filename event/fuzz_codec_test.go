package event

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzDecode: Unmarshal never panics; it accepts exactly the inputs that
// encoding/json accepts as one JSON object; on error it leaves the record
// alone; and whatever it accepts re-encodes to valid JSON that decodes to
// the same record and encodes to the same bytes, and json.Marshal agrees
// with AppendJSON.
//
// Seeds: the golden files, hand-written edge cases and, when ../shared is
// present, the first records of the real corpus (read at run time, never
// copied into the repository).
func FuzzDecode(f *testing.F) {
	golden, _ := filepath.Glob(filepath.Join("testdata", "codec-*.json"))
	for _, p := range golden {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		`{}`, `{"eventName":"A","eventName":1}`, `{"x":1,"x":2}`,
		`{"eventTime":"2024-03-05T10:16:03.250+01:00"}`, `{"eventTime":"9999-12-31T23:59:59-01:00"}`,
		`{"eventTime":"redacted"}`, `{"resources":[{"ARN":"a"},"b"]}`, `{"resources":[]}`,
		`{"insightDetails":{"insightContext":{"statistics":{"baseline":{"average":8.82145e-05,"average":"x"},"insightDuration":5.0}}}}`,
		`{"insightDetails":{"insightContext":{"attributions":[{"insight":[{"value":"null","average":2.0}]}]}}}`,
		"{\"userAgent\":\"\\ud800\\udc00\\ud800x\xff\\u2028\"}", `{"event\u004eame":"A"}`,
		`{"userIdentity":{"sessionContext":{"sessionIssuer":{},"attributes":{"mfaAuthenticated":"false"}}},"userIdentity":{}}`,
		`{"readOnly":true,"readOnly":"true"}`, ` {"a":[1,{"b":null}]} `, `{"a":1,}`, `[`, `{"a":"\u12`,
	} {
		f.Add([]byte(s))
	}
	if p, err := codecCorpusFile(); err == nil {
		if b, err := os.ReadFile(p); err == nil {
			for i, line := range bytes.Split(b, []byte("\n")) {
				if i >= 50 {
					break
				}
				f.Add(line)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sentinel := Record{EventName: "sentinel"}
		r := sentinel
		err := Unmarshal(data, &r)
		trimmed := bytes.TrimLeft(data, " \t\r\n")
		stdOK := json.Valid(data) && len(trimmed) > 0 && trimmed[0] == '{'
		if err != nil {
			if !reflect.DeepEqual(r, sentinel) {
				t.Fatalf("Unmarshal modified the record on error %v", err)
			}
			if stdOK {
				t.Fatalf("Unmarshal rejects what encoding/json accepts: %v\n%q", err, data)
			}
			return
		}
		if !stdOK {
			t.Fatalf("Unmarshal accepts what encoding/json rejects: %q", data)
		}
		enc := r.AppendJSON(nil)
		if !json.Valid(enc) {
			t.Fatalf("AppendJSON wrote invalid JSON %q for input %q", enc, data)
		}
		var back Record
		if err := Unmarshal(enc, &back); err != nil {
			t.Fatalf("re-decoding %q: %v", enc, err)
		}
		if !reflect.DeepEqual(&back, &r) {
			t.Fatalf("decode(encode(r)) != r\ninput: %q\n  enc: %q\n    r: %#v\n back: %#v", data, enc, r, back)
		}
		if again := back.AppendJSON(nil); !bytes.Equal(again, enc) {
			t.Fatalf("encoding is not stable:\n%q\n%q", enc, again)
		}
		m, err := json.Marshal(&r)
		if err != nil {
			t.Fatalf("json.Marshal of a decoded record: %v", err)
		}
		var html bytes.Buffer
		json.HTMLEscape(&html, enc)
		if !bytes.Equal(m, html.Bytes()) {
			t.Fatalf("json.Marshal differs from AppendJSON:\n%q\n%q", m, enc)
		}
	})
}
