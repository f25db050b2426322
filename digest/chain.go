package digest

import (
	"bytes"
	"context"
	"crypto"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/trailkit/trailkit/logfile"
)

// ChainOptions configures a Chain. The trail's Location.Bucket, Trail,
// HomeRegion, Signer and Store are required; the zero value of every other
// field selects the default.
type ChainOptions struct {
	// DigestChain names the trail's chains: its Location's Bucket receives
	// the digests (deliveries to other buckets are ignored). Account and
	// Region restrict the Chain to one account and one delivering Region
	// when set (with both set, it writes that one chain).
	logfile.DigestChain
	// Signer signs the digests: an *rsa.PrivateKey, or any crypto.Signer
	// (a KMS or HSM key) whose public key is RSA of at least 2048 bits and
	// which answers Sign of a SHA-256 hash with crypto.SHA256 options with
	// an RSASSA-PKCS1-v1_5 signature, as *rsa.PrivateKey does. Digests name
	// the key by its fingerprint, the MD5 of x509.MarshalPKCS1PublicKey of
	// the public key; give Validate that key with ParsePublicKey of the
	// same DER.
	Signer crypto.Signer
	Store  logfile.Store
	// Now is the clock; nil means time.Now. Times are truncated to seconds.
	Now func() time.Time
	// Interval is the digest window; zero means one hour, as CloudTrail.
	Interval time.Duration
	// IncludeInsights lists Insights files (CloudTrail-Insight) in digests
	// too. CloudTrail's behaviour is not documented; the default (false)
	// lists only log files, which is what aws-cli validates either way.
	IncludeInsights bool
}

// chain writes one digest chain, of one (account, delivering Region): every
// Interval it signs and stores a digest listing the log files delivered in
// that window.
//
// Windows are measured by delivery time (Delivery.DeliveredAt). The first
// window starts when the chain is created (or, on resume, at the newest
// stored digest's end). A delivery is listed in the first unwritten window
// that ends after it, so a late delivery (DeliveredAt before the current
// window) goes into the current window and none is ever dropped.
type chain struct {
	cfg ChainOptions // with Account and Region set

	// mu serialises tick and close and guards the chain state; it is held
	// during a Put. add takes only pmu, so it never waits for the store.
	mu     sync.Mutex
	closed bool
	start  time.Time // start of the current (unwritten) window
	prev   *link     // the last stored digest, nil before the first

	pmu       sync.Mutex
	addClosed bool
	seq       uint64
	pending   []pendingFile
	pkeys     map[string]bool // bucket/key of every pending file
}

type link struct {
	bucket, key string
	hash        Hash
	signature   string
}

type pendingFile struct {
	seq uint64
	at  time.Time
	lf  LogFile
}

// newChain starts a new chain; its first digest is a starting digest (the
// five previousDigest* members null). It does no I/O.
func newChain(cfg ChainOptions) (*chain, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	return &chain{cfg: cfg, start: cfg.now()}, nil
}

// resumeChain continues the chain from the newest normal (non-backfill)
// digest for cfg.DigestChain in cfg.Store: the next window starts at its
// digestEndTime and the next digest links to it (its key, the SHA-256 of its
// uncompressed bytes, and its signature metadata). Without a stored digest
// it returns newChain(cfg). A newest digest that cannot be read or parsed is
// an error: the caller decides whether to start a new chain instead.
func resumeChain(ctx context.Context, cfg ChainOptions) (*chain, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	var newest string
	var newestT string
	for key, err := range cfg.Store.List(ctx, cfg.Bucket, cfg.ListPrefix(), "") {
		if err != nil {
			return nil, err
		}
		if isBackfillKey(key) || !cfg.Match(key) {
			continue
		}
		ts, _ := keyTimeText(key)
		if _, ok := keyTime(key); ok && ts >= newestT {
			newest, newestT = key, ts
		}
	}
	if newest == "" {
		return newChain(cfg)
	}
	raw, meta, err := openDigest(ctx, cfg.Store, cfg.Bucket, newest)
	if err != nil {
		return nil, err
	}
	d, err := Parse(raw)
	if err != nil {
		return nil, err
	}
	end, err := time.Parse(timeFormat, d.DigestEndTime)
	if err != nil {
		return nil, &FormatError{Field: "digestEndTime", Value: clip(d.DigestEndTime), Err: err}
	}
	sig := metaValue(meta, metaSignature)
	if _, err := parseSignature(sig); err != nil {
		return nil, err
	}
	c := &chain{cfg: cfg, start: end, prev: &link{bucket: cfg.Bucket, key: newest, hash: sumHash(raw), signature: sig}}
	return c, nil
}

