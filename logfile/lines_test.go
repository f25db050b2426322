package logfile_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/eventpattern"
	"github.com/trailkit/trailkit/internal/testenv"
	"github.com/trailkit/trailkit/logfile"
)

func gzipped(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// collect reads every record and error of a JSON-lines input.
func collect(in []byte, opts logfile.ReadOptions) (recs []*event.Record, errs []error) {
	for r, err := range logfile.ReadJSONLines(bytes.NewReader(in), opts) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		recs = append(recs, r)
	}
	return recs, errs
}

// Every real record, in each of the three line shapes (bare, EventBridge
// envelope, CloudWatch Logs export line), plain and gzip, reads back as
// decoding the record alone does, byte for byte.
func TestReadJSONLinesRealCorpus(t *testing.T) {
	lines := testenv.RecordLines(t)
	want := make([][]byte, len(lines))
	shapes := map[string]*bytes.Buffer{"bare": {}, "eventbridge": {}, "cloudwatch-export": {}}
	for i, l := range lines {
		var r event.Record
		if err := event.Unmarshal(l, &r); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		want[i] = r.AppendJSON(nil)
		shapes["bare"].Write(l)
		shapes["bare"].WriteString("\n")
		env := eventpattern.Wrap(&r)
		shapes["eventbridge"].Write(env.AppendJSON(nil))
		shapes["eventbridge"].WriteString("\r\n")
		fmt.Fprintf(shapes["cloudwatch-export"], "%s %s\n\n", r.EventTime.UTC().Format("2006-01-02T15:04:05.000Z"), l)
	}
	for name, buf := range shapes {
		for _, compressed := range []bool{false, true} {
			in := buf.Bytes()
			if compressed {
				in = gzipped(t, in)
			}
			recs, errs := collect(in, logfile.ReadOptions{})
			if len(errs) > 0 {
				t.Fatalf("%s gzip=%v: %v", name, compressed, errs[0])
			}
			if len(recs) != len(want) {
				t.Fatalf("%s gzip=%v: %d records, want %d", name, compressed, len(recs), len(want))
			}
			for i, r := range recs {
				if got := r.AppendJSON(nil); !bytes.Equal(got, want[i]) {
					t.Fatalf("%s gzip=%v: record %d\n got %s\nwant %s", name, compressed, i, got, want[i])
				}
			}
		}
	}
}

func TestReadJSONLinesErrors(t *testing.T) {
	rec := `{"eventVersion":"1.08","eventTime":"2024-03-05T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","eventID":"%d"}`
	in := fmt.Sprintf(rec+"\n", 1) +
		"not json\n" +
		`{"some":"object"}` + "\n" +
		`{"detail-type":"AWS API Call via CloudTrail","detail":"x"}` + "\n" +
		"2024-03-05T10:00:00Z plain text\n" +
		`[1,2]` + "\n" +
		fmt.Sprintf(rec, 2) // no final newline
	recs, errs := collect([]byte(in), logfile.ReadOptions{})
	if len(recs) != 2 || recs[0].EventID != "1" || recs[1].EventID != "2" {
		t.Fatalf("records %v", recs)
	}
	if len(errs) != 5 {
		t.Fatalf("%d errors, want 5: %v", len(errs), errs)
	}
	offset := int64(len(fmt.Sprintf(rec+"\n", 1)))
	for i, err := range errs {
		var re *logfile.RecordError
		if !errors.As(err, &re) || !errors.Is(err, logfile.ErrMalformedLogFile) {
			t.Fatalf("error %d: %T %v", i, err, err)
		}
		if re.Record != i+1 || !strings.Contains(err.Error(), fmt.Sprintf("line %d", i+2)) {
			t.Errorf("error %d: Record %d, %v", i, re.Record, err)
		}
		if i == 0 && re.Offset != offset {
			t.Errorf("offset %d, want %d", re.Offset, offset)
		}
	}

	// A line over MaxRecordBytes ends the stream, with memory bounded.
	long := fmt.Sprintf(rec, 1) + "\n" + `{"eventVersion":"1.08","x":"` + strings.Repeat("a", 5000) + `"}` + "\n" + fmt.Sprintf(rec, 3) + "\n"
	recs, errs = collect([]byte(long), logfile.ReadOptions{MaxRecordBytes: 4096})
	if len(recs) != 1 || len(errs) != 1 || !errors.Is(errs[0], logfile.ErrTooLarge) || !strings.Contains(errs[0].Error(), "MaxRecordBytes") {
		t.Errorf("long line: %d records, %v", len(recs), errs)
	}
	// So does input inflating past MaxDecompressedSize.
	big := bytes.Repeat([]byte(fmt.Sprintf(rec, 1)+"\n"), 100)
	recs, errs = collect(gzipped(t, big), logfile.ReadOptions{MaxDecompressedSize: int64(len(big) / 2)})
	if len(errs) != 1 || !errors.Is(errs[0], logfile.ErrTooLarge) || !strings.Contains(errs[0].Error(), "MaxDecompressedSize") || len(recs) >= 100 {
		t.Errorf("inflation cap: %d records, %v", len(recs), errs)
	}
	// Corrupt gzip stops with ErrMalformedLogFile.
	z := gzipped(t, big)
	z[len(z)/2] ^= 0xff
	if _, errs = collect(z, logfile.ReadOptions{}); len(errs) == 0 || !errors.Is(errs[len(errs)-1], logfile.ErrMalformedLogFile) {
		t.Errorf("corrupt gzip: %v", errs)
	}
	// Stopping the loop stops the reading.
	n := 0
	for range logfile.ReadJSONLines(bytes.NewReader(big), logfile.ReadOptions{}) {
		n++
		break
	}
	if n != 1 {
		t.Errorf("break: %d", n)
	}
	// Empty input and blank lines only: nothing.
	if recs, errs := collect([]byte("\n \r\n\n"), logfile.ReadOptions{}); len(recs)+len(errs) != 0 {
		t.Errorf("blank input: %v %v", recs, errs)
	}
}

func FuzzReadJSONLines(f *testing.F) {
	rec := `{"eventVersion":"1.08","eventTime":"2024-03-05T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject"}`
	f.Add([]byte(rec + "\n" + rec))
	f.Add([]byte(`{"version":"0","detail-type":"AWS API Call via CloudTrail","detail":` + rec + "}\n"))
	f.Add([]byte("2024-03-05T10:00:00.000Z " + rec + "\r\n\n"))
	f.Add(gzipped(f, []byte(rec+"\n")))
	f.Add([]byte("{\"eventVersion\":\"1\"}\nnot json\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := logfile.ReadOptions{MaxRecordBytes: 1 << 12, MaxDecompressedSize: 1 << 16}
		for r, err := range logfile.ReadJSONLines(bytes.NewReader(data), opts) {
			if err != nil {
				var re *logfile.RecordError
				if !errors.As(err, &re) {
					t.Fatalf("untyped error %T %v", err, err)
				}
				continue
			}
			if r == nil || r.EventVersion == "" {
				t.Fatalf("record without eventVersion: %+v", r)
			}
			// What was read writes and reads back as itself.
			var back event.Record
			if err := event.Unmarshal(r.AppendJSON(nil), &back); err != nil {
				t.Fatalf("read record does not re-read: %v", err)
			}
		}
	})
}
