package digest

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
)

// TestRecordDecodersAgree: a log file up to 256 KiB is decoded from one
// buffer with json.Unmarshal, a larger one as it streams; both see the
// same records and refuse the same bodies.
func TestRecordDecodersAgree(t *testing.T) {
	for _, body := range []string{
		`{"Records":[{"eventTime":"2024-01-01T00:00:00Z"},{"eventTime":"2024-01-01T00:00:01Z","x":[1,{"eventTime":"no"}]}]}`,
		`{"records":[{"eventTime":"a"}]}`,
		`{"Other":{"Records":[{"eventTime":"b"}]},"Records":[{"eventTime":"c"}]}`,
		`{"Records":null}`,
		`{"Records":[]}` + "\n",
		`{}`,
		`{"Records":"x"}`,
		`{"Records":[1]}`,
		`{"Records":[null]}`,
		`{"Records":[{"eventTime":5}]}`,
		`{"Records":[{"eventTime":"d"}]} {}`,
		`{"Records":[{"eventTime":"d"}]}]`,
		`[{"eventTime":"e"}]`,
		`{"Records":[{"eventTime":"f"}]`,
		``,
		`null`,
	} {
		var a, b []string
		errA := unmarshalRecords([]byte(body), func(s string) error { a = append(a, s); return nil })
		errB := decodeRecords(json.NewDecoder(bytes.NewReader([]byte(body))), func(s string) error { b = append(b, s); return nil })
		if (errA == nil) != (errB == nil) || (errA == nil && !slices.Equal(a, b)) {
			t.Errorf("%s:\n  buffered %q, %v\n  streamed %q, %v", body, a, errA, b, errB)
		}
	}
}

// FuzzRecordDecoders: on any body, the buffered and the streaming decoder
// of log files agree (records seen, refusal), and neither panics.
func FuzzRecordDecoders(f *testing.F) {
	f.Add([]byte(`{"Records":[{"eventTime":"2024-01-01T00:00:00Z"}]}`))
	f.Add([]byte(`{"records":null,"x":[{"Records":1}]}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var a, b []string
		errA := unmarshalRecords(body, func(s string) error { a = append(a, s); return nil })
		errB := decodeRecords(json.NewDecoder(bytes.NewReader(body)), func(s string) error { b = append(b, s); return nil })
		if (errA == nil) != (errB == nil) || (errA == nil && !slices.Equal(a, b)) {
			t.Fatalf("%q:\n  buffered %q, %v\n  streamed %q, %v", body, a, errA, b, errB)
		}
	})
}
