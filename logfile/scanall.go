package logfile

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/trailkit/trailkit/event"
)

// ScanAll is Scan over several (account, Region) streams at once: every
// stream whose account is in opts.Accounts and whose Region is in
// opts.Regions, a nil list meaning every account (Region) found by listing
// the bucket. opts.Account and opts.Region must be empty; the other
// options apply to every stream as in Scan.
//
// The streams are read in parallel, opts.Parallelism at a time (default
// GOMAXPROCS), each by one goroutine running Scan, so the records of one
// stream come in Scan's order (file by file in key order) while the
// streams interleave. Memory is bounded: each goroutine holds one file's
// reader and at most two batches of 256 records wait to be yielded per
// goroutine. Breaking out of the loop stops the goroutines before ScanAll
// returns.
//
// Listing finds accounts and Regions without reading every key: one List
// call per account and per Region found, each starting after the folder
// just found. Folders that are not 12-digit accounts or Region names are
// skipped. A listing error is yielded and ends the scan; file errors are
// *RecordError and the scan goes on, as in Scan.
func ScanAll(ctx context.Context, store Store, opts ScanOptions) iter.Seq2[*event.Record, error] {
	return func(yield func(*event.Record, error) bool) {
		if opts.Account != "" || opts.Region != "" {
			yield(nil, errors.New("logfile: ScanAll selects streams with ScanOptions.Accounts and Regions; Account and Region must be empty"))
			return
		}
		if opts.Kind == "" {
			opts.Kind = KindLog
		}
		for _, a := range opts.Accounts {
			if !validAccount(a) {
				yield(nil, fmt.Errorf("logfile: ScanAll: %q is not a 12-digit account id", a))
				return
			}
		}
		for _, r := range opts.Regions {
			if !validRegion(r) {
				yield(nil, fmt.Errorf("logfile: ScanAll: %q is not a Region name", r))
				return
			}
		}
		parent := ctx
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		streams, err := listStreams(ctx, store, opts)
		if err != nil {
			yield(nil, err)
			return
		}
		par := opts.Parallelism
		if par <= 0 {
			par = runtime.GOMAXPROCS(0)
		}
		par = min(par, len(streams))

		type batch struct {
			recs []*event.Record
			err  error
		}
		const batchSize = 256
		out := make(chan batch, par)
		todo := make(chan [2]string)
		var wg sync.WaitGroup
		for range par {
			wg.Add(1)
			go func() {
				defer wg.Done()
				send := func(b batch) bool {
					select {
					case out <- b:
						return true
					case <-ctx.Done():
						return false
					}
				}
				for s := range todo {
					o := opts
					o.Account, o.Region, o.Accounts, o.Regions = s[0], s[1], nil, nil
					var recs []*event.Record
					for r, err := range Scan(ctx, store, o) {
						if err != nil {
							if ctx.Err() != nil {
								return
							}
							if len(recs) > 0 && !send(batch{recs: recs}) {
								return
							}
							recs = nil
							if !send(batch{err: err}) {
								return
							}
							continue
						}
						if recs = append(recs, r); len(recs) == batchSize {
							if !send(batch{recs: recs}) {
								return
							}
							recs = nil
						}
					}
					if len(recs) > 0 && !send(batch{recs: recs}) {
						return
					}
				}
			}()
		}
		go func() {
			defer close(todo)
			for _, s := range streams {
				select {
				case todo <- s:
				case <-ctx.Done():
					return
				}
			}
		}()
		go func() {
			wg.Wait()
			close(out)
		}()
		defer func() {
			cancel()
			for range out { // let the goroutines finish
			}
		}()
		for b := range out {
			if b.err != nil {
				var re *RecordError
				if !yield(nil, b.err) || !errors.As(b.err, &re) {
					return
				}
				continue
			}
			for _, r := range b.recs {
				if !yield(r, nil) {
					return
				}
			}
		}
		if err := parent.Err(); err != nil {
			yield(nil, err)
		}
	}
}

// listStreams returns the (account, Region) pairs to read, sorted.
func listStreams(ctx context.Context, store Store, opts ScanOptions) ([][2]string, error) {
	accounts := slices.Clone(opts.Accounts)
	if accounts == nil {
		const probe = "000000000000"
		dir := opts.Location.Dir(probe, opts.Kind, "x")
		base := dir[:strings.Index(dir, probe)]
		var err error
		if accounts, err = listFolders(ctx, store, opts.Bucket, base, validAccount); err != nil {
			return nil, err
		}
	}
	slices.Sort(accounts)
	accounts = slices.Compact(accounts)
	var streams [][2]string
	for _, a := range accounts {
		regions := slices.Clone(opts.Regions)
		if regions == nil {
			dir := opts.Location.Dir(a, opts.Kind, "x")
			var err error
			if regions, err = listFolders(ctx, store, opts.Bucket, dir[:len(dir)-2], validRegion); err != nil {
				return nil, err
			}
		}
		slices.Sort(regions)
		for _, r := range slices.Compact(regions) {
			streams = append(streams, [2]string{a, r})
		}
	}
	return streams, nil
}

// maxRune sorts after every UTF-8 sequence but itself: listing after
// "folder/" + maxRune skips everything in the folder.
const maxRune = "\U0010FFFF"

// listFolders returns the names of the folders directly under base that
// keep reports valid, by listing one key per folder and skipping past the
// folder each time.
func listFolders(ctx context.Context, store Store, bucket, base string, keep func(string) bool) ([]string, error) {
	var names []string
	after := ""
	for {
		var next string
		found := false
		for key, err := range store.List(ctx, bucket, base, after) {
			if err != nil {
				return nil, err
			}
			rest := key[len(base):]
			i := strings.IndexByte(rest, '/')
			if i < 0 { // an object directly under base: step over it
				after = key
				continue
			}
			next, found = rest[:i], true
			break
		}
		if !found {
			return names, nil
		}
		if keep(next) {
			names = append(names, next)
		}
		skip := base + next + "/" + maxRune
		if skip <= after { // no progress (a key sorting after maxRune): stop
			return names, nil
		}
		after = skip
	}
}
