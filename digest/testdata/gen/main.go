// Command gen writes digest's corruption corpus: one JSON file per case in
// testdata/corrupt/ (the objects of a whole bucket and the outcome Validate
// must report) plus corpus.json (validation options and public keys).
//
//	cd digest && go run ./testdata/gen
//
// The chain is signed with testdata/testkey.pem; the "wrong key" case uses
// testdata/otherkey.pem. Output is deterministic.
package main

import (
	"bytes"
	"encoding/json"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/digest/internal/fixture"
)

func main() {
	good, err := fixture.LoadKey("testdata/testkey.pem")
	if err != nil {
		log.Fatal(err)
	}
	wrong, err := fixture.LoadKey("testdata/otherkey.pem")
	if err != nil {
		log.Fatal(err)
	}
	cases, res, err := fixture.Corpus(good, wrong)
	if err != nil {
		log.Fatal(err)
	}
	dir := filepath.Join("testdata", "corrupt")
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}
	for _, c := range cases {
		b, err := json.MarshalIndent(c, "", " ")
		if err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, c.Name+".json"), append(b, '\n'), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	var keys bytes.Buffer
	r := &digest.KeyRing{}
	r.Add(good.PublicKey())
	r.WritePublicKeys(&keys)
	meta := map[string]any{"trailArn": fixture.TrailARN(), "region": fixture.CorpusRegion, "bucket": res.Bucket,
		"start": res.Start.Format(time.RFC3339), "end": res.End.Format(time.RFC3339), "publicKeys": json.RawMessage(keys.Bytes())}
	b, _ := json.MarshalIndent(meta, "", " ")
	if err := os.WriteFile(filepath.Join(dir, "corpus.json"), append(b, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %d cases to %s", len(cases), dir)
}
