package event

import (
	"bytes"
	"fmt"
	"testing"
)

// TestReencodeDelivered: every record of the log files CloudTrail
// delivered, decoded and written back with AppendJSON, gives the bytes
// CloudTrail wrote, and so does every whole file (records joined in the
// log file framing). The goal is at least 99.5% of both.
func TestReencodeDelivered(t *testing.T) {
	var recs, exact, files, exactFiles int
	for _, f := range deliveredFiles(t) {
		files++
		out := []byte(`{"Records":[`)
		for i, in := range splitRecords(t, f) {
			recs++
			var r Record
			if err := Unmarshal(in, &r); err != nil {
				t.Fatalf("%s record %d: %v", f.name, i, err)
			}
			if i > 0 {
				out = append(out, ',')
			}
			start := len(out)
			out = r.AppendJSON(out)
			if got := out[start:]; bytes.Equal(got, in) {
				exact++
			} else {
				t.Errorf("%s record %d re-encodes differently:\n got: %s\nwant: %s", f.name, i, got, in)
			}
		}
		out = append(out, `]}`...)
		if bytes.Equal(out, f.data) {
			exactFiles++
		} else {
			t.Errorf("%s: the file does not re-encode byte for byte", f.name)
		}
	}
	t.Logf("delivered: %d of %d records and %d of %d files re-encode byte for byte", exact, recs, exactFiles, files)
}

// TestReencodeCorpus: the 884 records of the real-record corpus re-encode
// byte for byte, except where the corpus's own escaping differs from
// CloudTrail's (most of it was re-serialised by other tools: literal < or
// =, \u escapes of other characters); those must be equal after decoding
// both to a generic JSON value.
func TestReencodeCorpus(t *testing.T) {
	lines := codecCorpusLines(t)
	exact, escOnly := 0, 0
	for i, in := range lines {
		var r Record
		if err := Unmarshal(in, &r); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		got := r.AppendJSON(nil)
		if bytes.Equal(got, in) {
			exact++
			continue
		}
		if bytes.Equal(canonicalEscapes(t, got), canonicalEscapes(t, in)) {
			escOnly++
			continue
		}
		t.Errorf("line %d re-encodes differently:\n got: %s\nwant: %s", i+1, got, in)
	}
	t.Logf("corpus: %d of %d records byte for byte, %d more differ only in string escaping", exact, len(lines), escOnly)
}

// canonicalEscapes rewrites every string literal of a compact JSON text as
// appendString writes it, leaving everything else as it is.
func canonicalEscapes(t *testing.T, b []byte) []byte {
	d := decoder{data: b}
	var out []byte
	last := 0
	for d.pos < len(d.data) {
		if d.data[d.pos] != '"' {
			d.pos++
			continue
		}
		start := d.pos
		s, err := d.string()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b[last:start]...)
		out = appendString(out, s)
		last = d.pos
	}
	return append(out, b[last:]...)
}

