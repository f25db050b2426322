package event

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata/ from the current encoder")

// TestGolden pins the exact bytes AppendJSON writes for hand-built records
// (testdata/codec-*.json; regenerate with go test -run TestGolden -update),
// and checks that decoding each golden file gives back the record.
func TestGolden(t *testing.T) {
	for _, g := range codecGoldenRecords {
		t.Run(g.name, func(t *testing.T) {
			rec := g.rec()
			got := append(rec.AppendJSON(nil), '\n')
			path := filepath.Join("testdata", "codec-"+g.name+".json")
			if *updateGolden {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("AppendJSON differs from %s:\n got: %s\nwant: %s", path, got, want)
			}
			var back Record
			if err := Unmarshal(want, &back); err != nil {
				t.Fatalf("Unmarshal(%s): %v", path, err)
			}
			if !reflect.DeepEqual(&back, rec) {
				t.Errorf("decoding %s does not give back the record:\n got: %#v\nwant: %#v", path, &back, rec)
			}
		})
	}
}
