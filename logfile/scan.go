package logfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/trailkit/trailkit/event"
)

// defaultScanSlack is how long after a record's eventTime Scan still looks
// for the file that delivered it, when ScanOptions.Slack is 0.
const defaultScanSlack = time.Hour

// ScanOptions selects the records Scan yields.
type ScanOptions struct {
	// Location locates the trail's files, as in WriterOptions.
	Location
	// Account and Region select one stream for Scan: the key's account
	// and Region.
	Account string
	Region  string
	// Accounts and Regions select the streams ScanAll reads: the accounts
	// and Regions listed, nil meaning every one found by listing. Scan
	// ignores them.
	Accounts []string
	Regions  []string
	// Parallelism is how many streams ScanAll reads at once (default
	// GOMAXPROCS). Scan ignores it.
	Parallelism int
	// Kind is KindLog (the default) or KindInsight.
	Kind ObjectKind
	// Start and End bound eventTime, both inclusive. A zero Start or End
	// leaves that side open.
	Start, End time.Time
	// Slack is how much later than End a file may have been delivered and
	// still hold records of the range (zero means one hour).
	// CloudTrail delivers within about 5 minutes; a record delivered later
	// than End+Slack is missed.
	Slack time.Duration
	// Read configures the reading of each file.
	Read ReadOptions
	// WholeFiles makes Scan yield a file's records only once the whole
	// file was read: a file that fails part-way yields its *RecordError and
	// none of its records, so that a caller reporting the file as skipped
	// uses nothing from it. A file's records are then held in memory.
	WholeFiles bool
}

// errNoStream: Scan was called without ScanOptions.Account or Region.
var errNoStream = errors.New("logfile: Scan needs ScanOptions.Account and Region (one stream); ScanAll reads several or all")

// Scan yields the records of one account and Region whose eventTime is in
// [Start, End], for event-history lookups.
//
// A file is delivered at or after the eventTime of every record it holds,
// and its key carries its delivery minute. So Scan lists only the date
// folders from Start's date to the date of End+Slack, starts each listing
// at Start's minute, stops at the first key later than End+Slack, and
// filters the records by eventTime. Each file is read as a stream
// (Store.Open), so memory does not grow with the file's size. Records come file by file in key order,
// and in file order within a file (not sorted by eventTime).
//
// An empty Account or Region yields an error saying that ScanAll reads
// several streams. Keys in the folders that do not parse as keys of the
// wanted kind, account and Region are skipped. A file that cannot be read
// yields (nil, *RecordError) with the file's Bucket and Key; the scan
// continues with the next file if the loop goes on. Any other error (a
// listing error, invalid options, ctx done) is yielded once and ends the
// scan.
func Scan(ctx context.Context, store Store, opts ScanOptions) iter.Seq2[*event.Record, error] {
	return func(yield func(*event.Record, error) bool) {
		if opts.Kind == "" {
			opts.Kind = KindLog
		}
		if opts.Slack <= 0 {
			opts.Slack = defaultScanSlack
		}
		if opts.Account == "" || opts.Region == "" {
			yield(nil, errNoStream)
			return
		}
		probe := Key{Kind: opts.Kind, Prefix: opts.Prefix, OrgID: opts.OrgID, Account: opts.Account,
			Region: opts.Region, Time: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), Unique: "x"}
		if err := probe.Validate(); err != nil || opts.Kind == KindDigest {
			if err == nil {
				err = fmt.Errorf("logfile: Scan reads log and Insights files, not %s", opts.Kind)
			}
			yield(nil, err)
			return
		}
		if !opts.End.IsZero() && opts.End.Before(opts.Start) {
			yield(nil, errors.New("logfile: Scan: End before Start"))
			return
		}
		start := opts.Start.UTC().Truncate(time.Minute)
		var last time.Time // latest key time to read
		if !opts.End.IsZero() {
			last = opts.End.UTC().Add(opts.Slack)
		}
		dir := opts.Location.Dir(opts.Account, opts.Kind, opts.Region)
		head := opts.Account + "_" + string(opts.Kind) + "_" + opts.Region + "_"

		// Walk the date folders one by one. With an open side, or a range
		// over a year, list the whole kind folder from Start's minute on.
		var days iter.Seq[string]
		if start.IsZero() || last.IsZero() || last.Sub(start) > 366*24*time.Hour {
			days = func(y func(string) bool) { y("") }
		} else {
			days = func(y func(string) bool) {
				for d := start.Truncate(24 * time.Hour); !d.After(last); d = d.AddDate(0, 0, 1) {
					if !y(d.Format("2006/01/02/")) {
						return
					}
				}
			}
		}
		for day := range days {
			startAfter := ""
			if !start.IsZero() && (day == "" || day == start.Format("2006/01/02/")) {
				// A strict prefix of every key of Start's minute, after every earlier key.
				startAfter = dir + start.Format("2006/01/02/") + head + start.Format(logTimeLayout)
			}
			for key, err := range store.List(ctx, opts.Bucket, dir+day, startAfter) {
				if err != nil {
					yield(nil, err)
					return
				}
				k, err := ParseKey(key)
				if err != nil || k.Kind != opts.Kind || k.Account != opts.Account || k.Region != opts.Region ||
					k.Prefix != opts.Prefix || k.OrgID != opts.OrgID {
					continue
				}
				if k.Time.Before(start) {
					continue
				}
				if !last.IsZero() && k.Time.After(last) {
					return
				}
				if !scanFile(ctx, store, opts, key, yield) {
					return
				}
			}
		}
	}
}

// scanFile yields the file's records in range; false means stop.
func scanFile(ctx context.Context, store Store, opts ScanOptions, key string, yield func(*event.Record, error) bool) bool {
	body, _, err := store.Open(ctx, opts.Bucket, key)
	if err != nil {
		if ctx.Err() != nil {
			yield(nil, ctx.Err())
			return false
		}
		return yield(nil, &RecordError{Op: "read", Bucket: opts.Bucket, Key: key, Record: -1, Offset: -1, Err: err})
	}
	defer body.Close()
	rd := newReader(body, opts.Read)
	var held []*event.Record
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			for _, r := range held {
				if !yield(r, nil) {
					return false
				}
			}
			return true
		}
		if err != nil {
			if re, ok := err.(*RecordError); ok {
				e := *re
				e.Bucket, e.Key = opts.Bucket, key
				err = &e
			}
			return yield(nil, err)
		}
		if rec.EventTime.Before(opts.Start) || !opts.End.IsZero() && rec.EventTime.After(opts.End) {
			continue
		}
		if opts.WholeFiles {
			held = append(held, rec)
			continue
		}
		if !yield(rec, nil) {
			return false
		}
	}
}