func (cfg *ChainOptions) check() error {
	switch {
	case cfg.Account == "" || cfg.Region == "" || cfg.Trail == "" || cfg.HomeRegion == "":
		return configErr("DigestChain needs Trail and HomeRegion")
	case cfg.Bucket == "":
		return configErr("Bucket is required")
	case cfg.Store == nil:
		return configErr("Store is required")
	case cfg.Interval < 0 || (cfg.Interval > 0 && cfg.Interval < time.Second):
		return configErr("Interval %v: need zero or at least one second", cfg.Interval)
	}
	if err := checkSigner(cfg.Signer); err != nil {
		return err
	}
	if err := logfile.CheckKey(cfg.Bucket, cfg.Key(time.Unix(0, 0), false).String()); err != nil {
		return fmt.Errorf("%w: %w", ErrBadConfig, err)
	}
	return nil
}

func (cfg *ChainOptions) now() time.Time {
	now := time.Now
	if cfg.Now != nil {
		now = cfg.Now
	}
	return now().UTC().Truncate(time.Second)
}

func (cfg *ChainOptions) interval() time.Duration {
	if cfg.Interval == 0 {
		return time.Hour
	}
	return cfg.Interval
}

// pristine reports whether the chain has neither written a digest nor
// received a delivery.
func (c *chain) pristine() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pmu.Lock()
	defer c.pmu.Unlock()
	return c.prev == nil && !c.closed && c.seq == 0
}

// accepts reports whether add would list d: its Bucket, Account and Region
// match the chain, and its Kind is a log file (or an Insights file with
// IncludeInsights). Digest deliveries and everything else are ignored.
func (c *chain) accepts(d logfile.Delivery) bool {
	if d.Bucket != c.cfg.Bucket || d.Account != c.cfg.Account || d.Region != c.cfg.Region {
		return false
	}
	return d.Kind == logfile.KindLog || (d.Kind == logfile.KindInsight && c.cfg.IncludeInsights)
}

// add records a delivered file for the next digest. Deliveries the chain
// does not accept (see Accepts) are ignored silently, so one Writer can feed
// several chains; so is any delivery after Close (the chain has ended), and
// a file already waiting for the next digest (a log file put again under the
// same key, or found by Recover too), so that no file is listed twice.
// Add does no I/O and never blocks on the store.
func (c *chain) add(d logfile.Delivery) {
	if !c.accepts(d) {
		return
	}
	at := d.DeliveredAt.UTC()
	if at.IsZero() {
		at = c.cfg.now()
	}
	pf := pendingFile{at: at, lf: LogFile{
		S3Bucket:        d.Bucket,
		S3Object:        d.Key,
		HashValue:       Hash(d.SHA256).String(),
		HashAlgorithm:   hashAlgorithm,
		NewestEventTime: d.NewestEventTime.UTC().Format(timeFormat),
		OldestEventTime: d.OldestEventTime.UTC().Format(timeFormat),
	}}
	c.pmu.Lock()
	if !c.addClosed && !c.pendingKey(d.Bucket, d.Key) {
		c.seq++
		pf.seq = c.seq
		c.pending = append(c.pending, pf)
		if c.pkeys == nil {
			c.pkeys = map[string]bool{}
		}
		c.pkeys[d.Bucket+"/"+d.Key] = true
	}
	c.pmu.Unlock()
}

// pendingKey reports whether the file is already waiting for a digest;
// called with pmu held.
func (c *chain) pendingKey(bucket, key string) bool {
	return c.pkeys[bucket+"/"+key]
}

// tick writes every digest whose window has ended by the clock's now: one
// per Interval, empty ones for quiet windows. Call it regularly (a
// time.Ticker of a minute is plenty). If a Put fails the error is returned
// and nothing is lost: the same digest is rebuilt and stored on the next
// Tick or Close.
func (c *chain) tick(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrChainClosed
	}
	_, err := c.emitDue(ctx)
	return err
}

// emitDue writes every digest whose window has ended by now, and returns now.
// c.mu must be held.
func (c *chain) emitDue(ctx context.Context) (time.Time, error) {
	now := c.cfg.now()
	iv := c.cfg.interval()
	for !c.start.Add(iv).After(now) {
		if err := c.emit(ctx, c.start.Add(iv), false); err != nil {
			return now, err
		}
	}
	return now, nil
}

// close writes the final digest, covering the files delivered since the
// last digest up to now (at least one second, so its key never collides
// with the previous digest's), and ends the chain. After a failed Put,
// Close can be called again.
func (c *chain) close(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrChainClosed
	}
	now, err := c.emitDue(ctx)
	if err != nil {
		return err
	}
	end := now
	if !end.After(c.start) {
		end = c.start.Add(time.Second)
	}
	if err := c.emit(ctx, end, true); err != nil {
		return err
	}
	c.closed = true
	return nil
}

// state returns the window start of the next digest and the key of the
// newest digest stored ("" before the first).
func (c *chain) state() (nextStart time.Time, lastKey string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.prev != nil {
		lastKey = c.prev.key
	}
	return c.start, lastKey
}

