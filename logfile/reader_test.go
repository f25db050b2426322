package logfile

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/trailkit/trailkit/internal/testenv"

	"github.com/klauspost/compress/gzip"

	"github.com/trailkit/trailkit/event"
)

func gz(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// readErr reads everything and returns the records and the first error.
func readErr(data []byte, opts ReadOptions) ([]*event.Record, error) {
	var out []*event.Record
	rd := newReader(bytes.NewReader(data), opts)
	for {
		r, err := rd.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			if _, err2 := rd.Next(); err2 != err {
				return out, errors.New("a second Next returned a different error")
			}
			return out, err
		}
		out = append(out, r)
	}
}

const rec1 = `{"eventVersion":"1.09","eventTime":"2024-03-05T09:16:03Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","eventID":"e1","recipientAccountId":"111122223333"}`
const rec2 = `{"eventVersion":"1.09","eventTime":"2024-03-05T09:16:04Z","eventName":"PutObject","eventID":"e2","requestParameters":{"s":"a \"}]\\ {[\u0022"}}`

func TestReaderAccepts(t *testing.T) {
	compact := []byte(`{"Records":[` + rec1 + `,` + rec2 + `]}`)
	pretty := []byte(" \n{ \"Records\" :\t[\n  " + rec1 + " ,\r\n " + rec2 + "\n ]\n}\n\n")
	for name, data := range map[string][]byte{
		"compact": compact, "compact gzip": gz(compact), "pretty": pretty, "pretty gzip": gz(pretty),
	} {
		recs, err := readErr(data, ReadOptions{})
		if err != nil || len(recs) != 2 || recs[0].EventID != "e1" || recs[1].EventID != "e2" {
			t.Errorf("%s: %d records, %v", name, len(recs), err)
			continue
		}
		var want event.Record
		event.Unmarshal([]byte(rec2), &want)
		if !reflect.DeepEqual(recs[1], &want) {
			t.Errorf("%s: record 2 decoded as %+v", name, recs[1])
		}
	}
	for _, empty := range []string{`{"Records":[]}`, `{"Records":[ ]}`} {
		recs, err := readErr([]byte(empty), ReadOptions{})
		if err != nil || len(recs) != 0 {
			t.Errorf("%s: %v %v", empty, recs, err)
		}
	}
}

