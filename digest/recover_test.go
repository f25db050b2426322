package digest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/digest/internal/fixture"
	"github.com/trailkit/trailkit/logfile"
)

type recoverEnv struct {
	t     *testing.T
	store logfile.Store
	clock *fixture.Clock
	cfg   digest.ChainOptions
	n     int
	keys  []string
}

func newRecoverEnv(t *testing.T, interval time.Duration) *recoverEnv {
	store := logfile.NewMemStore()
	clock := &fixture.Clock{T: time.Date(2024, 2, 28, 23, 10, 30, 0, time.UTC)}
	return &recoverEnv{t: t, store: store, clock: clock, cfg: digest.ChainOptions{
		DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: fixture.Bucket}, Account: fixture.Account, Region: "eu-west-1", Trail: "t", HomeRegion: "us-east-1"},
		Signer:      testSigner(t),
		Store:       store,
		Now:         clock.Now,
		Interval:    interval,
	}}
}

// put stores a log file whose key time is at; add also gives it to c.
func (e *recoverEnv) put(c *digest.Chain, at time.Time) {
	gz, sum, o, nw := fixture.LogFile(nil2rng(e.n), fixture.Account, "eu-west-1", 2, 0, at.Add(-time.Minute), at)
	key := logfile.Key{Kind: logfile.KindLog, Account: fixture.Account, Region: "eu-west-1", Time: at, Unique: fmt.Sprintf("R%015d", e.n)}.String()
	e.n++
	e.keys = append(e.keys, key)
	if err := e.store.Put(context.Background(), logfile.Object{Bucket: fixture.Bucket, Key: key, Body: gz}); err != nil {
		e.t.Fatal(err)
	}
	if c != nil {
		c.Add(logfile.Delivery{Bucket: fixture.Bucket, Key: key, Kind: logfile.KindLog, Account: fixture.Account, Region: "eu-west-1",
			SHA256: sum, OldestEventTime: o, NewestEventTime: nw, DeliveredAt: at})
	}
}

// listings counts, for every stored log file, the digests listing it.
func (e *recoverEnv) listings() map[string]int {
	ctx := context.Background()
	counts := map[string]int{}
	for _, k := range e.keys {
		counts[k] = 0
	}
	for key, err := range e.store.List(ctx, fixture.Bucket, "", "") {
		if err != nil {
			e.t.Fatal(err)
		}
		if !strings.Contains(key, "CloudTrail-Digest") {
			continue
		}
		o, _ := e.store.Get(ctx, fixture.Bucket, key)
		d, err := digest.Parse(gunzip(e.t, o.Body))
		if err != nil {
			e.t.Fatal(err)
		}
		for _, f := range d.LogFiles {
			counts[f.S3Object]++
		}
	}
	return counts
}

func (e *recoverEnv) checkOnce(what string) {
	for k, c := range e.listings() {
		if c != 1 {
			e.t.Errorf("%s: %s listed in %d digests, want 1", what, k, c)
		}
	}
}

// TestRecoverLateFile: a file stored with a key time before the newest
// digest's end that never reached a digest (its Add came after the digest
// was written, then the process died) is recovered. Before, Recover looked
// only at files from the window start's minute on and left it out of every
// digest.
func TestRecoverLateFile(t *testing.T) {
	ctx := context.Background()
	e := newRecoverEnv(t, 0)
	c, _ := digest.NewChain(e.cfg)
	e.put(c, e.clock.T.Add(time.Minute))
	late := e.clock.T.Add(40 * time.Minute)
	e.clock.T = e.clock.T.Add(61 * time.Minute)
	if err := c.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	e.put(nil, late) // delivered at 23:50, never added: crash
	c2, err := digest.ResumeChain(ctx, e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := c2.Recover(ctx); n != 1 || err != nil {
		t.Fatalf("Recover = %d, %v; want the late file", n, err)
	}
	// Recover twice, or a Writer's replay delivering the same key: still once.
	if n, _ := c2.Recover(ctx); n != 0 {
		t.Errorf("second Recover added %d", n)
	}
	if err := c2.Close(ctx); err != nil {
		t.Fatal(err)
	}
	e.checkOnce("after crash")
}

// TestRecoverCleanRestart: short windows, so that one minute holds files
// of several digests; after a clean Close, ResumeChain + Recover adds
// nothing. Before, Recover checked only the newest digest's list and listed
// the minute's earlier files a second time, which --strict reports.
func TestRecoverCleanRestart(t *testing.T) {
	ctx := context.Background()
	e := newRecoverEnv(t, 10*time.Second)
	c, _ := digest.NewChain(e.cfg)
	for range 25 { // to 23:11:45: the minute 23:11 spans several digests
		e.clock.T = e.clock.T.Add(3 * time.Second)
		e.put(c, e.clock.T)
		if err := c.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Close(ctx); err != nil {
		t.Fatal(err)
	}
	e.clock.T = e.clock.T.Add(2 * time.Second)
	c2, err := digest.ResumeChain(ctx, e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := c2.Recover(ctx); n != 0 || err != nil {
		t.Errorf("Recover after a clean close = %d, %v; want 0", n, err)
	}
	for range 5 {
		e.clock.T = e.clock.T.Add(3 * time.Second)
		e.put(c2, e.clock.T)
		c2.Tick(ctx)
	}
	if err := c2.Close(ctx); err != nil {
		t.Fatal(err)
	}
	e.checkOnce("after clean restart")
	rep := validate(t, e.store, digest.ValidateOptions{
		DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: fixture.Bucket}, Account: fixture.Account, Trail: "t", HomeRegion: "us-east-1", Region: "eu-west-1"},
		Start:       time.Date(2024, 2, 28, 23, 0, 0, 0, time.UTC),
		End:         e.clock.T,
		Keys:        ring(testSigner(t)),
	})
	if !rep.Strict() || len(rep.LogFiles) != e.n {
		t.Errorf("strict %v: %d of %d files validated; findings %v", rep.Strict(), len(rep.LogFiles), e.n, rep.Findings)
	}
}
