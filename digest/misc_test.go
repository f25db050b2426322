package digest_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/digest/awscli"
	"github.com/trailkit/trailkit/digest/internal/fixture"
	"github.com/trailkit/trailkit/logfile"
)

func TestIncludeInsightsOption(t *testing.T) {
	ctx := context.Background()
	for _, include := range []bool{false, true} {
		store := logfile.NewMemStore()
		clock := &fixture.Clock{T: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
		c, err := digest.NewChain(digest.ChainOptions{
			DigestChain:     logfile.DigestChain{Location: logfile.Location{Bucket: "b"}, Account: fixture.Account, Region: "us-east-1", Trail: "t", HomeRegion: "us-east-1"},
			Signer:          testSigner(t),
			Store:           store,
			Now:             clock.Now,
			IncludeInsights: include,
		})
		if err != nil {
			t.Fatal(err)
		}
		c.Add(logfile.Delivery{Bucket: "b", Key: "AWSLogs/x/CloudTrail/l.json.gz", Kind: logfile.KindLog, Account: fixture.Account, Region: "us-east-1", DeliveredAt: clock.T})
		c.Add(logfile.Delivery{Bucket: "b", Key: "AWSLogs/x/CloudTrail-Insight/i.json.gz", Kind: logfile.KindInsight, Account: fixture.Account, Region: "us-east-1", DeliveredAt: clock.T})
		clock.T = clock.T.Add(time.Hour)
		if err := c.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		_, key := c.State()
		o, _ := store.Get(ctx, "b", key)
		d, _ := digest.Parse(gunzip(t, o.Body))
		if want := map[bool]int{false: 1, true: 2}[include]; len(d.LogFiles) != want {
			t.Fatalf("IncludeInsights=%v: %d files listed", include, len(d.LogFiles))
		}
	}
}

func TestChainOptionsErrors(t *testing.T) {
	good := digest.ChainOptions{
		DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: "b"}, Account: fixture.Account, Region: "us-east-1", Trail: "t", HomeRegion: "us-east-1"},
		Signer:      testSigner(t),
		Store:       logfile.NewMemStore(),
	}
	shortKey, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for name, mod := range map[string]func(*digest.ChainOptions){
		"no trail":       func(c *digest.ChainOptions) { c.Trail = "" },
		"no home region": func(c *digest.ChainOptions) { c.HomeRegion = "" },
		"unsafe account": func(c *digest.ChainOptions) { c.Account = "../1" },
		"no bucket":      func(c *digest.ChainOptions) { c.Bucket = "" },
		"no signer":      func(c *digest.ChainOptions) { c.Signer = nil },
		"short key":      func(c *digest.ChainOptions) { c.Signer = shortKey },
		"ECDSA key":      func(c *digest.ChainOptions) { c.Signer = ecKey },
		"no store":       func(c *digest.ChainOptions) { c.Store = nil },
		"tiny interval":  func(c *digest.ChainOptions) { c.Interval = time.Millisecond },
		"unsafe prefix":  func(c *digest.ChainOptions) { c.Prefix = "../x" },
		"unsafe trail":   func(c *digest.ChainOptions) { c.Trail = "a\x00b" },
		"bucket slashes": func(c *digest.ChainOptions) { c.Bucket = "a/b" },
	} {
		c := good
		mod(&c)
		if _, err := digest.NewChain(c); !errors.Is(err, digest.ErrBadConfig) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestKeyValidityWindows(t *testing.T) {
	store := logfile.NewMemStore()
	res := build(t, store, fixture.Options{Hours: 1, Regions: []string{"us-east-1"}})
	k := testSigner(t).PublicKey()
	// A key that expired a day before the range is not used, as
	// ListPublicKeys would not return it.
	k.ValidityStart, k.ValidityEnd = res.Start.Add(-60*24*time.Hour), res.Start.Add(-24*time.Hour)
	r := &digest.KeyRing{}
	r.Add(k)
	if _, err := digest.Validate(context.Background(), store, res.ValidateOptions("us-east-1", r)); !errors.Is(err, digest.ErrNoPublicKeys) {
		t.Fatalf("expired key: %v", err)
	}
	// An unrelated key in range: the digests' key is "not found".
	o := otherSigner(t).PublicKey()
	r.Add(o)
	rep := validate(t, store, res.ValidateOptions("us-east-1", r))
	if len(rep.Digests) == 0 || rep.Digests[0].Status != digest.StatusPublicKeyNotFound {
		t.Fatalf("%+v", rep.Digests)
	}
	k.ValidityEnd = res.End
	r.Add(k)
	if rep := validate(t, store, res.ValidateOptions("us-east-1", r)); !rep.Strict() {
		t.Fatalf("key valid in range refused: %+v", rep.Digests)
	}
}

func TestBackfillNeedsGenerationTimestamp(t *testing.T) {
	ctx := context.Background()
	store := logfile.NewMemStore()
	id := logfile.DigestChain{Account: fixture.Account, Region: "us-east-1", Trail: "t", HomeRegion: "us-east-1"}
	end := time.Date(2024, 1, 1, 1, 0, 0, 0, time.UTC)
	key := id.Key(end, true).String()
	d := &digest.Digest{AWSAccountID: fixture.Account, DigestStartTime: "2024-01-01T00:00:00Z", DigestEndTime: end.Format(digest.TimeFormat),
		DigestS3Bucket: "b", DigestS3Object: key, DigestPublicKeyFingerprint: testSigner(t).Fingerprint().String(), DigestSignatureAlgorithm: digest.SignatureAlgorithm, LogFiles: []digest.LogFile{}}
	body, meta, _ := fixture.Encode(d, testSigner(t))
	store.Put(ctx, logfile.Object{Bucket: "b", Key: key, Body: body, Metadata: meta})
	opts := digest.ValidateOptions{DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: "b"}, Account: fixture.Account, Trail: "t", HomeRegion: "us-east-1"}, Start: end.Add(-2 * time.Hour), End: end, Keys: ring(testSigner(t))}
	rep := validate(t, store, opts)
	if len(rep.Digests) != 1 || !rep.Digests[0].Backfill || rep.Digests[0].Status != digest.StatusInvalidFormat {
		t.Fatalf("%+v", rep.Digests)
	}
	meta[digest.MetaBackfillGeneratedAt] = "2024-01-01T05:00:00Z"
	store.Put(ctx, logfile.Object{Bucket: "b", Key: key, Body: body, Metadata: meta})
	rep = validate(t, store, opts)
	var out, errw bytes.Buffer
	awscli.WriteText(&out, &errw, rep, awscli.Options{Verbose: true})
	if !rep.Strict() || !strings.Contains(out.String(), "(backfill) Digest file\ts3://b/"+key+"\tvalid\n") || !strings.Contains(out.String(), "\n1/1 backfill digest files valid\n") {
		t.Fatalf("%s%s", out.String(), errw.String())
	}
}

