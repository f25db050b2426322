package logfile

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailkit/trailkit/event"
)

// countingStore records which keys were fetched.
type countingStore struct {
	Store
	mu   sync.Mutex
	gets []string
}

func (s *countingStore) Get(ctx context.Context, bucket, key string) (Object, error) {
	s.mu.Lock()
	s.gets = append(s.gets, key)
	s.mu.Unlock()
	return s.Store.Get(ctx, bucket, key)
}

func (s *countingStore) Open(ctx context.Context, bucket, key string) (io.ReadCloser, ObjectInfo, error) {
	s.mu.Lock()
	s.gets = append(s.gets, key)
	s.mu.Unlock()
	return s.Store.Open(ctx, bucket, key)
}

// TestScan writes 30 hours of records (delivered 1 to 4 minutes after
// their eventTime, some late by 40 minutes) and checks that Scan finds exactly
// the records of a time range and reads only the files that can hold them.
func TestScan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	mem := NewMemStore()
	t0 := time.Date(2024, 2, 28, 22, 0, 0, 0, time.UTC)
	clock := &fakeClock{t: t0}
	w, err := NewWriter(mem, WriterOptions{ManualTick: true, Location: Location{Bucket: "b", Prefix: "trail"}, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	var all []*event.Record
	i := 0
	for clock.Now().Before(t0.Add(30 * time.Hour)) {
		for range 3 {
			acct, reg := genAccounts[i%2], genRegions[i%3]
			et := clock.Now().Add(-time.Duration(i%4) * time.Minute)
			if i%97 == 0 {
				et = clock.Now().Add(-40 * time.Minute) // delivered late
			}
			r := genRecord(11, i, acct, reg, et)
			all = append(all, r)
			if err := w.Write(ctx, r); err != nil {
				t.Fatal(err)
			}
			i++
		}
		clock.Add(3 * time.Minute)
		if err := w.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	acct, reg := genAccounts[1], genRegions[2]
	ranges := []struct{ start, end time.Time }{
		{t0.Add(90 * time.Minute), t0.Add(3 * time.Hour)},                                             // crosses midnight
		{time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC), time.Date(2024, 3, 1, 0, 30, 0, 0, time.UTC)}, // leap day
		{t0.Add(-time.Hour), t0.Add(10 * time.Minute)},                                                // before the first record
		{t0.Add(20*time.Hour + 17*time.Second), t0.Add(20*time.Hour + 5*time.Minute + 3*time.Second)},
		{t0.Add(100 * time.Hour), t0.Add(101 * time.Hour)}, // after the last
		{time.Time{}, t0.Add(time.Hour)},                   // open start
		{t0.Add(28 * time.Hour), time.Time{}},              // open end
	}
	for _, rg := range ranges {
		cs := &countingStore{Store: mem}
		var got []string
		for r, err := range Scan(ctx, cs, ScanOptions{Location: Location{Bucket: "b", Prefix: "trail"}, Account: acct, Region: reg, Start: rg.start, End: rg.end}) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, r.EventID)
		}
		var want []string
		for _, r := range all {
			if r.RecipientAccountID == acct && r.AWSRegion == reg && !r.EventTime.Before(rg.start) && (rg.end.IsZero() || !r.EventTime.After(rg.end)) {
				want = append(want, r.EventID)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("range %v–%v: %d records, want %d", rg.start, rg.end, len(got), len(want))
		}
		for _, key := range cs.gets {
			k, err := ParseKey(key)
			if err != nil || k.Account != acct || k.Region != reg {
				t.Errorf("range %v: fetched %q", rg.start, key)
				continue
			}
			if k.Time.Before(rg.start.Truncate(time.Minute)) || !rg.end.IsZero() && k.Time.After(rg.end.Add(defaultScanSlack)) {
				t.Errorf("range %v–%v: fetched %q outside the key window", rg.start, rg.end, key)
			}
		}
	}
	// Early break and bad options.
	n := 0
	for range Scan(ctx, mem, ScanOptions{Location: Location{Bucket: "b", Prefix: "trail"}, Account: acct, Region: reg}) {
		n++
		if n == 5 {
			break
		}
	}
	for _, o := range []ScanOptions{
		{Location: Location{Bucket: "b"}, Account: "1", Region: reg},
		{Location: Location{Bucket: "b"}, Account: acct, Region: reg, Kind: KindDigest},
		{Location: Location{Bucket: "b"}, Account: acct, Region: reg, Start: t0, End: t0.Add(-time.Second)},
	} {
		var errs int
		for _, err := range Scan(ctx, mem, o) {
			if err != nil {
				errs++
			}
		}
		if errs != 1 {
			t.Errorf("Scan(%+v): %d errors, want 1", o, errs)
		}
	}
	// An unreadable file is reported and the scan goes on.
	mem.Put(ctx, Object{Bucket: "b", Key: Key{Kind: KindLog, Prefix: "trail", Account: acct, Region: reg,
		Time: t0.Add(time.Hour).Truncate(time.Minute), Unique: "AAAAAAAAAAAAAAAA"}.String(), Body: []byte("garbage")})
	var scanErr *RecordError
	records := 0
	for r, err := range Scan(ctx, mem, ScanOptions{Location: Location{Bucket: "b", Prefix: "trail"}, Account: acct, Region: reg, Start: t0, End: t0.Add(2 * time.Hour)}) {
		if err != nil {
			if !errors.As(err, &scanErr) || !errors.Is(err, ErrMalformedLogFile) || scanErr.Bucket != "b" || !strings.HasPrefix(scanErr.Key, "trail/AWSLogs/") {
				t.Errorf("error %v", err)
			}
			continue
		}
		_ = r
		records++
	}
	if scanErr == nil || records == 0 {
		t.Errorf("garbage file: error %v, %d records", scanErr, records)
	}
}

// TestScanWholeFiles: a file that fails part-way (its gzip stream cut
// after some records) yields its records without WholeFiles, and with it
// only its *RecordError: a caller that reports the file as skipped has used
// nothing from it. The other files' records come either way.
func TestScanWholeFiles(t *testing.T) {
	ctx := context.Background()
	mem := NewMemStore()
	t0 := time.Date(2024, 2, 28, 22, 0, 0, 0, time.UTC)
	clock := &fakeClock{t: t0}
	w, _ := NewWriter(mem, WriterOptions{ManualTick: true, Location: Location{Bucket: "b"}, Now: clock.Now, MaxRecords: 200})
	for i := range 400 {
		if err := w.Write(ctx, genRecord(12, i, "111122223333", "us-east-1", t0)); err != nil {
			t.Fatal(err)
		}
	}
	w.Close(ctx)
	keys := listAll(t, mem, "b", "", "")
	if len(keys) != 2 {
		t.Fatalf("%d files", len(keys))
	}
	obj, _ := mem.Get(ctx, "b", keys[0])
	mem.Put(ctx, Object{Bucket: "b", Key: keys[0], Body: obj.Body[:len(obj.Body)*2/3]})
	for _, whole := range []bool{false, true} {
		recs, errs := 0, 0
		for _, err := range Scan(ctx, mem, ScanOptions{Location: Location{Bucket: "b"}, Account: "111122223333", Region: "us-east-1", WholeFiles: whole}) {
			var se *RecordError
			if errors.As(err, &se) {
				errs++
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			recs++
		}
		want := 200
		if !whole {
			want = 200 + 1 // at least one record of the cut file came through
		}
		if errs != 1 || (whole && recs != want) || (!whole && recs < want) {
			t.Errorf("WholeFiles=%v: %d records, %d errors", whole, recs, errs)
		}
	}
}
