package logfile

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/trailkit/trailkit/event"
)

// TestFileWriterFraming writes records through a FileWriter and reads the
// file back with the standard library's gzip and with Reader: one member,
// exactly the records, and a summary that matches the bytes.
func TestFileWriterFraming(t *testing.T) {
	t0 := time.Date(2024, 3, 5, 9, 0, 0, 0, time.UTC)
	for _, n := range []int{0, 1, 7} {
		var buf bytes.Buffer
		fw, err := NewFileWriter(&buf, 0)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for i := range n {
			r := genRecord(3, i, "111122223333", "eu-west-1", t0.Add(time.Duration(i%3)*time.Minute))
			if err := fw.WriteRecord(r); err != nil {
				t.Fatal(err)
			}
			want = append(want, r.EventID)
		}
		sum, err := fw.Close()
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		zr.Multistream(false)
		raw, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if sha256.Sum256(raw) != sum.SHA256 || int64(len(raw)) != sum.UncompressedSize || sum.Records != n {
			t.Errorf("n=%d: summary %+v does not match the %d uncompressed bytes", n, sum, len(raw))
		}
		if n == 0 && string(raw) != `{"Records":[]}` {
			t.Errorf("empty file = %q", raw)
		}
		var got []string
		for r, err := range ReadRecords(bytes.NewReader(buf.Bytes()), ReadOptions{}) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, r.EventID)
		}
		if len(got) != len(want) {
			t.Fatalf("n=%d: read %d records", n, len(got))
		}
		if n > 0 && (!sum.OldestEventTime.Equal(t0) || !sum.NewestEventTime.Equal(t0.Add(time.Duration(min(n-1, 2))*time.Minute))) {
			t.Errorf("n=%d: time range %v .. %v", n, sum.OldestEventTime, sum.NewestEventTime)
		}
		if again, err := fw.Close(); err != nil || again != sum {
			t.Errorf("second Close = %+v, %v", again, err)
		}
	}
}

// TestFileWriterRefuses: a record Writer.Write refuses is refused without
// writing anything, and an error of the underlying writer sticks.
func TestFileWriterRefuses(t *testing.T) {
	var buf bytes.Buffer
	fw, err := NewFileWriter(&buf, 0)
	if err != nil {
		t.Fatal(err)
	}
	before := fw.Size()
	bad := &event.Record{EventID: "x", RequestParameters: []byte(`null},{"eventName":"StopLogging"`)}
	if err := fw.WriteRecord(bad); !errors.Is(err, ErrInvalidRecord) {
		t.Errorf("WriteRecord of a forged record: %v, want ErrInvalidRecord", err)
	}
	if fw.Size() != before || fw.Records() != 0 {
		t.Errorf("a refused record changed the file: size %d -> %d, %d records", before, fw.Size(), fw.Records())
	}

	boom := errors.New("disk gone")
	fw, err = NewFileWriter(failAfter{n: 0, err: boom}, 0)
	if err == nil {
		err = fw.WriteRecord(genRecord(1, 0, "111122223333", "eu-west-1", time.Now()))
	}
	if err == nil {
		_, err = fw.Close()
	}
	if !errors.Is(err, boom) {
		t.Errorf("error of the underlying writer: %v, want %v", err, boom)
	}
}

type failAfter struct {
	n   int
	err error
}

func (f failAfter) Write(p []byte) (int, error) { return 0, f.err }
