package digest_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/digest/awscli"
	"github.com/trailkit/trailkit/digest/internal/fixture"
	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/logfile"
)

// TestWriterChainDirStore drives the real logfile.Writer on a simulated
// clock for 6 hours in two regions, with a Chain for the trail (both
// regions) subscribed to it and a DirStore underneath; a second Chain then
// resumes both chains as after
// a restart. Validate must find both chains whole and every file listed.
func TestWriterChainDirStore(t *testing.T) {
	ctx := context.Background()
	store, err := logfile.NewDirStore(t.TempDir(), logfile.DirStoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	now := time.Date(2025, 7, 1, 22, 3, 9, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	start := clock()
	w, err := logfile.NewWriter(store, logfile.WriterOptions{ManualTick: true, Location: logfile.Location{Bucket: fixture.Bucket, Prefix: "org-audit"}, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	cfg := digest.ChainOptions{
		DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: fixture.Bucket, Prefix: "org-audit"}, Trail: fixture.Trail, HomeRegion: fixture.HomeRegion},
		Signer:      testSigner(t),
		Store:       store,
		Now:         clock,
	}
	set, err := digest.NewChain(cfg)
	if err != nil {
		t.Fatal(err)
	}
	delivered := map[string]int{}
	var dmu sync.Mutex
	w.Subscribe(set.Add)
	w.Subscribe(func(d logfile.Delivery) { dmu.Lock(); delivered[d.Region]++; dmu.Unlock() })
	regions := []string{"us-east-1", "eu-central-1"}
	run := func(tick func(context.Context) error, minutes int) {
		for i := range minutes {
			for j, r := range regions {
				rec := event.Builder{}.APICall(event.Record{EventSource: "s3.amazonaws.com", EventName: "ListBuckets", AWSRegion: r,
					RecipientAccountID: fixture.Account, EventTime: clock(), EventID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i*2+j)})
				if err := w.Write(ctx, rec); err != nil {
					t.Fatal(err)
				}
			}
			advance(time.Minute)
			if err := w.Tick(ctx); err != nil {
				t.Fatal(err)
			}
			if err := tick(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	run(set.Tick, 3*60)
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	advance(time.Hour) // let the windows holding the flushed files end
	if err := set.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	// Restart: a new Chain resumes both chains from the DirStore.
	set2, err := digest.NewChain(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range regions {
		if _, err := set2.Resume(ctx, fixture.Account, r); err != nil {
			t.Fatal(err)
		}
	}
	w.Subscribe(set2.Add) // set is abandoned; it has nothing pending
	run(set2.Tick, 3*60)
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	advance(2 * time.Minute)
	if err := set2.Close(ctx); err != nil {
		t.Fatal(err)
	}
	for _, r := range regions {
		var progressCalls, lastDone int
		rep := validate(t, store, digest.ValidateOptions{
			DigestChain:         logfile.DigestChain{Location: logfile.Location{Bucket: fixture.Bucket, Prefix: "org-audit"}, Region: r},
			TrailARN:            fixture.TrailARN(),
			Start:               start,
			End:                 clock(),
			Keys:                ring(testSigner(t)),
			ReportMissingNewest: true,
			Progress:            func(done, queued int) { progressCalls++; lastDone = done },
		})
		if !rep.Strict() || len(rep.Gaps) != 0 {
			t.Fatalf("%s: findings %v gaps %v", r, rep.Findings, rep.Gaps)
		}
		if len(rep.LogFiles) != delivered[r] || delivered[r] < 60 {
			t.Fatalf("%s: %d files validated, %d delivered", r, len(rep.LogFiles), delivered[r])
		}
		if progressCalls != len(rep.LogFiles) || lastDone != len(rep.LogFiles) {
			t.Fatalf("progress called %d times, last done %d, for %d files", progressCalls, lastDone, len(rep.LogFiles))
		}
	}
}

func TestReportMissingNewest(t *testing.T) {
	store := fixture.NewStore()
	res := build(t, store, fixture.Options{Hours: 3, Regions: []string{"us-east-1"}})
	opts := res.ValidateOptions("us-east-1", ring(testSigner(t)))
	opts.ReportMissingNewest = true
	if rep := validate(t, store, opts); !rep.Strict() {
		t.Fatalf("complete chain flagged: %v", rep.Findings)
	}
	// The newest two digests vanish: aws-cli's walk just starts lower.
	D := res.Digests["us-east-1"]
	store.Delete(res.Bucket, D[3])
	store.Delete(res.Bucket, D[2])
	rep := validate(t, store, opts)
	if !rep.OK() || len(rep.Findings) != 1 || rep.Findings[0].Kind != digest.FindingMissingNewest {
		t.Fatalf("ok %v findings %v", rep.OK(), rep.Findings)
	}
	// Compatible output ignores findings; strict output prints and counts them.
	var out, errw bytes.Buffer
	if code, _ := awscli.WriteText(&out, &errw, rep, awscli.Options{}); code != 0 || errw.Len() != 0 {
		t.Fatalf("compat: %d %q", code, errw.String())
	}
	out.Reset()
	if code, _ := awscli.WriteText(&out, &errw, rep, awscli.Options{Strict: true}); code != 1 || !strings.Contains(errw.String(), "\tINVALID: digests missing at the newest end of the range (no digest covers ") {
		t.Fatalf("strict: %d %q", code, errw.String())
	}
}