// TestReencodeOrders pins each order rule the delivered files show: a
// decoded record writes its members back in its own era's order, with
// explicit empty strings where they stood; a record built in Go gets the
// documented order.
func TestReencodeOrders(t *testing.T) {
	cases := []struct{ name, in string }{
		{"mfaAuthenticated before creationDate",
			`{"userIdentity":{"type":"IAMUser","sessionContext":{"attributes":{"mfaAuthenticated":"false","creationDate":"2018-01-30T14:31:10Z"}}}}`},
		{"ARN first in resources[]",
			`{"resources":[{"ARN":"arn:aws:iam::1:role/r","accountId":"1","type":"AWS::IAM::Role"}]}`},
		{"attributes before sessionIssuer",
			`{"userIdentity":{"sessionContext":{"attributes":{"mfaAuthenticated":"false"},"sessionIssuer":{"type":"Role"}}}}`},
		{"eventCategory before recipientAccountId",
			`{"eventVersion":"1.08","eventType":"AwsApiCall","managementEvent":true,"eventCategory":"Management","recipientAccountId":"1"}`},
		{"empty string where it stood",
			`{"userIdentity":{"type":"IAMUser","principalId":"P","accountId":"1","accessKeyId":"","userName":"u"}}`},
		{"unknown member between typed ones",
			`{"eventVersion":"1.05","newThing":{"a":1},"eventSource":"s.amazonaws.com"}`},
		{"Insights record in plain order",
			`{"eventVersion":"1.07","eventTime":"2020-01-01T00:00:00Z","insightDetails":{"state":"Start"},"awsRegion":"us-east-1"}`},
	}
	for _, c := range cases {
		var r Record
		if err := Unmarshal([]byte(c.in), &r); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := string(r.AppendJSON(nil)); got != c.in {
			t.Errorf("%s:\n got: %s\nwant: %s", c.name, got, c.in)
		}
	}

	// Built in Go: the documented order.
	tr := true
	built := Record{
		EventCategory: CategoryManagement, RecipientAccountID: "1", ManagementEvent: &tr,
		Resources:    []Resource{{ARN: "arn:x", AccountID: "1", Type: "AWS::X::Y"}},
		UserIdentity: &UserIdentity{Type: "IAMUser", SessionContext: &SessionContext{Attributes: &SessionAttributes{MFAAuthenticated: "false", CreationDate: "2018-01-30T14:31:10Z"}, SessionIssuer: &SessionIssuer{Type: "Role"}}},
	}
	want := `{"userIdentity":{"type":"IAMUser","sessionContext":{"sessionIssuer":{"type":"Role"},"attributes":{"creationDate":"2018-01-30T14:31:10Z","mfaAuthenticated":"false"}}},"resources":[{"accountId":"1","type":"AWS::X::Y","ARN":"arn:x"}],"managementEvent":true,"recipientAccountId":"1","eventCategory":"Management"}`
	if got := string(built.AppendJSON(nil)); got != want {
		t.Errorf("built in Go:\n got: %s\nwant: %s", got, want)
	}

	// A member set after decoding follows the remembered ones; one cleared
	// is left out.
	var r Record
	if err := Unmarshal([]byte(`{"eventName":"A","eventVersion":"1.05","errorCode":"E"}`), &r); err != nil {
		t.Fatal(err)
	}
	r.ErrorCode = ""
	r.AWSRegion = "us-east-1"
	if got, want := string(r.AppendJSON(nil)), `{"eventName":"A","eventVersion":"1.05","awsRegion":"us-east-1"}`; got != want {
		t.Errorf("changed after decoding:\n got: %s\nwant: %s", got, want)
	}

	// A duplicate key: the last wins, and the object is written in the
	// default order.
	if err := Unmarshal([]byte(`{"eventName":"A","eventVersion":"1.05","eventName":"B"}`), &r); err != nil {
		t.Fatal(err)
	}
	if got, want := string(r.AppendJSON(nil)), `{"eventVersion":"1.05","eventName":"B"}`; got != want {
		t.Errorf("duplicate key:\n got: %s\nwant: %s", got, want)
	}
}

// TestReencodeConcurrent decodes and encodes the delivered records from
// several goroutines at once (the layout table is shared; run with -race).
func TestReencodeConcurrent(t *testing.T) {
	var recs [][]byte
	for _, f := range deliveredFiles(t) {
		recs = append(recs, splitRecords(t, f)...)
	}
	errs := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func(g int) {
			for i := g; i < len(recs); i += 4 {
				var r Record
				if err := Unmarshal(recs[i], &r); err != nil {
					errs <- err
					return
				}
				if got := r.AppendJSON(nil); !bytes.Equal(got, recs[i]) {
					errs <- fmt.Errorf("record %d differs", i)
					return
				}
			}
			errs <- nil
		}(g)
	}
	for g := 0; g < 4; g++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
