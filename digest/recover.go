package digest

import (
	"context"
	"time"

	"github.com/trailkit/trailkit/logfile"
)

// recoverLookback is how far before the chain's window start recover looks
// for log files that no digest lists.
const recoverLookback = 24 * time.Hour

// recover adds to the chain the log files that were stored but never
// reached a digest, for example because the process crashed between a
// Writer's delivery and the next digest (deliveries are held in memory
// until digested), or because a delivery that had started before a digest
// was written reached the chain after it. Chain.Resume calls it right
// after resumeChain, before the pair's first delivery.
//
// It reads every normal digest of the chain whose key time is at or after
// the window start minus recoverLookback, lists the chain's log folder (and
// the Insights folder with IncludeInsights) from that time on, and adds
// every file that none of those digests lists and that is not already
// waiting for the next digest, with its SHA-256, oldest and newest
// eventTime, and a DeliveredAt of its key time but no earlier than the
// window start. A file's key time is never after the digest that lists it,
// so after any crash each stored file of the lookback ends up in exactly one
// digest, and after a clean restart recover adds nothing. It returns how
// many files it added. A digest or log file that cannot be read or parsed
// is an error: a file would otherwise be silently left out of the chain, or
// listed twice.
func (c *chain) recover(ctx context.Context) (int, error) {
	c.mu.Lock()
	start := c.start
	c.mu.Unlock()
	from := start.Add(-recoverLookback)
	listed, err := c.listedSince(ctx, from)
	if err != nil {
		return 0, err
	}
	kinds := []logfile.ObjectKind{logfile.KindLog}
	if c.cfg.IncludeInsights {
		kinds = append(kinds, logfile.KindInsight)
	}
	n := 0
	var r logReader
	for _, kind := range kinds {
		dir := c.cfg.Location.Dir(c.cfg.Account, kind, c.cfg.Region)
		after := dir + from.AddDate(0, 0, -1).Format("2006/01/02/~")
		for key, err := range c.cfg.Store.List(ctx, c.cfg.Bucket, dir, after) {
			if err != nil {
				return n, err
			}
			k, err := logfile.ParseKey(key)
			if err != nil || k.Kind != kind || k.Account != c.cfg.Account || k.Region != c.cfg.Region {
				continue
			}
			if k.Time.Before(from.Truncate(time.Minute)) || listed[c.cfg.Bucket+"/"+key] {
				continue
			}
			c.pmu.Lock()
			pending := c.pendingKey(c.cfg.Bucket, key)
			c.pmu.Unlock()
			if pending {
				continue
			}
			d, err := c.recoverOne(ctx, &r, key, kind, k.Time)
			if err != nil {
				return n, err
			}
			if d.DeliveredAt.Before(start) {
				d.DeliveredAt = start
			}
			c.add(d)
			n++
		}
	}
	return n, nil
}

// listedSince returns the bucket/key of every log file listed in the
// chain's normal digests whose key time is at or after from.
func (c *chain) listedSince(ctx context.Context, from time.Time) (map[string]bool, error) {
	lo := from.Format(keyTimeFormat)
	listed := map[string]bool{}
	marker := c.cfg.Key(from.Add(-time.Minute), false).String()
	for key, err := range c.cfg.Store.List(ctx, c.cfg.Bucket, c.cfg.ListPrefix(), marker) {
		if err != nil {
			return nil, err
		}
		if isBackfillKey(key) || !c.cfg.Match(key) {
			continue
		}
		if ts, ok := keyTimeText(key); !ok || ts < lo {
			continue
		}
		raw, _, err := openDigest(ctx, c.cfg.Store, c.cfg.Bucket, key)
		if err != nil {
			return nil, err
		}
		d, err := Parse(raw)
		if err != nil {
			return nil, err
		}
		for _, f := range d.LogFiles {
			listed[f.S3Bucket+"/"+f.S3Object] = true
		}
	}
	return listed, nil
}

// recoverOne reads the stored log file at key as a stream (see logReader)
// and returns its delivery.
func (c *chain) recoverOne(ctx context.Context, r *logReader, key string, kind logfile.ObjectKind, at time.Time) (logfile.Delivery, error) {
	s, err := r.read(ctx, c.cfg.Store, c.cfg.Bucket, key, defaultMaxLogFileSize)
	if err != nil {
		return logfile.Delivery{}, err
	}
	return logfile.Delivery{Bucket: c.cfg.Bucket, Key: key, Kind: kind, Account: c.cfg.Account, Region: c.cfg.Region,
		SHA256: s.sum, Records: s.records, CompressedSize: s.compressed, UncompressedSize: s.uncompressed,
		OldestEventTime: s.oldest, NewestEventTime: s.newest, DeliveredAt: at}, nil
}
