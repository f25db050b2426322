package digest_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/digest/awscli"
	"github.com/trailkit/trailkit/digest/internal/fixture"
	"github.com/trailkit/trailkit/logfile"
)

func TestChainAndValidateRoundTrip(t *testing.T) {
	for _, tc := range []struct{ name, prefix, org string }{{"plain", "", ""}, {"prefix-org", "audit/p", "o-a1b2c3d4e5"}} {
		t.Run(tc.name, func(t *testing.T) {
			store := logfile.NewMemStore()
			res := build(t, store, fixture.Options{Prefix: tc.prefix, OrgID: tc.org, QuietHour: 2})
			for _, region := range res.Regions {
				if got := len(res.Digests[region]); got != 4 {
					t.Fatalf("%s: %d digests, want 3 hourly + 1 final: %v", region, got, res.Digests[region])
				}
				rep := validate(t, store, res.ValidateOptions(region, ring(testSigner(t))))
				if !rep.Strict() {
					t.Fatalf("%s: not valid: %+v %+v", region, rep.Digests, rep.Findings)
				}
				if len(rep.Digests) != 4 || len(rep.LogFiles) != 8 || len(rep.Gaps) != 0 {
					t.Fatalf("%s: %d digests, %d logs, %d gaps; want 4, 8 (quiet hour 2), 0", region, len(rep.Digests), len(rep.LogFiles), len(rep.Gaps))
				}
				var stdout, stderr bytes.Buffer
				code, err := awscli.WriteText(&stdout, &stderr, rep, awscli.Options{})
				if err != nil || code != 0 || stderr.Len() != 0 {
					t.Fatalf("code %d err %v stderr %q", code, err, stderr.String())
				}
				want := "Validating log files for trail " + fixture.TrailARN() + " between 2024-03-05T09:17:42Z and 2024-03-05T12:24:42Z\n\n" +
					"Results requested for 2024-03-05T09:17:42Z to 2024-03-05T12:24:42Z\n" +
					"Results found for 2024-03-05T09:17:42Z to 2024-03-05T12:24:42Z:\n\n4/4 digest files valid\n8/8 log files valid\n"
				if stdout.String() != want {
					t.Fatalf("stdout\n%q\nwant\n%q", stdout.String(), want)
				}
			}
			// The quiet hour's digest is empty with null event times, and the
			// first is a starting digest.
			obj, _ := store.Get(context.Background(), res.Bucket, res.Digests["eu-west-1"][1])
			raw := gunzip(t, obj.Body)
			if !bytes.Contains(raw, []byte(`"newestEventTime":null,"oldestEventTime":null,"previousDigestS3Bucket":"trailkit-fixture-bucket"`)) || !bytes.HasSuffix(raw, []byte(`"logFiles":[]}`)) {
				t.Fatalf("quiet-hour digest: %s", raw)
			}
			obj, _ = store.Get(context.Background(), res.Bucket, res.Digests["eu-west-1"][0])
			if raw := gunzip(t, obj.Body); !bytes.Contains(raw, []byte(`"previousDigestS3Bucket":null,"previousDigestS3Object":null,"previousDigestHashValue":null,"previousDigestHashAlgorithm":null,"previousDigestSignature":null,`)) {
				t.Fatalf("starting digest: %s", raw)
			}
			if obj.Metadata["signature-algorithm"] != "SHA256withRSA" || len(obj.Metadata["signature"]) != 512 {
				t.Fatalf("metadata %v", obj.Metadata)
			}
		})
	}
}

func TestDaysOfSimulatedTime(t *testing.T) {
	t.Parallel()
	hours, files := 24*5, 12
	if testing.Short() || raceEnabled {
		hours, files = 48, 4
	}
	store := logfile.NewMemStore()
	start := time.Now()
	res := build(t, store, fixture.Options{Hours: hours, Regions: []string{"ap-northeast-1"}, FilesPerHour: files, Records: 1})
	if n := len(res.Digests["ap-northeast-1"]); n != hours+1 {
		t.Fatalf("%d digests, want %d", n, hours+1)
	}
	rep := validate(t, store, res.ValidateOptions("ap-northeast-1", ring(testSigner(t))))
	if !rep.Strict() || len(rep.LogFiles) != hours*files || len(rep.Digests) != hours+1 {
		t.Fatalf("digests %d logs %d findings %v", len(rep.Digests), len(rep.LogFiles), rep.Findings)
	}
	t.Logf("%d simulated hours written and validated in %v", hours, time.Since(start))
}

// failingStore fails the next n Puts.
type failingStore struct {
	logfile.Store
	mu   sync.Mutex
	fail int
}

