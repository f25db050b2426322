package digest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/trailkit/trailkit/logfile"
)

// Recover adds to the chain the log files that were stored after its
// newest digest but never reached it, for example because the process
// crashed between a Writer's delivery and the next digest (deliveries are
// held in memory until digested). Call it right after ResumeChain, before
// new deliveries arrive.
//
// It lists the chain's log folder (and the Insights folder with
// IncludeInsights) from the date of the chain's window start, takes every
// key whose delivery minute is at or after the window start's minute and
// that the newest digest does not list, reads each file, and adds it with
// its SHA-256, oldest and newest eventTime, and DeliveredAt from its key
// (no earlier than the window start). It returns how many files it added.
// A file that cannot be read or parsed is an error: it would otherwise be
// silently left out of the chain.
func (c *Chain) Recover(ctx context.Context) (int, error) {
	c.mu.Lock()
	start := c.start
	var listed map[string]bool
	if c.prev != nil {
		obj, err := c.cfg.Store.Get(ctx, c.prev.bucket, c.prev.key)
		if err != nil {
			c.mu.Unlock()
			return 0, err
		}
		raw, err := gunzipDigest(obj.Body, DefaultMaxDigestSize)
		if err == nil {
			var d *Digest
			if d, err = Parse(raw); err == nil {
				listed = map[string]bool{}
				for _, f := range d.LogFiles {
					listed[f.S3Bucket+"/"+f.S3Object] = true
				}
			}
		}
		if err != nil {
			c.mu.Unlock()
			return 0, err
		}
	}
	c.mu.Unlock()
	kinds := []logfile.ObjectKind{logfile.KindLog}
	if c.cfg.IncludeInsights {
		kinds = append(kinds, logfile.KindInsight)
	}
	n := 0
	for _, kind := range kinds {
		dir := logfile.KindDir(c.cfg.Prefix, c.cfg.OrgID, c.cfg.Account, kind, c.cfg.Region)
		after := dir + start.AddDate(0, 0, -1).Format("2006/01/02/~")
		for key, err := range c.cfg.Store.List(ctx, c.cfg.Bucket, dir, after) {
			if err != nil {
				return n, err
			}
			k, err := logfile.ParseKey(key)
			if err != nil || k.Kind != kind || k.Account != c.cfg.Account || k.Region != c.cfg.Region {
				continue
			}
			if k.Time.Before(start.Truncate(time.Minute)) || listed[c.cfg.Bucket+"/"+key] {
				continue
			}
			d, err := c.recoverOne(ctx, key, kind, k.Time)
			if err != nil {
				return n, err
			}
			if d.DeliveredAt.Before(start) {
				d.DeliveredAt = start
			}
			c.Add(d)
			n++
		}
	}
	return n, nil
}

func (c *Chain) recoverOne(ctx context.Context, key string, kind logfile.ObjectKind, at time.Time) (logfile.Delivery, error) {
	obj, err := c.cfg.Store.Get(ctx, c.cfg.Bucket, key)
	if err != nil {
		return logfile.Delivery{}, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(obj.Body))
	if err != nil {
		return logfile.Delivery{}, &FormatError{Field: "log file " + key, Err: err}
	}
	zr.Multistream(false)
	var raw bytes.Buffer
	if _, err := raw.ReadFrom(zr); err != nil {
		return logfile.Delivery{}, &FormatError{Field: "log file " + key, Err: err}
	}
	var body struct {
		Records []struct {
			EventTime string `json:"eventTime"`
		} `json:"Records"`
	}
	if err := json.Unmarshal(raw.Bytes(), &body); err != nil {
		return logfile.Delivery{}, &FormatError{Field: "log file " + key, Err: err}
	}
	d := logfile.Delivery{Bucket: c.cfg.Bucket, Key: key, Kind: kind, Account: c.cfg.Account, Region: c.cfg.Region,
		SHA256: SumHash(raw.Bytes()), Records: len(body.Records), CompressedSize: int64(len(obj.Body)),
		UncompressedSize: int64(raw.Len()), DeliveredAt: at}
	for _, r := range body.Records {
		t, err := time.Parse(time.RFC3339, r.EventTime)
		if err != nil {
			return logfile.Delivery{}, &FormatError{Field: "eventTime in " + key, Value: clip(r.EventTime), Err: err}
		}
		if d.OldestEventTime.IsZero() || t.Before(d.OldestEventTime) {
			d.OldestEventTime = t
		}
		if t.After(d.NewestEventTime) {
			d.NewestEventTime = t
		}
	}
	if len(body.Records) == 0 {
		return d, fmt.Errorf("%w: log file %s has no records", ErrInvalidFormat, key)
	}
	return d, nil
}
