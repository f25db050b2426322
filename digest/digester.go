package digest

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/trailkit/trailkit/logfile"
)

// defaultLookback is DigesterOptions.Lookback's default.
const defaultLookback = 2 * time.Hour

// DigesterOptions configures a Digester. The chain (with its Location's
// Bucket), Signer and Store are required; the zero value of every other
// field selects the default. Every digester of one chain must use the same
// DigestChain, Interval and Lookback.
type DigesterOptions struct {
	// DigestChain names the chain; its Location's Bucket holds the
	// chain's log files and receives its digests.
	logfile.DigestChain
	// Signer signs the digests, as ChainOptions.Signer.
	Signer crypto.Signer
	// Store must implement PutIfAbsent as the logfile.Store contract says:
	// it is what makes competing digesters agree.
	Store logfile.Store
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Interval is the digest window, at least one second; zero means one
	// hour, as CloudTrail. Windows are aligned to it: they start at whole
	// multiples of Interval since the Unix epoch.
	Interval time.Duration
	// Readers is how many log files a window reads at once; zero means
	// 8. Against S3 each read is a GetObject, so its latency, not CPU,
	// bounds a window's time unless reads overlap.
	Readers int
	// Lookback bounds how late a log file may be stored: a window lists
	// the unlisted files whose key time is at most Lookback before the
	// window's end (rounded down to the minute, as key times are). A file stored later than that (its key time older) is
	// never listed, and validation reports it as unlisted. It must be at
	// least Interval; zero means two hours. It also sets the cost of
	// a window: the folder is listed over Lookback.
	Lookback time.Duration
}

// Digester writes one digest chain from the store's listing rather than
// from a Writer's deliveries, so any number of writer processes on any
// hosts can fill a bucket while one or more digesters keep its chain.
//
// # How a window is digested
//
// Windows are [start, end) with end a whole multiple of Interval (the
// first window after a digest whose end is not aligned ends at the next
// multiple), so every digester computes the same digest key for a window.
// When a window has ended, a digester:
//
//  1. reads the window's digest key; if a digest is there (another
//     digester was first), it adopts it (step 4);
//  2. lists the chain's log folder ([prefix/]AWSLogs/[org/]account/
//     CloudTrail/region/) for keys whose time is in [end-Lookback, end)
//     and keeps those no digest lists yet: this includes files stored late
//     with an older key time;
//  3. reads each of them (SHA-256 of the uncompressed bytes, oldest and
//     newest eventTime), builds the digest linked to the previous window's
//     digest, signs it, and stores it with PutIfAbsent;
//  4. if PutIfAbsent reports that the digest exists (another digester
//     won), it reads the winner's digest and continues the chain from it:
//     the next digest links to the winner's, and the files the winner did
//     not list are still unlisted, so the next window lists them.
//
// So each stored log file of the chain ends in exactly one digest, as long
// as it is stored within Lookback of its key time and some digester keeps
// running; every window has a digest, an empty one when no file arrived.
//
// What "no digest lists yet" means is kept in memory: the files of the
// digests that end within Lookback of the window. On its first Tick a
// Digester finds the chain's newest digest in the store and reads the
// chain back through Lookback; without a digest it starts a new chain at
// the window of the oldest log file within Lookback (or the current
// window), which digesters starting together also agree on.
//
// Close digests the current window before it ends (its key is still the
// aligned one), so a digester that stops leaves nothing it has seen
// undigested; files stored after that go to the next window of whichever
// digester runs then.
//
// A Digester is safe for concurrent use; its methods are serialised.
type Digester struct {
	cfg      DigesterOptions
	iv, back time.Duration

	mu     sync.Mutex
	loaded bool
	closed bool
	prev   *link
	// prevEnd is the end of prev, the start of the next window.
	prevEnd time.Time
	// listed maps each log file key listed by a digest that ends within
	// Lookback of the next window to that digest's end.
	listed map[string]time.Time
	stats  DigesterStats
	// readers read log files in parallel; each is reused between files
	// (a gzip reader holds a 32 KB window; allocating one per file was a
	// third of a window's cost).
	readers []*fileReader
}

// fileReader reads log files for a window; one per parallel reader.
type fileReader struct{ logReader }

