package digest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/digest/awscli"
	"github.com/trailkit/trailkit/digest/internal/fixture"
	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/internal/fleetcheck"
	"github.com/trailkit/trailkit/internal/testenv"
	"github.com/trailkit/trailkit/logfile"
)

type simClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *simClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *simClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

const fleetPrefix = "fleet"

func fleetChain() logfile.DigestChain {
	return logfile.DigestChain{Account: fixture.Account, Region: "eu-west-1", Trail: fixture.Trail, HomeRegion: fixture.HomeRegion, Location: logfile.Location{Bucket: fixture.Bucket, Prefix: fleetPrefix}}
}

var lateSeq atomic.Int64

// putLateFile stores a log file with a key time of at, as a writer's spool
// replay does after a crash, and returns its records' eventIDs.
func putLateFile(t *testing.T, store logfile.Store, at time.Time, ids ...string) {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(`{"Records":[`))
	for i, id := range ids {
		if i > 0 {
			zw.Write([]byte(","))
		}
		rec := event.Builder{}.APICall(event.Record{EventSource: "s3.amazonaws.com", EventName: "ListBuckets", AWSRegion: "eu-west-1",
			RecipientAccountID: fixture.Account, EventTime: at, EventID: id})
		zw.Write(rec.AppendJSON(nil))
	}
	zw.Write([]byte("]}"))
	zw.Close()
	k := logfile.Key{Kind: logfile.KindLog, Prefix: fleetPrefix, Account: fixture.Account, Region: "eu-west-1",
		Time: at.Truncate(time.Minute), Unique: fmt.Sprintf("LateFile%08d", lateSeq.Add(1))}
	if err := store.Put(context.Background(), logfile.Object{Bucket: fixture.Bucket, Key: k.String(), Body: b.Bytes()}); err != nil {
		t.Fatal(err)
	}
}

// TestDigesterFleet runs three writers and two digesters on one store on a
// simulated clock for 30 minutes of one-minute windows. The digesters tick
// concurrently and race for every window; one is dropped mid-run (as if
// killed) and a fresh one starts from the store; log files arrive late with
// old key times. Afterwards every record is stored once, every log file
// is listed by exactly one digest, every window has its digest, and
// digest.Validate finds the chain whole with its strict checks.
func TestDigesterFleet(t *testing.T) {
	for _, kind := range []string{"MemStore", "DirStore"} {
		t.Run(kind, func(t *testing.T) {
			var store logfile.Store = logfile.NewMemStore()
			if kind == "DirStore" {
				ds, err := logfile.NewDirStore(t.TempDir(), logfile.DirStoreOptions{})
				if err != nil {
					t.Fatal(err)
				}
				store = ds
			}
			testDigesterFleet(t, store, kind == "MemStore")
		})
	}
}