var errInjected = errors.New("injected put failure")

func (s *failingStore) Put(ctx context.Context, o logfile.Object) error {
	s.mu.Lock()
	f := s.fail > 0
	if f {
		s.fail--
	}
	s.mu.Unlock()
	if f {
		return errInjected
	}
	return s.Store.Put(ctx, o)
}

func TestChainResumeAndFailedPut(t *testing.T) {
	ctx := context.Background()
	mem := logfile.NewMemStore()
	store := &failingStore{Store: mem}
	clock := &fixture.Clock{T: time.Date(2025, 1, 31, 23, 30, 5, 0, time.UTC)}
	cfg := digest.ChainOptions{
		DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: fixture.Bucket}, Account: fixture.Account, Region: "us-west-2", Trail: fixture.Trail, HomeRegion: fixture.HomeRegion},
		Signer:      testSigner(t),
		Store:       store,
		Now:         clock.Now,
	}
	c, err := digest.NewChain(cfg)
	if err != nil {
		t.Fatal(err)
	}
	deliver := func(c *digest.Chain, n int) {
		gz, sum, o, nw := fixture.LogFile(nil2rng(n), fixture.Account, "us-west-2", 3, 0, clock.T.Add(-time.Minute), clock.T)
		key := logfile.Key{Kind: logfile.KindLog, Account: fixture.Account, Region: "us-west-2", Time: clock.T, Unique: "AAAAAAAAAAAAAAA" + string(rune('a'+n%26))}.String()
		if err := mem.Put(ctx, logfile.Object{Bucket: fixture.Bucket, Key: key, Body: gz}); err != nil {
			t.Fatal(err)
		}
		c.Add(logfile.Delivery{Bucket: fixture.Bucket, Key: key, Kind: logfile.KindLog, Account: fixture.Account, Region: "us-west-2", SHA256: sum, OldestEventTime: o, NewestEventTime: nw, DeliveredAt: clock.T})
		// Ignored: other region, other bucket, a digest kind.
		c.Add(logfile.Delivery{Bucket: fixture.Bucket, Key: key + "x", Kind: logfile.KindLog, Account: fixture.Account, Region: "eu-west-1", DeliveredAt: clock.T})
		c.Add(logfile.Delivery{Bucket: "other", Key: key + "y", Kind: logfile.KindLog, Account: fixture.Account, Region: "us-west-2", DeliveredAt: clock.T})
		c.Add(logfile.Delivery{Bucket: fixture.Bucket, Key: key + "z", Kind: logfile.KindDigest, Account: fixture.Account, Region: "us-west-2", DeliveredAt: clock.T})
	}
	n := 0
	for range 30 { // 2.5 hours, one file each 5 minutes
		clock.T = clock.T.Add(5 * time.Minute)
		deliver(c, n)
		n++
		if err := c.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// A failing Put: the error comes back and nothing is lost.
	store.fail = 2
	clock.T = clock.T.Add(40 * time.Minute)
	if err := c.Tick(ctx); !errors.Is(err, errInjected) {
		t.Fatalf("Tick = %v, want injected failure", err)
	}
	deliver(c, n) // delivered while the store is failing
	n++
	if err := c.Tick(ctx); !errors.Is(err, errInjected) {
		t.Fatalf("second Tick = %v", err)
	}
	if err := c.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	// Deliveries not yet digested live in memory only; let the window of
	// the last one close before the "restart".
	clock.T = clock.T.Add(time.Hour)
	if err := c.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	// "Restart": a new process resumes the chain from the store; the old
	// chain object is abandoned without Close.
	_, lastKey := c.State()
	c2, err := digest.ResumeChain(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, k := c2.State(); k != lastKey {
		t.Fatalf("resumed from %q, want %q", k, lastKey)
	}
	for range 20 {
		clock.T = clock.T.Add(5 * time.Minute)
		deliver(c2, n)
		n++
		if err := c2.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	clock.T = clock.T.Add(3 * time.Minute)
	if err := c2.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c2.Close(ctx); !errors.Is(err, digest.ErrChainClosed) {
		t.Fatalf("second Close = %v", err)
	}
	rep := validate(t, mem, digest.ValidateOptions{
		DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: fixture.Bucket}, Region: "us-west-2"},
		TrailARN:    fixture.TrailARN(),
		Start:       time.Date(2025, 1, 31, 23, 0, 0, 0, time.UTC),
		End:         clock.T,
		Keys:        ring(testSigner(t)),
	})
	if !rep.Strict() || len(rep.Gaps) != 0 {
		t.Fatalf("not one valid chain: gaps %v findings %v digests %+v", rep.Gaps, rep.Findings, rep.Digests)
	}
	if len(rep.LogFiles) != n {
		t.Fatalf("%d log files validated, %d delivered", len(rep.LogFiles), n)
	}
	// The date folders follow the end time across the month boundary.
	oldest := rep.Digests[len(rep.Digests)-1]
	if k := oldest.Key; !strings.Contains(k, "/2025/02/01/") || !strings.HasSuffix(k, "_20250201T003005Z.json.gz") || oldest.Digest.DigestStartTime != "2025-01-31T23:30:05Z" || !oldest.Digest.IsStarting() {
		t.Fatalf("oldest digest %s starting at %s", k, oldest.Digest.DigestStartTime)
	}
}