// DigesterStats counts what a Digester did.
type DigesterStats struct {
	// Written counts the digests this Digester stored; Adopted those it
	// found stored by another digester and continued from.
	Written, Adopted int
	// Files counts the log files listed in the digests this Digester
	// stored. Late counts those among them whose key time is before
	// their window's start.
	Files, Late int
	// Unreadable counts log files skipped because they are not valid
	// gzip JSON log files with a record, or larger than the store's
	// limit or 2 GiB uncompressed; they stay unlisted (each window tries
	// them again), and validation reports them.
	Unreadable int
	// Forks counts adopted digests that do not link to the digest this
	// Digester held as the previous one (two chains were started at
	// once, or a digest was replaced).
	Forks int
	// LastKey is the key of the newest digest written or adopted ("" before
	// the first); Next is the start of the next window (zero before the
	// first Tick has found where the chain stands).
	LastKey string
	Next    time.Time
}

// NewDigester returns a Digester for opts. It does no I/O.
func NewDigester(opts DigesterOptions) (*Digester, error) {
	cfg := opts
	cc := ChainOptions{DigestChain: cfg.DigestChain, Signer: cfg.Signer, Store: cfg.Store, Interval: cfg.Interval}
	if err := cc.check(); err != nil {
		return nil, err
	}
	d := &Digester{cfg: cfg, iv: cc.interval(), back: cfg.Lookback, listed: map[string]time.Time{}}
	if d.back == 0 {
		d.back = defaultLookback
	}
	if d.back < d.iv {
		return nil, configErr("Lookback %v is shorter than Interval %v", d.back, d.iv)
	}
	n := cfg.Readers
	if n == 0 {
		n = 8
	}
	if n < 0 {
		return nil, configErr("negative Readers %d", n)
	}
	for range n {
		d.readers = append(d.readers, &fileReader{})
	}
	return d, nil
}

func (d *Digester) now() time.Time {
	now := time.Now
	if d.cfg.Now != nil {
		now = d.cfg.Now
	}
	return now().UTC().Truncate(time.Second)
}

// windowEnd returns the end of the window that starts at start: the next
// multiple of Interval after start.
func (d *Digester) windowEnd(start time.Time) time.Time {
	return start.Truncate(d.iv).Add(d.iv)
}

// Stats returns what the Digester did so far.
func (d *Digester) Stats() DigesterStats {
	d.mu.Lock()
	defer d.mu.Unlock()
	st := d.stats
	st.Next = d.prevEnd
	return st
}

// Tick digests every window that has ended by the clock's now, one digest
// per window, each written or adopted (see the type's documentation).
// Call it soon after each multiple of Interval. After an error, nothing
// is lost: the next Tick or Close starts again at the first window
// without a digest.
func (d *Digester) Tick(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return ErrChainClosed
	}
	return d.tick(ctx)
}

func (d *Digester) tick(ctx context.Context) error {
	now := d.now()
	if err := d.load(ctx, now); err != nil {
		return err
	}
	for {
		end := d.windowEnd(d.prevEnd)
		if end.After(now) {
			return nil
		}
		if err := d.window(ctx, d.prevEnd, end); err != nil {
			return err
		}
	}
}

// Close digests the windows that have ended and then the current one,
// before its end, with what is stored so far, and ends the Digester. If
// the current window's digest exists already, Close adopts it. After an
// error, Close can be called again.
func (d *Digester) Close(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return ErrChainClosed
	}
	if err := d.tick(ctx); err != nil {
		return err
	}
	if err := d.window(ctx, d.prevEnd, d.windowEnd(d.prevEnd)); err != nil {
		return err
	}
	d.closed = true
	return nil
}

// load finds where the chain stands, once.
func (d *Digester) load(ctx context.Context, now time.Time) error {
	if d.loaded {
		return nil
	}
	newest, err := d.newestDigest(ctx, now.Add(-d.back))
	if err != nil {
		return err
	}
	if newest == "" {
		start, err := d.genesis(ctx, now)
		if err != nil {
			return err
		}
		d.prevEnd, d.loaded = start, true
		return nil
	}
	// Read the chain back from its newest digest through Lookback before
	// the next window, so that every digest that can list a file the next
	// windows may see is known.
	key := newest
	var first *link
	var firstEnd time.Time
	for key != "" {
		l, dg, err := d.readDigest(ctx, key)
		if first != nil && errors.Is(err, logfile.ErrNotFound) {
			break // the chain's older part is gone; validation reports it
		}
		if err != nil {
			return err
		}
		end, err := time.Parse(timeFormat, dg.DigestEndTime)
		if err != nil {
			return &FormatError{Field: "digestEndTime of " + key, Value: clip(dg.DigestEndTime), Err: err}
		}
		if first == nil {
			first, firstEnd = l, end
		} else if !end.After(d.horizon(firstEnd)) {
			break
		}
		d.remember(dg, end)
		key = ""
		if !dg.IsStarting() && *dg.PreviousDigestS3Bucket == d.cfg.Bucket {
			key = *dg.PreviousDigestS3Object
		}
	}
	d.prev, d.prevEnd, d.stats.LastKey, d.loaded = first, firstEnd, first.key, true
	return nil
}