// A digest like the real sample, whose previousDigestHashValue has 63 hex
// digits: aws-cli accepts it (it never reads the member); the strict
// validator flags it.
func TestMalformedPreviousHashFlagged(t *testing.T) {
	ctx := context.Background()
	store := logfile.NewMemStore()
	id := logfile.DigestChain{Account: fixture.Account, Region: "us-west-2", Trail: "leh-ct-test", HomeRegion: "us-west-2"}
	end := time.Date(2020, 9, 11, 19, 36, 49, 0, time.UTC)
	prevKey := id.Key(end.Add(-time.Hour), false).String()
	h63 := "531914fcfa0dbacf0c9dd1475a1fdcb5dea6e85921409f3c3ec0ba39063c860"
	b, alg, sig := "b", "SHA-256", strings.Repeat("ab", 256)
	d := &digest.Digest{AWSAccountID: id.Account, DigestStartTime: "2020-09-11T18:36:49Z", DigestEndTime: end.Format(digest.TimeFormat),
		DigestS3Bucket: b, DigestS3Object: id.Key(end, false).String(), DigestPublicKeyFingerprint: testSigner(t).Fingerprint().String(), DigestSignatureAlgorithm: "SHA256withRSA",
		PreviousDigestS3Bucket: &b, PreviousDigestS3Object: &prevKey, PreviousDigestHashValue: &h63, PreviousDigestHashAlgorithm: &alg, PreviousDigestSignature: &sig, LogFiles: []digest.LogFile{}}
	body, meta, _ := fixture.Encode(d, testSigner(t))
	store.Put(ctx, logfile.Object{Bucket: b, Key: d.DigestS3Object, Body: body, Metadata: meta})
	rep := validate(t, store, digest.ValidateOptions{
		DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: b}, Account: id.Account, Trail: id.Trail, HomeRegion: id.HomeRegion},
		Start:       end.Add(-30 * time.Minute),
		End:         end,
		Keys:        ring(testSigner(t)),
	})
	if rep.Digests[0].Status != digest.StatusValid {
		t.Fatalf("%+v", rep.Digests[0])
	}
	kinds := map[digest.FindingKind]bool{}
	for _, f := range rep.Findings {
		kinds[f.Kind] = true
	}
	if !kinds[digest.FindingMalformedValue] {
		t.Fatalf("63-digit previous hash not flagged: %+v", rep.Findings)
	}
}