func TestChainConcurrentAdd(t *testing.T) {
	ctx := context.Background()
	store := logfile.NewMemStore()
	clock := &fixture.Clock{T: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)}
	var mu sync.Mutex
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock.T }
	c, err := digest.NewChain(digest.ChainOptions{
		DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: "b"}, Account: fixture.Account, Region: "us-east-1", Trail: "t", HomeRegion: "us-east-1"},
		Signer:      testSigner(t),
		Store:       store,
		Now:         now,
	})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				mu.Lock()
				at := clock.T
				mu.Unlock()
				c.Add(logfile.Delivery{Bucket: "b", Key: "AWSLogs/k" + string(rune('a'+g)) + "/" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Kind: logfile.KindLog, Account: fixture.Account, Region: "us-east-1", DeliveredAt: at})
			}
		}()
	}
	go func() {
		for range 10 {
			mu.Lock()
			clock.T = clock.T.Add(20 * time.Minute)
			mu.Unlock()
			_ = c.Tick(ctx)
		}
	}()
	wg.Wait()
	mu.Lock()
	clock.T = clock.T.Add(5 * time.Hour)
	mu.Unlock()
	if err := c.Close(ctx); err != nil {
		t.Fatal(err)
	}
	total := 0
	for k := range store.List(ctx, "b", "", "") {
		obj, _ := store.Get(ctx, "b", k)
		d, err := digest.Parse(gunzip(t, obj.Body))
		if err != nil {
			t.Fatal(err)
		}
		total += len(d.LogFiles)
	}
	if total != 400 {
		t.Fatalf("%d files listed, want 400", total)
	}
}

func TestHostileDigestCannotEscapeDirStore(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir()
	root := filepath.Join(tmp, "root")
	secret := filepath.Join(tmp, "secret.json.gz")
	gz, sum, _, _ := fixture.LogFile(nil2rng(1), fixture.Account, "us-east-1", 1, 0, time.Unix(0, 0), time.Unix(0, 0))
	if err := os.WriteFile(secret, gz, 0o600); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(root, 0o755)
	ds, err := logfile.NewDirStore(root, logfile.DirStoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, store := range []logfile.Store{ds, logfile.NewMemStore()} {
		id := logfile.DigestChain{Account: fixture.Account, Region: "us-east-1", Trail: "t", HomeRegion: "us-east-1"}
		end := "2024-01-01T01:00:00Z"
		key := id.Key(time.Date(2024, 1, 1, 1, 0, 0, 0, time.UTC), false).String()
		d := &digest.Digest{AWSAccountID: fixture.Account, DigestStartTime: "2024-01-01T00:00:00Z", DigestEndTime: end,
			DigestS3Bucket: "b", DigestS3Object: key, DigestPublicKeyFingerprint: testSigner(t).Fingerprint().String(), DigestSignatureAlgorithm: "SHA256withRSA"}
		for _, k := range []string{"../secret.json.gz", "/" + secret, "a/../../secret.json.gz", "x\x00y", "..", "a\\..\\..\\secret.json.gz"} {
			d.LogFiles = append(d.LogFiles, digest.LogFile{S3Bucket: "b", S3Object: k, HashValue: digest.Hash(sum).String(), HashAlgorithm: "SHA-256", NewestEventTime: end, OldestEventTime: end})
		}
		d.LogFiles = append(d.LogFiles, digest.LogFile{S3Bucket: "..", S3Object: "secret.json.gz", HashValue: digest.Hash(sum).String(), HashAlgorithm: "SHA-256"})
		body, meta, err := fixture.Encode(d, testSigner(t))
		if err != nil {
			t.Fatal(err)
		}
		if err := store.Put(ctx, logfile.Object{Bucket: "b", Key: key, Body: body, Metadata: meta}); err != nil {
			t.Fatal(err)
		}
		rep := validate(t, store, digest.ValidateOptions{
			DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: "b"}, Account: fixture.Account, Trail: "t", HomeRegion: "us-east-1"},
			Start:       time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
			End:         time.Date(2024, 1, 1, 2, 0, 0, 0, time.UTC),
			Keys:        ring(testSigner(t)),
		})
		if len(rep.Digests) != 1 || rep.Digests[0].Status != digest.StatusValid {
			t.Fatalf("%T: digest %+v", store, rep.Digests)
		}
		if len(rep.LogFiles) != len(d.LogFiles) {
			t.Fatalf("%T: %d log results", store, len(rep.LogFiles))
		}
		for _, l := range rep.LogFiles {
			if l.Status == digest.StatusValid || !errors.Is(l.Err, logfile.ErrUnsafeKey) {
				t.Errorf("%T: %q: %s %v (want refused as unsafe)", store, l.Key, l.Status, l.Err)
			}
		}
	}
}