// newestDigest returns the key of the chain's newest normal digest,
// listing from since first and the whole chain only if that finds none.
func (d *Digester) newestDigest(ctx context.Context, since time.Time) (string, error) {
	dc := d.cfg.DigestChain
	for _, after := range []string{dc.Key(since.Add(-time.Minute), false).String(), ""} {
		var newest, newestT string
		for key, err := range d.cfg.Store.List(ctx, d.cfg.Bucket, d.cfg.ListPrefix(), after) {
			if err != nil {
				return "", err
			}
			if isBackfillKey(key) || !d.cfg.Match(key) {
				continue
			}
			if ts, ok := keyTimeText(key); ok && ts >= newestT {
				if _, ok := keyTime(key); ok {
					newest, newestT = key, ts
				}
			}
		}
		if newest != "" || after == "" {
			return newest, nil
		}
	}
	return "", nil
}

// genesis returns the start of a new chain's first window: the window of
// the oldest log file within Lookback, or the current window.
func (d *Digester) genesis(ctx context.Context, now time.Time) (time.Time, error) {
	start := now.Truncate(d.iv)
	err := d.eachLogFile(ctx, now.Add(-d.back), now.Add(time.Minute), func(key string, k logfile.Key) (bool, error) {
		if t := k.Time.Truncate(d.iv); t.Before(start) {
			start = t
		}
		return false, nil // keys come in time order: the first is the oldest
	})
	return start, err
}

// horizon returns the oldest key time a window ending at end lists:
// Lookback before end, down to the minute (key times are whole minutes, so
// a file stored just before end with a key time up to a minute older is
// within reach).
func (d *Digester) horizon(end time.Time) time.Time {
	return end.Add(-d.back).Truncate(time.Minute)
}

// remember adds the files of a digest ending at end to the listed set.
func (d *Digester) remember(dg *Digest, end time.Time) {
	for _, f := range dg.LogFiles {
		if f.S3Bucket == d.cfg.Bucket {
			if old, ok := d.listed[f.S3Object]; !ok || end.After(old) {
				d.listed[f.S3Object] = end
			}
		}
	}
}

// forget drops the listed files of digests that end at or before horizon:
// they list only files whose key time is before horizon.
func (d *Digester) forget(horizon time.Time) {
	for k, end := range d.listed {
		if !end.After(horizon) {
			delete(d.listed, k)
		}
	}
}