func testDigesterFleet(t *testing.T, store logfile.Store, withAWSCLI bool) {
	ctx := context.Background()
	clock := &simClock{t: time.Date(2025, 3, 1, 10, 0, 17, 0, time.UTC)}
	start := clock.Now()
	const iv = time.Minute
	newDigester := func() *digest.Digester {
		d, err := digest.NewDigester(digest.DigesterOptions{
			DigestChain: fleetChain(),
			Signer:      testSigner(t),
			Store:       store,
			Now:         clock.Now,
			Interval:    iv,
			Lookback:    10 * time.Minute,
		})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	var writers []*logfile.Writer
	for range 3 {
		w, err := logfile.NewWriter(store, logfile.WriterOptions{ManualTick: true, Location: logfile.Location{Bucket: fixture.Bucket, Prefix: fleetPrefix}, Now: clock.Now, MaxAge: 40 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		writers = append(writers, w)
	}
	digesters := []*digest.Digester{newDigester(), newDigester()}
	var all []*digest.Digester
	all = append(all, digesters...)
	var acks []string
	seq := 0
	rng := rand.New(rand.NewPCG(1, 2))
	for step := range 120 { // 30 minutes in 15 s steps
		for i, w := range writers {
			for range 1 + rng.IntN(4) {
				seq++
				id := fmt.Sprintf("00000000-0000-4000-8000-%012d", seq)
				rec := event.Builder{}.APICall(event.Record{EventSource: "s3.amazonaws.com", EventName: "ListBuckets", AWSRegion: "eu-west-1",
					RecipientAccountID: fixture.Account, EventTime: clock.Now().Add(-time.Duration(i) * time.Second), EventID: id})
				if err := w.Write(ctx, rec); err != nil {
					t.Fatal(err)
				}
				acks = append(acks, id)
			}
		}
		switch step {
		case 50: // digester 0 is killed: it is simply never used again
			digesters = digesters[1:]
		case 70: // and restarted from the store
			d := newDigester()
			digesters = append(digesters, d)
			all = append(all, d)
		case 60, 90: // spool replays: files with key times 3 and 7 minutes old
			for _, age := range []time.Duration{3 * time.Minute, 7 * time.Minute} {
				seq++
				id := fmt.Sprintf("00000000-0000-4000-8000-%012d", seq)
				putLateFile(t, store, clock.Now().Add(-age-time.Duration(step)*time.Second), id)
				acks = append(acks, id)
			}
		}
		clock.Advance(15 * time.Second)
		for _, w := range writers {
			if err := w.Tick(ctx); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		errs := make([]error, len(digesters))
		for i, d := range digesters {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = d.Tick(ctx) }()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatalf("step %d: Tick: %v", step, err)
			}
		}
	}
	for _, w := range writers {
		if err := w.Close(ctx); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(5 * time.Second)
	for _, d := range digesters {
		if err := d.Close(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var total digest.DigesterStats
	for _, d := range all {
		s := d.Stats()
		total.Written += s.Written
		total.Adopted += s.Adopted
		total.Late += s.Late
		total.Forks += s.Forks
		total.Files += s.Files
	}
	res, err := fleetcheck.Check(ctx, store, fleetcheck.Chain{DigestChain: logfile.DigestChain{
		Location: logfile.Location{Bucket: fixture.Bucket, Prefix: fleetPrefix}, Account: fixture.Account,
		Region: "eu-west-1", Trail: fixture.Trail, HomeRegion: fixture.HomeRegion}, Interval: iv}, acks)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Problems {
		t.Error(p)
	}
	t.Logf("%d records, %d log files, %d digests over %d windows; digesters wrote %d, adopted %d, listed %d files (%d late)",
		res.Records, res.LogFiles, res.Digests, res.Windows, total.Written, total.Adopted, total.Files, total.Late)
	if res.Digests != res.Windows || res.Digests < 30 {
		t.Errorf("%d digests for %d windows", res.Digests, res.Windows)
	}
	if total.Written != res.Digests || total.Adopted == 0 || total.Late < 4 || total.Forks != 0 || total.Files != res.LogFiles {
		t.Errorf("stats %+v: want %d written in all, some adopted, at least 4 late files, no fork, %d files", total, res.Digests, res.LogFiles)
	}
	rep := validate(t, store, digest.ValidateOptions{
		DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: fixture.Bucket, Prefix: fleetPrefix}, Region: "eu-west-1"},
		TrailARN:    fixture.TrailARN(),
		Start:       start.Add(-time.Hour),
		End:         clock.Now().Add(time.Minute),
		Keys:        ring(testSigner(t)),
	})
	if !rep.Strict() || len(rep.Gaps) != 0 || len(rep.LogFiles) != res.LogFiles || len(rep.Digests) != res.Digests {
		var out bytes.Buffer
		awscli.WriteText(&out, &out, rep, awscli.Options{Strict: true})
		t.Errorf("Validate: %d digests, %d log files, gaps %v, findings %v\n%s", len(rep.Digests), len(rep.LogFiles), rep.Gaps, rep.Findings, out.String())
	}
	if !withAWSCLI || t.Failed() {
		return
	}
	// aws-cli's own validate-logs accepts the chain and prints what
	// trailkit prints.
	py := needPython(t)
	tmp := t.TempDir()
	keysFile := filepath.Join(tmp, "public-keys.json")
	var kb bytes.Buffer
	if err := ring(testSigner(t)).WritePublicKeys(&kb); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(keysFile, kb.Bytes(), 0o644)
	export(t, store, fixture.Bucket, tmp)
	results := testenv.ValidateLogs(t, py, []map[string]string{{"objects": tmp, "bucket": fixture.Bucket, "trail_arn": fixture.TrailARN(),
		"start": start.Add(-time.Hour).Format(digest.TimeFormat), "end": clock.Now().Add(time.Minute).Format(digest.TimeFormat),
		"region": "eu-west-1", "prefix": fleetPrefix, "public_keys": keysFile}})
	aws := results[0]
	want := fmt.Sprintf("\n%d/%d digest files valid\n%d/%d log files valid\n", res.Digests, res.Digests, res.LogFiles, res.LogFiles)
	if aws.RC != 0 || aws.Stderr != "" || !strings.HasSuffix(aws.Stdout, want) {
		t.Errorf("aws-cli validate-logs: exit %d, want 0 and a summary ending %q\nstdout:\n%s\nstderr:\n%s", aws.RC, want, aws.Stdout, aws.Stderr)
	}
	var so, se bytes.Buffer
	code, _ := awscli.WriteText(&so, &se, rep, awscli.Options{Verbose: true})
	if code != aws.RC || so.String() != aws.Stdout || se.String() != aws.Stderr {
		t.Errorf("trailkit and aws-cli differ\n--- trailkit (exit %d)\n%s%s--- aws-cli (exit %d)\n%s%s", code, so.String(), se.String(), aws.RC, aws.Stdout, aws.Stderr)
	}
}

// TestDigesterLoserContinues: two digesters race for every window; the one
// that loses adopts the winner's digest and links its next digest to it.
// A digester that is far behind catches up window by window, writing empty
// digests for quiet windows, and every window has exactly one digest.
func TestDigesterLoserContinues(t *testing.T) {
	ctx := context.Background()
	store := logfile.NewMemStore()
	clock := &simClock{t: time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)}
	mk := func() *digest.Digester {
		d, err := digest.NewDigester(digest.DigesterOptions{
			DigestChain: fleetChain(),
			Signer:      testSigner(t),
			Store:       store,
			Now:         clock.Now,
			Interval:    10 * time.Second,
			Lookback:    time.Minute,
		})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	a := mk()
	// b's store hides existing digests from Get, so b builds every window
	// and meets a's digest only at PutIfAbsent: the race's losing side.
	blind := &blindStore{Store: store}
	b, err := digest.NewDigester(digest.DigesterOptions{
		DigestChain: fleetChain(),
		Signer:      testSigner(t),
		Store:       blind,
		Now:         clock.Now,
		Interval:    10 * time.Second,
		Lookback:    time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	putLateFile(t, store, clock.Now(), "id-1")
	for _, d := range []*digest.Digester{a, b} { // both find no chain and agree on its first window
		if err := d.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(10 * time.Second)
	if err := a.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	blind.hide.Store(true)
	if err := b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	blind.hide.Store(false)
	if sa, sb := a.Stats(), b.Stats(); sa.Written != 1 || sb.Written != 0 || sb.Adopted != 1 || sa.LastKey != sb.LastKey || blind.lost.Load() != 1 {
		t.Fatalf("after the first window: a %+v, b %+v, b lost %d PutIfAbsent races", sa, sb, blind.lost.Load())
	}
	// b alone for a while, then a catches up on 6 windows it missed.
	for range 6 {
		clock.Advance(10 * time.Second)
		if err := b.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	putLateFile(t, store, clock.Now().Add(-30*time.Second), "id-2")
	clock.Advance(10 * time.Second)
	if err := a.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	sa := a.Stats()
	if sa.Adopted != 6 || sa.Written != 2 || sa.Files != 2 || sa.Late != 1 {
		t.Fatalf("a after catching up: %+v, want 6 adopted, 2 written, 2 files, 1 late", sa)
	}
	// b's next window continues from a's digest.
	clock.Advance(10 * time.Second)
	if err := b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := fleetcheck.Check(ctx, store, fleetcheck.Chain{DigestChain: logfile.DigestChain{
		Location: logfile.Location{Bucket: fixture.Bucket, Prefix: fleetPrefix}, Account: fixture.Account,
		Region: "eu-west-1", Trail: fixture.Trail, HomeRegion: fixture.HomeRegion}, Interval: 10 * time.Second}, []string{"id-1", "id-2"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Problems {
		t.Error(p)
	}
	if res.Digests != 9 || res.Windows != 9 {
		t.Errorf("%d digests over %d windows, want 9", res.Digests, res.Windows)
	}
	// A digester started now reads the chain back and lists nothing twice.
	c := mk()
	clock.Advance(10 * time.Second)
	if err := c.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if s := c.Stats(); s.Written != 1 || s.Files != 0 {
		t.Errorf("fresh digester: %+v, want one empty digest", s)
	}
	last := c.Stats().LastKey
	if !strings.HasSuffix(last, "_20250301T100140Z.json.gz") {
		t.Errorf("fresh digester's last digest %s, want the one ending 10:01:40", last)
	}
}

// blindStore hides digests from Get while hide is set (until a PutIfAbsent
// loses) and counts the
// PutIfAbsent calls that find the key taken.
type blindStore struct {
	logfile.Store
	hide atomic.Bool
	lost atomic.Int64
}

func (s *blindStore) Get(ctx context.Context, bucket, key string) (logfile.Object, error) {
	if s.hide.Load() && strings.Contains(key, "/CloudTrail-Digest/") {
		return logfile.Object{}, &logfile.Error{Op: "get", Bucket: bucket, Key: key, Err: logfile.ErrNotFound}
	}
	return s.Store.Get(ctx, bucket, key)
}

func (s *blindStore) Open(ctx context.Context, bucket, key string) (io.ReadCloser, logfile.ObjectInfo, error) {
	if s.hide.Load() && strings.Contains(key, "/CloudTrail-Digest/") {
		return nil, logfile.ObjectInfo{}, &logfile.Error{Op: "open", Bucket: bucket, Key: key, Err: logfile.ErrNotFound}
	}
	return s.Store.Open(ctx, bucket, key)
}

func (s *blindStore) PutIfAbsent(ctx context.Context, obj logfile.Object) error {
	err := s.Store.PutIfAbsent(ctx, obj)
	if errors.Is(err, logfile.ErrExists) {
		s.lost.Add(1)
		s.hide.Store(false) // the loser may now read the winner's digest
	}
	return err
}

func TestDigesterConfig(t *testing.T) {
	good := digest.DigesterOptions{DigestChain: fleetChain(), Signer: testSigner(t), Store: logfile.NewMemStore()}
	if _, err := digest.NewDigester(good); err != nil {
		t.Fatal(err)
	}
	for name, mod := range map[string]func(*digest.DigesterOptions){
		"no store":          func(c *digest.DigesterOptions) { c.Store = nil },
		"no signer":         func(c *digest.DigesterOptions) { c.Signer = nil },
		"lookback < window": func(c *digest.DigesterOptions) { c.Interval, c.Lookback = time.Hour, time.Minute },
		"sub-second":        func(c *digest.DigesterOptions) { c.Interval = time.Millisecond },
	} {
		c := good
		mod(&c)
		if _, err := digest.NewDigester(c); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestDigesterUnreadableFile: a file in the log folder that is not a gzip
// log file (dropped there by another tool, or hostile) does not stop the
// chain: it is counted, left unlisted, and the other files are digested.
func TestDigesterUnreadableFile(t *testing.T) {
	ctx := context.Background()
	store := logfile.NewMemStore()
	clock := &simClock{t: time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)}
	d, err := digest.NewDigester(digest.DigesterOptions{
		DigestChain: fleetChain(),
		Signer:      testSigner(t),
		Store:       store,
		Now:         clock.Now,
		Interval:    10 * time.Second,
		Lookback:    time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	putLateFile(t, store, clock.Now(), "id-1")
	bad := logfile.Key{Kind: logfile.KindLog, Prefix: fleetPrefix, Account: fixture.Account, Region: "eu-west-1",
		Time: clock.Now(), Unique: "NotAGzipFile0001"}
	if err := store.Put(ctx, logfile.Object{Bucket: fixture.Bucket, Key: bad.String(), Body: []byte(`{"Records":[]}`)}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(10 * time.Second)
	if err := d.Tick(ctx); err != nil {
		t.Fatalf("Tick with an unreadable file in the folder: %v", err)
	}
	clock.Advance(10 * time.Second)
	if err := d.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if s := d.Stats(); s.Written != 2 || s.Files != 1 || s.Unreadable != 2 {
		t.Errorf("stats %+v, want 2 digests, 1 file listed, the bad one skipped in both windows", s)
	}
}