func TestOversizedAndMalformedDigests(t *testing.T) {
	ctx := context.Background()
	store := logfile.NewMemStore()
	res := build(t, store, fixture.Options{Hours: 2, Regions: []string{"us-east-1"}})
	keys := res.Digests["us-east-1"]
	opts := res.ValidateOptions("us-east-1", ring(testSigner(t)))
	opts.MaxDigestSize = 200
	rep := validate(t, store, opts)
	for _, d := range rep.Digests {
		if d.Status != digest.StatusInvalidFormat || !errors.Is(d.Err, digest.ErrTooLarge) {
			t.Fatalf("%s: %s %v, want invalid format (too large)", d.Key, d.Status, d.Err)
		}
		if !strings.Contains(d.Err.Error(), "larger than 200 bytes") {
			t.Fatalf("error %v does not name the limit", d.Err)
		}
	}
	// Malformed: not gzip, gzip of non-JSON, JSON missing a required member.
	bodies := [][]byte{[]byte("plain text"), gz(t, []byte("{not json")), gz(t, []byte(`{"digestS3Bucket":"b"}`)), gz(t, []byte(`[1,2]`)), gz(t, []byte(`{"digestS3Bucket":5}`))}
	for i, b := range bodies {
		k := keys[len(keys)-1]
		obj, _ := store.Get(ctx, res.Bucket, k)
		obj.Body = b
		store.Put(ctx, obj)
		rep := validate(t, store, res.ValidateOptions("us-east-1", ring(testSigner(t))))
		d := rep.Digests[0]
		if d.Key != k || d.Status != digest.StatusInvalidFormat || !errors.Is(d.Err, digest.ErrInvalidFormat) {
			t.Fatalf("body %d: %s %s %v", i, d.Key, d.Status, d.Err)
		}
	}
}

func TestValidateOptionsErrors(t *testing.T) {
	store := logfile.NewMemStore()
	good := digest.ValidateOptions{DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: "b"}}, TrailARN: fixture.TrailARN(), Start: time.Unix(1e9, 0), End: time.Unix(1e9+3600, 0), Keys: ring(testSigner(t))}
	for name, mod := range map[string]func(*digest.ValidateOptions){
		"bad arn":    func(o *digest.ValidateOptions) { o.TrailARN = "arn:aws:s3:::x" },
		"no bucket":  func(o *digest.ValidateOptions) { o.Bucket = "" },
		"no start":   func(o *digest.ValidateOptions) { o.Start = time.Time{} },
		"start>end":  func(o *digest.ValidateOptions) { o.End = o.Start.Add(-time.Second) },
		"no keyring": func(o *digest.ValidateOptions) { o.Keys = nil },
	} {
		o := good
		mod(&o)
		if _, err := digest.Validate(context.Background(), store, o); !errors.Is(err, digest.ErrBadConfig) {
			t.Errorf("%s: %v", name, err)
		}
	}
	o := good
	o.Keys = &digest.KeyRing{}
	if _, err := digest.Validate(context.Background(), store, o); !errors.Is(err, digest.ErrNoPublicKeys) {
		t.Errorf("empty ring: %v", err)
	}
	rep, err := digest.Validate(context.Background(), store, good)
	if err != nil {
		t.Fatal(err)
	}
	var out, errw bytes.Buffer
	// aws-cli's stdout, but exit status 1: nothing was validated.
	if code, _ := awscli.WriteText(&out, &errw, rep, awscli.Options{}); code != 1 || !strings.HasSuffix(out.String(), "Results requested for 2001-09-09T01:46:40Z to 2001-09-09T02:46:40Z\nNo digests found\n") ||
		!strings.Contains(errw.String(), "No digest was validated") || rep.OK() {
		t.Fatalf("%d %q %q", code, out.String(), errw.String())
	}
}