// eachLogFile calls fn for each log file key of the chain with a key time
// in [from, to), in key (time) order, until fn returns false or an error.
func (d *Digester) eachLogFile(ctx context.Context, from, to time.Time, fn func(string, logfile.Key) (bool, error)) error {
	dir := d.cfg.Location.Dir(d.cfg.Account, logfile.KindLog, d.cfg.Region)
	from = from.UTC()
	// Keys of one day folder sort by time: <acct>_CloudTrail_<region>_<stamp>_<unique>.
	after := dir + from.Format("2006/01/02/") + d.cfg.Account + "_CloudTrail_" + d.cfg.Region + "_" + from.Truncate(time.Minute).Format("20060102T1504Z")
	for key, err := range d.cfg.Store.List(ctx, d.cfg.Bucket, dir, after) {
		if err != nil {
			return err
		}
		k, err := logfile.ParseKey(key)
		if err != nil || k.Kind != logfile.KindLog || k.Account != d.cfg.Account || k.Region != d.cfg.Region ||
			k.Prefix != d.cfg.Prefix || k.OrgID != d.cfg.OrgID {
			continue
		}
		if !k.Time.Before(to) {
			return nil
		}
		if k.Time.Before(from) {
			continue
		}
		more, err := fn(key, k)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// window writes or adopts the digest of [start, end).
func (d *Digester) window(ctx context.Context, start, end time.Time) error {
	key := d.cfg.Key(end, false).String()
	if l, dg, err := d.readDigest(ctx, key); err == nil {
		d.adopt(key, end, l, dg)
		return nil
	} else if !errors.Is(err, logfile.ErrNotFound) {
		return err
	}
	horizon := d.horizon(end)
	d.forget(horizon)
	type candidate struct {
		key  string
		late bool
		f    LogFile
		err  error
	}
	var cands []candidate
	err := d.eachLogFile(ctx, horizon, end, func(key string, k logfile.Key) (bool, error) {
		if _, ok := d.listed[key]; !ok {
			cands = append(cands, candidate{key: key, late: k.Time.Before(start.Truncate(time.Minute))})
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	// Read the files with len(d.readers) workers; results keep key order.
	next := make(chan int)
	var wg sync.WaitGroup
	for _, r := range d.readers[:min(len(d.readers), len(cands))] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				cands[i].f, cands[i].err = r.read(ctx, d.cfg.Store, d.cfg.Bucket, cands[i].key)
			}
		}()
	}
	for i := range cands {
		next <- i
	}
	close(next)
	wg.Wait()
	var files []LogFile
	late, unreadable := 0, 0
	for _, c := range cands {
		switch {
		case errors.Is(c.err, ErrInvalidFormat) || errors.Is(c.err, ErrTooLarge) || errors.Is(c.err, logfile.ErrTooLarge):
			unreadable++
			continue
		case c.err != nil:
			return c.err
		}
		if c.late {
			late++
		}
		files = append(files, c.f)
	}
	c := chain{cfg: ChainOptions{DigestChain: d.cfg.DigestChain, Signer: d.cfg.Signer}, prev: d.prev}
	obj, l, err := c.build(start, end, files)
	if err != nil {
		return err
	}
	err = d.cfg.Store.PutIfAbsent(ctx, obj)
	if errors.Is(err, logfile.ErrExists) {
		l, dg, err := d.readDigest(ctx, key)
		if err != nil {
			return err
		}
		d.adopt(key, end, l, dg)
		return nil
	}
	if err != nil {
		return fmt.Errorf("digest: storing %s: %w", key, err)
	}
	for _, f := range files {
		d.listed[f.S3Object] = end
	}
	d.prev, d.prevEnd = l, end
	d.stats.Written++
	d.stats.Files += len(files)
	d.stats.Late += late
	d.stats.Unreadable += unreadable
	d.stats.LastKey = key
	return nil
}

// adopt continues the chain from the digest dg another digester stored at
// key; l is the link to it.
func (d *Digester) adopt(key string, end time.Time, l *link, dg *Digest) {
	if d.prev != nil && (dg.IsStarting() || *dg.PreviousDigestS3Object != d.prev.key) {
		d.stats.Forks++
	}
	d.remember(dg, end)
	d.prev, d.prevEnd = l, end
	d.stats.Adopted++
	d.stats.LastKey = key
}

// readDigest reads and parses the digest at key and returns the link to it.
func (d *Digester) readDigest(ctx context.Context, key string) (*link, *Digest, error) {
	raw, meta, err := openDigest(ctx, d.cfg.Store, d.cfg.Bucket, key)
	if err != nil {
		return nil, nil, err
	}
	dg, err := Parse(raw)
	if err != nil {
		return nil, nil, err
	}
	if dg.DigestS3Bucket != d.cfg.Bucket || dg.DigestS3Object != key {
		return nil, nil, &FormatError{Field: "digestS3Object of " + key, Value: clip(dg.DigestS3Object), Reason: "does not name the digest's own location"}
	}
	sig := metaValue(meta, metaSignature)
	if _, err := parseSignature(sig); err != nil {
		return nil, nil, err
	}
	return &link{bucket: d.cfg.Bucket, key: key, hash: sumHash(raw), signature: sig}, dg, nil
}

// read reads a stored log file as a stream (see logReader) and returns
// its digest entry: the SHA-256 of its uncompressed bytes and its oldest
// and newest eventTime. A file that is not a gzip JSON log file with at
// least one record gives an error wrapping ErrInvalidFormat (ErrTooLarge
// above 2 GiB uncompressed).
func (r *fileReader) read(ctx context.Context, store logfile.Store, bucket, key string) (LogFile, error) {
	s, err := r.logReader.read(ctx, store, bucket, key, defaultMaxLogFileSize)
	if err != nil {
		return LogFile{}, err
	}
	return LogFile{
		S3Bucket:        bucket,
		S3Object:        key,
		HashValue:       s.sum.String(),
		HashAlgorithm:   hashAlgorithm,
		NewestEventTime: s.newest.UTC().Format(timeFormat),
		OldestEventTime: s.oldest.UTC().Format(timeFormat),
	}, nil
}