// The chain's digest keys follow CloudTrail's documented layout, and
// KeyTime reads their time back by position as aws-cli does.
func TestDigestKeyMatchesLogfileKeys(t *testing.T) {
	for _, c := range []struct {
		id   logfile.DigestChain
		want string // with %s for the backfill suffix
	}{
		{logfile.DigestChain{Account: "444455556666", Region: "ap-northeast-1", Trail: "llm-guard-trail", HomeRegion: "us-west-2"},
			"AWSLogs/444455556666/CloudTrail-Digest/ap-northeast-1/2023/10/15/444455556666_CloudTrail-Digest_ap-northeast-1_llm-guard-trail_us-west-2_20231015T230404Z%s.json.gz"},
		{logfile.DigestChain{Account: "123456789015", Region: "ca-central-1", Trail: "org_trail.v2", HomeRegion: "us-east-1", Location: logfile.Location{Prefix: "o-a1b2c3d4e5", OrgID: "o-a1b2c3d4e5"}},
			"o-a1b2c3d4e5/AWSLogs/o-a1b2c3d4e5/123456789015/CloudTrail-Digest/ca-central-1/2023/10/15/123456789015_CloudTrail-Digest_ca-central-1_org_trail.v2_us-east-1_20231015T230404Z%s.json.gz"},
	} {
		id := c.id
		for _, backfill := range []bool{false, true} {
			end := time.Date(2023, 10, 15, 23, 4, 4, 0, time.UTC)
			suffix := ""
			if backfill {
				suffix = "_backfill"
			}
			lk := fmt.Sprintf(c.want, suffix)
			if got := id.Key(end, backfill).String(); got != lk {
				t.Errorf("%s\n!= documented %s", got, lk)
			}
			if !id.Match(lk) {
				t.Errorf("chain does not match its own key %s", lk)
			}
			if kt, ok := digest.KeyTime(lk); !ok || !kt.Equal(end) || digest.IsBackfillKey(lk) != backfill {
				t.Errorf("KeyTime(%s) = %v %v", lk, kt, ok)
			}
		}
	}
}

func TestLogFileSizeCap(t *testing.T) {
	store := logfile.NewMemStore()
	res := build(t, store, fixture.Options{Hours: 1, Regions: []string{"us-east-1"}})
	opts := res.ValidateOptions("us-east-1", ring(testSigner(t)))
	opts.MaxLogFileSize = 100
	rep := validate(t, store, opts)
	if len(rep.LogFiles) == 0 {
		t.Fatal("no log files")
	}
	for _, l := range rep.LogFiles {
		if l.Status != digest.StatusInvalidFormat || !errors.Is(l.Err, digest.ErrTooLarge) || !strings.Contains(l.Err.Error(), "larger than 100 bytes") {
			t.Fatalf("%s: %s %v", l.Key, l.Status, l.Err)
		}
	}
	opts.MaxLogFileSize = 0
	if rep := validate(t, store, opts); !rep.Strict() {
		t.Fatal("default cap refused the files")
	}
}