func TestReaderRejects(t *testing.T) {
	good := []byte(`{"Records":[` + rec1 + `]}`)
	goodGz := gz(good)
	corruptCRC := bytes.Clone(goodGz)
	corruptCRC[len(corruptCRC)-6] ^= 0xff
	corruptData := bytes.Clone(goodGz)
	corruptData[15] ^= 0x55
	digest := []byte(`{"awsAccountId":"111122223333","digestStartTime":"2024-01-01T00:00:00Z","logFiles":[]}`)
	tests := []struct {
		name string
		data []byte
		opts ReadOptions
		kind error
		msg  string // in the error's text
	}{
		{"empty", nil, ReadOptions{}, ErrMalformedLogFile, "empty input"},
		{"whitespace", []byte(" \n"), ReadOptions{}, ErrMalformedLogFile, "empty input"},
		{"array", []byte(`[` + rec1 + `]`), ReadOptions{}, ErrMalformedLogFile, "want a JSON object"},
		{"other object", []byte(`{"foo":[]}`), ReadOptions{}, ErrMalformedLogFile, "first member is \"foo\""},
		{"empty object", []byte(`{}`), ReadOptions{}, ErrMalformedLogFile, "want the member \"Records\""},
		{"digest", digest, ReadOptions{}, ErrDigestFile, "first member \"awsAccountId\""},
		{"digest gzip", gz(digest), ReadOptions{}, ErrDigestFile, ""},
		{"Records object", []byte(`{"Records":{}}`), ReadOptions{}, ErrMalformedLogFile, "Records is not an array"},
		{"Records null", []byte(`{"Records":null}`), ReadOptions{}, ErrMalformedLogFile, "Records is not an array"},
		{"no colon", []byte(`{"Records"[]}`), ReadOptions{}, ErrMalformedLogFile, ""},
		{"number element", []byte(`{"Records":[1]}`), ReadOptions{}, ErrMalformedLogFile, ""},
		{"trailing comma", []byte(`{"Records":[` + rec1 + `,]}`), ReadOptions{}, ErrMalformedLogFile, ""},
		{"missing comma", []byte(`{"Records":[` + rec1 + rec1 + `]}`), ReadOptions{}, ErrMalformedLogFile, ""},
		{"bad record", []byte(`{"Records":[{"eventID":}]}`), ReadOptions{}, ErrMalformedLogFile, ""},
		{"mismatched brackets", []byte(`{"Records":[{"a":[1}]]}`), ReadOptions{}, ErrMalformedLogFile, ""},
		{"truncated", good[:len(good)-20], ReadOptions{}, ErrMalformedLogFile, ""},
		{"unterminated array", good[:len(good)-2], ReadOptions{}, ErrMalformedLogFile, ""},
		{"no closing brace", good[:len(good)-1], ReadOptions{}, ErrMalformedLogFile, ""},
		{"member after Records", []byte(`{"Records":[],"x":1}`), ReadOptions{}, ErrMalformedLogFile, ""},
		{"trailing JSON", append(bytes.Clone(good), `{}`...), ReadOptions{}, ErrMalformedLogFile, "after the JSON object"},
		{"truncated gzip", goodGz[:len(goodGz)-10], ReadOptions{}, ErrMalformedLogFile, ""},
		{"gzip header only", goodGz[:5], ReadOptions{}, ErrMalformedLogFile, ""},
		{"gzip bad CRC", corruptCRC, ReadOptions{}, ErrMalformedLogFile, ""},
		{"gzip corrupt data", corruptData, ReadOptions{}, ErrMalformedLogFile, ""},
		{"bytes after gzip", append(bytes.Clone(goodGz), 0), ReadOptions{}, ErrMalformedLogFile, "bytes after the gzip member"},
		{"two gzip members", append(bytes.Clone(goodGz), goodGz...), ReadOptions{}, ErrMalformedLogFile, "bytes after the gzip member"},
		{"decompression cap", gz(bytes.Repeat([]byte(" "), 1<<20)), ReadOptions{MaxDecompressedSize: 1 << 16}, ErrTooLarge, "MaxDecompressedSize"},
		{"record cap", []byte(`{"Records":[{"a":"` + strings.Repeat("x", 5000) + `"}]}`), ReadOptions{MaxRecordBytes: 1000}, ErrTooLarge, "MaxRecordBytes"},
		{"deep nesting", []byte(`{"Records":[` + strings.Repeat("[", 3000) + `]}`), ReadOptions{}, ErrMalformedLogFile, ""},
	}
	for _, tt := range tests {
		_, err := readErr(tt.data, tt.opts)
		var re *RecordError
		if !errors.As(err, &re) || !errors.Is(err, tt.kind) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: error %v, want a *RecordError wrapping %v saying %q", tt.name, err, tt.kind, tt.msg)
		}
	}
	// Offsets point at the problem.
	_, err := readErr([]byte(`{"Records":[`+rec1+`, {"eventID":x}]}`), ReadOptions{})
	var re *RecordError
	if !errors.As(err, &re) || re.Record != 1 || re.Offset != int64(len(`{"Records":[`+rec1+`, {"eventID":`)) || !errors.As(err, new(*event.SyntaxError)) {
		t.Errorf("malformed record 1: %+v", re)
	}
}

// repoShared returns ../shared next to the repository, or skips.
func repoShared(t testing.TB) string {
	t.Helper()
	return filepath.Dir(filepath.Dir(testenv.RealData(t, "records.jsonl")))
}

// TestReaderRealCorpus packs every real record into one log file and
// streams it back.
func TestReaderRealCorpus(t *testing.T) {
	path := filepath.Join(repoShared(t), "cloudtrail-realdata", "records.jsonl")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("corpus missing: %v", err)
	}
	defer f.Close()
	var lines [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		if l := bytes.TrimSpace(sc.Bytes()); len(l) > 0 {
			lines = append(lines, bytes.Clone(l))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	file := append([]byte(`{"Records":[`), bytes.Join(lines, []byte(","))...)
	file = append(file, "]}"...)
	recs, err := readErr(gz(file), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(lines) {
		t.Fatalf("read %d records, corpus has %d", len(recs), len(lines))
	}
	for i, l := range lines {
		var want event.Record
		if err := event.Unmarshal(l, &want); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if !reflect.DeepEqual(recs[i], &want) {
			t.Fatalf("record %d differs from decoding its line alone", i)
		}
		var m map[string]any
		json.Unmarshal(l, &m)
		if id, _ := m["eventID"].(string); recs[i].EventID != id {
			t.Fatalf("record %d: eventID %q, want %q", i, recs[i].EventID, id)
		}
	}
	t.Logf("%d real records streamed", len(recs))
}

// bigLogFile returns a gzip log file of at least size uncompressed bytes.
func bigLogFile(t testing.TB, size int) (gzBody []byte, records int, raw int) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, defaultLevel)
	zw.Write([]byte(`{"Records":[`))
	raw = 12
	t0 := time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)
	var b []byte
	for i := 0; raw < size; i++ {
		b = b[:0]
		if i > 0 {
			b = append(b, ',')
		}
		b = genRecord(9, i, genAccounts[0], genRegions[0], t0).AppendJSON(b)
		zw.Write(b)
		raw += len(b)
		records++
	}
	zw.Write([]byte(`]}`))
	zw.Close()
	return buf.Bytes(), records, raw + 2
}

