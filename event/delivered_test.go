package event

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/trailkit/trailkit/internal/testenv"
)

// deliveredFile is one log file as CloudTrail delivered it
// (../shared/cloudtrail-realdata/delivered), uncompressed.
type deliveredFile struct {
	name string
	data []byte
}

// deliveredFiles reads the delivered log files, or skips the test where the
// corpus is absent (fails in CI).
func deliveredFiles(t testing.TB) []deliveredFile {
	t.Helper()
	dir := testenv.RealData(t, "delivered")
	names, err := filepath.Glob(filepath.Join(dir, "*.json.gz"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no delivered log files in %s: %v", dir, err)
	}
	sort.Strings(names)
	var out []deliveredFile
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(zr)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, deliveredFile{name: strings.TrimSuffix(filepath.Base(name), ".json.gz"), data: data})
	}
	return out
}

// splitRecords returns the records of a compact delivered log file,
// {"Records":[r1,r2,…]}, as the byte ranges CloudTrail wrote.
func splitRecords(t testing.TB, f deliveredFile) [][]byte {
	t.Helper()
	const head, tail = `{"Records":[`, `]}`
	if !bytes.HasPrefix(f.data, []byte(head)) || !bytes.HasSuffix(f.data, []byte(tail)) {
		t.Fatalf("%s: not a compact {\"Records\":[…]} file", f.name)
	}
	d := decoder{data: f.data[:len(f.data)-len(tail)], pos: len(head)}
	var recs [][]byte
	for d.pos < len(d.data) {
		start := d.pos
		if err := d.skipValue(); err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		recs = append(recs, d.data[start:d.pos])
		if d.pos < len(d.data) {
			if d.data[d.pos] != ',' {
				t.Fatalf("%s: %q after a record at %d", f.name, d.data[d.pos], d.pos)
			}
			d.pos++
		}
	}
	return recs
}