// blockingStore holds every Put until release is closed.
type blockingStore struct {
	logfile.Store
	entered chan struct{}
	release chan struct{}
}

func (s *blockingStore) Put(ctx context.Context, o logfile.Object) error {
	select {
	case s.entered <- struct{}{}:
	default:
	}
	<-s.release
	return s.Store.Put(ctx, o)
}

// Add must not wait for a Put in progress, and a delivery added during the
// Put (even one dated inside the window being stored) lands in the next
// digest instead of being dropped.
func TestAddDuringPut(t *testing.T) {
	ctx := context.Background()
	store := &blockingStore{Store: logfile.NewMemStore(), entered: make(chan struct{}, 1), release: make(chan struct{})}
	clock := &fixture.Clock{T: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	c, _ := digest.NewChain(digest.ChainOptions{
		DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: "b"}, Account: fixture.Account, Region: "us-east-1", Trail: "t", HomeRegion: "us-east-1"},
		Signer:      testSigner(t),
		Store:       store,
		Now:         clock.Now,
	})
	c.Add(logfile.Delivery{Bucket: "b", Key: "AWSLogs/a.json.gz", Kind: logfile.KindLog, Account: fixture.Account, Region: "us-east-1", DeliveredAt: clock.T.Add(time.Minute)})
	clock.T = clock.T.Add(time.Hour)
	done := make(chan error)
	go func() { done <- c.Tick(ctx) }()
	<-store.entered
	// Dated inside the window whose digest is being stored right now.
	c.Add(logfile.Delivery{Bucket: "b", Key: "AWSLogs/late.json.gz", Kind: logfile.KindLog, Account: fixture.Account, Region: "us-east-1", DeliveredAt: clock.T.Add(-time.Minute)})
	close(store.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	clock.T = clock.T.Add(time.Hour)
	if err := c.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	var listed [][]string
	for k := range store.List(ctx, "b", "", "") {
		o, _ := store.Get(ctx, "b", k)
		d, _ := digest.Parse(gunzip(t, o.Body))
		var keys []string
		for _, f := range d.LogFiles {
			keys = append(keys, f.S3Object)
		}
		listed = append(listed, keys)
	}
	if len(listed) != 2 || strings.Join(listed[0], ",") != "AWSLogs/a.json.gz" || strings.Join(listed[1], ",") != "AWSLogs/late.json.gz" {
		t.Fatalf("digests list %v", listed)
	}
}

