package digest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/digest/internal/fixture"
	"github.com/trailkit/trailkit/logfile"
)

// TestCorruptionCorpus validates every case in testdata/corrupt (written by
// `go run ./testdata/gen`) and requires exactly the expected outcome:
// the named digests and log files with their statuses, every other object
// valid, and exactly the listed strict findings.
func TestCorruptionCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "corrupt")
	metaBytes, err := os.ReadFile(filepath.Join(dir, "corpus.json"))
	if err != nil {
		t.Fatalf("corpus missing (run go run ./testdata/gen): %v", err)
	}
	var meta struct {
		TrailARN, Region, Bucket, Start, End string
		PublicKeys                           json.RawMessage
	}
	if err := json.Unmarshal(metaBytes, &meta); err != nil {
		t.Fatal(err)
	}
	keys := &digest.KeyRing{}
	if err := keys.LoadPublicKeys(bytes.NewReader(meta.PublicKeys)); err != nil {
		t.Fatal(err)
	}
	start, _ := time.Parse(digest.TimeFormat, meta.Start)
	end, _ := time.Parse(digest.TimeFormat, meta.End)
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	n := 0
	for _, f := range files {
		if filepath.Base(f) == "corpus.json" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c fixture.Case
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		n++
		t.Run(c.Name, func(t *testing.T) {
			ctx := context.Background()
			s := logfile.NewMemStore()
			for _, o := range c.Objects {
				s.Put(ctx, logfile.Object{Bucket: meta.Bucket, Key: o.Key, Body: o.Body, Metadata: o.Metadata})
			}
			rep := validate(t, s, digest.ValidateOptions{
				DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: meta.Bucket}, Region: meta.Region},
				TrailARN:    meta.TrailARN,
				Start:       start,
				End:         end,
				Keys:        keys,
			})
			for _, d := range rep.Digests {
				want, named := c.Digests[d.Key]
				if !named {
					want = digest.StatusValid
				}
				if d.Status != want {
					t.Errorf("digest %s: %s (%v), want %s", d.Key, d.Status, d.Err, want)
				}
			}
			for k, want := range c.Digests {
				if !slices.ContainsFunc(rep.Digests, func(d digest.DigestResult) bool { return d.Key == k }) {
					t.Errorf("digest %s not reported, want %s", k, want)
				}
			}
			for _, l := range rep.LogFiles {
				want, named := c.LogFiles[l.Key]
				if !named {
					want = digest.StatusValid
				}
				if l.Status != want {
					t.Errorf("log %s: %s (%v), want %s", l.Key, l.Status, l.Err, want)
				}
			}
			for k, want := range c.LogFiles {
				if !slices.ContainsFunc(rep.LogFiles, func(l digest.LogFileResult) bool { return l.Key == k }) {
					t.Errorf("log %s not reported, want %s", k, want)
				}
			}
			var got []string
			for _, f := range rep.Findings {
				if f.Kind == digest.FindingUnlisted {
					// A log file whose digest is gone or invalid is listed
					// by no digest of the walk: check that it is so.
					if _, err := s.Get(ctx, f.Bucket, f.Key); err != nil {
						t.Errorf("unlisted %s is not stored: %v", f.Key, err)
					}
					if slices.ContainsFunc(rep.LogFiles, func(l digest.LogFileResult) bool { return l.Key == f.Key }) {
						t.Errorf("unlisted %s is listed", f.Key)
					}
					continue
				}
				got = append(got, fmt.Sprintf("%s %s", f.Kind, f.Key))
			}
			sort.Strings(got)
			if strings.Join(got, "\n") != strings.Join(c.Findings, "\n") {
				t.Errorf("findings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.Findings, "\n"))
			}
			if c.Name == "clean" && (!rep.Strict() || len(rep.Digests) != 4 || len(rep.LogFiles) != 6) {
				t.Errorf("clean chain: %d digests %d logs, strict %v", len(rep.Digests), len(rep.LogFiles), rep.Strict())
			}
		})
	}
	if n < 40 {
		t.Fatalf("only %d cases", n)
	}
}

// TestCorpusUpToDate regenerates the corpus in memory and compares it with
// the committed files: the same cases, object keys, metadata and expected
// outcomes (bodies are not compared, so a change in the gzip compressor of
// a newer Go does not break it), so the generator and the committed corpus
// cannot drift apart.
func TestCorpusUpToDate(t *testing.T) {
	cases, _, err := fixture.Corpus(testSigner(t), otherSigner(t))
	if err != nil {
		t.Fatal(err)
	}
	strip := func(c fixture.Case) string {
		for i := range c.Objects {
			c.Objects[i].Body = nil
		}
		b, _ := json.Marshal(c)
		return string(b)
	}
	for _, c := range cases {
		b, err := os.ReadFile(filepath.Join("testdata", "corrupt", c.Name+".json"))
		if err != nil {
			t.Errorf("%s: %v; run go run ./testdata/gen", c.Name, err)
			continue
		}
		var have fixture.Case
		if err := json.Unmarshal(b, &have); err != nil {
			t.Fatal(err)
		}
		if strip(have) != strip(c) {
			t.Errorf("%s: committed corpus differs from the generator; run go run ./testdata/gen", c.Name)
		}
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "corrupt", "*.json"))
	if len(files) != len(cases)+1 {
		t.Errorf("%d files in testdata/corrupt for %d cases (+ corpus.json)", len(files), len(cases))
	}
}
