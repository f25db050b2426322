package digest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/digest/internal/fixture"
	"github.com/trailkit/trailkit/logfile"
)

// openOnly is a store whose bounded Get is off: every read must go through
// the streaming Open.
type openOnly struct {
	logfile.Store
	t *testing.T
}

func (s openOnly) Get(ctx context.Context, bucket, key string) (logfile.Object, error) {
	s.t.Errorf("Get(%s, %s) called; reads must stream through Open", bucket, key)
	return logfile.Object{}, errors.New("openOnly: Get is off")
}

// bigLogFile returns a gzip log file of n records of about 8 KB each
// (requestParameters padded), its uncompressed SHA-256 and its size.
func bigLogFile(t *testing.T, n int, first time.Time) (gz []byte, sum [32]byte, size int) {
	var raw bytes.Buffer
	pad := strings.Repeat("x", 8000)
	raw.WriteString(`{"Records":[`)
	for i := range n {
		if i > 0 {
			raw.WriteByte(',')
		}
		fmt.Fprintf(&raw, `{"eventVersion":"1.08","eventTime":"%s","eventSource":"s3.amazonaws.com","eventName":"PutObject",`+
			`"awsRegion":"eu-west-1","requestParameters":{"key":"%s%d"},"eventID":"id-%d","recipientAccountId":"%s"}`,
			first.Add(time.Duration(i)*time.Second).UTC().Format(time.RFC3339), pad, i, i, fixture.Account)
	}
	raw.WriteString("]}\n")
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	zw.Write(raw.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), sha256.Sum256(raw.Bytes()), raw.Len()
}

// TestReadsStreamThroughOpen: Chain.Resume and a Digester read digests
// and log files only through Store.Open, and hash a log file of 12 MB
// uncompressed (1,500 records) without holding it in memory: the whole
// Resume allocates less than a quarter of the file (a reader keeps a
// 256 KiB buffer for the head of a file). Before, Recover
// read the file with Get and inflated it into one buffer, and the Digester
// inflated it into a buffer too.
func TestReadsStreamThroughOpen(t *testing.T) {
	ctx := context.Background()
	mem := logfile.NewMemStore()
	store := openOnly{Store: mem, t: t}
	clock := &fixture.Clock{T: time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)}
	cfg := digest.ChainOptions{
		DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: fixture.Bucket}, Account: fixture.Account,
			Region: "eu-west-1", Trail: "t", HomeRegion: "us-east-1"},
		Signer: testSigner(t), Store: store, Now: clock.Now,
	}
	c, err := digest.NewChain(cfg)
	if err != nil {
		t.Fatal(err)
	}
	clock.T = clock.T.Add(time.Hour)
	if err := c.Tick(ctx); err != nil { // one digest, so that resuming reads it
		t.Fatal(err)
	}
	// A log file stored after that digest, whose delivery never reached
	// the chain (the process died).
	at := clock.Now().Add(5 * time.Minute)
	records := 1500
	if raceEnabled {
		records = 600
	}
	gz, sum, size := bigLogFile(t, records, at.Add(-time.Hour))
	key := logfile.Key{Kind: logfile.KindLog, Account: fixture.Account, Region: "eu-west-1", Time: at, Unique: "BIGBIGBIGBIGBIG1"}.String()
	if err := mem.Put(ctx, logfile.Object{Bucket: fixture.Bucket, Key: key, Body: gz}); err != nil {
		t.Fatal(err)
	}

	c2, err := digest.NewChain(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	n, err := c2.Resume(ctx, fixture.Account, "eu-west-1")
	runtime.ReadMemStats(&after)
	if n != 1 || err != nil {
		t.Fatalf("Resume = %d, %v; want 1, nil", n, err)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("Resume of a %d-byte log file allocated %d bytes", size, alloc)
	if alloc > uint64(size)/4 {
		t.Errorf("Resume of a %d-byte log file allocated %d bytes: not streamed", size, alloc)
	}
	if err := c2.Close(ctx); err != nil {
		t.Fatal(err)
	}
	_, last := c2.State()
	d := readStoredDigest(t, mem, last)
	if len(d.LogFiles) != 1 || d.LogFiles[0].S3Object != key || d.LogFiles[0].HashValue != fmt.Sprintf("%x", sum) ||
		d.LogFiles[0].OldestEventTime != at.Add(-time.Hour).Format(digest.TimeFormat) ||
		d.LogFiles[0].NewestEventTime != at.Add(-time.Hour+time.Duration(records-1)*time.Second).Format(digest.TimeFormat) {
		t.Fatalf("recovered entry %+v; want %s with hash %x", d.LogFiles, key, sum)
	}

	// A Digester of another chain in the same bucket reads the same file
	// through Open too.
	dcfg := digest.DigesterOptions{DigestChain: cfg.DigestChain, Signer: cfg.Signer, Store: store, Now: clock.Now}
	dcfg.Trail = "fleet"
	dg, err := digest.NewDigester(dcfg)
	if err != nil {
		t.Fatal(err)
	}
	clock.T = clock.T.Add(time.Hour)
	if err := dg.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	st := dg.Stats()
	d = readStoredDigest(t, mem, st.LastKey)
	if st.Files != 1 || len(d.LogFiles) != 1 || d.LogFiles[0].HashValue != fmt.Sprintf("%x", sum) {
		t.Fatalf("digester: stats %+v, entries %+v; want the file with hash %x", st, d.LogFiles, sum)
	}
}

func readStoredDigest(t *testing.T, store logfile.Store, key string) *digest.Digest {
	t.Helper()
	o, err := store.Get(context.Background(), fixture.Bucket, key)
	if err != nil {
		t.Fatal(err)
	}
	d, err := digest.Parse(gunzip(t, o.Body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestChainResumeRules: Resume continues a chain only before it has
// started, only for a pair the options allow, and not after Close.
func TestChainResumeRules(t *testing.T) {
	ctx := context.Background()
	store := logfile.NewMemStore()
	opts := digest.ChainOptions{
		DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: fixture.Bucket}, Region: "eu-west-1", Trail: "t", HomeRegion: "us-east-1"},
		Signer:      testSigner(t), Store: store,
	}
	c, err := digest.NewChain(opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Resume(ctx, fixture.Account, "us-east-1"); !errors.Is(err, digest.ErrBadConfig) {
		t.Errorf("Resume of a Region outside the options: %v, want ErrBadConfig", err)
	}
	if n, err := c.Resume(ctx, fixture.Account, "eu-west-1"); n != 0 || err != nil {
		t.Errorf("Resume on an empty store = %d, %v", n, err)
	}
	c.Add(logfile.Delivery{Bucket: fixture.Bucket, Key: "AWSLogs/x.json.gz", Kind: logfile.KindLog, Account: fixture.Account, Region: "eu-west-1"})
	if _, err := c.Resume(ctx, fixture.Account, "eu-west-1"); !errors.Is(err, digest.ErrBadConfig) {
		t.Errorf("Resume after a delivery: %v, want ErrBadConfig", err)
	}
	if err := c.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Resume(ctx, "444455556666", "eu-west-1"); !errors.Is(err, digest.ErrChainClosed) {
		t.Errorf("Resume after Close: %v, want ErrChainClosed", err)
	}
	if err := c.Tick(ctx); !errors.Is(err, digest.ErrChainClosed) {
		t.Errorf("Tick after Close: %v, want ErrChainClosed", err)
	}
}