// After a crash with deliveries not yet digested, ResumeChain + Recover
// puts them in the next digest: every stored log file ends up listed once.
func TestRecoverAfterCrash(t *testing.T) {
	ctx := context.Background()
	store := logfile.NewMemStore()
	clock := &fixture.Clock{T: time.Date(2024, 2, 28, 23, 10, 30, 0, time.UTC)}
	cfg := digest.ChainOptions{
		DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: fixture.Bucket, Prefix: "p"}, Account: fixture.Account, Region: "eu-west-1", Trail: "t", HomeRegion: "us-east-1"},
		Signer:      testSigner(t),
		Store:       store,
		Now:         clock.Now,
	}
	c, _ := digest.NewChain(cfg)
	rng := nil2rng(7)
	n := 0
	deliver := func(c *digest.Chain) {
		gz, sum, o, nw := fixture.LogFile(rng, fixture.Account, "eu-west-1", 2, 0, clock.T.Add(-2*time.Minute), clock.T)
		key := logfile.Key{Kind: logfile.KindLog, Prefix: "p", Account: fixture.Account, Region: "eu-west-1", Time: clock.T, Unique: fmt.Sprintf("R%015d", n)}.String()
		store.Put(ctx, logfile.Object{Bucket: fixture.Bucket, Key: key, Body: gz})
		c.Add(logfile.Delivery{Bucket: fixture.Bucket, Key: key, Kind: logfile.KindLog, Account: fixture.Account, Region: "eu-west-1", SHA256: sum, OldestEventTime: o, NewestEventTime: nw, DeliveredAt: clock.T})
		n++
	}
	for range 20 { // 100 minutes: one digest written, files pending
		clock.T = clock.T.Add(5 * time.Minute)
		deliver(c)
		if err := c.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// Crash: c is abandoned with undigested deliveries. A new process:
	c2, err := digest.ResumeChain(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c2.Recover(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got != 9 { // files delivered at or after the first digest's end, 00:10:30
		t.Fatalf("recovered %d files", got)
	}
	for range 10 {
		clock.T = clock.T.Add(5 * time.Minute)
		deliver(c2)
		if err := c2.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if err := c2.Close(ctx); err != nil {
		t.Fatal(err)
	}
	rep := validate(t, store, digest.ValidateOptions{
		DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: fixture.Bucket, Prefix: "p"}, Account: fixture.Account, Trail: "t", HomeRegion: "us-east-1", Region: "eu-west-1"},
		Start:       time.Date(2024, 2, 28, 23, 0, 0, 0, time.UTC),
		End:         clock.T,
		Keys:        ring(testSigner(t)),
	})
	if !rep.Strict() || len(rep.LogFiles) != n {
		t.Fatalf("%d of %d files validated; findings %v", len(rep.LogFiles), n, rep.Findings)
	}
}

// TestKeyValidityWindow: like aws-cli, Validate uses the keys whose
// validity window overlaps [Start, End+2h]; a key valid only later is not
// asked for, and then no key is in range.
func TestKeyValidityWindow(t *testing.T) {
	store := logfile.NewMemStore()
	res := build(t, store, fixture.Options{Hours: 1, Regions: []string{"us-east-1"}})
	withWindow := func(from time.Time) *digest.KeyRing {
		k := testSigner(t).PublicKey()
		k.ValidityStart, k.ValidityEnd = from, from.Add(30*24*time.Hour)
		r := &digest.KeyRing{}
		r.Add(k)
		return r
	}
	opts := res.ValidateOptions("us-east-1", withWindow(res.End.Add(2*time.Hour)))
	if rep := validate(t, store, opts); !rep.Strict() {
		t.Fatal("a key valid from End+2h was not used")
	}
	opts.Keys = withWindow(res.End.Add(2*time.Hour + time.Second))
	if _, err := digest.Validate(context.Background(), store, opts); !errors.Is(err, digest.ErrNoPublicKeys) {
		t.Fatalf("a key valid only after End+2h: %v, want ErrNoPublicKeys", err)
	}
}

// Chain.Add, KeyRing and Validate from many goroutines at once (run
// under -race).
func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	store := logfile.NewMemStore()
	res := build(t, store, fixture.Options{Hours: 1, Regions: []string{"us-east-1", "eu-west-1"}})
	keys := &digest.KeyRing{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			keys.Add(testSigner(t).PublicKey())
			_ = lookup(keys, testSigner(t).Fingerprint())
			_ = keys.Keys()
		}()
	}
	wg.Wait()
	errs := make(chan error, 4)
	for _, r := range append(res.Regions, res.Regions...) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep, err := digest.Validate(ctx, store, res.ValidateOptions(r, keys))
			if err == nil && !rep.Strict() {
				err = errors.New(r + ": not valid")
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	clock := &fixture.Clock{T: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)}
	set, _ := digest.NewChain(digest.ChainOptions{DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: "b"}, Trail: "t", HomeRegion: "us-east-1"}, Signer: testSigner(t), Store: store, Now: clock.Now})
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				region := []string{"us-east-1", "eu-west-1"}[i%2]
				set.Add(logfile.Delivery{Bucket: "b", Key: fmt.Sprintf("AWSLogs/%d/%d.json.gz", g, i), Kind: logfile.KindLog, Account: fixture.Account, Region: region, DeliveredAt: clock.T})
			}
		}()
	}
	wg.Wait()
	clock.T = clock.T.Add(time.Hour)
	if err := set.Close(ctx); err != nil {
		t.Fatal(err)
	}
	total := 0
	for key := range store.List(ctx, "b", "", "") {
		o, _ := store.Get(ctx, "b", key)
		d, _ := digest.Parse(gunzip(t, o.Body))
		total += len(d.LogFiles)
	}
	if set.Chains() != 2 || total != 100 {
		t.Fatalf("%d chains, %d files", set.Chains(), total)
	}
}
