// Package fleetcheck checks what a fleet of writers and digesters left in
// a bucket, for trailkit's fleet tests: every acknowledged record is
// stored exactly once, every log file of the chain is listed by exactly
// one digest, and the chain has a digest for every window, each linking
// to the one before.
//
// It reads the objects itself (gzip and JSON from the standard library)
// rather than through trailkit's Reader and Validate, so that it checks
// them independently.
package fleetcheck

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/trailkit/trailkit/logfile"
)

// Chain names the chain to check: its logfile.DigestChain (where the
// trail's objects live, account, delivering Region, trail, home Region)
// and its window.
type Chain struct {
	logfile.DigestChain
	// Interval is the digest window; every digest but the chain's first
	// must end on a multiple of it.
	Interval time.Duration
}

// Result is what Check found. Problems is empty when all is well.
type Result struct {
	Problems []string
	// LogFiles, Digests and Records count what was stored.
	LogFiles, Digests, Records int
	// Windows is the number of windows from the first digest's end to the
	// last's.
	Windows int
	// First and Last are the first and last digest's end times.
	First, Last time.Time
}

func (r *Result) problem(format string, args ...any) {
	if len(r.Problems) < 50 {
		r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
	}
}

type digestFile struct {
	key        string
	start, end string
	prevKey    *string
	prevHash   *string
	raw        []byte
	files      []struct{ S3Object, HashValue string }
}

// Check reads every log file and digest of c in store and checks them
// against acks, the eventIDs acknowledged to writers (each once).
func Check(ctx context.Context, store logfile.Store, c Chain, acks []string) (*Result, error) {
	res := &Result{}
	logDir := c.Location.Dir(c.Account, logfile.KindLog, c.Region)

	// Log files: records and hashes.
	seen := map[string]int{}
	hashes := map[string]string{}
	for key, err := range store.List(ctx, c.Bucket, logDir, "") {
		if err != nil {
			return nil, err
		}
		raw, err := read(ctx, store, c.Bucket, key)
		if err != nil {
			return nil, err
		}
		raw, err = gunzip(raw)
		if err != nil {
			res.problem("log file %s: %v", key, err)
			continue
		}
		var body struct {
			Records []struct {
				EventID string `json:"eventID"`
			} `json:"Records"`
		}
		if err := json.Unmarshal(raw, &body); err != nil {
			res.problem("log file %s: %v", key, err)
			continue
		}
		for _, r := range body.Records {
			seen[r.EventID]++
		}
		res.LogFiles++
		res.Records += len(body.Records)
		sum := sha256.Sum256(raw)
		hashes[key] = hex.EncodeToString(sum[:])
	}
	for _, id := range acks {
		switch n := seen[id]; n {
		case 1:
		case 0:
			res.problem("acknowledged record %s is not stored", id)
		default:
			res.problem("acknowledged record %s is stored %d times", id, n)
		}
	}
	for id, n := range seen {
		if n > 1 {
			res.problem("record %s is stored %d times", id, n)
		}
	}

	// Digests of the chain, in end-time order.
	var digests []*digestFile
	for key, err := range store.List(ctx, c.Bucket, c.ListPrefix(), "") {
		if err != nil {
			return nil, err
		}
		if !c.Match(key) {
			continue
		}
		raw, err := read(ctx, store, c.Bucket, key)
		if err != nil {
			return nil, err
		}
		raw, err = gunzip(raw)
		if err != nil {
			res.problem("digest %s: %v", key, err)
			continue
		}
		var w struct {
			DigestStartTime         string  `json:"digestStartTime"`
			DigestEndTime           string  `json:"digestEndTime"`
			DigestS3Object          string  `json:"digestS3Object"`
			PreviousDigestS3Object  *string `json:"previousDigestS3Object"`
			PreviousDigestHashValue *string `json:"previousDigestHashValue"`
			LogFiles                []struct {
				S3Object  string `json:"s3Object"`
				HashValue string `json:"hashValue"`
			} `json:"logFiles"`
		}
		if err := json.Unmarshal(raw, &w); err != nil {
			res.problem("digest %s: %v", key, err)
			continue
		}
		if w.DigestS3Object != key {
			res.problem("digest %s names itself %s", key, w.DigestS3Object)
		}
		d := &digestFile{key: key, start: w.DigestStartTime, end: w.DigestEndTime, prevKey: w.PreviousDigestS3Object,
			prevHash: w.PreviousDigestHashValue, raw: raw}
		for _, f := range w.LogFiles {
			d.files = append(d.files, struct{ S3Object, HashValue string }{f.S3Object, f.HashValue})
		}
		digests = append(digests, d)
	}
	slices.SortFunc(digests, func(a, b *digestFile) int { return strings.Compare(a.end, b.end) })
	res.Digests = len(digests)
	if len(digests) == 0 {
		if res.LogFiles > 0 {
			res.problem("%d log files and no digest", res.LogFiles)
		}
		return res, nil
	}

	listed := map[string]string{}
	for i, d := range digests {
		end, err := time.Parse(time.RFC3339, d.end)
		if err != nil {
			res.problem("digest %s: end time %q: %v", d.key, d.end, err)
			continue
		}
		if c.Interval > 0 && end.UnixNano()%int64(c.Interval) != 0 {
			res.problem("digest %s ends at %s, not on a multiple of %v", d.key, d.end, c.Interval)
		}
		if i == 0 {
			res.First = end
			if d.prevKey != nil {
				res.problem("first digest %s links to %s", d.key, *d.prevKey)
			}
		} else {
			prev := digests[i-1]
			if d.start != prev.end {
				res.problem("digest %s starts at %s, the previous one ends at %s (a window without a digest?)", d.key, d.start, prev.end)
			}
			if pe, err := time.Parse(time.RFC3339, prev.end); err == nil && pe.Add(c.Interval).Before(end) {
				res.problem("no digest for the windows between %s and %s", prev.end, d.end)
			}
			sum := sha256.Sum256(prev.raw)
			switch {
			case d.prevKey == nil:
				res.problem("digest %s starts a new chain after %s", d.key, prev.key)
			case *d.prevKey != prev.key:
				res.problem("digest %s links to %s, want %s", d.key, *d.prevKey, prev.key)
			case d.prevHash == nil || *d.prevHash != hex.EncodeToString(sum[:]):
				res.problem("digest %s: previous digest hash does not match %s", d.key, prev.key)
			}
		}
		res.Last = end
		for _, f := range d.files {
			if other, ok := listed[f.S3Object]; ok {
				res.problem("log file %s listed by %s and %s", f.S3Object, other, d.key)
				continue
			}
			listed[f.S3Object] = d.key
			h, ok := hashes[f.S3Object]
			switch {
			case !ok:
				res.problem("digest %s lists %s, which is not stored", d.key, f.S3Object)
			case h != f.HashValue:
				res.problem("digest %s: hash of %s does not match", d.key, f.S3Object)
			}
		}
	}
	if c.Interval > 0 {
		res.Windows = int(res.Last.Sub(res.First)/c.Interval) + 1
	}
	for key := range hashes {
		if _, ok := listed[key]; !ok {
			res.problem("log file %s is listed by no digest", key)
		}
	}
	return res, nil
}

// read returns an object's stored bytes, through the streaming Open.
func read(ctx context.Context, store logfile.Store, bucket, key string) ([]byte, error) {
	rc, _, err := store.Open(ctx, bucket, key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	zr.Multistream(false)
	return io.ReadAll(zr)
}
