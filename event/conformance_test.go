package event

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"testing"

	"github.com/trailkit/trailkit/internal/testenv"
)

// codecCorpusFile finds ../shared/cloudtrail-realdata/records.jsonl next to
// the module root.
func codecCorpusFile() (string, error) { return testenv.RealDataPath("records.jsonl") }

// codecCorpusPath is codecCorpusFile, skipping the test when it fails.
func codecCorpusPath(t testing.TB) string { return testenv.RealData(t, "records.jsonl") }

// codecCorpusLines returns every line of the real-record corpus.
func codecCorpusLines(t testing.TB) [][]byte {
	t.Helper()
	f, err := os.Open(codecCorpusPath(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 1<<24)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		lines = append(lines, bytes.Clone(sc.Bytes()))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// generic decodes JSON into any with numbers kept as their text.
func jsonGeneric(t testing.TB, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("decoding %s: %v", b, err)
	}
	return v
}

// diff reports the first difference between two generic JSON values.
func jsonDiff(path string, a, b any) string {
	switch a := a.(type) {
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: object vs %T", path, b)
		}
		for k, av := range a {
			bv, ok := bm[k]
			if !ok {
				return fmt.Sprintf("%s.%s: missing from re-encoded output", path, k)
			}
			if d := jsonDiff(path+"."+k, av, bv); d != "" {
				return d
			}
		}
		for k := range bm {
			if _, ok := a[k]; !ok {
				return fmt.Sprintf("%s.%s: extra member in re-encoded output", path, k)
			}
		}
		return ""
	case []any:
		bs, ok := b.([]any)
		if !ok || len(a) != len(bs) {
			return fmt.Sprintf("%s: array %v vs %v", path, a, b)
		}
		for i := range a {
			if d := jsonDiff(fmt.Sprintf("%s[%d]", path, i), a[i], bs[i]); d != "" {
				return d
			}
		}
		return ""
	default:
		// json.Number compares as its text, so 2.0 != 2.
		if !reflect.DeepEqual(a, b) {
			return fmt.Sprintf("%s: %#v vs %#v", path, a, b)
		}
		return ""
	}
}

func TestConformanceCorpus(t *testing.T) {
	lines := codecCorpusLines(t)
	if len(lines) < 884 {
		t.Fatalf("corpus has %d records, want the full set (884)", len(lines))
	}
	for i, line := range lines {
		var r Record
		if err := Unmarshal(line, &r); err != nil {
			t.Errorf("line %d: Unmarshal: %v", i+1, err)
			continue
		}
		want := jsonGeneric(t, line)

		app := r.AppendJSON(nil)
		if d := jsonDiff("$", want, jsonGeneric(t, app)); d != "" {
			t.Errorf("line %d: AppendJSON differs from input: %s\n in: %s\nout: %s", i+1, d, line, app)
		}
		mar, err := json.Marshal(&r)
		if err != nil {
			t.Errorf("line %d: json.Marshal: %v", i+1, err)
			continue
		}
		if d := jsonDiff("$", want, jsonGeneric(t, mar)); d != "" {
			t.Errorf("line %d: json.Marshal differs from input: %s", i+1, d)
		}
		var html bytes.Buffer
		json.HTMLEscape(&html, app)
		if !bytes.Equal(html.Bytes(), mar) {
			t.Errorf("line %d: json.Marshal and HTML-escaped AppendJSON differ:\n%s\n%s", i+1, mar, html.Bytes())
		}

		// Through encoding/json's Unmarshal path too.
		var r2 Record
		if err := json.Unmarshal(line, &r2); err != nil {
			t.Errorf("line %d: json.Unmarshal: %v", i+1, err)
		} else if !reflect.DeepEqual(r, r2) {
			t.Errorf("line %d: json.Unmarshal and Unmarshal disagree", i+1)
		}
	}
}
