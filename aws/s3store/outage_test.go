package s3store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/trailkit/trailkit/aws/s3store"
	"github.com/trailkit/trailkit/logfile"
)

// TestFlushDuringOutage stops the S3 server in the middle of a Writer's
// Flush: a proxy in front of moto_server lets the first file through and
// then hangs up on every request (moto keeps its state in memory, so
// killing it would lose the bucket). Flush must fail and keep the batch;
// once the server is back the next Flush delivers it, and in the end every
// record is in exactly one digested log file and both chains validate.
func TestFlushDuringOutage(t *testing.T) {
	t.Parallel() // mostly waits: backoff, aws-cli, moto
	proxy := newFaultProxy(t, motoURL(t))
	client := newClient(t, endpoint(proxy.url))
	store, err := s3store.New(client, s3store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	bucket := newBucket(t, client)
	direct, err := s3store.New(newClient(t, endpoint(motoURL(t))), s3store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rig := newTrailRig(t, store, bucket)
	logFiles := func() int {
		n := 0
		for _, err := range direct.List(ctx, bucket, e2ePrefix+"/AWSLogs/"+e2eAccount+"/CloudTrail/", "") {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		return n
	}

	for range 6 {
		if err := rig.write(ctx, t, 3); err != nil {
			t.Fatal(err)
		}
		rig.advance(ctx, t, 5*time.Minute)
	}

	// The server goes away after the first of the two files of this Flush.
	if err := rig.write(ctx, t, 5); err != nil {
		t.Fatal(err)
	}
	before := logFiles()
	proxy.failAfterPuts(1, proxyDropBefore)
	err = rig.writer.Flush(ctx)
	var de *logfile.Error
	if !errors.Is(err, logfile.ErrDeliveryFailed) || !errors.As(err, &de) {
		t.Fatalf("Flush with the server stopping: error %v, want a *logfile.Error wrapping ErrDeliveryFailed", err)
	}
	if de.Op != "deliver" || de.Bucket == "" || !strings.Contains(de.Key, "/CloudTrail/") {
		t.Errorf("delivery error %+v: want Op deliver and the log file's bucket and key", de)
	}
	if got := rig.writer.Pending(); got != 5 {
		t.Errorf("Pending after the failed Flush = %d, want the 5 records of the undelivered batch", got)
	}
	if got := logFiles(); got != before+1 {
		t.Errorf("%d log files stored during the failed Flush, want 1", got-before)
	}
	// Still down: another Flush fails too and keeps the batch.
	if err := rig.writer.Flush(ctx); !errors.Is(err, logfile.ErrDeliveryFailed) {
		t.Errorf("second Flush with the server down: error %v, want ErrDeliveryFailed", err)
	}
	if got := rig.writer.Pending(); got != 5 {
		t.Errorf("Pending after the second failed Flush = %d, want 5", got)
	}
	proxy.set(proxyUp)
	if err := rig.writer.Flush(ctx); err != nil {
		t.Fatalf("Flush with the server back: %v", err)
	}
	if got := rig.writer.Pending(); got != 0 {
		t.Errorf("Pending after the successful Flush = %d, want 0", got)
	}
	if got := logFiles(); got != before+2 {
		t.Errorf("%d log files stored by the two Flushes, want 2", got-before)
	}
	if proxy.failures.Load() == 0 {
		t.Fatal("the proxy failed no request: the outage was not simulated")
	}

	// The answer to a stored Put is lost: Flush cannot know the file
	// arrived. Whatever the Writer does about it, no record may be lost and
	// the digests must list each record once.
	if err := rig.write(ctx, t, 4); err != nil {
		t.Fatal(err)
	}
	proxy.failAfterPuts(0, proxyDropAfter)
	if err := rig.writer.Flush(ctx); !errors.Is(err, logfile.ErrDeliveryFailed) {
		t.Errorf("Flush with the answers lost: error %v, want ErrDeliveryFailed", err)
	}
	proxy.set(proxyUp)
	if err := rig.writer.Flush(ctx); err != nil {
		t.Fatalf("Flush with the server back: %v", err)
	}

	for range 12 {
		if err := rig.write(ctx, t, 2); err != nil {
			t.Fatal(err)
		}
		rig.advance(ctx, t, 5*time.Minute)
	}
	rig.close(ctx, t)

	for _, region := range e2eRegions {
		rep := rig.validate(ctx, t, direct, region)
		if !rep.Strict() {
			t.Errorf("%s: chain not valid after the outage: %d digests, %d log files, findings %v", region, len(rep.Digests), len(rep.LogFiles), rep.Findings)
			for _, d := range rep.Digests {
				if d.Status != "valid" {
					t.Errorf("  %s: %s", d.Key, d.Message)
				}
			}
		}
		orphans := rig.checkDelivered(ctx, t, direct, region, rep)
		// Files stored while the answers were lost may remain outside the
		// digests; they may hold only records that a digested file holds too.
		lost := map[string]bool{}
		for _, id := range rig.written[region] {
			lost[id] = true
		}
		for key, ids := range orphans {
			for _, id := range ids {
				if !lost[id] {
					t.Errorf("%s: undigested file %s holds record %s that was never written", region, key, id)
				}
			}
		}
		t.Logf("%s: %d log files digested, %d stored but undigested (Puts whose answers were lost)", region, len(rep.LogFiles), len(orphans))
	}
}
