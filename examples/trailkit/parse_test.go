package main

import (
	"bytes"
	"compress/gzip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/trailkit/trailkit/event"
)

func TestParseTime(t *testing.T) {
	for in, want := range map[string]string{
		"2024-03-05T10:17:42Z":      "2024-03-05T10:17:42Z",
		"2024-03-05T12:17:42+02:00": "2024-03-05T10:17:42Z",
		"2024-03-05T10:17Z":         "2024-03-05T10:17:00Z",
		"2024-03-05T10:17:42":       "2024-03-05T10:17:42Z",
		"2024-03-05":                "2024-03-05T00:00:00Z",
		// aws-cli's forms: validate-logs' documented 20160129T19:00:00Z,
		// ISO 8601 basic, epoch seconds (botocore tries them first).
		"20160129T19:00:00Z":       "2016-01-29T19:00:00Z",
		"20160129T190000Z":         "2016-01-29T19:00:00Z",
		"20160129T19:00:00+01:00":  "2016-01-29T18:00:00Z",
		"1709632800":               "2024-03-05T10:00:00Z",
		"1709632800.5":             "2024-03-05T10:00:00Z",
		"0":                        "1970-01-01T00:00:00Z",
		"2024-03-05 10:17:42":      "2024-03-05T10:17:42Z",
		"2024-03-05T10:17:42.250Z": "2024-03-05T10:17:42Z",
		// Eight digits are a basic-form date, not 1970-08-23.
		"20240305": "2024-03-05T00:00:00Z",
	} {
		got, err := parseTime(in)
		if err != nil || got.Format(time.RFC3339) != want {
			t.Errorf("parseTime(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "yesterday", "2024-13-01", "2024-03-05T25:00:00Z", "-5", "1e9", "99999999999999999999", "20241305", "1709632800.", "20160129T19:00:00" + "Zulu"} {
		if _, err := parseTime(bad); err == nil {
			t.Errorf("parseTime(%q) succeeded", bad)
		}
	}
}

func TestAttrFlag(t *testing.T) {
	for in, want := range map[string]string{
		"EventName=RunInstances":                     "EventName=RunInstances",
		"ResourceName=arn:aws:s3:::b/k=v":            "ResourceName=arn:aws:s3:::b/k=v",
		"AttributeKey=Username,AttributeValue=alice": "Username=alice",
		"ReadOnly=false":                             "ReadOnly=false",
		"AttributeKey=EventId,AttributeValue=a,b=c":  "EventId=a,b=c",
		"EventSource=iam.amazonaws.com":              "EventSource=iam.amazonaws.com",
		"AccessKeyId=AKIAIOSFODNN7EXAMPLE":           "AccessKeyId=AKIAIOSFODNN7EXAMPLE",
		"ResourceType=AWS::S3::Object":               "ResourceType=AWS::S3::Object",
	} {
		var f attrFlag
		if err := f.Set(in); err != nil || f.String() != want {
			t.Errorf("Set(%q): %q, %v; want %q", in, f.String(), err, want)
		}
	}
	for _, bad := range []string{"EventName", "eventname=x", "ReadOnly=yes", "EventName=", "AttributeKey=EventName", "Region=us-east-1"} {
		var f attrFlag
		if err := f.Set(bad); err == nil {
			t.Errorf("Set(%q) succeeded", bad)
		}
	}
}

func TestUsername(t *testing.T) {
	for _, tc := range []struct {
		u    event.UserIdentity
		want string
	}{
		{event.UserIdentity{Type: event.IdentityIAMUser, UserName: "alice", PrincipalID: "AIDA"}, "alice"},
		{event.UserIdentity{Type: event.IdentityRoot, PrincipalID: "111122223333"}, "root"},
		{event.UserIdentity{Type: event.IdentityAssumedRole, ARN: "arn:aws:sts::111122223333:assumed-role/Admin/jane", PrincipalID: "AROA:jane"}, "jane"},
		{event.UserIdentity{Type: event.IdentityAWSService, InvokedBy: "lambda.amazonaws.com"}, "lambda.amazonaws.com"},
		{event.UserIdentity{Type: event.IdentityAWSAccount, PrincipalID: "AIDB"}, "AIDB"},
	} {
		if got := username(&tc.u); got != tc.want {
			t.Errorf("username(%+v) = %q, want %q", tc.u, got, tc.want)
		}
	}
}

func TestReadRecordsShapes(t *testing.T) {
	rec := `{"eventVersion":"1.11","eventID":"e1","eventTime":"2024-03-05T10:00:00Z","eventName":"X"}`
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`{"Records":[` + rec + `,` + rec + `]}`))
	zw.Close()
	for name, in := range map[string][]byte{
		"lines":      []byte(rec + "\n\n" + rec + "\n"),
		"crlf":       []byte(rec + "\r\n" + rec),
		"log":        []byte(` {"Records":[` + rec + "," + rec + `]}`),
		"log-spaced": []byte("{\n  \"Records\" : [" + rec + "," + rec + "]}\n"),
		"gzip":       gz.Bytes(),
	} {
		n, bad := 0, 0
		err := readRecords(name, bytes.NewReader(in), func(r *event.Record) {
			if r.EventID == "e1" {
				n++
			}
		}, func(error) { bad++ })
		if err != nil || n != 2 || bad != 0 {
			t.Errorf("%s: %d records, %d bad, %v", name, n, bad, err)
		}
	}
	// A digest file, a truncated log, a line too long.
	for name, in := range map[string]string{
		"digest":    `{"awsAccountId":"111122223333","logFiles":[]}`,
		"truncated": `{"Records":[` + rec,
		"long":      `{"eventID":"` + strings.Repeat("x", maxLine) + `"}`,
	} {
		bad := 0
		err := readRecords(name, strings.NewReader(in), func(*event.Record) {}, func(error) { bad++ })
		if err != nil || bad != 1 {
			t.Errorf("%s: bad %d, err %v", name, bad, err)
		}
	}
}

