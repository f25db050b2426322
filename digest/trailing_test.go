package digest_test

import (
	"context"
	"testing"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/digest/internal/fixture"
	"github.com/trailkit/trailkit/logfile"
)

// TestTrailingDataStreamed appends bytes after the gzip member of a digest
// and of a log file: Validate reads both through Store.Open and reports
// FindingTrailingData for each (aws-cli ignores such bytes, so the chain
// stays valid without --strict).
func TestTrailingDataStreamed(t *testing.T) {
	ctx := context.Background()
	store := logfile.NewMemStore()
	res := build(t, store, fixture.Options{})
	region := res.Regions[0]
	for _, key := range []string{res.Digests[region][1], res.Logs[region][0]} {
		obj, err := store.Get(ctx, res.Bucket, key)
		if err != nil {
			t.Fatal(err)
		}
		obj.Body = append(obj.Body, "trailing"...)
		if err := store.Put(ctx, obj); err != nil {
			t.Fatal(err)
		}
	}
	rep := validate(t, store, res.ValidateOptions(region, ring(testSigner(t))))
	if !rep.OK() {
		t.Fatalf("trailing bytes made the chain invalid: %+v", rep.Digests)
	}
	found := map[string]bool{}
	for _, f := range rep.Findings {
		if f.Kind == digest.FindingTrailingData {
			found[f.Key] = true
		}
	}
	if !found[res.Digests[region][1]] || !found[res.Logs[region][0]] || len(found) != 2 {
		t.Errorf("trailing-data findings for %v, want the digest %s and the log file %s", found, res.Digests[region][1], res.Logs[region][0])
	}
}