// TestReaderBoundedMemory reads a 50 MB (uncompressed) file from disk (10 MB
// under the race detector or -short) and checks that memory does not grow
// with the file: the heap that survives a collection, sampled every 2,000
// records, stays under 1 MiB, and the peak HeapAlloc (garbage included,
// sampled every 64 records) stays under 8 MiB. The peak depends on when the
// GC runs; BenchmarkReaderPeakHeap50MB reports it as a metric.
func TestReaderBoundedMemory(t *testing.T) {
	size := 50_000_000
	if raceEnabled || testing.Short() {
		size = 10_000_000
	}
	body, n, _ := bigLogFile(t, size)
	path := filepath.Join(t.TempDir(), "big.json.gz")
	if err := os.WriteFile(path, body, 0o644); err != nil {
		t.Fatal(err)
	}
	body = nil
	peak, count := readPeakHeap(t, path)
	if count != n {
		t.Fatalf("read %d records, wrote %d", count, n)
	}
	live, base := readLiveHeap(t, path)
	t.Logf("%d records (%d MB uncompressed): peak HeapAlloc %.2f MB, live heap grew by at most %.3f MB over %.2f MB",
		n, size/1e6, float64(peak)/1e6, float64(live-base)/1e6, float64(base)/1e6)
	if live-base >= 1<<20 {
		t.Errorf("the reader retains %d bytes, want under 1 MiB", live-base)
	}
	if peak >= 8<<20 {
		// A GC cycle that starts late (a loaded machine) can let garbage pile
		// up once; the reader's own memory is checked above. Measure again.
		if again, _ := readPeakHeap(t, path); again >= 8<<20 {
			t.Errorf("peak heap %d then %d bytes, want under 8 MiB", peak, again)
		}
	}
}

// readLiveHeap reads the file at path, collecting garbage every 2,000
// records, and returns the highest live heap seen and the live heap before.
func readLiveHeap(t testing.TB, path string) (peak, base uint64) {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base = ms.HeapAlloc
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd := newReader(f, ReadOptions{})
	for i := 1; ; i++ {
		_, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if i%2000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
	}
	return max(peak, base), base
}

// readPeakHeap reads the file at path and returns the highest HeapAlloc seen
// (sampled every 64 records) and the record count.
func readPeakHeap(t testing.TB, path string) (peak uint64, count int) {
	runtime.GC()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ms runtime.MemStats
	rd := newReader(f, ReadOptions{})
	for {
		_, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		count++
		if count%64 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
	}
	return peak, count
}

func FuzzReader(f *testing.F) {
	f.Add([]byte(`{"Records":[` + rec1 + `,` + rec2 + `]}`))
	f.Add(gz([]byte(`{"Records":[` + rec1 + `]}`)))
	f.Add([]byte(`{"awsAccountId":"1","logFiles":[]}`))
	f.Add([]byte(`{"Records":[{"a":[{"b":"\"]}"}]}]}`))
	f.Add([]byte(`{"Records":[]} x`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rd := newReader(bytes.NewReader(data), ReadOptions{MaxDecompressedSize: 1 << 20, MaxRecordBytes: 1 << 16})
		n := 0
		for {
			r, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				var re *RecordError
				if !errors.As(err, &re) || !(errors.Is(err, ErrMalformedLogFile) || errors.Is(err, ErrDigestFile) || errors.Is(err, ErrTooLarge)) {
					t.Fatalf("error %v is not a *RecordError wrapping a Reader sentinel", err)
				}
				return
			}
			if r == nil {
				t.Fatal("nil record without error")
			}
			n++
		}
		if n != rd.records {
			t.Fatalf("records = %d, read %d", rd.records, n)
		}
		// Whatever was accepted re-encodes to a file that reads the same.
		if n > 0 && n < 100 {
			all := ReadRecords(bytes.NewReader(data), ReadOptions{MaxDecompressedSize: 1 << 20, MaxRecordBytes: 1 << 16})
			var out []byte
			out = append(out, `{"Records":[`...)
			i := 0
			for r, err := range all {
				if err != nil {
					t.Fatal(err)
				}
				if i > 0 {
					out = append(out, ',')
				}
				out = r.AppendJSON(out)
				i++
			}
			out = append(out, "]}"...)
			if recs, err := readErr(out, ReadOptions{}); err != nil || len(recs) != n {
				t.Fatalf("re-encoded file: %d records, %v", len(recs), err)
			}
		}
	})
}