// emit builds, signs and stores the digest for [c.start, end): the pending
// files delivered before end, or, for the final digest, all pending files
// (Add is closed first so none can slip past it). It advances the chain and
// drops exactly the listed files only after the Put succeeded. c.mu is held.
func (c *chain) emit(ctx context.Context, end time.Time, final bool) error {
	c.pmu.Lock()
	if final {
		c.addClosed = true
	}
	var files []LogFile
	included := map[uint64]bool{}
	for _, p := range c.pending {
		if final || p.at.Before(end) {
			files = append(files, p.lf)
			included[p.seq] = true
		}
	}
	c.pmu.Unlock()
	obj, l, err := c.build(c.start, end, files)
	if err == nil {
		err = c.cfg.Store.Put(ctx, obj)
		if err != nil {
			err = fmt.Errorf("digest: storing %s: %w", obj.Key, err)
		}
	}
	if err != nil {
		if final {
			c.pmu.Lock()
			c.addClosed = false
			c.pmu.Unlock()
		}
		return err
	}
	c.prev = l
	c.start = end
	c.pmu.Lock()
	c.pending = slices.DeleteFunc(c.pending, func(p pendingFile) bool {
		if included[p.seq] {
			delete(c.pkeys, p.lf.S3Bucket+"/"+p.lf.S3Object)
			return true
		}
		return false
	})
	c.pmu.Unlock()
	return nil
}

func (c *chain) build(start, end time.Time, files []LogFile) (logfile.Object, *link, error) {
	key := c.cfg.Key(end, false).String()
	d := Digest{
		AWSAccountID:               c.cfg.Account,
		DigestStartTime:            start.Format(timeFormat),
		DigestEndTime:              end.Format(timeFormat),
		DigestS3Bucket:             c.cfg.Bucket,
		DigestS3Object:             key,
		DigestPublicKeyFingerprint: signerFingerprint(c.cfg.Signer).String(),
		DigestSignatureAlgorithm:   signatureAlgorithm,
		LogFiles:                   files,
	}
	if d.LogFiles == nil {
		d.LogFiles = []LogFile{}
	}
	if len(files) > 0 {
		newest, oldest := files[0].NewestEventTime, files[0].OldestEventTime
		for _, f := range files[1:] {
			newest = max(newest, f.NewestEventTime) // timeFormat sorts as text
			oldest = min(oldest, f.OldestEventTime)
		}
		d.NewestEventTime, d.OldestEventTime = &newest, &oldest
	}
	if p := c.prev; p != nil {
		h, alg, sig := p.hash.String(), hashAlgorithm, p.signature
		d.PreviousDigestS3Bucket, d.PreviousDigestS3Object = &p.bucket, &p.key
		d.PreviousDigestHashValue, d.PreviousDigestHashAlgorithm, d.PreviousDigestSignature = &h, &alg, &sig
	}
	size := 1024 + 2*len(key)
	for i := range files {
		size += 200 + len(files[i].S3Bucket) + len(files[i].S3Object) + len(files[i].HashValue)
	}
	body := d.appendJSON(make([]byte, 0, size))
	hash := sumHash(body)
	sig, err := signString(c.cfg.Signer, stringToSign(d.DigestEndTime, d.DigestS3Bucket, d.DigestS3Object, hash, d.PreviousDigestSignature))
	if err != nil {
		return logfile.Object{}, nil, fmt.Errorf("digest: signing %s: %w", key, err)
	}
	gz, err := gzipBytes(body)
	if err != nil {
		return logfile.Object{}, nil, err
	}
	obj := logfile.Object{
		Bucket: c.cfg.Bucket,
		Key:    key,
		Body:   gz,
		Metadata: map[string]string{
			metaSignature:          hex.EncodeToString(sig),
			metaSignatureAlgorithm: signatureAlgorithm,
		},
	}
	return obj, &link{bucket: c.cfg.Bucket, key: key, hash: hash, signature: hex.EncodeToString(sig)}, nil
}

// gzipWriters pools gzip writers: each holds about 800 KB of compressor
// state, more than the work of compressing one digest.
var gzipWriters = sync.Pool{New: func() any { return gzip.NewWriter(nil) }}

func gzipBytes(b []byte) ([]byte, error) {
	buf := bytes.NewBuffer(make([]byte, 0, len(b)/4+64))
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(buf)
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// metaValue looks a metadata name up case-insensitively (SDKs differ in
// how they canonicalise user metadata names).
func metaValue(m map[string]string, name string) string {
	if v, ok := m[name]; ok {
		return v
	}
	for k, v := range m {
		if equalFold(k, name) {
			return v
		}
	}
	return ""
}

func metaHas(m map[string]string, name string) bool {
	if _, ok := m[name]; ok {
		return true
	}
	for k := range m {
		if equalFold(k, name) {
			return true
		}
	}
	return false
}

func equalFold(a, b string) bool { return len(a) == len(b) && strings.EqualFold(a, b) }