func TestSigningKeyPEM(t *testing.T) {
	b, err := os.ReadFile(testKey)
	if err != nil {
		t.Fatal(err)
	}
	s, err := parseSigningKey(b)
	if err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/k.pem"
	s2, created, err := loadOrCreateSigner(path)
	if err != nil || !created {
		t.Fatal(created, err)
	}
	s3, created, err := loadOrCreateSigner(path)
	if err != nil || created || !s3.Equal(s2) || s2.Equal(s) {
		t.Fatalf("reloaded key: created %v, %v", created, err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v", st.Mode())
	}
	for _, bad := range []string{"", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"} {
		if _, err := parseSigningKey([]byte(bad)); err == nil {
			t.Errorf("parsed %q", bad)
		}
	}
}

// FuzzReadRecords: the selectors input reader never panics and every record
// it yields encodes.
func FuzzReadRecords(f *testing.F) {
	f.Add([]byte(`{"eventID":"a"}` + "\n" + `{"Records":[]}`))
	f.Add([]byte(`{"Records":[{"eventID":"a"}]}`))
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0})
	f.Add([]byte("{\n\"Records\"\n:[{}, 1]}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		readRecords("fuzz", bytes.NewReader(b), func(r *event.Record) { r.AppendJSON(nil) }, func(error) {})
	})
}

// FuzzFlags: the time and lookup-attribute parsers never panic, and a
// parsed attribute is one of the keys.
func FuzzFlags(f *testing.F) {
	f.Add("2024-03-05T10:00:00Z")
	f.Add("AttributeKey=EventId,AttributeValue=x")
	f.Fuzz(func(t *testing.T, s string) {
		parseTime(s)
		var a attrFlag
		if a.Set(s) == nil {
			ok := false
			for _, k := range lookupKeys {
				ok = ok || a.key == k
			}
			if !ok || a.value == "" {
				t.Fatalf("Set(%q) gave %q=%q", s, a.key, a.value)
			}
		}
	})
}

// TestProgressOffWhenNotTerminal: progress goes only to a terminal, and
// never with --quiet.
func TestProgressOffWhenNotTerminal(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, false)
	p.start = time.Now().Add(-time.Minute)
	p.update("working %d", 1)
	p.done()
	if buf.Len() != 0 || p.on {
		t.Errorf("progress written to a buffer: %q", buf.String())
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if newProgress(w, false).on {
		t.Error("progress on for a pipe")
	}
	if null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err == nil {
		defer null.Close()
		if newProgress(null, false).on {
			t.Error("progress on for the null device")
		}
	}
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		if !newProgress(tty, false).on || newProgress(tty, true).on {
			t.Error("progress on a terminal: want on, and off with --quiet")
		}
	}
	// On (as for a terminal): a line after the first second, erased by done.
	p = &progress{w: &buf, on: true, start: time.Now().Add(-2 * time.Second)}
	p.update("validated %d of %d log files", 3, 9)
	p.done()
	if got := buf.String(); got != "\r\033[Kvalidated 3 of 9 log files\r\033[K" {
		t.Errorf("progress output %q", got)
	}
}
